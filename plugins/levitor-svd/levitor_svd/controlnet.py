"""LeviTor's ControlNet for Stable Video Diffusion, in diffusers' model style.

The network is the encoder half of SVD's spatio-temporal UNet (``conv_in``, the time and
added-time embeddings, the down blocks and the mid block, all built from diffusers' own blocks)
plus a condition encoder for the ``(F, 3, H, W)`` control tensor and zero-initialised 1×1 convs
on every skip output and on the mid output (reference §7). Parameter names follow the released
``controlnet/diffusion_pytorch_model.safetensors`` exactly, and the constructor takes every key of
its ``config.json``, so that file loads with ``strict=True``. torch and diffusers are imported at
module level here: this module is only imported once a generation actually runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.attention import AttentionMixin
from diffusers.models.controlnets.controlnet import ControlNetConditioningEmbedding
from diffusers.models.embeddings import TimestepEmbedding, Timesteps
from diffusers.models.modeling_utils import ModelMixin
from diffusers.models.unets.unet_3d_blocks import UNetMidBlockSpatioTemporal, get_down_block
from diffusers.models.unets.unet_spatio_temporal_condition import (
    UNetSpatioTemporalConditionModel,
)
from diffusers.utils import BaseOutput
from torch import nn

#: UNet config keys a ControlNet built from a UNet copies
_UNET_KEYS = (
    "sample_size",
    "in_channels",
    "out_channels",
    "down_block_types",
    "up_block_types",
    "block_out_channels",
    "addition_time_embed_dim",
    "projection_class_embeddings_input_dim",
    "layers_per_block",
    "cross_attention_dim",
    "transformer_layers_per_block",
    "num_attention_heads",
    "num_frames",
)


@dataclass
class ControlNetSVDOutput(BaseOutput):
    """Residuals for the UNet: one per skip connection (encoder order) and one for the mid block."""

    down_block_res_samples: tuple[torch.Tensor, ...]
    mid_block_res_sample: torch.Tensor


def _zero_conv(channels: int) -> nn.Conv2d:
    conv = nn.Conv2d(channels, channels, kernel_size=1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


def _per_block(value: int | tuple[int, ...] | list[int], n: int) -> list[int]:
    return [value] * n if isinstance(value, int) else list(value)


class LeviTorControlNetModel(ModelMixin, AttentionMixin, ConfigMixin):
    """ControlNet for SVD's spatio-temporal UNet (LeviTor's released architecture).

    ``up_block_types`` and ``out_channels`` are unused but kept so that a UNet config round-trips;
    ``with_id_feature`` / ``feature_*`` describe an optional point-feature adapter that the released
    checkpoint does not use (``with_id_feature=false``) and that is not implemented here.
    """

    @register_to_config
    def __init__(
        self,
        sample_size: int | None = None,
        in_channels: int = 8,
        out_channels: int = 4,
        down_block_types: tuple[str, ...] = (
            "CrossAttnDownBlockSpatioTemporal",
            "CrossAttnDownBlockSpatioTemporal",
            "CrossAttnDownBlockSpatioTemporal",
            "DownBlockSpatioTemporal",
        ),
        up_block_types: tuple[str, ...] = (
            "UpBlockSpatioTemporal",
            "CrossAttnUpBlockSpatioTemporal",
            "CrossAttnUpBlockSpatioTemporal",
            "CrossAttnUpBlockSpatioTemporal",
        ),
        block_out_channels: tuple[int, ...] = (320, 640, 1280, 1280),
        addition_time_embed_dim: int = 256,
        projection_class_embeddings_input_dim: int = 768,
        layers_per_block: int | tuple[int, ...] = 2,
        cross_attention_dim: int | tuple[int, ...] = 1024,
        transformer_layers_per_block: int | tuple[int, ...] = 1,
        num_attention_heads: int | tuple[int, ...] = (5, 10, 10, 20),
        num_frames: int = 25,
        conditioning_channels: int = 3,
        conditioning_embedding_out_channels: tuple[int, ...] = (16, 32, 96, 256),
        with_id_feature: bool = False,
        feature_channels: int = 160,
        feature_out_channels: tuple[int, ...] = (160, 160, 256, 256),
    ) -> None:
        super().__init__()
        if with_id_feature:
            raise ValueError("with_id_feature=true (point-feature adapter) is not supported")
        n = len(down_block_types)
        if len(block_out_channels) != n:
            raise ValueError("block_out_channels and down_block_types differ in length")
        heads = _per_block(num_attention_heads, n)
        cross = _per_block(cross_attention_dim, n)
        layers = _per_block(layers_per_block, n)
        tlayers = _per_block(transformer_layers_per_block, n)
        c0 = block_out_channels[0]
        temb = c0 * 4

        self.conv_in = nn.Conv2d(in_channels, c0, kernel_size=3, padding=1)
        self.time_proj = Timesteps(c0, True, downscale_freq_shift=0)
        self.time_embedding = TimestepEmbedding(c0, temb)
        self.add_time_proj = Timesteps(addition_time_embed_dim, True, downscale_freq_shift=0)
        self.add_embedding = TimestepEmbedding(projection_class_embeddings_input_dim, temb)

        # Same construction as diffusers' UNet encoder, so the parameter names line up with the
        # UNet's and from_unet can copy them one to one. Registration order follows the released
        # checkpoint's, so state_dict() lists tensors in the file's order too.
        self.down_blocks = nn.ModuleList()
        self.controlnet_down_blocks = nn.ModuleList([_zero_conv(c0)])
        self.controlnet_cond_embedding = ControlNetConditioningEmbedding(
            conditioning_embedding_channels=c0,
            conditioning_channels=conditioning_channels,
            block_out_channels=tuple(conditioning_embedding_out_channels),
        )
        out_ch = c0
        for i, block_type in enumerate(down_block_types):
            in_ch, out_ch = out_ch, block_out_channels[i]
            last = i == n - 1
            self.down_blocks.append(
                get_down_block(
                    block_type,
                    num_layers=layers[i],
                    transformer_layers_per_block=tlayers[i],
                    in_channels=in_ch,
                    out_channels=out_ch,
                    temb_channels=temb,
                    add_downsample=not last,
                    resnet_eps=1e-5,
                    cross_attention_dim=cross[i],
                    num_attention_heads=heads[i],
                    resnet_act_fn="silu",
                )
            )
            skips = layers[i] + (0 if last else 1)
            self.controlnet_down_blocks.extend(_zero_conv(out_ch) for _ in range(skips))
        self.controlnet_mid_block = _zero_conv(block_out_channels[-1])
        self.mid_block = UNetMidBlockSpatioTemporal(
            block_out_channels[-1],
            temb_channels=temb,
            transformer_layers_per_block=tlayers[-1],
            cross_attention_dim=cross[-1],
            num_attention_heads=heads[-1],
        )

    @classmethod
    def from_unet(
        cls,
        unet: UNetSpatioTemporalConditionModel,
        conditioning_channels: int = 3,
        conditioning_embedding_out_channels: tuple[int, ...] = (16, 32, 96, 256),
        load_weights_from_unet: bool = True,
    ) -> LeviTorControlNetModel:
        """A ControlNet shaped after ``unet``'s config, optionally starting from its weights."""
        config = {key: unet.config[key] for key in _UNET_KEYS}
        controlnet = cls(
            **config,
            conditioning_channels=conditioning_channels,
            conditioning_embedding_out_channels=conditioning_embedding_out_channels,
        )
        if load_weights_from_unet:
            own = controlnet.state_dict()
            shared = {k: v for k, v in unet.state_dict().items() if k in own}
            controlnet.load_state_dict(shared, strict=False)
        return controlnet

    def forward(
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor | float | int,
        encoder_hidden_states: torch.Tensor,
        added_time_ids: torch.Tensor,
        controlnet_cond: torch.Tensor,
        conditioning_scale: float = 1.0,
        return_dict: bool = True,
    ) -> ControlNetSVDOutput | tuple[tuple[torch.Tensor, ...], torch.Tensor]:
        """Residuals for one denoising step.

        Parameters
        ----------
        sample
            ``(B, F, in_channels, h, w)``: noisy latents concatenated with the image latents.
        timestep
            The scheduler's timestep (scalar or ``(B,)``).
        encoder_hidden_states
            ``(B, 1, cross_attention_dim)`` CLIP image embeddings.
        added_time_ids
            ``(B, 3)``: fps - 1, motion bucket, noise augmentation.
        controlnet_cond
            ``(B, F, conditioning_channels, 8h, 8w)``: the raw 0..255 control tensor.
        conditioning_scale
            Factor applied to every residual.
        """
        batch, frames = sample.shape[:2]
        t = timestep
        if not torch.is_tensor(t):
            t = torch.tensor([t], device=sample.device)
        elif t.ndim == 0:
            t = t[None].to(sample.device)
        t_emb = self.time_proj(t.expand(batch)).to(dtype=sample.dtype)
        emb = self.time_embedding(t_emb)
        added = self.add_time_proj(added_time_ids.flatten()).reshape(batch, -1).to(emb.dtype)
        emb = emb + self.add_embedding(added)
        emb = emb.repeat_interleave(frames, dim=0)
        encoder_hidden_states = encoder_hidden_states.repeat_interleave(frames, dim=0)
        indicator = torch.zeros(batch, frames, dtype=sample.dtype, device=sample.device)

        hidden = self.conv_in(sample.flatten(0, 1))
        # The encoded condition is added to conv_in's output, before the first skip is taken.
        hidden = hidden + self.controlnet_cond_embedding(controlnet_cond.flatten(0, 1))
        skips: tuple[torch.Tensor, ...] = (hidden,)
        for block in self.down_blocks:
            kwargs = {"hidden_states": hidden, "temb": emb, "image_only_indicator": indicator}
            if getattr(block, "has_cross_attention", False):
                kwargs["encoder_hidden_states"] = encoder_hidden_states
            hidden, res = block(**kwargs)
            skips += res
        hidden = self.mid_block(
            hidden_states=hidden,
            temb=emb,
            encoder_hidden_states=encoder_hidden_states,
            image_only_indicator=indicator,
        )
        down = tuple(
            conv(s) * conditioning_scale
            for s, conv in zip(skips, self.controlnet_down_blocks, strict=True)
        )
        mid = self.controlnet_mid_block(hidden) * conditioning_scale
        if not return_dict:
            return down, mid
        return ControlNetSVDOutput(down_block_res_samples=down, mid_block_res_sample=mid)
