"""The catalogue of downloadable models: what each one is, its files, licence and source.

Shipped as data (``resources/models/catalog.json``, packaged with the app); a studio can give its
own file (``--catalog``, ``LEVITOR_STUDIO_MODELS_CATALOG`` or the Models page). Each entry names a
Hugging Face repository and revision, the files to fetch with their sizes as the Hub shows them,
the licence the user accepts before installing, and which backend option the installed folder
(or one file in it) feeds. Reading it needs no network and no third-party package.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..model.errors import InputError
from .paths import StoreSettings

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
REPO = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class CatalogFile:
    path: str  # inside the repository, "/"-separated
    size: int  # bytes, as the Hub shows it (the exact size is read from the server)


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    title: str
    repo: str
    revision: str
    licence: str
    licence_summary: str
    licence_url: str
    source: str
    gated: bool
    suggested: bool
    backend: str
    option: str
    subpath: str  # what the option points at, inside the installed folder ("" = the folder)
    preference: int  # among installed models feeding one option, the highest wins
    files: tuple[CatalogFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def licence_text(self) -> str:
        """What the user reads before accepting (the CLI prints it, the editor shows it)."""
        gated = "\nGated on the Hub: needs a Hugging Face access token." if self.gated else ""
        return (
            f"{self.title} ({human_size(self.size)})\n"
            f"Licence: {self.licence}\n{self.licence_summary}\n"
            f"Full text: {self.licence_url}\nSource: {self.source}{gated}"
        )


def human_size(n: float) -> str:
    """``99.2 MB``: decimal units, as the Hub shows sizes."""
    if n < 1000:
        return f"{n:.0f} B"
    n /= 1000
    for unit in ("KB", "MB"):
        if n < 1000:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} GB"


def _field(raw: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
    return value


def _entry(raw: Any, where: str) -> CatalogEntry:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object")
    name = _field(raw, "name", str, where)
    if not NAME.match(name):
        raise InputError(f"{where}.name {name!r}: lower-case letters, digits, '.', '_', '-'")
    repo = _field(raw, "repo", str, where)
    if not REPO.match(repo):
        raise InputError(f"{where}.repo {repo!r}: expected owner/name")
    files_raw = _field(raw, "files", list, where)
    files = []
    for i, f in enumerate(files_raw):
        at = f"{where}.files[{i}]"
        if not isinstance(f, dict):
            raise InputError(f"{at}: expected an object")
        path = _field(f, "path", str, at)
        parts = path.split("/")
        if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise InputError(f"{at}.path {path!r}: must be a relative path inside the repository")
        size = _field(f, "size", int, at)
        if size < 0:
            raise InputError(f"{at}.size: must not be negative")
        files.append(CatalogFile(path, size))
    if not files:
        raise InputError(f"{where}.files: lists no file")
    subpath = str(raw.get("subpath", "") or "")
    if ".." in subpath.split("/"):
        raise InputError(f"{where}.subpath {subpath!r}: must stay inside the model's folder")
    return CatalogEntry(
        name=name,
        title=str(raw.get("title") or name),
        repo=repo,
        revision=str(raw.get("revision") or "main"),
        licence=_field(raw, "licence", str, where),
        licence_summary=str(raw.get("licence_summary", "")),
        licence_url=str(raw.get("licence_url", "")),
        source=_field(raw, "source", str, where),
        gated=bool(raw.get("gated", False)),
        suggested=bool(raw.get("suggested", False)),
        backend=_field(raw, "backend", str, where),
        option=_field(raw, "option", str, where),
        subpath=subpath,
        preference=int(raw.get("preference", 0)),
        files=tuple(files),
    )


def parse_catalog(text: str, where: str) -> list[CatalogEntry]:
    """Entries of a catalogue document; an :class:`InputError` naming the bad key otherwise."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("catalogue") != 1:
        raise InputError(f'{where}: not a LeviTor Studio model catalogue ("catalogue": 1)')
    models = doc.get("models")
    if not isinstance(models, list):
        raise InputError(f"{where}: models: expected a list")
    entries = [_entry(m, f"{where}: models[{i}]") for i, m in enumerate(models)]
    seen: set[str] = set()
    for e in entries:
        if e.name in seen:
            raise InputError(f"{where}: model name {e.name!r} appears twice")
        seen.add(e.name)
    return entries


def catalog_source(path: str | os.PathLike[str] | None = None) -> str:
    """The catalogue in use: ``path``, else the settings' / environment's, else the shipped one."""
    chosen = os.fspath(path) if path else StoreSettings.load().catalog
    return chosen or "(shipped)"


def load_catalog(path: str | os.PathLike[str] | None = None) -> list[CatalogEntry]:
    """The catalogue's entries (see :func:`catalog_source` for which file)."""
    source = catalog_source(path)
    if source == "(shipped)":
        text = resources.files("levitor_studio.resources").joinpath("models/catalog.json")
        return parse_catalog(text.read_text(encoding="utf-8"), "shipped catalogue")
    file = Path(source).expanduser()
    try:
        content = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"catalogue {file}: {exc.strerror or exc}") from None
    return parse_catalog(content, str(file))


def find_entry(name: str, entries: list[CatalogEntry]) -> CatalogEntry:
    for e in entries:
        if e.name == name:
            return e
    raise InputError(
        f"no model called {name!r} in the catalogue (known: {', '.join(e.name for e in entries)})"
    )
