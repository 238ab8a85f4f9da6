"""Running shots: one shot (the same function locally and on a Ray worker), and a local batch.

:func:`run_shot` loads the shot's project, applies its seed and override, and looks for a take of
that project with the same shot hash (same control signal, first frame, generator, options and
every setting). If there is one the shot is skipped (that is how a batch resumes); otherwise it
generates, stores the clip as a take of the project, and copies the take's video to the shot's
output atomically. A worker killed at any point leaves either no take or a whole one, so running
a shot again after a failure makes it exactly once. :func:`run_local` runs the shots one at a time
with an overall progress bar on stderr.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..model.errors import LevitorError
from .job import Job, Shot

log = logging.getLogger(__name__)

RENDERED, SKIPPED, FAILED, CANCELLED = "rendered", "skipped", "failed", "cancelled"


@dataclass(frozen=True)
class ShotResult:
    """What became of one shot."""

    name: str
    project: str
    seed: int
    override: str
    status: str  # rendered | skipped | failed | cancelled
    take: str = ""  # the take id in the project's .takes folder
    seconds: float = 0.0  # wall time of the shot (load, generate, store)
    generate_s: float = 0.0  # the generator's own time (from the take)
    output: str = ""
    message: str = ""
    node: str = ""  # where it ran (a Ray node id, or "local")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Summary:
    """Every shot's result, in the order they finished, and the batch's wall time."""

    results: list[ShotResult] = field(default_factory=list)
    seconds: float = 0.0
    where: str = "local"

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def exit_code(self) -> int:
        if self.count(CANCELLED):
            return 130
        return 1 if self.count(FAILED) else 0


def publish(video: Path, output: str) -> None:
    """Copy a take's video to the shot's output path atomically (its folder is made)."""
    from ..model.atomic import atomic_write

    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    with video.open("rb") as src, atomic_write(target) as dst:
        shutil.copyfileobj(src, dst)


def run_shot(shot: Shot, node: str = "local", task: Any = None) -> ShotResult:
    """Make one shot (or find it made already); a bad input becomes a ``failed`` result."""
    started = time.perf_counter()
    base: dict[str, Any] = {
        "name": shot.name,
        "project": shot.project,
        "seed": shot.seed,
        "override": shot.override,
    }
    try:
        take, status = _make(shot, task)
        publish(take.video, shot.output)
    except LevitorError as exc:
        return ShotResult(**base, status=FAILED, message=str(exc), node=node)
    return ShotResult(
        **base,
        status=status,
        take=take.id,
        seconds=round(time.perf_counter() - started, 3),
        generate_s=float(take.record["duration_s"]),
        output=shot.output,
        node=node,
    )


def _make(shot: Shot, task: Any) -> tuple[Any, str]:
    from .. import api
    from ..engine.take_hash import control_hash, shot_hash
    from ..model.commands import SetGenerationSettings
    from ..model.project_io import load_project
    from ..model.takes import TakeStore

    scene = load_project(shot.project)
    changes = {**shot.settings, "seed": shot.seed, "generator": shot.generator}
    SetGenerationSettings(changes).apply(scene)
    generator = scene.settings.generator
    key = shot_hash(control_hash(scene), generator, shot.options, scene.settings.to_json())
    existing = TakeStore.of_project(shot.project).find_shot(key)
    if existing is not None:
        return existing, SKIPPED
    _frames, take = api.generate_take(
        scene, shot.project, generator, shot.options, task, source="batch", shot=shot.name
    )
    return take, RENDERED


class Progress:
    """The overall progress bar on stderr: redrawn in place on a terminal, a line per shot
    otherwise (logs, CI)."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, result: ShotResult) -> None:
        self.done += 1
        width = 24
        filled = round(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        line = f"[{bar}] {self.done}/{self.total} {result.name}: {result.status}"
        if self.tty:
            end = "\n" if self.done == self.total else ""
            print(f"\r{line[:100]:100s}", end=end, file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)


def run_local(
    job: Job,
    on_result: Callable[[ShotResult], None] | None = None,
    shots: Sequence[Shot] | None = None,
) -> Summary:
    """Run the job's shots here, one at a time; Ctrl+C stops between shots (the rest are
    listed as cancelled; the shot being made leaves no half take)."""
    todo = list(job.shots if shots is None else shots)
    summary = Summary(where="local")
    progress = Progress(len(todo))
    started = time.perf_counter()
    try:
        for shot in todo:
            result = run_shot(shot)
            if result.status == FAILED:
                log.info("batch shot %s failed: %s", shot.name, result.message)
            summary.results.append(result)
            progress.step(result)
            if on_result is not None:
                on_result(result)
    except KeyboardInterrupt:
        done = {r.name for r in summary.results}
        summary.results += [_cancelled(s) for s in todo if s.name not in done]
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _cancelled(shot: Shot) -> ShotResult:
    return ShotResult(shot.name, shot.project, shot.seed, shot.override, CANCELLED)
