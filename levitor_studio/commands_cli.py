"""Handlers of the ``levitor-studio`` sub-commands (imported only after argument parsing)."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from . import api
from .cli import EXIT_OK, EXIT_USAGE, distinct_outputs, inputs_of, output_path, parse_options
from .model.atomic import staged
from .model.errors import InputError, printable
from .model.imaging import parse_size
from .model.project_io import load_project, save_project
from .model.tracks_io import asset_paths, export_tracks
from .plugin_host import list_backends


def cmd_open(args: argparse.Namespace) -> int:
    try:
        from .ui.app import run
    except ImportError as exc:
        print(f"levitor-studio: error: the editor cannot start here ({exc})", file=sys.stderr)
        return EXIT_USAGE
    return int(run(args.project, screenshot=args.screenshot, frame=args.frame))


def cmd_new(args: argparse.Namespace) -> int:
    out = output_path(args.output, args.image)
    size = parse_size(args.size) if args.size else None
    options = parse_options(args.option)
    depth = args.depth
    if args.depth_file:
        options["path"] = args.depth_file
        depth = "file"
    scene = api.new_project(
        args.image,
        size=size,
        frames=args.frames,
        fps=args.fps,
        fit=args.fit,
        depth=depth,
        segmenter=args.segmenter,
        segments=not args.no_segments,
        depth_options=options,
        segmenter_options=options,
    )
    save_project(scene, out)
    print(f"wrote {out} ({scene.width}x{scene.height}, {scene.frames} frames)")
    return EXIT_OK


def cmd_import_tracks(args: argparse.Namespace) -> int:
    out = output_path(args.output, *inputs_of(args.tracks))
    scene = api.load(
        args.tracks,
        args.segmenter,
        args.depth,
        parse_options(args.option),
        allow_outside_paths=args.allow_outside_paths,
    )
    save_project(scene, out)
    print(f"wrote {out} ({len(scene.objects)} objects)")
    return EXIT_OK


def cmd_export_tracks(args: argparse.Namespace) -> int:
    if getattr(args, "format", "levitor") in ("wan-move", "ati"):
        return _export_point_tracks(args)
    out = output_path(args.output, args.project)
    if not out.name.endswith(".json"):
        raise InputError(f"{out}: a tracks file name must end in .json")
    scene = load_project(args.project)
    for asset in asset_paths(scene, out):
        output_path(str(asset), args.project)
    export_tracks(scene, out, overwrite=args.overwrite)
    print(f"wrote {out}")
    return EXIT_OK


def _export_point_tracks(args: argparse.Namespace) -> int:
    from .engine.point_track_export import PointTrackExport, export_point_tracks, parse_size

    scene = load_project(args.project)
    size = None if args.size is None else parse_size(args.size, "--size")
    options = PointTrackExport(args.format, args.output, args.points, args.frames, size)
    for path in export_point_tracks(scene, options):
        print(f"wrote {path}")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    s = load_project(args.project)
    print(f"project   {printable(args.project)}")
    print(
        f"image     {printable(s.source_name) or '(imported)'} fitted to {s.width}x{s.height} ({s.fit})"
    )
    print(f"clip      {s.frames} frames at {s.fps:g} fps, field of view {s.fov:g}°")
    depth = "none" if s.depth is None else f"{float(s.depth.min()):.3f}…{float(s.depth.max()):.3f}"
    print(f"depth     {depth}")
    nseg = 0 if s.segments is None else int(np.count_nonzero(np.unique(s.segments)))
    print(f"segments  {nseg} static")
    g = s.settings
    print(
        f"generator {printable(g.generator)}  seed {g.seed}  steps {g.steps}  motion {g.motion_bucket}  "
        f"control {g.control_scale:g}  points ×{g.points_ratio:g}  mode {g.control_mode}"
    )
    print(f"objects   {len(s.objects)}")
    for inst, o in enumerate(s.objects, start=1):
        flags = " locked" if o.locked else ""
        print(
            f"  #{inst} '{printable(o.name)}' id {o.uid}, {o.area()} px, rest depth {s.rest_depth(o):.4g}{flags}"
        )
        for k in o.keyframes:
            print(
                f"     frame {k.frame:3d}  x {k.x:7.1f}  y {k.y:7.1f}  z {k.z:.4g}  {k.ease.value}"
            )
    return EXIT_OK


def cmd_plugins(args: argparse.Namespace) -> int:
    for info in list_backends():
        avail = info.availability({})
        state = "available" if avail.ok else f"unavailable: {avail.reason}"
        print(f"{info.kind:10s} {info.id:20s} {info.distribution} {info.version}  {state}")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    import time

    from .engine.signal_export import write_signal_npz
    from .engine.takes import store_take
    from .engine.video_export import export_frames
    from .model.commands import SetGenerationSettings
    from .model.takes import TakeStore
    from .tasks.state import TaskState

    inputs = inputs_of(args.scene)
    out = output_path(args.output.rstrip("/") or args.output, *inputs)
    signal_out = output_path(args.signal, *inputs) if args.signal else None
    output_path(str(api.take_path(out)), *inputs, what="take record")
    distinct_outputs(("video", out), ("signal", signal_out), ("take record", api.take_path(out)))
    scene = api.load(args.scene, allow_outside_paths=args.allow_outside_paths)
    changes = {k: v for k, v in (("seed", args.seed), ("steps", args.steps)) if v is not None}
    if changes:
        SetGenerationSettings(changes).apply(scene)
    options = parse_options(args.option)
    if args.svd:
        options["svd"] = args.svd
    if args.controlnet:
        options["controlnet"] = args.controlnet
    if args.overlay:
        options["overlay"] = "on"
    generator = args.generator or scene.settings.generator

    def progress(fraction: float, message: str) -> None:
        if sys.stderr.isatty():
            print(
                f"\r{generator}: {fraction * 100:5.1f}% {message[:50]:50s}", end="", file=sys.stderr
            )

    started = time.perf_counter()
    frames, request = api.generate(scene, generator, options, TaskState(on_progress=progress))
    duration = time.perf_counter() - started
    if sys.stderr.isatty():
        print(file=sys.stderr)
    record = api.take_record(scene, generator, options, request)
    with staged() as stage:  # the video, its take record and the signal land together or not at all
        written = export_frames(frames, out, fps=scene.fps, stage=stage)
        record_path = api.write_take(written, record, stage)
        if signal_out is not None:
            write_signal_npz(request.signal, signal_out, stage)
    print(f"wrote {written} ({len(frames)} frames) and {record_path.name}")
    if not args.no_take and not str(args.scene).lower().endswith(".json"):
        store = TakeStore.of_project(args.scene)  # a project keeps every render as a take
        try:
            take = store_take(store, frames, record, scene.fps, duration, "render")
        except (InputError, OSError) as exc:  # e.g. a read-only project folder: still rendered
            print(
                f"levitor-studio: warning: take not stored in {store.folder} ({exc})",
                file=sys.stderr,
            )
        else:
            print(f"stored take {take.id} in {store.folder}")
    return EXIT_OK


def cmd_export_signal(args: argparse.Namespace) -> int:
    from .engine.signal import build_signal
    from .engine.signal_export import write_keypoints_json, write_signal_npz

    out = output_path(args.output, args.project)
    keypoints = output_path(args.keypoints, args.project) if args.keypoints else None
    distinct_outputs(("signal", out), ("keypoints", keypoints))
    signal = build_signal(api.load(args.project))
    with staged() as stage:
        write_signal_npz(signal, out, stage)
        if keypoints is not None:
            write_keypoints_json(signal.points, keypoints, stage)
    print(f"wrote {out}" + (f" and {keypoints}" if keypoints else ""))
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from .model_store.cli import run

    return run(args)


def cmd_takes(args: argparse.Namespace) -> int:
    from .takes_cli import list_takes

    return list_takes(args)


def cmd_batch(args: argparse.Namespace) -> int:
    from .takes_cli import run_batch

    return run_batch(args)
