"""Values that pass a naive check but would break a later step: non-finite numbers, float
counts, settings a saved project could not load, masks and keys in unexpected types."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.api import import_tracks
from levitor_studio.backends.grabcut import GrabCutSegmenter
from levitor_studio.model import commands as c
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.scene import snapshot


def _tracks(tmp_path: Path, example_dir: Path, edit: Any) -> Path:
    for name in ("coffee.png", "cup.png", "spoon.png"):
        shutil.copy(example_dir / name, tmp_path / name)
    doc = json.loads((example_dir / "coffee.tracks.json").read_text())
    edit(doc)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))  # writes NaN / Infinity literally
    return path


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (
            lambda d: d["objects"][1]["keyframes"][0].update(x=float("nan")),
            "objects[1].keyframes[0].x",
        ),
        (
            lambda d: d["objects"][1]["keyframes"][0].update(z=float("nan")),
            "objects[1].keyframes[0].z",
        ),
        (
            lambda d: d["objects"][1]["keyframes"][0].update(y=float("-inf")),
            "objects[1].keyframes[0].y",
        ),
        (lambda d: d.update(fps=float("nan")), "fps"),
        (lambda d: d.update(frames=16.0), "frames"),
        (
            lambda d: d["objects"][1]["keyframes"][1].update(frame=6.0),
            "objects[1].keyframes[1].frame",
        ),
    ],
)
def test_tracks_with_non_finite_or_float_counts_name_the_key(
    tmp_path: Path, example_dir: Path, edit: Any, path: str
) -> None:
    with pytest.raises(ValidationError) as info:
        import_tracks(_tracks(tmp_path, example_dir, edit), segmenter=GrabCutSegmenter())
    assert info.value.path == path


def test_an_overflowing_number_is_refused(tmp_path: Path, example_dir: Path) -> None:
    path = _tracks(tmp_path, example_dir, lambda d: None)
    path.write_text(path.read_text().replace('"x": 310', '"x": 1e400'))
    with pytest.raises(ValidationError) as info:
        import_tracks(path, segmenter=GrabCutSegmenter())
    assert info.value.path == "objects[1].keyframes[0].x"


@pytest.mark.parametrize(
    "changes",
    [
        {"steps": 5000},
        {"steps": 2.5},
        {"fps_id": -1},
        {"generator": ""},
        {"use_ids": "no"},
        {"seed": True},
        {"control_scale": float("nan")},
    ],
)
def test_settings_a_project_could_not_load_are_refused(changes: dict[str, Any]) -> None:
    scene = make_scene()
    before = snapshot(scene)
    with pytest.raises(InputError):
        c.SetGenerationSettings(changes).apply(scene)
    assert snapshot(scene) == before


def test_accepted_settings_round_trip_through_a_project(tmp_path: Path) -> None:
    scene = make_scene()
    c.SetGenerationSettings({"steps": 1000, "fps_id": 0, "seed": 2**63 - 1}).apply(scene)
    save_project(scene, tmp_path / "p.levitor")
    assert load_project(tmp_path / "p.levitor").settings == scene.settings


@pytest.mark.parametrize(
    "bad",
    [
        c.SetKeyframe(1, Keyframe(3.5, 1.0, 1.0, 0.5)),  # type: ignore[arg-type]
        c.SetKeyframe(1, Keyframe(True, 1.0, 1.0, 0.5)),
        c.SetKeyframe(1, Keyframe(3, 1.0, 1.0, 0.5, "wobble")),  # type: ignore[arg-type]
        c.SetObjectProperties(1, name="renamed", color=(1, 2)),  # type: ignore[arg-type]
        c.SetSceneTiming(frames=20.5),  # type: ignore[arg-type]
        c.SetSceneTiming(frames=True),
    ],
)
def test_malformed_edits_are_refused_before_changing_anything(bad: c.Command) -> None:
    scene = make_scene()
    before = snapshot(scene)
    with pytest.raises(InputError):
        bad.apply(scene)
    assert snapshot(scene) == before


def test_a_key_given_with_numpy_scalars_or_a_plain_easing_string_is_stored_plainly() -> None:
    scene = make_scene()
    c.SetKeyframe(1, Keyframe(np.int64(4), np.float32(2.5), 3, 0.5, "linear")).apply(scene)  # type: ignore[arg-type]
    key = scene.object(1).key_at(4)
    assert key == Keyframe(4, 2.5, 3.0, 0.5, c.Easing.LINEAR)
    assert type(key.frame) is int and type(key.x) is float and key.ease is c.Easing.LINEAR
    scene.trajectory(scene.object(1))  # interpolates (a str easing used to fail here)


def test_adding_an_object_with_a_non_boolean_mask_or_clashing_keys() -> None:
    scene = make_scene()
    mask = np.zeros((scene.height, scene.width), np.uint8)
    mask[2:5, 2:6] = 255
    obj = c.new_object(scene, mask.astype(bool))
    obj.mask = mask  # type: ignore[assignment]
    c.AddObject(obj).apply(scene)
    added = scene.object(obj.uid)
    assert added.mask.dtype == bool and added.area() == 12
    assert scene.rest_depth(added) == pytest.approx(float(np.median(scene.depth_map()[2:5, 2:6])))
    twice = c.new_object(
        scene, mask.astype(bool), keys=[Keyframe(3, 1, 1, 0.5), Keyframe(3, 2, 2, 0.5)]
    )
    before = snapshot(scene)
    with pytest.raises(InputError, match="same frame"):
        c.AddObject(twice).apply(scene)
    assert snapshot(scene) == before


@pytest.mark.parametrize(
    "bad",
    [
        c.RemoveObject(99),
        c.MoveObjectInOrder(99, 0),
        c.SetKeyframe(99, Keyframe(1, 1.0, 1.0, 0.5)),
        c.Batch([c.RemoveObject(1), c.RemoveObject(1)]),
    ],
)
def test_an_edit_of_a_missing_object_is_an_input_error(bad: c.Command) -> None:
    scene = make_scene()
    before = snapshot(scene)
    with pytest.raises(InputError, match="no object with id"):
        bad.apply(scene)
    assert snapshot(scene) == before
