from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from levitor_studio.backends.file_depth import FileDepth
from levitor_studio.backends.grabcut import GrabCutSegmenter, split_static_segments
from levitor_studio.backends.heuristic_depth import ground_plane_depth
from levitor_studio.model.errors import BackendUnavailable, InputError
from levitor_studio.plugin_host import (
    DEPTH,
    GENERATOR,
    SEGMENTER,
    Prompt,
    create_backend,
    list_backends,
)


def _disc_image() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 60, (96, 128, 3), dtype=np.uint8)
    img[..., 2] += 120  # bluish noisy background
    yy, xx = np.mgrid[:96, :128]
    disc = (xx - 60) ** 2 + (yy - 50) ** 2 <= 22**2
    img[disc] = (230, 40, 30)
    return img, disc


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_grabcut_box_and_clicks_find_the_disc() -> None:
    img, disc = _disc_image()
    seg = GrabCutSegmenter()
    seg.set_image(img)
    by_box = seg.segment(Prompt(box=(30, 20, 90, 80)))[0]
    assert _iou(by_box.mask, disc) > 0.9
    by_click = seg.segment(Prompt(clicks=[(60, 50, 1), (5, 5, 0)]))[0]
    assert _iou(by_click.mask, disc) > 0.9 and by_click.score == 1.0


def test_grabcut_refuses_prompts_it_cannot_use() -> None:
    seg = GrabCutSegmenter()
    with pytest.raises(InputError, match="no image"):
        seg.segment(Prompt(box=(0, 0, 5, 5)))
    seg.set_image(_disc_image()[0])
    with pytest.raises(InputError, match="box or at least one include click"):
        seg.segment(Prompt(clicks=[(3, 3, 0)]))
    with pytest.raises(InputError, match="too small"):
        seg.segment(Prompt(box=(3, 3, 4, 4)))


def test_automatic_segments_cover_the_rest_above_the_minimum_area() -> None:
    img, disc = _disc_image()
    labels = split_static_segments(img, exclude=disc, min_area_fraction=0.01)
    assert labels.dtype == np.int32
    assert not labels[disc].any()
    assert labels[~disc].all()  # every pixel outside the object belongs to a segment
    areas = np.bincount(labels.ravel())[1:]
    assert areas.min() >= 0.01 * img.shape[0] * img.shape[1]
    assert np.array_equal(labels, split_static_segments(img, exclude=disc, min_area_fraction=0.01))


def test_ground_plane_depth_is_near_at_the_bottom_and_cards_are_flat() -> None:
    card = np.zeros((100, 40), bool)
    card[50:80, 10:20] = True
    z = ground_plane_depth(100, 40, [card])
    assert z[99, 0] == pytest.approx(1 / 255) and z[0, 0] == 1.0
    column = ground_plane_depth(100, 40)[:, 0]
    assert np.all(np.diff(column[40:]) <= 0)  # nearer towards the bottom below the horizon
    assert np.all(z[card] == z[79, 0])  # the card stands at its ground contact


def test_file_depth_reads_16_bit_disparity_png(tmp_path: Path) -> None:
    disparity = np.array([[0, 65535], [32768, 65535]], np.uint16)
    Image.fromarray(disparity).save(tmp_path / "d.png")
    est = create_backend(DEPTH, "file", {"path": str(tmp_path / "d.png")})
    z = est.estimate(np.zeros((2, 2, 3), np.uint8))
    # min-max to 0..255 → [[0, 255], [127, 255]] → pseudo-depth 1/d with 0 → far (1.0)
    np.testing.assert_allclose(z, [[1.0, 1 / 255], [1 / 127, 1 / 255]], rtol=1e-6)
    assert isinstance(est, FileDepth)


def test_host_lists_from_metadata_and_explains_unavailable_backends() -> None:
    ids = {(b.kind, b.id) for b in list_backends()}
    assert {
        (SEGMENTER, "grabcut"),
        (DEPTH, "heuristic"),
        (DEPTH, "file"),
        (GENERATOR, "preview"),
    } <= ids
    with pytest.raises(BackendUnavailable, match="needs a depth file"):
        create_backend(DEPTH, "file", {})
    with pytest.raises(InputError, match="no depth backend called 'nope'"):
        create_backend(DEPTH, "nope")


@pytest.mark.parametrize(
    "clicks",
    [
        [(-50.0, -50.0, 1)],  # the only include click is off the image
        [(1e300, 5.0, 1)],
        [(float("nan"), 5.0, 1)],
    ],
)
def test_grabcut_refuses_clicks_off_the_image(clicks: list[tuple[float, float, int]]) -> None:
    seg = GrabCutSegmenter()
    seg.set_image(_disc_image()[0])
    with pytest.raises(InputError, match="outside the image"):
        seg.segment(Prompt(clicks=clicks))


def test_grabcut_refuses_a_non_finite_box() -> None:
    seg = GrabCutSegmenter()
    seg.set_image(_disc_image()[0])
    with pytest.raises(InputError, match="box"):
        seg.segment(Prompt(box=(float("nan"), 0.0, 50.0, 50.0)))


def test_depth_estimators_get_masks_only_when_they_take_them() -> None:
    from levitor_studio.plugin_host.protocols import estimate_depth

    image = np.zeros((100, 40, 3), np.uint8)
    card = np.zeros((100, 40), bool)
    card[50:80, 10:20] = True

    class ImageOnly:
        def estimate(self, image: np.ndarray, task: object = None) -> np.ndarray:
            return np.full(image.shape[:2], 0.5)

    class Broken:
        def estimate(
            self, image: np.ndarray, task: object = None, masks: object = ()
        ) -> np.ndarray:
            raise TypeError("a bug inside the backend")

    z = estimate_depth(create_backend(DEPTH, "heuristic"), image, [card])
    assert z.dtype == np.float32 and np.all(z[card] == z[79, 0])  # the card from its mask
    assert np.all(estimate_depth(ImageOnly(), image, [card]) == 0.5)
    with pytest.raises(TypeError, match="a bug inside"):  # not retried without the masks
        estimate_depth(Broken(), image, [card])
