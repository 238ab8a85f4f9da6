"""Schemas load through whatever ``importlib.resources`` hands back, as the frozen app sees it."""

from __future__ import annotations

import json
from importlib.readers import MultiplexedPath
from pathlib import Path

import pytest

from levitor_studio.model import validation

ROOT = Path(__file__).resolve().parents[2]


def test_schemas_load_from_a_multiplexed_resource_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    # PyInstaller's frozen importer answers files() with a MultiplexedPath, whose joinpath takes
    # one name on Python 3.11
    monkeypatch.setattr(
        validation.resources, "files", lambda _package: MultiplexedPath(ROOT / "resources")
    )
    validation.schema.cache_clear()
    try:
        loaded = validation.schema("project-v1.schema.json")
    finally:
        validation.schema.cache_clear()
    expected = json.loads((ROOT / "resources/schemas/project-v1.schema.json").read_text("utf-8"))
    assert loaded == expected
