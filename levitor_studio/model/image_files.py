"""Decoding user images safely: an explicit allow-list of formats and one net for every error.

Pillow picks a decoder from a file's bytes, not from its name, and some of its decoders run
other programs: PostScript named ``photo.png`` (or stored as ``image.png`` in a project) would be
handed to Ghostscript. Every image the app reads (new-project photos, project assets, masks,
tracks-file images and depth PNGs) goes through :func:`load_image`, which lets Pillow try only
PNG, JPEG, WebP, TIFF, BMP and GIF (first frame, as a still), checks the declared size from the
header before any pixel is decoded, and turns every decoder failure into one readable line.
16-bit grey images are scaled to 8 bits, never clipped.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputError, one_line

#: the still-image formats the app decodes (Pillow's names); nothing else is ever tried
STILL_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP", "TIFF", "BMP", "GIF")
#: project assets are written as PNG and read as nothing else
PNG_ONLY: tuple[str, ...] = ("PNG",)
#: what Pillow may report for an allowed file: a phone's multi-picture JPEG opens as MPO
_REPORTED = {"MPO": "JPEG"}
#: largest image accepted, in pixels (about 8K × 8K)
MAX_PIXELS = 64_000_000
#: what Pillow raises for damaged data (SyntaxError for broken PNG chunks, ValueError for
#: text/ICC chunks past its limits, struct/zlib errors for truncated headers and streams)
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    zlib.error,
    IndexError,
    KeyError,
    TypeError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")

Fail = Callable[[str], InputError]


def file_error(path: str | os.PathLike[str]) -> Fail:
    """Errors about a file on disk: ``"<path>: <message>"``."""
    return lambda message: InputError(f"{path}: {message}")


def load_image(
    source: str | os.PathLike[str] | bytes,
    fail: Fail,
    formats: Sequence[str] = STILL_FORMATS,
    size: tuple[int, int] | None = None,
    upright: bool = False,
) -> Image.Image:
    """Open, check and fully decode an image; every problem is ``fail(message)``.

    Parameters
    ----------
    source
        A file path or the file's bytes (a project asset).
    fail
        Builds the error raised for a problem (so a project asset names its key path).
    formats
        Pillow format names allowed; the file's bytes must identify as one of them.
    size
        The ``(W, H)`` the image must declare, checked before any pixel is decoded.
    upright
        Apply the EXIF orientation (photos from phones and cameras).
    """
    if not isinstance(source, bytes):
        p = Path(source)
        if not p.is_file():
            raise fail("no such file")
        if p.stat().st_size == 0:
            raise fail("the file is empty")
    fp: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    with warnings.catch_warnings():
        # Pillow warns about damaged metadata (EXIF, TIFF tags) and decodes on: the picture
        # is what matters, and a warning must not reach the terminal; a bomb is an error
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return _load(fp, fail, formats, size, upright)


def _load(
    fp: Any, fail: Fail, formats: Sequence[str], size: tuple[int, int] | None, upright: bool
) -> Image.Image:
    names = "/".join("WebP" if f == "WEBP" else f for f in formats)
    try:
        img = Image.open(fp, formats=list(formats))
    except UnidentifiedImageError:
        raise fail(f"not a {names} image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise fail("its declared size is too large") from None
    except DECODE_ERRORS as exc:
        raise fail(f"cannot read the image ({one_line(exc)})") from None
    with img:
        if _REPORTED.get(str(img.format), img.format) not in formats:
            raise fail(f"not a {names} image (it is {img.format})")
        w, h = img.size
        if size is not None and (w, h) != size:
            raise fail(f"is {w}x{h}, the scene is {size[0]}x{size[1]}")
        if w * h > MAX_PIXELS:
            raise fail(f"image is {w}×{h}, larger than the {MAX_PIXELS:,} pixel limit")
        if w < 1 or h < 1:
            raise fail(f"image is {w}×{h}")
        try:
            img.load()
            out = ImageOps.exif_transpose(img) if upright else img.copy()
            out.load()
        except DECODE_ERRORS as exc:
            raise fail(f"image data is damaged ({one_line(exc)})") from None
    return out


def to_rgb(img: Image.Image, fail: Fail) -> NDArray[np.uint8]:
    """``(H, W, 3)`` uint8; 16-bit grey is scaled (65535 → 255), not clipped to white."""
    if img.mode in _SIXTEEN_BIT:
        grey = to_uint8(sixteen_bit(img, fail))
        return np.repeat(grey[..., None], 3, axis=2)
    if img.mode == "F":
        raise fail("32-bit float images are not supported (save it as 8 or 16 bit)")
    try:
        return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()
    except DECODE_ERRORS as exc:
        raise fail(f"cannot convert its {img.mode} pixels to RGB ({one_line(exc)})") from None


def to_grey(img: Image.Image, fail: Fail) -> NDArray[np.uint16]:
    """A single channel as uint16, 16-bit values kept (a depth PNG's precision)."""
    if img.mode in _SIXTEEN_BIT:
        return sixteen_bit(img, fail)
    if img.mode == "F":
        raise fail("32-bit float images are not supported (save it as 8 or 16 bit)")
    try:
        return np.asarray(img.convert("L"), dtype=np.uint16)
    except DECODE_ERRORS as exc:
        raise fail(f"cannot convert its {img.mode} pixels to grey ({one_line(exc)})") from None


def to_mask(img: Image.Image, fail: Fail) -> NDArray[np.bool_]:
    """Non-zero pixels of any channel (alpha ignored) are the object."""
    if img.mode in _SIXTEEN_BIT or img.mode == "F":
        arr = np.asarray(img)
        return np.asarray(np.nan_to_num(arr) != 0, dtype=bool)
    bands = [b for b in img.getbands() if b != "A"]
    try:
        arr = np.asarray(img.convert("RGB" if len(bands) > 1 else "L"))
    except DECODE_ERRORS as exc:
        raise fail(f"cannot read its {img.mode} pixels as a mask ({one_line(exc)})") from None
    return np.asarray((arr.max(axis=-1) if arr.ndim == 3 else arr) > 0, dtype=bool)


def sixteen_bit(img: Image.Image, fail: Fail) -> NDArray[np.uint16]:
    """The values of a 16-bit grey image (or a 32-bit integer one holding 16-bit values)."""
    arr = np.asarray(img).astype(np.int64)
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) > 65535):
        raise fail("32-bit integer images are not supported (save it as 8 or 16 bit)")
    return arr.astype(np.uint16)


def to_uint8(values: NDArray[np.uint16]) -> NDArray[np.uint8]:
    """16-bit values scaled to 8 bits by rounding ``v / 257`` (0 → 0, 65535 → 255)."""
    return ((values.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
