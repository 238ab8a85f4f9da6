"""Depth unit conversions, in one place (``scene-model.md`` § Depth, reference §1).

* disparity: 0..255, larger = nearer (Depth Anything output after min-max normalisation);
* pseudo-depth ``z = 1 / disparity``: in ``[1/255, 1]``, smaller = nearer, 1 = far;
* control channel value: ``round(1 / z)`` on the 0..255 scale, with the original's rule that
  the value 1 becomes 0 ("no depth"). Pseudo-depths above about 0.67 therefore read as "no
  depth" to the model: :func:`in_no_depth_band` lets the UI warn about it.

What a person reads is in artist units (:func:`artist_depth`): distance relative to the
object's rest ``z / z0`` (×1.0 at rest, ×2.0 twice as far) with the apparent size ``z0 / z`` in
%, the pseudo-depth and the channel value secondary (:func:`technical_depth`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Z_MIN = 1.0 / 255.0
Z_MAX = 1.0


def normalise_disparity(disparity: ArrayLike) -> NDArray[np.uint8]:
    """Min-max normalise a raw relative disparity map to uint8 0..255, as the original demo.

    In float32, like the original (the model's float32 output, ``(d - min) / (max - min) * 255``
    then truncation): float64 could move a value sitting on an integer boundary by one level.
    """
    d = np.asarray(disparity, dtype=np.float32)
    lo, hi = d.min(), d.max()
    if hi - lo <= 0:
        return np.zeros(d.shape, dtype=np.uint8)
    scaled: NDArray[np.float32] = (d - lo) / (hi - lo) * np.float32(255.0)
    return scaled.astype(np.uint8)


def disparity_to_depth(disparity_u8: ArrayLike) -> NDArray[np.float32]:
    """Pseudo-depth ``1 / disparity`` from 0..255 disparity; disparity 0 (farthest) maps to 1."""
    d = np.asarray(disparity_u8, dtype=np.float64)
    return (1.0 / np.clip(d, 1.0, 255.0)).astype(np.float32)


def depth_to_disparity(z: ArrayLike) -> NDArray[np.float64]:
    """Inverse of :func:`disparity_to_depth` without rounding: ``1 / z``."""
    return 1.0 / np.asarray(z, dtype=np.float64)


def depth_to_channel(z: ArrayLike) -> NDArray[np.int64]:
    """The generator's 0..255 depth channel: ``round(1 / z)`` with 1 replaced by 0."""
    v = np.rint(1.0 / np.asarray(z, dtype=np.float64)).astype(np.int64)
    v = np.clip(v, 0, 255)
    v[v == 1] = 0
    return v


def channel_value(z: float) -> int:
    """Scalar form of :func:`depth_to_channel`."""
    return int(depth_to_channel(np.array([z]))[0])


def in_no_depth_band(z: float) -> bool:
    """True where the model will read this pseudo-depth as "no depth" (channel value 0)."""
    return channel_value(z) == 0


#: the smallest pseudo-depth the model reads as "no depth" (``round(1/z) == 1`` ⇔ ``z > 2/3``)
NO_DEPTH_FROM = 2.0 / 3.0


# -- artist units (``scene-model.md`` § What a person reads) -----------------------------------


def relative_distance(z: float, z0: float) -> float:
    """Distance relative to the object's rest, ``z / z0``: 1.0 at rest, 2.0 = twice as far."""
    return float(z) / float(z0)


def depth_from_relative(distance: float, z0: float) -> float:
    """Inverse of :func:`relative_distance`: the pseudo-depth at ``distance`` × the rest."""
    return float(distance) * float(z0)


def apparent_scale_percent(z: float, z0: float) -> float:
    """Apparent size relative to the rest, ``100 · z0 / z`` (50 % at twice the distance)."""
    return 100.0 * float(z0) / float(z)


def artist_depth(z: float, z0: float) -> str:
    """What a person reads: ``"×2.00 (50 %)"`` — distance relative to the rest, apparent size."""
    return f"×{relative_distance(z, z0):.2f} ({apparent_scale_percent(z, z0):.0f} %)"


def technical_depth(z: float) -> str:
    """The secondary read-out: pseudo-depth and the model's 0..255 depth channel."""
    return f"z {z:.4g} · model {channel_value(z)}/255"
