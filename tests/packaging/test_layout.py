"""The root pyproject lists every package and every resource file of the app."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def _package_folders() -> set[str]:
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "levitor_studio").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    return folders | {"levitor_studio.resources"}


def test_every_package_folder_is_listed() -> None:
    assert set(SETUPTOOLS["packages"]) == _package_folders()


def test_resources_are_the_resources_package() -> None:
    assert SETUPTOOLS["package-dir"] == {"levitor_studio.resources": "resources"}
    assert (ROOT / "resources" / "__init__.py").is_file()


def test_every_resource_file_matches_a_package_data_pattern() -> None:
    patterns = SETUPTOOLS["package-data"]["levitor_studio.resources"]
    resources = ROOT / "resources"
    files = [
        p.relative_to(resources).as_posix()
        for p in resources.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"
    ]
    assert "schemas/project-v1.schema.json" in files
    assert "icons/levitor-studio.svg" in files
    # setuptools expands the patterns as globs from the package folder ("*" stops at "/")
    shipped = {p.relative_to(resources).as_posix() for pat in patterns for p in resources.glob(pat)}
    assert sorted(set(files) - shipped) == []
