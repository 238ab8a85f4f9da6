"""Finding installed models from their manifests, so backends need no option to use them.

Every installed model is a folder ``models/<name>/`` holding ``levitor-model.json``, written last
by the installer (the folder only appears, with its manifest, in one rename). The manifest says
which backend option it feeds; :func:`installed_option` gives a backend the path to use when the
user set none. Only JSON is read here: no network, no third-party import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import models_dir

MANIFEST = "levitor-model.json"


@dataclass(frozen=True)
class Installed:
    """One installed model, as its manifest records it."""

    name: str
    folder: Path
    backend: str
    option: str
    subpath: str
    preference: int
    manifest: dict[str, Any]

    @property
    def target(self) -> Path:
        """What the backend option points at: the folder, or a file or folder inside it."""
        return self.folder / self.subpath if self.subpath else self.folder


def read_manifest(folder: Path) -> Installed | None:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Installed(
            name=str(raw["name"]),
            folder=folder,
            backend=str(raw["backend"]),
            option=str(raw["option"]),
            subpath=str(raw.get("subpath", "")),
            preference=int(raw.get("preference", 0)),
            manifest=raw,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not a model folder (or a damaged manifest: `models verify` says so)


def installed(name: str | None = None) -> list[Installed]:
    """Installed models (only ``name``'s when given), in name order."""
    root = models_dir()
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # .staging holds downloads in progress
        if name is not None and folder.name != name:
            continue
        model = read_manifest(folder)
        if model is not None:
            found.append(model)
    return found


def installed_option(backend: str, option: str) -> str | None:
    """The path an installed model gives ``backend``'s ``option``: the preferred one, or None."""
    candidates = [m for m in installed() if m.backend == backend and m.option == option]
    if not candidates:
        return None
    best = max(candidates, key=lambda m: (m.preference, m.name))
    return str(best.target)


def with_installed(backend: str, options: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """``options`` with each unset option in ``names`` filled from an installed model."""
    filled = dict(options)
    for option in names:
        if not filled.get(option):
            path = installed_option(backend, option)
            if path is not None:
                filled[option] = path
    return filled
