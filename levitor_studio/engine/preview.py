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

import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.scene import Scene
from .overlay import draw_points
from .render import placements

#: pixels around a mask that are inpainted too (segmenters often miss an object's last pixel)
INPAINT_MARGIN = 2
#: inpainting neighbourhood radius, pixels
INPAINT_RADIUS = 3
#: Gaussian sigma of a layer's soft edge, pixels
EDGE_SIGMA = 0.7

Points = Sequence[Sequence[float]]


class _Layer:
    """One object as a premultiplied RGBA cut-out of the source, in its own box."""

    def __init__(self, image: NDArray[np.float32], mask: NDArray[np.bool_]) -> None:
        h, w = mask.shape
        rows = np.flatnonzero(mask.any(axis=1))
        cols = np.flatnonzero(mask.any(axis=0))
        pad = 3
        self.y0, self.x0 = max(int(rows[0]) - pad, 0), max(int(cols[0]) - pad, 0)
        y1, x1 = min(int(rows[-1]) + pad + 1, h), min(int(cols[-1]) + pad + 1, w)
        m = mask[self.y0 : y1, self.x0 : x1].astype(np.float32)
        rgb = image[self.y0 : y1, self.x0 : x1]
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

    def frame(self, scene: Scene, t: int) -> NDArray[np.uint8]:
        """Frame ``t`` of ``scene`` (whose masks and image this renderer was built from)."""
        every = placements(scene)
        places = [every[i] for i in self.keep]
        moved = [not p.at_rest(t) for p in places]
        if not any(moved):
            return self.source.copy()
        h, w = self.source.shape[:2]
        comp = self.background_f.copy()
        touched = np.zeros((h, w), dtype=bool)
        for i, layer in enumerate(self.layers):
            if moved[i]:
                ys, xs = (
                    slice(layer.y0, layer.y0 + layer.rgba.shape[0]),
                    slice(layer.x0, layer.x0 + layer.rgba.shape[1]),
                )
                touched[ys, xs] |= self.hole[ys, xs]
        # far to near; for equal depths the earlier object ends on top, as in the mask renderer
        order = sorted(range(len(places)), key=lambda i: (-places[i].depth(t), -i))
        for i in order:
            box = self._composite(comp, self.layers[i], places[i].affine(t), places[i].depth(t))
            if box is not None and moved[i]:
                y0, y1, x0, x1, alpha = box
                touched[y0:y1, x0:x1] |= alpha > 0
        out = np.where(touched[..., None], comp, self.source_f)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)

    def _composite(
        self, comp: NDArray[np.float32], layer: _Layer, affine: NDArray[np.float64], z: float
    ) -> tuple[int, int, int, int, NDArray[np.float32]] | None:
        h, w = comp.shape[:2]
        lh, lw = layer.rgba.shape[:2]
        s = float(affine[0, 0])
        tx = s * layer.x0 + float(affine[0, 2])
        ty = s * layer.y0 + float(affine[1, 2])
        x0, y0 = max(int(np.floor(tx - s)), 0), max(int(np.floor(ty - s)), 0)
        x1, y1 = min(int(np.ceil(tx + s * lw)) + 1, w), min(int(np.ceil(ty + s * lh)) + 1, h)
        if x1 <= x0 or y1 <= y0:
            return None
        # pixel centres: layer pixel u sits at frame x = s * u + tx
        m = np.array([[s, 0.0, tx - x0], [0.0, s, ty - y0]], dtype=np.float64)
        warped = cv2.warpAffine(
            layer.rgba,
            m,
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0.0, 0.0, 0.0, 0.0),
        )
        visible = (self.occluder[y0:y1, x0:x1] > np.float32(z)).astype(np.float32)
        if not visible.all():
            # soften the occluder's silhouette by a pixel instead of a hard stair-step
            visible = cv2.blur(visible, (3, 3)) * visible
        alpha = np.clip(warped[..., 3] * visible, 0.0, 1.0)
        win = comp[y0:y1, x0:x1]
        win *= (1.0 - alpha)[..., None]
        win += warped[..., :3] * visible[..., None]
        return y0, y1, x0, x1, alpha


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
    scene: Scene, points: Sequence[Points] | None = None, task: Any = None
) -> NDArray[np.uint8]:
    """The whole clip ``(F, H, W, 3)`` uint8; ``points`` is one point list per frame.

    ``task`` (a :class:`~levitor_studio.tasks.state.TaskState`) gets progress, partial frames and
    may cancel between frames.
    """
    renderer = preview_renderer(scene)
    out = np.empty((scene.frames, scene.height, scene.width, 3), dtype=np.uint8)
    for t in range(scene.frames):
        if task is not None:
            task.check()
        out[t] = render_frame(scene, t, points[t] if points is not None else None, renderer)
        if task is not None:
            task.set_progress((t + 1) / scene.frames, f"preview frame {t + 1}/{scene.frames}")
            task.set_partial((t, out[t]))
    return out
