"""Tracks file version 2 (issue 17 item 5): rotation, stretch, parents and the camera track.

Version 1 files read unchanged and a scene without version-2 fields is written as version 1, so
version 1 read → write → read gives an identical scene. The shipped schema is the one read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scenes import make_scene

from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys, SetKeyframe, SetParent
from levitor_studio.model.errors import ValidationError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import snapshot
from levitor_studio.model.tracks_io import export_tracks, import_tracks
from levitor_studio.model.validation import schema

ROOT = Path(__file__).resolve().parents[2]


def _v1_file(tmp_path: Path) -> Path:
    """A version 1 tracks file (the example scene has no version-2 fields)."""
    export_tracks(make_scene(), tmp_path / "v1.json")
    return tmp_path / "v1.json"


def test_version_1_read_write_read_is_identical_and_stays_version_1(tmp_path: Path) -> None:
    path = _v1_file(tmp_path)
    first = import_tracks(path)
    assert json.loads(path.read_text())["version"] == 1
    (tmp_path / "again").mkdir()
    export_tracks(first, tmp_path / "again" / "t.json")
    doc = json.loads((tmp_path / "again" / "t.json").read_text())
    assert doc["version"] == 1 and "camera" not in doc
    assert all("parent" not in od for od in doc["objects"])
    assert snapshot(import_tracks(tmp_path / "again" / "t.json")) == snapshot(first)


def test_version_2_fields_round_trip(tmp_path: Path) -> None:
    scene = import_tracks(_v1_file(tmp_path))
    SetKeyframe(1, Keyframe(6, 30.0, 20.0, 0.4, Easing.LINEAR, 45.0, (1.5, 0.5))).apply(scene)
    SetParent(2, 1).apply(scene)
    SetCameraKeys([CameraKey(8, pan=2.5, dolly=0.05, ease=Easing.EASE_OUT)]).apply(scene)
    (tmp_path / "v2").mkdir()
    export_tracks(scene, tmp_path / "v2" / "t.json")
    doc = json.loads((tmp_path / "v2" / "t.json").read_text())
    assert doc["version"] == 2
    assert doc["objects"][1]["parent"] == "a"
    assert doc["camera"] == [
        {
            "frame": 8,
            "pan": 2.5,
            "tilt": 0.0,
            "roll": 0.0,
            "dolly": 0.05,
            "truck": 0.0,
            "pedestal": 0.0,
            "ease": "ease-out",
        }
    ]
    assert snapshot(import_tracks(tmp_path / "v2" / "t.json")) == snapshot(scene)


@pytest.mark.parametrize(
    ("edit", "where", "message"),
    [
        (lambda d: d["objects"][0]["keyframes"][0].update(spin=1), "objects[0].keyframes[0]", ""),
        (lambda d: d["objects"][0].update(parent="nobody"), "objects[0].parent", "nobody"),
        (lambda d: d["objects"][0].update(parent="b"), "objects[0].parent", "cycle"),
        (lambda d: d.update(camera=[{"frame": 3, "pan": 500}]), "camera[0].pan", ""),
    ],
)
def test_bad_version_2_files_name_the_key(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], where: str, message: str
) -> None:
    scene = import_tracks(_v1_file(tmp_path))
    SetParent(2, 1).apply(scene)
    (tmp_path / "v2").mkdir()
    export_tracks(scene, tmp_path / "v2" / "t.json")
    doc = json.loads((tmp_path / "v2" / "t.json").read_text())
    edit(doc)
    (tmp_path / "v2" / "t.json").write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as err:
        import_tracks(tmp_path / "v2" / "t.json")
    assert str(err.value).startswith(where) and message in str(err.value)


def test_the_version_2_schema_is_shipped() -> None:
    shipped = json.loads((ROOT / "resources/schemas/tracks-v2.schema.json").read_text("utf-8"))
    assert schema("tracks-v2.schema.json") == shipped
    assert shipped["properties"]["version"] == {"const": 2}
