"""One way to make a project: the New Project dialog and ``levitor-studio new`` agree (issue 14)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from levitor_studio.api import image_size
from levitor_studio.cli import main
from levitor_studio.model.project_io import load_project
from levitor_studio.ui.new_project import CHOOSE, NewProjectDialog


def _answer(window, **widgets):
    """Replace the modal dialog by the real dialog, filled in as ``widgets`` say."""

    def ask(path):
        dialog = NewProjectDialog(path, image_size(path), window.prefs.backends, window)
        for name, value in widgets.items():
            box = getattr(dialog, name)
            if hasattr(box, "setCurrentText"):
                box.setCurrentText(value)
            elif hasattr(box, "setChecked"):
                box.setChecked(value)
            else:
                box.setValue(value)
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert ok.isEnabled()
        values = dialog.values()
        dialog.deleteLater()
        return values

    window.ask_new_project = ask


def _open(qtbot, window, image):
    old = window.doc
    assert window.open_path(image, ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=60000)
    return window.doc


def test_the_dialog_and_the_command_line_make_the_same_scene(qtbot, window, example_dir, tmp_path):
    image = example_dir / "coffee.png"
    out = tmp_path / "cli.levitor"
    args = ["--size", "320x184", "--frames", "12", "--fps", "10", "--fit", "letterbox"]
    assert main(["new", str(image), "-o", str(out), *args]) == 0
    cli = load_project(out)

    window.ask_save_changes = lambda: "discard"
    _answer(
        window,
        width_box=320,
        height_box=184,
        frames_box=12,
        fps_box=10.0,
        fit_box="letterbox",
        depth_box="heuristic",
        segmenter_box="grabcut",
    )
    doc = _open(qtbot, window, image)
    gui = doc.scene
    assert gui.size == cli.size == (320, 184)
    assert (
        (gui.frames, gui.fps, gui.fit) == (cli.frames, cli.fps, cli.fit) == (12, 10.0, "letterbox")
    )
    assert np.array_equal(gui.image, cli.image)
    assert np.array_equal(gui.depth, cli.depth)
    assert gui.segments is not None and np.array_equal(gui.segments, cli.segments)
    assert len(np.unique(gui.segments)) > 5  # static segments are on by default
    # making a project is not an edit: nothing to undo, nothing to save, quitting asks nothing
    assert not doc.is_dirty() and doc.undo_stack.count() == 0
    window.ask_save_changes = lambda: pytest.fail("asked to save a project that was only opened")
    assert window.maybe_save()


def test_static_segments_can_be_left_out(qtbot, window, example_dir):
    window.ask_save_changes = lambda: "discard"
    _answer(window, segments_box=False)
    doc = _open(qtbot, window, example_dir / "coffee.png")
    assert doc.scene.segments is None and doc.scene.depth is not None
    assert doc.scene.size == (512, 288)


def _panorama(tmp_path):
    path = tmp_path / "pano.png"
    ramp = np.tile(np.linspace(0, 255, 1200, dtype=np.uint8)[None, :, None], (200, 1, 3))
    Image.fromarray(ramp).save(path)
    return path


def test_a_panorama_asks_crop_or_letterbox_instead_of_cropping(qtbot, tmp_path):
    pano = _panorama(tmp_path)
    dialog = NewProjectDialog(pano, (1200, 200))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.size() == (512, 288)
    assert dialog.fit_box.currentText() == CHOOSE and not ok.isEnabled()
    # 6:1 into 16:9 keeps (16/9)/6 of the width: 70 % dropped
    assert "cropping drops 70%" in dialog.fit_note.text()
    dialog.fit_box.setCurrentText("letterbox")
    assert ok.isEnabled() and dialog.values()["fit"] == "letterbox"
    # a frame of the panorama's own shape needs no question
    dialog.width_box.setValue(1200)
    dialog.height_box.setValue(200)
    assert dialog.fit_box.findText(CHOOSE) < 0 and ok.isEnabled()


def test_the_command_line_also_refuses_to_crop_a_panorama_silently(tmp_path, capsys):
    pano = _panorama(tmp_path)
    out = tmp_path / "p.levitor"
    assert main(["new", str(pano), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "levitor-studio: error: pano.png is 1200x200: cropping it to 512x288 would drop 70% "
        "of it; choose --fit crop or --fit letterbox"
    )
    assert not out.exists()
    assert main(["new", str(pano), "-o", str(out), "--fit", "letterbox", "--no-segments"]) == 0
    scene = load_project(out)
    assert scene.fit == "letterbox"
    # letterbox bars above and below: 512 wide → 1200x200 scales to 512x85 (rows 101..186)
    assert scene.image[:100].max() == 0 and scene.image[-100:].max() == 0


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("width_box", "5000", "Width 5000 must be a whole number 8…4096"),
        ("height_box", "4", "Height 4 must be a whole number 8…4096"),
        ("width_box", "100", "Working size 100×288: each side must be a multiple of 8"),
        (
            "width_box",
            "4096",
            "Working size 4096×2048 is 8,388,608 pixels, more than 4,194,304 (2048×2048)",
        ),
        ("frames_box", "200", "Frames 200 must be a whole number 2…128"),
        ("fps_box", "500", "Frames per second 500 must be 0.5…240"),
    ],
)
def test_a_typed_value_is_kept_and_refused_on_ok(qtbot, field, text, reason):
    """Typed through the keys, then Enter (OK): Qt's ranges used to drop the keystroke."""
    from ui_helpers import type_into

    dialog = NewProjectDialog("photo.png", (512, 288))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if text == "4096":
        dialog.height_box.setValue(2048)  # 512×2048 is fine; 4096×2048 is too many pixels
    box = getattr(dialog, field)
    type_into(qtbot, box.lineEdit(), text)
    assert box.value() == float(text)  # kept as typed, neither clamped nor cut
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text() == reason
