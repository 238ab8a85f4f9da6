"""Checking the two weights folders a user points at, without importing torch.

The SVD-XT folder is diffusers' layout (``model_index.json`` and one sub-folder per component,
``*.fp16.safetensors`` variant files accepted); the ControlNet folder is LeviTor's released
``controlnet/`` (``config.json`` + ``diffusion_pytorch_model.safetensors``), or a folder holding
it. Only safetensors are read: a pickle (``.bin``, ``.pt``...) can run code when loaded, so it is
refused with a message saying how to convert it. Every problem names the folder and the file.
Tensor names, dtypes and shapes are read from the safetensors JSON header (no tensor is loaded),
which is what the memory estimate and the strict name/shape check need.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

from levitor_studio.model.errors import InputError

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")

#: component → (config file, weights file stem or None)
SVD_COMPONENTS: dict[str, tuple[str, str | None]] = {
    "unet": ("config.json", "diffusion_pytorch_model"),
    "vae": ("config.json", "diffusion_pytorch_model"),
    "image_encoder": ("config.json", "model"),
    "scheduler": ("scheduler_config.json", None),
    "feature_extractor": ("preprocessor_config.json", None),
}
CONTROLNET_STEM = "diffusion_pytorch_model"

#: safetensors dtype → bytes per element
DTYPE_BYTES = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U8": 1,
    "BOOL": 1,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
}


@dataclass(frozen=True)
class Weights:
    """One component's weights: its file(s), the variant and the tensors' (dtype, shape)."""

    folder: Path
    files: tuple[Path, ...]
    variant: str | None
    tensors: dict[str, tuple[str, tuple[int, ...]]]

    @property
    def name(self) -> str:
        return self.files[0].name if len(self.files) == 1 else f"{len(self.files)} shards"

    def numel(self) -> int:
        total = 0
        for _dtype, shape in self.tensors.values():
            n = 1
            for d in shape:
                n *= d
            total += n
        return total


@dataclass(frozen=True)
class Layout:
    """Checked folders: the SVD-XT components and the ControlNet."""

    svd: Path
    controlnet: Path
    weights: dict[str, Weights]  # unet, vae, image_encoder, controlnet


def read_header(path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Tensor name → (dtype, shape) from a safetensors file's header."""
    try:
        with open(path, "rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            if size > 100_000_000:
                raise ValueError("header too large")
            header = json.loads(fh.read(size))
    except (OSError, ValueError, struct.error) as exc:
        raise InputError(f"{path}: not a readable safetensors file ({exc})") from None
    header.pop("__metadata__", None)
    return {k: (v["dtype"], tuple(v["shape"])) for k, v in header.items()}


def _pickles(folder: Path, stem: str) -> list[Path]:
    return sorted(p for p in folder.glob(f"{stem}*") if p.suffix in PICKLE_SUFFIXES)


def find_weights(folder: Path, stem: str, prefer_fp16: bool) -> Weights:
    """The safetensors weights of one component (plain or fp16 variant, single or sharded)."""
    order = ["fp16", None] if prefer_fp16 else [None, "fp16"]
    for variant in order:
        infix = f".{variant}" if variant else ""
        single = folder / f"{stem}{infix}.safetensors"
        index = folder / f"{stem}.safetensors.index{infix}.json"
        if single.is_file():
            return Weights(folder, (single,), variant, read_header(single))
        if index.is_file():
            return _sharded(folder, index, variant)
    pickles = _pickles(folder, stem)
    if pickles:
        raise InputError(
            f"{pickles[0]}: pickle weights are not loaded (they can run code); convert the file "
            "to .safetensors (e.g. with safetensors' convert script) and try again"
        )
    raise InputError(f"{folder}: {stem}.safetensors (or {stem}.fp16.safetensors) is missing")


def _sharded(folder: Path, index: Path, variant: str | None) -> Weights:
    try:
        weight_map: dict[str, str] = json.loads(index.read_text())["weight_map"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{index}: not a readable shard index ({exc})") from None
    files = tuple(folder / name for name in sorted(set(weight_map.values())))
    tensors: dict[str, tuple[str, tuple[int, ...]]] = {}
    for f in files:
        if not f.is_file():
            raise InputError(f"{folder}: shard {f.name} listed in {index.name} is missing")
        tensors.update(read_header(f))
    return Weights(folder, files, variant, tensors)


def _need_dir(path: Path, what: str) -> None:
    if not path.is_dir():
        raise InputError(f"{what} folder {path} does not exist")


def _need_file(folder: Path, name: str) -> None:
    if not (folder / name).is_file():
        raise InputError(f"{folder}: {name} is missing")


def resolve_controlnet(path: Path) -> Path:
    """The ``controlnet/`` folder itself, also when the user picked the folder holding it."""
    if not (path / "config.json").is_file() and (path / "controlnet" / "config.json").is_file():
        return path / "controlnet"
    return path


def check_folders(svd: str | Path, controlnet: str | Path, prefer_fp16: bool = True) -> Layout:
    """Validate both folders; raises :class:`InputError` naming the folder and the file."""
    svd_dir, weights = check_svd_folder(svd, prefer_fp16)
    cn_dir, weights["controlnet"] = check_controlnet_folder(controlnet)
    return Layout(svd_dir, cn_dir, weights)


def check_svd_folder(svd: str | Path, prefer_fp16: bool = True) -> tuple[Path, dict[str, Weights]]:
    """The SVD-XT folder and its components' weights; raises :class:`InputError`."""
    svd_dir = Path(svd).expanduser()
    _need_dir(svd_dir, "SVD-XT")
    _need_file(svd_dir, "model_index.json")
    weights: dict[str, Weights] = {}
    for component, (config, stem) in SVD_COMPONENTS.items():
        sub = svd_dir / component
        _need_dir(sub, f"SVD-XT {component}")
        _need_file(sub, config)
        if stem is not None:
            weights[component] = find_weights(sub, stem, prefer_fp16)
    return svd_dir, weights


def check_controlnet_folder(controlnet: str | Path) -> tuple[Path, Weights]:
    """LeviTor's ControlNet folder and its weights; raises :class:`InputError`."""
    cn_dir = resolve_controlnet(Path(controlnet).expanduser())
    _need_dir(cn_dir, "ControlNet")
    _need_file(cn_dir, "config.json")
    # The released ControlNet is fp32 only; it is cast on load.
    return cn_dir, find_weights(cn_dir, CONTROLNET_STEM, prefer_fp16=False)
