"""Grow, shrink and feather an object's mask by N pixels, as undoable commands.

Distances are Euclidean between pixel centres (``scipy.ndimage.distance_transform_edt``):
growing by N adds every pixel within N of the mask, shrinking by N keeps the pixels farther
than N from outside it (the image border counts as outside), and feathering by N smooths the
outline at that scale (Gaussian of sigma N/2, thresholded at one half), which rounds corners and
removes specks and notches narrower than about N while leaving large shapes in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from .commands import Command, SetObjectMask
from .errors import InputError
from .scene import Scene

OPERATIONS = ("grow", "shrink", "feather")
MAX_PIXELS = 64


def grow(mask: NDArray[np.bool_], pixels: int) -> NDArray[np.bool_]:
    """Pixels within ``pixels`` of the mask."""
    if not mask.any():
        return mask.copy()
    return np.asarray(ndimage.distance_transform_edt(~mask) <= pixels)


def shrink(mask: NDArray[np.bool_], pixels: int) -> NDArray[np.bool_]:
    """Mask pixels farther than ``pixels`` from any pixel outside it (or the border)."""
    padded = np.pad(mask, 1, constant_values=False)
    inside = ndimage.distance_transform_edt(padded)[1:-1, 1:-1]
    return np.asarray(inside > pixels)


def feather(mask: NDArray[np.bool_], pixels: int) -> NDArray[np.bool_]:
    """The outline smoothed at the scale of ``pixels`` (binary: the model takes binary masks)."""
    blurred = ndimage.gaussian_filter(mask.astype(np.float64), sigma=pixels / 2.0, mode="constant")
    return np.asarray(blurred >= 0.5)


@dataclass
class ReshapeMask(Command):
    """Grow, shrink or feather the mask of object ``uid`` by ``pixels``."""

    uid: int
    operation: str
    pixels: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"{self.operation.capitalize()} mask {self.pixels} px"

    def apply(self, scene: Scene) -> Command:
        if self.operation not in OPERATIONS:
            raise InputError(f"mask operation {self.operation!r}: one of {', '.join(OPERATIONS)}")
        if isinstance(self.pixels, bool) or not 1 <= int(self.pixels) <= MAX_PIXELS:
            raise InputError(f"{self.operation} by {self.pixels} px: choose 1…{MAX_PIXELS} px")
        try:
            obj = scene.object(self.uid)
        except KeyError:
            raise InputError(f"no object with id {self.uid}") from None
        if obj.locked:
            raise InputError(f"{obj.name} is locked; unlock it in the Objects panel")
        reshape = {"grow": grow, "shrink": shrink, "feather": feather}[self.operation]
        mask = reshape(obj.mask, int(self.pixels))
        if not mask.any():
            raise InputError(
                f"{self.operation} by {self.pixels} px would leave nothing of {obj.name}"
            )
        return SetObjectMask(self.uid, mask).apply(scene)
