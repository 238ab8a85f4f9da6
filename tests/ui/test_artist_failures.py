"""What an artist runs into: stale selections, edits mid-drag, locked objects, a shortened scene,
bad files and bad dialog input. Each must end in a message, never a traceback in a Qt slot
(pytest-qt fails a test on an exception raised inside a slot or event handler)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from ui_helpers import click, crash, wheel

from levitor_studio.model.commands import RemoveObject, SetObjectProperties
from levitor_studio.model.scene import snapshot
from levitor_studio.ui.image_tools import Tool

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def _row_y(row: int) -> int:
    from levitor_studio.ui.timeline import OBJECTS_TOP, ROW_H

    return int(OBJECTS_TOP + row * ROW_H + ROW_H / 2)


def test_delete_after_the_selected_keys_object_is_gone(qtbot, window):
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.select_key(spoon.uid, 6)
    window.objects_dock.widget().delete()  # the panel's delete button
    assert [o.name for o in doc.scene.objects] == ["cup"]
    count = doc.undo_stack.count()
    window.actions_by_name["delete"].trigger()
    assert doc.undo_stack.count() == count
    assert "Nothing selected" in window.statusBar().currentMessage()


def test_timeline_drag_survives_the_key_being_deleted_mid_drag(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    spoon = doc.scene.objects[1]
    y = _row_y(1)
    qtbot.mousePress(tl, LEFT, pos=QPoint(int(tl.x_of(6)), y))
    window.actions_by_name["delete"].trigger()  # Delete while the mouse is still down
    assert spoon.key_at(6) is None
    qtbot.mouseMove(tl, QPoint(int(tl.x_of(8)), y))
    qtbot.mouseRelease(tl, LEFT, pos=QPoint(int(tl.x_of(8)), y))
    assert [k.frame for k in spoon.keyframes] == [0, 11, 15]


def test_timeline_drag_survives_the_object_being_deleted_mid_drag(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    spoon = doc.scene.objects[1]
    y = _row_y(1)
    alt = Qt.KeyboardModifier.AltModifier
    before = snapshot(doc.scene)
    qtbot.mousePress(tl, LEFT, alt, QPoint(int(tl.x_of(6)), y))
    doc.push(RemoveObject(spoon.uid))
    count = doc.undo_stack.count()
    qtbot.mouseMove(tl, QPoint(int(tl.x_of(9)), y))
    qtbot.mouseRelease(tl, LEFT, alt, QPoint(int(tl.x_of(9)), y))
    assert [o.name for o in doc.scene.objects] == ["cup"]
    # the Alt-drag copy of a key whose object is gone adds nothing: no step, no ghost key
    assert doc.undo_stack.count() == count
    assert tl._press is None
    doc.undo_stack.undo()  # undoing the deletion brings the spoon back exactly as it was
    assert snapshot(doc.scene) == before
    assert [k.frame for k in doc.scene.object(spoon.uid).keyframes] == [0, 6, 11, 15]


def test_image_drag_survives_the_object_being_deleted_mid_drag(qtbot, window):
    from PySide6.QtTest import QTest
    from ui_helpers import to_widget

    doc, view = window.doc, window.view
    spoon = doc.scene.objects[1]
    doc.set_frame(6)
    key = spoon.key_at(6)
    vp = view.graphics.viewport()
    QTest.mousePress(vp, LEFT, Qt.KeyboardModifier.NoModifier, to_widget(view, key.x, key.y))
    QTest.mouseMove(vp, to_widget(view, key.x + 10, key.y))
    dragged = doc.scene.object(spoon.uid).key_at(6)
    assert dragged is not None and dragged.x == pytest.approx(key.x + 10, abs=1.0)
    count = doc.undo_stack.count()
    doc.push(RemoveObject(spoon.uid))
    QTest.mouseMove(vp, to_widget(view, key.x + 20, key.y))
    QTest.mouseRelease(vp, LEFT, Qt.KeyboardModifier.NoModifier, to_widget(view, key.x + 20, key.y))
    # the drag stopped with the object: the deletion is the only new step
    assert doc.undo_stack.count() == count + 1
    assert doc.undo_stack.undoText() == "Delete object"
    assert [o.name for o in doc.scene.objects] == ["cup"]
    doc.undo_stack.undo()  # the spoon comes back where the drag had moved it, not further
    assert doc.scene.object(spoon.uid).key_at(6) == dragged
    doc.undo_stack.undo()  # and the drag itself undoes to the original key
    assert doc.scene.object(spoon.uid).key_at(6) == key


def test_locked_object_refuses_inspector_copy_and_delete(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    spoon = doc.scene.objects[1]
    doc.push(SetObjectProperties(spoon.uid, locked=True))
    before = snapshot(doc.scene)
    count = doc.undo_stack.count()

    doc.select_key(spoon.uid, 6)
    insp = window.inspector_dock.widget()
    insp.k_x.setValue(spoon.key_at(6).x + 25)
    assert insp.k_x.value() == spoon.key_at(6).x  # snapped back
    insp.k_ease.setCurrentText("linear")

    y = _row_y(1)
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.mousePress(tl, LEFT, alt, QPoint(int(tl.x_of(6)), y))
    qtbot.mouseMove(tl, QPoint(int(tl.x_of(13)), y))
    qtbot.mouseRelease(tl, LEFT, alt, QPoint(int(tl.x_of(13)), y))

    doc.select_key(spoon.uid, 6)
    window.actions_by_name["delete"].trigger()
    doc.select_key(None)
    doc.select(spoon.uid)
    window.actions_by_name["delete"].trigger()

    assert snapshot(doc.scene) == before and doc.undo_stack.count() == count
    assert window.statusBar().currentMessage() == f"{spoon.name} is locked; unlock it to change it"


def test_shortening_the_scene_moves_the_playhead_inside_it(qtbot, window):
    doc, view = window.doc, window.view
    cup = doc.scene.objects[0]
    doc.push(RemoveObject(doc.scene.objects[1].uid))  # the spoon's keys reach frame 15
    doc.set_frame(15)
    window.inspector_dock.widget().s_frames.setValue(8)
    assert doc.scene.frames == 8 and doc.frame == 7
    # the tools read the trajectory at the playhead; the preview renders the playhead's frame
    doc.select(cup.uid)
    window.set_tool(Tool.KEY)
    click(view, 100, 100)
    assert [k.frame for k in cup.keyframes] == [7]
    wheel(view, 100, 100, 1)
    with qtbot.waitSignal(window.preview.ready, timeout=10000) as blocker:
        window.actions_by_name["show_source"].setChecked(True)
        window.actions_by_name["show_preview"].setChecked(True)
    assert blocker.args[0] == 7


def test_autosave_follows_every_edit_not_the_undo_index(qtbot, window, private_config):
    from levitor_studio.model.commands import SetKeyframe
    from levitor_studio.model.project_io import load_project

    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=40.0)))
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    doc.undo_stack.undo()
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=90.0)))  # same undo index
    handle = window.autosave()
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    assert snapshot(load_project(window.recovery.path)) == snapshot(doc.scene)
    # a drag merges into one undo step: still a new autosave
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=95.0)), "drag#x")
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=99.0)), "drag#x")
    handle = window.autosave()
    assert handle is not None
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    assert snapshot(load_project(window.recovery.path)) == snapshot(doc.scene)


def test_bad_files_are_messages(qtbot, window, tmp_path):
    doc = window.doc
    fake = tmp_path / "photo.png"
    fake.write_text("not an image")
    damaged = tmp_path / "damaged.levitor"
    damaged.write_bytes(b"PK\x03\x04 truncated")
    for p, words in (
        (fake, "not a PNG/JPEG/WebP/TIFF/BMP/GIF image"),
        (damaged, "not a LeviTor project"),
    ):
        assert not window.open_path(p, ask=False)
        assert words in window.last_error
        assert window.doc is doc
    tracks = tmp_path / "tracks.json"
    tracks.write_text('{"frames": ')
    # the tracks file is read (for paths outside its folder) before the import starts
    assert not window.open_path(tracks, ask=False)
    assert "not valid JSON" in window.last_error and "\n" not in window.last_error
    assert window.doc is doc


def test_export_dialogs_refuse_bad_paths_with_a_message(qtbot, window, tmp_path):
    answers = iter([str(tmp_path / "clip.txt"), str(tmp_path / "missing" / "t.json")])
    window._ask_output = lambda title, filt: next(answers)
    window.export_video_dialog()
    assert "export a video as .mp4 or .gif" in window.last_error
    window.export_tracks_dialog()
    qtbot.waitUntil(
        lambda: "missing: no such folder" in window.statusBar().currentMessage(), timeout=10000
    )
    assert not (tmp_path / "clip.txt").exists() and not (tmp_path / "missing").exists()


def test_generate_with_an_unavailable_generator_is_a_message(qtbot, window):
    from levitor_studio.model.commands import SetGenerationSettings

    window.doc.push(SetGenerationSettings({"generator": "levitor-svd"}))
    window.actions_by_name["generate"].trigger()  # no weights configured in the private config
    assert "set the SVD-XT weights folder" in window.statusBar().currentMessage()
    assert window.work.frames is None
    assert [h.label for h in window.runner.active() if not h.quiet] == []


def test_keys_and_actions_on_an_empty_scene(qtbot, tmp_path):
    from levitor_studio.ui.main_window import MainWindow

    win = MainWindow(viewport3d=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    tl = win.timeline.timeline
    tl.setFocus()
    for key in (Qt.Key.Key_I, Qt.Key.Key_Delete, Qt.Key.Key_Right, Qt.Key.Key_End):
        qtbot.keyClick(tl, key)
    for name in ("delete", "insert_key", "export_signal"):
        if name == "export_signal":
            win._ask_output = lambda title, filt: str(tmp_path / "s.npz")
            win.export_signal_dialog()
        else:
            win.actions_by_name[name].trigger()
    for tool in Tool:
        win.set_tool(tool)
        click(win.view, 100, 100)
    assert win.doc.undo_stack.count() == 0 and not win.doc.is_dirty()
    win.close()


def test_dropping_a_non_image_is_refused(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])
    enter = QDragEnterEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier
    )
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()
    doc = window.doc
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(drop)
    assert window.doc is doc


def test_recovery_keeps_older_crashes_and_drops_discarded_work(qtbot, window, private_config):
    from levitor_studio.model.commands import SetKeyframe
    from levitor_studio.ui.main_window import MainWindow
    from levitor_studio.ui.recovery import RecoveryFile, find_recoveries

    older = RecoveryFile()
    older.write(window.doc.scene, None)  # a crash of an unsaved project, long ago
    note = older.path.with_suffix(".json")
    note.write_text(json.dumps({"original": None, "saved_at": 1.0}))
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=40.0)))
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    crash(older)
    crash(window.recovery)

    second = MainWindow(viewport3d=False)
    qtbot.addWidget(
        second, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    second.ask_recover = lambda found: True
    assert second.offer_recovery()
    assert snapshot(second.doc.scene) == snapshot(doc.scene)
    assert [r.project for r in find_recoveries(exclude=second.recovery)] == [older.path]

    # opening another project after discarding the changes drops their autosave
    window.ask_save_changes = lambda: "discard"
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=50.0)))
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    assert window.recovery.path.exists()
    assert window.open_path(window.doc.path)
    assert not window.recovery.path.exists()
