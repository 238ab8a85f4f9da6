"""Crash recovery: autosave copies of unsaved work and finding them again after a crash.

Each window writes ``<config>/recovery/<session>.levitor`` (through the model's atomic
``save_project``) plus a small JSON note naming the file it belongs to. A clean save or close
removes both; whatever is left at the next start-up came from a session that did not end well
and is offered back to the user.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..model.scene import Scene
from .preferences import config_dir


def recovery_dir() -> Path:
    return config_dir() / "recovery"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left behind, and the project it was autosaved for."""

    project: Path
    original: Path | None
    saved_at: float

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        name = self.original.name if self.original else "an unsaved project"
        return f"{name} (autosaved {when})"

    def discard(self) -> None:
        for p in (self.project, self.project.with_suffix(".json")):
            p.unlink(missing_ok=True)


class RecoveryFile:
    """The autosave slot of one editing session."""

    def __init__(self) -> None:
        self.session = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    @property
    def path(self) -> Path:
        return recovery_dir() / f"{self.session}.levitor"

    def write(self, scene: Scene, original: Path | None) -> Path:
        """Save ``scene`` (a frozen copy; this runs on a worker thread) into the slot."""
        from ..model.project_io import save_project

        folder = recovery_dir()
        folder.mkdir(parents=True, exist_ok=True)
        save_project(scene, self.path)
        note = {"original": str(original) if original else None, "saved_at": time.time()}
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(note), encoding="utf-8")
        os.replace(tmp, self.path.with_suffix(".json"))
        return self.path

    def discard(self) -> None:
        Recovery(self.path, None, 0.0).discard()
        for extra in recovery_dir().glob(f"{self.session}.levitor*"):
            extra.unlink(missing_ok=True)  # the model's backup of the previous autosave


def find_recoveries(exclude: RecoveryFile | None = None) -> list[Recovery]:
    """Recovery files left by earlier sessions, newest first."""
    found = []
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    for project in folder.glob("*.levitor"):
        if exclude is not None and project == exclude.path:
            continue
        try:
            note = json.loads(project.with_suffix(".json").read_text(encoding="utf-8"))
            original = Path(note["original"]) if note.get("original") else None
            saved = float(note.get("saved_at", project.stat().st_mtime))
        except (OSError, ValueError, KeyError, TypeError):
            original, saved = None, project.stat().st_mtime
        found.append(Recovery(project, original, saved))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)
