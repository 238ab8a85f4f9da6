"""Downloading a catalogue model on request: metadata, disk check, resumable download, checks.

huggingface_hub does the talking to the Hub (or a studio's mirror): ``HfApi.model_info`` with
``files_metadata`` gives the commit, each file's exact size and, for LFS files, the sha256 the Hub
publishes; ``file_download.http_get`` streams a file with ``Range`` resume, retries and the Hub's
error types. ``hf_hub_download`` itself is not used, because it cannot meet four points (see
docs/model-plugins.md): its partial file is unique per call and deleted on failure (no resume
after an interruption), a lack of disk space is only a warning, there is no cancel, and it
checks sizes but not the sha256. So this module owns the files: ``models/.staging/<name>/`` holds
``<file>.part`` downloads that survive an interruption, each file is verified (size, sha256 for
LFS files, the git blob id for the others) before it is renamed, and the finished folder moves
into ``models/<name>`` in one rename, its manifest already inside.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..model.errors import InputError
from .catalog import CatalogEntry, human_size
from .locate import MANIFEST, installed
from .paths import check_endpoint, models_dir

STAGING = ".staging"
PLAN = "levitor-plan.json"
#: kept free beyond the download itself (manifest, file system slack)
DISK_MARGIN = 16 * 1024 * 1024
CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    sha256: str | None  # LFS files: the sha256 the Hub publishes
    blob_id: str | None  # other files: their git blob id (sha1 of "blob <size>\0" + content)


@dataclass(frozen=True)
class Plan:
    """What an install will fetch: the resolved commit and each file's server metadata."""

    entry: CatalogEntry
    endpoint: str
    commit: str
    files: tuple[RemoteFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def staging_dir(name: str) -> Path:
    return models_dir() / STAGING / name


def _where(endpoint: str) -> str:
    if endpoint:
        return endpoint
    from huggingface_hub import constants

    return str(constants.ENDPOINT)


@contextlib.contextmanager
def hub_errors(entry: CatalogEntry, endpoint: str, what: str, token: bool) -> Iterator[None]:
    """Turn huggingface_hub's and the transport's errors into one readable sentence."""
    import httpx2
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RemoteEntryNotFoundError,
        RevisionNotFoundError,
    )

    where = _where(endpoint)
    try:
        yield
    except OfflineModeIsEnabled:  # switched off again while this install ran
        raise InputError(f"{what}: downloads were switched off (HF_HUB_OFFLINE)") from None
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if isinstance(exc, GatedRepoError) or status in (401, 403):
            if token:
                raise InputError(
                    f"{entry.repo}: the access token was refused ({status}); accept the licence "
                    f"at {entry.source} with the token's account"
                ) from None
            raise InputError(
                f"{entry.repo} is gated: accept its licence at {entry.source}, then give a "
                "Hugging Face access token (--token, HF_TOKEN or the Models page)"
            ) from None
        if isinstance(exc, RevisionNotFoundError):
            raise InputError(f"{entry.repo}: no revision {entry.revision!r} on {where}") from None
        if isinstance(exc, RemoteEntryNotFoundError) or status == 404:
            raise InputError(f"{what}: not found on {where} (404)") from None
        raise InputError(f"{what}: {where} answered {status or 'with an error'}") from None
    except httpx2.TransportError as exc:
        raise InputError(f"cannot reach {where}: {exc or type(exc).__name__}") from None


def require_hub() -> None:
    """Make sure this install may reach the network through huggingface_hub.

    Raises :class:`InputError` when the package is missing (the standalone app leaves it out)
    or when the person switched the Hub off. The depth and SVD backends set ``HF_HUB_OFFLINE``
    for their own loading (which also says ``local_files_only``); if huggingface_hub was first
    imported after that, it reads as offline although nobody asked, so it is switched back on
    for the download the person did ask for.
    """
    import importlib.util

    from . import paths

    if importlib.util.find_spec("huggingface_hub") is None:
        raise InputError(
            "installing models needs the huggingface_hub package (pip install huggingface_hub); "
            "the standalone app has no model backends: install the app's wheels instead"
        )
    if paths.USER_OFFLINE:
        raise InputError(
            "downloads are switched off: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) is set in the "
            "environment; unset it to install models"
        )
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = False


def fetch_plan(entry: CatalogEntry, endpoint: str = "", token: str | None = None) -> Plan:
    """The files to fetch, with the server's exact sizes and checksums (one metadata request)."""
    require_hub()
    from huggingface_hub import HfApi

    endpoint = check_endpoint(endpoint)
    api = HfApi(endpoint=endpoint or None, token=token or None)
    with hub_errors(entry, endpoint, f"{entry.repo}@{entry.revision}", bool(token)):
        info = api.model_info(entry.repo, revision=entry.revision, files_metadata=True)
    siblings = {s.rfilename: s for s in info.siblings or []}
    files = []
    for f in entry.files:
        s = siblings.get(f.path)
        if s is None:
            raise InputError(
                f"{entry.repo}/{f.path}: not found on {_where(endpoint)} at {entry.revision}"
            )
        if s.size is None:
            raise InputError(f"{entry.repo}/{f.path}: the server gave no size for it")
        lfs = s.lfs.sha256 if s.lfs is not None else None
        files.append(RemoteFile(f.path, int(s.size), lfs, None if lfs else s.blob_id))
    return Plan(entry, endpoint, str(info.sha or entry.revision), tuple(files))


def _partial(staging: Path, f: RemoteFile) -> int:
    """Bytes of ``f`` already on disk in ``staging`` (a verified file counts whole)."""
    final = staging / f.path
    if final.is_file():
        return final.stat().st_size
    part = final.with_name(final.name + ".part")
    return part.stat().st_size if part.is_file() else 0


def check_disk(plan: Plan) -> int:
    """Bytes still to download; an :class:`InputError` if the disk cannot hold them."""
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(plan.entry.name)
    remaining = sum(max(f.size - _partial(staging, f), 0) for f in plan.files)
    free = shutil.disk_usage(root).free
    if free < remaining + DISK_MARGIN:
        raise InputError(
            f"not enough free disk space for {plan.entry.name}: it needs "
            f"{human_size(remaining + DISK_MARGIN)}, {root} has {human_size(free)} free"
        )
    return remaining


def _prepare_staging(plan: Plan) -> Path:
    """The staging folder, emptied first if it holds parts of another commit or mirror."""
    staging = staging_dir(plan.entry.name)
    stamp = {"repo": plan.entry.repo, "commit": plan.commit, "endpoint": plan.endpoint}
    try:
        previous = json.loads((staging / PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    if previous != stamp and staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / PLAN).write_text(json.dumps(stamp), encoding="utf-8")
    return staging


def file_digests(path: Path, task: Any = None) -> tuple[str, str]:
    """``(sha256, git blob id)`` of a file, read once in chunks (cancellable)."""
    sha256 = hashlib.sha256()
    blob = hashlib.sha1(f"blob {path.stat().st_size}\0".encode(), usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha256.update(chunk)
            blob.update(chunk)
            if task is not None:
                task.check()
    return sha256.hexdigest(), blob.hexdigest()


def check_file(path: Path, f: RemoteFile, task: Any = None) -> str | None:
    """Why ``path`` is not ``f`` (size, sha256 or blob id), or None when it is."""
    if not path.is_file():
        return f"{f.path}: missing"
    size = path.stat().st_size
    if size != f.size:
        return f"{f.path}: {size} bytes, expected {f.size}"
    if f.sha256 or f.blob_id:
        sha256, blob_id = file_digests(path, task)
        if f.sha256 and sha256 != f.sha256.lower():
            return f"{f.path}: sha256 {sha256} does not match the published {f.sha256}"
        if f.blob_id and blob_id != f.blob_id.lower():
            return f"{f.path}: git blob id {blob_id} does not match the published {f.blob_id}"
    return None


def open_part(path: Path) -> BinaryIO:
    """The ``.part`` file, opened to append (a seam for the tests' failing disk)."""
    return path.open("ab")


def install(
    entry: CatalogEntry,
    endpoint: str = "",
    token: str | None = None,
    task: Any = None,
    plan: Plan | None = None,
) -> Path:
    """Download, verify and install ``entry``; returns its folder under :func:`models_dir`.

    Raises :class:`InputError` (not found, gated, no space, checksum...) with nothing installed,
    or :class:`~levitor_studio.model.errors.Cancelled`; the ``.part`` files stay, so running the
    install again resumes where it stopped.
    """
    require_hub()
    from huggingface_hub import hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils._headers import build_hf_headers

    plan = plan or fetch_plan(entry, endpoint, token)
    check_disk(plan)
    staging = _prepare_staging(plan)
    headers = build_hf_headers(token=token or None)
    total = max(plan.size, 1)
    done = sum(min(_partial(staging, f), f.size) for f in plan.files)
    for f in plan.files:
        final = staging / f.path
        if final.is_file():
            continue  # verified and renamed on an earlier attempt
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + ".part")
        have = part.stat().st_size if part.is_file() else 0
        if have > f.size:
            part.unlink()
            have = 0
        done -= have
        bar = _bar_class(task, f.path, total, done)
        url = hf_hub_url(entry.repo, f.path, revision=plan.commit, endpoint=plan.endpoint or None)
        with hub_errors(entry, plan.endpoint, f"{entry.repo}/{f.path}", bool(token)):
            try:
                with open_part(part) as fh:
                    http_get(
                        url,
                        fh,
                        resume_size=have,
                        headers=dict(headers),
                        expected_size=f.size,
                        displayed_filename=f.path,
                        tqdm_class=bar,
                    )
            except OSError as exc:
                if isinstance(exc, ConnectionError) or hasattr(exc, "response"):
                    raise  # the Hub's errors: hub_errors words them
                if exc.errno is None:  # huggingface_hub's size check: the part is unusable
                    part.unlink(missing_ok=True)
                    raise InputError(f"{f.path}: {str(exc).splitlines()[0]}") from None
                hint = "free some space and run" if exc.errno == errno.ENOSPC else "run"
                raise InputError(
                    f"writing {part} failed: {exc.strerror or exc}; {hint} the install again "
                    "to resume"
                ) from None
        done += f.size
        if task is not None:
            task.set_progress(done / total, f"verifying {f.path}")
        problem = check_file(part, f, task)
        if problem is not None:
            part.unlink()
            raise InputError(f"{problem}: the download is damaged; nothing was installed")
        os.replace(part, final)
    return _move_into_place(plan, staging)


def _bar_class(task: Any, name: str, total: int, before: int) -> type:
    """A tqdm stand-in for ``http_get``: reports overall progress and raises on cancel."""

    class Bar:
        def __init__(self, *, initial: int = 0, **_: Any) -> None:
            self.n = initial

        def __enter__(self) -> Bar:
            return self

        def __exit__(self, *_: Any) -> None:
            return None

        def update(self, n: int) -> None:
            # called before the chunk is written: a cancel drops it, the .part keeps whole chunks
            if task is not None:
                task.check()
            self.n += n
            if task is not None:
                task.set_progress(
                    (before + self.n) / total,
                    f"{name}: {human_size(before + self.n)} of {human_size(total)}",
                )

        def close(self) -> None:
            return None

    return Bar


def _move_into_place(plan: Plan, staging: Path) -> Path:
    entry = plan.entry
    manifest = {
        "name": entry.name,
        "title": entry.title,
        "repo": entry.repo,
        "revision": entry.revision,
        "commit": plan.commit,
        "endpoint": plan.endpoint,
        "licence": entry.licence,
        "backend": entry.backend,
        "option": entry.option,
        "subpath": entry.subpath,
        "preference": entry.preference,
        "files": [asdict(f) for f in plan.files],
    }
    (staging / PLAN).unlink(missing_ok=True)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    target = models_dir() / entry.name
    if target.exists():  # a reinstall: the old copy steps aside, then goes
        old = models_dir() / STAGING / f"{entry.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)
    return target


def remove(name: str) -> Path:
    """Delete an installed model (and any unfinished download of it)."""
    target = models_dir() / name
    staging = staging_dir(name)
    if not target.is_dir() and not staging.exists():
        raise InputError(f"{name} is not installed")
    shutil.rmtree(target, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def verify(name: str | None = None, task: Any = None) -> dict[str, list[str]]:
    """Problems per installed model (an empty list when every file checks out)."""
    models = installed(name)
    if name is not None and not models:
        raise InputError(f"{name} is not installed")
    report: dict[str, list[str]] = {}
    for model in models:
        problems = []
        for raw in model.manifest.get("files", []):
            f = RemoteFile(
                str(raw["path"]), int(raw["size"]), raw.get("sha256"), raw.get("blob_id")
            )
            problem = check_file(model.folder / f.path, f, task)
            if problem:
                problems.append(problem)
        report[model.name] = problems
    return report
