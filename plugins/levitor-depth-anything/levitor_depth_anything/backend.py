"""The ``depth-anything-v2`` depth estimator backend: LeviTor pseudo-depth from a local folder.

Weights load on first use from a transformers-layout folder (Small / Base / Large), on CUDA when
present, else the CPU, with the hub switched off. Results are cached per image and input size,
so asking again for the same image costs nothing. Module import is light (no torch).
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.errors import BackendUnavailable, InputError
from levitor_studio.model_store.locate import with_installed
from levitor_studio.plugin_host.protocols import DEPTH, Availability, OptionSpec

from .folder import FolderInfo, inspect_folder

INPUT_SIZES = ("518", "512")
#: depth maps kept per backend (a 512 × 288 map is 0.6 MB)
CACHE_SIZE = 8


def resolve_device(name: str) -> str:
    """``auto`` → ``cuda`` when available, else ``cpu``."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise BackendUnavailable("device 'cuda' was chosen but no CUDA GPU is available here")
    return name


def _model_dir(options: Mapping[str, str]) -> str:
    """The chosen folder, else the preferred installed Depth Anything model, else ""."""
    return with_installed("depth-anything-v2", dict(options), ("model_dir",)).get("model_dir", "")


class DepthAnythingEstimator:
    """Depth Anything V2 through transformers, converted to LeviTor's pseudo-depth."""

    id: ClassVar[str] = "depth-anything-v2"
    kind: ClassVar[str] = DEPTH
    label: ClassVar[str] = "Depth Anything V2 (Small/Base/Large)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec(
            "model_dir",
            "folder in transformers layout, e.g. Depth-Anything-V2-Large-hf",
            kind="dir",
            required=True,  # unless a model is installed (`levitor-studio models install`)
            size="Small 99 MB, Base 390 MB, Large 1.3 GB",
            source="huggingface.co/depth-anything/Depth-Anything-V2-{Small,Base,Large}-hf",
        ),
        OptionSpec(
            "input_size",
            "network input short side (518 default; 512 as the LeviTor demo)",
            "choice",
            choices=INPUT_SIZES,
            default="518",
        ),
        OptionSpec(
            "device", "where to run", "choice", choices=("auto", "cpu", "cuda"), default="auto"
        ),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        problems = [
            f"the {pip_name} package is not installed"
            for package, pip_name in (
                ("torch", "torch"),
                ("transformers", "transformers"),
                ("cv2", "opencv-python-headless"),
            )
            if importlib.util.find_spec(package) is None
        ]
        try:
            inspect_folder(_model_dir(options))
        except InputError as exc:
            problems.append(str(exc))
        return Availability.of(problems)

    def __init__(self, options: Mapping[str, str]) -> None:
        self._info: FolderInfo = inspect_folder(_model_dir(options))
        size = options.get("input_size", "") or "518"
        if size not in INPUT_SIZES:
            raise InputError(f"Depth Anything input_size {size!r}: expected 518 or 512")
        self.input_size = int(size)
        self._device_name = options.get("device", "") or "auto"
        if self._device_name not in ("auto", "cpu", "cuda"):
            raise InputError(f"device {self._device_name!r}: expected auto, cpu or cuda")
        self._model: Any = None
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()

    @property
    def variant(self) -> str:
        """``"Small"``, ``"Base"``, ``"Large"``, ``"Giant"`` or ``"custom"``."""
        return self._info.variant

    def _ensure_model(self) -> Any:
        if self._model is None:
            from .folder import load_model

            self._model = load_model(self._info, resolve_device(self._device_name))
        return self._model

    def estimate(self, image: NDArray[np.uint8], task: Any = None) -> NDArray[np.float32]:
        """Pseudo-depth ``(H, W)`` in ``[1/255, 1]``, smaller = nearer, at the image's size."""
        arr = np.asarray(image)
        if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8 or 0 in arr.shape:
            raise InputError(
                f"Depth Anything needs an RGB uint8 image (H, W, 3), got {arr.dtype} {arr.shape}"
            )
        digest = hashlib.blake2b(np.ascontiguousarray(arr).tobytes(), digest_size=16)
        digest.update(f"{arr.shape}/{self.input_size}".encode())
        key = digest.hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key].copy()
        if task is not None:
            task.set_progress(0.0, "loading Depth Anything")
            task.check()
        model = self._ensure_model()
        depth = self._run(model, arr, task)
        self._cache[key] = depth
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if task is not None:
            task.set_progress(1.0, "depth ready")
        return depth.copy()

    def _run(self, model: Any, image: NDArray[np.uint8], task: Any) -> NDArray[np.float32]:
        from .inference import run_model, to_pseudo_depth

        handles = []
        if task is not None:
            layers = model.backbone.encoder.layer
            n = len(layers)

            def report(i: int) -> Any:
                def hook(*_: Any) -> None:
                    task.check()
                    task.set_progress(0.05 + 0.85 * (i + 1) / n, "estimating depth")

                return hook

            handles = [layer.register_forward_hook(report(i)) for i, layer in enumerate(layers)]
            task.set_progress(0.05, "estimating depth")
            task.check()
        try:
            disparity = run_model(model, image, self.input_size, self._info.mean, self._info.std)
        finally:
            for h in handles:
                h.remove()
        return to_pseudo_depth(disparity)
