"""ObjMC evaluation of a video generator on a set of scenes; prints a table, writes a JSON report.

Run on the CPU with the preview generator (the default)::

    .venv/bin/python bench/eval_objmc.py                       # the bundled coffee example
    .venv/bin/python bench/eval_objmc.py a.levitor b.json --json report.json

and on a GPU day with the real model::

    .venv/bin/python bench/eval_objmc.py scenes/*.levitor --generator levitor-svd \\
        --svd /weights/stable-video-diffusion-img2vid-xt --controlnet /weights/LeviTor/controlnet \\
        --save-videos out/

Each scene is generated, its control points are tracked on the frames by a point tracker
(``--tracker``, the built-in Lucas–Kanade by default, or a plugin) and scored against where the
scene put them (``levitor_studio.evaluation``). Errors are in the scene's working-size pixels.
Not part of ``python -m bench`` (which runs ``bench_*.py``): a real-model run takes minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENE = ROOT / "resources" / "examples" / "coffee" / "coffee.levitor"


class _Timed:
    """Wraps a generator or tracker and adds up the seconds its one method takes."""

    def __init__(self, inner: Any, method: str) -> None:
        self.inner, self.method, self.seconds = inner, method, 0.0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name != self.method:
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


class _StillImage:
    """A reference 'generator' that moves nothing: every frame is the first."""

    def generate(self, request: Any, task: Any = None) -> np.ndarray:
        return np.repeat(np.asarray(request.first_frame)[None], request.scene.frames, axis=0)


def _fmt(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:.2f}"


def _row(scene: str, what: str, score: Any, extra: str = "") -> str:
    vis = "—" if not score.expected else f"{score.visible_fraction:.0%}"
    return f"| {scene} | {what} | {score.points} | {_fmt(score.objmc)} | {vis} |{extra}"


def _draw(ev: Any, width: int, height: int) -> np.ndarray:
    """The generated frames with intended (green rings) and obtained (red crosses) points."""
    import cv2

    fx, fy = ev.frames.shape[2] / width, ev.frames.shape[1] / height
    out = []
    for t, frame in enumerate(ev.frames):
        img = np.ascontiguousarray(frame).copy()
        for n in range(ev.intended.xy.shape[1]):
            marks = (
                (ev.intended.xy[t, n], ev.intended.visible[t, n], (0, 220, 0), True),
                (ev.obtained_xy[t, n], ev.obtained_visible[t, n], (230, 30, 30), False),
            )
            for xy, seen, colour, ring in marks:
                if not (seen and np.isfinite(xy).all()):
                    continue
                p = (round((xy[0] + 0.5) * fx - 0.5), round((xy[1] + 0.5) * fy - 0.5))
                if ring:
                    cv2.circle(img, p, 5, colour, 1, cv2.LINE_AA)
                else:
                    cv2.drawMarker(img, p, colour, cv2.MARKER_CROSS, 9, 1)
        out.append(img)
    return np.stack(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="ObjMC of a video generator on a set of scenes.")
    p.add_argument("scenes", nargs="*", help=".levitor projects or tracks .json (default: coffee)")
    p.add_argument("--generator", default="preview", help="video generator id (default preview)")
    p.add_argument("--svd", metavar="DIR", help="SVD-XT folder (diffusers layout) for levitor-svd")
    p.add_argument("--controlnet", metavar="DIR", help="LeviTor controlnet/ folder")
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="generator option (e.g. device=cuda, offload=on)",
    )
    p.add_argument("--seed", type=int, help="override every scene's seed")
    p.add_argument("--steps", type=int, help="override every scene's sampling steps")
    p.add_argument("--tracker", default="lk", help="point tracker id (default lk)")
    p.add_argument("--tracker-option", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument(
        "--intended",
        choices=("placement", "control"),
        default="placement",
        help="intended tracks: placement-carried frame-0 points or per-frame K-means",
    )
    p.add_argument("--segmenter", default="grabcut", help="segmenter for tracks .json inputs")
    p.add_argument("--depth", default="heuristic", help="depth estimator for tracks .json inputs")
    p.add_argument("--json", default="objmc_report.json", metavar="PATH", help="report path")
    p.add_argument("--save-videos", metavar="DIR", help="write each take with its tracks as MP4")
    p.add_argument(
        "--still-baseline",
        action="store_true",
        help="also score a 'generator' that returns the still image (the error of no motion)",
    )
    return p


def run(args: argparse.Namespace) -> dict[str, Any]:
    from levitor_studio import api
    from levitor_studio.cli import parse_options
    from levitor_studio.engine import write_mp4
    from levitor_studio.evaluation import evaluate_scene, pool
    from levitor_studio.model.errors import InputError
    from levitor_studio.plugin_host import create_backend
    from levitor_studio.point_tracking import create_tracker

    options = parse_options(args.option)
    if args.svd:
        options["svd"] = args.svd
    if args.controlnet:
        options["controlnet"] = args.controlnet
    videos = Path(args.save_videos) if args.save_videos else None
    if videos is not None and not videos.is_dir():
        raise InputError(f"{videos}: --save-videos folder does not exist")
    paths = [Path(s) for s in args.scenes] or [DEFAULT_SCENE]
    scenes = [api.load(p, args.segmenter, args.depth) for p in paths]  # all checked up front
    generator = _Timed(create_backend("generator", args.generator, options), "generate")
    tracker = _Timed(create_tracker(args.tracker, parse_options(args.tracker_option)), "track")
    rows = [
        "| scene | object | points | ObjMC (px) | visible | generate s | track s |",
        "|---|---|---|---|---|---|---|",
    ]
    report: dict[str, Any] = {
        "generator": args.generator,
        "tracker": args.tracker,
        "intended": args.intended,
        "scenes": [],
    }
    alls, movings = [], []
    for path, scene in zip(paths, scenes, strict=True):
        if args.seed is not None:
            scene.settings = replace(scene.settings, seed=args.seed)
        if args.steps is not None:
            scene.settings = replace(scene.settings, steps=args.steps)
        gen0, track0 = generator.seconds, tracker.seconds
        ev = evaluate_scene(scene, generator, tracker, args.intended)
        gen_s, track_s = generator.seconds - gen0, tracker.seconds - track0
        alls.append(ev.overall)
        movings.append(ev.moving)
        name = path.name
        rows.append(_row(name, "**all**", ev.overall, f" {gen_s:.2f} | {track_s:.2f} |"))
        rows.append(_row(name, "moving", ev.moving, " | |"))
        rows += [_row(name, s.name, s, " | |") for s in ev.per_object]
        report["scenes"].append(
            {
                "scene": str(path),
                "size": [scene.width, scene.height],
                "frames": scene.frames,
                "output_size": [int(ev.frames.shape[2]), int(ev.frames.shape[1])],
                "settings": scene.settings.to_json(),
                "all": ev.overall.to_json(),
                "moving": ev.moving.to_json(),
                "objects": [
                    {**s.to_json(), "moving": m}
                    for s, m in zip(ev.per_object, ev.intended.moving, strict=True)
                ],
                "seconds": {"generate": round(gen_s, 3), "track": round(track_s, 3)},
            }
        )
        if args.still_baseline:
            still = evaluate_scene(scene, _StillImage(), tracker, args.intended)
            rows.append(_row(name, "still image: all", still.overall, " | |"))
            rows.append(_row(name, "still image: moving", still.moving, " | |"))
            report["scenes"][-1]["still_baseline"] = {
                "all": still.overall.to_json(),
                "moving": still.moving.to_json(),
            }
        if videos is not None:
            write_mp4(
                _draw(ev, scene.width, scene.height),
                videos / f"{path.stem}.objmc.mp4",
                fps=scene.fps,
            )
    if len(scenes) > 1:
        rows.append(_row("**pooled**", "all", pool("all", alls), " | |"))
        rows.append(_row("**pooled**", "moving", pool("moving", movings), " | |"))
    report["pooled"] = {
        "all": pool("all", alls).to_json(),
        "moving": pool("moving", movings).to_json(),
    }
    print("\n".join(rows))
    return report


def main(argv: list[str] | None = None) -> int:
    from levitor_studio.model.errors import LevitorError

    args = build_parser().parse_args(argv)
    try:
        out = Path(args.json)
        if not out.parent.resolve().is_dir():
            raise FileNotFoundError(2, "report folder does not exist", str(out.parent))
        report = run(args)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2) + "\n")
        tmp.replace(out)
        print(f"report: {out}")
    except LevitorError as exc:
        print(f"eval_objmc: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"eval_objmc: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
