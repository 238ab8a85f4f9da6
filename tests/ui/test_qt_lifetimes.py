"""Qt objects live and die on the GUI thread with their widgets (issue 12, the UI segfault).

The crash: the image tools' 700 ms wheel timer had no parent, so it died with its plain-Python
controller, which a reference cycle kept until Python's cycle collector ran, on whatever thread
allocated then (an autosave worker compressing a PNG). Qt cannot stop a timer from another
thread: it stayed registered and fired on freed memory. Now it is the view's child.
"""

from __future__ import annotations

import shiboken6
from qt_leaks import flush_deletes, running_qt_work
from scenes import EXAMPLE
from ui_helpers import wheel

from levitor_studio.ui.document import Document


def _wheel_on_a_key(window):
    doc = window.doc
    key = doc.scene.objects[1].key_at(6)
    doc.set_frame(6)
    wheel(window.view, key.x, key.y, 1)
    timer = window.view.tools._wheel_idle
    assert timer.isActive()  # the run of wheel steps is still open (one undo step)
    return timer


def test_the_wheel_timer_dies_with_its_window_mid_gesture(qtbot):
    from levitor_studio.ui.main_window import MainWindow

    window = MainWindow(viewport3d=False)
    assert window.open_path(EXAMPLE / "coffee.levitor", ask=False)
    window.show()
    qtbot.waitExposed(window)
    timer = _wheel_on_a_key(window)
    assert not shiboken6.ownedByPython(timer)
    window.ask_save_changes = lambda: "discard"
    window.close()
    window.deleteLater()
    flush_deletes()
    assert not shiboken6.isValid(timer)  # deleted by Qt, here, on the GUI thread
    assert running_qt_work() == []


def test_opening_documents_piles_up_no_connections(qtbot, window):
    from PySide6.QtCore import SIGNAL

    generated = SIGNAL("generated(PyObject)")
    before = window.work.receivers(generated)
    scene = window.doc.scene
    assert len(scene.events.changed) == 1  # the open document forwards the scene's events
    for _ in range(5):  # reopening the same scene, as a script or a reload does
        window.set_document(Document(scene))
    assert window.work.receivers(generated) == before
    assert len(scene.events.changed) == 1
    assert len(window.doc.view_state.frame_changed) == 1


def test_undo_merging_remembers_only_the_last_gesture(qtbot, window):
    from levitor_studio.model.commands import SetKeyframe

    doc = window.doc
    spoon = doc.scene.objects[1]
    count = doc.undo_stack.count()
    keys = ["drag#a", "drag#a", "drag#b", "drag#a"]  # a, a merge; b; a again is a new step
    for i, key in enumerate(keys):
        doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=40.0 + i)), key)
    assert doc.undo_stack.count() == count + 3
    assert [doc.merge_id(k) for k in ("x", "x", "y")] == [4, 4, 5]
    import levitor_studio.ui.document as document_module

    assert not hasattr(document_module, "_MERGE_IDS")  # no table growing with every gesture
