"""Small synthetic scenes for the engine tests (importable as ``engine_scenes``).

Sizes are tiny (64×48) so geometry can be checked pixel by pixel and tests stay fast.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject

W, H = 64, 48
GROUND_Z = 0.9
POLE_Z = 0.05


def disc(cx: float, cy: float, r: float, w: int = W, h: int = H) -> NDArray[np.bool_]:
    yy, xx = np.mgrid[0:h, 0:w]
    return np.asarray((xx - cx) ** 2 + (yy - cy) ** 2 <= r * r)


def rect(x0: int, y0: int, x1: int, y1: int, w: int = W, h: int = H) -> NDArray[np.bool_]:
    m = np.zeros((h, w), dtype=bool)
    m[y0:y1, x0:x1] = True
    return m


def keys(*points: tuple[int, float, float, float], ease: Easing = Easing.LINEAR) -> list[Keyframe]:
    return [Keyframe(f, x, y, z, ease) for f, x, y, z in points]


def textured_image(w: int = W, h: int = H, seed: int = 0) -> NDArray[np.uint8]:
    """A smooth, non-constant background (inpainting has something to continue)."""
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([60 + 2 * yy, 100 + xx, 140 + 30 * np.sin(xx / 5.0) * np.cos(yy / 7.0)], axis=-1)
    return np.clip(img, 0, 255).astype(np.uint8)


def scene_with(
    objects: list[SceneObject],
    depth: NDArray[np.float32] | None = None,
    segments: NDArray[np.int32] | None = None,
    frames: int = 9,
    image: NDArray[np.uint8] | None = None,
) -> Scene:
    if depth is None:
        depth = np.full((H, W), GROUND_Z, dtype=np.float32)
    return Scene(
        image=textured_image() if image is None else image,
        frames=frames,
        depth=depth,
        objects=objects,
        segments=segments,
    )


def pole_scene(frames: int = 9) -> tuple[Scene, NDArray[np.bool_]]:
    """A red disc (z 0.3, constant) sliding right, behind a near vertical pole at x 30..35."""
    pole = rect(30, 0, 36, H)
    depth = np.full((H, W), GROUND_Z, dtype=np.float32)
    depth[pole] = POLE_Z
    mask = disc(12, 24, 5)
    depth[mask] = 0.3
    image = textured_image()
    image[pole] = (90, 60, 30)
    image[mask] = (230, 20, 20)
    obj = SceneObject(1, "disc", (230, 159, 0), mask, keys((0, 12, 24, 0.3), (8, 52, 24, 0.3)))
    segments = np.where(pole, 2, 1).astype(np.int32)
    return scene_with([obj], depth, segments, frames, image), pole
