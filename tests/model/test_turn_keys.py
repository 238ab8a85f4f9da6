"""Rotation and stretch keys in the model: commands, ranges, saving and the version-1 migration."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from scenes import make_scene

from levitor_studio.model.commands import SetKeyframe, set_turn
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.scene import snapshot
from levitor_studio.model.tracks_io import export_tracks


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


def test_a_version_1_project_migrates_unchanged(tmp_path: Path) -> None:
    scene = make_scene()
    save_project(scene, tmp_path / "new.levitor")
    old = tmp_path / "old.levitor"
    with zipfile.ZipFile(tmp_path / "new.levitor") as src, zipfile.ZipFile(old, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                doc = json.loads(data)
                doc["version"] = 1
                data = json.dumps(doc).encode()
            dst.writestr(info, data)
    loaded = load_project(old)
    assert snapshot(loaded) == snapshot(scene)
    assert all(k.angle == 0.0 and k.stretch == (1.0, 1.0) for k in loaded.object(1).keyframes)


def test_a_version_1_tracks_file_refuses_turned_keys(tmp_path: Path) -> None:
    scene = make_scene()
    SetKeyframe(1, Keyframe(3, 20.0, 20.0, 0.5, angle=10.0)).apply(scene)
    with pytest.raises(InputError, match="^object 'a' has rotation or stretch keys"):
        export_tracks(scene, tmp_path / "t.json")
    assert list(tmp_path.iterdir()) == []
