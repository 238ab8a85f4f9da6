"""Tiny synthetic scenes shared by tests (importable as ``scenes``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.scene import Scene, SceneObject

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "coffee"
REFERENCE = ROOT / "tests" / "reference"  # vendored copies of ../shared/reference


def make_scene(width: int = 64, height: int = 48, frames: int = 16) -> Scene:
    """A 64×48 scene: a gradient image, a depth ramp and two square objects."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    depth = np.tile(np.linspace(0.9, 0.1, height, dtype=np.float32)[:, None], (1, width))
    a = np.zeros((height, width), bool)
    a[10:20, 10:20] = True
    b = np.zeros((height, width), bool)
    b[25:35, 30:44] = True
    objects = [
        SceneObject(
            1, "a", (255, 0, 0), a, [Keyframe(0, 14.5, 14.5, 0.5), Keyframe(15, 40.0, 20.0, 0.25)]
        ),
        SceneObject(2, "b", (0, 255, 0), b, []),
    ]
    return Scene(image=image, frames=frames, depth=depth, objects=objects)


def camera_scene(camera: list | None = None) -> Scene:
    """64 × 48, 9 frames, depth 0.25 everywhere: the camera's subject, so dolly 100 % = 0.25."""
    return Scene(
        image=np.zeros((48, 64, 3), np.uint8),
        frames=9,
        depth=np.full((48, 64), 0.25, np.float32),
        camera=list(camera or []),
    )
