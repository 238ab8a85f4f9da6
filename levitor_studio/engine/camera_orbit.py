"""Camera orbit about a point: camera keys that circle a pivot while it stays on its pixel.

The pivot is a 3D point given as a frame-0 pixel and pseudo-depth, ``P = z · K⁻¹ [x, y, 1]ᵀ``
(``scene-model.md`` § Camera). The orbit turns the camera about the vertical axis (world y)
through ``P``, starting from its pose ``(R_0, c_0)`` at the start frame: at angle ``φ`` it is
``R = R_y(φ) R_0`` and ``c = P + R_y(φ) (c_0 − P)``. The pivot then projects through
``Rᵀ (P − c) = R_0ᵀ (P − c_0)``, exactly where it was at the start frame, with the same depth.
Because the camera's rotation is ``R_y(pan) R_x(tilt) R_z(roll)`` (:class:`.camera_move.CameraPose`),
``R_y(φ) R_0`` is the start pose with ``pan + φ``: tilt and roll stay as they were.

The angle runs from 0 at the start frame to the full angle at the end frame with the chosen
easing, and a key is written on *every* frame of the range: interpolation reproduces a key's
values exactly on its own frame, and frames are all a clip has, so the pivot stays put exactly
(up to floating point) on each one. Keys outside the range are kept. Positive angles pan the
camera right: it swings to the left around the pivot, so nearer things slide right on screen
and farther ones left. Every key must lie inside :data:`~levitor_studio.model.limits.CAMERA_KEY`;
an orbit that would leave it is refused with the largest angle (0.1° steps) that fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import limits
from ..model.camera_track import CAMERA_COLUMNS, CameraKey
from ..model.errors import InputError
from ..model.keyframes import Easing, interpolate_rows
from ..model.scene import Scene
from .camera import PinholeCamera
from .placement import object_pose

F64 = NDArray[np.float64]
#: the resolution of "the largest angle that fits"
ANGLE_STEP = 0.1


@dataclass(frozen=True)
class Pivot:
    """A frame-0 pixel ``(x, y)`` at pseudo-depth ``z``."""

    x: float
    y: float
    z: float


def object_pivot(scene: Scene, uid: int, frame: int) -> Pivot:
    """The object's anchor where it is at ``frame`` (its parents followed), at its depth there."""
    at = object_pose(scene, scene.object(uid), frame)
    return Pivot(float(at.anchor[0]), float(at.anchor[1]), float(at.depth))


def _fractions(start: int, end: int, frames: int, ease: Easing) -> F64:
    """The share of the angle reached on each frame ``start … end`` (0 … 1, eased)."""
    keys = [CameraKey(start, ease=ease), CameraKey(end)]
    return interpolate_rows(keys, frames, [[0.0], [1.0]])[start : end + 1, 0]


def _rows(start_row: F64, world: F64, phis: F64) -> F64:
    """Camera rows ``(n, 6)`` for orbit angles ``phis`` (degrees) from the pose ``start_row``."""
    pan0, tilt0, roll0, dolly0, truck0, ped0 = (float(v) for v in start_row)
    a = np.deg2rad(phis)
    c, s = np.cos(a), np.sin(a)
    dx, dz = truck0 - world[0], dolly0 - world[2]
    # R_y(φ) (c_0 − P): pan's rotation, positive turning forward (+z) towards +x
    cx = world[0] + c * dx + s * dz
    cz = world[2] - s * dx + c * dz
    n = len(phis)
    return np.stack(
        [pan0 + phis, np.full(n, tilt0), np.full(n, roll0), cz, cx, np.full(n, ped0)], axis=1
    )


def _outside(rows: F64) -> tuple[int, str, float] | None:
    """The first row, column and value of ``rows`` outside the camera key limits, if any."""
    for i, row in enumerate(rows):
        for name, value in zip(CAMERA_COLUMNS, row, strict=True):
            if not limits.CAMERA_KEY[name].contains(float(value)):
                return i, name, float(value)
    return None


def _outside_text(value: float, lim: limits.Limit) -> str:
    """``value`` with the fewest decimals (up to 6) that still read as outside ``lim``."""
    for digits in range(7):
        text = f"{value:.{digits}f}"
        if not lim.lo <= float(text) <= lim.hi:
            return text
    return f"{value:.6f}"


def largest_fitting(start_row: F64, world: F64, fractions: F64, angle: float) -> float:
    """The largest ``|a| ≤ |angle|`` in :data:`ANGLE_STEP` steps, signed like ``angle``, whose
    keys all lie inside the limits (0.0 when not even one step fits). The pan grows by the
    orbit's angle and stays within ±180°, so nothing past 360° can fit: the search stops there."""
    steps = int(math.floor(min(abs(angle), 360.0) / ANGLE_STEP + 1e-9))
    cand = np.arange(steps, 0, -1) * ANGLE_STEP * math.copysign(1.0, angle)
    for lo in range(0, len(cand), 256):
        chunk = cand[lo : lo + 256]
        phis = (chunk[:, None] * fractions[None, :]).ravel()
        rows = _rows(start_row, world, phis).reshape(len(chunk), len(fractions), 6)
        fits = np.ones(len(chunk), bool)
        for j, name in enumerate(CAMERA_COLUMNS):
            lim = limits.CAMERA_KEY[name]
            fits &= ((rows[:, :, j] >= lim.lo) & (rows[:, :, j] <= lim.hi)).all(axis=1)
        if fits.any():
            return round(float(chunk[np.flatnonzero(fits)[0]]), 1)
    return 0.0


def orbit_camera_keys(
    scene: Scene,
    pivot: Pivot,
    angle: float,
    start: int,
    end: int,
    ease: Easing = Easing.EASE_IN_OUT,
) -> list[CameraKey]:
    """The scene's camera track with an orbit of ``angle`` degrees about ``pivot`` from frame
    ``start`` to ``end``: a key on every frame of the range, the other keys kept.

    Raises :class:`InputError` (one line) for a range outside the clip, a pivot at the far
    plane or behind the camera, or an orbit that leaves the camera key limits (naming the
    largest angle that fits).
    """
    frames = scene.frames
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end < frames):
        raise InputError(
            f"the orbit's frames {start}…{end} must be increasing and inside the clip 0…{frames - 1}"
        )
    if not (isinstance(angle, int | float) and math.isfinite(angle)) or angle == 0:
        raise InputError(f"the orbit's angle {angle!r} must be a non-zero number of degrees")
    if not (math.isfinite(pivot.z) and 0.0 < pivot.z < 1.0):
        raise InputError(
            f"the pivot's depth {pivot.z:g} must be nearer than the far plane (0 < z < 1): "
            "orbit about something in the scene"
        )
    world = PinholeCamera.of_scene(scene).unproject(pivot.x, pivot.y, pivot.z)
    start_row = scene.camera_path()[start]
    fractions = _fractions(start, end, frames, Easing(ease))
    rows = _rows(start_row, world, angle * fractions)
    rows[0] = start_row  # the start frame keeps its pose exactly (frame 0: all zero)
    bad = _outside(rows)
    if bad is not None:
        row, name, value = bad
        fit = largest_fitting(start_row, world, fractions, angle)
        lim = limits.CAMERA_KEY[name]
        best = (
            f"the largest orbit that fits is {fit:g}°"
            if fit
            else "no orbit that way fits: try the other direction"
        )
        raise InputError(
            f"An orbit of {angle:g}° would take the camera's {name} to {_outside_text(value, lim)} at frame "
            f"{start + row}, outside {lim.describe()}: {best}"
        )
    kept = [k for k in scene.camera if not start <= k.frame <= end]
    at_end = next((k for k in scene.camera if k.frame == end), None)
    out_ease = at_end.ease if at_end is not None else Easing.SMOOTH
    new = [
        CameraKey(
            start + i,
            **{name: float(v) for name, v in zip(CAMERA_COLUMNS, row, strict=True)},
            ease=Easing.LINEAR if start + i < end else out_ease,
        )
        for i, row in enumerate(rows)
    ]
    return sorted([*kept, *new], key=lambda k: k.frame)
