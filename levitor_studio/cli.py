"""The ``levitor-studio`` command line.

With no arguments (or a project path) it opens the editor. Sub-commands work headless. Every
bad input ends with one readable line on stderr (text from files escaped) and exit status 2, and
no output file is written or overwritten (all writes are atomic and happen after validation).
Exit status 1 means a bug: its traceback goes to the log (:mod:`levitor_studio.logs`). Only argparse and
the standard library are imported at start-up, so ``--help`` never loads torch, Qt or VTK.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COMMANDS = (
    "new",
    "import-tracks",
    "export-tracks",
    "info",
    "plugins",
    "render",
    "export-signal",
    "models",
    "takes",
    "batch",
    "open",
)


OUTSIDE_HELP = "let a tracks file name files outside its own folder (absolute or ../ paths)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parse_options(pairs: Sequence[str]) -> dict[str, str]:
    from .model.errors import InputError

    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--option {pair!r}: expected KEY=VALUE")
        options[key.strip()] = value
    return options


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="levitor-studio", description="Animate a still image along 3D object trajectories."
    )
    p.add_argument("--version", action="version", version=f"levitor-studio {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    o = sub.add_parser("open", help="open the editor (default when no command is given)")
    o.add_argument("project", nargs="?", help=".levitor project or an image to start from")
    o.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the window and quit")
    o.add_argument("--frame", type=int, help="the playhead's frame (for --screenshot)")

    n = sub.add_parser("new", help="create a project from an image")
    n.add_argument("image")
    n.add_argument("-o", "--output", required=True, metavar="P.levitor")
    n.add_argument(
        "--size", metavar="WxH", help="working size (multiples of 8; default from aspect)"
    )
    n.add_argument("--frames", type=int, default=16)
    n.add_argument("--fps", type=float, default=8.0)
    n.add_argument(
        "--fit",
        choices=("crop", "letterbox"),
        help="crop (default) or letterbox; required when cropping would drop over half the photo",
    )
    n.add_argument("--depth", default="heuristic", help="depth estimator id (default heuristic)")
    n.add_argument("--depth-file", metavar="PATH", help="use this .npy / PNG as the depth map")
    n.add_argument("--segmenter", default="grabcut", help="segmenter id for static segments")
    n.add_argument("--no-segments", action="store_true", help="skip automatic static segments")
    n.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option (e.g. checkpoint=/path/sam_vit_h.pth)",
    )

    it = sub.add_parser("import-tracks", help="create a project from a tracks JSON file")
    it.add_argument("tracks")
    it.add_argument("-o", "--output", required=True, metavar="P.levitor")
    it.add_argument("--segmenter", default="grabcut")
    it.add_argument("--depth", default="heuristic")
    it.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    it.add_argument("--allow-outside-paths", action="store_true", help=OUTSIDE_HELP)

    et = sub.add_parser("export-tracks", help="write a project's tracks JSON (+ assets beside it)")
    et.add_argument("project")
    et.add_argument(
        "-o", "--output", required=True, metavar="T.json|FOLDER", help="a folder for wan-move"
    )
    et.add_argument(
        "--overwrite", action="store_true", help="replace existing files the assets would use"
    )
    et.add_argument(
        "--format",
        choices=["levitor", "wan-move", "ati"],
        default="levitor",
        help="levitor: the tracks JSON; wan-move: tracks.npy + track_visibility.npy in a folder; "
        "ati: a JSON list of {x, y, visible} tracks",
    )
    et.add_argument("--points", type=int, default=8, help="points per object and segment")
    et.add_argument("--frames", type=int, default=None, help="target frames (wan-move 81, ati 121)")
    et.add_argument("--size", default=None, metavar="WxH", help="target size (default: working)")

    i = sub.add_parser("info", help="describe a project")
    i.add_argument("project")

    sub.add_parser("plugins", help="list backends, whether they can run here and why not")

    r = sub.add_parser("render", help="generate the video of a project (or tracks file)")
    r.add_argument("scene", help=".levitor project or tracks .json")
    r.add_argument("-o", "--output", required=True, metavar="OUT.mp4|.gif|DIR/")
    r.add_argument("--generator", help="video generator id (default: the project's, else preview)")
    r.add_argument("--svd", metavar="DIR", help="SVD-XT folder (diffusers layout) for levitor-svd")
    r.add_argument("--controlnet", metavar="DIR", help="LeviTor controlnet/ folder for levitor-svd")
    r.add_argument("--overlay", action="store_true", help="draw the control points on the preview")
    r.add_argument("--seed", type=int)
    r.add_argument("--steps", type=int)
    r.add_argument("--signal", metavar="S.npz", help="also write the control signal")
    r.add_argument(
        "--no-take", action="store_true", help="do not keep the video as a take of the project"
    )
    r.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    r.add_argument("--allow-outside-paths", action="store_true", help=OUTSIDE_HELP)

    tk = sub.add_parser("takes", help="list the takes stored with a project")
    tk.add_argument("project")
    tk.add_argument("--json", action="store_true", help="print them as JSON (for scripts)")

    b = sub.add_parser("batch", help="render the shots of a job file (scenes x seeds x overrides)")
    b.add_argument("job", metavar="JOB.toml")
    b.add_argument("--json", action="store_true", help="print the summary as JSON")
    b.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help="run each shot as a Ray task on a cluster (needs levitor-studio[farm])",
    )
    b.add_argument(
        "--gpus-per-shot",
        type=float,
        metavar="N",
        help="GPUs each Ray task asks for (default 1; the preview generator asks for 1 CPU)",
    )

    es = sub.add_parser(
        "export-signal", help="write the control signal (.npz and/or keypoint JSON)"
    )
    es.add_argument("project")
    es.add_argument("-o", "--output", required=True, metavar="S.npz")
    es.add_argument("--keypoints", metavar="K.json", help="also the original demo's keypoint JSON")

    from .model_store.cli import add_parser as add_models_parser  # argparse only

    add_models_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else ""
    if first not in COMMANDS and first not in ("-h", "--help", "--version"):
        args_list = ["open", *args_list]  # `levitor-studio [PROJECT] [--screenshot PNG]`
    args = build_parser().parse_args(args_list)
    from .model.errors import LevitorError, one_line

    try:
        from . import commands_cli

        handler = getattr(commands_cli, "cmd_" + args.command.replace("-", "_"))
        return int(handler(args))
    except LevitorError as exc:
        print(f"levitor-studio: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        where = one_line(str(exc.filename)) if exc.filename else ""
        print(
            f"levitor-studio: error: {one_line(exc.strerror or exc)}: {where}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("levitor-studio: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line here, the traceback in the log
        if os.environ.get("LEVITOR_DEBUG"):
            raise
        from . import logs

        line = logs.log_failure(exc, f"levitor-studio {args.command}")
        print(f"levitor-studio: internal error: {one_line(line)}", file=sys.stderr)
        return EXIT_FAILED


def output_path(path: str, *inputs: str | os.PathLike[str], what: str = "output") -> Path:
    """Check an output path before any work: its folder exists, it is not one of the inputs."""
    from .model.errors import InputError

    out = Path(path)
    if not out.name:
        raise InputError(f"output path {path!r} names no file")
    if not out.parent.resolve().is_dir():
        raise InputError(f"{out.parent}: output folder does not exist")
    for i in inputs:
        if Path(i).resolve() == out.resolve():
            raise InputError(f"{out}: {what} would overwrite an input")
    return out


def inputs_of(scene: str) -> list[Path]:
    """The files a command reads for ``scene``: a project, or a tracks file and what it names."""
    if scene.lower().endswith(".json"):
        from .model.tracks_io import input_files

        return input_files(scene)
    return [Path(scene)]


def distinct_outputs(*named: tuple[str, Path | None]) -> None:
    """Refuse, before anything is written, two outputs of one command that are the same file."""
    from .model.errors import InputError

    given = [(what, p) for what, p in named if p is not None]
    for i, (what_a, a) in enumerate(given):
        for what_b, b in given[i + 1 :]:
            if a.resolve() == b.resolve():
                raise InputError(f"{a}: the {what_a} and the {what_b} would be the same file")


if __name__ == "__main__":
    sys.exit(main())
