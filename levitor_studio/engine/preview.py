"""The CPU preview: a cut-out animation of the authored motion, before any GPU is involved.

The background is the source image with every object's footprint (grown by a margin that catches
a mask's missed edge) inpainted by OpenCV. Each object is a premultiplied RGBA layer with a soft
edge, moved and scaled per frame exactly as the mask renderer places it (:mod:`.render`), hidden
where the frame-0 scene is nearer than its depth, and composited far to near. Pixels that no moved
object touches are copied from the source, so a frame where every object is at rest (frame 0) *is*
the source image. The static part (inpainting, layers) is cached per image, depth and masks, so a
keyframe drag re-renders one frame in a few milliseconds. Control points can be drawn on top.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.scene import Scene
from ..model.task_state import TaskState
from .budget import check_budget
from .camera import PinholeCamera
from .camera_move import CameraPose, splat
from .overlay import draw_points
from .render import MaskRenderer, Placement, placement

#: pixels around a mask that are inpainted too (segmenters often miss an object's last pixel)
INPAINT_MARGIN = 2
#: inpainting neighbourhood radius, pixels
INPAINT_RADIUS = 3
#: Gaussian sigma of a layer's soft edge, pixels
EDGE_SIGMA = 0.7
#: camera-moved frames a renderer keeps (bytes; 150 frames at 512×288, 37 at 1024×576)
FRAME_CACHE_BYTES = 64 << 20

Points = Sequence[Sequence[float]]


class _Layer:
    """One object as a premultiplied RGBA cut-out of the source, in its own box."""

    def __init__(self, image: NDArray[np.float32], mask: NDArray[np.bool_]) -> None:
        h, w = mask.shape
        rows = np.flatnonzero(mask.any(axis=1))
        cols = np.flatnonzero(mask.any(axis=0))
        pad = 3
        y0, x0 = max(int(rows[0]) - pad, 0), max(int(cols[0]) - pad, 0)
        y1, x1 = min(int(rows[-1]) + pad + 1, h), min(int(cols[-1]) + pad + 1, w)
        #: the layer's box in the source frame, ``(y0, y1, x0, x1)``
        self.box = (y0, y1, x0, x1)
        m = mask[y0:y1, x0:x1].astype(np.float32)
        rgb = image[y0:y1, x0:x1]
        # blurring the premultiplied colour keeps background out of the soft edge
        rgba = np.dstack([rgb * m[..., None], m])
        self.rgba = cv2.GaussianBlur(rgba, (0, 0), EDGE_SIGMA)


class PreviewRenderer:
    """The static part of a scene's preview: inpainted background, object layers, occluders."""

    def __init__(self, scene: Scene) -> None:
        self.source = np.ascontiguousarray(scene.image[..., :3], dtype=np.uint8)
        self.source_f = self.source.astype(np.float32)
        self.keep = [i for i, o in enumerate(scene.objects) if o.mask.any()]
        masks = [scene.objects[i].mask for i in self.keep]
        footprint = np.zeros(self.source.shape[:2], dtype=bool)
        for m in masks:
            footprint |= m
        grow = cv2.getStructuringElement(
            cv2.MORPH_ELLIPSE, (2 * INPAINT_MARGIN + 1, 2 * INPAINT_MARGIN + 1)
        )
        hole = cv2.dilate(footprint.astype(np.uint8), grow)
        self.hole = hole > 0
        self.background_f = (
            cv2.inpaint(self.source, hole, INPAINT_RADIUS, cv2.INPAINT_TELEA).astype(np.float32)
            if footprint.any()
            else self.source_f.copy()
        )
        self.occluder = np.where(footprint, np.float32(np.inf), scene.depth_map()).astype(
            np.float32
        )
        self.layers = [_Layer(self.source_f, m) for m in masks]
        self._placements: dict[int, tuple[object, Placement]] = {}
        #: the mask renderer of the camera path, with what it was built from
        self._masks: tuple[object, object, MaskRenderer] | None = None
        #: camera-moved frames by what they are made of, oldest first
        self._frames: OrderedDict[tuple[object, ...], NDArray[np.uint8]] = OrderedDict()
        self._lock = threading.Lock()

    def placements(self, scene: Scene) -> list[Placement]:
        """Placements of the kept objects, recomputed only for objects whose keys changed."""
        out = []
        for i in self.keep:
            obj = scene.objects[i]
            chain = (obj, *scene.ancestors(obj))
            key = (tuple((o.uid, tuple(o.keyframes)) for o in chain), scene.frames)
            cached = self._placements.get(i)
            if cached is None or cached[0] != key:
                cached = (key, placement(scene, obj, i + 1))
                self._placements[i] = cached
            out.append(cached[1])
        return out

    def frame(
        self, scene: Scene, t: int, places: list[Placement] | None = None
    ) -> NDArray[np.uint8]:
        """Frame ``t`` of ``scene`` (whose image, depth and masks this renderer was built from),
        seen through the camera track: moved with the engine's own depth of that frame, the
        pixels nothing lands on inpainted (:mod:`.camera_move`).

        A camera-moved frame is kept, keyed by everything it is made of (the camera at ``t``,
        every object's pose rows 0 and ``t`` and its parents'), so an edit that leaves a frame
        alone (another object's key, a name, a colour, an undo back) does not move it again.
        """
        places = self.placements(scene) if places is None else places
        row = scene.camera_path()[t]
        at = CameraPose.of_row(row)
        if at.still:
            return self._objects_frame(scene, t, places)
        masks = self._mask_renderer(scene)
        key = (t, row.tobytes(), float(scene.fov), _rows(places, t), _rows(masks.placements, t))
        with self._lock:
            hit = self._frames.get(key)
            if hit is not None:
                self._frames.move_to_end(key)
                return hit.copy()
        out = self._objects_frame(scene, t, places)
        labels = np.empty(self.source.shape[:2], np.int32)
        depth = np.empty(self.source.shape[:2], np.float32)
        masks.frame_into(t, labels, depth, camera=False)
        # a vacated footprint is "far" for the signal, but its inpainted colour lies on the
        # surface around it: move it with the scene's own depth there
        depth = np.where(depth >= 1.0, scene.depth_map(), depth).astype(np.float32)
        _, (moved,), covered = splat(PinholeCamera.of_scene(scene), at, depth, [out], [0])
        hole = (~covered).astype(np.uint8)
        frame: NDArray[np.uint8] = np.asarray(
            cv2.inpaint(np.ascontiguousarray(moved), hole, 3, cv2.INPAINT_TELEA), np.uint8
        )
        with self._lock:
            self._frames[key] = frame.copy()
            while len(self._frames) * frame.nbytes > FRAME_CACHE_BYTES:
                self._frames.popitem(last=False)
        return frame

    def _mask_renderer(self, scene: Scene) -> MaskRenderer:
        """The mask renderer of the camera path (for each frame's depth before the camera),
        kept while the objects' keys, parents and the segment map stay the same."""
        key = (scene.frames, tuple((o.uid, tuple(o.keyframes), o.parent) for o in scene.objects))
        held = self._masks
        if held is None or held[0] != key or held[1] is not scene.segments:
            held = (key, scene.segments, MaskRenderer(scene))
            self._masks = held
        return held[2]

    def _objects_frame(
        self, scene: Scene, t: int, places: list[Placement] | None = None
    ) -> NDArray[np.uint8]:
        places = self.placements(scene) if places is None else places
        moved = [not p.at_rest(t) for p in places]
        if not any(moved):
            return self.source.copy()
        h, w = self.source.shape[:2]
        dest = [
            _dest_box(layer, p.affine(t), h, w)
            for layer, p in zip(self.layers, places, strict=True)
        ]
        # only the window around moved objects (old place and new) differs from the source
        boxes = [layer.box for layer, m in zip(self.layers, moved, strict=True) if m]
        boxes += [b for b, m in zip(dest, moved, strict=True) if m and b is not None]
        wy0, wx0 = min(b[0] for b in boxes), min(b[2] for b in boxes)
        wy1, wx1 = max(b[1] for b in boxes), max(b[3] for b in boxes)
        comp = self.background_f[wy0:wy1, wx0:wx1].copy()
        touched = np.zeros(comp.shape[:2], dtype=bool)
        for layer, m in zip(self.layers, moved, strict=True):
            if m:
                y0, y1, x0, x1 = layer.box
                touched[y0 - wy0 : y1 - wy0, x0 - wx0 : x1 - wx0] |= self.hole[y0:y1, x0:x1]
        # far to near; for equal depths the earlier object ends on top, as in the mask renderer
        order = sorted(range(len(places)), key=lambda i: (-places[i].depth(t), -i))
        for i in order:
            box = dest[i]
            if box is None:
                continue
            y0, y1, x0, x1 = max(box[0], wy0), min(box[1], wy1), max(box[2], wx0), min(box[3], wx1)
            if y1 <= y0 or x1 <= x0:
                continue
            alpha = self._composite(comp, (y0, y1, x0, x1), (wy0, wx0), i, places[i], t)
            if moved[i]:
                touched[y0 - wy0 : y1 - wy0, x0 - wx0 : x1 - wx0] |= alpha > 0
        out = self.source.copy()
        region = out[wy0:wy1, wx0:wx1]
        blended = np.clip(np.rint(comp), 0, 255).astype(np.uint8)
        np.copyto(region, blended, where=touched[..., None])
        return out

    def _composite(
        self,
        comp: NDArray[np.float32],
        box: tuple[int, int, int, int],
        origin: tuple[int, int],
        index: int,
        place: Placement,
        t: int,
    ) -> NDArray[np.float32]:
        """Composite layer ``index`` over ``comp`` (a window at ``origin``) inside ``box``."""
        layer = self.layers[index]
        y0, y1, x0, x1 = box
        a = place.affine(t)
        # pixel centres: layer pixel (u, v) sits at frame L · (u + lx0, v + ly0) + offset
        lx0, ly0 = float(layer.box[2]), float(layer.box[0])
        tx = a[0, 0] * lx0 + a[0, 1] * ly0 + float(a[0, 2])
        ty = a[1, 0] * lx0 + a[1, 1] * ly0 + float(a[1, 2])
        m = np.array([[a[0, 0], a[0, 1], tx - x0], [a[1, 0], a[1, 1], ty - y0]], np.float64)
        warped = cv2.warpAffine(
            layer.rgba,
            m,
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0.0, 0.0, 0.0, 0.0),
        )
        visible = (self.occluder[y0:y1, x0:x1] > np.float32(place.depth(t))).astype(np.float32)
        if not visible.all():
            # soften the occluder's silhouette by a pixel instead of a hard stair-step
            visible = cv2.blur(visible, (3, 3)) * visible
        alpha: NDArray[np.float32] = np.clip(warped[..., 3] * visible, 0.0, 1.0)
        win = comp[y0 - origin[0] : y1 - origin[0], x0 - origin[1] : x1 - origin[1]]
        win *= (1.0 - alpha)[..., None]
        win += warped[..., :3] * visible[..., None]
        return alpha


def _rows(places: list[Placement], t: int) -> tuple[bytes, ...]:
    """What frame ``t`` of each placement depends on: rows 0 and ``t`` of its path and its
    parents' paths (:func:`.placement.pose`)."""
    return tuple(
        b"".join(p[r].tobytes() for p in (place.path, *place.parents) for r in (0, t))
        for place in places
    )


def _dest_box(
    layer: _Layer, affine: NDArray[np.float64], h: int, w: int
) -> tuple[int, int, int, int] | None:
    """The frame box ``(y0, y1, x0, x1)`` a layer can touch under ``affine``, or None."""
    ly0, ly1, lx0, lx1 = layer.box
    a = np.asarray(affine, np.float64)
    if a[0, 1] == 0.0 and a[1, 0] == 0.0:
        sx, sy = float(a[0, 0]), float(a[1, 1])
        tx, ty = sx * lx0 + float(a[0, 2]), sy * ly0 + float(a[1, 2])
        x0, y0 = max(int(np.floor(tx - sx)), 0), max(int(np.floor(ty - sy)), 0)
        x1 = min(int(np.ceil(tx + sx * (lx1 - lx0))) + 1, w)
        y1 = min(int(np.ceil(ty + sy * (ly1 - ly0))) + 1, h)
        return None if x1 <= x0 or y1 <= y0 else (y0, y1, x0, x1)
    corners = np.array([[lx0, lx1, lx0, lx1], [ly0, ly0, ly1, ly1], [1.0, 1.0, 1.0, 1.0]])
    ex, ey = a @ corners
    pad = float(np.abs(a[:, :2]).sum(axis=1).max())  # one source pixel, placed, at most
    x0, y0 = max(int(np.floor(ex.min() - pad)), 0), max(int(np.floor(ey.min() - pad)), 0)
    x1 = min(int(np.ceil(ex.max() + pad)) + 1, w)
    y1 = min(int(np.ceil(ey.max() + pad)) + 1, h)
    return None if x1 <= x0 or y1 <= y0 else (y0, y1, x0, x1)


def _fingerprint(scene: Scene) -> tuple[Any, ...]:
    parts: list[Any] = [scene.image.shape]
    crc = zlib.crc32(np.ascontiguousarray(scene.image).data)
    crc = zlib.crc32(np.ascontiguousarray(scene.depth_map()).data, crc)
    for obj in scene.objects:
        crc = zlib.crc32(np.packbits(obj.mask).data, crc)
        parts.append(obj.uid)
    return (*parts, crc)


_CACHE: OrderedDict[tuple[Any, ...], PreviewRenderer] = OrderedDict()
_CACHE_SIZE = 2


def preview_renderer(scene: Scene) -> PreviewRenderer:
    """A renderer for ``scene``, reused while its image, depth and masks stay the same."""
    key = _fingerprint(scene)
    found = _CACHE.get(key)
    if found is None:
        found = PreviewRenderer(scene)
        _CACHE[key] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return found


def render_frame(
    scene: Scene, t: int, points: Points | None = None, renderer: PreviewRenderer | None = None
) -> NDArray[np.uint8]:
    """One preview frame ``(H, W, 3)`` uint8, fast enough to follow a keyframe drag.

    Parameters
    ----------
    scene
        The scene; objects with empty masks are skipped.
    t
        Frame number ``0 … F-1``.
    points
        Optional control points of this frame, ``[row, col, id, depth_0_255]`` each, drawn on top.
    renderer
        A renderer built from this scene; by default one is cached per image, depth and masks.
    """
    if not 0 <= t < scene.frames:
        raise IndexError(f"frame {t} is outside 0..{scene.frames - 1}")
    frame = (renderer or preview_renderer(scene)).frame(scene, t)
    if points is not None:
        draw_points(frame, points, scene)
    return frame


def render_preview(
    scene: Scene, points: Sequence[Points] | None = None, task: TaskState | None = None
) -> NDArray[np.uint8]:
    """The whole clip ``(F, H, W, 3)`` uint8; ``points`` is one point list per frame.

    ``task`` (a :class:`~levitor_studio.model.task_state.TaskState`) gets progress, partial frames and
    may cancel between frames.
    """
    check_budget(scene.frames, scene.width, scene.height)
    renderer = preview_renderer(scene)
    places = renderer.placements(scene)
    out = np.empty((scene.frames, scene.height, scene.width, 3), dtype=np.uint8)
    for t in range(scene.frames):
        if task is not None:
            task.check()
        out[t] = renderer.frame(scene, t, places)
        if points is not None:
            draw_points(out[t], points[t], scene)
        if task is not None:
            task.set_progress((t + 1) / scene.frames, f"preview frame {t + 1}/{scene.frames}")
            task.set_partial((t, out[t]))
    return out
