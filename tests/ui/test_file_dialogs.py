"""File dialogs start where the work is, Save As proposes the photo's name, Edit ▸ History and
Export Preview before Generate (issue 15 items 4 and 11)."""

from __future__ import annotations

import json
import shutil

import pytest
from scenes import EXAMPLE

pytestmark = pytest.mark.gui


@pytest.fixture
def photo_window(qtbot, window, tmp_path):
    """The window after opening a photo from a folder of its own (a new, unsaved project)."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    shutil.copy(EXAMPLE / "coffee.png", folder / "kitchen.png")
    window.ask_new_project = lambda path: {"segments": False}  # the dialog's OK
    old = window.doc
    assert window.open_path(folder / "kitchen.png", ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=30000)
    return window, folder


def test_save_as_proposes_the_photos_name_in_its_folder(photo_window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window, folder = photo_window
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: asked.append(a[2]) or ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: asked.append(a[2]) or ("", ""))
    window.save_as()
    window.open_dialog()
    window.export_tracks_dialog()
    assert asked == [str(folder / "kitchen.levitor"), str(folder), str(folder / "kitchen.json")]


def test_dialogs_start_in_the_projects_folder(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: asked.append(a[2]) or ("", ""))
    window.export_video_dialog()
    assert asked == [str(EXAMPLE / "coffee.mp4")]


def test_history_is_in_the_edit_menu(window):
    edit = window.menus["edit"]
    history = window.actions_by_name["history"]
    assert history in edit.actions() and history.text() == "&History"
    history.trigger()
    assert window.history_dock.isHidden()
    history.trigger()
    assert not window.history_dock.isHidden()


def test_export_before_generate_is_a_labelled_preview_with_its_record(qtbot, window, tmp_path):
    from levitor_studio.engine.take_hash import control_hash

    action = window.actions_by_name["export_video"]
    assert action.text() == "Export &Preview…"
    titles = []
    window._ask_output = lambda title, filt: titles.append(title) or str(tmp_path / "clip.mp4")
    action.trigger()
    assert titles == ["Export preview"]
    handle = next(h for h in window.runner.active() if h.label == "export video")
    with qtbot.waitSignal(handle.finished, timeout=60000):
        pass
    record = json.loads((tmp_path / "clip.mp4.take.json").read_text())
    assert record["generator"] == "preview" and record["source"] == "export preview"
    assert record["control_hash"] == control_hash(window.doc.scene)


def test_generate_that_cannot_run_names_what_is_missing_and_leads_to_models(qtbot, window):
    """Issue 15 item 12: a status-bar line was all an artist got."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from levitor_studio.model.commands import SetGenerationSettings

    window.doc.push(SetGenerationSettings({"generator": "levitor-svd"}))
    opened = []
    window.preferences = lambda page="": opened.append(page)
    window.actions_by_name["generate"].trigger()  # no weights in the private config
    box = window.missing_box
    assert box.isVisible() and box.windowTitle() == "The generator cannot run"
    assert "“levitor-svd” cannot generate yet" in box.text()
    assert "set the SVD-XT weights folder" in box.text()
    button = next(b for b in box.buttons() if b.text() == "Open Preferences ▸ Models…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == ["Models"]
    assert box.standardButtons() & QMessageBox.StandardButton.Cancel
    assert window.work.frames is None
