"""Takes: every generated clip of a project, kept in a ``<stem>.takes/`` folder beside it.

``shot.levitor`` keeps its takes in ``shot.takes/``, one folder per take holding ``take.json``
(schema ``resources/schemas/take-v1.schema.json``: generator, options, seed, every generation
setting, control and shot hashes, duration, time, name, star), the video and a thumbnail. The
project file itself never lists them, so saving a project stays as fast with 500 takes as with
none, and a batch adds takes without rewriting a project that may be open in the editor.

Every write is atomic. A new take is written into a ``.staging-*`` folder and renamed into place
in one step, so a process killed mid-write leaves no half take (its staging folder is ignored and
cleared by the next write). ``take.json`` edits (rename, star) go through :func:`atomic_write`.
Deleting moves the take to ``.deleted/`` so it can be restored (undo). Listing reports a take
whose record is missing, unreadable or invalid, or whose video is gone, as one line and skips it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .errors import InputError, LevitorError
from .validation import parse_json, validate

RECORD = "take.json"
SCHEMA = "take-v1.schema.json"
_STAGING = ".staging-"
_DELETED = ".deleted"


def takes_folder(project: str | os.PathLike[str]) -> Path:
    """``shot.levitor`` → ``shot.takes`` beside it."""
    p = Path(project)
    return p.with_name(p.stem + ".takes")


def new_take_id(now: datetime | None = None) -> str:
    """``YYYYMMDD-HHMMSS-xxxxxx`` (UTC time, then random): sorts by time, never collides."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Take:
    """One stored take: its folder and its validated record."""

    folder: Path
    record: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def name(self) -> str:
        return str(self.record.get("name", ""))

    @property
    def starred(self) -> bool:
        return bool(self.record.get("starred", False))

    @property
    def video(self) -> Path:
        return self.folder / str(self.record["video"])

    @property
    def thumbnail(self) -> Path:
        return self.folder / str(self.record["thumbnail"])

    @property
    def label(self) -> str:
        """The name, or the generator and seed when unnamed."""
        return self.name or f"{self.record['generator']} seed {self.record['seed']}"


class TakeStore:
    """The takes of one project, in ``folder`` (created on the first write)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    @classmethod
    def of_project(cls, project: str | os.PathLike[str]) -> TakeStore:
        return cls(takes_folder(project))

    # -- reading ---------------------------------------------------------------------------

    def scan(self) -> tuple[list[Take], list[str]]:
        """Every readable take, oldest first, and one line per take that was skipped."""
        takes: list[Take] = []
        problems: list[str] = []
        if not self.folder.is_dir():
            return takes, problems
        for sub in sorted(self.folder.iterdir()):
            if sub.name.startswith(".") or not sub.is_dir():
                continue
            try:
                takes.append(self._read(sub))
            except LevitorError as exc:
                problems.append(f"{sub}: skipped ({exc})")
        takes.sort(key=lambda t: (str(t.record["created"]), t.id))
        return takes, problems

    def takes(self) -> list[Take]:
        return self.scan()[0]

    def get(self, take_id: str) -> Take:
        folder = self.folder / take_id
        if not _plain_name(take_id) or not folder.is_dir():
            raise InputError(f"{self.folder}: no take {take_id!r}")
        return self._read(folder)

    def find_shot(self, shot_hash: str) -> Take | None:
        """The newest take made from exactly these inputs (a batch skips such a shot)."""
        found = [t for t in self.takes() if t.record.get("shot_hash") == shot_hash]
        return found[-1] if found else None

    def _read(self, folder: Path) -> Take:
        path = folder / RECORD
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{RECORD} is missing or unreadable ({exc.strerror})") from None
        record = parse_json(data, RECORD)
        validate(record, SCHEMA)
        if record["id"] != folder.name:
            raise InputError(f"{RECORD} names take {record['id']!r}, its folder {folder.name!r}")
        take = Take(folder, record)
        if not take.video.is_file():
            raise InputError(f"its video {record['video']!r} is missing")
        return take

    # -- writing ---------------------------------------------------------------------------

    def add(self, record: Mapping[str, Any], write_files: Callable[[Path], None]) -> Take:
        """Store a new take: ``write_files(folder)`` writes the video and thumbnail named in
        ``record`` into a staging folder; the record is validated, written last, and the
        folder renamed into place in one step."""
        record = dict(record)
        validate(record, SCHEMA)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._clear_staging()
        staging = self.folder / f"{_STAGING}{record['id']}-{os.getpid()}"
        staging.mkdir()
        try:
            write_files(staging)
            for key in ("video", "thumbnail"):
                if not (staging / record[key]).is_file():
                    raise InputError(f"take {record['id']}: the {key} was not written")
            with atomic_write(staging / RECORD) as fh:
                fh.write(json.dumps(record, indent=2).encode("utf-8"))
            _fsync_dir(staging)
            target = self.folder / str(record["id"])
            if target.exists():
                raise InputError(f"{target} already exists")
            os.replace(staging, target)
            _fsync_dir(self.folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.get(str(record["id"]))

    def update(self, take_id: str, **changes: Any) -> Take:
        """Rename or star a take (``name=``, ``starred=``): its record is rewritten atomically."""
        take = self.get(take_id)
        unknown = set(changes) - {"name", "starred"}
        if unknown:
            raise InputError(f"a take's {sorted(unknown)[0]!r} cannot be changed")
        record = {**take.record, **changes}
        if "name" in changes:
            record["name"] = str(changes["name"]).strip()
        validate(record, SCHEMA)
        with atomic_write(take.folder / RECORD) as fh:
            fh.write(json.dumps(record, indent=2).encode("utf-8"))
        return Take(take.folder, record)

    def delete(self, take_id: str) -> None:
        """Move a take to ``.deleted/`` (one rename); :meth:`restore` brings it back."""
        take = self.get(take_id)
        trash = self.folder / _DELETED
        trash.mkdir(exist_ok=True)
        shutil.rmtree(trash / take_id, ignore_errors=True)
        os.replace(take.folder, trash / take_id)

    def restore(self, take_id: str) -> Take:
        source = self.folder / _DELETED / take_id
        if not _plain_name(take_id) or not source.is_dir():
            raise InputError(f"{self.folder}: no deleted take {take_id!r}")
        os.replace(source, self.folder / take_id)
        return self.get(take_id)

    def copy_to(self, dest: str | os.PathLike[str]) -> int:
        """Copy every readable take into the store at ``dest`` (Save As); returns how many.

        Each is copied into a staging folder there and renamed into place, like a new take.
        """
        target = TakeStore(dest)
        if target.folder.resolve() == self.folder.resolve():
            return 0
        count = 0
        for take in self.takes():
            if (target.folder / take.id).exists():
                continue
            target.add(take.record, partial(_copy_files, take))
            count += 1
        return count

    def _clear_staging(self) -> None:
        for sub in self.folder.glob(f"{_STAGING}*"):
            pid = sub.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or not _alive(int(pid)):  # never another live writer's
                shutil.rmtree(sub, ignore_errors=True)


def _copy_files(take: Take, staging: Path) -> None:
    for key in ("video", "thumbnail"):
        shutil.copy2(take.folder / str(take.record[key]), staging / str(take.record[key]))


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it; ours clean up anyway
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
