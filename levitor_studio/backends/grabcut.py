"""The weight-free segmenter: OpenCV GrabCut from a box and/or clicks, plus an automatic mode.

Prompts: a box initialises GrabCut's rectangle; include clicks are painted as sure foreground
and exclude clicks as sure background (discs of a radius proportional to the image). Without a
box the whole image is "probably background" around the include clicks. A prompt that refines
an object's current mask starts from that mask ("probably foreground" inside, "probably
background" around it, sure background far from it and outside a box) with the clicks as hard
seeds on it, and keeps the pieces that touch the old mask or an include click. Candidates: the whole
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
#: colour distance (per channel, 0..255) of the like-coloured region a refining click marks
FLOOD_TOLERANCE = 24


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
        refining = prompt.mask is not None and bool(np.any(prompt.mask))
        if prompt.box is None and not any(c[2] for c in prompt.clicks) and not refining:
            raise InputError("select with a box or at least one include click")
        if prompt.mask is not None and prompt.mask.shape != (h, w):
            raise InputError(f"the mask to refine is {prompt.mask.shape}, the image {(h, w)}")
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
        if refining:
            assert prompt.mask is not None
            _seed_from_mask(mask, prompt, radius)
            _flood_clicks(mask, image, prompt)
        for x, y, positive in prompt.clicks:
            value = cv2.GC_FGD if positive else cv2.GC_BGD
            cv2.circle(mask, (round(x), round(y)), radius, int(value), -1)
        if refining and not np.any((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)):
            raise InputError("that edit would leave nothing of the object: undo it or click again")
        if not np.any((mask == cv2.GC_BGD) | (mask == cv2.GC_PR_BGD)):
            mask[0, :] = cv2.GC_BGD
        bgd = np.zeros((1, 65), np.float64)
        fgd = np.zeros((1, 65), np.float64)
        # a refinement only changes pixels near the object: GrabCut runs on that window
        y0, y1, x0, x1 = 0, h, 0, w
        if refining:
            ys, xs = np.nonzero(mask != cv2.GC_BGD)
            pad = radius + 2
            y0, y1 = max(int(ys.min()) - pad, 0), min(int(ys.max()) + pad + 1, h)
            x0, x1 = max(int(xs.min()) - pad, 0), min(int(xs.max()) + pad + 1, w)
        window = np.ascontiguousarray(mask[y0:y1, x0:x1])
        try:
            cv2.grabCut(
                np.ascontiguousarray(bgr[y0:y1, x0:x1]), window, rect, bgd, fgd, ITERATIONS, mode
            )
            mask[y0:y1, x0:x1] = window
        except cv2.error:
            raise InputError(
                "GrabCut cannot separate object and background from these prompts"
            ) from None
        result = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
        if refining:
            return _refined(result, prompt)
        return _candidates(result, prompt)

    def automatic(
        self, exclude: NDArray[np.bool_] | None = None, min_area_fraction: float = 0.001
    ) -> NDArray[np.int32]:
        return split_static_segments(self._need_image(), exclude, min_area_fraction)


def _seed_from_mask(mask: NDArray[np.uint8], prompt: Prompt, radius: int) -> None:
    """GrabCut's initial labels for refining ``prompt.mask`` (box already painted, if any)."""
    assert prompt.mask is not None
    h, w = mask.shape
    old = prompt.mask
    ys, xs = np.nonzero(old)
    points = [(x, y) for x, y, positive in prompt.clicks if positive]
    x0 = min([int(xs.min()), *(round(x) for x, _ in points)])
    x1 = max([int(xs.max()), *(round(x) for x, _ in points)])
    y0 = min([int(ys.min()), *(round(y) for _, y in points)])
    y1 = max([int(ys.max()), *(round(y) for _, y in points)])
    margin = max(2 * radius, round(0.1 * max(h, w)))
    roi = np.zeros((h, w), bool)
    roi[max(y0 - margin, 0) : y1 + margin + 1, max(x0 - margin, 0) : x1 + margin + 1] = True
    inside_box = mask != cv2.GC_BGD if prompt.box is not None else np.ones((h, w), bool)
    refined = np.full((h, w), cv2.GC_BGD, np.uint8)
    refined[roi & inside_box] = cv2.GC_PR_BGD
    refined[old & inside_box] = cv2.GC_PR_FGD
    if prompt.box is not None:  # a box drawn on the object: its extent, probably foreground
        refined[(mask == cv2.GC_PR_FGD) & roi] = cv2.GC_PR_FGD
        # what the object already holds inside the box stays: a box crops and may add, so a
        # background of the object's own colour outside the box cannot eat it
        refined[old & inside_box] = cv2.GC_FGD
    mask[:] = refined


def _flood_clicks(mask: NDArray[np.uint8], image: NDArray[np.uint8], prompt: Prompt) -> None:
    """The region of like colour around each click, on the side of the mask it changes.

    An exclude click inside the mask marks the like-coloured region it sits in (within the
    mask) probably background, so GrabCut learns that colour as background (a block of floor
    a box grabbed); an include click outside does the opposite.
    """
    assert prompt.mask is not None
    smooth = cv2.GaussianBlur(image, (5, 5), 0)
    h, w = mask.shape
    for x, y, positive in prompt.clicks:
        ix, iy = round(x), round(y)
        if not (0 <= ix < w and 0 <= iy < h):
            continue
        allowed = ~prompt.mask if positive else prompt.mask
        if not allowed[iy, ix]:
            continue
        fill = np.zeros((h + 2, w + 2), np.uint8)
        fill[1:-1, 1:-1][~allowed] = 1  # floodFill does not cross non-zero mask pixels
        flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
        tol = (FLOOD_TOLERANCE,) * 3
        cv2.floodFill(smooth.copy(), fill, (ix, iy), (0, 0, 0), tol, tol, flags)
        region = fill[1:-1, 1:-1] == 255
        mask[region] = cv2.GC_PR_FGD if positive else cv2.GC_PR_BGD


def _refined(result: NDArray[np.bool_], prompt: Prompt) -> list[MaskCandidate]:
    """The pieces of a refinement that touch the old mask or an include click."""
    assert prompt.mask is not None
    count, comp = cv2.connectedComponents(result.astype(np.uint8), connectivity=8)
    keep = set(np.unique(comp[prompt.mask & result]).tolist())
    for x, y, positive in prompt.clicks:
        if positive and 0 <= round(y) < comp.shape[0] and 0 <= round(x) < comp.shape[1]:
            keep.add(int(comp[round(y), round(x)]))
    keep.discard(0)
    refined = np.isin(comp, sorted(keep))
    if not refined.any():
        raise InputError("that edit would leave nothing of the object: undo it or click again")
    return [MaskCandidate(refined, 1.0)]


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
