"""Atomic, all-or-nothing file writing: temporary files beside each target, renamed at the end.

A :class:`Stage` collects the files of one command (a video, its take record and its signal; a
tracks file and its assets). Each is written to a temporary file in its target's folder, flushed
and fsynced; only when every one is complete are they renamed into place, so a failure, a full
disk or a cancel leaves nothing new behind and never a half-written file under the user's name.
:func:`atomic_write` is a stage of one file.

Temporary names carry the writer's process id (``.<name>.lvtmp-<pid>-<token>[.ext]``). A
process killed with ``kill -9`` cannot remove its own, so every stage first deletes the ones in
its folders whose process no longer runs (:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputError

# read once at import (start-up, before any worker thread): reading the umask means setting it
_UMASK = os.umask(0)
os.umask(_UMASK)

TEMP_MARK = ".lvtmp-"
_STALE = re.compile(r"^\..+\.lvtmp-(\d+)-[0-9a-f]{8}(\.[A-Za-z0-9]+)?$")


def temp_name(dest: Path, suffix: str = "") -> Path:
    """A fresh temporary path beside ``dest`` that names this process."""
    token = secrets.token_hex(4)
    return dest.with_name(f".{dest.name}{TEMP_MARK}{os.getpid()}-{token}{suffix}")


def clean_stale(folder: Path) -> list[Path]:
    """Delete temporary files and folders left in ``folder`` by writers that no longer run."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _STALE.match(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass  # another cleaner got there first, or no permission: not ours to insist
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    except (OverflowError, ValueError):
        return False  # not a process id at all
    return True


class Stage:
    """Files written to temporary paths now and renamed into place by :meth:`commit`."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path, bool]] = []  # (temporary, target, backup)
        self._cleaned: set[Path] = set()

    def _reserve(self, dest: Path) -> Path:
        target = dest.resolve()
        if any(t.resolve() == target for _, t, _ in self._pending):
            raise InputError(f"{dest}: this command would write the file twice")
        if not dest.parent.is_dir():
            raise InputError(f"{dest.parent}: no such folder")
        folder = dest.parent.resolve()
        if folder not in self._cleaned:
            clean_stale(folder)
            self._cleaned.add(folder)
        return target

    def temp_path(self, dest: str | os.PathLike[str], suffix: str = "") -> Path:
        """A temporary file path for a writer that opens files itself (ffmpeg, Pillow)."""
        dest = Path(dest)
        self._reserve(dest)
        tmp = temp_name(dest, suffix)
        self._pending.append((tmp, dest, False))
        return tmp

    def temp_dir(self, dest: str | os.PathLike[str]) -> Path:
        """A temporary folder that replaces the (absent or empty) folder ``dest``."""
        tmp = self.temp_path(dest)
        tmp.mkdir(mode=0o777)
        return tmp

    @contextlib.contextmanager
    def open(self, dest: str | os.PathLike[str], backup: bool = False) -> Iterator[IO[bytes]]:
        """A binary file that becomes ``dest`` on commit (``backup``: keep ``<name>.bak``)."""
        dest = Path(dest)
        self._reserve(dest)
        tmp = temp_name(dest)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self._pending.append((tmp, dest, backup))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())

    def commit(self) -> None:
        """Rename every temporary file into place (after all of them are complete)."""
        for tmp, dest, backup in self._pending:
            if tmp.is_file():
                os.chmod(tmp, 0o666 & ~_UMASK)
            if backup and dest.exists():
                _keep_backup(dest)
            os.replace(tmp, dest)
        self._pending.clear()

    def discard(self) -> None:
        """Delete every temporary file; no target is touched."""
        for tmp, _, _ in self._pending:
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
        self._pending.clear()


@contextlib.contextmanager
def staged() -> Iterator[Stage]:
    """A :class:`Stage` committed when the block ends cleanly, discarded on any exception."""
    stage = Stage()
    try:
        yield stage
        stage.commit()
    except BaseException:
        stage.discard()
        raise


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], backup: bool = False) -> Iterator[IO[bytes]]:
    """Yield a binary file; on clean exit it replaces ``path`` in one rename.

    With ``backup`` the previous file is kept as ``<name>.bak`` (hard link or copy made before
    the rename, so some complete version is always on disk under ``path``).
    """
    with staged() as stage, stage.open(path, backup) as fh:
        yield fh


def _keep_backup(dest: Path) -> None:
    bak = dest.with_name(dest.name + ".bak")
    staging = temp_name(bak)
    try:
        os.link(dest, staging)
    except OSError:
        shutil.copy2(dest, staging)
    os.replace(staging, bak)
