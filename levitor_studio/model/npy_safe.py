"""Reading ``.npy`` arrays and zip members from untrusted files, checking before allocating.

``np.load`` happily returns an ``NpzFile`` for a zip stored where an ``.npy`` is expected, and
allocates whatever shape a (possibly forged) header declares before finding the data missing.
:func:`read_npy` reads the header first (magic, version, dtype, shape), refuses object, structured
and unexpected dtypes and any shape other than the caller's, caps the byte count, and only then
reads exactly that many bytes. :func:`read_member` reads one zip member with every failure of a
hostile archive (unsupported compression, encryption flag, bad deflate stream, odd version,
a member larger than allowed) turned into one line.
"""

from __future__ import annotations

import io
import math
import struct
import tokenize
import zipfile
import zlib
from collections.abc import Callable
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format
from numpy.typing import NDArray

from .errors import InputError, one_line

Fail = Callable[[str], InputError]

#: errors a damaged zip member raises while it is read
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # unsupported compression method or zip version
    RuntimeError,  # encrypted member
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    UnicodeDecodeError,
)
_HEADER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    SyntaxError,
    TypeError,
    EOFError,
    OSError,
    struct.error,
    RecursionError,
    OverflowError,
    MemoryError,
    tokenize.TokenError,  # numpy tokenizes old-style headers before parsing them
    *ZIP_ERRORS,
)


def read_member(zf: zipfile.ZipFile, name: str, fail: Fail, max_bytes: int) -> bytes:
    """The bytes of member ``name``, refusing a member that declares more than ``max_bytes``."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise fail("is missing from the archive") from None
    if info.file_size > max_bytes:
        raise fail(f"expands to {info.file_size:,} bytes (at most {max_bytes:,})")
    try:
        with zf.open(info) as fh:
            data = fh.read(max_bytes + 1)
    except ZIP_ERRORS as exc:
        raise fail(f"is damaged ({one_line(exc)})") from None
    if len(data) > max_bytes:
        raise fail(f"expands to more than {max_bytes:,} bytes")
    return data


def read_npy(
    source: bytes | IO[bytes],
    fail: Fail,
    *,
    kinds: str,
    shape: tuple[int | None, ...],
    max_bytes: int,
) -> NDArray[Any]:
    """A plain array from ``.npy`` bytes or a binary file object.

    Parameters
    ----------
    kinds
        Allowed dtype kinds (``"f"`` float, ``"iu"`` integers, ``"U"`` text, ``"b"`` bool).
    shape
        The expected shape; ``None`` entries accept any length on that axis (and the number
        of axes must match).
    max_bytes
        The largest array accepted, checked from the header before anything is read.
    """
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        version = npy_format.read_magic(fh)
        if version == (1, 0):
            declared, fortran, dtype = npy_format.read_array_header_1_0(fh)
        elif version == (2, 0):
            declared, fortran, dtype = npy_format.read_array_header_2_0(fh)
        else:
            raise fail(f"unsupported .npy version {version[0]}.{version[1]}")
    except InputError:
        raise
    except _HEADER_ERRORS as exc:
        raise fail(f"is not a plain .npy array ({one_line(exc)})") from None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise fail("holds Python objects or records, not plain numbers")
    if dtype.kind not in kinds:
        raise fail(f"holds {dtype}, expected {_kind_names(kinds)}")
    if len(declared) != len(shape) or any(
        want is not None and got != want for got, want in zip(declared, shape, strict=False)
    ):
        expected = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise fail(f"has shape {tuple(declared)}, expected {expected}")
    nbytes = math.prod(declared) * dtype.itemsize
    if nbytes > max_bytes:
        raise fail(f"declares {nbytes:,} bytes of data (at most {max_bytes:,})")
    try:
        data = fh.read(nbytes)
    except ZIP_ERRORS as exc:
        raise fail(f"is damaged ({one_line(exc)})") from None
    if len(data) != nbytes:
        raise fail(f"is truncated ({len(data):,} of {nbytes:,} bytes)")
    flat = np.frombuffer(data, dtype=dtype)
    return flat.reshape(declared, order="F" if fortran else "C").copy()


def _kind_names(kinds: str) -> str:
    names = {"f": "floats", "i": "integers", "u": "integers", "U": "text", "b": "booleans"}
    return " or ".join(dict.fromkeys(names.get(k, k) for k in kinds))
