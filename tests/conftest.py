"""Shared fixtures: tiny synthetic scenes and the bundled example."""

from __future__ import annotations

from pathlib import Path

import pytest
from scenes import EXAMPLE, make_scene

from levitor_studio.model.scene import Scene


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE
