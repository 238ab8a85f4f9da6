"""Exports read back with the right frame count, size and pixels; failures leave nothing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from levitor_studio.engine.video_export import (
    export_frames,
    write_gif,
    write_mp4,
    write_png_sequence,
)
from levitor_studio.model.errors import Cancelled, InputError
from levitor_studio.tasks.state import TaskState

F, H, W = 6, 48, 64


def clip(frames: int = F) -> np.ndarray:
    """Smooth frames (a moving gradient and square), each clearly different from the last."""
    yy, xx = np.mgrid[0:H, 0:W]
    out = np.empty((frames, H, W, 3), np.uint8)
    for t in range(frames):
        out[t, ..., 0] = (xx * 3 + t * 20) % 256
        out[t, ..., 1] = yy * 4
        out[t, ..., 2] = 128
        out[t, 10:20, 5 + 6 * t : 15 + 6 * t] = (255, 255, 255)
    return out


def read_mp4(path: Path) -> tuple[str, np.ndarray]:
    """The stream description ffmpeg prints and the decoded RGB frames.

    ffmpeg is run directly: imageio-ffmpeg's reader leaves its pipes for the garbage collector.
    """
    run = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    )
    stream = next(line for line in run.stderr.decode().splitlines() if "Video:" in line)
    w, h = map(int, re.search(r", (\d+)x(\d+)", stream).groups())  # type: ignore[union-attr]
    return stream, np.frombuffer(run.stdout, np.uint8).reshape(-1, h, w, 3)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_mp4_is_h264_yuv420p_with_every_frame(tmp_path: Path) -> None:
    frames = clip()
    out = write_mp4(frames, tmp_path / "clip.mp4", fps=8)
    stream, back = read_mp4(out)
    assert "Video: h264" in stream and "yuv420p" in stream
    assert f"{W}x{H}" in stream and " 8 fps" in stream
    assert back.shape == frames.shape
    assert np.abs(back.astype(int) - frames).mean() < 4  # lossy, but close
    assert leftovers(tmp_path) == ["clip.mp4"]
    assert (out.stat().st_mode & 0o777) == 0o644


def test_odd_size_is_padded_for_yuv420p(tmp_path: Path) -> None:
    _, back = read_mp4(write_mp4(clip()[:, :47, :63], tmp_path / "odd.mp4"))
    assert back.shape == (F, 48, 64, 3)


def test_gif_round_trip(tmp_path: Path) -> None:
    frames = clip()
    out = write_gif(frames, tmp_path / "clip.gif", fps=5)
    with Image.open(out) as gif:
        assert gif.n_frames == F and gif.size == (W, H)
        assert gif.info["duration"] == 200 and gif.info["loop"] == 0
        gif.seek(3)
        third = np.asarray(gif.convert("RGB"))
    assert np.abs(third.astype(int) - frames[3]).mean() < 12  # palette quantised


def test_png_sequence_is_exact(tmp_path: Path) -> None:
    frames = clip()
    folder = write_png_sequence(frames, tmp_path / "frames")
    names = leftovers(folder)
    assert names == [f"frame_{i:04d}.png" for i in range(F)]
    for i, name in enumerate(names):
        np.testing.assert_array_equal(np.asarray(Image.open(folder / name)), frames[i])
    (tmp_path / "empty").mkdir()
    write_png_sequence(frames[:2], tmp_path / "empty")
    assert len(leftovers(tmp_path / "empty")) == 2


def test_export_dispatches_by_suffix_and_range(tmp_path: Path) -> None:
    frames = clip()
    _, back = read_mp4(export_frames(frames, tmp_path / "a.mp4", frame_range=(2, 5)))
    assert back.shape[0] == 3
    with Image.open(export_frames(frames, tmp_path / "a.gif")) as gif:
        assert gif.n_frames == F
    assert len(leftovers(export_frames(frames, tmp_path / "seq", frame_range=(0, 1)))) == 1
    with pytest.raises(InputError, match="unknown video format"):
        export_frames(frames, tmp_path / "a.avi")


def test_bad_requests_are_clear_and_leave_nothing(tmp_path: Path) -> None:
    frames = clip()
    with pytest.raises(InputError, match="empty"):
        export_frames(frames, tmp_path / "z.mp4", frame_range=(3, 3))
    with pytest.raises(InputError, match="empty"):
        write_gif(np.zeros((0, H, W, 3), np.uint8), tmp_path / "z.gif")
    with pytest.raises(InputError, match="does not exist"):
        write_mp4(frames, tmp_path / "missing" / "z.mp4")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="does not exist"):
        write_gif(frames, tmp_path / "file" / "z.gif")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="not an empty folder"):
        write_png_sequence(frames, tmp_path / "full")
    with pytest.raises(InputError, match="8-bit"):
        write_mp4(frames.astype(np.float32), tmp_path / "f.mp4")
    with pytest.raises(InputError, match="is a folder"):
        write_mp4(frames, tmp_path / "full")
    assert leftovers(tmp_path) == ["file", "full"]
    assert leftovers(tmp_path / "full") == ["keep.txt"]


@pytest.mark.parametrize("name", ["c.mp4", "c.gif", "c_frames"])
def test_cancel_midway_leaves_no_partial_file(tmp_path: Path, name: str) -> None:
    calls: list[float] = []
    task = TaskState(on_progress=lambda f, _m: calls.append(f))

    def cancel_after_two(fraction: float, _message: str) -> None:
        calls.append(fraction)
        if len(calls) == 2:
            task.cancel()

    task._on_progress = cancel_after_two
    with pytest.raises(Cancelled):
        export_frames(clip(), tmp_path / name, task=task)
    assert leftovers(tmp_path) == []
