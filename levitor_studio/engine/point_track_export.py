"""One point-tracks export for the command line and the editor (issue 17 item 6).

``levitor-studio export-tracks P --format wan-move|ati`` and File ▸ Export Point Tracks… both
describe what to write as a :class:`PointTrackExport` and call :func:`export_point_tracks`, so
the same options give the same bytes. :meth:`PointTrackExport.check` refuses a wrong value with
one line naming it before anything is computed, and nothing is written unless every file can be.
A track point the camera passes is invisible on those frames and holds its last pixel (never NaN).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..model.errors import InputError
from ..model.limits import Limit
from ..model.scene import Scene
from ..model.task_state import TaskState
from .point_tracks import (
    ATI_FRAMES,
    WAN_MOVE_FRAMES,
    point_tracks,
    resample,
    write_ati,
    write_wan_move,
)

#: format → (what it is, default frames)
FORMATS = {
    "wan-move": ("Wan-Move: tracks.npy + track_visibility.npy in a folder", WAN_MOVE_FRAMES),
    "ati": ("ATI (ComfyUI): a JSON list of {x, y, visible} tracks", ATI_FRAMES),
}
POINTS = Limit(1, 10_000, integer=True)
FRAMES = Limit(2, 10_000, integer=True)
SIDE = Limit(1, 8192, integer=True)


def parse_size(text: str, what: str = "size") -> tuple[int, int]:
    """``"832x480"`` → ``(832, 480)``, each side checked against :data:`SIDE`."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(f"{what} {text!r} must be WxH, like 832x480") from None
    return SIDE.check(w, "width"), SIDE.check(h, "height")


@dataclass(frozen=True)
class PointTrackExport:
    """What to write: ``format`` (a :data:`FORMATS` key), ``output`` (a folder for Wan-Move, a
    ``.json`` file for ATI), ``points`` per object and static segment, ``frames`` (None: the
    format's default) and ``size`` ``(W, H)`` (None: the scene's working size)."""

    format: str
    output: str
    points: int = 8
    frames: int | None = None
    size: tuple[int, int] | None = None

    def target_frames(self) -> int:
        return FORMATS[self.format][1] if self.frames is None else self.frames

    def check(self) -> None:
        """One :class:`InputError` line for the first wrong value; nothing is touched."""
        if self.format not in FORMATS:
            raise InputError(f"format {self.format!r} must be one of {', '.join(FORMATS)}")
        POINTS.check(self.points, "points")
        FRAMES.check(self.target_frames(), "frames")
        if self.size is not None:
            SIDE.check(self.size[0], "width")
            SIDE.check(self.size[1], "height")
        out = Path(self.output)
        if not self.output:
            raise InputError("choose where to write the tracks")
        if self.format == "ati":
            if out.suffix.lower() != ".json":
                raise InputError(f"{out.name}: an ATI tracks file name must end in .json")
            if not out.parent.resolve().is_dir():
                raise InputError(f"{out.parent}: output folder does not exist")
            if out.is_dir():
                raise InputError(f"{out}: is a folder, not a .json file")
        elif not out.is_dir():
            raise InputError(f"{out}: output folder does not exist")

    def targets(self) -> list[Path]:
        """The files the export writes (or replaces)."""
        out = Path(self.output)
        if self.format == "ati":
            return [out]
        return [out / "tracks.npy", out / "track_visibility.npy"]


def export_point_tracks(
    scene: Scene, options: PointTrackExport, task: TaskState | None = None
) -> list[Path]:
    """Check ``options``, compute the scene's point tracks, resample and write them; the files
    written (all of them, or none)."""
    options.check()
    if task is not None:
        task.set_progress(0.1, "point tracks")
    tracks = point_tracks(scene, options.points)
    if task is not None:
        task.check()
    tracks = resample(tracks, options.target_frames(), options.size or scene.size)
    if task is not None:
        task.set_progress(0.9, "writing")
    if options.format == "ati":
        return [write_ati(tracks, options.output)]
    return write_wan_move(tracks, os.fspath(options.output))
