"""Storing a generated clip as a take of its project, and reading a take's frames back.

:func:`store_take` writes the video (H.264 MP4, as File ▸ Export does) and a thumbnail into the
project's :class:`~levitor_studio.model.takes.TakeStore`, with the full record: what
:func:`levitor_studio.api.take_record` says reproduces it, plus the time it took, the frame rate,
where it came from (``editor``, ``render``, ``batch``) and optionally a shot name. The editor,
``render`` and ``batch`` all store takes through here. :func:`read_frames` decodes a take's video
with the bundled ffmpeg (run directly, so no pipe outlives the call).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ..model.errors import InputError
from ..model.takes import Take, TakeStore, new_take_id
from .video_export import write_mp4

__all__ = ["THUMB_WIDTH", "read_frames", "store_take", "take_fields"]

VIDEO = "video.mp4"
THUMBNAIL = "thumb.png"
#: thumbnails are this wide (height from the clip's aspect)
THUMB_WIDTH = 160


def take_fields(
    record: Mapping[str, Any],
    fps: float,
    duration_s: float,
    source: str,
    shot: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The full ``take.json`` of a new take from ``api.take_record``'s reproduction record."""
    now = now or datetime.now(UTC)
    fields: dict[str, Any] = {
        "format": "levitor-take",
        "version": 1,
        "id": new_take_id(now),
        "created": now.isoformat(timespec="microseconds"),  # sorts takes made in one second
        "name": "",
        "starred": False,
        "source": source,
        **dict(record),
        "fps": float(fps),
        "duration_s": round(float(duration_s), 3),
        "video": VIDEO,
        "thumbnail": THUMBNAIL,
    }
    if shot:
        fields["shot"] = shot
    return fields


def thumbnail(frames: NDArray[np.uint8]) -> Image.Image:
    """The middle frame, :data:`THUMB_WIDTH` pixels wide."""
    middle = frames[len(frames) // 2]
    h, w = middle.shape[:2]
    size = (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w)))
    return Image.fromarray(middle).resize(size, Image.Resampling.BILINEAR)


def store_take(
    store: TakeStore,
    frames: NDArray[np.uint8],
    record: Mapping[str, Any],
    fps: float,
    duration_s: float,
    source: str,
    shot: str = "",
) -> Take:
    """Write ``frames`` as a new take of ``store`` (atomically) and return it."""
    arr = np.asarray(frames)
    fields = take_fields(record, fps, duration_s, source, shot)

    def write(folder: Path) -> None:
        write_mp4(arr, folder / VIDEO, fps=fps)
        thumbnail(arr).save(folder / THUMBNAIL, format="PNG")

    return store.add(fields, write)


def read_frames(take: Take) -> NDArray[np.uint8]:
    """The take's video decoded to ``(F, H, W, 3)`` uint8 at the take's recorded size."""
    import imageio_ffmpeg

    w, h = (int(v) for v in take.record["size"])
    try:
        run = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", os.fspath(take.video)]
            + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise InputError(f"{take.video}: cannot run ffmpeg ({exc})") from None
    # the MP4 writer pads odd sizes by one pixel
    pw, ph = w + w % 2, h + h % 2
    data = np.frombuffer(run.stdout, np.uint8)
    if run.returncode != 0 or data.size == 0 or data.size % (pw * ph * 3):
        message = run.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"{take.video}: not a readable video ({message[-1] if message else ''})")
    return data.reshape(-1, ph, pw, 3)[:, :h, :w].copy()
