"""SVD's spatio-temporal UNet taking ControlNet residuals, with the least code.

diffusers' ``UNetSpatioTemporalConditionModel.forward`` takes no residuals. Rather than copy its
~150-line forward, this subclass runs the stock forward unchanged and injects the residuals with
temporary module hooks: each up block's incoming skip tensors get their down residuals added (a
forward pre-hook rewriting ``res_hidden_states_tuple``), and the mid block's output gets the mid
residual (a forward hook). That is exactly where diffusers' ControlNet UNets add them, so the
weights, the block code and the config stay diffusers' own; with zero residuals the output is
bit-identical to the plain UNet's. The hooks live only for the duration of one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from diffusers.models.unets.unet_spatio_temporal_condition import (
    UNetSpatioTemporalConditionModel,
    UNetSpatioTemporalConditionOutput,
)
from torch import nn


class ControlledUNetSpatioTemporalModel(UNetSpatioTemporalConditionModel):
    """``UNetSpatioTemporalConditionModel`` whose forward also accepts ControlNet residuals.

    Loads the stock SVD ``unet/`` folder as is (same config, same weights).
    """

    def forward(  # type: ignore[override]
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor | float | int,
        encoder_hidden_states: torch.Tensor,
        added_time_ids: torch.Tensor,
        down_block_additional_residuals: Sequence[torch.Tensor] | None = None,
        mid_block_additional_residual: torch.Tensor | None = None,
        return_dict: bool = True,
    ) -> UNetSpatioTemporalConditionOutput | tuple[torch.Tensor]:
        """The stock forward, plus residuals added to the skips (encoder order) and mid output."""
        handles: list[Any] = []
        try:
            if down_block_additional_residuals is not None:
                handles += self._hook_skips(list(down_block_additional_residuals))
            if mid_block_additional_residual is not None:
                mid = mid_block_additional_residual
                handles.append(self.mid_block.register_forward_hook(lambda _m, _a, out: out + mid))
            return super().forward(
                sample,
                timestep,
                encoder_hidden_states,
                added_time_ids,
                return_dict=return_dict,
            )
        finally:
            for handle in handles:
                handle.remove()

    def _hook_skips(self, residuals: list[torch.Tensor]) -> list[Any]:
        # The stock forward hands each up block the last len(resnets) skips still unused, so the
        # residuals are split the same way, from the end.
        expected = sum(len(block.resnets) for block in self.up_blocks)
        if len(residuals) != expected:
            raise ValueError(f"expected {expected} down-block residuals, got {len(residuals)}")
        handles = []
        for block in self.up_blocks:
            n = len(block.resnets)
            mine, residuals = tuple(residuals[-n:]), residuals[:-n]
            handles.append(block.register_forward_pre_hook(_adder(mine), with_kwargs=True))
        return handles


def _adder(extra: tuple[torch.Tensor, ...]) -> Any:
    def pre_hook(
        _module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        skips = kwargs["res_hidden_states_tuple"]
        kwargs["res_hidden_states_tuple"] = tuple(s + r for s, r in zip(skips, extra, strict=True))
        return args, kwargs

    return pre_hook
