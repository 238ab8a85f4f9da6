"""The ControlNet matches the released checkpoint's manifest; the UNet takes its residuals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from diffusers import UNetSpatioTemporalConditionModel
from levitor_svd.controlnet import LeviTorControlNetModel
from levitor_svd.tiny import TINY_UNET
from levitor_svd.unet import ControlledUNetSpatioTemporalModel

# the repository's vendored copy of ../shared/reference (tests/test_reference_copies.py)
REFERENCE = Path(__file__).parents[3] / "tests" / "reference" / "levitor_controlnet_state_dict.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


def manifest(model: torch.nn.Module) -> dict[str, list[int]]:
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def test_controlnet_from_svd_xt_unet_matches_released_manifest(reference: dict) -> None:
    with torch.device("meta"):
        unet = UNetSpatioTemporalConditionModel()  # diffusers' defaults are SVD-XT's UNet
        controlnet = LeviTorControlNetModel.from_unet(unet, load_weights_from_unet=False)
    names = manifest(controlnet)
    assert list(names) == list(reference["tensors"])  # same names, same order
    assert names == reference["tensors"]
    assert sum(p.numel() for p in controlnet.parameters()) == reference["num_params"]


def test_controlnet_accepts_every_released_config_key(reference: dict) -> None:
    with torch.device("meta"):
        model, unused = LeviTorControlNetModel.from_config(
            reference["config"], return_unused_kwargs=True
        )
    assert unused == {}
    for key, value in reference["config"].items():
        got = model.config[key]
        assert (list(got) if isinstance(got, tuple) else got) == value, key
    assert manifest(model) == reference["tensors"]


def test_controlnet_refuses_the_unreleased_id_feature_adapter() -> None:
    with pytest.raises(ValueError, match="with_id_feature"):
        LeviTorControlNetModel(**TINY_UNET, with_id_feature=True)  # type: ignore[arg-type]


def unet_inputs(batch: int = 2, frames: int = 3) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    return {
        "sample": torch.randn(batch, frames, 8, 16, 16, generator=g),
        "timestep": torch.tensor(0.7),
        "encoder_hidden_states": torch.randn(batch, 1, 32, generator=g),
        "added_time_ids": torch.tensor([[5.0, 100.0, 0.02]] * batch),
    }


@pytest.fixture(scope="module")
def tiny_pair() -> tuple[UNetSpatioTemporalConditionModel, ControlledUNetSpatioTemporalModel]:
    torch.manual_seed(1)
    plain = UNetSpatioTemporalConditionModel(**TINY_UNET).eval()  # type: ignore[arg-type]
    controlled = ControlledUNetSpatioTemporalModel(**TINY_UNET).eval()  # type: ignore[arg-type]
    controlled.load_state_dict(plain.state_dict())
    return plain, controlled


@torch.no_grad()
def test_zero_initialised_controlnet_leaves_unet_output_bit_identical(tiny_pair) -> None:
    plain, controlled = tiny_pair
    controlnet = LeviTorControlNetModel.from_unet(
        plain, conditioning_embedding_out_channels=(8,) * 4
    )
    x = unet_inputs()
    cond = torch.rand(2, 3, 3, 128, 128) * 255.0
    down, mid = controlnet(**x, controlnet_cond=cond, return_dict=False)
    assert len(down) == 4 and all(torch.count_nonzero(d) == 0 for d in down)
    assert down[0].shape == (6, 32, 16, 16) and mid.shape == (6, 64, 8, 8)
    expected = plain(**x).sample
    got = controlled(**x, down_block_additional_residuals=down, mid_block_additional_residual=mid)
    assert torch.equal(got.sample, expected)


@torch.no_grad()
def test_residuals_change_the_output_and_hooks_do_not_outlive_the_call(tiny_pair) -> None:
    plain, controlled = tiny_pair
    x = unet_inputs()
    expected = plain(**x).sample
    shapes = [(6, 32, 16, 16), (6, 32, 16, 16), (6, 32, 8, 8), (6, 64, 8, 8)]
    down = [torch.full(s, 0.5) for s in shapes]
    only_mid = controlled(**x, mid_block_additional_residual=torch.ones(6, 64, 8, 8)).sample
    only_down = controlled(**x, down_block_additional_residuals=down).sample
    assert not torch.allclose(only_mid, expected, atol=1e-4)
    assert not torch.allclose(only_down, expected, atol=1e-4)
    assert not torch.allclose(only_mid, only_down, atol=1e-4)
    assert torch.equal(controlled(**x).sample, expected)
    with pytest.raises(ValueError, match="expected 4 down-block residuals, got 3"):
        controlled(**x, down_block_additional_residuals=down[:3])
    assert torch.equal(controlled(**x).sample, expected)


@torch.no_grad()
def test_controlnet_from_unet_copies_encoder_weights(tiny_pair) -> None:
    plain, _ = tiny_pair
    controlnet = LeviTorControlNetModel.from_unet(
        plain, conditioning_embedding_out_channels=(8,) * 4
    )
    unet_sd = plain.state_dict()
    shared = [k for k in controlnet.state_dict() if k in unet_sd]
    assert any(k.startswith("mid_block.") for k in shared)
    assert all(torch.equal(controlnet.state_dict()[k], unet_sd[k]) for k in shared)
