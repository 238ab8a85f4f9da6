"""The weight-free depth estimate: a ground plane, with objects as upright cards.

Assumption (documented in the README): the camera looks at a ground plane whose horizon sits at
``horizon`` of the image height (option, default :data:`HORIZON`; the editor shows it as a line
that can be dragged). Below it disparity rises linearly from near-far at the horizon to 255 at
the bottom row; above it everything is far. Each object mask, when given, is an upright card:

* standing on the floor (its bottom below the horizon with no other object under it), or cut
  off by the bottom edge: at the ground depth of its lowest row;
* held or worn (most of the ring around it is one other object): just in front of that object;
* standing behind another object (its bottom touches that object's top, so its contact with
  the floor is hidden): just behind that object;
* touching nothing and above the horizon (hanging): at the horizon's depth, not "far".

The result is pseudo-depth (``scene-model.md``): ``1 / disparity``, smaller = nearer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.depth_units import disparity_to_depth
from ..model.errors import InputError
from ..model.task_state import TaskState
from ..plugin_host.protocols import DEPTH, Availability, OptionSpec

HORIZON = 0.35
#: disparity at the horizon and above it (8 → pseudo-depth 0.125; sky stays at 1.0)
HORIZON_DISPARITY = 8.0
#: a card in front of (behind) its neighbour has this much more (less) disparity
NEARER = 1.1
#: an object whose ring is more than this share of one other object lies over that object
SURROUNDED = 0.5


def parse_horizon(text: str) -> float:
    """The ``horizon`` option: a fraction of the image height in (0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"heuristic option horizon={text!r}: expected a number") from None
    if not 0.0 < value < 1.0:
        raise InputError(f"heuristic option horizon={text!r}: expected a fraction in (0, 1)")
    return value


class HeuristicDepth:
    id: ClassVar[str] = "heuristic"
    kind: ClassVar[str] = DEPTH
    label: ClassVar[str] = "Ground-plane heuristic (no weights)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec("horizon", "horizon height as a fraction of the image", "text", default="0.35"),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        return Availability(True)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        self.horizon = parse_horizon((options or {}).get("horizon", "") or str(HORIZON))

    def estimate(
        self,
        image: NDArray[np.uint8],
        task: TaskState | None = None,
        masks: Sequence[NDArray[np.bool_]] = (),
    ) -> NDArray[np.float32]:
        return ground_plane_depth(image.shape[0], image.shape[1], masks, self.horizon)


def ground_disparity(height: int, horizon: float = HORIZON) -> NDArray[np.float64]:
    """Per-row disparity of the ground plane (1 = far above the horizon)."""
    rows = np.arange(height, dtype=np.float64)
    line = horizon * (height - 1)
    t = np.clip((rows - line) / max(height - 1 - line, 1.0), 0.0, 1.0)
    ground = np.where(rows > line, HORIZON_DISPARITY + t * (255.0 - HORIZON_DISPARITY), 1.0)
    return np.asarray(np.rint(ground), dtype=np.float64)


def ground_plane_depth(
    height: int,
    width: int,
    masks: Sequence[NDArray[np.bool_]] = (),
    horizon: float = HORIZON,
) -> NDArray[np.float32]:
    """Pseudo-depth of the ground-plane prior, objects as cards (module docstring)."""
    ground = ground_disparity(height, horizon)
    disparity = np.repeat(ground[:, None], width, axis=1)
    for mask, card in zip(masks, card_disparities(masks, ground, horizon), strict=True):
        if card is not None:
            disparity[mask] = card
    return disparity_to_depth(disparity)


def card_disparities(
    masks: Sequence[NDArray[np.bool_]], ground: NDArray[np.float64], horizon: float = HORIZON
) -> list[float | None]:
    """The disparity of each object's card (None for an empty mask)."""
    height = len(ground)
    line = horizon * (height - 1)
    if not masks:
        return []
    gap = max(2, round(0.01 * min(masks[0].shape)))
    cards: list[float | None] = [None] * len(masks)
    relations: dict[int, tuple[str, list[int]]] = {}
    for i, mask in enumerate(masks):
        rows = np.nonzero(mask.any(axis=1))[0]
        if rows.size == 0:
            continue
        bottom = int(rows[-1])
        foot = mask[max(bottom - gap, 0) : bottom + 1].any(axis=0)
        below = slice(bottom + 1, bottom + 1 + gap)
        under = [j for j, m in enumerate(masks) if j != i and m[below][:, foot].any()]
        if bottom >= height - 1 or (bottom > line and not under):
            cards[i] = float(ground[bottom])
            continue
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * gap + 1, 2 * gap + 1))
        ring = (cv2.dilate(mask.astype(np.uint8), kernel) > 0) & ~mask
        ring_size = max(int(ring.sum()), 1)
        shares = [(int((ring & m).sum()) / ring_size, j) for j, m in enumerate(masks) if j != i]
        over = [j for share, j in shares if share > SURROUNDED]
        if over:
            relations[i] = ("front", over)
        elif under:
            relations[i] = ("behind", under)
        else:
            cards[i] = HORIZON_DISPARITY if bottom <= line else float(ground[bottom])
    for _ in range(len(masks)):  # resolve chains (a bowl held by a person behind a dog)
        for i, (how, others) in list(relations.items()):
            known = [cards[j] for j in others if cards[j] is not None]
            if known:
                near = max(k for k in known if k is not None)
                cards[i] = min(near * NEARER, 255.0) if how == "front" else near / NEARER
                del relations[i]
    for i in relations:  # a cycle of objects resting on each other: at the horizon
        cards[i] = HORIZON_DISPARITY
    return cards


def horizon_of(depth: NDArray[np.float32] | None) -> float | None:
    """The horizon (fraction of the height) of a ground-plane map, None for other maps.

    The horizon sits just above the first row whose median is nearer than far: above it the
    ground-plane map is far except for object cards, below it the ground comes nearer.
    """
    if depth is None or depth.shape[0] < 2:
        return None
    near = np.nonzero(np.median(depth, axis=1) < 1.0)[0]
    if near.size == 0 or near[0] == 0:
        return None
    return float((near[0] - 0.5) / (depth.shape[0] - 1))
