"""Refusals of the edit commands and the project reader that no test reached (the coverage
report listed them, issue 12 item 11): each is a named, one-line message, and nothing changes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.project_io import MAX_MEMBERS, load_project, save_project
from levitor_studio.model.scene import snapshot


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (c.MoveObjectInOrder(1, 2), "position 2 is outside the object list"),
        (c.MoveObjectInOrder(1, -1), "position -1 is outside the object list"),
        (c.DeleteKeyframe(1, 7), "a has no keyframe at frame 7"),
        (c.MoveKeyframe(1, 7, Keyframe(8, 1.0, 1.0, 0.5)), "a has no keyframe at frame 7"),
        (
            c.SetDepthMap(np.full((48, 63), 0.5, np.float32)),
            "depth map size differs from the scene",
        ),
        (c.SetDepthMap(np.full((48, 64), 0.0, np.float32)), "depth values must be in (0, 1]"),
        (c.SetDepthMap(np.full((48, 64), 1.5, np.float32)), "depth values must be in (0, 1]"),
        (c.SetSegments(np.zeros((47, 64), np.int32)), "segment map size differs from the scene"),
    ],
)
def test_a_refused_edit_says_why_and_changes_nothing(command, message):
    scene = make_scene()
    before = snapshot(scene)
    with pytest.raises(InputError) as info:
        command.apply(scene)
    assert str(info.value) == message
    assert snapshot(scene) == before


def test_the_easing_of_a_missing_key_is_refused():
    with pytest.raises(InputError, match=r"^no keyframe at frame 7$"):
        c.set_easing(make_scene(), 1, 7, "linear")


def _rewrite(tmp_path: Path, edit=None, members=None) -> Path:
    """The saved test scene with its manifest edited and/or members replaced (None deletes)."""
    good = tmp_path / "good.levitor"
    save_project(make_scene(), good)
    out = tmp_path / "edited.levitor"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        if edit is not None:
            edit(manifest)
        for info in src.infolist():
            name = info.filename
            if name == "manifest.json":
                dst.writestr(name, json.dumps(manifest))
            elif members is None or name not in members:
                dst.writestr(name, src.read(name))
        for name, data in (members or {}).items():
            if data is not None:
                dst.writestr(name, data)
    return out


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError) as info:
        load_project(tmp_path / "nowhere.levitor")
    assert str(info.value) == f"{tmp_path / 'nowhere.levitor'}: no such file"


def test_a_missing_asset_is_a_named_error_not_a_key_error(tmp_path):
    path = _rewrite(tmp_path, members={"masks/2.png": None})
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert info.value.path == "objects[1].mask"
    assert str(info.value) == "objects[1].mask: asset 'masks/2.png' is missing from the project"


def test_too_many_members_are_refused_before_reading(tmp_path):
    extra = {f"junk/{i}.bin": b"" for i in range(MAX_MEMBERS)}
    path = _rewrite(tmp_path, members=extra)
    with pytest.raises(InputError, match=r"archive holds 2\d\d members \(at most 270\)$"):
        load_project(path)


def test_too_many_objects_are_refused_before_validating(tmp_path):
    path = _rewrite(tmp_path, edit=lambda m: m.update(objects=[{}] * 255))
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert str(info.value) == "objects: 255 objects (at most 254)"


def test_a_manifest_that_is_not_an_object_is_refused(tmp_path):
    path = tmp_path / "list.levitor"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", "[1, 2]")
    with pytest.raises(ValidationError, match=r"^manifest must be a JSON object$"):
        load_project(path)


def test_a_depth_map_outside_0_1_is_refused(tmp_path):
    scene = make_scene()
    depth = np.full((scene.height, scene.width), 1.25, np.float32)
    path = _rewrite(tmp_path, members={"depth.npy": _npy(depth)})
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert str(info.value) == "depth: depth values must be in (0, 1]"


def test_guidance_bounds_in_the_wrong_order_are_refused(tmp_path):
    def swap(m):
        m["settings"].update(guidance_min=3.0, guidance_max=1.5)

    with pytest.raises(ValidationError) as info:
        load_project(_rewrite(tmp_path, edit=swap))
    assert str(info.value) == "settings.guidance_min: must not exceed guidance_max"


def test_two_keys_on_one_frame_are_refused(tmp_path):
    def twin(m):
        keys = m["objects"][0]["keyframes"]
        keys.append(dict(keys[0]))

    with pytest.raises(ValidationError) as info:
        load_project(_rewrite(tmp_path, edit=twin))
    assert str(info.value) == "objects[0].keyframes[2].frame: two keyframes on this frame"
