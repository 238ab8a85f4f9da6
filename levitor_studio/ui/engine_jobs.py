"""The functions the editor runs on worker threads, each over a frozen copy of the scene.

They only call the engine, the model's file I/O and backends through their public functions, so
the editor does exactly what the command line does. Each takes a
:class:`~levitor_studio.tasks.state.TaskState` where the work is long enough to report progress.
The engine is imported inside the functions: the window appears before it is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model.errors import InputError
from ..model.scene import Scene
from ..model.task_state import TaskState
from ..plugin_host.protocols import DepthEstimator, Prompt, Segmenter, VideoGenerator


def preview_frame(scene: Scene, t: int) -> NDArray[np.uint8]:
    """The preview composite of frame ``t`` (the engine's CPU renderer)."""
    from ..engine import render_frame

    return render_frame(scene, t)


def control_points(scene: Scene) -> list[list[list[int]]]:
    """The control points the model will be given, one ``[row, col, id, depth]`` list per frame."""
    from ..engine import build_signal

    return [np.asarray(f).astype(int).tolist() for f in build_signal(scene).points]


def export_signal(scene: Scene, path: str, task: TaskState) -> Path:
    """The control signal (points, tensor, label and depth maps) as the engine's ``.npz``."""
    from ..engine import build_signal, write_signal_npz

    return Path(write_signal_npz(build_signal(scene, task), path))


def segment(
    segmenter: Segmenter,
    image: NDArray[np.uint8],
    needs_image: bool,
    prompt: Prompt,
    task: TaskState,
) -> NDArray[np.bool_]:
    """The best mask the segmenter finds for ``prompt`` (embedding the image first if needed)."""
    if needs_image:
        task.set_progress(0.1, "analysing the image")
        segmenter.set_image(image, task)
    task.check()
    task.set_progress(0.5, "segmenting")
    candidates = segmenter.segment(prompt)
    if not candidates or not candidates[0].mask.any():
        raise InputError("the segmenter found nothing there; try a tighter box or more clicks")
    return np.asarray(candidates[0].mask, dtype=bool)


def estimate_depth(estimator: DepthEstimator, scene: Scene, task: TaskState) -> NDArray[np.float32]:
    """A pseudo-depth map of the scene's image (the heuristic uses the object masks)."""
    from ..plugin_host.protocols import estimate_depth as run_estimator

    task.set_progress(0.05, "estimating depth")
    return run_estimator(estimator, scene.image, [o.mask for o in scene.objects], task)


def generate(
    generator: VideoGenerator, gen_id: str, options: dict[str, str], scene: Scene, task: TaskState
) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """Frames ``(F, H, W, 3)`` and the take record (seed, settings, options) that reproduces them."""
    import time

    from ..api import build_request, take_record

    started = time.perf_counter()
    task.set_progress(0.0, "building the control signal")
    request = build_request(scene, task)
    task.check()
    frames = np.asarray(generator.generate(request, task), dtype=np.uint8)
    if frames.ndim != 4 or frames.shape[0] != scene.frames:
        raise InputError(f"the generator returned {frames.shape}, not {scene.frames} frames")
    record = take_record(scene, gen_id, options, request)
    record["duration_s"] = round(time.perf_counter() - started, 3)
    return frames, record


def store_take(project: Path, frames: NDArray[np.uint8], record: dict[str, Any], fps: float) -> Any:
    """Write a generated clip as a new take of ``project`` (its ``.takes`` folder)."""
    from ..engine.takes import store_take as store
    from ..model.takes import TakeStore

    duration = float(record.get("duration_s", 0.0))
    fields = {k: v for k, v in record.items() if k != "duration_s"}
    return store(TakeStore.of_project(project), frames, fields, fps, duration, "editor")


def copy_takes(old: Path, new: Path) -> int:
    """Save As: copy every take of ``old`` to ``new``'s takes folder; how many were copied."""
    from ..model.takes import TakeStore, takes_folder

    return TakeStore.of_project(old).copy_to(takes_folder(new))


def load_take(take: Any) -> NDArray[np.uint8]:
    """A stored take's frames, decoded."""
    from ..engine.takes import read_frames

    return read_frames(take)


def export_video(
    scene: Scene,
    frames: NDArray[np.uint8] | None,
    path: str,
    task: TaskState,
    take: dict[str, Any] | None = None,
    frame_range: tuple[int, int] | None = None,
    settings: Any = None,
) -> Path:
    """Write the generated clip with its take record beside it, or, when nothing was generated,
    the CPU preview with a record that says so (generator ``preview``)."""
    from ..api import build_request, take_record, write_take
    from ..engine import export_frames, render_preview
    from ..model.atomic import staged

    if frames is None:
        frames = render_preview(scene, task=task)
        take = take_record(scene, "preview", {}, build_request(scene))
        take["source"] = "export preview"
    if frame_range is not None or settings is not None:
        from dataclasses import asdict, replace

        from ..engine import build_signal
        from .export_settings import ExportSettings, apply_settings

        # the range (the timeline's in/out, both ends included), overlay and size
        chosen = replace(settings or ExportSettings(), frame_range=frame_range)
        points = build_signal(scene).points if chosen.overlay else None
        frames = apply_settings(frames, chosen, points, scene)
        take = {**(take or {}), "export": asdict(chosen)}
        if frame_range is not None:
            take["frame_range"] = list(frame_range)
    with staged() as stage:  # the clip and its take record land together or not at all
        written = Path(export_frames(frames, path, fps=scene.fps, task=task, stage=stage))
        if take is not None:
            write_take(written, take, stage)
    return written
