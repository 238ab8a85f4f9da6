"""Shared fixtures: tiny synthetic scenes and the bundled example."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from scenes import EXAMPLE, make_scene

from levitor_studio.model.scene import Scene


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """One process runs every test: under Xvfb (pytest-xvfb sets DISPLAY) Qt uses xcb, so VTK
    and OpenGL widgets work; without a display plain widgets still run offscreen."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # backends look for installed models in the data folder: never the tester's own models
    os.environ["LEVITOR_STUDIO_DATA_DIR"] = str(
        Path(tempfile.gettempdir()) / f"levitor-test-data-{os.getpid()}"
    )


@pytest.fixture(autouse=True)
def private_log(tmp_path_factory, monkeypatch):
    """The application log goes to a temporary folder, never the user's log folder."""
    from levitor_studio import logs

    folder = tmp_path_factory.mktemp("logs")
    monkeypatch.setenv("LEVITOR_STUDIO_LOG_DIR", str(folder))
    yield folder
    logs.close()


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE
