"""LeviTor's sampler: diffusers' ``StableVideoDiffusionPipeline`` plus a ControlNet.

The subclass keeps everything the stock pipeline does (CLIP and VAE encoding of the first frame,
noise augmentation, added time ids, latent preparation, chunked VAE decoding, post-processing)
and replaces only the denoising loop, which now asks the ControlNet for residuals on every step
and hands them to the UNet. Defaults are the reference's (§7). Progress is reported through
``callback_on_step_end``; setting :attr:`LeviTorSVDPipeline.interrupt` from that callback (or
another thread) stops before the next step, and the call then returns no frames.
:attr:`LeviTorSVDPipeline.context_order` (``levitor`` by default) says how the temporal layers of
the UNet and the ControlNet see the image context (:mod:`levitor_svd.context_order`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import PIL.Image
import torch
from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
from diffusers.pipelines.stable_video_diffusion.pipeline_stable_video_diffusion import (
    StableVideoDiffusionPipeline,
    StableVideoDiffusionPipelineOutput,
    _append_dims,
)
from diffusers.utils.torch_utils import randn_tensor
from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

from .context_order import set_context_order
from .controlnet import LeviTorControlNetModel
from .unet import ControlledUNetSpatioTemporalModel

StepCallback = Callable[[Any, int, Any, dict[str, Any]], dict[str, Any]]


class LeviTorSVDPipeline(StableVideoDiffusionPipeline):
    """First frame + control tensor ``(F, 3, H, W)`` (raw 0..255) → ``F`` frames."""

    # The ControlNet and the UNet alternate on every step, so they are offloaded together.
    model_cpu_offload_seq = "image_encoder->controlnet->unet->vae"

    def __init__(
        self,
        vae: AutoencoderKLTemporalDecoder,
        image_encoder: CLIPVisionModelWithProjection,
        unet: ControlledUNetSpatioTemporalModel,
        controlnet: LeviTorControlNetModel,
        scheduler: EulerDiscreteScheduler,
        feature_extractor: CLIPImageProcessor,
    ) -> None:
        super().__init__(vae, image_encoder, unet, scheduler, feature_extractor)
        self.register_modules(controlnet=controlnet)
        self._interrupt = False
        self._context_order = ""
        self.context_order = "levitor"

    @property
    def context_order(self) -> str:
        """``levitor`` (the released code's order, default) or ``stock`` (diffusers')."""
        return self._context_order

    @context_order.setter
    def context_order(self, order: str) -> None:
        if order != self._context_order:
            for model in (self.unet, self.controlnet):
                set_context_order(model, order)
            self._context_order = order

    @property
    def interrupt(self) -> bool:
        return self._interrupt

    @interrupt.setter
    def interrupt(self, value: bool) -> None:
        self._interrupt = bool(value)

    @torch.no_grad()
    def __call__(
        self,
        image: PIL.Image.Image,
        conditioning: torch.Tensor | np.ndarray,
        height: int = 512,
        width: int = 288,
        num_frames: int = 16,
        num_inference_steps: int = 25,
        min_guidance_scale: float = 1.0,
        max_guidance_scale: float = 3.0,
        fps: int = 6,
        motion_bucket_id: int = 100,
        noise_aug_strength: float = 0.02,
        controlnet_cond_scale: float = 1.0,
        decode_chunk_size: int = 16,
        generator: torch.Generator | None = None,
        latents: torch.Tensor | None = None,
        output_type: str = "np",
        callback_on_step_end: StepCallback | None = None,
        callback_on_step_end_tensor_inputs: tuple[str, ...] = ("latents",),
        return_dict: bool = True,
    ) -> StableVideoDiffusionPipelineOutput | Any:
        """Sample a clip; ``frames`` is ``None`` when the run was interrupted.

        ``fps`` is the conditioning value the user sees (6); like the stock pipeline this passes
        ``fps - 1`` to the model. ``conditioning`` is ``(F, 3, H, W)`` with raw 0..255 values.
        """
        self._interrupt = False
        self.check_inputs(image, height, width)
        cond = torch.as_tensor(
            np.asarray(conditioning) if not torch.is_tensor(conditioning) else conditioning
        )
        if tuple(cond.shape) != (num_frames, 3, height, width):
            raise ValueError(
                f"conditioning has shape {tuple(cond.shape)}, expected "
                f"{(num_frames, 3, height, width)}"
            )
        device = self._execution_device
        self._guidance_scale = max_guidance_scale
        cfg = max_guidance_scale > 1.0

        embeddings = self._encode_image(image, device, 1, cfg)
        dtype = embeddings.dtype
        pixels = self.video_processor.preprocess(image, height=height, width=width).to(device)
        noise = randn_tensor(pixels.shape, generator=generator, device=device, dtype=pixels.dtype)
        pixels = pixels + noise_aug_strength * noise
        upcast = self.vae.dtype == torch.float16 and self.vae.config.force_upcast
        if upcast:
            self.vae.to(dtype=torch.float32)
        image_latents = self._encode_vae_image(pixels, device, 1, cfg).to(dtype)
        if upcast:
            self.vae.to(dtype=torch.float16)
        image_latents = image_latents.unsqueeze(1).repeat(1, num_frames, 1, 1, 1)
        time_ids = self._get_add_time_ids(
            fps - 1, motion_bucket_id, noise_aug_strength, dtype, 1, 1, cfg
        ).to(device)
        control = cond.to(device=device, dtype=dtype).unsqueeze(0)
        control = torch.cat([control] * 2) if cfg else control

        self.scheduler.set_timesteps(num_inference_steps, device=device)
        timesteps = self.scheduler.timesteps
        latents = self.prepare_latents(
            1,
            num_frames,
            self.unet.config.in_channels,
            height,
            width,
            dtype,
            device,
            generator,
            latents,
        )
        guidance = torch.linspace(min_guidance_scale, max_guidance_scale, num_frames)
        guidance = _append_dims(guidance.unsqueeze(0).to(device, latents.dtype), latents.ndim)
        self._guidance_scale = guidance
        self._num_timesteps = len(timesteps)

        for i, t in enumerate(timesteps):
            if self._interrupt:
                break
            model_in = torch.cat([latents] * 2) if cfg else latents
            model_in = self.scheduler.scale_model_input(model_in, t)
            model_in = torch.cat([model_in, image_latents], dim=2)
            down, mid = self.controlnet(
                model_in,
                t,
                encoder_hidden_states=embeddings,
                added_time_ids=time_ids,
                controlnet_cond=control,
                conditioning_scale=controlnet_cond_scale,
                return_dict=False,
            )
            noise_pred = self.unet(
                model_in,
                t,
                encoder_hidden_states=embeddings,
                added_time_ids=time_ids,
                down_block_additional_residuals=down,
                mid_block_additional_residual=mid,
                return_dict=False,
            )[0]
            if cfg:
                uncond, conditioned = noise_pred.chunk(2)
                noise_pred = uncond + guidance * (conditioned - uncond)
            latents = self.scheduler.step(noise_pred, t, latents).prev_sample
            if callback_on_step_end is not None:
                tensors = {"latents": latents}
                wanted = {k: tensors[k] for k in callback_on_step_end_tensor_inputs}
                returned = callback_on_step_end(self, i, t, wanted) or {}
                latents = returned.get("latents", latents)

        if self._interrupt:
            frames = None
        elif output_type == "latent":
            frames = latents
        else:
            if upcast:
                self.vae.to(dtype=torch.float16)
            decoded = self.decode_latents(latents, num_frames, decode_chunk_size)
            frames = self.video_processor.postprocess_video(video=decoded, output_type=output_type)
        self.maybe_free_model_hooks()
        if not return_dict:
            return frames
        return StableVideoDiffusionPipelineOutput(frames=frames)
