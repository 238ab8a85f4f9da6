"""Small projects for the takes and batch tests (importable as ``take_scenes``)."""

from __future__ import annotations

import numpy as np
from scenes import make_scene

from levitor_studio.model.scene import Scene


def smooth_scene(frames: int = 16, size: tuple[int, int] = (64, 48)) -> Scene:
    """The small test scene on a smooth image (H.264 keeps it close; noise it would not)."""
    w, h = size
    scene = make_scene(w, h, frames)
    yy, xx = np.mgrid[0:h, 0:w]
    scene.image = np.stack([xx * 4 % 256, yy * 5 % 256, np.full_like(xx, 128)], axis=-1).astype(
        np.uint8
    )
    return scene
