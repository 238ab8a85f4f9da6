"""One version for the app and its three plugins, read from the repository's VERSION file."""

from __future__ import annotations

import importlib
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import levitor_studio._version as version_module
from levitor_studio.cli import main

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
DISTRIBUTIONS = (
    "levitor-studio",
    "levitor-studio-sam",
    "levitor-studio-depth-anything",
    "levitor-studio-svd",
)
PLUGIN_FOLDERS = ("levitor-sam", "levitor-depth-anything", "levitor-svd")


def test_version_file_holds_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_installed_distributions_report_the_version_file(distribution: str) -> None:
    assert version(distribution) == VERSION


@pytest.mark.parametrize("package", ["levitor_sam", "levitor_depth_anything", "levitor_svd"])
def test_plugin_packages_and_the_app_share_one_version(package: str) -> None:
    assert importlib.import_module(package).__version__ == VERSION
    assert importlib.import_module("levitor_studio").__version__ == VERSION


@pytest.mark.parametrize("folder", PLUGIN_FOLDERS)
def test_each_plugin_builds_from_the_same_file(folder: str) -> None:
    plugin = ROOT / "plugins" / folder
    assert (plugin / "VERSION").resolve() == (ROOT / "VERSION").resolve()
    text = (plugin / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = { file = "VERSION" }' in text
    assert not re.search(r'^version\s*=\s*"', text, re.MULTILINE)  # no second, literal version


def test_without_metadata_the_source_tree_file_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_name: str) -> str:
        raise PackageNotFoundError(_name)

    monkeypatch.setattr(version_module, "version", missing)
    assert version_module._read_version() == VERSION


def test_command_line_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"levitor-studio {VERSION}"
