"""ObjMC evaluation: the metric on hand-computed tracks, the Lucas–Kanade tracker on a known
motion, intended tracks from the engine, and the whole harness with the preview generator."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

import cv2
import numpy as np
import pytest
from engine_scenes import keys, pole_scene
from numpy.typing import NDArray

from levitor_studio import point_tracking
from levitor_studio.evaluation import (
    Score,
    Tracks,
    evaluate_scene,
    intended_tracks,
    objmc,
    pool,
    until_first_hidden,
)
from levitor_studio.model.errors import BackendUnavailable, InputError
from levitor_studio.model.scene import Scene, SceneObject
from levitor_studio.plugin_host import create_backend
from levitor_studio.plugin_host.protocols import GenerationRequest
from levitor_studio.point_tracking import LucasKanadeTracker, create_tracker


def texture(h: int, w: int, seed: int, blur: float = 1.5) -> NDArray[np.uint8]:
    """Smooth random texture with strong gradients everywhere (good for Lucas–Kanade)."""
    noise = np.random.default_rng(seed).uniform(0, 255, (h, w)).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), blur)
    smooth = (smooth - smooth.min()) / (smooth.max() - smooth.min()) * 220 + 20
    return np.repeat(smooth[..., None], 3, axis=2).astype(np.uint8)


# ---------------------------------------------------------------- the metric, by hand


def hand_tracks() -> tuple[Tracks, NDArray[np.float64], NDArray[np.bool_]]:
    """3 frames, points 0 and 1 on object "a", point 2 on "b"."""
    xy = np.zeros((3, 3, 2))
    xy[:, 0] = [10, 10]
    xy[:, 1] = [20, 20]
    xy[:, 2] = [30, 5]
    seen_i = np.ones((3, 3), dtype=bool)
    seen_i[2, 1] = False  # point 1 hidden in frame 2 (intended): never scored there
    intended = Tracks(xy, seen_i, np.array([0, 0, 1]), ("a", "b"), (True, False))
    got = xy.copy()
    got[0, 0] += [7, 7]  # frame 0 is not scored by default
    got[1, 0] += [3, 4]  # 5
    got[2, 0] += [-6, 8]  # 10
    got[1, 1] += [100, 0]  # lost by the tracker: excluded
    got[2, 1] += [1, 0]  # intended hidden: excluded
    got[1, 2] += [0, 2]  # 2
    got[2, 2] += [1, 0]  # 1
    seen_o = np.ones((3, 3), dtype=bool)
    seen_o[1, 1] = False
    return intended, got, seen_o


def test_objmc_hand_computed() -> None:
    intended, got, seen = hand_tracks()
    overall, (a, b) = objmc(intended, got, seen)
    assert (a.error_sum, a.samples, a.expected, a.points) == (15.0, 2, 3, 2)
    assert a.objmc == 7.5 and a.visible_fraction == pytest.approx(2 / 3)
    assert (b.error_sum, b.samples, b.expected, b.points) == (3.0, 2, 2, 1)
    assert b.objmc == 1.5 and b.visible_fraction == 1.0
    assert (overall.error_sum, overall.samples, overall.expected) == (18.0, 4, 5)
    assert overall.objmc == 4.5 and overall.visible_fraction == 0.8
    assert overall.to_json() == {
        "name": "all",
        "objmc": 4.5,
        "visible_fraction": 0.8,
        "samples": 4,
        "expected": 5,
        "points": 3,
    }


def test_objmc_frame_zero_nan_and_pooling() -> None:
    intended, got, seen = hand_tracks()
    overall, _ = objmc(intended, got, seen, first_frame=0)
    # frame 0 adds |(7, 7)| for point 0 and two exact zeros
    assert overall.samples == 7 and overall.expected == 8
    assert overall.error_sum == pytest.approx(18 + 7 * np.sqrt(2))
    got[2, 2] = np.nan  # a non-finite position counts as not visible
    overall, (_, b) = objmc(intended, got, seen)
    assert (b.error_sum, b.samples, b.expected) == (2.0, 1, 2)
    both = pool("both", [overall, overall])
    assert (both.error_sum, both.samples, both.expected) == (34.0, 6, 10)
    empty = Score("none", 0.0, 0, 0, 0)
    assert np.isnan(empty.objmc) and empty.to_json()["objmc"] is None
    with pytest.raises(InputError, match="do not match"):
        objmc(intended, got[:2], seen[:2])


# ---------------------------------------------------------------- the Lucas–Kanade tracker


def square_clip(
    shifts: list[tuple[float, float]], size: int = 96
) -> tuple[NDArray[np.uint8], NDArray[np.float64]]:
    """A textured 36-px square at (20, 24) moved by sub-pixel ``shifts`` over a flat ground."""
    tex = texture(36, 36, seed=3)
    frames = []
    for dx, dy in shifts:
        m = np.array([[1.0, 0.0, 20 + dx], [0.0, 1.0, 24 + dy]])
        warped = cv2.warpAffine(tex, m, (size, size), flags=cv2.INTER_LINEAR)
        inside = cv2.warpAffine(np.ones((36, 36), np.float32), m, (size, size)) > 0.999
        frame = np.full((size, size, 3), 120, np.uint8)
        frame[inside] = warped[inside]
        frames.append(frame)
    queries = np.array([[32.0, 36.0], [44.0, 40.0], [38.5, 50.25], [30.0, 52.0]])
    return np.stack(frames), queries


def test_lk_recovers_a_known_translation() -> None:
    shifts = [(2.5 * t, -1.75 * t) for t in range(6)]
    frames, queries = square_clip(shifts)
    xy, visible = LucasKanadeTracker().track(frames, queries)
    assert xy.shape == (6, 4, 2) and visible.shape == (6, 4)
    assert visible.all()
    expected = queries[None] + np.array(shifts)[:, None]
    assert np.abs(xy - expected).max() < 0.5
    np.testing.assert_array_equal(xy[0], queries.astype(np.float32))


def test_lk_loses_points_that_vanish_or_leave() -> None:
    frames, queries = square_clip([(0, 0), (1, 0), (2, 0)])
    frames[2] = 120  # the square is gone: nothing to match, the round trip fails
    _, visible = LucasKanadeTracker().track(frames, np.vstack([queries, [[-3.0, 5.0]]]))
    assert visible[:2, :4].all() and not visible[2].any()
    assert not visible[:, 4].any()  # a query outside frame 0 is never visible
    with pytest.raises(InputError, match="window"):
        LucasKanadeTracker({"window": "4"})
    with pytest.raises(InputError, match="uint8"):
        LucasKanadeTracker().track(frames.astype(np.float32), queries)


def test_tracker_plugins_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    group = point_tracking.GROUP
    fake = [
        EntryPoint("lk-copy", "levitor_studio.point_tracking:LucasKanadeTracker", group),
        EntryPoint("broken", "no_such_module_here:Tracker", group),
    ]
    monkeypatch.setattr(point_tracking, "entry_points", lambda group: fake)
    assert point_tracking.available_trackers() == ["broken", "lk", "lk-copy"]
    copy = create_tracker("lk-copy", {"window": "21"})
    assert isinstance(copy, LucasKanadeTracker) and copy.window == 21
    assert isinstance(copy, point_tracking.PointTracker)
    with pytest.raises(BackendUnavailable, match="no_such_module_here"):
        create_tracker("broken")
    with pytest.raises(InputError, match="installed: broken, lk, lk-copy"):
        create_tracker("cotracker")


# ---------------------------------------------------------------- intended tracks and harness


def moving_scene(frames: int = 6) -> Scene:
    """96×64: a textured 24-px square sliding right and down and coming nearer, on a flat
    ground (z 0.9); a second, static textured square."""
    w, h = 96, 64
    image = np.full((h, w, 3), 110, np.uint8)
    image[20:44, 12:36] = texture(24, 24, seed=1)
    image[8:24, 70:86] = texture(16, 16, seed=2)
    mover = np.zeros((h, w), bool)
    mover[20:44, 12:36] = True
    still = np.zeros((h, w), bool)
    still[8:24, 70:86] = True
    depth = np.full((h, w), 0.9, np.float32)
    depth[mover] = 0.5
    depth[still] = 0.6
    objs = [
        SceneObject(1, "mover", (230, 159, 0), mover, keys((0, 24, 32, 0.5), (5, 44, 38, 0.45))),
        SceneObject(2, "still", (86, 180, 233), still, []),
    ]
    return Scene(image=image, frames=frames, depth=depth, objects=objs)


def test_intended_tracks_follow_the_placement() -> None:
    scene = moving_scene()
    tracks = intended_tracks(scene)
    assert tracks.names == ("mover", "still") and tracks.moving == (True, False)
    assert tracks.visible.all()
    mover = tracks.xy[:, tracks.owner == 0]
    path = scene.trajectory(scene.objects[0])
    s = path[0, 2] / path[:, 2]
    # scaled about the anchor and carried with it: x_t = a_t + s_t (x_0 - a_0)
    expected = path[:, None, :2] + s[:, None, None] * (mover[0] - path[0, :2])[None]
    np.testing.assert_allclose(mover, expected, atol=1e-9)
    static = tracks.xy[:, tracks.owner == 1]
    assert (static == static[0]).all()
    control = intended_tracks(scene, mode="control")
    np.testing.assert_array_equal(control.xy[0], tracks.xy[0])
    with pytest.raises(InputError, match="mode must be"):
        intended_tracks(scene, mode="flow")


def test_intended_tracks_hidden_behind_an_occluder() -> None:
    scene, pole = pole_scene()
    tracks = intended_tracks(scene)
    xy, vis = tracks.xy, tracks.visible
    c = np.rint(xy[..., 0]).astype(int)
    on_pole = pole[np.rint(xy[..., 1]).astype(int).clip(0, 47), c.clip(0, 63)] & (c < 64)
    assert on_pole.any() and vis[0].all()
    np.testing.assert_array_equal(vis[on_pole], False)


class Replay:
    """A perfect 'tracker': it returns given tracks, all visible."""

    def __init__(self, tracks: Tracks, reacquires: bool) -> None:
        self.tracks, self.reacquires = tracks, reacquires

    def track(
        self, frames: NDArray[np.uint8], queries: NDArray[np.floating]
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        np.testing.assert_allclose(queries, self.tracks.xy[0], atol=1e-9)
        return self.tracks.xy, np.ones(self.tracks.visible.shape, dtype=bool)


def test_points_scored_until_first_hidden_unless_the_tracker_reacquires() -> None:
    vis = np.array([[1, 1, 1], [0, 1, 1], [1, 1, 0], [1, 0, 1]], dtype=bool)
    tracks = Tracks(np.zeros((4, 3, 2)), vis, np.zeros(3, np.int64), ("a",), (True,))
    cut = until_first_hidden(tracks).visible
    np.testing.assert_array_equal(cut, [[1, 1, 1], [0, 1, 1], [0, 1, 0], [0, 0, 0]])
    # the disc slides behind the pole and comes out again
    scene, _ = pole_scene()
    full = intended_tracks(scene)
    generator = create_backend("generator", "preview", {})
    again = evaluate_scene(scene, generator, Replay(full, reacquires=True))
    once = evaluate_scene(scene, generator, Replay(full, reacquires=False))
    assert again.overall.expected == int(full.visible[1:].sum())
    cut_full = np.logical_and.accumulate(full.visible, axis=0)
    assert once.overall.expected == int(cut_full[1:].sum()) < again.overall.expected
    for ev in (again, once):
        assert ev.overall.samples == ev.overall.expected and ev.overall.objmc < 1e-9


class StillImage:
    """A 'generator' that ignores the motion: every frame is the first."""

    def generate(self, request: GenerationRequest, task: Any = None) -> NDArray[np.uint8]:
        return np.repeat(request.first_frame[None], request.scene.frames, axis=0)


class Upscaled:
    """The preview at twice the scene's size (a model working at another resolution)."""

    def __init__(self) -> None:
        self.inner = create_backend("generator", "preview", {})

    def generate(self, request: GenerationRequest, task: Any = None) -> NDArray[np.uint8]:
        frames = self.inner.generate(request, task)
        return np.stack(
            [cv2.resize(f, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for f in frames]
        )


def test_harness_with_the_preview_as_the_model() -> None:
    scene = moving_scene()
    tracker = create_tracker("lk")
    ev = evaluate_scene(scene, create_backend("generator", "preview", {}), tracker)
    assert ev.frames.shape == (6, 64, 96, 3)
    # K-means counts (reference §5): round(max area · 50 / (H·W)) = 6 for the mover, whose area
    # grows as it comes nearer; at least 3 for any object
    assert [s.points for s in ev.per_object] == [6, 3] and ev.overall.expected == 9 * 5
    assert ev.overall.visible_fraction >= 0.9
    assert ev.overall.objmc < 1.0 and ev.moving.objmc < 1.0
    wrong = evaluate_scene(scene, StillImage(), tracker)
    # the mover's points stay where they were: at least the 20-px slide at the last frame
    assert wrong.moving.objmc > 8.0 and wrong.moving.visible_fraction == 1.0
    assert wrong.per_object[1].objmc < 0.1  # the static object is right either way
    big = evaluate_scene(scene, Upscaled(), tracker)
    assert big.frames.shape == (6, 128, 192, 3)
    assert big.overall.objmc < 1.0 and big.overall.visible_fraction >= 0.9


def wrong_moving(scene: Scene) -> Score:
    return evaluate_scene(scene, StillImage(), create_tracker()).moving


def test_eval_script_writes_table_report_and_video(tmp_path: Any, capsys: Any) -> None:
    import importlib.util
    import json
    from pathlib import Path

    from levitor_studio import api

    script = Path(__file__).resolve().parents[2] / "bench" / "eval_objmc.py"
    spec = importlib.util.spec_from_file_location("eval_objmc", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scene = moving_scene()
    project = tmp_path / "moving.levitor"
    api.save(scene, project)
    report_path = tmp_path / "report.json"
    argv = [str(project), str(project), "--json", str(report_path)]
    assert (
        module.main([*argv, "--save-videos", str(tmp_path), "--seed", "7", "--still-baseline"]) == 0
    )
    report = json.loads(report_path.read_text())
    first = report["scenes"][0]
    # by hand: 9 tracked points (6 on the mover, 3 on the still square) over frames 1…5, all
    # visible; the preview draws exactly the intended motion, so only the tracker's error is left
    overall = first["all"]
    assert (overall["points"], overall["samples"], overall["expected"]) == (9, 45, 45)
    assert overall["visible_fraction"] == 1.0 and 0.0 <= overall["objmc"] < 0.5
    assert [o["moving"] for o in first["objects"]] == [True, False]
    assert first["settings"]["seed"] == 7 and first["output_size"] == [96, 64]
    assert report["pooled"]["all"]["samples"] == 2 * 45  # the project was given twice
    # a still video misses the mover by its anchor's travel: linear from (24, 32) to (44, 38)
    # over 5 frames, |Δ| = t · √(20² + 6²) / 5, averaged over t = 1…5 (plus a little from scaling)
    travel = float(np.mean([t * np.hypot(20.0, 6.0) / 5.0 for t in range(1, 6)]))
    still = first["still_baseline"]["moving"]
    assert still["samples"] == 30 and abs(still["objmc"] - travel) < 0.3
    assert (tmp_path / "moving.objmc.mp4").stat().st_size > 0
    table = capsys.readouterr().out
    assert "| moving.levitor | **all** | 9 |" in table and "**pooled**" in table
    assert module.main([str(tmp_path / "missing.levitor"), "--json", str(report_path)]) == 2
    assert "missing.levitor" in capsys.readouterr().err
