"""The ``sam`` backend through the plugin host, with a tiny random SAM checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from levitor_sam.backend import SamSegmenter
from levitor_sam.checkpoint import load_sam
from levitor_sam.segments import label_segments, min_area_pixels
from segment_anything import SamAutomaticMaskGenerator

from levitor_studio.model.errors import BackendUnavailable, Cancelled, InputError
from levitor_studio.plugin_host.host import create_backend, find_backend
from levitor_studio.plugin_host.protocols import Prompt, Segmenter
from levitor_studio.tasks.state import TaskState

AUTO = {"points_per_side": "4", "auto_iou_thresh": "0", "auto_stability_thresh": "0"}


@pytest.fixture
def sam(tiny_sam_checkpoint: Path) -> SamSegmenter:
    backend = create_backend(
        "segmenter", "sam", {"checkpoint": str(tiny_sam_checkpoint), "device": "cpu", **AUTO}
    )
    assert isinstance(backend, SamSegmenter)
    return backend


def _count_embeddings(backend: SamSegmenter) -> list[int]:
    calls = [0]
    backend._ensure_model().model.image_encoder.register_forward_hook(
        lambda *_: calls.__setitem__(0, calls[0] + 1)
    )
    return calls


def test_registered_and_available(tiny_sam_checkpoint: Path, tmp_path: Path) -> None:
    info = find_backend("segmenter", "sam")
    assert info.distribution == "levitor-studio-sam"
    assert info.load_class() is SamSegmenter
    assert not info.availability({}).ok
    assert "no SAM checkpoint" in info.availability({}).reason
    missing = info.availability({"checkpoint": str(tmp_path / "nope.pth")})
    assert not missing.ok and "does not exist" in missing.reason
    assert info.availability({"checkpoint": str(tiny_sam_checkpoint)}).ok
    assert {o.name for o in SamSegmenter.options} >= {"checkpoint", "device"}


def test_satisfies_the_segmenter_protocol(sam: SamSegmenter) -> None:
    assert isinstance(sam, Segmenter)
    assert sam._model is None  # weights load lazily, on first use


def test_box_prompt_gives_image_sized_masks_best_first(
    sam: SamSegmenter, image: np.ndarray
) -> None:
    sam.set_image(image)
    assert sam.variant == "custom"
    found = sam.segment(Prompt(box=(20.0, 8.0, 44.0, 34.0)))
    assert len(found) == 4  # the single-mask answer plus three alternatives
    for cand in found:
        assert cand.mask.shape == image.shape[:2] and cand.mask.dtype == np.bool_
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    one_click = sam.segment(Prompt(clicks=[(30.0, 20.0, 1)]))
    assert len(one_click) == 3
    assert [c.score for c in one_click] == sorted((c.score for c in one_click), reverse=True)


def test_candidates_are_segment_anythings_own_masks(sam: SamSegmenter, image: np.ndarray) -> None:
    sam.set_image(image)
    predictor = sam._require_image()
    box = np.array([20.0, 8.0, 44.0, 34.0])
    single, s1, _ = predictor.predict(box=box, multimask_output=False)
    multi, s3, _ = predictor.predict(box=box, multimask_output=True)
    expected = sorted(zip([*single, *multi], [*s1, *s3], strict=True), key=lambda t: -t[1])
    found = sam.segment(Prompt(box=(20.0, 8.0, 44.0, 34.0)))
    for cand, (mask, score) in zip(found, expected, strict=True):
        np.testing.assert_array_equal(cand.mask, mask)
        assert cand.score == pytest.approx(float(score), abs=1e-6)
    click = np.array([[30.0, 20.0]])
    multi, s3, _ = predictor.predict(click, np.array([1]), multimask_output=True)
    found = sam.segment(Prompt(clicks=[(30.0, 20.0, 1)]))
    order = np.argsort(-s3, kind="stable")
    for cand, i in zip(found, order, strict=True):
        np.testing.assert_array_equal(cand.mask, multi[i])


def test_embedding_is_computed_once_per_image(sam: SamSegmenter, image: np.ndarray) -> None:
    calls = _count_embeddings(sam)
    sam.set_image(image)
    first = sam.segment(Prompt(clicks=[(30.0, 20.0, 1)]))
    sam.segment(Prompt(clicks=[(30.0, 20.0, 1), (5.0, 5.0, 0)]))
    sam.segment(Prompt(clicks=[(10.0, 30.0, 1)], box=(0.0, 0.0, 40.0, 39.0)))
    sam.automatic(min_area_fraction=0.01)
    sam.set_image(image.copy())  # same pixels, new array: still cached
    assert calls[0] == 1
    other = np.ascontiguousarray(image[::-1])
    sam.set_image(other)
    assert calls[0] == 2
    sam.set_image(image)  # back to the first image: its embedding comes from the cache
    assert calls[0] == 2
    again = sam.segment(Prompt(clicks=[(30.0, 20.0, 1)]))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a.mask, b.mask)
        assert a.score == b.score


def test_embedding_reports_progress_and_can_be_cancelled(
    sam: SamSegmenter, image: np.ndarray
) -> None:
    seen: list[float] = []
    sam.set_image(image, TaskState(on_progress=lambda f, _msg: seen.append(f)))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and len(seen) >= 2 + 2  # start, each ViT block, done

    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        sam.set_image(np.ascontiguousarray(image[:, ::-1]), task)
    # the previous image is still usable after a cancelled embedding
    assert len(sam.segment(Prompt(clicks=[(30.0, 20.0, 1)]))) == 3


def test_automatic_matches_segment_anything_and_covers_the_image(
    sam: SamSegmenter, tiny_sam_checkpoint: Path, image: np.ndarray
) -> None:
    exclude = np.zeros(image.shape[:2], dtype=bool)
    exclude[10:30, 22:38] = True
    sam.set_image(image)
    labels = sam.automatic(exclude=exclude, min_area_fraction=0.02)

    # the same masks straight from segment_anything (its own embedding), then our labelling
    model, _ = load_sam(tiny_sam_checkpoint)
    generator = SamAutomaticMaskGenerator(
        model, points_per_side=4, pred_iou_thresh=0.0, stability_score_thresh=0.0
    )
    records = generator.generate(image)
    assert records  # the random model does produce masks to resolve
    expected = label_segments((r["segmentation"] for r in records), image.shape[:2], exclude, 0.02)
    np.testing.assert_array_equal(labels, expected)
    # and the rule itself, written out from the records (not from label_segments): the largest
    # mask is painted first and keeps every free pixel it covers (id 1); the next keeps the free
    # pixels the first left (id 2), when each reaches the minimum area
    smallest = min_area_pixels(image.shape[:2], 0.02)
    by_area = sorted((r["segmentation"] for r in records), key=lambda m: -int(m.sum()))
    taken = exclude.copy()
    next_id = 1
    for mask in by_area[:2]:
        claim = mask & ~taken
        if claim.sum() >= smallest:  # a mask under the minimum claims nothing
            assert (labels[claim] == next_id).all()
            next_id += 1
            taken |= claim
    assert next_id > 1  # the rule was exercised

    assert labels.dtype == np.int32 and labels.shape == image.shape[:2]
    assert (labels[exclude] == 0).all() and (labels[~exclude] > 0).all()
    ids, counts = np.unique(labels[~exclude], return_counts=True)
    assert ids.tolist() == list(range(1, len(ids) + 1))
    assert counts.min() >= min_area_pixels(image.shape[:2], 0.02)


def test_bad_input_is_a_clear_error(sam: SamSegmenter, image: np.ndarray) -> None:
    with pytest.raises(InputError, match="no image set"):
        sam.segment(Prompt(clicks=[(1.0, 1.0, 1)]))
    with pytest.raises(InputError, match="RGB uint8"):
        sam.set_image(image.astype(np.float32))  # type: ignore[arg-type]
    sam.set_image(image)
    with pytest.raises(InputError, match="at least one click or a box"):
        sam.segment(Prompt())
    with pytest.raises(InputError, match="1 \\(include\\) or 0"):
        sam.segment(Prompt(clicks=[(1.0, 1.0, 2)]))
    with pytest.raises(InputError, match=r"click \(60, 5\) is outside the 56×40 image"):
        sam.segment(Prompt(clicks=[(10.0, 5.0, 1), (60.0, 5.0, 1)]))
    with pytest.raises(InputError, match="no area on the image"):
        sam.segment(Prompt(box=(70.0, 0.0, 90.0, 20.0)))
    clipped = sam.segment(Prompt(box=(-10.0, -10.0, 30.0, 30.0)))
    np.testing.assert_array_equal(
        clipped[0].mask, sam.segment(Prompt(box=(0.0, 0.0, 30.0, 30.0)))[0].mask
    )
    with pytest.raises(InputError, match="does not match the image"):
        sam.automatic(exclude=np.zeros((3, 3), dtype=bool))


def test_bad_options(tiny_sam_checkpoint: Path) -> None:
    base = {"checkpoint": str(tiny_sam_checkpoint)}
    with pytest.raises(InputError, match="points_per_side"):
        SamSegmenter({**base, "points_per_side": "many"})
    with pytest.raises(InputError, match="between 0 and 1"):
        SamSegmenter({**base, "auto_iou_thresh": "2"})
    with pytest.raises(InputError, match="expected auto, cpu or cuda"):
        SamSegmenter({**base, "device": "tpu"})._ensure_model()
    if not torch.cuda.is_available():
        with pytest.raises(BackendUnavailable, match="no CUDA GPU"):
            SamSegmenter({**base, "device": "cuda"})._ensure_model()


def test_refining_gives_sam_the_previous_answers_low_res_mask(
    sam: SamSegmenter, image: np.ndarray
) -> None:
    sam.set_image(image)
    predictor = sam._require_image()
    box = np.array([20.0, 8.0, 44.0, 34.0])
    single, _s, low = predictor.predict(box=box, multimask_output=False)
    first = sam.segment(Prompt(box=tuple(box)))
    assert any(np.array_equal(c.mask, single[0]) for c in first)
    # an exclude click on that answer: box, click and the answer's own logits in one prompt
    refined = sam.segment(Prompt(clicks=[(30.0, 20.0, 0)], box=tuple(box), mask=single[0]))
    expected, _s, _l = predictor.predict(
        np.array([[30.0, 20.0]]), np.array([0]), box, mask_input=low, multimask_output=False
    )
    assert any(np.array_equal(c.mask, expected[0]) for c in refined)


def test_a_painted_mask_reaches_sam_as_low_res_logits(sam: SamSegmenter, image: np.ndarray) -> None:
    from levitor_sam.predictor import MASK_LOGIT

    sam.set_image(image)
    predictor = sam._require_image()
    # 40 × 56 → the 64 px input is 46 × 64 (padded below); the mask input is 16 × 16
    assert tuple(predictor.input_size) == (46, 64)
    logits = predictor.mask_logits(np.ones(image.shape[:2], bool))
    assert logits.shape == (1, 16, 16)
    assert np.all(logits[0, :11] == MASK_LOGIT) and np.all(logits[0, 12:] == -MASK_LOGIT)
    painted = np.zeros(image.shape[:2], bool)
    painted[10:30, 20:40] = True
    found = sam.segment(Prompt(clicks=[(30.0, 20.0, 1)], mask=painted))
    expected, _s, _l = predictor.predict(
        np.array([[30.0, 20.0]]),
        np.array([1]),
        mask_input=predictor.mask_logits(painted),
        multimask_output=False,
    )
    assert any(np.array_equal(c.mask, expected[0]) for c in found)
