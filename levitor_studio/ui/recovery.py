"""Crash recovery: autosave copies of unsaved work and finding them again after a crash.

Each window writes ``<config>/recovery/<session>.levitor`` (through the model's atomic
``save_project``) plus a small JSON note naming the file it belongs to. A clean save or close
removes both. Each session also holds ``<session>.lock`` (a :class:`QLockFile`) while it runs,
so a recovery file is offered back only when its lock is not held by a live process: another
window still open, in this or another running copy of the editor, is not a crash.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile

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
        self.lock = _lock_for(self.path)
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # a read-only config folder: no lock (nor autosave) here, but editing goes on
        # held for the whole session; a killed process leaves a stale lock Qt sees through
        self.lock.tryLock(0)

    def release(self) -> None:
        """End of the session (its recovery file already discarded): let the lock go."""
        self.lock.unlock()

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


def _lock_for(project: Path) -> QLockFile:
    lock = QLockFile(str(project.with_suffix(".lock")))
    # no age limit: a lock is stale only when its process is gone (Qt checks the pid), so a
    # session open for hours keeps its autosave to itself
    lock.setStaleLockTime(0)
    return lock


def _session_ended(project: Path) -> bool:
    """True when no live session holds the lock of ``project`` (so it was left by a crash)."""
    probe = _lock_for(project)
    if not probe.tryLock(0):
        return False
    probe.unlock()  # removes the stale lock file too
    return True


def find_recoveries(exclude: RecoveryFile | None = None) -> list[Recovery]:
    """Recovery files left by sessions that ended without cleaning up, newest first.

    Parameters
    ----------
    exclude
        The caller's own session, never offered back to itself.

    Returns
    -------
    list of Recovery
        Files whose session lock is free or stale; those of live sessions are left alone.
    """
    found = []
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    for project in folder.glob("*.levitor"):
        if exclude is not None and project == exclude.path:
            continue
        if not _session_ended(project):
            continue  # another window or copy of the editor is still running and owns it
        try:
            note = json.loads(project.with_suffix(".json").read_text(encoding="utf-8"))
            original = Path(note["original"]) if note.get("original") else None
            saved = float(note.get("saved_at", project.stat().st_mtime))
        except (OSError, ValueError, KeyError, TypeError):
            original, saved = None, project.stat().st_mtime
        found.append(Recovery(project, original, saved))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)
