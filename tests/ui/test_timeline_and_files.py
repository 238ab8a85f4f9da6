"""Timeline scrubbing, transport keys, retiming keys; dirty title, close prompt, recovery,
preferences and panels that refuse bad input with a message."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from scenes import EXAMPLE
from ui_helpers import crash

from levitor_studio.model.commands import SetKeyframe
from levitor_studio.model.project_io import load_project
from levitor_studio.model.scene import snapshot

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def _row_y(tl, row: int) -> int:
    from levitor_studio.ui.timeline import OBJECTS_TOP, ROW_H

    return int(OBJECTS_TOP + row * ROW_H + ROW_H / 2)


def test_scrub_and_transport_keys(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    qtbot.mousePress(tl, LEFT, pos=QPoint(int(tl.x_of(7)), 10))
    assert doc.frame == 7
    qtbot.mouseMove(tl, QPoint(int(tl.x_of(9)), 10))
    assert doc.frame == 9
    qtbot.mouseRelease(tl, LEFT, pos=QPoint(int(tl.x_of(9)), 10))
    tl.setFocus()
    for key, frame in (
        (Qt.Key.Key_Right, 10),
        (Qt.Key.Key_Left, 9),
        (Qt.Key.Key_End, 15),
        (Qt.Key.Key_Right, 15),
        (Qt.Key.Key_Home, 0),
        (Qt.Key.Key_Left, 0),
    ):
        qtbot.keyClick(tl, key)
        assert doc.frame == frame
    qtbot.keyClick(tl, Qt.Key.Key_Space)
    assert window.timeline.playback.isActive()
    with qtbot.waitSignal(doc.frameChanged, timeout=2000) as blocker:
        pass
    assert blocker.args == [1]
    qtbot.keyClick(tl, Qt.Key.Key_Space)
    assert not window.timeline.playback.isActive()


def test_insert_key_at_playhead(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    spoon = doc.scene.objects[1]
    doc.select(spoon.uid)
    doc.set_frame(3)
    x, y, z = doc.scene.trajectory(spoon)[3]
    tl.setFocus()
    qtbot.keyClick(tl, Qt.Key.Key_I)
    key = spoon.key_at(3)
    assert (key.x, key.y, key.z) == (x, y, z)
    assert doc.selected_key == (spoon.uid, 3)


def test_drag_a_key_in_time_and_alt_drag_copies(qtbot, window):
    doc, tl = window.doc, window.timeline.timeline
    spoon = doc.scene.objects[1]
    k6 = spoon.key_at(6)
    y = _row_y(tl, 1)
    qtbot.mousePress(tl, LEFT, pos=QPoint(int(tl.x_of(6)), y))
    for f in (7, 8, 9):
        qtbot.mouseMove(tl, QPoint(int(tl.x_of(f)), y))
    qtbot.mouseRelease(tl, LEFT, pos=QPoint(int(tl.x_of(9)), y))
    assert [k.frame for k in spoon.keyframes] == [0, 9, 11, 15]
    assert spoon.key_at(9) == k6.moved(frame=9)
    assert doc.undo_stack.count() == 1  # one retiming drag, one undo step
    doc.undo_stack.undo()
    assert spoon.key_at(6) == k6

    alt = Qt.KeyboardModifier.AltModifier
    qtbot.mousePress(tl, LEFT, alt, QPoint(int(tl.x_of(6)), y))
    qtbot.mouseMove(tl, QPoint(int(tl.x_of(13)), y))
    qtbot.mouseRelease(tl, LEFT, alt, QPoint(int(tl.x_of(13)), y))
    assert [k.frame for k in spoon.keyframes] == [0, 6, 11, 13, 15]
    assert spoon.key_at(13) == k6.moved(frame=13)


def test_dirty_marker_and_close_prompt(qtbot, window, tmp_path):
    doc = window.doc
    assert window.windowTitle() == "coffee.levitor — LeviTor Studio"
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(x=10.0)))
    assert window.windowTitle() == "coffee.levitor* — LeviTor Studio"

    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "cancel"
    assert not window.close()
    assert window.isVisible() and asked == [1]

    doc.set_path(tmp_path / "saved.levitor")
    window.ask_save_changes = lambda: "save"
    assert window.close()
    assert snapshot(load_project(tmp_path / "saved.levitor")) == snapshot(doc.scene)


def test_autosave_is_offered_back_after_a_crash(qtbot, window, private_config):
    from levitor_studio.ui.main_window import MainWindow

    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=40.0)))
    handle = window.autosave()
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    assert list((private_config / "recovery").glob("*.levitor"))
    edited = snapshot(doc.scene)
    crash(window.recovery)  # the first window's process dies, leaving its autosave

    second = MainWindow(viewport3d=False)
    qtbot.addWidget(
        second, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    second.ask_recover = lambda found: True
    assert second.offer_recovery()
    assert snapshot(second.doc.scene) == edited
    assert second.doc.path == EXAMPLE / "coffee.levitor"
    assert second.windowTitle().startswith("coffee.levitor*")
    assert not list((private_config / "recovery").glob("*.levitor"))


def test_preferences_refuse_a_missing_path(qtbot, private_config):
    from levitor_studio.ui.preferences import Preferences, PreferencesDialog

    dialog = PreferencesDialog(Preferences())
    qtbot.addWidget(dialog)
    dialog.combos["depth"].setCurrentText("file")
    spec, edit = dialog.fields["depth"]["path"]
    edit.setText(str(private_config / "nope.npy"))
    dialog.accept()
    assert "does not exist" in dialog.error.text() and dialog.result() == 0
    assert not (private_config / "preferences.json").exists()
    real = private_config / "depth.npy"
    private_config.mkdir(exist_ok=True)
    real.write_bytes(b"x")
    edit.setText(str(real))
    dialog.accept()
    saved = json.loads((private_config / "preferences.json").read_text())
    assert saved["backends"]["depth"] == "file"
    assert saved["options"]["file"]["path"] == str(real)
    assert Preferences.load().options_for("file") == {"path": str(real)}


def test_objects_panel_rename_select_and_refuse_empty_name(qtbot, window):
    doc = window.doc
    panel = window.objects_dock.widget()
    panel.table.selectRow(1)
    assert doc.selected_uid == doc.scene.objects[1].uid
    doc.select(doc.scene.objects[0].uid)
    assert {i.row() for i in panel.table.selectedIndexes()} == {0}
    panel.table.item(0, 1).setText("mug")
    assert doc.scene.objects[0].name == "mug"
    panel.table.item(0, 1).setText("   ")
    assert doc.scene.objects[0].name == "mug"
    assert panel.table.item(0, 1).text() == "mug"
    assert "needs a name" in window.statusBar().currentMessage()


def test_inspector_edits_and_refusals(qtbot, window):
    doc = window.doc
    insp = window.inspector_dock.widget()
    spoon = doc.scene.objects[1]
    doc.select_key(spoon.uid, 6)
    insp.k_z.setValue(0.02)
    assert spoon.key_at(6).z == pytest.approx(0.02)
    insp.s_frames.setValue(8)  # keys sit at 11 and 15: refused, the box snaps back
    assert doc.scene.frames == 16 and insp.s_frames.value() == 16
    assert "move it before shortening" in window.statusBar().currentMessage()
    insp.g["steps"].setValue(30)
    assert doc.scene.settings.steps == 30
    insp.reset_generation()
    assert doc.scene.settings.steps == 25


def test_generate_shows_the_clip_and_control_points_overlay(qtbot, window, tmp_path):
    import numpy as np

    from levitor_studio.engine import build_signal, render_preview
    from levitor_studio.engine.signal_export import read_signal_npz
    from levitor_studio.ui import engine_jobs

    with qtbot.waitSignal(window.work.generated, timeout=30000) as blocker:
        window.actions_by_name["generate"].trigger()
    frames = blocker.args[0]
    np.testing.assert_array_equal(frames, render_preview(window.doc.scene))
    assert window.view.display == "generated" and window.timeline.timeline.has_generated
    window.doc.set_frame(5)
    np.testing.assert_array_equal(window.view.current_image(), frames[5])

    # exporting the generated clip stores how it was made beside it (a reproducible take)
    import json

    handle = window.work.export_video(str(tmp_path / "take.gif"))
    with qtbot.waitSignal(handle.finished, timeout=30000):
        pass
    record = json.loads((tmp_path / "take.gif.take.json").read_text())
    assert record["generator"] == "preview"
    assert record["settings"]["seed"] == window.doc.scene.settings.seed

    with qtbot.waitSignal(window.work.pointsReady, timeout=30000) as blocker:
        window.actions_by_name["show_points"].setChecked(True)
    expected = build_signal(window.doc.scene).points
    assert [np.asarray(p).tolist() for p in expected] == blocker.args[0]
    assert len(window.view.point_items.data) == len(expected[5])

    handle = window.work.run_file_job(
        "export signal",
        lambda task: engine_jobs.export_signal(window.doc.scene, str(tmp_path / "s.npz"), task),
    )
    with qtbot.waitSignal(handle.finished, timeout=30000):
        pass
    back = read_signal_npz(tmp_path / "s.npz")
    assert all(np.array_equal(a, b) for a, b in zip(back.points, expected, strict=True))


def test_opening_an_image_starts_a_project_and_estimates_its_depth(qtbot, window, example_dir):
    window.ask_save_changes = lambda: "discard"
    window.ask_new_project = lambda path: {"segments": False}  # the dialog's OK, defaults kept
    old = window.doc
    assert window.open_path(example_dir / "coffee.png", ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=30000)
    scene = window.doc.scene
    assert scene.size == (512, 288) and scene.depth.shape == (288, 512)
    assert not window.doc.is_dirty()


def test_cancelling_the_new_project_dialog_keeps_the_open_project(window, example_dir):
    window.ask_new_project = lambda path: None
    old = window.doc
    assert not window.open_path(example_dir / "coffee.png", ask=False)
    assert window.doc is old


def test_a_failed_export_is_shown_in_a_message_box(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    handle = window.work.export_video(str(tmp_path / "missing-folder" / "clip.mp4"))
    with qtbot.waitSignal(handle.ended, timeout=30000):
        pass
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "export video" in boxes[-1].text() and "missing-folder" in boxes[-1].text()
    assert window.last_error == boxes[-1].text()
