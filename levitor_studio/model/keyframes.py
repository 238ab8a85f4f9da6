"""Keyframes and their interpolation over the clip (``scene-model.md`` § Objects).

A keyframe is ``(frame, x, y, z)`` plus the easing of the segment that *leaves* it, and
optionally an in-plane ``angle`` (degrees, counter-clockwise on screen) and a ``stretch``
``(sx, sy)`` (tracks file version 2), interpolated with the same easing as the position. Values hold
before the first key and after the last. ``smooth`` segments follow one monotone cubic (PCHIP)
through all keys, separately in x, y and z, parameterised by frame: with evenly spaced keys this
is exactly the original demo's path (PCHIP parameterised by click index is invariant under the
affine map index → frame). Every easing stays within its two keys: nothing overshoots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator


class Easing(StrEnum):
    """Easing of the segment from a keyframe to the next one."""

    LINEAR = "linear"
    SMOOTH = "smooth"
    EASE_IN = "ease-in"
    EASE_OUT = "ease-out"
    EASE_IN_OUT = "ease-in-out"
    HOLD = "hold"


@dataclass(frozen=True)
class Keyframe:
    """One authored key: image position in working pixels and pseudo-depth ``z`` in (0, 1]."""

    frame: int
    x: float
    y: float
    z: float
    ease: Easing = Easing.SMOOTH
    angle: float = 0.0
    stretch: tuple[float, float] = (1.0, 1.0)

    def moved(self, **changes: object) -> Keyframe:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        """The key as JSON; ``angle`` and ``stretch`` only when they differ from 0 and [1, 1]."""
        # plain int / float: keys made from numpy scalars must still serialise
        out: dict[str, object] = {
            "frame": int(self.frame),
            "x": float(self.x),
            "y": float(self.y),
            "z": float(self.z),
            "ease": Easing(self.ease).value,
        }
        if self.angle != 0.0:
            out["angle"] = float(self.angle)
        if tuple(self.stretch) != (1.0, 1.0):
            out["stretch"] = [float(self.stretch[0]), float(self.stretch[1])]
        return out

    @classmethod
    def from_json(cls, kd: dict[str, Any]) -> Keyframe:
        """A key from its schema-checked JSON (absent ``ease``, ``angle``, ``stretch``: defaults)."""
        sx, sy = kd.get("stretch", (1.0, 1.0))
        return cls(
            kd["frame"],
            kd["x"],
            kd["y"],
            kd["z"],
            Easing(kd.get("ease", "smooth")),
            float(kd.get("angle", 0.0)),
            (float(sx), float(sy)),
        )

    @property
    def turns(self) -> bool:
        """True when the key carries a rotation or a stretch (needs tracks file version 2)."""
        return self.angle != 0.0 or tuple(self.stretch) != (1.0, 1.0)


def _ease_fraction(ease: Easing, u: NDArray[np.float64]) -> NDArray[np.float64]:
    if ease is Easing.LINEAR:
        return u
    if ease is Easing.EASE_IN:
        return u * u * u
    if ease is Easing.EASE_OUT:
        return 1.0 - (1.0 - u) ** 3
    if ease is Easing.EASE_IN_OUT:
        return u * u * (3.0 - 2.0 * u)
    if ease is Easing.HOLD:
        return np.zeros_like(u)
    raise ValueError(f"no closed-form fraction for {ease}")


def interpolate(keys: Sequence[Keyframe], frames: int) -> NDArray[np.float64]:
    """Evaluate a key list at every frame ``0 … frames-1``.

    Parameters
    ----------
    keys
        Keyframes sorted by frame with distinct frames; at least one.
    frames
        Clip length.

    Returns
    -------
    ndarray, shape (frames, 3)
        ``(x, y, z)`` per frame.
    """
    return interpolate_rows(keys, frames, [[k.x, k.y, k.z] for k in keys])


def interpolate_motion(keys: Sequence[Keyframe], frames: int) -> NDArray[np.float64]:
    """Like :func:`interpolate`, with the rotation and stretch columns added.

    Returns
    -------
    ndarray, shape (frames, 6)
        ``(x, y, z, angle, sx, sy)`` per frame (see :data:`MOTION_COLUMNS`).
    """
    rows = [[k.x, k.y, k.z, k.angle, k.stretch[0], k.stretch[1]] for k in keys]
    return interpolate_rows(keys, frames, rows)


#: the columns of :func:`interpolate_motion`
MOTION_COLUMNS = ("x", "y", "z", "angle", "sx", "sy")


class _Timed(Protocol):
    @property
    def frame(self) -> int: ...
    @property
    def ease(self) -> Easing: ...


def interpolate_rows(
    keys: Sequence[_Timed], frames: int, rows: Sequence[Sequence[float]]
) -> NDArray[np.float64]:
    """Interpolate ``rows`` (one value row per key) with the keys' frames and easings."""
    if not keys:
        raise ValueError("interpolate needs at least one keyframe")
    t = np.arange(frames, dtype=np.float64)
    kf = np.array([k.frame for k in keys], dtype=np.float64)
    kv = np.array(rows, dtype=np.float64)
    if np.any(np.diff(kf) <= 0):
        raise ValueError("keyframes must be sorted with distinct frames")
    out = np.empty((frames, kv.shape[1]), dtype=np.float64)
    out[t <= kf[0]] = kv[0]
    out[t >= kf[-1]] = kv[-1]
    if len(keys) == 1:
        return out
    smooth = (
        PchipInterpolator(kf, kv, axis=0)
        if any(k.ease is Easing.SMOOTH for k in keys[:-1])
        else None
    )
    for i, key in enumerate(keys[:-1]):
        inside = (t > kf[i]) & (t < kf[i + 1])
        if not inside.any():
            continue
        ti = t[inside]
        if key.ease is Easing.SMOOTH:
            assert smooth is not None
            out[inside] = smooth(ti)
        else:
            u = (ti - kf[i]) / (kf[i + 1] - kf[i])
            w = _ease_fraction(key.ease, u)[:, None]
            out[inside] = kv[i] + w * (kv[i + 1] - kv[i])
    on_key = np.isin(t, kf)
    out[on_key] = kv[np.searchsorted(kf, t[on_key])]
    return out
