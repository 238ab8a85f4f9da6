"""Depth from a file the user has: ``.npy`` pseudo-depth or an 8/16-bit PNG of disparity.

A PNG is disparity (white = near): it is min-max normalised to 0..255 and converted with
:func:`levitor_studio.model.depth_units.disparity_to_depth`, exactly like a model's output. Both
are resized to the image the estimate is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.depth_units import disparity_to_depth, normalise_disparity
from ..model.errors import InputError
from ..model.image_files import MAX_PIXELS, file_error
from ..model.imaging import read_gray
from ..model.npy_safe import read_npy
from ..plugin_host.protocols import DEPTH, Availability, OptionSpec


class FileDepth:
    id: ClassVar[str] = "file"
    kind: ClassVar[str] = DEPTH
    label: ClassVar[str] = "Depth from a file (.npy pseudo-depth or PNG disparity)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec("path", "a .npy of pseudo-depth in (0, 1] or a PNG of disparity", "path", True),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        path = options.get("path", "")
        if not path:
            return Availability(False, "needs a depth file (option 'path')")
        if not Path(path).is_file():
            return Availability(False, f"depth file {path} does not exist")
        return Availability(True)

    def __init__(self, options: Mapping[str, str]) -> None:
        self.path = Path(options["path"])

    def estimate(self, image: NDArray[np.uint8], task: Any = None, **_: Any) -> NDArray[np.float32]:
        depth = load_depth_file(self.path)
        size = (image.shape[1], image.shape[0])
        if depth.shape != (size[1], size[0]):
            depth = np.asarray(cv2.resize(depth, size, interpolation=cv2.INTER_LINEAR), np.float32)
        return np.clip(depth, 1.0 / 255.0, 1.0).astype(np.float32)


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
