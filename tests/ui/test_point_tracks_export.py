"""File ▸ Export Point Tracks… writes what ``export-tracks --format wan-move|ati`` writes, starts
in the document's folder, refuses a wrong value with its reason and writes nothing then."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from scenes import EXAMPLE

from levitor_studio.cli import main

pytestmark = pytest.mark.gui


@pytest.fixture
def shot(qtbot, window, tmp_path):
    """The window on a saved copy of the example in a folder of its own."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    for name in ("coffee.levitor",):
        shutil.copy(EXAMPLE / name, folder / name)
    assert window.open_path(folder / "coffee.levitor", ask=False)
    return window, folder


def type_into(qtbot, box, text: str) -> None:
    """Select what the box shows and type ``text`` over it, as an artist does."""
    edit = box.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def export_button(dialog):
    return next(
        b
        for b in dialog.buttons.buttons()
        if dialog.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole
    )


def run_dialog(qtbot, window, answer):
    """Trigger File ▸ Export Point Tracks… and let ``answer(dialog)`` fill it in."""
    seen = []

    def fill():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(0, fill)
    window.actions_by_name["export_point_tracks"].trigger()
    assert len(seen) == 1
    return seen[0]


def finish(qtbot, window):
    handle = next(h for h in window.runner.active() if h.label == "export point tracks")
    with qtbot.waitSignal(handle.finished, timeout=120000):
        pass


@pytest.mark.parametrize("fmt", ["wan-move", "ati"])
def test_the_dialog_writes_the_command_lines_bytes(qtbot, shot, tmp_path, fmt):
    window, folder = shot
    ui, cli = tmp_path / "ui", tmp_path / "cli"
    ui.mkdir(), cli.mkdir()
    names = ["tracks.npy", "track_visibility.npy"] if fmt == "wan-move" else ["t.json"]
    dest = ui if fmt == "wan-move" else ui / "t.json"

    def answer(dialog):
        assert dialog.output.text() == str(folder)  # Wan-Move first: the project's folder
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))
        if fmt == "ati":
            assert dialog.output.text() == str(folder / "coffee.ati.json")
            assert dialog.frames_box.whole() == 121
        type_into(qtbot, dialog.frames_box, "20")
        type_into(qtbot, dialog.width_box, "100")
        type_into(qtbot, dialog.height_box, "60")
        type_into(qtbot, dialog.points_box, "3")
        dialog.output.setText(str(dest))
        counts.append(dialog.count.text())
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)

    counts = []
    run_dialog(qtbot, window, answer)
    finish(qtbot, window)
    out = cli if fmt == "wan-move" else cli / "t.json"
    args = ["export-tracks", str(folder / "coffee.levitor"), "--format", fmt, "-o", str(out)]
    assert main([*args, "--points", "3", "--frames", "20", "--size", "100x60"]) == 0
    for name in names:
        assert (ui / name).read_bytes() == (cli / name).read_bytes()
    assert sorted(p.name for p in ui.iterdir()) == sorted(names)
    written = np.load(cli / "tracks.npy") if fmt == "wan-move" else json.loads(out.read_text())
    n = written.shape[1] if fmt == "wan-move" else len(written)
    assert counts == [f"{n} tracks on 2 objects and 16 static segments"]
    assert window.statusBar().currentMessage() == "Wrote " + ", ".join(
        str(ui / name) for name in names
    )

    def again(dialog):  # the next export starts from this one's options
        assert (dialog.format(), dialog.output.text()) == (fmt, str(dest))
        boxes = (dialog.frames_box, dialog.width_box, dialog.height_box, dialog.points_box)
        assert [b.whole() for b in boxes] == [20, 100, 60, 3]
        dialog.reject()

    run_dialog(qtbot, window, again)


def test_after_a_push_in_past_the_table_the_export_still_writes(qtbot, shot, tmp_path):
    """Points the camera passes are hidden on those frames (the export used to fail)."""
    from levitor_studio.model.camera_track import CameraKey
    from levitor_studio.model.commands import SetCameraKeys

    window, folder = shot
    window.doc.push(SetCameraKeys([CameraKey(0), CameraKey(15, dolly=0.5)]))
    out = tmp_path / "out"
    out.mkdir()

    def answer(dialog):
        dialog.output.setText(str(out))
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)

    run_dialog(qtbot, window, answer)
    handle = next(h for h in window.runner.active() if h.label == "export point tracks")
    with qtbot.waitSignal(handle.finished, timeout=120000):
        pass
    assert not hasattr(window, "last_error")  # no failure was shown
    xy = np.load(out / "tracks.npy")
    visible = np.load(out / "track_visibility.npy")
    assert np.isfinite(xy).all()
    assert visible[0].any() and not visible[-1].all()


def test_a_wrong_value_is_refused_with_its_reason_and_nothing_is_written(qtbot, shot, tmp_path):
    window, folder = shot
    out = tmp_path / "out"
    out.mkdir()
    messages = []

    def answer(dialog):
        dialog.output.setText(str(out))
        type_into(qtbot, dialog.points_box, "0")
        assert dialog.points_box.whole() == 0  # kept as typed, not clamped to 1
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)
        messages.append(dialog.message.text())
        type_into(qtbot, dialog.points_box, "4")
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("ati"))
        dialog.output.setText(str(out / "tracks.txt"))
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)
        messages.append(dialog.message.text())
        dialog.output.setText(str(out / "missing" / "t.json"))
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)
        messages.append(dialog.message.text())
        assert dialog.isVisible()
        dialog.reject()

    run_dialog(qtbot, window, answer)
    assert messages == [
        "points 0 must be a whole number 1…10000",
        "tracks.txt: an ATI tracks file name must end in .json",
        f"{out / 'missing'}: output folder does not exist",
    ]
    assert not any(h.label == "export point tracks" for h in window.runner.active())
    assert list(out.iterdir()) == [] and sorted(p.name for p in folder.iterdir()) == [
        "coffee.levitor"
    ]


def test_replacing_files_is_asked_and_no_keeps_them(qtbot, shot, monkeypatch):
    window, folder = shot
    (folder / "tracks.npy").write_bytes(b"mine")
    asked = []

    def answer(dialog):
        dialog.ask_replace = lambda taken: asked.append([p.name for p in taken]) or False
        qtbot.mouseClick(export_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        dialog.reject()

    run_dialog(qtbot, window, answer)
    assert asked == [["tracks.npy"]]
    assert (folder / "tracks.npy").read_bytes() == b"mine"


def test_browse_starts_in_the_projects_folder(qtbot, shot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window, folder = shot
    asked = []
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", lambda *a: asked.append(("dir", a[2])) or ""
    )
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(("file", a[2])) or ("", "")
    )

    def answer(dialog):
        dialog.browse()
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("ati"))
        dialog.browse()
        assert dialog.output.text() == str(folder / "coffee.ati.json")  # nothing chosen: kept
        dialog.reject()

    run_dialog(qtbot, window, answer)
    assert asked == [("dir", str(folder)), ("file", str(folder / "coffee.ati.json"))]
