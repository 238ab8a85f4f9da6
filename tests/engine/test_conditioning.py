"""The conditioning tensor (reference §6): bit-exact against the original's output."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from levitor_original import original_heatmap, original_template
from scenes import REFERENCE

from levitor_studio.engine.conditioning import (
    build_conditioning,
    flatten_points,
    gaussian_template,
)
from levitor_studio.model.errors import InputError

HEATMAP_FIXTURE = REFERENCE / "levitor_heatmap_reference.npz"


def test_bit_exact_against_the_reference_fixture() -> None:
    with np.load(HEATMAP_FIXTURE, allow_pickle=False) as npz:
        points = [np.array(p, dtype=np.int64) for p in json.loads(str(npz["points"]))]
        width, height, side = int(npz["width"]), int(npz["height"]), int(npz["side"])
        expected = npz["expected"]
    got = build_conditioning(points, width, height, side)
    assert got.dtype == np.float32 and got.shape == (16, 3, 512, 288) == expected.shape
    np.testing.assert_array_equal(got, expected.astype(np.float32))
    # resized to 20×20 the peak reads 254; ids and depths are written on the support
    assert got[:, 0].max() == 254 and got[:, 1].max() == 8 and got[:, 2].max() == 255


def test_template_is_the_original_bump() -> None:
    template = gaussian_template()
    np.testing.assert_array_equal(template, original_template())
    assert template.shape == (200, 200) and template[100, 100] == 255
    assert template[0, 0] == 0 and template[100, 0] > 0  # clipped to the inscribed disc


def random_points(rng: np.random.Generator, frames: int, w: int, h: int) -> list[list[list[int]]]:
    out = []
    for _ in range(frames):
        n = int(rng.integers(0, 25))
        rows = rng.integers(-5, h + 5, n)
        cols = rng.integers(-5, w + 5, n)
        out.append(
            [
                [int(r), int(c), int(rng.integers(0, 256)), int(rng.integers(0, 256))]
                for r, c in zip(rows, cols, strict=True)
            ]
        )
    return out


@pytest.mark.parametrize(("w", "h", "side"), [(48, 40, 10), (33, 57, 6), (30, 30, 3)])
def test_matches_pasting_point_by_point(w: int, h: int, side: int) -> None:
    """Overlaps (the later box overwrites, zeros included), borders (squashed boxes) and
    points outside the frame behave as the original's sequential pasting."""
    pts = random_points(np.random.default_rng(w * h + side), 5, w, h)
    got = build_conditioning([np.array(p, dtype=np.int64).reshape(-1, 4) for p in pts], w, h, side)
    np.testing.assert_array_equal(got, original_heatmap(pts, w, h, side))


def test_later_point_overwrites_the_whole_box() -> None:
    pts = [np.array([[20, 20, 7, 100], [20, 26, 9, 0]])]
    got = build_conditioning(pts, 64, 48)
    patch = cv2.resize(gaussian_template(), (20, 20))
    np.testing.assert_array_equal(got[0, 0, 10:30, 16:36], patch)
    assert np.all(got[0, 2, 10:30, 16:36] == 0)  # the second point's depth 0 wins everywhere
    ids = got[0, 1, 10:30, 16:36]
    np.testing.assert_array_equal(ids, np.where(patch != 0, 9, 0))
    assert got[0, 1, 20, 12] == 7  # left of the second box the first point shows


def test_border_box_is_clamped_and_squashed() -> None:
    got = build_conditioning([np.array([[0, 0, 1, 5]])], 40, 30)
    # x1 = max(-10, 1) = 1 .. x2 = 10: the whole bump squeezed into 9×9 at (1, 1)
    np.testing.assert_array_equal(got[0, 0, 1:10, 1:10], cv2.resize(gaussian_template(), (9, 9)))
    assert got[0, 0].sum() == got[0, 0, 1:10, 1:10].sum()
    assert got[0, 0, 0].max() == 0 and got[0, 0, :, 0].max() == 0


def test_points_outside_are_skipped_and_frames_without_points_are_zero() -> None:
    pts = [np.array([[-1, 5, 1, 1], [5, 40, 1, 1], [30, 5, 1, 1]]), np.zeros((0, 4), np.int64)]
    got = build_conditioning(pts, 40, 30)
    assert got.shape == (2, 3, 30, 40) and not got.any()


def test_flatten_points_keeps_frame_order() -> None:
    frame, table = flatten_points([np.array([[1, 2, 3, 4]]), np.zeros((0, 4)), np.ones((2, 4))])
    assert frame.tolist() == [0, 2, 2]
    assert table.tolist() == [[1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1]]


def test_ids_and_depths_must_fit_the_channels() -> None:
    with pytest.raises(InputError, match="0..255"):
        build_conditioning([np.array([[5, 5, 300, 0]])], 20, 20)
    with pytest.raises(InputError):
        build_conditioning([np.array([[5, 5, 1, 0]])], 1, 20)
