"""Depth from a file the user has: ``.npy`` pseudo-depth or an 8/16-bit PNG of disparity.

Read by :func:`levitor_studio.model.depth_files.load_depth_file` (a PNG is disparity, white =
near, converted exactly like a model's output) and resized to the image the estimate is asked
for.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.depth_files import load_depth_file
from ..model.task_state import TaskState
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

    def estimate(
        self, image: NDArray[np.uint8], task: TaskState | None = None, **_: Any
    ) -> NDArray[np.float32]:
        depth = load_depth_file(self.path)
        size = (image.shape[1], image.shape[0])
        if depth.shape != (size[1], size[0]):
            depth = np.asarray(cv2.resize(depth, size, interpolation=cv2.INTER_LINEAR), np.float32)
        return np.clip(depth, 1.0 / 255.0, 1.0).astype(np.float32)
