"""The weight-free depth estimate: a ground plane, with objects as upright cards.

Assumption (documented in the README): the camera looks at a ground plane whose horizon sits at
:data:`HORIZON` of the image height. Below it disparity rises linearly from near-far at the
horizon to 255 at the bottom row; above it everything is far. Each object mask, when given, is
an upright card at the depth of its ground contact (its lowest pixel). The result is
pseudo-depth (``scene-model.md``): ``1 / disparity``, smaller = nearer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..model.depth_units import disparity_to_depth
from ..plugin_host.protocols import DEPTH, Availability, OptionSpec

HORIZON = 0.35
#: disparity at the horizon and above it (8 → pseudo-depth 0.125; sky stays at 1.0)
HORIZON_DISPARITY = 8.0


class HeuristicDepth:
    id: ClassVar[str] = "heuristic"
    kind: ClassVar[str] = DEPTH
    label: ClassVar[str] = "Ground-plane heuristic (no weights)"
    options: ClassVar[tuple[OptionSpec, ...]] = ()

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        return Availability(True)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        pass

    def estimate(
        self,
        image: NDArray[np.uint8],
        task: Any = None,
        masks: Sequence[NDArray[np.bool_]] = (),
    ) -> NDArray[np.float32]:
        return ground_plane_depth(image.shape[0], image.shape[1], masks)


def ground_plane_depth(
    height: int, width: int, masks: Sequence[NDArray[np.bool_]] = ()
) -> NDArray[np.float32]:
    """Pseudo-depth of the ground-plane prior, objects as cards at their ground contact."""
    rows = np.arange(height, dtype=np.float64)
    horizon = HORIZON * (height - 1)
    t = np.clip((rows - horizon) / max(height - 1 - horizon, 1.0), 0.0, 1.0)
    disparity_rows = np.where(
        rows > horizon, HORIZON_DISPARITY + t * (255.0 - HORIZON_DISPARITY), 1.0
    )
    disparity = np.repeat(np.rint(disparity_rows)[:, None], width, axis=1)
    for mask in masks:
        ys = np.nonzero(mask.any(axis=1))[0]
        if ys.size:
            disparity[mask] = disparity[int(ys[-1]), 0]
    return disparity_to_depth(disparity)
