"""Precision: the plan that picks it, the weights each regime loads, and a mixed-dtype run."""

from __future__ import annotations

import numpy as np
import PIL.Image
import pytest
import torch
from levitor_svd import backend as backend_module
from levitor_svd.backend import LeviTorSVDGenerator
from levitor_svd.folders import check_folders
from levitor_svd.loading import load_pipeline
from levitor_svd.memory import component_dtypes, estimate

from levitor_studio.model.errors import BackendUnavailable

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _planner(options, monkeypatch, free: int, **extra: str) -> LeviTorSVDGenerator:
    gen = LeviTorSVDGenerator({**options, "decode-chunk": "1", **extra})
    gen._layout = check_folders(options["svd"], options["controlnet"])
    monkeypatch.setattr(backend_module, "free_memory", lambda device: free)
    return gen


def test_auto_precision_is_autocast_when_it_fits_else_fp16(options, monkeypatch) -> None:
    # 16 frames decoded one at a time: denoising is the largest phase, where precision matters
    layout = check_folders(options["svd"], options["controlnet"])

    def peak(precision: str, offload: str) -> int:
        e = estimate(layout, 16, 64, 64, precision, True, offload, 1)  # type: ignore[arg-type]
        assert e.peak == e.phases["denoise"]
        return e.peak

    def plan(free: int, **extra: str) -> tuple[str, str, int]:
        gen = _planner(options, monkeypatch, free, **extra)
        precision, offload, chunk, _need = gen._plan_memory("cuda", "auto", 16, 64, 64, True)
        return precision, offload, chunk

    assert plan(10**12) == ("autocast", "none", 1)
    assert plan(peak("autocast", "none") - 1) == ("autocast", "model", 1)
    # autocast fits in no offload plan: fp16, with the least offload that fits
    smallest_autocast = min(peak("autocast", o) for o in ("none", "model", "sequential"))
    assert peak("fp16", "model") > smallest_autocast > peak("fp16", "sequential")
    assert plan(smallest_autocast - 1) == ("fp16", "sequential", 1)
    # explicit settings are kept; what to change is said
    gen = _planner(options, monkeypatch, peak("autocast", "model") - 1, offload="model")
    with pytest.raises(
        BackendUnavailable,
        match=r"^not enough memory on cuda: .* try offload=sequential or precision=fp16, ",
    ):
        gen._plan_memory("cuda", "autocast", 16, 64, 64, True)


def test_cpu_auto_precision_is_fp32(options, make_request, generator) -> None:
    assert generator._device_and_precision() == ("cpu", "fp32")


def test_the_autocast_regime_runs_with_fp32_networks_and_half_clip_and_vae(
    options, make_request
) -> None:
    # CPU autocast runs in bfloat16; CUDA's regime is the same with fp16.
    layout = check_folders(options["svd"], options["controlnet"])
    pipe = load_pipeline(layout, "cpu", component_dtypes("autocast", half="bf16"))
    dtypes = {
        name: {p.dtype for p in getattr(pipe, name).parameters()}
        for name in ("unet", "controlnet", "vae", "image_encoder")
    }
    assert dtypes == {
        "unet": {torch.float32},
        "controlnet": {torch.float32},
        "vae": {torch.bfloat16},
        "image_encoder": {torch.bfloat16},
    }
    assert not any(p.requires_grad for p in pipe.unet.parameters())  # no autocast weight cache
    request = make_request(seed=7)
    args = (PIL.Image.fromarray(request.first_frame), request.conditioning)
    kwargs = {"height": 64, "width": 64, "num_frames": 4, "num_inference_steps": 2}
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mixed = pipe(*args, generator=torch.Generator().manual_seed(7), **kwargs).frames[0]
    fp32 = load_pipeline(layout, "cpu", "fp32")
    full = fp32(*args, generator=torch.Generator().manual_seed(7), **kwargs).frames[0]
    assert mixed.shape == (4, 64, 64, 3) and np.isfinite(mixed).all()
    # bfloat16 keeps 8 bits of mantissa: close to the fp32 take, not equal
    assert 0 < float(np.abs(mixed - full).mean()) < 0.05
