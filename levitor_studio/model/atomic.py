"""Atomic file writing: temporary file in the destination folder, flush, fsync, rename.

A process killed mid-write leaves the previous file untouched; a failed write leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# read once at import (start-up, before any worker thread): reading the umask means setting it
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], backup: bool = False) -> Iterator[IO[bytes]]:
    """Yield a binary file; on clean exit it replaces ``path`` in one rename.

    With ``backup`` the previous file is kept as ``<name>.bak`` (hard link or copy made before
    the rename, so some complete version is always on disk under ``path``).
    """
    dest = Path(path)
    if not dest.parent.is_dir():
        from .errors import InputError

        raise InputError(f"{dest.parent}: no such folder")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a saved file gets normal permissions
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if backup and dest.exists():
            _keep_backup(dest)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_backup(dest: Path) -> None:
    bak = dest.with_name(dest.name + ".bak")
    staging = dest.with_name(f".{dest.name}.bak.partial")
    staging.unlink(missing_ok=True)
    try:
        os.link(dest, staging)
    except OSError:
        shutil.copy2(dest, staging)
    os.replace(staging, bak)
