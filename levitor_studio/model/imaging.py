"""Reading user images safely and fitting them to the working size.

Refuses empty files, files that are not images, and decompression bombs (the declared size is
checked from the header before any pixel is decoded). Fitting is resize + centre crop (default)
or letterbox, as ``scene-model.md`` describes.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputError

#: largest image accepted, in pixels (about 8K × 8K)
MAX_PIXELS = 64_000_000


def _open(path: str | os.PathLike[str]) -> Image.Image:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(p)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"{p}: not a readable image (or its declared size is too large)") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read image ({exc})") from None
    w, h = img.size
    if w * h > MAX_PIXELS:
        img.close()
        raise InputError(f"{p}: image is {w}×{h}, larger than the {MAX_PIXELS:,} pixel limit")
    return img


def _decode(path: str | os.PathLike[str], mode: str) -> Image.Image:
    with _open(path) as img:
        try:
            img.load()
            if mode == "mask":  # any non-zero channel (alpha ignored) is the object
                bands = [b for b in img.getbands() if b != "A"]
                arr = np.asarray(img.convert("RGB" if len(bands) > 1 else "L"))
                return Image.fromarray(
                    ((arr.max(axis=-1) if arr.ndim == 3 else arr) > 0).astype(np.uint8)
                )
            # photos from phones and cameras store their rotation in EXIF: show them upright,
            # as every image viewer does (masks at source size refer to the upright image)
            return ImageOps.exif_transpose(img).convert(mode)
        except (OSError, ValueError, SyntaxError) as exc:
            raise InputError(f"{path}: image data is damaged ({exc})") from None


def read_rgb(path: str | os.PathLike[str]) -> NDArray[np.uint8]:
    """An RGB uint8 array ``(H, W, 3)`` from an image file."""
    return np.asarray(_decode(path, "RGB"), dtype=np.uint8).copy()


def read_gray(path: str | os.PathLike[str]) -> NDArray[np.uint16]:
    """A single-channel image (8 or 16 bit) as uint16, preserving 16-bit values."""
    with _open(path) as img:
        try:
            img.load()
            if img.mode in ("I;16", "I;16B", "I;16L", "I"):
                return np.asarray(img, dtype=np.int64).clip(0, 65535).astype(np.uint16)
            return np.asarray(img.convert("L"), dtype=np.uint16)
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: image data is damaged ({exc})") from None


def read_mask(path: str | os.PathLike[str]) -> NDArray[np.bool_]:
    """A binary mask: non-zero pixels (of any channel, alpha ignored) are the object."""
    return np.asarray(_decode(path, "mask")) > 0


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
    sw, sh = round(src_w * s), round(src_h * s)
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
    sw, sh = round(src_w * s), round(src_h * s)
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
    if w <= 0 or h <= 0 or w % 8 or h % 8:
        raise InputError(f"size {w}x{h}: width and height must be positive multiples of 8")
    if w * h > 2048 * 2048:
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
