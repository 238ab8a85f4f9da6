"""Check the wheels ``make wheels`` built: versions, packages, data files and entry points.

Run as ``python packaging/check_wheels.py DIST_DIR``. Every problem is printed on one line and the
exit status is 1 if there was any. The checks read the wheels as zip files against the source
tree, so a wheel that lost a package, a schema, the example or an entry point, or that carries a
stale module left in ``build/lib``, is caught before it is published. The test suite imports
:func:`check_app_wheel` and runs it on a wheel built from a copy of the tree.
"""

from __future__ import annotations

import configparser
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "levitor_studio"
# distribution name in the wheel file name -> (source folder, import package)
PLUGINS = {
    "levitor_studio_sam": ("plugins/levitor-sam", "levitor_sam"),
    "levitor_studio_depth_anything": ("plugins/levitor-depth-anything", "levitor_depth_anything"),
    "levitor_studio_svd": ("plugins/levitor-svd", "levitor_svd"),
}


def expected_version(root: Path = ROOT) -> str:
    return (root / "VERSION").read_text(encoding="utf-8").strip()


def _entry_points(wheel: zipfile.ZipFile, dist_info: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # ids are case-sensitive
    parser.read_string(wheel.read(f"{dist_info}/entry_points.txt").decode())
    return parser


def _source_entry_points(pyproject: Path) -> dict[str, dict[str, str]]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    groups: dict[str, dict[str, str]] = dict(project.get("entry-points", {}))
    if "scripts" in project:
        groups["console_scripts"] = project["scripts"]
    return groups


def _check_common(wheel_path: Path, dist: str, source_root: Path, root: Path) -> list[str]:
    version = expected_version(root)
    problems = []
    if not wheel_path.name.startswith(f"{dist}-{version}-"):
        problems.append(f"{wheel_path.name}: expected version {version} (from VERSION)")
    with zipfile.ZipFile(wheel_path) as wheel:
        dist_info = f"{dist}-{version}.dist-info"
        names = set(wheel.namelist())
        if f"{dist_info}/entry_points.txt" not in names:
            return [*problems, f"{wheel_path.name}: no {dist_info}/entry_points.txt"]
        found = _entry_points(wheel, dist_info)
        for group, entries in _source_entry_points(source_root / "pyproject.toml").items():
            for name, target in entries.items():
                got = found.get(group, name, fallback=None)
                if got != target:
                    problems.append(f"{wheel_path.name}: entry point {group}:{name} is {got!r}")
        for name in names:
            # a module with no source file is a leftover of an earlier build in build/lib
            if name.endswith(".py") and not _source_of(name, source_root).is_file():
                problems.append(f"{wheel_path.name}: {name} has no source file (stale build?)")
    return problems


def _source_of(wheel_name: str, source_root: Path) -> Path:
    prefix = f"{APP}/resources/"
    if wheel_name.startswith(prefix):
        return source_root / "resources" / wheel_name[len(prefix) :]
    return source_root / wheel_name


def check_app_wheel(wheel_path: Path, root: Path = ROOT) -> list[str]:
    """Problems with the application wheel: packages, every resource file, entry points."""
    problems = _check_common(wheel_path, APP, root, root)
    packages = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
    for package in packages:
        if f"{package.replace('.', '/')}/__init__.py" not in names:
            problems.append(f"{wheel_path.name}: package {package} is missing")
    resources = root / "resources"
    for path in sorted(resources.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        inside = f"{APP}/resources/{path.relative_to(resources).as_posix()}"
        if inside not in names:
            problems.append(f"{wheel_path.name}: {inside} is missing")
    return problems


def check_dist(dist_dir: Path, root: Path = ROOT) -> list[str]:
    """Problems with the app wheel and the three plugin wheels in ``dist_dir``."""
    version = expected_version(root)
    problems = []
    for dist in (APP, *PLUGINS):
        wheels = sorted(dist_dir.glob(f"{dist}-{version}-*.whl"))
        if len(wheels) != 1:
            problems.append(f"{dist_dir}: expected one {dist}-{version} wheel, found {len(wheels)}")
            continue
        if dist == APP:
            problems += check_app_wheel(wheels[0], root)
        else:
            folder, package = PLUGINS[dist]
            problems += _check_common(wheels[0], dist, root / folder, root)
            with zipfile.ZipFile(wheels[0]) as wheel:
                if f"{package}/__init__.py" not in wheel.namelist():
                    problems.append(f"{wheels[0].name}: package {package} is missing")
    return problems


def main(argv: list[str]) -> int:
    dist_dir = Path(argv[0]) if argv else ROOT / "dist"
    problems = check_dist(dist_dir)
    for problem in problems:
        print(f"check_wheels: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_wheels: 4 wheels of version {expected_version()} in {dist_dir} are complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
