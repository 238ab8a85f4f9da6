"""The orbit tool: keyframes that make object A circle object B in 3D.

The circle lives in the scene camera's space (:class:`~levitor_studio.engine.camera.PinholeCamera`,
camera-space Z = pseudo-depth): it lies in the horizontal plane through B's 3D position at each
frame (spanned by the camera's x axis and its depth axis), so it follows B if B moves. Angles are
measured in that plane: 0° is to B's right, 90° straight behind B (farther, larger z), 180° to its
left, 270° in front of it (nearer, smaller z). ``direction=+1`` goes right → behind → left →
front (counter-clockwise seen from above); ``-1`` the other way. Each point is projected back to
an image position ``(x, y)`` and pseudo-depth ``z``, so A shrinks and rises slightly behind B and
grows in front of it, exactly as the pinhole camera says. The radius is given in pixels at B's
depth (how far A swings sideways in the image), which is what an artist can judge by eye. With
both radii automatic the circle passes through A (radius and start angle from where A already
is, so A starts its orbit from its own position: frame 0 must show the source image, and A's
first key is its anchor, a point on A). With a radius or a depth radius given, A may rest far
from B's depth; the sideways radius then defaults to A's distance from B in the image, and the
circle is lifted so that A keeps its image height where the orbit starts. No key is ever written
outside the frame's margins or the depth range (:mod:`~levitor_studio.model.limits`): such an
orbit is refused with the largest radii that fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model.errors import InputError
from ..model.keyframes import Easing, Keyframe
from ..model.limits import DEPTH, key_xy
from ..model.scene import Scene, SceneObject
from .camera import PinholeCamera


def orbit_keyframes(
    scene: Scene,
    uid_a: int,
    uid_b: int,
    radius: float | None = None,
    start_angle: float | None = None,
    turns: float = 1.0,
    frame_start: int = 0,
    frame_end: int | None = None,
    direction: int = 1,
    *,
    depth_radius: float | None = None,
    key_every: int = 1,
) -> list[Keyframe]:
    """A's new key list: its keys outside the range kept, an orbit of B inside it.

    Parameters
    ----------
    scene
        The scene holding both objects.
    uid_a, uid_b
        The orbiting object and the centre object.
    radius
        Sideways radius in pixels at B's depth at ``frame_start`` (a fixed size in 3D
        afterwards); None: A's distance from B at ``frame_start``.
    start_angle
        Degrees (0 = right of B, 90 = behind, 180 = left, 270 = in front); None: the angle at
        which A already is at ``frame_start``, so A starts where it is.
    turns
        Number of revolutions over the range (> 0, fractions allowed).
    frame_start, frame_end
        Inclusive frame range, ``frame_start < frame_end``; ``frame_end`` None: the last frame.
    direction
        +1: right → behind → left → front; -1: the reverse.
    depth_radius
        Radius along the depth axis, in the same pixel units; default ``radius`` (a circle).
    key_every
        Spacing of the keys in frames; the last frame is always keyed. Keys are linear when one
        sits on every frame, smooth (PCHIP) otherwise.

    Returns
    -------
    list of Keyframe
        Sorted by frame, ready for ``SetKeyframes(uid_a, keys)``.

    Raises
    ------
    InputError
        For an invalid choice; an orbit with a key outside the frame's margins or the depth
        range, with the largest radii that would fit; or one that starts at frame 0 away from A
        (frame 0 shows the source image, and A's first key is its anchor: a point on A).

    Notes
    -----
    The circle's plane is the horizontal plane through B, lifted so that A keeps its image
    height at ``frame_start``: A never jumps vertically when the orbit begins.
    """
    if uid_a == uid_b:
        raise InputError("an object cannot orbit itself: choose another centre object")
    a = scene.object(uid_a)
    b = scene.object(uid_b)
    last = scene.frames - 1 if frame_end is None else frame_end
    if not 0 <= frame_start < last < scene.frames:
        raise InputError(f"the orbit needs frames start < end within 0…{scene.frames - 1}")
    for value in (radius, depth_radius):
        if value is not None and not value > 0:
            raise InputError("the orbit radius must be positive")
    if not turns > 0:
        raise InputError("the number of turns must be positive")
    if direction not in (1, -1):
        raise InputError("direction must be +1 or -1")
    if key_every < 1:
        raise InputError("keys must be at least one frame apart")
    frames = list(range(frame_start, last + 1, key_every))
    if frames[-1] != last:
        frames.append(last)
    plan = _Plan.of(scene, a, b, frames, radius, depth_radius, start_angle, turns, direction)
    pix = plan.pixels(1.0)
    start_a = scene.trajectory(a)[frame_start]
    if frame_start == 0 and not np.allclose(pix[0], start_a, rtol=0.0, atol=1e-6):
        raise InputError(
            f"frame 0 shows the source image, so an orbit from frame 0 must start where "
            f"{a.name} is: leave radius, depth radius and start angle automatic, "
            "or set the first frame to 1 or later"
        )
    problem = plan.problem(pix)
    if problem is not None:
        raise InputError(f"the orbit {problem}: {plan.remedy()}")
    ease = Easing.LINEAR if key_every == 1 else Easing.SMOOTH
    orbit = [
        Keyframe(f, float(p[0]), float(p[1]), float(p[2]), ease)
        for f, p in zip(frames, pix, strict=True)
    ]
    kept = [k for k in a.keyframes if not frame_start <= k.frame <= last]
    return sorted(kept + orbit, key=lambda k: k.frame)


@dataclass
class _Plan:
    """One orbit, in pixels at B's depth: radii ``rx`` / ``rz``, start angle, A's height."""

    scene: Scene
    a: SceneObject
    b: SceneObject
    frames: list[int]
    rx: float
    rz: float
    theta: NDArray[np.float64]  # the angle at each key
    exact: bool  # both radii automatic: the circle passes exactly through A
    dx_image: float  # A's sideways distance from B in the image where the orbit starts
    turns: float
    direction: int

    @classmethod
    def of(
        cls,
        scene: Scene,
        a: SceneObject,
        b: SceneObject,
        frames: list[int],
        radius: float | None,
        depth_radius: float | None,
        start_angle: float | None,
        turns: float,
        direction: int,
    ) -> _Plan:
        cam = PinholeCamera.of_scene(scene)
        start_a = scene.trajectory(a)[frames[0]]
        start_b = scene.trajectory(b)[frames[0]]
        per_px = float(start_b[2]) / cam.focal  # camera units per pixel at B's depth
        exact = radius is None and depth_radius is None
        dz = float(start_a[2] - start_b[2]) / per_px
        if exact:
            # the circle through A: its sideways offset in 3D, in pixels at B's depth
            offset = cam.unproject(*start_a) - cam.unproject(*start_b)
            dx = float(offset[0]) / per_px
            rx = float(np.hypot(dx, dz))
        else:
            # A may rest far from B's depth: its 3D offset would make a huge circle, so the
            # sideways radius defaults to the distance an artist sees in the image
            dx = float(start_a[0] - start_b[0])
            rx = abs(dx) if radius is None else radius
        if rx <= 1e-9:
            raise InputError(f"{a.name} sits on {b.name}: give the orbit a radius")
        rz = rx if depth_radius is None else depth_radius
        theta0 = math.atan2(dz / rz, dx / rx) if start_angle is None else math.radians(start_angle)
        u = (np.asarray(frames, np.float64) - frames[0]) / (frames[-1] - frames[0])
        theta = theta0 + direction * 2.0 * math.pi * turns * u
        dx_image = float(start_a[0] - start_b[0])
        return cls(scene, a, b, frames, rx, rz, theta, exact, dx_image, turns, direction)

    def pixels(self, scale: float) -> NDArray[np.float64]:
        """``(x, y, z)`` of every key with both radii multiplied by ``scale``."""
        scene = self.scene
        cam = PinholeCamera.of_scene(scene)
        cy = cam.centre[1]
        centre_path = scene.trajectory(self.b)[self.frames]
        centre = cam.unproject(centre_path[:, 0], centre_path[:, 1], centre_path[:, 2])
        zb = float(centre_path[0, 2])
        per_px = zb / cam.focal
        rx, rz = scale * self.rx * per_px, scale * self.rz * per_px
        # the circle's plane is lifted so that A keeps its height in the image where the orbit
        # starts (exactly A's 3D height when the circle passes through A)
        y_a = float(self.scene.trajectory(self.a)[self.frames[0], 1])
        z0 = zb + rz * math.sin(float(self.theta[0]))
        lift = ((y_a - cy) * z0 - (centre_path[0, 1] - cy) * zb) / cam.focal
        pts = centre.copy()
        pts[:, 0] += rx * np.cos(self.theta)
        pts[:, 1] += lift
        pts[:, 2] += rz * np.sin(self.theta)
        with np.errstate(invalid="ignore", divide="ignore"):
            pix = cam.project(pts)
        pix[:, 2] = pts[:, 2]
        return pix

    def problem(self, pix: NDArray[np.float64]) -> str | None:
        """Why these keys cannot be written (the worst key), or None when all are sane."""
        z = pix[:, 2]
        if np.any(z <= 0):
            frame = self.frames[int(np.argmin(z))]
            return f"passes behind the camera at frame {frame}"
        if np.any(z > DEPTH.hi):
            i = int(np.argmax(z))
            return f"reaches depth {z[i]:.3f} at frame {self.frames[i]}, beyond the far limit 1"
        if np.any(z < DEPTH.lo):
            i = int(np.argmin(z))
            return (
                f"comes as near as depth {z[i]:.4f} at frame {self.frames[i]}, nearer than the "
                f"nearest depth {DEPTH.lo:.4f}"
            )
        width, height = self.scene.size
        for axis, limit in enumerate(key_xy(width, height)):
            values = pix[:, axis]
            bad = ~((values >= limit.lo) & (values <= limit.hi))
            if np.any(bad):
                i = int(np.argmax(np.abs(np.where(bad, values - (limit.lo + limit.hi) / 2, 0))))
                return (
                    f"would put {self.a.name} at {'xy'[axis]} = {values[i]:.0f} at frame "
                    f"{self.frames[i]}, outside the frame's margin ({limit.describe()} for a "
                    f"{width}×{height} scene)"
                )
        return None

    def remedy(self) -> str:
        """What to change: the largest radii that fit, as the dialog takes them.

        Scaling both given radii keeps the start angle, so a bisection on the scale finds the
        largest orbit of this shape. An automatic orbit is re-planned with explicit radii (its
        circle through A is what did not fit).
        """
        plan = self
        if self.exact:
            r = max(abs(self.dx_image), 1.0)
            plan = _Plan.of(
                self.scene, self.a, self.b, self.frames, r, r, None, self.turns, self.direction
            )
        if plan.problem(plan.pixels(1e-3)) is not None:
            return (
                f"no orbit around {self.b.name} fits from where {self.a.name} is at frame "
                f"{self.frames[0]}: move {self.a.name} nearer {self.b.name} first"
            )
        lo, hi = 1e-3, 1.0
        if plan.problem(plan.pixels(1.0)) is None:
            lo = 1.0
        for _ in range(24):  # to a millionth of the radius: whole pixels are exact
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if plan.problem(plan.pixels(mid)) is None else (lo, mid)
        radii = (
            f"a radius of at most {math.floor(plan.rx * lo)} px and a depth radius of at most "
            f"{math.floor(plan.rz * lo)} px"
        )
        if self.exact and self.frames[0] == 0:
            depth = self.scene.trajectory(self.a)[0, 2]
            return (
                f"{self.a.name} (depth {depth:.3f}) cannot circle {self.b.name} from where it "
                f"rests; set the first frame to 1 or later and give {radii}"
            )
        return f"give {radii}"
