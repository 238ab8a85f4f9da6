"""``levitor-studio export-tracks P --format wan-move``: the engine's point tracks, resampled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.cli import main
from levitor_studio.engine.point_tracks import point_tracks, resample
from levitor_studio.model.project_io import save_project


def test_wan_move_files_hold_the_resampled_engine_tracks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = make_scene()
    save_project(scene, tmp_path / "p.levitor")
    args = ["export-tracks", str(tmp_path / "p.levitor"), "--format", "wan-move"]
    assert main([*args, "-o", str(tmp_path), "--points", "3", "--frames", "31"]) == 0
    xy = np.load(tmp_path / "tracks.npy")
    visible = np.load(tmp_path / "track_visibility.npy")
    expected = resample(point_tracks(scene, 3), 31, scene.size)
    assert xy.dtype == np.float32 and xy.shape == expected.xy.shape
    assert xy.tolist() == expected.xy.astype(np.float32).tolist()
    assert visible.dtype == bool and visible.tolist() == expected.visible.tolist()
    assert "wrote" in capsys.readouterr().out


def test_a_bad_size_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_project(make_scene(), tmp_path / "p.levitor")
    out = tmp_path / "out"
    out.mkdir()
    args = ["export-tracks", str(tmp_path / "p.levitor"), "--format", "wan-move", "-o", str(out)]
    assert main([*args, "--size", "big"]) == 2
    assert "--size 'big' must be WxH" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_ati_json_holds_the_resampled_engine_tracks(tmp_path: Path) -> None:
    scene = make_scene()
    save_project(scene, tmp_path / "p.levitor")
    args = ["export-tracks", str(tmp_path / "p.levitor"), "--format", "ati", "--points", "2"]
    assert main([*args, "-o", str(tmp_path / "ati.json"), "--size", "128x96"]) == 0
    doc = json.loads((tmp_path / "ati.json").read_text())
    expected = resample(point_tracks(scene, 2), 121, (128, 96))
    assert len(doc) == expected.xy.shape[1] and all(len(track) == 121 for track in doc)
    for i, track in enumerate(doc):
        assert [[p["x"], p["y"]] for p in track] == expected.xy[:, i].tolist()
        assert [p["visible"] for p in track] == expected.visible[:, i].astype(int).tolist()


def test_a_point_behind_the_camera_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dolly of 0.5 puts every pixel nearer than 0.5 behind the camera: Wan-Move got NaN."""
    from levitor_studio.model.camera_track import CameraKey

    scene = make_scene()
    scene.camera = [CameraKey(0), CameraKey(15, dolly=0.5)]
    save_project(scene, tmp_path / "p.levitor")
    out = tmp_path / "out"
    out.mkdir()
    args = ["export-tracks", str(tmp_path / "p.levitor"), "--format", "wan-move", "-o", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "levitor-studio: error: a track point passes behind the camera on some frame: "
        "shorten the camera move"
    ]
    assert list(out.iterdir()) == []
