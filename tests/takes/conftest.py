"""A small saved project for the takes and batch tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from take_scenes import smooth_scene

from levitor_studio.model.project_io import save_project


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "shot.levitor"
    save_project(smooth_scene(), path)
    return path
