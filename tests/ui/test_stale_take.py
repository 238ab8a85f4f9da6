"""A generated take survives edits that do not change what it was made from (issue 12 item 2).

Renaming, recolouring, hiding or locking an object keeps the generated clip on screen and fresh.
An edit to the control signal (a key, a mask, the order) or to the first frame marks it stale,
and never deletes it; undoing the edit makes it fresh again.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from levitor_studio.model.commands import MoveKeyframe, SetObjectProperties

pytestmark = pytest.mark.gui


def _generate(qtbot, window):
    with qtbot.waitSignal(window.work.generated, timeout=30000) as blocker:
        window.actions_by_name["generate"].trigger()
    return blocker.args[0]


def test_unrelated_edits_keep_the_take_and_signal_edits_mark_it_stale(qtbot, window):
    doc = window.doc
    frames = _generate(qtbot, window)
    mug, spoon = doc.scene.objects[0], doc.scene.objects[1]
    doc.set_frame(5)
    for command in (
        SetObjectProperties(mug.uid, name="the mug"),
        SetObjectProperties(mug.uid, color=(1, 2, 3)),
        SetObjectProperties(spoon.uid, locked=True),
    ):
        assert doc.push(command)
        assert window.work.frames is frames, command
        assert window.work.stale is False, command
        assert window.view.display == "generated"
        np.testing.assert_array_equal(window.view.current_image(), frames[5])
        assert window.timeline.timeline.has_generated
        assert window.timeline.timeline.generated_stale is False

    key = spoon.keyframes[-1]
    assert doc.push(SetObjectProperties(spoon.uid, locked=False))
    with qtbot.waitSignal(window.work.staleChanged) as blocker:
        assert doc.push(MoveKeyframe(spoon.uid, key.frame, replace(key, x=key.x + 40)))
    assert blocker.args == [True]
    # stale, never deleted: the clip is still there and still shown
    assert window.work.frames is frames and window.work.stale is True
    assert window.view.display == "generated"
    np.testing.assert_array_equal(window.view.current_image(), frames[5])
    assert window.timeline.timeline.generated_stale is True
    assert "stale" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.work.staleChanged) as blocker:
        doc.undo_stack.undo()
    assert blocker.args == [False]
    assert window.work.stale is False and window.timeline.timeline.generated_stale is False


def test_a_new_depth_map_marks_the_take_stale(qtbot, window):
    from levitor_studio.model.commands import SetDepthMap

    frames = _generate(qtbot, window)
    depth = window.doc.scene.depth_map().copy()
    depth[:10] = 0.9
    with qtbot.waitSignal(window.work.staleChanged):
        assert window.doc.push(SetDepthMap(depth))
    assert window.work.stale is True and window.work.frames is frames
