"""The application wheel, built from a copy of the tree, holds every package, resource and entry
point (packaging/check_wheels.py does the checking; ``make wheels`` runs it on all four wheels)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    # packaging/ is a folder of scripts, not a package (and its name is taken by pypa's library)
    spec = importlib.util.spec_from_file_location(
        "check_wheels", ROOT / "packaging" / "check_wheels.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_app_wheel_is_complete(tmp_path: Path) -> None:
    # a copy, so the build neither writes into nor picks up stale files from the shared build/
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("levitor_studio", "resources"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    for name in ("pyproject.toml", "VERSION", "README.md"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("levitor_studio-*.whl")
    assert _checker().check_app_wheel(wheel, root=src) == []
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "levitor_studio/resources/examples/coffee/coffee.levitor" in names
    assert "levitor_studio/resources/levitor-studio.desktop" in names
    assert "levitor_studio/ui/viewport3d/__init__.py" in names


def test_checker_reports_a_missing_resource(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "resources", src / "resources", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "VERSION"):
        shutil.copy(ROOT / name, src / name)
    version = (src / "VERSION").read_text().strip()
    wheel = tmp_path / f"levitor_studio-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:  # metadata and entry points only, no files
        zf.writestr(f"levitor_studio-{version}.dist-info/entry_points.txt", "[console_scripts]\n")
    problems = _checker().check_app_wheel(wheel, root=src)
    assert any("schemas/project-v1.schema.json is missing" in p for p in problems)
    assert any("console_scripts:levitor-studio" in p for p in problems)
    assert any("package levitor_studio.ui is missing" in p for p in problems)
