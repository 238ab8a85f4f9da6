"""Rotation, stretch, parents and the camera track in the model: commands, ranges, saving,
the version-1 migration."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scenes import make_scene

from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys, SetKeyframe, SetParent, set_turn
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.scene import snapshot


def test_a_turn_is_done_and_undone_by_one_command() -> None:
    scene = make_scene()
    before = snapshot(scene)
    undo = set_turn(scene, 1, 15, angle=30.0, stretch=(1.5, 0.75)).apply(scene)
    key = scene.object(1).key_at(15)
    assert key is not None and (key.angle, key.stretch) == (30.0, (1.5, 0.75))
    assert scene.motion(scene.object(1))[15, 3:].tolist() == [30.0, 1.5, 0.75]
    undo.apply(scene)
    assert snapshot(scene) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"angle": 5000.0}, "keyframe angle 5000 must be -3600…3600"),
        ({"angle": float("nan")}, "keyframe angle nan must be -3600…3600"),
        ({"stretch": (0.0, 1.0)}, "keyframe stretch x 0 must be 0.05…20"),
        ({"stretch": (1.0, 25.0)}, "keyframe stretch y 25 must be 0.05…20"),
        ({"stretch": (1.0,)}, r"keyframe stretch \(1.0,\) must be two numbers \[sx, sy\]"),
    ],
)
def test_out_of_range_turns_are_refused_and_change_nothing(
    changes: dict[str, object], message: str
) -> None:
    scene = make_scene()
    before = snapshot(scene)
    key = scene.object(1).keyframes[1].moved(**changes)
    with pytest.raises(InputError, match=f"^{message}$"):
        SetKeyframe(1, key).apply(scene)
    assert snapshot(scene) == before


def test_turned_keys_survive_a_project_round_trip(tmp_path: Path) -> None:
    scene = make_scene()
    set_turn(scene, 1, 15, angle=-45.5, stretch=(2.0, 0.5)).apply(scene)
    save_project(scene, tmp_path / "p.levitor")
    with zipfile.ZipFile(tmp_path / "p.levitor") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["version"] == 2
    keys = manifest["objects"][0]["keyframes"]
    assert "angle" not in keys[0] and "stretch" not in keys[0]  # defaults are not written
    assert (keys[1]["angle"], keys[1]["stretch"]) == (-45.5, [2.0, 0.5])
    assert snapshot(load_project(tmp_path / "p.levitor")) == snapshot(scene)


def _with_manifest(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    scene = make_scene()
    save_project(scene, tmp_path / "good.levitor")
    out = tmp_path / "edited.levitor"
    with zipfile.ZipFile(tmp_path / "good.levitor") as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                doc = json.loads(data)
                edit(doc)
                data = json.dumps(doc).encode()
            dst.writestr(info, data)
    return out


def _as_version_1(doc: dict[str, Any]) -> None:
    doc["version"] = 1
    for od in doc["objects"]:
        del od["parent"]  # a version 2 field


def test_a_version_1_project_migrates_unchanged(tmp_path: Path) -> None:
    loaded = load_project(_with_manifest(tmp_path, _as_version_1))
    assert snapshot(loaded) == snapshot(make_scene())
    assert all(k.angle == 0.0 and k.stretch == (1.0, 1.0) for k in loaded.object(1).keyframes)


def test_a_parent_survives_a_project_round_trip(tmp_path: Path) -> None:
    scene = make_scene()
    SetParent(2, 1).apply(scene)
    save_project(scene, tmp_path / "p.levitor")
    assert load_project(tmp_path / "p.levitor").object(2).parent == 1


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ((None, 9), r"objects\[1\]\.parent: no object has id 9"),
        ((2, 1), r"objects\[0\]\.parent: parents form a cycle"),
    ],
)
def test_a_file_with_a_bad_parent_is_refused(
    tmp_path: Path, parents: tuple[int | None, int | None], message: str
) -> None:
    def edit(doc: dict[str, Any]) -> None:
        for od, parent in zip(doc["objects"], parents, strict=True):
            od["parent"] = parent

    with pytest.raises(ValidationError, match=message):
        load_project(_with_manifest(tmp_path, edit))


def test_a_camera_track_survives_a_project_round_trip(tmp_path: Path) -> None:
    scene = make_scene()
    keys = [CameraKey(5, pan=-3.5, dolly=0.125, ease=Easing.EASE_IN), CameraKey(15, roll=2.0)]
    SetCameraKeys(keys).apply(scene)
    save_project(scene, tmp_path / "p.levitor")
    loaded = load_project(tmp_path / "p.levitor")
    assert loaded.camera == keys
    assert snapshot(loaded) == snapshot(scene)
