"""Static segments from overlapping masks: larger first, minimum area, full coverage."""

from __future__ import annotations

import numpy as np
import pytest
from levitor_sam.segments import label_segments, min_area_pixels


def _rect(shape: tuple[int, int], y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    m = np.zeros(shape, dtype=bool)
    m[y0:y1, x0:x1] = True
    return m


def test_larger_mask_wins_the_overlap() -> None:
    shape = (10, 10)
    small = _rect(shape, 0, 4, 0, 4)  # 16 px, given first on purpose
    big = _rect(shape, 2, 10, 2, 10)  # 64 px, overlaps small on rows/cols 2..3
    rest = ~(small | big)
    labels = label_segments([small, big, rest], shape, min_area_fraction=0.01)
    assert labels[big].tolist() == [1] * 64  # the larger mask keeps the overlap
    assert (labels[small & ~big] == 3).all()  # 12 px left to the small one, painted last
    assert (labels[rest] == 2).all()  # 24 px
    assert set(np.unique(labels)) == {1, 2, 3}


def test_segments_under_the_minimum_area_are_dropped_and_absorbed() -> None:
    shape = (20, 20)  # 400 px; 5 % → 20 px minimum
    big = _rect(shape, 0, 20, 0, 12)  # 240 px
    right = _rect(shape, 0, 20, 12, 20)  # 160 px
    speck = _rect(shape, 5, 8, 13, 16)  # 9 px inside `right`: claims nothing, dropped
    labels = label_segments([speck, big, right], shape, min_area_fraction=0.05)
    expected = np.where(big, 1, 2)
    np.testing.assert_array_equal(labels, expected)


def test_unclaimed_regions_become_segments_or_join_a_neighbour() -> None:
    shape = (10, 20)  # 200 px; 10 % → 20 px
    left = _rect(shape, 0, 10, 0, 8)  # 80 px mask
    labels = label_segments([left], shape, min_area_fraction=0.1)
    # the unclaimed right part (120 px) becomes segment 2
    np.testing.assert_array_equal(labels, np.where(left, 1, 2))

    crumb_mask = _rect(shape, 0, 10, 0, 19)  # leaves a 10 px column, under the minimum
    labels = label_segments([crumb_mask], shape, min_area_fraction=0.1)
    np.testing.assert_array_equal(labels, np.ones(shape, dtype=np.int32))


def test_excluded_pixels_stay_zero_and_everything_else_is_covered() -> None:
    rng = np.random.default_rng(3)
    shape = (30, 40)
    masks = [rng.random(shape) < p for p in (0.3, 0.5, 0.1)]
    exclude = _rect(shape, 10, 20, 10, 25)
    labels = label_segments(masks, shape, exclude=exclude, min_area_fraction=0.001)
    assert labels.dtype == np.int32
    assert (labels[exclude] == 0).all()
    assert (labels[~exclude] > 0).all()
    ids, counts = np.unique(labels[~exclude], return_counts=True)
    assert ids.tolist() == list(range(1, len(ids) + 1))
    assert counts.min() >= min_area_pixels(shape, 0.001)


def test_nothing_to_label() -> None:
    shape = (4, 4)
    everything = np.ones(shape, dtype=bool)
    labels = label_segments([everything], shape, exclude=everything)
    assert not labels.any()
    with pytest.raises(ValueError, match="exclude mask"):
        label_segments([], shape, exclude=np.zeros((3, 3), dtype=bool))
