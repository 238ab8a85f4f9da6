"""What the three PyInstaller specs share: the app's modules, its data, and what stays out.

The frozen app is the *base* app: the editor, the engine and the weight-free backends (GrabCut,
heuristic and file depth, the CPU preview). The model stacks (torch, diffusers, transformers,
segment-anything, CUDA libraries) are several gigabytes and are left out on purpose, together with
the three model plugins that need them; people who want SAM, Depth Anything or the diffusion
generator install the wheels into a Python environment instead (see ``packaging/README.md``).

Backends are found through entry points, which PyInstaller cannot see, so every module of
``levitor_studio`` is collected by name and the distribution metadata of ``levitor-studio`` (its
``entry_points.txt``) is bundled. Data files go where ``importlib.resources`` looks for the
``levitor_studio.resources`` package: ``<bundle>/levitor_studio/resources/``.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "levitor-studio"
RESOURCES = "levitor_studio.resources"

# Heavy or unused stacks kept out of the base app. Listed by top-level name; PyInstaller also
# drops everything only they import.
EXCLUDES = [
    # model stacks (the plugins bring them)
    "torch",
    "torchvision",
    "torchaudio",
    "diffusers",
    "transformers",
    "tokenizers",
    "safetensors",
    "accelerate",
    "huggingface_hub",
    "segment_anything",
    "triton",
    "nvidia",
    "cuda",
    "sympy",
    "levitor_sam",
    "levitor_depth_anything",
    "levitor_svd",
    # the render farm extra (`batch --ray`, pip install 'levitor-studio[farm]'): not in the app
    "ray",
    # development tools that live in the same environment
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "ruff",
    "importlinter",
    "IPython",
    "jupyter_client",
    "notebook",
    "tkinter",
    "matplotlib",
    # the repository's resources/ seen as a top-level package because the build runs from the
    # repository root; the app reads it as levitor_studio.resources (datas() below)
    "resources",
    # other Qt bindings (the app uses PySide6 only)
    "PyQt5",
    "PyQt6",
    "PySide2",
]


def hidden_imports() -> list[str]:
    """Every module of the app, so entry-point targets (loaded by name at run time) are frozen."""
    from PyInstaller.utils.hooks import collect_submodules

    # levitor_studio.resources is the repository's resources/ folder under another name (a
    # package-dir mapping PyInstaller's import analysis cannot follow); datas() ships it instead
    return collect_submodules("levitor_studio", filter=lambda name: name != RESOURCES)


def datas(root: Path) -> list[tuple[str, str]]:
    """Resource files and the app's distribution metadata, as (source, destination folder)."""
    resources = root / "resources"
    found: list[tuple[str, str]] = []
    for path in sorted(resources.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue  # __init__.py is kept: on disk it makes a regular package, as when installed
        dest = Path("levitor_studio", "resources", path.parent.relative_to(resources))
        found.append((str(path), dest.as_posix()))
    # the source-tree fallback of levitor_studio._version reads <bundle>/VERSION
    found.append((str(root / "VERSION"), "."))
    return found + [installed_metadata(root)]


def installed_metadata(root: Path) -> tuple[str, str]:
    """The installed ``levitor-studio`` metadata folder (its entry points list the backends).

    PyInstaller's ``copy_metadata`` takes the first match on ``sys.path``, which from the
    repository root is the build's leftover ``levitor_studio.egg-info``; the install's own
    ``.dist-info`` in site-packages is the one to ship.
    """
    import sys

    for entry in sys.path:
        if not entry or not Path(entry).is_dir() or Path(entry).resolve() == root.resolve():
            continue
        for folder in sorted(Path(entry).glob("levitor_studio-*.dist-info")):
            return str(folder), folder.name
    raise SystemExit("levitor-studio is not installed here: run scripts/setup-env first")
