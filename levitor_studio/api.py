"""Public scripting API for pipeline scripts (documented in the README).

>>> from levitor_studio import api
>>> scene = api.new_scene("photo.jpg", size=(512, 288))
>>> scene = api.load("shot.levitor")          # or a tracks .json
>>> api.save(scene, "shot.levitor")           # or "shot.json" for a tracks file

Everything here runs without Qt; engine functions are reached through this module too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import commands, limits
from .model.errors import InputError
from .model.imaging import default_size, fit_image, read_rgb
from .model.keyframes import Easing, Keyframe
from .model.project_io import load_project, save_project
from .model.scene import GenerationSettings, Scene, SceneObject
from .model.task_state import TaskState
from .model.tracks_io import export_tracks
from .plugin_host import (
    DEPTH,
    GENERATOR,
    SEGMENTER,
    GenerationRequest,
    create_backend,
    list_backends,
)
from .plugin_host.protocols import estimate_depth as run_estimator
from .resolve import import_tracks

__all__ = [
    "Easing",
    "GenerationSettings",
    "Keyframe",
    "Scene",
    "SceneObject",
    "commands",
    "create_backend",
    "build_request",
    "estimate_depth",
    "generate",
    "import_tracks",
    "list_backends",
    "load",
    "new_project",
    "new_scene",
    "save",
    "static_segments",
    "copy_project",
    "generate_take",
    "takes",
]

#: cropping that would drop more than this fraction of the photo is not done silently: the
#: editor asks crop or letterbox, and ``levitor-studio new`` wants ``--fit``
CROP_LOSS_ASK = 0.5


def crop_loss(image_size: tuple[int, int], size: tuple[int, int]) -> float:
    """The fraction of a ``(w, h)`` photo a centre crop to ``size = (W, H)`` would drop."""
    (sw, sh), (w, h) = image_size, size
    return 1.0 - min(sw / sh, w / h) / max(sw / sh, w / h)


def image_size(image: str | os.PathLike[str]) -> tuple[int, int]:
    """``(w, h)`` of an image file, from its header where possible."""
    source = read_rgb(image)
    return int(source.shape[1]), int(source.shape[0])


def new_scene(
    image: str | os.PathLike[str],
    size: tuple[int, int] | None = None,
    frames: int = 16,
    fps: float = 8.0,
    fit: str | None = "crop",
) -> Scene:
    """A scene on an image file, fitted to ``size = (W, H)`` (default from its aspect).

    ``fit=None`` means "crop, unless that drops more than :data:`CROP_LOSS_ASK` of the photo":
    then the caller must choose, and :class:`InputError` says so.
    """
    source = read_rgb(image)
    w, h = size or default_size(source.shape[1], source.shape[0])
    limits.FRAMES.check(frames, "frames")
    limits.FPS.check(fps, "fps")
    if fit is None:
        loss = crop_loss((source.shape[1], source.shape[0]), (w, h))
        if loss > CROP_LOSS_ASK:
            raise InputError(
                f"{Path(image).name} is {source.shape[1]}x{source.shape[0]}: cropping it to "
                f"{w}x{h} would drop {loss:.0%} of it; choose --fit crop or --fit letterbox"
            )
        fit = "crop"
    return Scene(
        image=fit_image(source, (w, h), fit),
        frames=frames,
        fps=fps,
        fit=fit,
        source_name=Path(image).name,
    )


def new_project(
    image: str | os.PathLike[str],
    size: tuple[int, int] | None = None,
    frames: int = 16,
    fps: float = 8.0,
    fit: str | None = "crop",
    depth: str = "heuristic",
    segmenter: str = "grabcut",
    segments: bool = True,
    depth_options: Mapping[str, str] | None = None,
    segmenter_options: Mapping[str, str] | None = None,
) -> Scene:
    """A new project as ``levitor-studio new`` and the editor's New Project dialog make it.

    The image fitted to the working size, its depth from ``depth`` and, unless ``segments`` is
    false, static segments from ``segmenter`` (the anchors the model was trained with).
    """
    scene = new_scene(image, size=size, frames=frames, fps=fps, fit=fit)
    estimate_depth(scene, depth, depth_options)
    if segments:
        static_segments(scene, segmenter, segmenter_options)
    return scene


def load(
    path: str | os.PathLike[str],
    segmenter: str = "grabcut",
    depth: str = "heuristic",
    options: Mapping[str, str] | None = None,
    allow_outside_paths: bool = False,
) -> Scene:
    """A ``.levitor`` project, or a tracks ``.json`` resolved with the given backends.

    A tracks file may only name files in its own folder unless ``allow_outside_paths``.
    """
    if str(path).lower().endswith(".json"):
        return import_tracks(
            path,
            segmenter=create_backend(SEGMENTER, segmenter, options),
            depth_estimator=create_backend(DEPTH, depth, options),
            allow_outside_paths=allow_outside_paths,
        )
    return load_project(path)


def save(scene: Scene, path: str | os.PathLike[str]) -> None:
    """Save as a ``.levitor`` project, or as a tracks file when ``path`` ends in ``.json``."""
    if str(path).lower().endswith(".json"):
        export_tracks(scene, path)
    else:
        save_project(scene, path)


def estimate_depth(
    scene: Scene, estimator: str = "heuristic", options: Mapping[str, str] | None = None
) -> None:
    """Fill ``scene.depth`` with the chosen estimator (objects as cards for the heuristic)."""
    backend = create_backend(DEPTH, estimator, options)
    depth = run_estimator(backend, scene.image, [o.mask for o in scene.objects])
    commands.SetDepthMap(depth).apply(scene)


def static_segments(
    scene: Scene, segmenter: str = "grabcut", options: Mapping[str, str] | None = None
) -> None:
    """Fill ``scene.segments`` with the segmenter's automatic mode, objects excluded."""
    backend = create_backend(SEGMENTER, segmenter, options)
    backend.set_image(scene.image)
    commands.SetSegments(backend.automatic(exclude=scene.objects_mask())).apply(scene)


def build_request(
    scene: Scene, task: TaskState | None = None, signal: Any = None
) -> GenerationRequest:
    """What a video generator is given: first frame, conditioning tensor, settings, signal.

    ``signal`` is the scene's :class:`~levitor_studio.engine.signal.ControlSignal` when the
    caller has built it already; otherwise it is built here.
    """
    from .engine.signal import build_signal

    if signal is None:
        signal = build_signal(scene, task)
    return GenerationRequest(
        first_frame=scene.image,
        conditioning=signal.tensor,
        settings=scene.settings,
        fps=scene.fps,
        scene=scene,
        signal=signal,
    )


def generate(
    scene: Scene,
    generator: str | None = None,
    options: Mapping[str, str] | None = None,
    task: TaskState | None = None,
) -> tuple[Any, GenerationRequest]:
    """Run a video generator on ``scene``; returns ``(frames (F, H, W, 3) uint8, request)``.

    The generator is ``generator`` or the scene's own setting; ``options`` are the backend's
    (weights folders, device...). ``request.extra`` holds what the backend recorded about the
    run (effective settings), for :func:`take_record`.
    """
    backend = create_backend(GENERATOR, generator or scene.settings.generator, options)
    request = build_request(scene, task)
    frames = backend.generate(request, task)
    return frames, request


def take_record(
    scene: Scene, generator: str, options: Mapping[str, str], request: GenerationRequest
) -> dict[str, Any]:
    """What reproduces a take: generator, its options, the scene's settings, backend extras."""
    from ._version import __version__
    from .engine.take_hash import control_hash, shot_hash, signal_hash

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value if isinstance(value, str | int | float | bool) or value is None else str(value)

    control = control_hash(scene)
    return {
        "app_version": __version__,
        "generator": generator,
        "options": dict(options),
        "seed": scene.settings.seed,
        "settings": scene.settings.to_json(),
        "control_hash": control,
        "signal_hash": None if request.signal is None else signal_hash(request.signal),
        "shot_hash": shot_hash(control, generator, options, scene.settings.to_json()),
        "frames": scene.frames,
        "size": [scene.width, scene.height],
        "backend": plain({k: v for k, v in request.extra.items() if k != "points"}),
    }


def take_path(video: str | os.PathLike[str]) -> Path:
    """Where the take record of ``video`` goes: ``<video>.take.json`` beside it."""
    target = Path(video)
    return target.with_name(target.name + ".take.json")


def write_take(video: str | os.PathLike[str], record: Mapping[str, Any], stage: Any = None) -> Path:
    """Write a take record as ``<video>.take.json`` beside the video (atomically; with a
    :class:`~levitor_studio.model.atomic.Stage`, together with the video)."""
    import json

    from .model.atomic import staged

    path = take_path(video)
    with staged() if stage is None else contextlib.nullcontext(stage) as st:
        with st.open(path) as fh:
            fh.write(json.dumps(record, indent=2).encode("utf-8"))
    return path


def generate_take(
    scene: Scene,
    project: str | os.PathLike[str],
    generator: str | None = None,
    options: Mapping[str, str] | None = None,
    task: TaskState | None = None,
    source: str = "render",
    shot: str = "",
) -> tuple[Any, Any]:
    """Generate ``scene`` and store the clip as a new take of ``project`` (``<stem>.takes/``).

    Returns ``(frames, take)``; the take records the generator, its options, the seed, every
    setting, the control and shot hashes and how long generating took.
    """
    import time

    from .engine.takes import store_take
    from .model.takes import TakeStore

    gen_id = generator or scene.settings.generator
    opts = dict(options or {})
    started = time.perf_counter()
    frames, request = generate(scene, gen_id, opts, task)
    duration = time.perf_counter() - started
    record = take_record(scene, gen_id, opts, request)
    take = store_take(
        TakeStore.of_project(project), frames, record, scene.fps, duration, source, shot
    )
    return frames, take


def takes(project: str | os.PathLike[str]) -> tuple[list[Any], list[str]]:
    """The takes stored with ``project``, oldest first, and one line per take skipped
    (missing or damaged)."""
    from .model.takes import TakeStore

    return TakeStore.of_project(project).scan()


def copy_project(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> int:
    """Copy a ``.levitor`` project with its takes (``<stem>.takes/``); returns how many takes.

    The project is checked first (a damaged one is refused), then written atomically; takes
    that are damaged are skipped, as when listing them.
    """
    import shutil

    from .model.atomic import atomic_write
    from .model.takes import TakeStore, takes_folder

    src, dst = Path(source), Path(target)
    if src.resolve() == dst.resolve():
        raise InputError(f"{dst}: a project cannot be copied onto itself")
    load_project(src)
    with src.open("rb") as fh, atomic_write(dst) as out:
        shutil.copyfileobj(fh, out)
    return TakeStore.of_project(src).copy_to(takes_folder(dst))
