"""Writing and reading the control signal: a pickle-free ``.npz`` and the demo's keypoint JSON.

The ``.npz`` (format ``levitor-signal``, version 1) holds the points of all frames as one flat
``(n, 4)`` int64 array plus ``point_offsets`` (frame ``t`` owns rows ``offsets[t]:offsets[t+1]``),
the ``(F, 3, H, W)`` float32 conditioning tensor and the ``(F, H, W)`` label and depth maps; it
loads with ``allow_pickle=False``. The keypoint JSON is the original demo's
``keypoints_sklearn_new.json``: one list per frame of ``[row, col, id, depth]``. Files are written
atomically (a failed write leaves nothing behind) and every problem is one readable line.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.atomic import Stage, staged
from levitor_studio.model.errors import InputError, one_line, printable
from levitor_studio.model.npy_safe import ZIP_ERRORS, read_npy

from .budget import MEMORY_BUDGET, check_budget
from .signal import ControlSignal

__all__ = [
    "SIGNAL_FORMAT",
    "read_keypoints_json",
    "read_signal_npz",
    "write_keypoints_json",
    "write_signal_npz",
]

SIGNAL_FORMAT = "levitor-signal"
SIGNAL_VERSION = 1

PathLike = str | os.PathLike[str]


def _write(
    path: PathLike,
    data: bytes | None,
    arrays: dict[str, NDArray[np.generic]],
    stage: Stage | None = None,
) -> Path:
    dest = Path(path).expanduser()
    if dest.is_dir():
        raise InputError(f"{dest}: is a folder, give a file name")
    try:
        with (
            staged() if stage is None else contextlib.nullcontext(stage) as st,
            st.open(dest) as fh,
        ):
            if data is not None:
                fh.write(data)
            else:
                np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
    except PermissionError as exc:
        raise InputError(f"{dest}: cannot write here ({exc.strerror})") from None
    except OSError as exc:
        raise InputError(f"{dest}: cannot write ({exc.strerror or exc})") from None
    return dest


def write_signal_npz(signal: ControlSignal, path: PathLike, stage: Stage | None = None) -> Path:
    """Write ``signal`` to ``path`` (``.npz``, compressed, no pickled objects)."""
    tables = [np.asarray(p, dtype=np.int64).reshape(-1, 4) for p in signal.points]
    offsets = np.zeros(len(tables) + 1, dtype=np.int64)
    np.cumsum([t.shape[0] for t in tables], out=offsets[1:])
    arrays: dict[str, NDArray[np.generic]] = {
        "format": np.array(SIGNAL_FORMAT),
        "version": np.array(SIGNAL_VERSION, dtype=np.int64),
        "points": np.concatenate(tables) if tables else np.zeros((0, 4), dtype=np.int64),
        "point_offsets": offsets,
        "tensor": np.asarray(signal.tensor, dtype=np.float32),
        "labels": np.asarray(signal.labels, dtype=np.int32),
        "depth": np.asarray(signal.depth, dtype=np.float32),
    }
    return _write(path, None, arrays, stage)


def read_signal_npz(path: PathLike) -> ControlSignal:
    """Read a signal written by :func:`write_signal_npz`.

    Only the members a signal needs are read, each header is checked (dtype, shape agreeing
    with the label maps, the memory budget of :mod:`.budget`) before its data, and every
    damaged file is one :class:`InputError` line.
    """
    src = Path(path).expanduser()
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    try:
        zf = zipfile.ZipFile(src)
    except ZIP_ERRORS:
        raise InputError(f"{src}: not a control-signal file (not a .npz archive)") from None
    with zf:
        missing = [k for k in _NEEDED if f"{k}.npy" not in zf.namelist()]
        if missing:
            raise InputError(f"{src}: not a {SIGNAL_FORMAT} file (no {', '.join(missing)})")
        return _read_members(src, zf)


_NEEDED = ("format", "version", "points", "point_offsets", "tensor", "labels", "depth")


def _read_members(src: Path, zf: zipfile.ZipFile) -> ControlSignal:
    def member(key: str, kinds: str, shape: tuple[int | None, ...], cap: int) -> NDArray[Any]:
        def fail(message: str) -> InputError:
            return InputError(f"{src}: {key} {message}")

        try:
            with zf.open(f"{key}.npy") as fh:
                return read_npy(fh, fail, kinds=kinds, shape=shape, max_bytes=cap)
        except ZIP_ERRORS as exc:
            raise fail(f"is damaged ({one_line(exc)})") from None

    fmt = member("format", "U", (), 1024)
    if str(fmt) != SIGNAL_FORMAT:
        raise InputError(f"{src}: format is {printable(repr(str(fmt)))}, not {SIGNAL_FORMAT!r}")
    version = int(member("version", "iu", (), 8))
    if version > SIGNAL_VERSION:
        raise InputError(f"{src}: version {version} is newer than this program")
    labels = member("labels", "i", (None, None, None), MEMORY_BUDGET)
    f, h, w = labels.shape
    if f < 1 or h < 1 or w < 1:
        raise InputError(f"{src}: labels has shape {labels.shape}")
    check_budget(f, w, h)
    depth = member("depth", "f", (f, h, w), MEMORY_BUDGET)
    tensor = member("tensor", "f", (f, 3, h, w), MEMORY_BUDGET)
    offsets = member("point_offsets", "i", (f + 1,), 8 * (f + 1))
    points = member("points", "i", (None, 4), 32 * f * h * w)
    if offsets[0] != 0 or offsets[-1] != points.shape[0] or np.any(np.diff(offsets) < 0):
        raise InputError(f"{src}: point offsets do not match the points")
    frames = tuple(
        points[offsets[t] : offsets[t + 1]].astype(np.int64) for t in range(offsets.size - 1)
    )
    return ControlSignal(
        points=frames,
        tensor=tensor.astype(np.float32, copy=False),
        labels=labels.astype(np.int32, copy=False),
        depth=depth.astype(np.float32, copy=False),
    )


def write_keypoints_json(
    points: Sequence[NDArray[np.integer]], path: PathLike, stage: Stage | None = None
) -> Path:
    """Write the original demo's keypoint JSON: one ``[[row, col, id, depth], ...]`` per frame."""
    frames = [np.asarray(p, dtype=np.int64).reshape(-1, 4).tolist() for p in points]
    return _write(path, json.dumps(frames).encode("utf-8"), {}, stage)


def read_keypoints_json(path: PathLike) -> list[NDArray[np.int64]]:
    """Read a keypoint JSON (ours or the original demo's) as one ``(n, 4)`` array per frame."""
    src = Path(path).expanduser()
    try:
        frames = json.loads(src.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{src}: no such file") from None
    except (OSError, ValueError, RecursionError) as exc:  # bad JSON, 5,000-digit integers
        raise InputError(f"{src}: not a keypoint JSON file ({one_line(exc)})") from None
    if not isinstance(frames, list):
        raise InputError(f"{src}: expected a list with one list of points per frame")
    out: list[NDArray[np.int64]] = []
    for t, frame in enumerate(frames):
        ok = isinstance(frame, list) and all(
            isinstance(p, list)
            and len(p) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**31 for v in p)
            for p in frame
        )
        if not ok:
            raise InputError(f"{src}: frame {t}: each point must be [row, col, id, depth] integers")
        out.append(np.array(frame, dtype=np.int64).reshape(-1, 4))
    return out
