"""What people touch in the window and no test drove before (issue 12 item 11): saving with
Ctrl+S / Save As and a failed save, the objects panel's visibility, lock, colour and order, the
status-bar Cancel and the crash-recovery offer at start-up."""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from scenes import EXAMPLE
from ui_helpers import crash

from levitor_studio.engine.render import render_masks
from levitor_studio.model.commands import SetKeyframe
from levitor_studio.model.project_io import load_project
from levitor_studio.model.scene import snapshot

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


def _edit(doc, y=40.0):
    spoon = doc.scene.objects[1]
    assert doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=y)))


def _own_copy(window, tmp_path):
    path = tmp_path / "coffee.levitor"
    shutil.copy(EXAMPLE / "coffee.levitor", path)
    assert window.open_path(path, ask=False)
    return path


def test_ctrl_s_saves_in_place_and_cleans_the_title(qtbot, window, tmp_path):
    path = _own_copy(window, tmp_path)
    _edit(window.doc)
    assert window.windowTitle() == "coffee.levitor* — LeviTor Studio"
    # window shortcuts reach only the active window (a real X server, as under `make test`)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.view, Qt.Key.Key_S, CTRL)
    assert window.windowTitle() == "coffee.levitor — LeviTor Studio"
    assert not window.doc.is_dirty()
    assert snapshot(load_project(path)) == snapshot(window.doc.scene)
    assert window.statusBar().currentMessage() == f"Saved {path}"


def test_save_as_adds_the_extension_and_moves_the_document(qtbot, window, tmp_path, monkeypatch):
    from levitor_studio.ui import files

    asked = []

    def answer(parent, title, folder, filt):
        asked.append((title, filt))
        return str(tmp_path / "copy"), filt

    monkeypatch.setattr(files.QFileDialog, "getSaveFileName", answer)
    _edit(window.doc)
    window.actions_by_name["save_as"].trigger()
    assert asked == [("Save project", "LeviTor projects (*.levitor)")]
    assert window.doc.path == tmp_path / "copy.levitor"
    assert snapshot(load_project(tmp_path / "copy.levitor")) == snapshot(window.doc.scene)
    assert window.windowTitle() == "copy.levitor — LeviTor Studio"
    assert str(tmp_path / "copy.levitor") == window.recent_files()[0]


def test_a_failed_save_is_a_message_and_loses_nothing(qtbot, window, tmp_path):
    path = _own_copy(window, tmp_path)
    before = path.read_bytes()
    _edit(window.doc)
    edited = snapshot(window.doc.scene)
    missing = tmp_path / "gone" / "coffee.levitor"
    window.doc.set_path(missing)  # its folder was removed since it was opened
    window.actions_by_name["save"].trigger()
    assert window.last_error.startswith("Could not save coffee.levitor: ")
    assert "\n" not in window.last_error
    assert window.doc.is_dirty() and snapshot(window.doc.scene) == edited
    assert window.windowTitle() == "coffee.levitor* — LeviTor Studio"
    assert not missing.parent.exists() and path.read_bytes() == before


def test_the_visibility_box_hides_an_object_in_the_views_only(qtbot, window):
    doc, panel, view = window.doc, window.objects_dock.widget(), window.view
    spoon = doc.scene.objects[1]
    count, before = doc.undo_stack.count(), snapshot(doc.scene)
    assert view.overlay(spoon.uid).tint.isVisible()
    panel.table.item(1, 2).setCheckState(Qt.CheckState.Unchecked)
    assert not doc.is_visible(spoon.uid) and doc.is_visible(doc.scene.objects[0].uid)
    assert not view.overlay(spoon.uid).tint.isVisible()
    assert not view.overlay(spoon.uid).keys.isVisible()
    key = spoon.key_at(6)
    doc.set_frame(6)
    assert window.view.tools.key_at(key.x, key.y) is None  # a hidden key cannot be grabbed
    # view state: no undo step, no unsaved change, the scene and what is rendered unchanged
    assert doc.undo_stack.count() == count and not doc.is_dirty()
    assert snapshot(doc.scene) == before
    panel.table.item(1, 2).setCheckState(Qt.CheckState.Checked)
    assert view.overlay(spoon.uid).tint.isVisible()


def test_the_lock_box_is_an_undoable_edit(qtbot, window):
    doc, panel = window.doc, window.objects_dock.widget()
    spoon = doc.scene.objects[1]
    panel.table.item(1, 3).setCheckState(Qt.CheckState.Checked)
    assert spoon.locked and doc.undo_stack.undoText() == "Object properties"
    doc.undo_stack.undo()
    assert not spoon.locked
    assert panel.table.item(1, 3).checkState() == Qt.CheckState.Unchecked


def test_double_clicking_the_swatch_sets_the_colour(qtbot, window, monkeypatch):
    from levitor_studio.ui import objects_panel

    monkeypatch.setattr(objects_panel.QColorDialog, "getColor", lambda *a: QColor(12, 34, 56))
    panel = window.objects_dock.widget()
    panel.table.cellDoubleClicked.emit(0, 0)
    assert window.doc.scene.objects[0].color == (12, 34, 56)
    swatch = panel.table.item(0, 0).icon().pixmap(8, 8).toImage().pixelColor(4, 4)
    assert (swatch.red(), swatch.green(), swatch.blue()) == (12, 34, 56)


def test_reordering_changes_the_instance_ids_the_model_sees(qtbot, window):
    doc, panel = window.doc, window.objects_dock.widget()
    cup, spoon = doc.scene.objects
    labels = render_masks(doc.scene)[0][0]
    cup_px = labels == 1  # instance ids follow the list: the cup is 1, the spoon 2
    assert cup_px.sum() > 0 and (labels == 2).sum() > 0
    doc.select(spoon.uid)
    panel.buttons["up"].click()
    assert [o.name for o in doc.scene.objects] == [spoon.name, cup.name]
    assert [panel.table.item(r, 1).text() for r in range(2)] == [spoon.name, cup.name]
    after = render_masks(doc.scene)[0][0]
    assert np.array_equal(after == 2, cup_px)  # same pixels, the other id
    assert np.array_equal(after == 1, labels == 2)
    assert doc.undo_stack.undoText() == "Reorder objects"
    panel.buttons["up"].click()  # already first: nothing happens
    assert doc.undo_stack.count() == 1


def test_the_status_bar_cancel_stops_the_running_task(qtbot, window):
    started, release = threading.Event(), threading.Event()

    def long_job(task):
        started.set()
        while not task.is_cancelled() and not release.wait(0.01):
            pass
        task.check()

    handle = window.runner.submit("generate (test)", long_job, exclusive="generate")
    qtbot.waitUntil(started.is_set)
    assert window.task_status.cancel_button.isVisible()
    assert window.task_status.task_label.text() == "generate (test)"
    with qtbot.waitSignal(handle.cancelled, timeout=10000):
        qtbot.mouseClick(window.task_status.cancel_button, Qt.MouseButton.LeftButton)
    assert (
        not window.task_status.cancel_button.isVisible()
        and not window.task_status.progress.isVisible()
    )
    release.set()


def test_start_up_offers_the_autosave_of_a_crashed_session(qtbot, window, monkeypatch):
    from levitor_studio.ui import app
    from levitor_studio.ui.main_window import MainWindow

    _edit(window.doc)
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    edited = snapshot(window.doc.scene)
    crash(window.recovery)
    offered = []
    monkeypatch.setattr(
        MainWindow, "ask_recover", lambda self, found: offered.append(found) or True
    )
    second = app.open_window(str(EXAMPLE / "coffee.levitor"))
    qtbot.addWidget(
        second, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    assert offered == []  # offered once the window is shown and the event loop runs
    qtbot.waitUntil(lambda: len(offered) == 1)
    assert offered[0].original == EXAMPLE / "coffee.levitor"
    assert snapshot(second.doc.scene) == edited and second.doc.is_dirty()
    assert second.windowTitle() == "coffee.levitor* — LeviTor Studio"
