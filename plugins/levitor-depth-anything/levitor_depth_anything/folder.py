"""Checking a Depth Anything model folder (transformers layout) and loading it offline.

:func:`inspect_folder` reads only JSON, so availability checks stay cheap and never import
torch; :func:`load_model` imports transformers with the hub switched off and turns every way a
folder can be wrong (missing files, another model, a truncated or code-carrying weights file,
weights that do not fit the config) into one :class:`InputError` sentence.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from levitor_studio.model.errors import InputError

#: DINOv2 backbone width → the released model sizes
VARIANTS = {384: "Small", 768: "Base", 1024: "Large", 1536: "Giant"}
#: files transformers reads weights from, in its own order of preference
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class FolderInfo:
    """What the folder's JSON files say about the model."""

    path: Path
    variant: str  # "Small", "Base", "Large", "Giant" or "custom"
    weights: Path
    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    @property
    def label(self) -> str:
        return f"Depth Anything {self.variant}"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    return data


def inspect_folder(path: str | os.PathLike[str]) -> FolderInfo:
    """Validate a transformers-layout Depth Anything folder from its JSON files only.

    Raises
    ------
    InputError
        With a sentence saying what is wrong and what to download instead.
    """
    if not os.fspath(path):
        raise InputError(
            "no Depth Anything folder chosen (set the 'model_dir' option, or install one: "
            "levitor-studio models install depth-anything-v2-small)"
        )
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InputError(f"Depth Anything folder {folder} does not exist")
    config_file = folder / "config.json"
    if not config_file.is_file():
        if any(folder.glob("*.pth")):
            raise InputError(
                f"{folder} holds an original .pth checkpoint; this plugin reads the transformers "
                "layout (e.g. depth-anything/Depth-Anything-V2-Small-hf: config.json + "
                "model.safetensors)"
            )
        raise InputError(f"{folder} has no config.json: not a transformers model folder")
    config = _read_json(config_file)
    model_type = config.get("model_type")
    if model_type != "depth_anything":
        raise InputError(f"{folder} holds a {model_type!r} model, not Depth Anything")
    if config.get("depth_estimation_type", "relative") != "relative":
        raise InputError(
            f"{folder} is a metric Depth Anything model (distances, not relative disparity); "
            "use a relative one (Depth-Anything-V2-Small/Base/Large-hf)"
        )
    weights = next((folder / n for n in WEIGHT_FILES if (folder / n).is_file()), None)
    if weights is None:
        raise InputError(f"{folder} has no weights file ({' or '.join(WEIGHT_FILES)})")
    backbone = config.get("backbone_config") or {}
    variant = VARIANTS.get(int(backbone.get("hidden_size", 0) or 0), "custom")
    mean, std = IMAGENET_MEAN, IMAGENET_STD
    processor_file = folder / "preprocessor_config.json"
    if processor_file.is_file():
        processor = _read_json(processor_file)
        mean = _triple(processor.get("image_mean", mean), processor_file, "image_mean")
        std = _triple(processor.get("image_std", std), processor_file, "image_std")
    return FolderInfo(folder, variant, weights, mean, std)


def _triple(value: Any, where: Path, name: str) -> tuple[float, float, float]:
    try:
        a, b, c = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {name} must be three numbers") from None
    return a, b, c


def load_model(info: FolderInfo, device: str) -> Any:
    """The ``DepthAnythingForDepthEstimation`` in ``info.path``, in eval mode on ``device``."""
    # no hub access, ever: the folder is all there is
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from safetensors import SafetensorError
    from transformers import DepthAnythingForDepthEstimation
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # transformers prints a key-by-key load report for bad files; our one line replaces it
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity(logging.ERROR)
    try:
        loaded: Any = DepthAnythingForDepthEstimation.from_pretrained(
            info.path, local_files_only=True, output_loading_info=True
        )
    except pickle.UnpicklingError:
        raise InputError(
            f"{info.weights}: refused: the file holds Python objects other than tensors "
            "(a pickle with code)"
        ) from None
    except (OSError, ValueError, RuntimeError, EOFError, SafetensorError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(
            f"{info.weights}: cannot load the weights; the file is truncated, damaged or "
            f"does not fit config.json ({first})"
        ) from None
    finally:
        hf_logging.set_verbosity(verbosity)
    model, loading = loaded
    wrong = loading.get("missing_keys") or loading.get("mismatched_keys")
    if wrong:
        names = ", ".join(str(k) for k in list(wrong)[:3])
        raise InputError(f"{info.weights}: weights do not match config.json (e.g. {names})")
    return model.to(device).eval()
