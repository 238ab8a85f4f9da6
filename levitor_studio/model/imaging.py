"""Reading user images safely and fitting them to the working size.

Decoding goes through :mod:`.image_files` (format allow-list, header size check, one-line
errors). Fitting is resize + centre crop (default)
or letterbox, as ``scene-model.md`` describes.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from . import limits
from .errors import InputError
from .image_files import MAX_PIXELS, file_error, load_image, to_grey, to_mask, to_rgb

__all__ = ["MAX_PIXELS", "fit_image", "fit_mask", "read_gray", "read_mask", "read_rgb"]

#: how far the fitted source may exceed the working frame (crop): more means an aspect ratio the
#: working size cannot hold (a 1×10,000 strip would become 288×2.9 million pixels)
MAX_CROP_OVERSCAN = 16


def read_rgb(path: str | os.PathLike[str]) -> NDArray[np.uint8]:
    """An RGB uint8 array ``(H, W, 3)`` from an image file, upright (EXIF orientation)."""
    fail = file_error(path)
    return to_rgb(load_image(path, fail, upright=True), fail)


def read_gray(path: str | os.PathLike[str]) -> NDArray[np.uint16]:
    """A single-channel image (8 or 16 bit) as uint16, preserving 16-bit values."""
    fail = file_error(path)
    return to_grey(load_image(path, fail), fail)


def read_mask(path: str | os.PathLike[str]) -> NDArray[np.bool_]:
    """A binary mask: non-zero pixels (of any channel, alpha ignored) are the object."""
    fail = file_error(path)
    return to_mask(load_image(path, fail, upright=True), fail)


def default_size(image_w: int, image_h: int) -> tuple[int, int]:
    """288 × 512 portrait or 512 × 288 landscape, from the image's aspect."""
    return (288, 512) if image_h > image_w else (512, 288)


def fit_geometry(src_w: int, src_h: int, w: int, h: int, fit: str) -> tuple[float, int, int]:
    """Scale and the offset of the scaled source inside the ``w × h`` frame."""
    if fit == "crop":
        s = max(w / src_w, h / src_h)
    elif fit == "letterbox":
        s = min(w / src_w, h / src_h)
    else:
        raise InputError(f"fit must be 'crop' or 'letterbox', not {fit!r}")
    sw, sh = max(round(src_w * s), 1), max(round(src_h * s), 1)
    if sw * sh > MAX_CROP_OVERSCAN * w * h:
        raise InputError(
            f"a {src_w}x{src_h} image is too narrow or too wide to fill {w}x{h}: "
            "use letterbox fit or crop the image first"
        )
    return s, (w - sw) // 2, (h - sh) // 2


def fit_image(
    image: NDArray[Any], size: tuple[int, int], fit: str = "crop", fill: float = 0
) -> NDArray[Any]:
    """Resize ``image`` to cover (crop) or fit inside (letterbox) ``size = (W, H)``.

    Works for uint8 RGB / gray images and float32 maps; letterbox bars get ``fill``.
    """
    w, h = size
    check_size(w, h)
    src_h, src_w = image.shape[:2]
    if (src_w, src_h) == (w, h):
        return image.copy()
    s, ox, oy = fit_geometry(src_w, src_h, w, h, fit)
    sw, sh = max(round(src_w * s), 1), max(round(src_h * s), 1)
    resample = Image.Resampling.LANCZOS if image.dtype == np.uint8 else Image.Resampling.BILINEAR
    resized = np.asarray(Image.fromarray(image).resize((sw, sh), resample), dtype=image.dtype)
    out = np.full((h, w) + image.shape[2:], fill, dtype=image.dtype)
    # place the resized image at (ox, oy), clipping whatever falls outside the frame
    x0, y0 = max(ox, 0), max(oy, 0)
    x1, y1 = min(ox + sw, w), min(oy + sh, h)
    out[y0:y1, x0:x1] = resized[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
    return out


def fit_mask(
    mask: NDArray[np.bool_], size: tuple[int, int], fit: str = "crop"
) -> NDArray[np.bool_]:
    """A source-size mask brought to the working size the same way as the image."""
    as_img = mask.astype(np.uint8) * 255
    return fit_image(as_img, size, fit) >= 128


def check_size(w: int, h: int) -> None:
    """Refuse a working size outside :mod:`.limits` (sides 8…4096, multiples of 8, area)."""
    if w <= 0 or h <= 0 or w % 8 or h % 8:
        raise InputError(f"size {w}x{h}: width and height must be positive multiples of 8")
    if not (limits.SIDE.contains(w) and limits.SIDE.contains(h)):
        raise InputError(f"size {w}x{h}: each side must be {limits.SIDE.describe()}")
    if w * h > limits.MAX_PIXELS:
        raise InputError(f"size {w}x{h} is too large (at most 2048×2048 pixels)")


def parse_size(text: str) -> tuple[int, int]:
    """``"288x512"`` → ``(288, 512)``, with a readable error."""
    try:
        w_s, h_s = text.lower().split("x")
        w, h = int(w_s), int(h_s)
    except ValueError:
        raise InputError(f"size {text!r}: expected WIDTHxHEIGHT, e.g. 288x512") from None
    check_size(w, h)
    return w, h
