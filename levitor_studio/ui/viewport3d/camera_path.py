"""The camera track in the 3D viewport, as numpy arrays: no Qt, no VTK.

The camera at frame ``t`` sits at ``c_t = (truck, pedestal, dolly)`` in world space (= frame-0
camera space, :mod:`levitor_studio.engine.camera_move`) and looks along its rotation ``R_t``.
World points are drawn through the depth-exaggeration mapping (:class:`.geometry.DepthDisplay`),
which slides a point along its own camera ray: ``P ↦ P · m(z)`` with ``m(z) = z_d / z``. A camera
centre may sit at or behind the photograph's eye (``z ≤ 0``), where no ray through a pixel
reaches it, so camera centres use ``m(max(z, near))`` with ``near`` the nearest scene depth: from
the nearest surface outwards a camera centre lands exactly where a scene point there would, and
in the empty space before it the mapping is the uniform scale ``m(near)``, continuous at
``near`` and keeping the eye at the origin. At gain 1 every mapping is the identity.

Each camera is drawn as a small frustum: its apex at the mapped centre and the four image
corners at display distance ``size`` along its own (turned) rays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...engine.camera import PinholeCamera
from ...engine.camera_move import CameraPose
from ...model.scene import Scene
from .geometry import DepthDisplay

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def display_centres(disp: DepthDisplay, near: float, centres: F64) -> F64:
    """World camera centres ``(..., 3)`` in display space (see the module docstring)."""
    c = np.asarray(centres, np.float64)
    z = np.maximum(c[..., 2], near)
    scale = disp.to_display(z) / z
    return np.asarray(c * scale[..., None], np.float64)


def camera_centres(scene: Scene) -> F64:
    """``(F, 3)`` world camera centres ``c_t`` (frame 0: the origin)."""
    path = scene.camera_path()
    return np.asarray(path[:, [4, 5, 3]], np.float64)  # truck (x), pedestal (y), dolly (z)


def path_points(scene: Scene, disp: DepthDisplay) -> F64:
    """The camera path ``(F, 3)`` in display space, one point per frame."""
    near = float(scene.depth_map().min())
    return display_centres(disp, near, camera_centres(scene))


def frustum(cam: PinholeCamera, rotation: F64, apex: F64, size: float) -> tuple[F64, list[I64]]:
    """A camera's frustum: ``(5, 3)`` points (apex, then the image corners top-left, top-right,
    bottom-right, bottom-left at depth ``size`` along its turned rays) and its lines (four rays
    and the closed rectangle)."""
    w, h = cam.width, cam.height
    corners = cam.unproject(np.array([0.0, w, w, 0.0]), np.array([0.0, 0.0, h, h]), size)
    pts = np.vstack([apex, apex + corners @ np.asarray(rotation).T])
    lines = [np.array([0, i], np.int64) for i in range(1, 5)]
    lines.append(np.array([1, 2, 3, 4, 1], np.int64))
    return pts, lines


def frustums(
    scene: Scene, disp: DepthDisplay, frames: list[int], size: float
) -> tuple[F64, list[I64]]:
    """The frustums of the cameras at ``frames``, as one point array and one list of lines."""
    path = scene.camera_path()
    apexes = path_points(scene, disp)
    cam = PinholeCamera.of_scene(scene)
    pts: list[F64] = []
    lines: list[I64] = []
    for t in frames:
        p, ls = frustum(cam, CameraPose.of_row(path[t]).rotation, apexes[t], size)
        lines += [line + 5 * len(pts) for line in ls]
        pts.append(p)
    return (np.vstack(pts) if pts else np.zeros((0, 3))), lines


def key_frames(scene: Scene) -> list[int]:
    """The frames the camera track has keys on (empty: the camera never moves)."""
    return sorted(k.frame for k in scene.camera)
