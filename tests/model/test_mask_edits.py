"""Grow / shrink / feather by N pixels (issue 14 item 3), with independent geometry."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model.errors import InputError
from levitor_studio.model.mask_edits import ReshapeMask
from levitor_studio.model.scene import snapshot


def _distance_to_box(y0, y1, x0, x1, shape):
    """Euclidean distance of each pixel centre to the nearest pixel of rows y0..y1-1, cols x0..x1-1."""
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    dy = np.maximum(np.maximum(y0 - yy, yy - (y1 - 1)), 0)
    dx = np.maximum(np.maximum(x0 - xx, xx - (x1 - 1)), 0)
    return np.hypot(dx, dy)


def test_grow_adds_every_pixel_within_n_and_undo_restores():
    scene = make_scene()
    a = scene.objects[0]  # rows 10..19, cols 10..19
    before = snapshot(scene)
    inverse = ReshapeMask(a.uid, "grow", 3).apply(scene)
    assert np.array_equal(a.mask, _distance_to_box(10, 20, 10, 20, a.mask.shape) <= 3)
    # a 16×16 square less, at each corner, the 5 of its 3×3 pixels farther than 3: (1,3), (2,3),
    # (3,3), (3,2), (3,1)
    assert a.area() == 16 * 16 - 4 * 5
    inverse.apply(scene)
    assert snapshot(scene) == before


def test_shrink_keeps_pixels_farther_than_n_from_outside():
    scene = make_scene()
    a = scene.objects[0]
    ReshapeMask(a.uid, "shrink", 2).apply(scene)
    expected = np.zeros_like(a.mask)
    expected[12:18, 12:18] = True
    assert np.array_equal(a.mask, expected)


def test_feather_removes_a_thin_spike_and_keeps_the_body():
    scene = make_scene()
    a = scene.objects[0]
    mask = a.mask.copy()
    mask[5:10, 14] = True  # a one-pixel spike above the square
    scene.objects[0].mask = mask
    ReshapeMask(a.uid, "feather", 4).apply(scene)
    assert not a.mask[5:9, 14].any()
    assert a.mask[12:18, 12:18].all() and not a.mask[:, :8].any() and not a.mask[:, 22:].any()


def test_reshape_refusals_say_why():
    scene = make_scene()
    a = scene.objects[0]
    with pytest.raises(InputError, match="shrink by 5 px would leave nothing of a"):
        ReshapeMask(a.uid, "shrink", 5).apply(scene)
    with pytest.raises(InputError, match=r"grow by 0 px: choose 1…64 px"):
        ReshapeMask(a.uid, "grow", 0).apply(scene)
    with pytest.raises(InputError, match="mask operation 'blur'"):
        ReshapeMask(a.uid, "blur", 2).apply(scene)
    assert ReshapeMask(a.uid, "grow", 2).label == "Grow mask 2 px"
