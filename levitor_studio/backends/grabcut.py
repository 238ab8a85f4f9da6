"""The weight-free segmenter: OpenCV GrabCut from a box and/or clicks, plus an automatic mode.

Prompts: a box initialises GrabCut's rectangle; include clicks are painted as sure foreground
and exclude clicks as sure background (discs of a radius proportional to the image). Without a
box the whole image is "probably background" around the include clicks. Candidates: the whole
GrabCut result, then its connected component under the include clicks (best first by score =
how many include clicks they hold, then larger area).

Automatic mode splits the image into static segments: k-means on colour (Lab) and position on
a downsampled copy, split into connected components, components under the minimum area merged
away; overlaps with ``exclude`` (the objects) are left unlabelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import cv2
import numpy as np
from numpy.typing import NDArray

from ..model.errors import InputError
from ..model.task_state import TaskState
from ..plugin_host.protocols import SEGMENTER, Availability, MaskCandidate, OptionSpec, Prompt

ITERATIONS = 5


class GrabCutSegmenter:
    id: ClassVar[str] = "grabcut"
    kind: ClassVar[str] = SEGMENTER
    label: ClassVar[str] = "GrabCut (classical, no weights)"
    options: ClassVar[tuple[OptionSpec, ...]] = ()

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        return Availability(True)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        self._image: NDArray[np.uint8] | None = None

    def set_image(self, image: NDArray[np.uint8], task: TaskState | None = None) -> None:
        if image.ndim != 3 or image.shape[2] != 3:
            raise InputError("segmenter needs an RGB image")
        self._image = np.ascontiguousarray(image)

    def _need_image(self) -> NDArray[np.uint8]:
        if self._image is None:
            raise InputError("no image set: open an image before selecting objects")
        return self._image

    def segment(self, prompt: Prompt) -> list[MaskCandidate]:
        image = self._need_image()
        h, w = image.shape[:2]
        if prompt.box is None and not any(c[2] for c in prompt.clicks):
            raise InputError("select with a box or at least one include click")
        if prompt.box is not None and not all(np.isfinite(v) for v in prompt.box):
            raise InputError("the box needs finite coordinates")
        for x, y, _ in prompt.clicks:
            # an include click off the image paints nothing and GrabCut then fails outright
            if not (np.isfinite(x) and np.isfinite(y) and 0 <= round(x) < w and 0 <= round(y) < h):
                raise InputError(f"click ({x:g}, {y:g}) is outside the image ({w}x{h})")
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
        radius = max(2, round(min(h, w) * 0.02))
        mode = cv2.GC_INIT_WITH_MASK
        rect = (0, 0, 1, 1)
        if prompt.box is not None:
            x0, y0, x1, y1 = (round(v) for v in prompt.box)
            x0, x1 = sorted((min(max(x0, 0), w - 1), min(max(x1, 0), w)))
            y0, y1 = sorted((min(max(y0, 0), h - 1), min(max(y1, 0), h)))
            if x1 - x0 < 2 or y1 - y0 < 2:
                raise InputError("the box is too small: drag a larger rectangle")
            mask[:] = cv2.GC_BGD
            mask[y0:y1, x0:x1] = cv2.GC_PR_FGD
            rect = (x0, y0, x1 - x0, y1 - y0)
        for x, y, positive in prompt.clicks:
            value = cv2.GC_FGD if positive else cv2.GC_BGD
            cv2.circle(mask, (round(x), round(y)), radius, int(value), -1)
        if not np.any((mask == cv2.GC_BGD) | (mask == cv2.GC_PR_BGD)):
            mask[0, :] = cv2.GC_BGD
        bgd = np.zeros((1, 65), np.float64)
        fgd = np.zeros((1, 65), np.float64)
        try:
            cv2.grabCut(bgr, mask, rect, bgd, fgd, ITERATIONS, mode)
        except cv2.error:
            raise InputError(
                "GrabCut cannot separate object and background from these prompts"
            ) from None
        result = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
        return _candidates(result, prompt)

    def automatic(
        self, exclude: NDArray[np.bool_] | None = None, min_area_fraction: float = 0.001
    ) -> NDArray[np.int32]:
        return split_static_segments(self._need_image(), exclude, min_area_fraction)


def _candidates(result: NDArray[np.bool_], prompt: Prompt) -> list[MaskCandidate]:
    includes = [(round(x), round(y)) for x, y, p in prompt.clicks if p]
    candidates = [result]
    count, comp = cv2.connectedComponents(result.astype(np.uint8), connectivity=8)
    if count > 2:
        hits = {
            comp[y, x] for x, y in includes if 0 <= y < comp.shape[0] and 0 <= x < comp.shape[1]
        }
        hits.discard(0)
        if not hits:  # box only: the largest component
            sizes = np.bincount(comp.ravel())[1:]
            hits = {int(np.argmax(sizes)) + 1}
        candidates.append(np.isin(comp, sorted(hits)))

    def score(m: NDArray[np.bool_]) -> float:
        inside = sum(
            bool(m[y, x]) for x, y in includes if 0 <= y < m.shape[0] and 0 <= x < m.shape[1]
        )
        return (inside + 1) / (len(includes) + 1)

    scored = [MaskCandidate(m, score(m)) for m in candidates if m.any()]
    scored.sort(key=lambda c: (-c.score, -int(c.mask.sum())))
    return scored


def split_static_segments(
    image: NDArray[np.uint8],
    exclude: NDArray[np.bool_] | None = None,
    min_area_fraction: float = 0.001,
    clusters: int = 8,
) -> NDArray[np.int32]:
    """Static segments as an int32 label map (0 = excluded or too small), larger ids later."""
    h, w = image.shape[:2]
    scale = min(1.0, 160.0 / max(h, w))
    sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    pos = np.stack([xx.ravel(), yy.ravel()], axis=1) * (100.0 / max(sw, sh))
    feats = np.concatenate([lab, pos], axis=1)
    k = min(clusters, len(feats))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    # deterministic: fixed RNG seed and k-means++ centres
    cv2.setRNGSeed(0)
    _, assign, _ = cv2.kmeans(feats, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    coarse = cv2.resize(
        assign.reshape(sh, sw).astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST
    )
    labels = np.zeros((h, w), np.int32)
    next_id = 1
    min_area = max(1, int(np.ceil(min_area_fraction * h * w)))
    allowed = np.ones((h, w), bool) if exclude is None else ~exclude
    for c in range(k):
        region = ((coarse == c) & allowed).astype(np.uint8)
        n, comp, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=4)
        for j in np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1:
            if stats[j, cv2.CC_STAT_AREA] < min_area:
                break
            labels[comp == j] = next_id
            next_id += 1
    return _absorb_small(labels, allowed)


def _absorb_small(labels: NDArray[np.int32], allowed: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Give unlabelled allowed pixels (small pieces) the label of their nearest segment."""
    holes = allowed & (labels == 0)
    if not holes.any() or not labels.any():
        return labels
    dist_src = (labels == 0).astype(np.uint8)
    _, nearest = cv2.distanceTransformWithLabels(
        dist_src, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    ys, xs = np.nonzero(labels)
    lookup = np.zeros(int(nearest.max()) + 1, np.int32)
    lookup[nearest[ys, xs]] = labels[ys, xs]
    out = labels.copy()
    out[holes] = lookup[nearest[holes]]
    return out
