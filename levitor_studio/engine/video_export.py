"""Writing a set of frames as MP4 (H.264, yuv420p), GIF or a PNG sequence, atomically.

Every writer renders into a temporary file (or folder) beside the target and renames it into
place only when complete, so a failure, a full disk or a cancel leaves nothing behind and never a
half-written video under the user's name. Problems the user can fix (no frames, an unwritable or
missing folder, a folder that is not empty) are :class:`InputError` with one readable line.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ..model.errors import InputError

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


def _progress(task: Any, done: int, total: int, what: str) -> None:
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


def _atomic_file(path: Path, write: Callable[[str], None]) -> Path:
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file name")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; an export is an ordinary file
        os.replace(tmp, path)
    except (OSError, RuntimeError) as exc:  # imageio-ffmpeg reports a failed encoder as either
        raise InputError(
            f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_mp4(
    frames: Frames, path: str | os.PathLike[str], fps: float = 8.0, task: Any = None
) -> Path:
    """Write an H.264 (yuv420p) MP4 that every player opens.

    Odd widths or heights are padded by one edge pixel (yuv420p needs even sizes).
    """
    import imageio_ffmpeg

    arr = _as_frames(frames)
    if not fps > 0:
        raise InputError(f"frame rate must be positive, not {fps}")
    pad_h, pad_w = arr.shape[1] % 2, arr.shape[2] % 2
    if pad_h or pad_w:
        arr = np.pad(arr, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    f, h, w = arr.shape[:3]

    def write(tmp: str) -> None:
        gen = imageio_ffmpeg.write_frames(
            tmp,
            (w, h),
            fps=float(fps),
            codec="libx264",
            quality=None,
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-crf", str(MP4_CRF), "-preset", "veryfast", "-movflags", "+faststart"],
        )
        gen.send(None)
        try:
            for i in range(f):
                gen.send(arr[i].tobytes())
                _progress(task, i + 1, f, "MP4")
        finally:
            gen.close()

    return _atomic_file(_target(path), write)


def write_gif(
    frames: Frames, path: str | os.PathLike[str], fps: float = 8.0, task: Any = None
) -> Path:
    """Write a looping GIF (identical consecutive frames are merged, timing kept)."""
    arr = _as_frames(frames)
    if not fps > 0:
        raise InputError(f"frame rate must be positive, not {fps}")
    images = []
    for i in range(arr.shape[0]):
        images.append(Image.fromarray(arr[i]))
        _progress(task, i + 1, arr.shape[0], "GIF")
    duration = round(1000.0 / fps)

    def write(tmp: str) -> None:
        images[0].save(
            tmp, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
        )

    return _atomic_file(_target(path), write)


def write_png_sequence(
    frames: Frames, folder: str | os.PathLike[str], task: Any = None, prefix: str = "frame_"
) -> Path:
    """Write ``folder/frame_0000.png …``; the folder must not exist yet or be empty."""
    arr = _as_frames(frames)
    target = _target(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} exists and is not an empty folder")
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        for i in range(arr.shape[0]):
            Image.fromarray(arr[i]).save(tmp / f"{prefix}{i:04d}.png")
            _progress(task, i + 1, arr.shape[0], "PNG")
        os.chmod(tmp, 0o755)
        os.replace(tmp, target)  # an empty target folder is replaced atomically
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def export_frames(
    frames: Frames,
    path: str | os.PathLike[str],
    fps: float = 8.0,
    task: Any = None,
    frame_range: tuple[int, int] | None = None,
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
        return write_mp4(arr, path, fps, task)
    if suffix == ".gif":
        return write_gif(arr, path, fps, task)
    if suffix in _NOT_FOLDERS:
        raise InputError(f"{path}: unknown video format {suffix!r} (use .mp4, .gif or a folder)")
    return write_png_sequence(arr, path, task)
