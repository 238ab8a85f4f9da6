"""Context order: ``levitor`` equals the released code's computation, ``stock`` equals diffusers'."""

from __future__ import annotations

import pytest
import torch
from diffusers.models.transformers.transformer_temporal import TransformerSpatioTemporalModel
from levitor_svd.context_order import context_order_of, set_context_order
from levitor_svd.tiny import tiny_unet_and_controlnet

FRAMES = 3


@pytest.fixture(scope="module")
def models() -> tuple[torch.nn.Module, torch.nn.Module]:
    unet, controlnet = tiny_unet_and_controlnet(seed=5)
    return unet.eval(), controlnet.eval()


def inputs(batch: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(11)
    return {
        "sample": torch.randn(batch, FRAMES, 8, 16, 16, generator=g),
        "timestep": torch.tensor(0.7),
        # distinct per batch, as under guidance (zeros, then the image embedding)
        "encoder_hidden_states": torch.randn(batch, 1, 32, generator=g) * 3.0,
        "added_time_ids": torch.tensor([[5.0, 100.0, 0.02]] * batch),
    }


@torch.no_grad()
def run(unet, controlnet, batch: int) -> list[torch.Tensor]:
    x = inputs(batch)
    cond = torch.rand(batch, FRAMES, 3, 128, 128, generator=torch.Generator().manual_seed(2))
    down, mid = controlnet(**x, controlnet_cond=cond * 255.0, return_dict=False)
    return [unet(**x).sample, *down, mid]


def test_the_tiny_models_are_random_everywhere(models) -> None:
    for model in models:
        for name, param in model.named_parameters():
            assert param.numel() == 1 or param.std() > 0, name
            assert torch.count_nonzero(param) == param.numel(), name


@pytest.mark.parametrize("batch", [1, 2])
def test_levitor_order_is_the_released_computation_and_stock_is_diffusers(
    models, batch: int, monkeypatch: pytest.MonkeyPatch, released_forward
) -> None:
    unet, controlnet = models
    for model in models:
        set_context_order(model, "stock")
    plain = run(unet, controlnet, batch)
    with monkeypatch.context() as patch:
        patch.setattr(TransformerSpatioTemporalModel, "forward", released_forward)
        released = run(unet, controlnet, batch)

    # Temporal blocks by hand from TINY_UNET: UNet down 1 + mid 1 + up 2; ControlNet down 1 + mid 1.
    assert set_context_order(unet, "levitor") == 4
    assert set_context_order(controlnet, "levitor") == 2
    levitor = run(unet, controlnet, batch)
    for model in models:
        set_context_order(model, "stock")
        assert context_order_of(model) == "stock"
    stock = run(unet, controlnet, batch)

    assert len(levitor) == 1 + 4 + 1  # UNet output, four skip residuals, the mid residual
    for got, want in zip(levitor, released, strict=True):
        assert torch.equal(got, want)
    for got, want in zip(stock, plain, strict=True):
        assert torch.equal(got, want)
    differ = [float((a - b).abs().max()) for a, b in zip(levitor, stock, strict=True)]
    if batch == 1:
        assert differ == [0.0] * 6  # one batch: both orders give every row its own embedding
    else:
        # the UNet output and every ControlNet residual move (the first skip is taken before
        # any attention, so only it stays)
        assert differ[0] > 1e-2 and min(differ[2:]) > 1e-2 and differ[1] == 0.0


def test_installing_twice_keeps_one_hook_and_bad_orders_are_refused(models) -> None:
    unet, _ = models
    set_context_order(unet, "levitor")
    once = run(unet, models[1], 2)[0]
    set_context_order(unet, "levitor")
    assert context_order_of(unet) == "levitor"
    hooks = sum(len(m._forward_pre_hooks) for m in unet.modules())
    assert hooks == 4
    assert torch.equal(run(unet, models[1], 2)[0], once)
    set_context_order(unet, "stock")
    with pytest.raises(ValueError, match="context order must be one of levitor, stock, not 'x'"):
        set_context_order(unet, "x")
