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
