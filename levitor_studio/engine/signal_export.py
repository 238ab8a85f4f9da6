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

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.atomic import Stage, staged
from levitor_studio.model.errors import InputError

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
    """Read a signal written by :func:`write_signal_npz`."""
    src = Path(path).expanduser()
    try:
        with np.load(src, allow_pickle=False) as npz:
            data = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise InputError(f"{src}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{src}: not a control-signal file ({exc})") from None
    needed = {"format", "version", "points", "point_offsets", "tensor", "labels", "depth"}
    missing = sorted(needed - set(data))
    if missing:
        raise InputError(f"{src}: not a {SIGNAL_FORMAT} file (no {', '.join(missing)})")
    if str(data["format"]) != SIGNAL_FORMAT:
        raise InputError(f"{src}: format is {str(data['format'])!r}, not {SIGNAL_FORMAT!r}")
    if int(data["version"]) > SIGNAL_VERSION:
        raise InputError(f"{src}: version {int(data['version'])} is newer than this program")
    points, offsets = data["points"], data["point_offsets"]
    if points.ndim != 2 or points.shape[1] != 4 or offsets.ndim != 1 or offsets.size < 1:
        raise InputError(f"{src}: malformed points")
    if offsets[0] != 0 or offsets[-1] != points.shape[0] or np.any(np.diff(offsets) < 0):
        raise InputError(f"{src}: point offsets do not match the points")
    frames = tuple(
        points[offsets[t] : offsets[t + 1]].astype(np.int64) for t in range(offsets.size - 1)
    )
    return ControlSignal(
        points=frames,
        tensor=data["tensor"].astype(np.float32, copy=False),
        labels=data["labels"].astype(np.int32, copy=False),
        depth=data["depth"].astype(np.float32, copy=False),
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
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{src}: not a keypoint JSON file ({exc})") from None
    if not isinstance(frames, list):
        raise InputError(f"{src}: expected a list with one list of points per frame")
    out: list[NDArray[np.int64]] = []
    for t, frame in enumerate(frames):
        ok = isinstance(frame, list) and all(
            isinstance(p, list)
            and len(p) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) for v in p)
            for p in frame
        )
        if not ok:
            raise InputError(f"{src}: frame {t}: each point must be [row, col, id, depth] integers")
        out.append(np.array(frame, dtype=np.int64).reshape(-1, 4))
    return out
