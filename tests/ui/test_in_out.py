"""An in/out range on the timeline for playback and export (issue 15 item 10)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.gui


def test_in_out_range_limits_playback(qtbot, window):
    doc, a = window.doc, window.actions_by_name
    assert doc.play_range == (0, 15)
    doc.set_frame(4)
    a["set_in"].trigger()
    doc.set_frame(9)
    a["set_out"].trigger()
    assert doc.play_range == (4, 9)
    playback = window.timeline.playback
    playback._tick()  # at the out point a looping playback goes back to the in point
    assert doc.frame == 4
    playback._tick()
    assert doc.frame == 5
    doc.set_frame(12)  # outside the range: play starts at the in point
    playback.toggle()
    assert doc.frame == 4 and playback.isActive()
    playback.toggle()
    doc.set_frame(2)
    a["set_out"].trigger()  # an out point before the in point moves the in point too
    assert doc.play_range == (2, 2)
    a["clear_range"].trigger()
    assert doc.play_range == (0, 15)


def test_export_writes_only_the_in_out_range(qtbot, window, tmp_path):
    doc = window.doc
    doc.set_in_out(3, 7)
    handle = window.work.export_video(str(tmp_path / "frames"))  # a folder of PNG frames
    with qtbot.waitSignal(handle.finished, timeout=60000):
        pass
    pngs = sorted(p.name for p in (tmp_path / "frames").glob("*.png"))
    assert len(pngs) == 5
    record = json.loads(next(tmp_path.glob("*.take.json")).read_text())
    assert record["frame_range"] == [3, 7] and record["generator"] == "preview"


def test_export_settings_dialog_reads_back(qtbot, window):
    from levitor_studio.ui.export_settings import ExportSettings, ExportSettingsDialog

    dialog = ExportSettingsDialog(ExportSettings(), 16, (0, 15))
    qtbot.addWidget(dialog)
    assert dialog.settings() == ExportSettings()  # the in/out range is not pinned by default
    dialog.format.setCurrentText("GIF")
    dialog.scale.setCurrentIndex(1)
    dialog.overlay.setChecked(True)
    dialog.first.setValue(5)
    dialog.last.setValue(2)
    assert dialog.settings() == ExportSettings("GIF", 50, True, (2, 5))


def test_export_with_settings_writes_that_format_size_and_range(qtbot, window, tmp_path):
    from PIL import Image

    from levitor_studio.ui.export_settings import ExportSettings

    window.export_settings = ExportSettings("GIF", 50, True, (2, 5))
    window._ask_output = lambda title, filt: (
        filt == "GIF animation (*.gif)" and str(tmp_path / "clip")
    )
    window.export_video_dialog()
    handle = next(h for h in window.runner.active() if h.label == "export video")
    with qtbot.waitSignal(handle.finished, timeout=60000):
        pass
    with Image.open(tmp_path / "clip.gif") as gif:  # the format's suffix was added
        assert (gif.n_frames, gif.size) == (4, (256, 144))
    record = json.loads((tmp_path / "clip.gif.take.json").read_text())
    assert record["export"] == {
        "format": "GIF",
        "scale": 50,
        "overlay": True,
        "frame_range": [2, 5],
    }


def test_overlay_draws_the_points_and_size_is_even():
    import numpy as np

    from levitor_studio.ui.export_settings import ExportSettings, apply_settings

    frames = np.zeros((3, 40, 60, 3), np.uint8)
    points = [[[10, 20, 1, 100]]] * 3
    plain = apply_settings(frames, ExportSettings(), points)
    drawn = apply_settings(frames, ExportSettings(overlay=True), points)
    assert not plain.any() and drawn[:, 10, 20].any() and not drawn[:, 35, 5].any()
    assert ExportSettings(scale=25).size(513, 289) == (128, 72)
    assert apply_settings(frames, ExportSettings(scale=50, frame_range=(1, 2))).shape == (
        2,
        20,
        30,
        3,
    )


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("last", "20", "Last frame 20 is outside the clip (0…15)"),
        ("first", "-1", "First frame -1 is outside the clip (0…15)"),
    ],
)
def test_export_settings_keep_a_typed_frame_and_refuse_it_on_ok(qtbot, field, text, reason):
    """Typed through the keys, then Enter (OK): a 0…15 box used to turn 20 into 2, -1 into 1."""
    from ui_helpers import type_into

    from levitor_studio.ui.export_settings import ExportSettings, ExportSettingsDialog

    dialog = ExportSettingsDialog(ExportSettings(), 16, (0, 15))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = getattr(dialog, field)
    type_into(qtbot, box.lineEdit(), text)
    assert box.value() == float(text)
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text() == reason
