"""Small synthetic scenes for the 3D viewport tests: a ground plane, a far wall, two objects."""

from __future__ import annotations

import numpy as np

from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject


def street_scene(width: int = 64, height: int = 48, frames: int = 16) -> Scene:
    """A wall at depth 0.8 above a ground plane coming nearer towards the bottom; object
    ``1`` (a box near the centre, depth 0.3, still) and object ``2`` (a small box on the left at
    0.5, moving right and nearer to 0.25 over the clip)."""
    ys, xs = np.mgrid[0:height, 0:width]
    horizon = height // 3
    depth = np.where(
        ys < horizon, 0.8, 0.8 - 0.7 * (ys - horizon) / max(height - 1 - horizon, 1)
    ).astype(np.float32)
    image = np.zeros((height, width, 3), np.uint8)
    image[..., 0] = (xs * 255 // max(width - 1, 1)).astype(np.uint8)
    image[..., 1] = (ys * 255 // max(height - 1, 1)).astype(np.uint8)
    image[..., 2] = 120
    centre = np.zeros((height, width), bool)
    cy, cx = height // 2, width // 2
    centre[cy - height // 8 : cy + height // 8, cx - width // 10 : cx + width // 10] = True
    depth[centre] = 0.3
    small = np.zeros((height, width), bool)
    small[cy - 3 : cy + 3, 4:10] = True
    depth[small] = 0.5
    scene = Scene(image=image, frames=frames, depth=depth)
    scene.objects = [
        SceneObject(uid=1, name="centre", color=(230, 159, 0), mask=centre),
        SceneObject(
            uid=2,
            name="small",
            color=(86, 180, 233),
            mask=small,
            keyframes=[
                Keyframe(0, 7.0, float(cy), 0.5, Easing.LINEAR),
                Keyframe(frames - 1, float(width - 8), float(cy), 0.25),
            ],
        ),
    ]
    return scene


def orbit_scene(width: int = 96, height: int = 64, frames: int = 16) -> Scene:
    """Object ``B`` (uid 1, a 16 px square at the centre, depth 0.3) and object ``A`` (uid 2, a
    6 px square just right of it at the same depth) in front of a far wall (0.9)."""
    depth = np.full((height, width), 0.9, np.float32)
    ys, xs = np.mgrid[0:height, 0:width]
    image = np.stack(
        [xs * 255 // (width - 1), ys * 255 // (height - 1), np.full_like(xs, 60)], axis=-1
    ).astype(np.uint8)
    b = np.zeros((height, width), bool)
    b[24:40, 40:56] = True
    a = np.zeros((height, width), bool)
    a[29:35, 62:68] = True
    depth[b] = 0.3
    depth[a] = 0.3
    scene = Scene(image=image, frames=frames, depth=depth)
    scene.objects = [
        SceneObject(uid=1, name="B", color=(230, 159, 0), mask=b),
        SceneObject(uid=2, name="A", color=(86, 180, 233), mask=a),
    ]
    return scene
