"""The ``depth-anything-v2`` backend through the plugin host, with a tiny random model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from levitor_depth_anything import inference
from levitor_depth_anything.backend import DepthAnythingEstimator
from levitor_depth_anything.inference import model_input_size, to_pseudo_depth

from levitor_studio.model.depth_units import Z_MIN
from levitor_studio.model.errors import Cancelled, InputError
from levitor_studio.plugin_host.host import create_backend, find_backend
from levitor_studio.plugin_host.protocols import DepthEstimator
from levitor_studio.tasks.state import TaskState


@pytest.fixture
def depth(tiny_depth_dir: Path) -> DepthAnythingEstimator:
    backend = create_backend(
        "depth", "depth-anything-v2", {"model_dir": str(tiny_depth_dir), "device": "cpu"}
    )
    assert isinstance(backend, DepthAnythingEstimator)
    return backend


def _record_inputs(backend: DepthAnythingEstimator) -> list[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    backend._ensure_model().register_forward_pre_hook(
        lambda _m, _a, kwargs: seen.append(tuple(kwargs["pixel_values"].shape)), with_kwargs=True
    )
    return seen


def test_registered_and_available(tiny_depth_dir: Path, tmp_path: Path) -> None:
    info = find_backend("depth", "depth-anything-v2")
    assert info.distribution == "levitor-studio-depth-anything"
    assert info.load_class() is DepthAnythingEstimator
    assert "no Depth Anything folder" in info.availability({}).reason
    absent = info.availability({"model_dir": str(tmp_path / "nothing")})
    assert not absent.ok and "does not exist" in absent.reason
    assert info.availability({"model_dir": str(tiny_depth_dir)}).ok
    options = {o.name: o for o in DepthAnythingEstimator.options}
    assert options["input_size"].default == "518"
    assert options["input_size"].choices == ("518", "512")


def test_hand_computed_pseudo_depth() -> None:
    raw = np.array([[2.0, 4.0], [6.0, 10.0]])
    # min-max to 0..255 then truncate: 0, 63.75 → 63, 127.5 → 127, 255; z = 1 / d, d = 0 → 1
    expected = np.array([[1.0, 1 / 63], [1 / 127, 1 / 255]], dtype=np.float32)
    np.testing.assert_array_equal(to_pseudo_depth(raw), expected)
    np.testing.assert_array_equal(to_pseudo_depth(np.full((2, 2), 7.0)), np.ones((2, 2)))


def test_estimate_converts_the_model_output(
    depth: DepthAnythingEstimator, image: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = np.linspace(2.0, 10.0, image.shape[0] * image.shape[1]).reshape(image.shape[:2])
    raw[0, :4] = [2.0, 4.0, 6.0, 10.0]
    monkeypatch.setattr(inference, "run_model", lambda *_a: raw)
    z = depth.estimate(image)
    assert z[0, :4].tolist() == pytest.approx([1.0, 1 / 63, 1 / 127, 1 / 255], abs=0, rel=1e-7)


def test_estimate_with_the_tiny_model(depth: DepthAnythingEstimator, image: np.ndarray) -> None:
    assert isinstance(depth, DepthEstimator)
    assert depth.variant == "custom"
    z = depth.estimate(image)
    assert z.shape == image.shape[:2] and z.dtype == np.float32
    assert z.min() == np.float32(Z_MIN) and z.max() == np.float32(1.0)
    # every value is 1 / d for an integer disparity d in 1..255
    d = np.rint(1.0 / z.astype(np.float64))
    assert d.min() >= 1 and d.max() <= 255
    np.testing.assert_array_equal(z, (1.0 / d).astype(np.float32))
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_input_sizes_follow_the_original_rule(tiny_depth_dir: Path, image: np.ndarray) -> None:
    # 40 × 56 at 518: scale 12.95 → 518 × 725.2 → multiples of 14: 518 × 728
    assert model_input_size(40, 56, 518) == (518, 728)
    # at 512 (the demo): scale 12.8 → 512 × 716.8 → 518 × 714 (512 is not a multiple of 14)
    assert model_input_size(40, 56, 512) == (518, 714)
    assert model_input_size(512, 288, 518) == (924, 518)  # a portrait working image
    assert model_input_size(512, 288, 512) == (910, 518)
    for size, expected in (("518", (1, 3, 518, 728)), ("512", (1, 3, 518, 714))):
        backend = DepthAnythingEstimator({"model_dir": str(tiny_depth_dir), "input_size": size})
        seen = _record_inputs(backend)
        assert backend.estimate(image).shape == image.shape[:2]
        assert seen == [expected]


def test_cached_per_image(depth: DepthAnythingEstimator, image: np.ndarray) -> None:
    seen = _record_inputs(depth)
    first = depth.estimate(image)
    first[:] = 0.5  # callers get copies: the cache is not corrupted
    again = depth.estimate(image.copy())
    assert len(seen) == 1
    assert again.min() == np.float32(Z_MIN)
    depth.estimate(np.ascontiguousarray(image[::-1]))
    assert len(seen) == 2


def test_progress_and_cancel(depth: DepthAnythingEstimator, image: np.ndarray) -> None:
    seen: list[float] = []
    depth.estimate(image, TaskState(on_progress=lambda f, _m: seen.append(f)))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert len(seen) >= 2 + 4  # start, the 4 backbone layers, done
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        depth.estimate(np.ascontiguousarray(image[:, ::-1]), task)
    assert depth.estimate(np.ascontiguousarray(image[:, ::-1])).shape == image.shape[:2]


def test_bad_input(tiny_depth_dir: Path, image: np.ndarray) -> None:
    folder = {"model_dir": str(tiny_depth_dir)}
    with pytest.raises(InputError, match="expected 518 or 512"):
        DepthAnythingEstimator({**folder, "input_size": "600"})
    with pytest.raises(InputError, match="expected auto, cpu or cuda"):
        DepthAnythingEstimator({**folder, "device": "tpu"})
    with pytest.raises(InputError, match="RGB uint8"):
        DepthAnythingEstimator(folder).estimate(image[..., 0])
    if not torch.cuda.is_available():
        from levitor_studio.model.errors import BackendUnavailable

        with pytest.raises(BackendUnavailable, match="no CUDA GPU"):
            DepthAnythingEstimator({**folder, "device": "cuda"}).estimate(image)
