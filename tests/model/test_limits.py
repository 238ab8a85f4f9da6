"""One value-range table (``model/limits.py``): the schemas state it, the commands enforce it.

Values are written out here by hand (not read from the table) where the test is about what the
range *is*; the schema test compares the shipped JSON with the table entry by entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model import limits
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.scene import CONTROL_MODES, snapshot
from levitor_studio.model.validation import schema, validate

NAN, INF = float("nan"), float("inf")


def test_every_schema_states_the_tables_ranges() -> None:
    assert limits.schema_disagreements() == []


def test_a_changed_schema_bound_is_reported() -> None:
    broken = limits.Limit(1, 500, integer=True)
    entry = ("project-v1.schema.json", "/properties/settings/properties/steps", broken)
    original = limits.SCHEMA_BOUNDS
    try:
        limits.SCHEMA_BOUNDS = (entry,)
        assert limits.schema_disagreements() == [
            "project-v1.schema.json#/properties/settings/properties/steps: schema says "
            "{'type': 'integer', 'minimum': 1, 'maximum': 1000}, the table "
            "{'type': 'integer', 'minimum': 1, 'maximum': 500}"
        ]
    finally:
        limits.SCHEMA_BOUNDS = original


def test_the_table_covers_every_bounded_setting() -> None:
    settings = schema("project-v1.schema.json")["properties"]["settings"]["properties"]
    bounded = {k for k, v in settings.items() if "minimum" in v or "exclusiveMinimum" in v}
    assert bounded == set(limits.SETTINGS)
    assert settings["control_mode"]["enum"] == list(CONTROL_MODES)


@pytest.mark.parametrize(
    ("name", "lo", "hi"),
    [("seed", 0, 9223372036854775807), ("steps", 1, 1000), ("motion_bucket", 1, 255)],
)
def test_the_disputed_ranges(name: str, lo: int, hi: int) -> None:
    limit = limits.SETTINGS[name]
    assert (limit.lo, limit.hi, limit.integer) == (lo, hi, True)
    scene = make_scene()
    c.SetGenerationSettings({name: hi}).apply(scene)
    c.SetGenerationSettings({name: lo}).apply(scene)
    for bad in (lo - 1, hi + 1):
        with pytest.raises(InputError, match=f"{name.replace('_', ' ')} {bad} must be"):
            c.SetGenerationSettings({name: bad}).apply(scene)


@pytest.mark.parametrize("value", [NAN, INF, -INF])
@pytest.mark.parametrize("field", ["x", "y", "z"])
def test_a_key_command_refuses_nan_and_infinity(field: str, value: float) -> None:
    scene = make_scene()
    before = snapshot(scene)
    key = Keyframe(3, 20.0, 20.0, 0.5).moved(**{field: value})
    for cmd in (
        c.SetKeyframe(1, key),
        c.MoveKeyframe(1, 0, key.moved(frame=0)),
        c.SetKeyframes(1, [key]),
        c.AddObject(c.new_object(scene, scene.objects[0].mask, keys=[key])),
    ):
        with pytest.raises(InputError):
            cmd.apply(scene)
        assert snapshot(scene) == before


@pytest.mark.parametrize(
    ("x", "y", "ok"),
    [
        (-64.0, -48.0, True),  # one frame left of / above the 64×48 frame: the margin's edge
        (128.0, 96.0, True),  # one frame right of / below it
        (-64.5, 10.0, False),
        (10.0, 96.5, False),
        (1e19, 10.0, False),
        (10.0, -1e19, False),
        (1.8e308, 10.0, False),
    ],
)
def test_key_positions_stay_within_a_frame_of_the_frame(x: float, y: float, ok: bool) -> None:
    scene = make_scene()  # 64 × 48
    cmd = c.SetKeyframe(1, Keyframe(3, x, y, 0.5))
    if ok:
        cmd.apply(scene)
        assert scene.object(1).key_at(3) == Keyframe(3, x, y, 0.5)
    else:
        with pytest.raises(InputError, match=r"outside the frame's margin \(-?\d+…\d+ for a 64×48"):
            cmd.apply(scene)


@pytest.mark.parametrize("z", [5e-324, 0.0039, 0.0, -0.5, 1.0000001])
def test_depths_the_signal_cannot_carry_are_refused(z: float) -> None:
    with pytest.raises(InputError, match="depth .* must be 0.003922…1"):
        c.SetKeyframe(1, Keyframe(3, 10.0, 10.0, z)).apply(make_scene())


def test_the_smallest_depth_is_one_255th() -> None:
    scene = make_scene()
    c.SetKeyframe(1, Keyframe(3, 10.0, 10.0, 1 / 255)).apply(scene)
    assert scene.object(1).key_at(3) == Keyframe(3, 10.0, 10.0, 1 / 255)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fps": 0.4}, "fps 0.4 must be 0.5…240"),
        ({"fps": NAN}, "fps nan must be 0.5…240"),
        ({"frames": 129}, "frames 129 must be a whole number 2…128"),
        ({"frames": 16.0}, "frames 16.0 must be a whole number 2…128"),
        ({"fov": 171.0}, "field of view 171 must be 1…170"),
    ],
)
def test_scene_timing_ranges(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as info:
        c.SetSceneTiming(**changes).apply(make_scene())
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"guidance_max": 31.0}, "guidance max 31 must be 0…30"),
        ({"points_ratio": 0.0}, "points ratio 0 must be in (0, 10]"),
        ({"noise_aug": 1.5}, "noise aug 1.5 must be 0…1"),
        ({"fps_id": 61}, "fps id 61 must be a whole number 0…60"),
        ({"guidance_min": 3.5}, "guidance needs min ≤ max"),
        ({"control_mode": "both"}, "control mode must be one of multi, single"),
    ],
)
def test_settings_refusals_read_from_the_table(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as info:
        c.SetGenerationSettings(changes).apply(make_scene())
    assert str(info.value) == message


def _keyframe_doc(x: float, y: float, z: float) -> dict[str, Any]:
    return {"frame": 0, "x": x, "y": y, "z": z}


@pytest.mark.parametrize(
    ("x", "y", "z", "path"),
    [
        (1e19, 1.0, 0.5, "objects[0].keyframes[0].x"),
        (1.0, -1e19, 0.5, "objects[0].keyframes[0].y"),
        (1.8e308, 1.0, 0.5, "objects[0].keyframes[0].x"),
        (1.0, 1.0, 5e-324, "objects[0].keyframes[0].z"),
    ],
)
def test_the_tracks_schema_refuses_keys_the_renderer_cannot_use(
    x: float, y: float, z: float, path: str
) -> None:
    doc = {
        "format": "levitor-tracks",
        "version": 1,
        "image": "a.png",
        "objects": [{"name": "a", "box": [0, 0, 4, 4], "keyframes": [_keyframe_doc(x, y, z)]}],
    }
    with pytest.raises(ValidationError) as info:
        validate(doc, "tracks-v1.schema.json")
    assert info.value.path == path


def test_a_project_with_a_key_far_outside_its_frame_is_refused_with_the_key_path(
    tmp_path: Path,
) -> None:
    import zipfile

    scene = make_scene()  # 64 × 48: y may go down to -48
    save_project(scene, tmp_path / "p.levitor")
    with zipfile.ZipFile(tmp_path / "p.levitor") as z:
        members = {n: z.read(n) for n in z.namelist()}
    doc = json.loads(members["manifest.json"])
    doc["objects"][0]["keyframes"][1]["y"] = -100.0  # inside the schema, outside this frame
    members["manifest.json"] = json.dumps(doc).encode()
    with zipfile.ZipFile(tmp_path / "q.levitor", "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    with pytest.raises(ValidationError) as info:
        load_project(tmp_path / "q.levitor")
    assert info.value.path == "objects[0].keyframes[1].y"
    assert "-100 is outside the frame's margin (-48…96 for a 64×48 scene)" in str(info.value)


def test_limit_widget_ranges() -> None:
    assert limits.POINTS_RATIO.widget_range() == (0.01, 10)
    assert limits.SETTINGS["steps"].widget_range() == (1, 1000)
    assert limits.key_xy(512, 288)[1].widget_range() == (-288.0, 576.0)


def test_numpy_scalars_are_accepted_as_plain_values() -> None:
    scene = make_scene()
    c.SetKeyframe(1, Keyframe(np.int64(3), np.float32(10.0), np.float64(12.0), 0.5)).apply(scene)  # type: ignore[arg-type]
    key = scene.object(1).key_at(3)
    assert key is not None
    assert (type(key.frame), type(key.x), type(key.y)) == (int, float, float)


@pytest.mark.parametrize(
    ("name", "lo", "hi", "below", "above"),
    [  # written out by hand: what each setting accepts at its two ends, and just past them
        ("seed", 0, 2**63 - 1, -1, 2**63),
        ("steps", 1, 1000, 0, 1001),
        ("motion_bucket", 1, 255, 0, 256),
        ("control_scale", 0.0, 10.0, -1e-9, 10.000001),
        ("points_ratio", 0.001, 10.0, 0.0, 10.000001),
        ("guidance_min", 0.0, 1.0, -1e-9, None),  # its top is guidance_max (3.0)
        ("guidance_max", 1.0, 30.0, None, 30.000001),  # its bottom is guidance_min (1.0)
        ("noise_aug", 0.0, 1.0, -1e-9, 1.000001),
        ("fps_id", 0, 60, -1, 61),
    ],
)
def test_every_setting_at_its_boundaries(
    name: str, lo: float, hi: float, below: float | None, above: float | None
) -> None:
    scene = make_scene()
    for ok in (lo, hi):
        c.SetGenerationSettings({name: ok}).apply(scene)
        assert getattr(scene.settings, name) == ok
    for bad in (below, above):
        if bad is None:
            continue
        before = snapshot(scene)
        with pytest.raises(InputError):
            c.SetGenerationSettings({name: bad}).apply(scene)
        assert snapshot(scene) == before


@pytest.mark.parametrize(
    ("ratio", "ok"), [(0.001, True), (10.0, True), (None, True), (0.0, False), (10.5, False)]
)
def test_an_objects_points_ratio_range(ratio: float | None, ok: bool) -> None:
    scene = make_scene()
    cmd = c.SetObjectProperties(1, points_ratio=ratio)
    if ok:
        cmd.apply(scene)
        assert scene.object(1).points_ratio == ratio
    else:
        with pytest.raises(InputError, match=r"points ratio .* must be in \(0, 10\]"):
            cmd.apply(scene)
        assert scene.object(1).points_ratio is None
