"""The orbit tool: keyframes that make object A circle object B in 3D.

The circle lives in the scene camera's space (:class:`~levitor_studio.engine.camera.PinholeCamera`,
camera-space Z = pseudo-depth): it lies in the horizontal plane through B's 3D position at each
frame (spanned by the camera's x axis and its depth axis), so it follows B if B moves. Angles are
measured in that plane: 0° is to B's right, 90° straight behind B (farther, larger z), 180° to its
left, 270° in front of it (nearer, smaller z). ``direction=+1`` goes right → behind → left →
front (counter-clockwise seen from above); ``-1`` the other way. Each point is projected back to
an image position ``(x, y)`` and pseudo-depth ``z``, so A shrinks and rises slightly behind B and
grows in front of it, exactly as the pinhole camera says. The radius is given in pixels at B's
depth (how far A swings sideways in the image), which is what an artist can judge by eye. By
default radius and start angle come from where A already is, so A starts its orbit from its own
position: frame 0 must show the source image, and A's first key is its anchor, a point on A.
"""

from __future__ import annotations

import math

import numpy as np

from ..model.errors import InputError
from ..model.keyframes import Easing, Keyframe
from ..model.scene import Scene
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
        For an invalid choice; an orbit that leaves the depth range (0, 1]; or one that starts
        at frame 0 away from A (frame 0 shows the source image, and A's first key is its anchor:
        a point on A).

    Notes
    -----
    The circle's plane is the horizontal plane through B lifted to A's height at
    ``frame_start``, so A never jumps vertically when the orbit begins.
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
    cam = PinholeCamera.of_scene(scene)
    frames = list(range(frame_start, last + 1, key_every))
    if frames[-1] != last:
        frames.append(last)
    start_a = scene.trajectory(a)[frame_start]
    start_b = scene.trajectory(b)[frame_start]
    offset = cam.unproject(*start_a) - cam.unproject(*start_b)
    per_px_b = float(start_b[2]) / cam.focal
    rx0 = float(np.hypot(offset[0], offset[2])) if radius is None else radius * per_px_b
    if rx0 <= 1e-12:
        raise InputError(f"{a.name} sits on {b.name}: give the orbit a radius")
    rz0 = rx0 if depth_radius is None else depth_radius * per_px_b
    if start_angle is None:
        theta0 = math.atan2(float(offset[2]) / rz0, float(offset[0]) / rx0)
    else:
        theta0 = math.radians(start_angle)

    t = np.asarray(frames, dtype=np.float64)
    u = (t - frame_start) / (last - frame_start)
    theta = theta0 + direction * 2.0 * math.pi * turns * u
    centre_path = scene.trajectory(b)[frames]
    centre = cam.unproject(centre_path[:, 0], centre_path[:, 1], centre_path[:, 2])
    # a rigid circle in 3D: if B moves in depth the orbit follows and looks smaller or larger
    pts = centre.copy()
    pts[:, 0] += rx0 * np.cos(theta)
    pts[:, 1] += float(offset[1])
    pts[:, 2] += rz0 * np.sin(theta)
    if np.any(pts[:, 2] <= 0):
        raise InputError("the orbit passes behind the camera: use a smaller radius")
    pix = cam.project(pts)
    worst = float(pix[:, 2].max())
    if worst > 1.0:
        raise InputError(
            f"the orbit reaches depth {worst:.3f}, beyond the far limit 1: use a smaller radius"
        )
    if frame_start == 0 and not np.allclose(pix[0], start_a, rtol=0.0, atol=1e-6):
        raise InputError(
            f"frame 0 shows the source image, so an orbit from frame 0 must start where "
            f"{a.name} is: leave radius and start angle automatic, or start at a later frame"
        )
    ease = Easing.LINEAR if key_every == 1 else Easing.SMOOTH
    orbit = [
        Keyframe(f, float(p[0]), float(p[1]), float(p[2]), ease)
        for f, p in zip(frames, pix, strict=True)
    ]
    kept = [k for k in a.keyframes if not frame_start <= k.frame <= last]
    return sorted(kept + orbit, key=lambda k: k.frame)
