"""Reading a depth file a person has: ``.npy`` pseudo-depth or an 8/16-bit PNG of disparity.

A PNG is disparity (white = near): it is min-max normalised to 0..255 and converted with
:func:`~levitor_studio.model.depth_units.disparity_to_depth`, exactly like a model's output.
Plain file reading, so the tracks reader (model) and the ``file`` depth backend share it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .depth_units import disparity_to_depth, normalise_disparity
from .errors import InputError
from .image_files import MAX_PIXELS, file_error
from .imaging import read_gray
from .npy_safe import read_npy


def load_depth_file(path: Path) -> NDArray[np.float32]:
    """Pseudo-depth at the file's own size from a ``.npy`` or a disparity PNG."""
    if path.suffix.lower() == ".npy":
        try:
            with path.open("rb") as fh:
                raw = read_npy(
                    fh, file_error(path), kinds="f", shape=(None, None), max_bytes=MAX_PIXELS * 8
                )
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        if not (np.all(np.isfinite(raw)) and np.all(raw > 0) and np.all(raw <= 1)):
            raise InputError(f"{path}: pseudo-depth values must be in (0, 1]")
        return np.asarray(raw, dtype=np.float32)
    disparity = read_gray(path).astype(np.float64)
    return disparity_to_depth(normalise_disparity(disparity))
