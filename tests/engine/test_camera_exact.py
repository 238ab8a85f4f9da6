"""The fast camera splat gives exactly what the first implementation gave (issue 17, speed).

The reference below restates the first implementation of :func:`.camera_move.splat` (commit
4a5a43c): :func:`.camera_move.reproject` over the pixel grid, five landings per pixel (its
nearest centre with rank 0, then the 2 × 2 centres around it with rank 1) and one
``np.lexsort`` by target, depth, rank, source. Every faster version must give the same new
depth, moved layers and coverage, bit for bit, on dolly, pan, tilt, roll, truck and pedestal
moves, occlusion ties (flat and quantised depths), far pixels, pixels behind the camera and pixels
landing across the frame edges; and so must the label maps and preview frames built on it.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from engine_scenes import disc, keys, rect, textured_image
from numpy.typing import NDArray

from levitor_studio.engine import preview as preview_mod
from levitor_studio.engine import render as render_mod
from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, splat
from levitor_studio.engine.preview import PreviewRenderer, render_frame
from levitor_studio.engine.render import MaskRenderer, render_masks
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.errors import InputError
from levitor_studio.model.scene import Scene, SceneObject


def _reference_candidates(
    cam: PinholeCamera, at: CameraPose, depth: NDArray[np.float32]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64], NDArray[np.int8]]:
    """Every landing of the first implementation: target, source pixel, depth, rank."""
    h, w = depth.shape
    ys, xs = np.mgrid[0:h, 0:w]
    xa, ya, za = np.broadcast_arrays(
        np.asarray(xs, np.float64), np.asarray(ys, np.float64), np.asarray(depth, np.float64)
    )
    cx, cy = cam.centre
    f = cam.focal
    p = np.stack([(xa - cx) * za / f, (ya - cy) * za / f, za], axis=-1)
    far = p[..., 2] >= 1.0
    q = (p - np.where(far[..., None], 0.0, at.centre)) @ at.rotation
    safe = np.where(q[..., 2] > 0, q[..., 2], np.nan)
    bad = ~(q[..., 2] > 0)
    nx = np.where(bad, np.nan, q[..., 0] * f / safe + cx)
    ny = np.where(bad, np.nan, q[..., 1] * f / safe + cy)
    nz = np.where(bad, np.nan, np.where(far, 1.0, q[..., 2]))
    ok = np.isfinite(nx) & np.isfinite(ny)
    src = np.flatnonzero(ok.ravel())
    fx, fy, fz = nx.ravel()[src], ny.ravel()[src], nz.ravel()[src]
    tx, ty, tsrc, tz, tpri = [], [], [], [], []
    near_x, near_y = np.floor(fx + 0.5).astype(np.intp), np.floor(fy + 0.5).astype(np.intp)
    cells = [(near_x, near_y, True)] + [
        (np.floor(fx).astype(np.intp) + dx, np.floor(fy).astype(np.intp) + dy, False)
        for dx in (0, 1)
        for dy in (0, 1)
    ]
    for cx_, cy_, primary in cells:
        inside = (cx_ >= 0) & (cx_ < w) & (cy_ >= 0) & (cy_ < h)
        tx.append(cx_[inside])
        ty.append(cy_[inside])
        tsrc.append(src[inside])
        tz.append(fz[inside])
        tpri.append(np.full(int(inside.sum()), 0 if primary else 1, np.int8))
    target = np.concatenate(ty) * w + np.concatenate(tx)
    return target, np.concatenate(tsrc), np.concatenate(tz), np.concatenate(tpri)


def reference_splat(
    cam: PinholeCamera,
    at: CameraPose,
    depth: NDArray[np.float32],
    layers: list[NDArray[np.generic]],
    fills: list[object],
) -> tuple[NDArray[np.float32], list[NDArray[np.generic]], NDArray[np.bool_]]:
    """The first implementation, restated (its reprojection inlined from ``camera.py``)."""
    h, w = depth.shape
    target, source, z, rank = _reference_candidates(cam, at, depth)
    order = np.lexsort((source, rank, z, target))
    first = np.ones(order.size, bool)
    first[1:] = target[order][1:] != target[order][:-1]
    win_t, win_s, win_z = target[order][first], source[order][first], z[order][first]
    covered = np.zeros(h * w, bool)
    covered[win_t] = True
    new_depth = np.ones(h * w, np.float32)
    new_depth[win_t] = win_z
    moved = []
    for layer, fill in zip(layers, fills, strict=True):
        flat = layer.reshape(h * w, -1)
        out = np.empty_like(flat)
        out[:] = fill
        out[win_t] = flat[win_s]
        moved.append(out.reshape(layer.shape))
    return new_depth.reshape(h, w), moved, covered.reshape(h, w)


def _decisions(cam: PinholeCamera, at: CameraPose, depth: NDArray[np.float32]) -> dict[str, int]:
    """How the first implementation's centres were decided: by depth alone, by the nearest
    landing among equal depths, by raster order among equal depths and ranks."""
    target, source, z, rank = _reference_candidates(cam, at, depth)
    # one landing per (target, source): the nearest one's rank-0 twin makes its 2 × 2 copy moot
    order = np.lexsort((rank, source, target))
    once = np.ones(order.size, bool)
    once[1:] = (target[order][1:] != target[order][:-1]) | (source[order][1:] != source[order][:-1])
    target, source, z, rank = (a[order][once] for a in (target, source, z, rank))
    order = np.lexsort((source, rank, z, target))
    t, z, rank = target[order], z[order], rank[order]
    second = np.zeros(t.size, bool)
    second[1:] = (t[1:] == t[:-1]) & np.concatenate([[True], t[1:-1] != t[:-2]])
    first = np.flatnonzero(second) - 1
    depth_tie = z[first] == z[first + 1]
    rank_tie = depth_tie & (rank[first] == rank[first + 1])
    return {
        "depth": int((~depth_tie).sum()),
        "nearest landing": int((depth_tie & ~rank_tie).sum()),
        "raster order": int(rank_tie.sum()),
    }


def reference_preview_frame(scene: Scene, t: int) -> NDArray[np.uint8]:
    """The first implementation of the preview's camera path, restated."""
    renderer = PreviewRenderer(scene)
    out = renderer._objects_frame(scene, t)
    at = CameraPose.of_row(scene.camera_path()[t])
    if at.still:
        return out
    labels = np.empty(out.shape[:2], np.int32)
    depth = np.empty(out.shape[:2], np.float32)
    MaskRenderer(scene).frame_into(t, labels, depth, camera=False)
    depth = np.where(depth >= 1.0, scene.depth_map(), depth).astype(np.float32)
    _, (moved,), covered = reference_splat(PinholeCamera.of_scene(scene), at, depth, [out], [0])
    hole = (~covered).astype(np.uint8)
    return np.asarray(cv2.inpaint(np.ascontiguousarray(moved), hole, 3, cv2.INPAINT_TELEA))


# camera rows (pan, tilt, roll, dolly, truck, pedestal)
MOVES = {
    "dolly in": [0, 0, 0, 0.1, 0, 0],
    "dolly out": [0, 0, 0, -0.2, 0, 0],
    "past the near plane": [0, 0, 0, 0.35, 0, 0],
    "pan": [4, 0, 0, 0, 0, 0],
    "tilt": [0, -3, 0, 0, 0, 0],
    "roll": [0, 0, 10, 0, 0, 0],
    "roll 90": [0, 0, 90, 0, 0, 0],
    "truck and pedestal": [0, 0, 0, 0, 0.05, -0.03],
    "everything": [3, 1, 2, 0.08, 0.02, 0.01],
}


def _depths(h: int, w: int) -> dict[str, NDArray[np.float32]]:
    rng = np.random.default_rng(h * w)
    yy, xx = np.mgrid[0:h, 0:w]
    ground = np.where(yy < 0.3 * h, 1.0, 0.2 + 0.7 * (h - yy) / h)
    flat = np.full((h, w), 0.5)
    flat[h // 3 : h // 2, w // 4 : w // 2] = 0.3  # a near block: ties inside it and around it
    flat[: h // 5] = 1.0
    return {
        "ground and sky": ground.astype(np.float32),
        "flat with a near block": flat.astype(np.float32),
        "random": (0.25 + 0.75 * rng.random((h, w))).astype(np.float32),
        "quantised to 1/16": np.ceil(rng.random((h, w)) * 16).astype(np.float32) / 16,
    }


def _assert_same(got: tuple, want: tuple) -> None:  # type: ignore[type-arg]
    assert got[0].dtype == want[0].dtype and np.array_equal(got[0], want[0])
    assert np.array_equal(got[2], want[2])
    for a, b in zip(got[1], want[1], strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@pytest.mark.parametrize("size", [(48, 64), (37, 53)])
@pytest.mark.parametrize("move", list(MOVES))
def test_splat_equals_the_first_implementation(size: tuple[int, int], move: str) -> None:
    h, w = size
    cam = PinholeCamera(w, h, 50.0)
    at = CameraPose.of_row(MOVES[move])
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 9, (h, w)).astype(np.int32)
    rgb = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
    values = rng.random((h, w)).astype(np.float32)
    for depth in _depths(h, w).values():
        layers = [labels, rgb, values]
        fills: list[object] = [0, 7, np.nan]
        _assert_same(
            splat(cam, at, depth, layers, fills), reference_splat(cam, at, depth, layers, fills)
        )


def test_the_scenes_decide_centres_every_way_and_land_across_every_edge() -> None:
    """The equality above covers each rule: centres decided by depth, by the nearest landing
    among equal depths and by raster order; landings cut off at all four frame edges."""
    h, w = 48, 64
    cam = PinholeCamera(w, h, 50.0)
    seen = {"depth": 0, "nearest landing": 0, "raster order": 0}
    for move in MOVES.values():
        for depth in _depths(h, w).values():
            for rule, n in _decisions(cam, CameraPose.of_row(move), depth).items():
                seen[rule] += n
    assert min(seen.values()) > 0, seen
    depth = _depths(h, w)["ground and sky"]
    _, _, zoomed_in = splat(cam, CameraPose.of_row(MOVES["dolly in"]), depth, [], [])
    assert zoomed_in.all()  # magnified: no holes, landings run past every edge
    plane = np.full((h, w), 0.5, np.float32)
    _, _, zoomed_out = splat(cam, CameraPose.of_row(MOVES["dolly out"]), plane, [], [])
    edges = [zoomed_out[0], zoomed_out[-1], zoomed_out[:, 0], zoomed_out[:, -1]]
    assert not any(e.any() for e in edges) and zoomed_out[h // 2, w // 2]


def _camera_scene(frames: int = 9) -> Scene:
    """A scene with moving objects crossing behind each other and a still occluder, at equal
    depths where they meet (ties), a camera move over frames 0-6, then everything holds."""
    h, w = 48, 64
    depth = _depths(h, w)["ground and sky"]
    segments = (np.mgrid[0:h, 0:w][0] * 3 // h) * 4 + (np.mgrid[0:h, 0:w][1] * 4 // w) + 1
    objects = [
        SceneObject(
            1, "ball", (255, 0, 0), disc(14, 30, 5), keys((0, 14, 30, 0.5), (6, 46, 26, 0.5))
        ),
        SceneObject(
            2, "box", (0, 255, 0), rect(28, 22, 38, 36), keys((0, 33, 29, 0.5), (6, 30, 31, 0.4))
        ),
        SceneObject(3, "post", (0, 0, 255), rect(50, 12, 54, 40), []),
    ]
    scene = Scene(
        image=textured_image(w, h),
        frames=frames,
        depth=depth,
        objects=objects,
        segments=segments.astype(np.int32),
    )
    scene.camera = [
        CameraKey(0),
        CameraKey(3, pan=2.0, roll=1.0),
        CameraKey(6, dolly=0.1, truck=0.02),
    ]
    return scene


def test_label_maps_with_a_camera_move_equal_the_first_implementation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    plain = _camera_scene()
    # the box follows the ball, which keeps moving after the camera and the box's keys hold
    riding = _camera_scene()
    ball = riding.objects[0]
    riding.objects[0] = replace(ball, keyframes=keys((0, 14, 30, 0.5), (8, 40, 20, 0.5)))
    riding.objects[1] = replace(riding.objects[1], parent=ball.uid)
    got = [render_masks(scene) for scene in (plain, riding)]
    monkeypatch.setattr(render_mod, "splat", reference_splat)
    monkeypatch.setattr(render_mod.MaskRenderer, "holds", lambda self, t: False)
    for scene, (labels, depth) in zip((plain, riding), got, strict=True):
        want_labels, want_depth = render_masks(scene)
        assert np.array_equal(labels, want_labels) and np.array_equal(depth, want_depth)
        assert not np.array_equal(labels[0], labels[-1])  # the camera did move things
    assert not np.array_equal(got[1][0][7], got[1][0][8])  # the rider moved in the held shot


def test_preview_frames_with_a_camera_move_equal_the_first_implementation() -> None:
    scene = _camera_scene()
    for t in range(scene.frames):
        assert np.array_equal(render_frame(scene, t), reference_preview_frame(scene, t)), t
    preview_mod._CACHE.clear()


def test_the_bundled_example_with_a_push_in_equals_the_first_implementation() -> None:
    from scenes import EXAMPLE

    from levitor_studio.model.project_io import load_project

    scene = load_project(EXAMPLE / "coffee.levitor")
    scene.camera = [CameraKey(15, pan=3.0, tilt=-1.0, roll=1.5, dolly=0.001, truck=0.0002)]
    renderer = MaskRenderer(scene)
    cam = PinholeCamera.of_scene(scene)
    for t in (5, 15):
        labels, depth = np.empty((2, scene.height, scene.width), np.int32), None
        depth = np.empty((scene.height, scene.width), np.float32)
        renderer.frame_into(t, labels[0], depth, camera=False)
        at = CameraPose.of_row(scene.camera_path()[t])
        rgb = np.ascontiguousarray(scene.image[..., :3])
        got = splat(cam, at, depth, [labels[0], rgb], [0, 0])
        _assert_same(got, reference_splat(cam, at, depth, [labels[0], rgb], [0, 0]))


def test_a_held_preview_renderer_follows_key_parent_and_segment_edits() -> None:
    """The preview keeps its mask renderer between frames; an edit must still show at once."""
    from dataclasses import replace

    from levitor_studio.model.keyframes import Keyframe

    scene = _camera_scene()
    renderer = PreviewRenderer(scene)
    assert np.array_equal(renderer.frame(scene, 4), reference_preview_frame(scene, 4))
    ball = scene.objects[0]
    # the ball now passes in front of the box: a different depth and occlusion at frame 4
    scene.objects[0] = replace(ball, keyframes=[*ball.keyframes, Keyframe(4, 33, 29, 0.3)])
    edited = renderer.frame(scene, 4)
    assert np.array_equal(edited, reference_preview_frame(scene, 4))
    scene.objects[1] = replace(scene.objects[1], parent=ball.uid)
    assert np.array_equal(renderer.frame(scene, 4), reference_preview_frame(scene, 4))
    assert not np.array_equal(renderer.frame(scene, 4), edited)
    scene.segments = np.zeros((3, 3), np.int32)  # a wrong size is refused, not served stale
    with pytest.raises(InputError, match="segment map is 3×3"):
        renderer.frame(scene, 4)


def test_splats_on_several_threads_keep_their_own_buffers() -> None:
    """The splat reuses per-thread buffers: the preview's worker and a render on another thread
    (at another size) must not see each other's."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = []
    for h, w in [(48, 64), (37, 53)]:
        cam = PinholeCamera(w, h, 50.0)
        for move in ("everything", "roll", "dolly out"):
            for depth in _depths(h, w).values():
                jobs.append((cam, CameraPose.of_row(MOVES[move]), depth))
    rng = np.random.default_rng(3)
    layers = {d.shape: rng.integers(0, 99, d.shape).astype(np.int32) for _, _, d in jobs}
    want = [reference_splat(c, a, d, [layers[d.shape]], [0]) for c, a, d in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(lambda job: splat(*job[:3], [layers[job[2].shape]], [0]), jobs * 3))
    for i, result in enumerate(got):
        _assert_same(result, want[i % len(jobs)])


def test_a_kept_camera_frame_is_reused_only_while_what_it_is_made_of_stays(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The preview keeps camera-moved frames by their inputs: an edit elsewhere reuses them
    (no second splat), an edit of anything the frame is made of renders it again."""
    from dataclasses import replace

    from levitor_studio.model.keyframes import Keyframe

    splats = []
    real = preview_mod.splat
    monkeypatch.setattr(preview_mod, "splat", lambda *a: splats.append(1) or real(*a))
    scene = _camera_scene()
    renderer = PreviewRenderer(scene)
    first = renderer.frame(scene, 6)
    # the box's key at frame 8 only changes frames 7 and 8 (its keys end at 6)
    box = scene.objects[1]
    scene.objects[1] = replace(box, keyframes=[*box.keyframes, Keyframe(8, 20, 20, 0.4)])
    assert np.array_equal(renderer.frame(scene, 6), first) and len(splats) == 1
    assert np.array_equal(renderer.frame(scene, 8), reference_preview_frame(scene, 8))
    assert len(splats) == 2
    # the ball's rest depth (row 0) changes its scale at frame 6, though its frame-6 key is the same
    ball = scene.objects[0]
    k0 = ball.keyframes[0]
    scene.objects[0] = replace(ball, keyframes=[replace(k0, z=0.45), *ball.keyframes[1:]])
    moved = renderer.frame(scene, 6)
    assert np.array_equal(moved, reference_preview_frame(scene, 6)) and len(splats) == 3
    assert not np.array_equal(moved, first)
    scene.fov = 40.0  # the same keys through a longer lens
    assert np.array_equal(renderer.frame(scene, 6), reference_preview_frame(scene, 6))
    scene.camera = [CameraKey(0), CameraKey(6, pan=-2.0)]
    assert np.array_equal(renderer.frame(scene, 6), reference_preview_frame(scene, 6))
    assert len(splats) == 5
    renderer.frame(scene, 6)[:] = 0  # callers draw on their copy, never on the kept frame
    assert np.array_equal(renderer.frame(scene, 6), reference_preview_frame(scene, 6))
