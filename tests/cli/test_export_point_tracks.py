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


def test_a_point_behind_the_camera_is_hidden_there_and_never_nan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dolly of 0.5 puts every pixel nearer than 0.5 behind the camera: Wan-Move got NaN, then
    the whole export was refused (even after the editor's own Push In). Those points are now
    invisible on those frames, at the last pixel they had."""
    from levitor_studio.model.camera_track import CameraKey
    from levitor_studio.model.keyframes import Easing

    scene = make_scene()
    scene.objects = []  # eight static bands on the depth ramp 0.9 (top) … 0.1 (bottom)
    scene.segments = np.repeat(np.arange(1, 9, dtype=np.int32), 6)[:, None].repeat(64, 1)
    scene.camera = [CameraKey(0, ease=Easing.LINEAR), CameraKey(15, dolly=0.5)]
    save_project(scene, tmp_path / "p.levitor")
    out = tmp_path / "out"
    out.mkdir()
    args = ["export-tracks", str(tmp_path / "p.levitor"), "--format", "wan-move", "-o", str(out)]
    assert main([*args, "--frames", "16"]) == 0
    xy = np.load(out / "tracks.npy")
    visible = np.load(out / "track_visibility.npy")
    assert np.isfinite(xy).all()
    dolly = 0.5 * np.arange(16) / 15  # linear
    z = np.linspace(0.9, 0.1, 48, dtype=np.float32)[np.rint(xy[0, :, 1]).astype(int)]
    passed = z <= dolly[15]  # behind the camera at the last frame
    assert 0 < passed.sum() < len(z)
    assert not visible[15, passed].any() and visible[0, passed].all()
    for k in np.flatnonzero(passed):
        last = max(t for t in range(16) if dolly[t] < z[k])
        assert not visible[last + 1 :, k].any()
        assert (xy[last + 1 :, k] == xy[last, k]).all()
