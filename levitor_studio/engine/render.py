"""Rendering every frame's object labels and pseudo-depth ("3D rendered masks", reference §4).

Each object is a flat card at its trajectory depth ``z_t``, placed by :func:`.placement.pose`
(``anchor_t + s_t · S_t · Rot(angle_t) · (p − anchor_0)``, ``s_t = z_0 / z_t``): scaled,
stretched and turned about its own anchor, where the
original scales about the image centre, so the anchor lands exactly on the user's key. Rasterisation is by inverse mapping (nearest source pixel for each destination
pixel of the card's box), which leaves no holes at any scale. A card pixel is visible where the
frame-0 scene depth is farther than ``z_t`` and no nearer card covers it (a running depth buffer,
earlier objects winning ties as in the original). Every object's own footprint is vacated: it
takes the label found just above the object and depth "far" (1.0, channel value 0).

Ids: objects 1..N in object order (:meth:`Scene.instance_ids`), then the static segments of
``scene.segments`` renumbered compactly N+1.. in their label order. Ids stay int32, so no overflow
at any segment count (capping for the model is the control-point stage's job).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.errors import InputError
from ..model.scene import Scene, SceneObject
from .budget import check_budget
from .camera import PinholeCamera
from .camera_move import CameraPose, splat
from .placement import Pose, chain_pose, object_paths, pose

#: depth written into a vacated footprint: "far", channel value 0
FAR = 1.0
#: the band above an object's top pixel whose most common label fills its footprint (original)
_ABOVE_ROWS = 5
_ABOVE_HALF_WIDTH = 5


@dataclass(frozen=True)
class Placement:
    """Where one object is drawn in every frame: anchor, depth and scale per frame."""

    uid: int
    instance_id: int
    path: NDArray[np.float64]  # (F, 6): interpolated (x, y, z, angle, sx, sy); row 0 at rest
    #: the paths of the parent, grand-parent, … this object follows (nearest first)
    parents: tuple[NDArray[np.float64], ...] = ()

    @property
    def anchor0(self) -> tuple[float, float]:
        return (float(self.path[0, 0]), float(self.path[0, 1]))

    @property
    def rest_depth(self) -> float:
        return float(self.path[0, 2])

    def pose(self, t: int) -> Pose:
        return chain_pose((self.path, *self.parents), t) if self.parents else pose(self.path, t)

    def anchor(self, t: int) -> tuple[float, float]:
        return self.pose(t).anchor

    def depth(self, t: int) -> float:
        return self.pose(t).depth

    def scale(self, t: int) -> float:
        return self.pose(t).scale

    def at_rest(self, t: int) -> bool:
        """True when frame ``t`` draws the object exactly where it is in the source image."""
        return all(bool(np.all(p[t] == p[0])) for p in (self.path, *self.parents))

    def affine(self, t: int) -> NDArray[np.float64]:
        """The 2×3 matrix mapping source ``(x, y)`` to frame ``t``."""
        return self.pose(t).matrix()

    def to_frame(self, t: int, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Source points ``(..., 2)`` as ``(x, y)`` moved to frame ``t``."""
        xy = np.asarray(xy, np.float64)
        return np.stack(self.pose(t).apply(xy[..., 0], xy[..., 1]), axis=-1)


def placement(scene: Scene, obj: SceneObject, instance_id: int) -> Placement:
    """One object's per-frame placement; :class:`InputError` if a depth leaves (0, 1]."""
    path, *parents = object_paths(scene, obj)
    place = Placement(obj.uid, instance_id, path, tuple(parents))
    z = np.array([place.depth(t) for t in range(len(path))]) if parents else path[:, 2]
    bad = np.flatnonzero(~((z > 0.0) & (z <= 1.0)))
    if bad.size:
        t = int(bad[0])
        raise InputError(f"object {obj.name!r}: depth {z[t]:.4g} at frame {t} is outside (0, 1]")
    return place


def placements(scene: Scene) -> list[Placement]:
    """Per-frame placement of every object, in object order (for the preview and the 3D view).

    Raises
    ------
    InputError
        If an interpolated depth leaves (0, 1].
    """
    return [placement(scene, obj, i + 1) for i, obj in enumerate(scene.objects)]


def mask_box(mask: NDArray[np.bool_]) -> tuple[int, int, int, int] | None:
    """Bounding box ``(y0, y1, x0, x1)`` of a mask, None when empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def card_coverage(
    mask: NDArray[np.bool_],
    place: Placement,
    t: int,
    box: tuple[int, int, int, int] | None = None,
) -> tuple[tuple[int, int, int, int], NDArray[np.bool_]] | None:
    """Rasterise an object's card at frame ``t`` by inverse nearest-neighbour mapping.

    Parameters
    ----------
    mask
        The object's frame-0 mask ``(H, W)``.
    place
        Its placement.
    t
        Frame number.
    box
        The mask's bounding box, when the caller has it (saves a pass over the mask).

    Returns
    -------
    tuple or None
        ``((y0, y1, x0, x1), cover)``: the destination box inside the frame and the covered
        pixels in it; None when nothing of the card lands in the frame.
    """
    h, w = mask.shape
    box = mask_box(mask) if box is None else box
    if box is None:
        return None
    sy0, sy1, sx0, sx1 = box
    at = place.pose(t)
    if not at.axis_aligned:
        return _turned_coverage(mask, at, box)
    # destination pixel centres whose source position rounds into the box: the box's edges
    # placed forward bound them (one pixel of slack each side), the inverse picks the source
    (ex0, ex1), (ey0, ey1) = at.apply([sx0 - 0.5, sx1 - 0.5], [sy0 - 0.5, sy1 - 0.5])
    dx0 = max(int(np.ceil(ex0)) - 1, 0)
    dy0 = max(int(np.ceil(ey0)) - 1, 0)
    qx = np.arange(dx0, min(int(np.floor(ex1)) + 2, w), dtype=np.float64)
    qy = np.arange(dy0, min(int(np.floor(ey1)) + 2, h), dtype=np.float64)
    fx, fy = at.invert(qx, qy)
    src_x = np.floor(fx + 0.5).astype(np.intp)
    src_y = np.floor(fy + 0.5).astype(np.intp)
    if src_y.size == 0 or src_x.size == 0:
        return None
    ok_y = (src_y >= sy0) & (src_y < sy1)
    ok_x = (src_x >= sx0) & (src_x < sx1)
    if not ok_y.any() or not ok_x.any():
        return None
    crop = mask[np.clip(src_y, 0, h - 1)[:, None], np.clip(src_x, 0, w - 1)[None, :]]
    cover = crop & ok_y[:, None] & ok_x[None, :]
    return (dy0, dy0 + src_y.size, dx0, dx0 + src_x.size), cover


def _turned_coverage(
    mask: NDArray[np.bool_], at: Pose, box: tuple[int, int, int, int]
) -> tuple[tuple[int, int, int, int], NDArray[np.bool_]] | None:
    """:func:`card_coverage` for a rotated pose: the box's four corners bound the destination,
    every destination pixel centre maps back to its nearest source pixel (no holes)."""
    h, w = mask.shape
    sy0, sy1, sx0, sx1 = box
    cx = np.array([sx0, sx1, sx0, sx1], np.float64) - 0.5
    cy = np.array([sy0, sy0, sy1, sy1], np.float64) - 0.5
    ex, ey = at.apply(cx, cy)
    dx0, dy0 = max(int(np.ceil(ex.min())) - 1, 0), max(int(np.ceil(ey.min())) - 1, 0)
    dx1, dy1 = min(int(np.floor(ex.max())) + 2, w), min(int(np.floor(ey.max())) + 2, h)
    if dx1 <= dx0 or dy1 <= dy0:
        return None
    qx = np.arange(dx0, dx1, dtype=np.float64)[None, :]
    qy = np.arange(dy0, dy1, dtype=np.float64)[:, None]
    fx, fy = at.invert(qx, qy)
    src_x = np.floor(fx + 0.5).astype(np.intp)
    src_y = np.floor(fy + 0.5).astype(np.intp)
    ok = (src_x >= sx0) & (src_x < sx1) & (src_y >= sy0) & (src_y < sy1)
    if not ok.any():
        return None
    cover = mask[np.clip(src_y, 0, h - 1), np.clip(src_x, 0, w - 1)] & ok
    return (dy0, dy1, dx0, dx1), cover


def static_labels(scene: Scene) -> NDArray[np.int32]:
    """Frame-0 label map: objects 1..N (later objects on top), static segments N+1.. compact."""
    n = len(scene.objects)
    labels = np.zeros((scene.height, scene.width), dtype=np.int32)
    if scene.segments is not None:
        seg = np.asarray(scene.segments)
        if seg.shape != labels.shape:
            raise InputError(f"segment map is {seg.shape[1]}×{seg.shape[0]}, not {scene.size}")
        if seg.size and int(seg.min()) < 0:
            raise InputError("segment labels must be non-negative (0 = none)")
        # compact renumbering through a lookup table (np.unique would sort every pixel)
        present = np.bincount(seg.ravel().astype(np.intp)) > 0
        present[0] = False
        lut = np.where(present, np.cumsum(present) + n, 0).astype(np.int32)
        labels = lut[seg]
    for i, obj in enumerate(scene.objects):
        labels[obj.mask] = i + 1
    return labels


def _label_above(
    obj: SceneObject, background: NDArray[np.int32], occupied: NDArray[np.bool_]
) -> int:
    """The most common static label just above the object's top pixel, else around it."""
    ty = int(np.flatnonzero(obj.mask.any(axis=1))[0])
    tx = int(np.flatnonzero(obj.mask[ty])[0])  # the first object pixel in raster order
    w = background.shape[1]
    band = background[
        max(ty - _ABOVE_ROWS, 0) : ty,
        max(tx - _ABOVE_HALF_WIDTH, 0) : min(tx + _ABOVE_HALF_WIDTH, w),
    ]
    values = band[band > 0]
    if values.size == 0:
        # at the top edge, or only unlabelled pixels above: use the ring around the object
        ring = cv2.dilate(obj.mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        values = background[ring & ~occupied]
        values = values[values > 0]
    return int(np.bincount(values).argmax()) if values.size else 0


class MaskRenderer:
    """The static part of a scene's mask rendering, computed once; :meth:`frame` per frame."""

    def __init__(self, scene: Scene) -> None:
        depth = scene.depth_map()
        if depth.shape != (scene.height, scene.width):
            raise InputError(f"depth map is {depth.shape[1]}×{depth.shape[0]}, not {scene.size}")
        for obj in scene.objects:
            if obj.mask.shape != depth.shape:
                raise InputError(f"object {obj.name!r}: mask size differs from the scene size")
            if not obj.mask.any():
                raise InputError(f"object {obj.name!r} has an empty mask: select it again")
        self.placements = placements(scene)
        self.masks = [obj.mask for obj in scene.objects]
        self.boxes = [mask_box(m) for m in self.masks]
        labels = static_labels(scene)
        occupied = labels <= len(scene.objects)
        occupied &= labels > 0
        background = np.where(occupied, 0, labels).astype(np.int32)
        self.labels = background.copy()
        for obj in scene.objects:
            self.labels[obj.mask] = _label_above(obj, background, occupied)
        self.depth = np.where(occupied, np.float32(FAR), depth).astype(np.float32)
        self.pinhole = PinholeCamera.of_scene(scene)
        self.camera_path = scene.camera_path()
        # occlusion test: a vacated footprint hides nothing, even a card at depth exactly 1
        self.occluder = np.where(occupied, np.float32(np.inf), depth).astype(np.float32)

    def frame(self, t: int) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
        """Label and pseudo-depth maps of frame ``t``."""
        labels = np.empty_like(self.labels)
        depth = np.empty_like(self.depth)
        self.frame_into(t, labels, depth)
        return labels, depth

    def frame_into(
        self,
        t: int,
        labels: NDArray[np.int32],
        depth: NDArray[np.float32],
        camera: bool = True,
    ) -> None:
        """Write frame ``t`` into ``labels`` and ``depth`` (``(H, W)`` each), seen through the
        camera track unless ``camera`` is False (:mod:`.camera_move`)."""
        self._objects_into(t, labels, depth)
        at = CameraPose.of_row(self.camera_path[t])
        if camera and not at.still:
            new_depth, (new_labels,), _ = splat(self.pinhole, at, depth, [labels], [0])
            np.copyto(labels, new_labels)
            np.copyto(depth, new_depth)

    def holds(self, t: int) -> bool:
        """True when frame ``t`` renders exactly as frame ``t − 1``: the camera and every object
        (and its parents) are where they were."""
        if not np.array_equal(self.camera_path[t], self.camera_path[t - 1]):
            return False
        paths = (p for place in self.placements for p in (place.path, *place.parents))
        return all(np.array_equal(p[t], p[t - 1]) for p in paths)

    def _objects_into(self, t: int, labels: NDArray[np.int32], depth: NDArray[np.float32]) -> None:
        np.copyto(labels, self.labels)
        np.copyto(depth, self.depth)
        zbuf = self.occluder.copy()
        for mask, box, place in zip(self.masks, self.boxes, self.placements, strict=True):
            hit = card_coverage(mask, place, t, box)
            if hit is None:
                continue
            (y0, y1, x0, x1), cover = hit
            z = np.float32(place.depth(t))
            win = zbuf[y0:y1, x0:x1]
            visible = cover & (win > z)
            win[visible] = z
            labels[y0:y1, x0:x1][visible] = place.instance_id
            depth[y0:y1, x0:x1][visible] = z


def render_masks(scene: Scene) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    """Every frame's instance labels and pseudo-depth, with occlusion.

    Parameters
    ----------
    scene
        The authored scene.

    Returns
    -------
    labels : ndarray, shape (F, H, W), int32
        0 = none, objects 1..N, static segments N+1...
    depth : ndarray, shape (F, H, W), float32
        Pseudo-depth in (0, 1]; vacated footprints are 1.0 ("far").

    Raises
    ------
    InputError
        For an object with an empty mask, a size mismatch or a depth outside (0, 1].
    """
    check_budget(scene.frames, scene.width, scene.height)
    renderer = MaskRenderer(scene)
    labels = np.empty((scene.frames, scene.height, scene.width), dtype=np.int32)
    depth = np.empty((scene.frames, scene.height, scene.width), dtype=np.float32)
    for t in range(scene.frames):
        if t and renderer.holds(t):
            labels[t], depth[t] = labels[t - 1], depth[t - 1]
        else:
            renderer.frame_into(t, labels[t], depth[t])
    return labels, depth
