"""Static segment maps from files: labels checked, renumbered compactly and capped.

Per-label tables downstream (``np.bincount``, K-means per label) are indexed by label value, so
one label of 2³¹−1 would allocate gigabytes, and 147,000 distinct labels would too. A loaded map
keeps its order of labels but is renumbered ``1..K`` (0 stays "no segment"), and ``K`` is capped
at :data:`MAX_SEGMENTS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import ValidationError

#: most static segments a scene may hold (the automatic segmenters make a few dozen)
MAX_SEGMENTS = 1024
#: labels below this are renumbered through a lookup table; larger ones through np.unique
_LUT_LIMIT = 1 << 20


def compact_segments(seg: NDArray[Any], key: str = "segments") -> NDArray[np.int32]:
    """``seg`` as int32 labels ``0..K`` in the same order; refuses negative labels and
    more than :data:`MAX_SEGMENTS` segments, naming ``key``."""
    if seg.dtype.kind not in "iu":
        raise ValidationError(key, f"segment labels must be integers, not {seg.dtype}")
    if seg.size == 0:
        return seg.astype(np.int32)
    low, high = int(seg.min()), int(seg.max())
    if low < 0:
        raise ValidationError(key, f"segment label {low} is negative (0 means no segment)")
    if high < _LUT_LIMIT:
        present = np.bincount(seg.ravel().astype(np.intp), minlength=1) > 0
        present[0] = False
        count = int(present.sum())
        _check_count(count, key)
        if high == count:  # already 1..K with every label used
            return seg.astype(np.int32)
        lut = np.where(present, np.cumsum(present), 0).astype(np.int32)
        return np.asarray(lut[seg], dtype=np.int32)
    values, inverse = np.unique(seg, return_inverse=True)
    count = int(values.size) - int(values[0] == 0)
    _check_count(count, key)
    offset = 0 if values[0] == 0 else 1
    return (inverse.reshape(seg.shape) + offset).astype(np.int32)


def _check_count(count: int, key: str) -> None:
    if count > MAX_SEGMENTS:
        raise ValidationError(
            key, f"{count:,} static segments; at most {MAX_SEGMENTS:,} are supported"
        )
