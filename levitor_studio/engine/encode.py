"""Encoding frames to H.264 with ffmpeg, checked: exit status, then the frame count read back.

imageio-ffmpeg's writer neither checks ffmpeg's exit status nor notices a failed trailer, so a
full disk once produced a truncated MP4 while the export reported success. Here ffmpeg (the
binary imageio-ffmpeg ships, or ``IMAGEIO_FFMPEG_EXE``) is run directly: raw RGB frames go to
its stdin, its messages go to a temporary file and then to the log, a non-zero exit status is an
:class:`EncoderError`, and the written file must decode back to exactly the number of frames
sent. Callers write to a temporary path and rename only after this returns.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..model.errors import one_line

log = logging.getLogger(__name__)

#: H.264 quality: constant rate factor (lower = better; 18 is visually lossless for most clips)
MP4_CRF = 18


class EncoderError(Exception):
    """ffmpeg failed, or its output does not read back as the frames sent (one line)."""


def encode_h264(
    frames: NDArray[np.uint8], out: Path, fps: float, on_frame: Callable[[int], None]
) -> None:
    """Encode ``(F, H, W, 3)`` uint8 frames (even H and W) to ``out`` as H.264 yuv420p MP4."""
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    f, h, w = frames.shape[:3]
    cmd = [exe, "-hide_banner", "-nostdin", "-loglevel", "warning", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{fps:.6g}", "-i", "-"]
    cmd += ["-an", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", str(MP4_CRF)]
    cmd += ["-preset", "veryfast", "-movflags", "+faststart", "-f", "mp4", str(out)]
    with tempfile.TemporaryFile() as chatter:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=chatter)
        assert proc.stdin is not None
        broken = False
        try:
            for i in range(f):
                try:
                    proc.stdin.write(frames[i].tobytes())
                except BrokenPipeError:
                    broken = True  # ffmpeg quit early: its status and messages say why
                    break
                on_frame(i + 1)
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                broken = True
            if proc.wait() is None:  # pragma: no cover - wait() always sets it
                proc.kill()
        chatter.seek(0)
        messages = chatter.read().decode("utf-8", "replace")
    if messages.strip():
        log.warning("ffmpeg writing %s said:\n%s", out, messages.rstrip())
    if proc.returncode != 0 or broken:
        lines = [ln for ln in messages.splitlines() if ln.strip()]
        why = one_line(lines[-1]) if lines else f"exit status {proc.returncode}"
        raise EncoderError(f"the encoder failed: {why}")
    got = count_frames(out)
    if got != f:
        raise EncoderError(f"the encoded video reads back as {got} of {f} frames")


def count_frames(path: Path) -> int:
    """How many video frames ffmpeg decodes from ``path`` (0 when it cannot read it)."""
    import imageio_ffmpeg

    try:
        frames, _seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as exc:
        log.warning("reading back %s: %s", path, one_line(exc))
        return 0
    return int(frames)
