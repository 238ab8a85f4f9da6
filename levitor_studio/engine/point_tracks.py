"""Point tracks of an authored scene, for trajectory-controlled models (issue 17 item 6, core).

Points are sampled on the frame-0 label map (:func:`.render.static_labels`): a few per object
and per static segment, spread evenly over each region's pixels in raster order. Every point is
moved through the same placement as its region (:func:`.placement.object_pose`; static pixels
stay) and the same camera (:func:`.camera_move.reproject`), and is visible in a frame exactly
when the engine's label map shows its region's id at the point's pixel (``floor(x + 0.5)``).
On frames where the camera has moved past a point (it is behind the camera, the engine draws it
nowhere) the point is invisible and holds its pixel of the last frame before that had one (the
camera track is still at frame 0, so every point has a pixel there).
:func:`resample` brings the tracks to another frame count and size; :func:`write_wan_move`
writes them for Wan-Move (``ali-vilab/Wan-Move``: ``generate.py --track tracks.npy
--track_visibility track_visibility.npy``; ``wan/wan_move.py`` reads ``(T, N, 2)`` or
``(1, T, N, 2)`` pixel positions and ``(T, N)`` visibility, 81 frames) and :func:`write_ati`
for ATI in ComfyUI (``kijai/ComfyUI-WanVideoWrapper`` ``ATI/nodes.py``: a JSON list of tracks of
``{x, y}`` per frame in pixels, padded or truncated to 121; it reads only x and y, so
``visible`` is there for tools that read it).
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..model.atomic import staged
from ..model.errors import InputError
from ..model.scene import Scene
from .camera import PinholeCamera
from .camera_move import CameraPose, reproject
from .placement import object_pose
from .render import render_masks, static_labels


@dataclass(frozen=True)
class PointTracks:
    """``xy`` ``(T, N, 2)`` pixel positions, ``visible`` ``(T, N)``, ``ids`` ``(N,)`` region ids,
    ``size`` the ``(W, H)`` the positions are in."""

    xy: NDArray[np.float64]
    visible: NDArray[np.bool_]
    ids: NDArray[np.int32]
    size: tuple[int, int]


def sample_points(scene: Scene, per_region: int) -> tuple[NDArray[np.intp], NDArray[np.int32]]:
    """``(N, 2)`` frame-0 pixels ``(x, y)`` and their region ids, ``per_region`` per region."""
    if per_region < 1:
        raise ValueError("per_region must be at least 1")
    labels = static_labels(scene)
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")
    ids, starts, counts = np.unique(flat[order], return_index=True, return_counts=True)
    picks, owners = [], []
    for rid, start, count in zip(ids, starts, counts, strict=True):
        if rid == 0:
            continue
        k = min(per_region, int(count))
        idx = start + np.round(np.linspace(0, count - 1, k)).astype(np.intp)
        picks.append(order[idx])
        owners.append(np.full(k, rid, np.int32))
    if not picks:
        return np.zeros((0, 2), np.intp), np.zeros(0, np.int32)
    where = np.concatenate(picks)
    ys, xs = np.divmod(where, scene.width)
    return np.stack([xs, ys], axis=1), np.concatenate(owners)


def point_tracks(scene: Scene, per_region: int = 8) -> PointTracks:
    """The scene's point tracks at its own frames and working size."""
    pixels, ids = sample_points(scene, per_region)
    labels, _ = render_masks(scene)
    f, n = scene.frames, len(ids)
    xy = np.empty((f, n, 2), np.float64)
    depth0 = scene.depth_map()
    cam = PinholeCamera.of_scene(scene)
    camera = scene.camera_path()
    px, py = pixels[:, 0].astype(np.float64), pixels[:, 1].astype(np.float64)
    for t in range(f):
        x, y = px.copy(), py.copy()
        z = depth0[pixels[:, 1], pixels[:, 0]].astype(np.float64)
        for i, obj in enumerate(scene.objects):
            mine = ids == i + 1
            if mine.any():
                at = object_pose(scene, obj, t)
                x[mine], y[mine] = at.apply(px[mine], py[mine])
                z[mine] = at.depth
        at_cam = CameraPose.of_row(camera[t])
        if not at_cam.still:
            x, y, z = reproject(cam, at_cam, x, y, z)
        xy[t, :, 0], xy[t, :, 1] = x, y
    visible = _visible(labels, xy, ids)
    return PointTracks(_hold_through_gaps(xy), visible, ids, scene.size)


def _hold_through_gaps(xy: NDArray[np.float64]) -> NDArray[np.float64]:
    """``xy`` with each point's non-finite frames (behind the camera) set to its position on the
    last earlier finite frame; frame 0 is finite (the camera is still there)."""
    ok = np.isfinite(xy[..., 0])
    frames = np.arange(xy.shape[0])[:, None]
    last = np.maximum.accumulate(np.where(ok, frames, 0), axis=0)
    return np.take_along_axis(xy, last[..., None], axis=0)


def _visible(
    labels: NDArray[np.int32], xy: NDArray[np.float64], ids: NDArray[np.int32]
) -> NDArray[np.bool_]:
    f, h, w = labels.shape
    with np.errstate(invalid="ignore"):
        qx = np.floor(xy[..., 0] + 0.5)
        qy = np.floor(xy[..., 1] + 0.5)
        inside = np.isfinite(qx) & np.isfinite(qy) & (qx >= 0) & (qx < w) & (qy >= 0) & (qy < h)
    out = np.zeros(xy.shape[:2], bool)
    t_idx, p_idx = np.nonzero(inside)
    seen = labels[t_idx, qy[inside].astype(np.intp), qx[inside].astype(np.intp)]
    out[t_idx, p_idx] = seen == ids[p_idx]
    return out


def resample(tracks: PointTracks, frames: int, size: tuple[int, int]) -> PointTracks:
    """The tracks at ``frames`` evenly spread over the clip and at ``size`` ``(W, H)``.

    Positions interpolate linearly in time and scale with pixel centres kept
    (``x' = (x + 0.5) · W' / W − 0.5``); visibility is the nearest source frame's.
    """
    if frames < 2:
        raise ValueError("frames must be at least 2")
    f = tracks.xy.shape[0]
    u = np.linspace(0.0, f - 1.0, frames)
    lo = np.minimum(np.floor(u).astype(np.intp), f - 1)
    hi = np.minimum(lo + 1, f - 1)
    a = (u - lo)[:, None, None]
    xy = tracks.xy[lo] * (1.0 - a) + tracks.xy[hi] * a
    on = np.isclose(a[:, 0, 0], 0.0)
    xy[on] = tracks.xy[lo[on]]  # exact on source frames
    sx, sy = size[0] / tracks.size[0], size[1] / tracks.size[1]
    xy = np.stack([(xy[..., 0] + 0.5) * sx - 0.5, (xy[..., 1] + 0.5) * sy - 0.5], axis=-1)
    nearest = np.floor(u + 0.5).astype(np.intp)
    return PointTracks(xy, tracks.visible[nearest], tracks.ids, (int(size[0]), int(size[1])))


#: Wan-Move's clip length (``wan/wan_move.py`` builds its mask for 81 frames)
WAN_MOVE_FRAMES = 81


def write_wan_move(tracks: PointTracks, folder: str | os.PathLike[str]) -> list[Path]:
    """``tracks.npy`` (``(T, N, 2)`` float32 pixels) and ``track_visibility.npy`` (``(T, N)``
    bool) in ``folder``, written together (staged, renamed at the end)."""
    out = Path(folder)
    if not out.is_dir():
        raise InputError(f"{out}: output folder does not exist")
    files = [out / "tracks.npy", out / "track_visibility.npy"]
    arrays = [tracks.xy.astype(np.float32), tracks.visible.astype(bool)]
    with staged() as stage:
        for path, array in zip(files, arrays, strict=True):
            buf = io.BytesIO()
            np.save(buf, array, allow_pickle=False)
            with stage.open(path) as fh:
                fh.write(buf.getvalue())
    return files


#: ATI's clip length: ComfyUI-WanVideoWrapper's ATI node pads or truncates every track to it
ATI_FRAMES = 121


def write_ati(tracks: PointTracks, path: str | os.PathLike[str]) -> Path:
    """A JSON list of tracks, each a list of ``{"x", "y", "visible"}`` per frame, in pixels of
    ``tracks.size`` (give that size to the node); written atomically."""
    out = Path(path)
    if not out.parent.resolve().is_dir():
        raise InputError(f"{out.parent}: output folder does not exist")
    doc = [
        [
            {"x": float(x), "y": float(y), "visible": int(v)}
            for (x, y), v in zip(tracks.xy[:, i], tracks.visible[:, i], strict=True)
        ]
        for i in range(tracks.xy.shape[1])
    ]
    with staged() as stage, stage.open(out) as fh:
        fh.write(json.dumps(doc).encode("utf-8"))
    return out
