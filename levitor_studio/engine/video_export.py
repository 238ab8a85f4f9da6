"""Writing a set of frames as MP4 (H.264, yuv420p), GIF or a PNG sequence, atomically.

Every writer renders into a temporary file (or folder) beside the target, through a
:class:`~levitor_studio.model.atomic.Stage` that renames it into place only when complete (a
caller writing several files passes its own stage, so they land together or not at all). A
failure, a full disk or a cancel leaves nothing behind and never a half-written video under the
user's name. Problems the user can fix (no frames, an unwritable or
missing folder, a folder that is not empty) are :class:`InputError` with one readable line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ..model import limits
from ..model.atomic import Stage, staged
from ..model.errors import InputError, one_line
from ..model.task_state import TaskState
from .encode import EncoderError, encode_h264

Frames = NDArray[np.uint8] | Sequence[NDArray[np.uint8]]
#: H.264 quality: constant rate factor (lower = better; 18 is visually lossless for most clips)
MP4_CRF = 18
FORMATS = ("mp4", "gif", "png")

#: suffixes that name a file we do not write, rather than a folder for a PNG sequence
_NOT_FOLDERS = {".avi", ".mov", ".mkv", ".webm", ".wmv", ".png", ".jpg", ".jpeg", ".webp"}


def _as_frames(frames: Frames) -> NDArray[np.uint8]:
    arr = np.asarray(frames)
    if arr.ndim == 3:  # grey frames
        arr = np.repeat(arr[..., None], 3, axis=3)
    if arr.ndim != 4 or arr.shape[3] not in (3, 4) or arr.shape[0] == 0:
        if arr.ndim >= 1 and arr.shape[0] == 0:
            raise InputError("nothing to export: the frame range is empty")
        raise InputError(f"frames must be (F, H, W, 3) images, not an array of shape {arr.shape}")
    if arr.dtype != np.uint8:
        raise InputError(f"frames must be 8-bit (uint8), not {arr.dtype}")
    return np.ascontiguousarray(arr[..., :3])


def _progress(task: TaskState | None, done: int, total: int, what: str) -> None:
    if task is not None:
        task.check()
        task.set_progress(done / total, f"writing {what} frame {done}/{total}")


def _target(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{p}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{p}: cannot write in {parent} (permission denied)")
    return p


def _staged_file(
    path: Path, write: Callable[[Path], None], stage: Stage | None, suffix: str = ""
) -> Path:
    """Run ``write`` on a temporary file that becomes ``path`` when the stage commits."""
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file name")
    with contextlib.ExitStack() as own:
        if stage is None:
            stage = own.enter_context(staged())
        tmp = stage.temp_path(path, suffix)
        try:
            write(tmp)
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({one_line(exc.strerror or exc)})") from None
        except EncoderError as exc:
            raise InputError(f"{path}: cannot write ({exc})") from None
    return path


def write_mp4(
    frames: Frames,
    path: str | os.PathLike[str],
    fps: float = 8.0,
    task: TaskState | None = None,
    stage: Stage | None = None,
) -> Path:
    """Write an H.264 (yuv420p) MP4 that every player opens.

    Odd widths or heights are padded by one edge pixel (yuv420p needs even sizes). The encoder's
    exit status is checked and the result must read back with every frame before it replaces
    ``path``; ffmpeg's messages go to the log, and a failure is one line.
    """
    arr = _as_frames(frames)
    _check_fps(fps)
    pad_h, pad_w = arr.shape[1] % 2, arr.shape[2] % 2
    if pad_h or pad_w:
        arr = np.pad(arr, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")

    def write(tmp: Path) -> None:
        encode_h264(arr, tmp, fps, lambda done: _progress(task, done, len(arr), "MP4"))

    return _staged_file(_target(path), write, stage, ".mp4")


def write_gif(
    frames: Frames,
    path: str | os.PathLike[str],
    fps: float = 8.0,
    task: TaskState | None = None,
    stage: Stage | None = None,
) -> Path:
    """Write a looping GIF (identical consecutive frames are merged, timing kept)."""
    arr = _as_frames(frames)
    _check_fps(fps)
    images = []
    for i in range(arr.shape[0]):
        images.append(Image.fromarray(arr[i]))
        _progress(task, i + 1, arr.shape[0], "GIF")
    duration = round(1000.0 / fps)

    def write(tmp: Path) -> None:
        images[0].save(
            tmp, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
        )

    return _staged_file(_target(path), write, stage)


def write_png_sequence(
    frames: Frames,
    folder: str | os.PathLike[str],
    task: TaskState | None = None,
    prefix: str = "frame_",
    stage: Stage | None = None,
) -> Path:
    """Write ``folder/frame_0000.png …``; the folder must not exist yet or be empty."""
    arr = _as_frames(frames)
    target = _target(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} exists and is not an empty folder")
    with contextlib.ExitStack() as own:
        if stage is None:
            stage = own.enter_context(staged())
        try:
            tmp = stage.temp_dir(target)
            for i in range(arr.shape[0]):
                Image.fromarray(arr[i]).save(tmp / f"{prefix}{i:04d}.png")
                _progress(task, i + 1, arr.shape[0], "PNG")
            os.chmod(tmp, 0o755)
        except OSError as exc:
            raise InputError(f"{target}: cannot write ({one_line(exc.strerror or exc)})") from None
    return target


def _check_fps(fps: float) -> None:
    limits.FPS.check(fps, "frame rate")  # ffmpeg fails below 0.005 fps with a broken pipe


def export_frames(
    frames: Frames,
    path: str | os.PathLike[str],
    fps: float = 8.0,
    task: TaskState | None = None,
    frame_range: tuple[int, int] | None = None,
    stage: Stage | None = None,
) -> Path:
    """Write ``frames`` (optionally ``frames[start:stop]``) by the target's form.

    ``*.mp4`` → H.264 MP4, ``*.gif`` → GIF, anything else (a folder name) → PNG sequence.
    """
    arr = np.asarray(frames)
    if frame_range is not None:
        start, stop = frame_range
        arr = arr[start:stop]
    suffix = Path(path).suffix.lower()
    if suffix == ".mp4":
        return write_mp4(arr, path, fps, task, stage)
    if suffix == ".gif":
        return write_gif(arr, path, fps, task, stage)
    if suffix in _NOT_FOLDERS:
        raise InputError(f"{path}: unknown video format {suffix!r} (use .mp4, .gif or a folder)")
    return write_png_sequence(arr, path, task, stage=stage)
