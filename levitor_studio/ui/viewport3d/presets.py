"""Camera presets of the 3D viewport: through the image camera, top, side, free orbit.

World space has y pointing down (image convention), so "up" on screen is ``(0, -1, 0)`` except
in the top view, which looks down the y axis with the depth axis pointing up the screen. The image
preset puts the VTK camera exactly at the scene camera (origin, looking down +z, the scene's
field of view), so the cloud lines up with the 2D image view pixel for pixel; when the viewport is
narrower than the image, the horizontal angle is matched instead so the whole image stays in view.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .pipeline import ViewportPipeline

PRESETS = ("image", "top", "side", "orbit")
PRESET_LABELS = {
    "image": "Image camera",
    "top": "Top",
    "side": "Side",
    "orbit": "Free orbit",
}


def apply_preset(pipe: ViewportPipeline, name: str) -> None:
    """Point the viewport camera for preset ``name`` (one of :data:`PRESETS`)."""
    if name not in PRESETS:
        raise ValueError(f"unknown camera preset {name!r}")
    cam = pipe.renderer.GetActiveCamera()
    far = pipe.far()
    x0, x1, y0, y1, z0, z1 = pipe.bounds_of(None)
    centre = np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0, (z0 + z1) / 2.0])
    size = float(max(x1 - x0, y1 - y0, z1 - z0, 1e-6))
    cam.SetParallelProjection(False)
    cam.SetUseHorizontalViewAngle(False)
    cam.SetViewAngle(30.0)
    if name == "image":
        cam.SetPosition(0.0, 0.0, 0.0)
        cam.SetFocalPoint(0.0, 0.0, far / 2.0)
        cam.SetViewUp(0.0, -1.0, 0.0)
        fit_image_camera(pipe)
    elif name == "top":
        cam.SetFocalPoint(*centre)
        cam.SetPosition(*(centre + [0.0, -2.4 * size, 0.0]))
        cam.SetViewUp(0.0, 0.0, 1.0)
    elif name == "side":
        cam.SetFocalPoint(*centre)
        cam.SetPosition(*(centre + [2.4 * size, 0.0, 0.0]))
        cam.SetViewUp(0.0, -1.0, 0.0)
    else:
        cam.SetFocalPoint(*centre)
        offset = np.array([1.3, -1.0, -1.6])
        cam.SetPosition(*(centre + offset / np.linalg.norm(offset) * 2.4 * size))
        cam.SetViewUp(0.0, -1.0, 0.0)
    pipe.renderer.ResetCameraClippingRange()


def in_image_pose(pipe: ViewportPipeline) -> bool:
    """True while the view sits exactly at the scene camera (not orbited, panned or zoomed)."""
    cam = pipe.renderer.GetActiveCamera()
    focal = np.array(cam.GetFocalPoint())
    return (
        np.allclose(cam.GetPosition(), 0.0)
        and np.allclose(focal[:2], 0.0)
        and focal[2] > 0
        and np.allclose(cam.GetViewUp(), (0.0, -1.0, 0.0))
    )


def fit_image_camera(pipe: ViewportPipeline) -> None:
    """Match the scene camera's angle for the viewport's current shape (called on resize too).

    A viewport wider than the image keeps the vertical field of view; a narrower one matches the
    horizontal one, so the whole image always shows.
    """
    cam = pipe.renderer.GetActiveCamera()
    model = pipe.camera_model()
    w, h = pipe.renderer.GetSize()
    if w > 0 and h > 0 and w / h < model.width / model.height:
        cam.SetUseHorizontalViewAngle(True)
        cam.SetViewAngle(math.degrees(2.0 * math.atan(model.width / 2.0 / model.focal)))
    else:
        cam.SetUseHorizontalViewAngle(False)
        cam.SetViewAngle(model.fov)


def frame_bounds(pipe: ViewportPipeline, uid: int | None) -> None:
    """Keep the view direction, move back so the object's cloud and path (or all) fill it."""
    pipe.renderer.ResetCamera(*pipe.bounds_of(uid))
    pipe.renderer.ResetCameraClippingRange()
