"""Assembling the control signal from a scene, and its .npz and keypoint-JSON exports."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from engine_scenes import disc, pole_scene

from levitor_studio.engine.conditioning import build_conditioning
from levitor_studio.engine.control_points import kmeans_points
from levitor_studio.engine.render import render_masks
from levitor_studio.engine.signal import (
    ControlSignal,
    build_signal,
    scene_anchors,
    signal_from_maps,
)
from levitor_studio.engine.signal_export import (
    read_keypoints_json,
    read_signal_npz,
    write_keypoints_json,
    write_signal_npz,
)
from levitor_studio.model import atomic
from levitor_studio.model.errors import InputError
from levitor_studio.model.scene import GenerationSettings, Scene
from levitor_studio.tasks.state import TaskState


def with_settings(scene: Scene, **changes: object) -> Scene:
    scene.settings = dataclasses.replace(scene.settings, **changes)  # type: ignore[arg-type]
    return scene


def test_build_signal_chains_masks_points_and_tensor() -> None:
    scene, _ = pole_scene()
    progress: list[float] = []
    signal = build_signal(scene, TaskState(on_progress=lambda f, _m: progress.append(f)))
    labels, depth = render_masks(scene)
    np.testing.assert_array_equal(signal.labels, labels)
    np.testing.assert_array_equal(signal.depth, depth)
    assert signal.labels.dtype == np.int32 and signal.depth.dtype == np.float32
    expected = kmeans_points(labels, depth, 1)
    assert len(signal.points) == scene.frames == signal.frames
    for ours, theirs in zip(signal.points, expected, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(signal.tensor, build_conditioning(expected, 64, 48))
    assert signal.tensor.shape == (9, 3, 48, 64) and signal.tensor.dtype == np.float32
    assert (signal.width, signal.height) == (64, 48)
    assert progress[0] == 0.0 and progress[-1] == 1.0
    # the disc (id 1) moves right: its points' mean column grows over the clip
    cols = [p[p[:, 2] == 1, 1].mean() for p in signal.points if (p[:, 2] == 1).any()]
    assert cols[-1] > cols[0] + 20


def test_build_signal_against_the_scene_geometry_by_hand() -> None:
    """Independent of the engine's own functions: what the pole scene must give, pixel by pixel.

    Ids: the disc 1, then the static segments in label order (ground 2, pole 3). The disc (radius
    5, depth 0.3) slides from (12, 24) to (52, 24) over frames 0…8; the pole (columns 30…35,
    depth 0.05) is nearer, so at frame 4 (disc at x 32) it hides the disc's middle. The vacated
    footprint is ground, depth 1 ("far"). Depth channel values are round(1 / z) with 1 → 0.
    """
    scene, pole = pole_scene()
    signal = build_signal(scene)
    rest = disc(12, 24, 5)
    for t, cx in ((0, 12), (4, 32), (8, 52)):
        card = disc(cx, 24, 5) & ~pole
        labels = np.where(pole, 3, 2)
        labels[card] = 1
        np.testing.assert_array_equal(signal.labels[t], labels)
        depth = np.where(pole, 0.05, 0.9).astype(np.float32)
        depth[rest & ~card] = 1.0
        depth[card] = 0.3
        np.testing.assert_array_equal(signal.depth[t], depth)
    channel = {1: 3, 3: 20}  # round(1/0.3), round(1/0.05)
    for t, points in enumerate(signal.points):
        for row, col, pid, value in points.tolist():
            if pid in channel:  # the disc and the pole are convex: their points lie on them
                assert signal.labels[t, row, col] == pid
                assert value == channel[pid]
        # the last point pasted is on top: the tensor carries its id and depth at its pixel
        row, col, pid, value = points[-1].tolist()
        assert signal.tensor[t, 1:, row, col].tolist() == [float(pid), float(value)]
        assert signal.tensor[t, 0, row, col] > 0.0
    assert signal.tensor.shape == (9, 3, 48, 64)


def test_id_and_depth_switches_empty_their_channels() -> None:
    scene, _ = pole_scene()
    signal = build_signal(with_settings(scene, use_ids=False, use_depth=False))
    assert signal.tensor[:, 0].max() > 0
    assert not signal.tensor[:, 1].any() and not signal.tensor[:, 2].any()
    assert all(np.all(p[:, 2:] == 0) for p in signal.points)


def test_single_point_mode_uses_the_objects_anchor() -> None:
    scene, _ = pole_scene()
    signal = build_signal(with_settings(scene, control_mode="single"))
    path = scene_anchors(scene)
    assert path.shape == (9, 1, 3)
    for t, pts in enumerate(signal.points):
        obj = pts[pts[:, 2] == 1]
        if obj.size:  # hidden behind the pole in some frames
            assert obj.tolist() == [[int(path[t, 0, 1]), int(path[t, 0, 0]), 1, 3]]
    assert sum((p[:, 2] == 1).sum() for p in signal.points) >= 7


def test_points_ratio_and_object_override() -> None:
    scene, _ = pole_scene()
    base = build_signal(scene)
    scene.objects[0].points_ratio = 2.0
    more = build_signal(scene)
    doubled = build_signal(with_settings(scene, points_ratio=2.0))
    assert [int((p[:, 2] == 1).sum()) for p in base.points] == [3] * 9
    # doubled, except at frame 4 where the pole hides all but 3 samples (never more clusters
    # than samples)
    assert [int((p[:, 2] == 1).sum()) for p in more.points] == [6, 6, 6, 6, 3, 6, 6, 6, 6]
    for a, b, c in zip(base.points, more.points, doubled.points, strict=True):
        np.testing.assert_array_equal(a[a[:, 2] != 1], b[b[:, 2] != 1])
        assert (c[:, 2] != 1).sum() >= (a[:, 2] != 1).sum()


def test_signal_from_maps_rejects_bad_settings() -> None:
    labels = np.ones((2, 8, 8), np.int32)
    depth = np.full(labels.shape, 0.5, np.float32)
    with pytest.raises(InputError, match="positive"):
        signal_from_maps(labels, depth, 0, GenerationSettings(points_ratio=-1.0))
    with pytest.raises(InputError, match="control mode"):
        signal_from_maps(labels, depth, 0, GenerationSettings(control_mode="both"))
    with pytest.raises(InputError, match="inconsistent"):
        ControlSignal((np.zeros((0, 4)),) * 2, np.zeros((2, 3, 8, 9), np.float32), labels, depth)


def test_npz_round_trip_without_pickle(tmp_path: Path) -> None:
    scene, _ = pole_scene()
    signal = build_signal(scene)
    path = write_signal_npz(signal, tmp_path / "signal.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert str(npz["format"]) == "levitor-signal" and int(npz["version"]) == 1
        offsets = npz["point_offsets"]
        assert offsets.tolist() == np.cumsum([0] + [len(p) for p in signal.points]).tolist()
        assert npz["points"].shape == (offsets[-1], 4)
        assert npz["tensor"].shape == (9, 3, 48, 64)
    back = read_signal_npz(path)
    for a, b in zip(back.points, signal.points, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.tensor, signal.tensor)
    np.testing.assert_array_equal(back.labels, signal.labels)
    np.testing.assert_array_equal(back.depth, signal.depth)
    assert [p.name for p in tmp_path.iterdir()] == ["signal.npz"]


def test_keypoint_json_is_the_demo_format(tmp_path: Path) -> None:
    scene, _ = pole_scene()
    signal = build_signal(scene)
    path = write_keypoints_json(signal.points, tmp_path / "keypoints.json")
    data = json.loads(path.read_text())
    assert data == [[[int(v) for v in row] for row in frame] for frame in signal.points]
    assert path.read_text().startswith("[[[")  # the demo's bare nested list, no wrapper object
    assert len(data) == 9 and all(len(p) == 4 for frame in data for p in frame)
    assert all(type(v) is int for frame in data for p in frame for v in p)
    back = read_keypoints_json(path)
    for a, b in zip(back, signal.points, strict=True):
        np.testing.assert_array_equal(a, b)


def test_unwritable_paths_leave_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scene, _ = pole_scene()
    signal = build_signal(scene)
    with pytest.raises(InputError, match="no such folder"):
        write_signal_npz(signal, tmp_path / "missing" / "s.npz")
    with pytest.raises(InputError, match="is a folder"):
        write_keypoints_json(signal.points, tmp_path)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # a read-only folder (simulated: the tests may run as root, who can write anywhere)
    monkeypatch.setattr(atomic.os, "open", refuse)
    with pytest.raises(InputError, match="cannot write here"):
        write_signal_npz(signal, tmp_path / "s.npz")
    monkeypatch.undo()

    # a failure while writing removes the partial file
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", broken)
    with pytest.raises(InputError, match="No space left"):
        write_signal_npz(signal, tmp_path / "s.npz")
    assert list(tmp_path.iterdir()) == []


def test_reading_bad_files_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a control-signal file"):
        read_signal_npz(junk)
    other = tmp_path / "other.npz"
    np.savez(other, labels=np.zeros((1, 2, 2)))
    with pytest.raises(InputError, match="levitor-signal"):
        read_signal_npz(other)
    with pytest.raises(InputError, match="no such file"):
        read_signal_npz(tmp_path / "absent.npz")
    bad = tmp_path / "k.json"
    bad.write_text("[[[1, 2, 3]]]")
    with pytest.raises(InputError, match="frame 0"):
        read_keypoints_json(bad)
    assert zipfile.is_zipfile(other)
