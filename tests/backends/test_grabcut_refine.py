"""GrabCut refines the selected object's mask from clicks and a box (issue 14 item 3)."""

from __future__ import annotations

import numpy as np
import pytest

from levitor_studio.backends.grabcut import GrabCutSegmenter
from levitor_studio.model.errors import InputError
from levitor_studio.plugin_host.protocols import Prompt

H, W = 120, 160


def _scene():
    """A red disc (centre (60, 50), radius 25) standing on a grey floor block, on blue."""
    rng = np.random.default_rng(1)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = (40, 60, 170)
    yy, xx = np.mgrid[0:H, 0:W]
    disc = (yy - 50) ** 2 + (xx - 60) ** 2 <= 25**2
    block = (yy >= 76) & (yy < 110) & (xx >= 20) & (xx < 110)
    image[block] = (150, 150, 150)
    image[disc] = (210, 40, 30)
    noisy = image.astype(np.int16) + rng.integers(-6, 7, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8), disc, block


def _iou(a, b):
    return (a & b).sum() / (a | b).sum()


def test_an_exclude_click_removes_the_block_of_floor_a_box_grabbed():
    image, disc, block = _scene()
    seg = GrabCutSegmenter()
    seg.set_image(image)
    grabbed = disc | block  # what a loose box gave: the object and a straight-edged block
    [answer] = seg.segment(Prompt(clicks=[(90.0, 95.0, 0)], mask=grabbed))
    assert _iou(answer.mask, disc) > 0.95
    assert (answer.mask & block & ~disc).sum() < 0.02 * block.sum()


def test_an_include_click_adds_the_part_the_mask_missed():
    image, disc, _block = _scene()
    seg = GrabCutSegmenter()
    seg.set_image(image)
    half = disc & (np.mgrid[0:H, 0:W][1] < 60)  # the left half only
    [answer] = seg.segment(Prompt(clicks=[(75.0, 50.0, 1)], mask=half))
    assert _iou(answer.mask, disc) > 0.95


def test_a_box_on_the_selected_object_limits_it_to_the_box():
    image, disc, block = _scene()
    seg = GrabCutSegmenter()
    seg.set_image(image)
    [answer] = seg.segment(Prompt(box=(30.0, 20.0, 92.0, 78.0), mask=disc | block))
    assert not answer.mask[:, 93:].any() and not answer.mask[79:].any()
    assert _iou(answer.mask, disc) > 0.9


def test_a_refinement_that_leaves_nothing_says_so():
    image, disc, _block = _scene()
    seg = GrabCutSegmenter()
    seg.set_image(image)
    tiny = np.zeros((H, W), bool)
    tiny[50, 60] = True
    with pytest.raises(InputError, match="would leave nothing of the object"):
        seg.segment(Prompt(clicks=[(60.0, 50.0, 0)], mask=tiny))


def test_a_box_keeps_what_the_object_holds_inside_it_even_in_the_backgrounds_colour():
    # a black helmet with a white rim and a black block above it, both in the mask (what a loose
    # box gave); a box drawn on the helmet leaves the block out: the black outside the box must
    # not teach GrabCut that the helmet's black is background (the astronaut photo did that)
    rng = np.random.default_rng(3)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = (200, 190, 180)
    yy, xx = np.mgrid[0:H, 0:W]
    helmet = (yy - 85) ** 2 + (xx - 100) ** 2 <= 32**2
    rim = helmet & ((yy - 85) ** 2 + (xx - 100) ** 2 >= 27**2)
    block = (yy >= 15) & (yy < 55) & (xx >= 80)
    image[xx < 70] = (230, 90, 40)
    image[helmet | block] = (12, 12, 14)
    image[rim] = (235, 235, 235)
    image = np.clip(image.astype(int) + rng.integers(-8, 9, image.shape), 0, 255).astype(np.uint8)
    seg = GrabCutSegmenter()
    seg.set_image(image)
    [answer] = seg.segment(Prompt(box=(60.0, 56.0, 160.0, 120.0), mask=helmet | block))
    assert answer.mask[helmet].mean() > 0.95
    assert not answer.mask[block].any()
