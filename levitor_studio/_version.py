"""The application's version, read from the one place it is written: the repository's ``VERSION``.

Installed (wheel, editable install or the frozen app, which ships the distribution metadata) the
version comes from ``levitor-studio``'s metadata, which setuptools filled from ``VERSION``. Run
from a source tree that was never installed, it is read from ``VERSION`` beside the package.
The plugins take theirs from the same file (each plugin folder links to it).
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "levitor-studio"


def _read_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    # A source checkout next to the package, or a frozen app's data folder (sys._MEIPASS).
    roots = [Path(__file__).resolve().parent.parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.insert(0, Path(bundle))
    for root in roots:
        try:
            return (root / "VERSION").read_text(encoding="utf-8").strip()
        except OSError:
            continue
    return "0+unknown"


__version__ = _read_version()
