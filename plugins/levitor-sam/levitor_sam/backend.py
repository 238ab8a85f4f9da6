"""The ``sam`` segmenter backend: click / box object selection and automatic static segments.

The image embedding (the expensive ViT pass) is computed once per image, with progress and
cancel through a :class:`~levitor_studio.tasks.state.TaskState`, and kept in a small cache so
every click, and the automatic mode, reuses it. Prompts give up to four candidate masks sorted
by SAM's own quality score, best first (the original demo always took the middle one).
The module imports only the standard library and numpy; torch loads on first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.errors import BackendUnavailable, InputError
from levitor_studio.model_store.locate import with_installed
from levitor_studio.plugin_host.protocols import (
    SEGMENTER,
    Availability,
    MaskCandidate,
    OptionSpec,
    Prompt,
)

from .segments import label_segments

#: embeddings kept (ViT output: 256 × 64 × 64 floats = 4 MB each)
CACHE_SIZE = 4


def _image_key(image: NDArray[np.uint8]) -> str:
    digest = hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16)
    digest.update(repr(image.shape).encode())
    return digest.hexdigest()


def resolve_device(name: str) -> str:
    """``auto`` → ``cuda`` when available, else ``cpu``; explicit names are checked."""
    import torch

    if name in ("", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise BackendUnavailable("device 'cuda' was chosen but no CUDA GPU is available here")
    return name


def _float_option(options: Mapping[str, str], name: str, default: float) -> float:
    text = options.get(name, "") or str(default)
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"SAM option {name}={text!r}: expected a number") from None
    if not 0.0 <= value <= 1.0:
        raise InputError(f"SAM option {name}={text!r}: expected a value between 0 and 1")
    return value


def _checkpoint(options: Mapping[str, str]) -> str:
    """The chosen checkpoint, else the preferred installed SAM (`models install sam-vit-b`)."""
    return with_installed("sam", dict(options), ("checkpoint",)).get("checkpoint", "")


class SamSegmenter:
    """Segment Anything (v1) from a local ``.pth`` checkpoint."""

    id: ClassVar[str] = "sam"
    kind: ClassVar[str] = SEGMENTER
    label: ClassVar[str] = "Segment Anything (SAM ViT-B/L/H)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec(
            "checkpoint",
            "SAM v1 checkpoint file (.pth): sam_vit_b_01ec64, sam_vit_l_0b3195 or sam_vit_h_4b8939",
            kind="path",
            required=True,
            size="ViT-B 375 MB, ViT-L 1.25 GB, ViT-H 2.56 GB",
            source="github.com/facebookresearch/segment-anything#model-checkpoints",
        ),
        OptionSpec(
            "device", "where to run", "choice", choices=("auto", "cpu", "cuda"), default="auto"
        ),
        OptionSpec("points_per_side", "automatic mode: prompt grid per side", "text", default="32"),
        OptionSpec(
            "auto_iou_thresh", "automatic mode: minimum predicted IoU", "text", default="0.88"
        ),
        OptionSpec(
            "auto_stability_thresh", "automatic mode: minimum stability", "text", default="0.95"
        ),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        problems = [
            f"the {pip_name} package is not installed"
            for package, pip_name in (("torch", "torch"), ("segment_anything", "segment-anything"))
            if importlib.util.find_spec(package) is None
        ]
        path = _checkpoint(options)
        p = Path(path).expanduser()
        if not path:
            problems.append(
                "no SAM checkpoint chosen (set the 'checkpoint' option, or install one: "
                "levitor-studio models install sam-vit-b)"
            )
        elif not p.is_file():
            problems.append(f"SAM checkpoint {p} does not exist")
        elif not zipfile.is_zipfile(p):  # torch.save's format since 1.6; cheap, no torch import
            problems.append(f"{p} is not a PyTorch checkpoint (a SAM .pth file)")
        return Availability.of(problems)

    def __init__(self, options: Mapping[str, str]) -> None:
        self._options = dict(options)
        self._path = Path(_checkpoint(self._options)).expanduser()
        self._device_name = self._options.get("device", "") or "auto"
        if self._device_name not in ("auto", "cpu", "cuda"):
            raise InputError(f"SAM option device={self._device_name!r}: expected auto, cpu or cuda")
        try:
            self._points_per_side = int(self._options.get("points_per_side", "") or 32)
        except ValueError:
            raise InputError("SAM option points_per_side: expected a whole number") from None
        if not 1 <= self._points_per_side <= 128:
            raise InputError("SAM option points_per_side: expected 1..128")
        self._iou_thresh = _float_option(self._options, "auto_iou_thresh", 0.88)
        self._stability_thresh = _float_option(self._options, "auto_stability_thresh", 0.95)
        self._model: Any = None
        self._predictor: Any = None
        self.variant = ""
        self._cache: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
        self._current: str | None = None
        self._image: NDArray[np.uint8] | None = None
        self._low_res: dict[str, Any] = {}  # last prompt's low-res logits by answer
        # one model, one embedding slot: a click must not read a half-replaced embedding
        self._lock = threading.RLock()

    # -- loading ---------------------------------------------------------------------------

    def _ensure_model(self) -> Any:
        if self._predictor is None:
            from .checkpoint import load_sam
            from .predictor import CachingPredictor

            device = resolve_device(self._device_name)
            self._model, arch = load_sam(os.fspath(self._path), device)
            self.variant = arch.variant
            self._predictor = CachingPredictor(self._model)
        return self._predictor

    # -- Segmenter protocol ----------------------------------------------------------------

    def set_image(self, image: NDArray[np.uint8], task: Any = None) -> None:
        """Compute (or fetch from the cache) the image embedding for ``image`` ``(H, W, 3)``."""
        image = _check_image(image).copy()  # the caller may reuse its array
        with self._lock:
            self._set_image(image, task)

    def _set_image(self, image: NDArray[np.uint8], task: Any) -> None:
        predictor = self._ensure_model()
        key = _image_key(image)
        if key in self._cache:
            self._cache.move_to_end(key)
            predictor.restore(*self._cache[key])
        else:
            predictor.embed(image, task)
            self._cache[key] = predictor.snapshot()
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        predictor.image_key = key
        if key != self._current:
            self._low_res = {}
        self._current = key
        self._image = image
        if task is not None:
            task.set_progress(1.0, "image embedding ready")

    def segment(self, prompt: Prompt) -> list[MaskCandidate]:
        """Candidate masks for ``prompt`` (image pixels), best first by predicted IoU."""
        with self._lock:
            predictor = self._require_image()
            assert self._image is not None
            coords, labels, box = _prompt_arrays(prompt, self._image.shape[:2])
            mask_input = self._mask_input(predictor, prompt.mask)
            masks, scores, low_res = predictor.predict_all(coords, labels, box, mask_input)
            # each answer's logits, for when the user refines that answer next
            self._low_res = {_mask_key(m): low_res[i : i + 1] for i, m in enumerate(masks)}
        # a lone click is ambiguous: SAM's three alternatives answer it, its single-mask
        # output (index 0) is trained for prompts that pin the object down
        keep = (
            range(1, len(masks))
            if box is None and len(prompt.clicks) == 1 and prompt.mask is None
            else range(len(masks))
        )
        found = [MaskCandidate(masks[i], float(scores[i])) for i in keep]
        found.sort(key=lambda c: -c.score)
        return found

    def _mask_input(self, predictor: Any, mask: NDArray[np.bool_] | None) -> Any:
        """SAM's mask input for refining ``mask``: its own previous logits when it made it."""
        if mask is None:
            return None
        assert self._image is not None
        if mask.shape != self._image.shape[:2]:
            raise InputError(
                f"SAM: the mask to refine is {mask.shape}, the image {self._image.shape[:2]}"
            )
        previous = self._low_res.get(_mask_key(mask))
        return previous if previous is not None else predictor.mask_logits(mask)

    def automatic(
        self, exclude: NDArray[np.bool_] | None = None, min_area_fraction: float = 0.001
    ) -> NDArray[np.int32]:
        """Static segments of the current image (0 = excluded, 1..M), larger masks first."""

        with self._lock:
            return self._automatic(exclude, min_area_fraction)

    def _automatic(
        self, exclude: NDArray[np.bool_] | None, min_area_fraction: float
    ) -> NDArray[np.int32]:
        from segment_anything import SamAutomaticMaskGenerator

        predictor = self._require_image()
        image = self._image
        assert image is not None
        if exclude is not None and np.shape(exclude) != image.shape[:2]:
            raise InputError(
                f"exclude mask {np.shape(exclude)} does not match the image {image.shape[:2]}"
            )
        generator = SamAutomaticMaskGenerator(
            self._model,
            points_per_side=self._points_per_side,
            pred_iou_thresh=self._iou_thresh,
            stability_score_thresh=self._stability_thresh,
        )
        generator.predictor = predictor  # reuse the cached embedding instead of recomputing it
        records = generator.generate(image)
        return label_segments(
            (r["segmentation"] for r in records), image.shape[:2], exclude, min_area_fraction
        )

    def _require_image(self) -> Any:
        if self._current is None or self._predictor is None:
            raise InputError("SAM: no image set; call set_image first")
        if self._predictor.image_key != self._current:
            self._predictor.restore(*self._cache[self._current])
            self._predictor.image_key = self._current
        return self._predictor


def _mask_key(mask: NDArray[np.bool_]) -> str:
    return hashlib.blake2b(np.packbits(mask).tobytes() + repr(mask.shape).encode()).hexdigest()


def _check_image(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8 or 0 in arr.shape:
        raise InputError(f"SAM needs an RGB uint8 image (H, W, 3), got {arr.dtype} {arr.shape}")
    return arr


def _prompt_arrays(
    prompt: Prompt, shape: tuple[int, ...]
) -> tuple[NDArray[np.float64] | None, NDArray[np.int64] | None, NDArray[np.float64] | None]:
    """SAM's prompt arrays; clicks must lie on the image, a box is clipped to it."""
    if not prompt.clicks and prompt.box is None:
        raise InputError("SAM: give at least one click or a box")
    h, w = shape[0], shape[1]
    coords = labels = box = None
    if prompt.clicks:
        arr = np.asarray(prompt.clicks, dtype=np.float64).reshape(-1, 3)
        if not np.isin(arr[:, 2], (0, 1)).all():
            raise InputError("SAM: click labels must be 1 (include) or 0 (exclude)")
        outside = (arr[:, 0] < 0) | (arr[:, 0] > w) | (arr[:, 1] < 0) | (arr[:, 1] > h)
        if outside.any():
            x, y = arr[np.argmax(outside), :2]
            raise InputError(f"SAM: click ({x:g}, {y:g}) is outside the {w}×{h} image")
        coords, labels = arr[:, :2], arr[:, 2].astype(np.int64)
    if prompt.box is not None:
        x0, y0, x1, y1 = (float(v) for v in prompt.box)
        x0, x1 = sorted((min(max(x0, 0.0), w), min(max(x1, 0.0), w)))
        y0, y1 = sorted((min(max(y0, 0.0), h), min(max(y1, 0.0), h)))
        if x1 - x0 < 1 or y1 - y0 < 1:
            raise InputError(f"SAM: the box {tuple(prompt.box)} has no area on the image")
        box = np.array([x0, y0, x1, y1])
    return coords, labels, box
