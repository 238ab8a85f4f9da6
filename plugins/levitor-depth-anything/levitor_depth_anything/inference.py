"""One Depth Anything pass the way the original Depth Anything V2 code runs it, then LeviTor units.

Preprocessing follows the original ``infer_image``, not transformers' image processor (the two
size rules differ for images smaller than the input size): scale so that *both* sides reach
``input_size`` (lower bound), round each side to a multiple of 14, bicubic resize of the
0..1 image, ImageNet normalisation. The output disparity is brought back to the image size by
bilinear interpolation with aligned corners, then converted exactly as the LeviTor demo does
(reference §1) through :mod:`levitor_studio.model.depth_units`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.depth_units import disparity_to_depth, normalise_disparity

PATCH = 14


def _multiple_of(x: float, minimum: int) -> int:
    y = round(x / PATCH) * PATCH
    if y < minimum:
        y = math.ceil(x / PATCH) * PATCH
    return int(y)


def model_input_size(height: int, width: int, input_size: int) -> tuple[int, int]:
    """``(H, W)`` the network sees for an image of ``height × width`` (original's rule)."""
    scale = max(input_size / height, input_size / width)
    return _multiple_of(scale * height, input_size), _multiple_of(scale * width, input_size)


def prepare(
    image: NDArray[np.uint8],
    input_size: int,
    mean: Sequence[float],
    std: Sequence[float],
) -> NDArray[np.float32]:
    """``(1, 3, h, w)`` float32 network input from an RGB uint8 image."""
    import cv2

    h, w = model_input_size(image.shape[0], image.shape[1], input_size)
    scaled = image.astype(np.float32) / 255.0
    resized = cv2.resize(scaled, (w, h), interpolation=cv2.INTER_CUBIC)
    normed = (resized - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(normed.transpose(2, 0, 1)[None], dtype=np.float32)


def to_pseudo_depth(disparity: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
    """LeviTor pseudo-depth from raw relative disparity: min-max to uint8, then ``1 / d``."""
    return disparity_to_depth(normalise_disparity(disparity))


def run_model(model: Any, image: NDArray[np.uint8], input_size: int, mean: Any, std: Any) -> Any:
    """Raw disparity ``(H, W)`` float32 at the image's size."""
    import torch
    import torch.nn.functional as F

    param = next(model.parameters())
    pixels = torch.from_numpy(prepare(image, input_size, mean, std)).to(param.device, param.dtype)
    with torch.inference_mode():
        predicted = model(pixel_values=pixels).predicted_depth  # (1, h, w)
        full = F.interpolate(
            predicted[:, None], image.shape[:2], mode="bilinear", align_corners=True
        )[0, 0]
    return full.float().cpu().numpy()
