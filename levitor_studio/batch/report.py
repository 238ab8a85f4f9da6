"""The batch summary: a table for people, JSON (``--json``) for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

from .run import CANCELLED, FAILED, RENDERED, SKIPPED, Summary


def summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "where": summary.where,
        "seconds": summary.seconds,
        "counts": {s: summary.count(s) for s in (RENDERED, SKIPPED, FAILED, CANCELLED)},
        "shots": [r.to_json() for r in summary.results],
    }


def summary_table(summary: Summary) -> str:
    from ..takes_cli import format_table

    header = ("shot", "status", "take", "seconds", "node", "message")
    rows = [
        (r.name, r.status, r.take, f"{r.seconds:.2f}", r.node[:12], r.message)
        for r in summary.results
    ]
    counts = ", ".join(
        f"{summary.count(s)} {s}"
        for s in (RENDERED, SKIPPED, FAILED, CANCELLED)
        if summary.count(s)
    )
    total = f"{len(summary.results)} shots ({counts or 'none'}) in {summary.seconds:.1f} s"
    return format_table(header, rows) + f"\n{total} ({summary.where})"


def print_summary(summary: Summary, as_json: bool = False, stream: Any = None) -> None:
    out = stream or sys.stdout
    if as_json:
        print(json.dumps(summary_json(summary), indent=2), file=out)
    else:
        print(summary_table(summary), file=out)
