"""The ``takes`` and ``batch`` sub-commands (imported only after argument parsing).

``takes P.levitor`` lists a project's takes as a table (``--json`` for scripts); a take that is
missing or damaged is reported on stderr and skipped, and the listing still exits 0. ``batch``
runs a job file locally or on a Ray cluster (:mod:`levitor_studio.batch`) and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cli import EXIT_OK, EXIT_USAGE


def take_summary(take: Any, current_control: str | None) -> dict[str, Any]:
    """One take as plain JSON: its record plus absolute file paths and whether it is stale."""
    out = dict(take.record)
    out["video"] = str(take.video.resolve())
    out["thumbnail"] = str(take.thumbnail.resolve())
    out["stale"] = (
        None if current_control is None else take.record["control_hash"] != current_control
    )
    return out


def list_takes(args: argparse.Namespace) -> int:
    from .engine.take_hash import control_hash
    from .model.project_io import load_project
    from .model.takes import TakeStore

    scene = load_project(args.project)  # a damaged project is an error; damaged takes are not
    current = control_hash(scene)
    store = TakeStore.of_project(args.project)
    takes, problems = store.scan()
    for line in problems:
        print(f"levitor-studio: warning: {line}", file=sys.stderr)
    rows = [take_summary(t, current) for t in takes]
    if args.json:
        doc = {"project": str(Path(args.project).resolve()), "folder": str(store.folder.resolve())}
        print(json.dumps({**doc, "takes": rows, "skipped": problems}, indent=2))
        return EXIT_OK
    if not rows:
        print(f"no takes in {store.folder}")
        return EXIT_OK
    header = ("id", "name", "star", "generator", "seed", "seconds", "created", "state")
    table = [
        (
            r["id"],
            r.get("name", ""),
            "*" if r.get("starred") else "",
            r["generator"],
            str(r["seed"]),
            f"{r['duration_s']:.2f}",
            r["created"][:19],
            "stale" if r["stale"] else "current",
        )
        for r in rows
    ]
    print(format_table(header, table))
    return EXIT_OK


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines: list[Sequence[str]] = [header, *rows]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def run_batch(args: argparse.Namespace) -> int:
    from .batch.job import load_job
    from .batch.report import print_summary
    from .batch.run import run_local

    job = load_job(args.job)
    if args.ray:
        from .batch.farm import FarmUnavailable, run_ray

        try:
            summary = run_ray(job, args.ray, gpus_per_shot=args.gpus_per_shot)
        except FarmUnavailable as exc:
            print(f"levitor-studio: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    else:
        summary = run_local(job)
    print_summary(summary, as_json=args.json)
    return summary.exit_code()
