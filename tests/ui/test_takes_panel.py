"""The Takes dock: each Generate of a saved project becomes a take; show, compare (side by side
and wipe), rename, star, delete and undo, re-run with the same seed, Save As keeps them."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from scenes import EXAMPLE

from levitor_studio.engine.takes import read_frames
from levitor_studio.model.commands import MoveKeyframe, SetGenerationSettings
from levitor_studio.model.takes import TakeStore
from levitor_studio.ui.takes_panel import ID_ROLE

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def saved(window, tmp_path):
    """The window on a copy of the example (its takes go beside the copy, not the repo)."""
    path = tmp_path / "coffee.levitor"
    shutil.copy(EXAMPLE / "coffee.levitor", path)
    window.ask_save_changes = lambda: "discard"
    assert window.open_path(path, ask=False)
    window.takes_dock.raise_()  # tabbed with the inspector
    return path


def generate(qtbot, window):
    with qtbot.waitSignal(window.work.takeStored, timeout=60000) as blocker:
        window.actions_by_name["generate"].trigger()
    return blocker.args[0]


def test_generate_stores_takes_that_the_panel_shows_and_compares(qtbot, window, saved):
    panel = window.takes_panel
    first = generate(qtbot, window)
    assert first.record["source"] == "editor" and first.record["duration_s"] > 0
    spoon = window.doc.scene.objects[1]
    key = spoon.keyframes[-1]
    assert window.doc.push(MoveKeyframe(spoon.uid, key.frame, replace(key, x=key.x - 60)))
    assert panel.list.item(0).text().endswith("(stale)")  # relabelled by the edit
    window.doc.undo_stack.undo()
    assert not panel.list.item(0).text().endswith("(stale)")
    window.doc.undo_stack.redo()
    second = generate(qtbot, window)
    ids = [panel.list.item(i).data(ID_ROLE) for i in range(2)]
    assert ids == [second.id, first.id]  # newest first
    assert panel.list.item(1).text().endswith("(stale)")  # made before the key moved
    assert not panel.list.item(1).icon().isNull()
    assert panel.note.text() == "2 take(s) in coffee.takes"

    # show the first take on the timeline: the decoded video, marked stale
    panel.list.setCurrentRow(1)
    with qtbot.waitSignal(window.work.generated, timeout=30000) as blocker:
        qtbot.mouseClick(panel.buttons["show"], LEFT)
    shown = blocker.args[0]
    np.testing.assert_array_equal(shown, read_frames(first))
    window.doc.set_frame(4)
    np.testing.assert_array_equal(window.view.current_image(), shown[4])
    assert window.work.stale and window.timeline.timeline.generated_stale

    # compare the two: side by side, then a wipe, following the playhead
    panel.list.item(0).setSelected(True)
    assert panel.buttons["compare"].isEnabled()
    qtbot.mouseClick(panel.buttons["compare"], LEFT)
    dialog = panel.compare_dialog
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=30000):
        pass
    a, b = read_frames(first), read_frames(second)
    np.testing.assert_array_equal(dialog.composed(), np.concatenate([a[4], b[4]], axis=1))
    dialog.mode.setCurrentIndex(1)
    dialog.wipe.setValue(25)
    expected = b[4].copy()
    expected[:, :128] = a[4][:, :128]
    np.testing.assert_array_equal(dialog.composed(), expected)
    assert not np.array_equal(a[4], b[4])  # the two takes differ (the spoon moved)
    window.doc.set_frame(9)
    assert dialog.frame.value() == 9
    expected = b[9].copy()
    expected[:, :128] = a[9][:, :128]
    np.testing.assert_array_equal(dialog.composed(), expected)
    pixmap = dialog.image.pixmap()
    assert (pixmap.width(), pixmap.height()) == (512, 288)
    shown = pixmap.toImage()
    assert shown.pixelColor(128, 100).getRgb()[:3] == (255, 255, 255)  # the wipe line
    assert shown.pixelColor(300, 100).getRgb()[:3] == tuple(int(v) for v in expected[100, 300])
    dialog.close()


def test_rename_star_delete_undo_rerun_and_save_as(qtbot, window, saved, tmp_path):
    panel = window.takes_panel
    take = generate(qtbot, window)
    store = TakeStore.of_project(saved)
    item = panel.list.item(0)
    item.setText("hero shot")
    assert store.get(take.id).name == "hero shot"
    assert panel.list.item(0).text().startswith("hero shot\npreview · seed 42")
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.buttons["star"], LEFT)
    assert store.get(take.id).starred and panel.list.item(0).text().startswith("★ hero shot")
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.buttons["delete"], LEFT)
    assert store.takes() == [] and panel.list.count() == 0
    assert not window.doc.is_dirty()  # takes are files beside the project, not edits
    store.restore(take.id)  # e.g. another program (a batch) changed the folder
    qtbot.mouseClick(panel.buttons["refresh"], LEFT)
    assert panel.list.count() == 1
    store.delete(take.id)
    qtbot.mouseClick(panel.buttons["refresh"], LEFT)
    assert panel.list.count() == 0
    for expected in ((True, "hero shot"), (False, "hero shot"), (False, "")):
        qtbot.mouseClick(panel.buttons["undo"], LEFT)
        back = store.get(take.id)
        assert (back.starred, back.name) == expected
    assert not panel.buttons["undo"].isEnabled()

    # re-run with the same seed: the take's settings become the scene's, then Generate
    assert window.doc.push(SetGenerationSettings({"seed": 7, "steps": 30}))
    panel.list.setCurrentRow(0)
    with qtbot.waitSignal(window.work.takeStored, timeout=60000) as blocker:
        qtbot.mouseClick(panel.buttons["same_seed"], LEFT)
    again = blocker.args[0]
    assert again.record["seed"] == 42 and again.record["settings"] == take.record["settings"]
    assert window.doc.scene.settings.seed == 42

    # Save As: the takes follow the project
    copy = tmp_path / "elsewhere.levitor"
    with qtbot.waitSignal(window.work.takeStored, timeout=60000):
        assert window.save_to(copy)
    copied = TakeStore.of_project(copy).takes()
    assert [t.record for t in copied] == [t.record for t in store.takes()]
    assert panel.note.text() == "2 take(s) in elsewhere.takes"


def test_the_bundled_example_keeps_no_takes(qtbot, window):
    folder = EXAMPLE / "coffee.takes"
    assert not folder.exists()
    with qtbot.waitSignal(window.work.generated, timeout=60000):
        window.actions_by_name["generate"].trigger()
    assert window.statusBar().currentMessage() == (
        "The bundled example keeps no takes: File ▸ Save As to keep them"
    )
    assert not folder.exists()
    assert window.takes_panel.note.text() == (
        "Save the project to keep its takes (each Generate is one)."
    )


def test_compare_puts_the_older_take_left_even_when_ids_sort_the_other_way(
    qtbot, window, saved, monkeypatch
):
    """Two takes made within one second differ only in their ids' random suffixes."""
    import levitor_studio.engine.takes as engine_takes

    ids = iter(["20261129-120000-ffffff", "20261129-120000-000000"])
    monkeypatch.setattr(engine_takes, "new_take_id", lambda now=None: next(ids))
    panel = window.takes_panel
    older = generate(qtbot, window)
    assert window.doc.push(SetGenerationSettings({"seed": 7}))
    newer = generate(qtbot, window)
    assert (older.id, newer.id) == ("20261129-120000-ffffff", "20261129-120000-000000")
    for row in range(2):
        panel.list.item(row).setSelected(True)
    qtbot.mouseClick(panel.buttons["compare"], LEFT)
    dialog = panel.compare_dialog
    qtbot.addWidget(dialog)
    assert [t.id for t in dialog.takes] == [older.id, newer.id]
