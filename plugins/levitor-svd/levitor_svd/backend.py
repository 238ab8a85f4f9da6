"""The ``levitor-svd`` video generator: the backend the host creates from its entry point.

This module imports cheaply (no torch): :meth:`LeviTorSVDGenerator.availability` checks the
packages with ``importlib.util.find_spec`` and the weights folders from file names and
safetensors headers. Weights are loaded on the first :meth:`~LeviTorSVDGenerator.generate` and
kept for the next; before that, the memory the run needs is compared with what the device has,
so that a run that cannot fit is refused with a sentence instead of an out-of-memory crash.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.errors import BackendUnavailable, Cancelled, InputError
from levitor_studio.model_store.locate import with_installed
from levitor_studio.plugin_host.protocols import (
    GENERATOR,
    Availability,
    GenerationRequest,
    OptionSpec,
)

from .context_order import CONTEXT_ORDERS
from .folders import Layout, check_controlnet_folder, check_folders, check_svd_folder
from .memory import GB, OFFLOADS, PRECISIONS, MemoryEstimate, Offload, component_dtypes, estimate

PACKAGES = ("torch", "diffusers", "transformers", "safetensors")
TRUE = ("1", "true", "yes", "on")


class LeviTorSVDGenerator:
    """Stable Video Diffusion XT + LeviTor's ControlNet, from two local folders."""

    id: ClassVar[str] = "levitor-svd"
    kind: ClassVar[str] = GENERATOR
    label: ClassVar[str] = "LeviTor (SVD-XT + ControlNet)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec(
            "svd",
            "SVD-XT folder, diffusers layout (stable-video-diffusion-img2vid-xt)",
            kind="dir",
            required=True,
            size="about 4.5 GB (fp16 variant) or 9 GB (fp32)",
            source="huggingface.co/stabilityai/stable-video-diffusion-img2vid-xt",
        ),
        OptionSpec(
            "controlnet",
            "LeviTor's controlnet/ folder (hlwang06/LeviTor)",
            kind="dir",
            required=True,
            size="2.73 GB (fp32 safetensors); the release's unet/ copy is not needed",
            source="huggingface.co/hlwang06/LeviTor (folder controlnet/)",
        ),
        OptionSpec(
            "device", "where to run", kind="choice", choices=("auto", "cuda", "cpu"), default="auto"
        ),
        OptionSpec(
            "precision",
            "autocast: UNet and ControlNet weights in fp32 run under fp16 autocast, CLIP and VAE "
            "in fp16 (the released demo's regime); fp16: every weight in fp16 (least memory); "
            "auto: autocast on CUDA when it fits, else fp16; fp32 on the CPU",
            kind="choice",
            choices=("auto", *PRECISIONS),
            default="auto",
        ),
        OptionSpec(
            "context-order",
            "how the temporal layers see the image context: levitor (the released code's "
            "order, which its weights were made with) or stock (diffusers' corrected order)",
            kind="choice",
            choices=CONTEXT_ORDERS,
            default="levitor",
        ),
        OptionSpec(
            "offload",
            "CPU offload: model (whole models, a little slower) or sequential (one layer at a "
            "time, much slower, least memory); auto: only as much as the run needs to fit",
            kind="choice",
            choices=("auto", *OFFLOADS),
            default="auto",
        ),
        OptionSpec(
            "attention-slicing",
            "low-memory mode: spatial attention one image at a time and chunked feed-forward "
            "(slower; saves little on CUDA, where attention is fused)",
            kind="flag",
            default="",
        ),
        OptionSpec("decode-chunk", "frames the VAE decodes at a time", kind="text", default="16"),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        """Every problem at once: packages, the other options, each folder checked alone."""
        problems = []
        missing = [p for p in PACKAGES if importlib.util.find_spec(p) is None]
        if options.get("offload") in ("model", "sequential") and _lacks_accelerate():
            missing.append("accelerate")
        if missing:
            problems.append(f"install {', '.join(missing)} to use this generator")
        options = with_installed("levitor-svd", dict(options), ("svd", "controlnet"))
        fp16 = True
        try:
            fp16 = _settings(options)["precision"] != "fp32"
        except InputError as exc:
            problems.append(str(exc))
        svd, cn = options.get("svd", ""), options.get("controlnet", "")
        checks = (
            (svd, SVD_UNSET, lambda: check_svd_folder(svd, fp16)),
            (cn, CONTROLNET_UNSET, lambda: check_controlnet_folder(cn)),
        )
        for folder, unset, check in checks:
            try:
                if not folder:
                    raise InputError(unset)
                check()
            except (InputError, BackendUnavailable) as exc:
                problems.append(str(exc))
        return Availability.of(problems)

    def __init__(self, options: Mapping[str, str]) -> None:
        self.settings = _parse(options)
        self._layout: Layout | None = None
        self._pipe: Any = None
        self._pipe_key: tuple[str, str, Offload] | None = None
        self.last_record: dict[str, Any] = {}

    # -- generation -------------------------------------------------------------------------

    def generate(self, request: GenerationRequest, task: Any = None) -> NDArray[np.uint8]:
        """Frames ``(F, H, W, 3)`` uint8 for ``request``; raises :class:`Cancelled` on cancel."""
        frames, height, width = _check_request(request)
        device, asked = self._device_and_precision()
        if self._layout is None:
            self._layout = check_folders(
                self.settings["svd"], self.settings["controlnet"], asked != "fp32"
            )
        s = request.settings
        guidance = float(getattr(s, "guidance_max", 3.0)) > 1.0
        precision, offload, chunk, need = self._plan_memory(
            device, asked, frames, height, width, guidance
        )
        if task is not None:
            task.check()
            task.set_progress(0.0, "loading LeviTor weights")
        pipe = self._pipeline(device, precision, offload)
        pipe.context_order = self.settings["context_order"]
        if task is not None:
            task.check()

        import PIL.Image
        import torch

        steps = int(getattr(s, "steps", 25))
        seed = int(getattr(s, "seed", 42))

        def on_step(p: Any, i: int, _t: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            if task is not None:
                task.set_progress(0.95 * (i + 1) / steps, f"step {i + 1}/{steps}")
                if task.is_cancelled():
                    p.interrupt = True
            return tensors

        params = {
            "num_inference_steps": steps,
            "min_guidance_scale": float(getattr(s, "guidance_min", 1.0)),
            "max_guidance_scale": float(getattr(s, "guidance_max", 3.0)),
            "fps": int(getattr(s, "fps_id", 6)),
            "motion_bucket_id": int(getattr(s, "motion_bucket", 100)),
            "noise_aug_strength": float(getattr(s, "noise_aug", 0.02)),
            "controlnet_cond_scale": float(getattr(s, "control_scale", 1.0)),
        }
        with autocast(device, precision):
            out = pipe(
                PIL.Image.fromarray(np.ascontiguousarray(request.first_frame)),
                request.conditioning,
                height=height,
                width=width,
                num_frames=frames,
                decode_chunk_size=chunk,
                # The noise comes from a CPU generator: the same numbers on every device.
                generator=torch.Generator("cpu").manual_seed(seed),
                output_type="np",
                callback_on_step_end=on_step,
                **params,
            )
        if out.frames is None:
            raise Cancelled("cancelled")
        video = np.clip(np.rint(out.frames[0] * 255.0), 0, 255).astype(np.uint8)
        self.last_record = {
            "generator": self.id,
            "seed": seed,
            **params,
            "frames": frames,
            "height": height,
            "width": width,
            "decode_chunk": chunk,
            "svd": str(self._layout.svd),
            "controlnet": str(self._layout.controlnet),
            "device": device,
            "device_name": _device_name(device),
            "precision": precision,
            "dtype": compute_dtype(precision),
            "weights": component_dtypes(precision),
            "context_order": pipe.context_order,
            "offload": offload,
            "memory_estimate_gb": round(need.peak / GB, 2),
            "low_memory": self.settings["attention_slicing"],
            "torch": torch.__version__,
            "diffusers": _version("diffusers"),
        }
        request.extra[self.id] = dict(self.last_record)
        if task is not None:
            task.set_progress(1.0, "done")
        return video

    # -- helpers ----------------------------------------------------------------------------

    def _device_and_precision(self) -> tuple[str, str]:
        """The device, and the precision asked for (``auto`` stays open on CUDA: the plan picks)."""
        import torch

        device = self.settings["device"]
        cuda = torch.cuda.is_available()
        if device == "auto":
            device = "cuda" if cuda else "cpu"
        elif device == "cuda" and not cuda:
            raise BackendUnavailable(
                "device=cuda was asked for but no CUDA GPU is visible to "
                "torch; use device=cpu (very slow)"
            )
        precision = self.settings["precision"]
        if device == "cpu" and precision == "auto":
            precision = "fp32"
        elif device == "cpu" and precision in ("fp16", "autocast"):
            raise InputError(
                f"precision={precision} needs a CUDA GPU; use precision=fp32 on the CPU"
            )
        return device, precision

    def _plan_memory(
        self, device: str, precision: str, frames: int, height: int, width: int, guidance: bool
    ) -> tuple[str, Offload, int, MemoryEstimate]:
        """Precision, offload and decode chunk for this run: the first plan that fits.

        Offload costs time only, the precision costs fidelity to the released computation, a
        smaller decode chunk costs temporal consistency at chunk boundaries. So with ``auto``
        settings the order is: at chunk 16, autocast with no offload, model, sequential offload,
        then fp16 with the same three; then all that again at 8, 4, 2 and 1 frames. Explicit
        settings are kept as given.
        """
        assert self._layout is not None
        precisions = ["autocast", "fp16"] if precision == "auto" else [precision]
        chosen = self.settings["offload"] if device == "cuda" else "none"
        offloads: list[Offload] = list(OFFLOADS) if chosen == "auto" else [chosen]
        chunk = self.settings["decode_chunk"]
        chunks = [c for c in (16, 8, 4, 2, 1) if c <= frames] if chunk == "auto" else [chunk]
        free = free_memory(device)
        plans = [(p, o, c) for c in chunks for p in precisions for o in offloads]
        for p, offload, c in plans:
            need = estimate(self._layout, frames, height, width, p, guidance, offload, c)
            if need.peak <= free:
                if offload != "none" and _lacks_accelerate():
                    raise BackendUnavailable(f"offload={offload} needs the accelerate package")
                return p, offload, c, need
        p, offload, c = plans[-1]
        least = estimate(self._layout, frames, height, width, p, guidance, offload, c)
        hints = []
        if device == "cuda" and offload != "sequential":
            hints.append("offload=sequential")
        if p in ("autocast", "fp32"):
            hints.append("precision=fp16")
        hint = f"try {' or '.join(hints)}, " if hints else ""
        raise BackendUnavailable(
            f"not enough memory on {device}: this run needs {least.describe()} but "
            f"{free / GB:.1f} GB is free; {hint}use a shorter or smaller clip, or close other "
            "programs using it"
        )

    def _pipeline(self, device: str, precision: str, offload: Offload) -> Any:
        key = (device, precision, offload)
        if self._pipe is None or self._pipe_key != key:
            from .loading import load_pipeline, tune

            assert self._layout is not None
            self._pipe = None  # drop the old one before loading the new one
            pipe = load_pipeline(self._layout, device, component_dtypes(precision))
            tune(pipe, device, offload, self.settings["attention_slicing"])
            self._pipe, self._pipe_key = pipe, key
        return self._pipe


def compute_dtype(precision: str) -> str:
    """The dtype the UNet's matrix products run in: fp16 under autocast, else the weights'."""
    return "fp16" if precision == "autocast" else precision


def autocast(device: str, precision: str) -> Any:
    """fp16 autocast on ``device`` for ``precision=autocast``, else a context that does nothing."""
    import contextlib

    import torch

    if precision != "autocast":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=torch.float16)


def _device_name(device: str) -> str:
    import torch

    if device != "cuda" or not torch.cuda.is_available():
        return device
    return str(torch.cuda.get_device_name())


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _lacks_accelerate() -> bool:
    return importlib.util.find_spec("accelerate") is None


def free_memory(device: str) -> int:
    """Bytes free on ``device`` (CUDA: the driver's figure; CPU: available RAM)."""
    if device == "cuda":
        import torch

        free, _total = torch.cuda.mem_get_info()
        return int(free)
    if importlib.util.find_spec("psutil") is not None:
        import psutil

        return int(psutil.virtual_memory().available)
    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


SVD_UNSET = "set the SVD-XT weights folder (option svd / --svd DIR)"
CONTROLNET_UNSET = "set LeviTor's controlnet folder (option controlnet / --controlnet DIR)"


def _parse(options: Mapping[str, str]) -> dict[str, Any]:
    # unset folders come from installed models (`levitor-studio models install svd-xt`)
    options = with_installed("levitor-svd", dict(options), ("svd", "controlnet"))
    svd, cn = options.get("svd", ""), options.get("controlnet", "")
    if not svd:
        raise InputError(SVD_UNSET)
    if not cn:
        raise InputError(CONTROLNET_UNSET)
    return {"svd": svd, "controlnet": cn, **_settings(options)}


def _settings(options: Mapping[str, str]) -> dict[str, Any]:
    """The options other than the folders, checked; raises :class:`InputError`."""
    out: dict[str, Any] = {}
    if options.get("dtype") and not options.get("precision"):
        options = {**options, "precision": options["dtype"]}  # the option's former name
    for spec in LeviTorSVDGenerator.options:
        if spec.kind == "choice":
            value = options.get(spec.name) or spec.default
            if value not in spec.choices:
                raise InputError(
                    f"{spec.name} must be one of {', '.join(spec.choices)}, not {value!r}"
                )
            out[spec.name.replace("-", "_")] = value
    out["attention_slicing"] = str(options.get("attention-slicing", "")).lower() in TRUE
    chunk = options.get("decode-chunk") or "auto"
    if chunk != "auto" and (not chunk.isdigit() or int(chunk) < 1):
        raise InputError(f"decode-chunk must be auto or a number of frames ≥ 1, not {chunk!r}")
    out["decode_chunk"] = chunk if chunk == "auto" else int(chunk)
    return out


def _check_request(request: GenerationRequest) -> tuple[int, int, int]:
    image, cond = np.asarray(request.first_frame), np.asarray(request.conditioning)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InputError(f"first frame must be (H, W, 3) uint8, got {image.shape} {image.dtype}")
    height, width = image.shape[:2]
    if height % 8 or width % 8:
        raise InputError(f"frame size {width}×{height} must be a multiple of 8")
    if cond.ndim != 4 or cond.shape[1:] != (3, height, width):
        raise InputError(f"conditioning must be (F, 3, {height}, {width}), got {cond.shape}")
    if cond.shape[0] < 2:
        raise InputError("a clip needs at least 2 frames")
    return int(cond.shape[0]), int(height), int(width)
