"""The whole generator against the released computation, on all-random tiny weights."""

from __future__ import annotations

import numpy as np
import PIL.Image
import pytest
import torch
from diffusers.models.transformers.transformer_temporal import TransformerSpatioTemporalModel
from levitor_svd.backend import LeviTorSVDGenerator

from levitor_studio.model.errors import InputError

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def test_default_options_reproduce_the_released_computation_at_batch_2(
    options, generator, make_request, released_forward, monkeypatch
) -> None:
    request = make_request(seed=7, steps=3)
    assert request.settings.guidance_max > 1.0  # guidance on: the UNet and ControlNet see batch 2
    default = generator.generate(request).astype(int)
    assert request.extra["levitor-svd"]["context_order"] == "levitor"

    stock_gen = LeviTorSVDGenerator({**options, "context-order": "stock"})
    stock_gen.generate(make_request(seed=7, steps=3))
    assert stock_gen.last_record["context_order"] == "stock"
    with monkeypatch.context() as patch:
        patch.setattr(TransformerSpatioTemporalModel, "forward", released_forward)
        released = stock_gen.generate(make_request(seed=7, steps=3)).astype(int)
        released_latents = final_latents(stock_gen._pipe, request)
    assert np.abs(default - released).max() <= 1

    # Not vacuous: the denoised latents follow the order (the tiny VAE shrinks differences).
    pipe = generator._pipe
    levitor_latents = final_latents(pipe, request)
    pipe.context_order = "stock"
    try:
        stock_latents = final_latents(pipe, request)
    finally:
        pipe.context_order = "levitor"
    released_gap = float((levitor_latents - released_latents).abs().max())
    stock_gap = float((levitor_latents - stock_latents).abs().max())
    assert released_gap <= 1e-6 and stock_gap > 1e-5 and stock_gap > 20 * released_gap, (
        released_gap,
        stock_gap,
    )


def final_latents(pipe, request) -> torch.Tensor:
    return pipe(
        PIL.Image.fromarray(request.first_frame),
        request.conditioning,
        height=64,
        width=64,
        num_frames=4,
        num_inference_steps=3,
        generator=torch.Generator().manual_seed(7),
        output_type="latent",
    ).frames


def test_a_bad_context_order_is_one_line(options) -> None:
    with pytest.raises(InputError, match=r"^context-order must be one of levitor, stock, not 'x'$"):
        LeviTorSVDGenerator({**options, "context-order": "x"})
