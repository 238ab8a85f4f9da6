"""Camera edits as a person makes them (model/camera_edits.py): each one undo step, exact keys."""

from __future__ import annotations

import pytest
from scenes import camera_scene

from levitor_studio.model import camera_edits as ce
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.scene import Scene, snapshot
from levitor_studio.model.view_state import ViewState

E = Easing


def _scene(keys: list[CameraKey] | None = None) -> Scene:
    return camera_scene(keys)


def _apply_and_undo(scene: Scene, cmd) -> list[CameraKey]:
    before = snapshot(scene)
    inverse = cmd.apply(scene)
    after = list(scene.camera)
    inverse.apply(scene)
    assert snapshot(scene) == before  # one command undoes it exactly
    cmd.apply(scene)
    return after


def test_setting_a_value_at_the_playhead_makes_the_key_from_the_interpolated_camera() -> None:
    scene = _scene([CameraKey(8, pan=8.0, dolly=0.2, ease=E.LINEAR)])
    cmd = ce.set_value(scene, 4, "dolly", 0.05)
    assert cmd.label == "Camera dolly"  # what the undo history says
    got = _apply_and_undo(scene, cmd)
    # linear from frame 0 (zero, the segment easing of the first key) to 8: pan 4 at frame 4
    assert got == [
        CameraKey(4, pan=4.0, dolly=0.05, ease=E.LINEAR),
        CameraKey(8, pan=8.0, dolly=0.2, ease=E.LINEAR),
    ]
    # an existing key keeps its other values and easing
    got = _apply_and_undo(scene, ce.set_value(scene, 8, "tilt", -3.0))
    assert got[1] == CameraKey(8, pan=8.0, tilt=-3.0, dolly=0.2, ease=E.LINEAR)


def test_frame_zero_stays_the_photographs_camera() -> None:
    scene = _scene()
    with pytest.raises(InputError) as err:
        ce.set_value(scene, 0, "pan", 5.0)
    assert str(err.value) == (
        "frame 0 shows the photograph as taken, so its camera stays at zero: "
        "move the playhead to a later frame to key the camera"
    )
    scene.camera = [CameraKey(3, dolly=0.1)]
    with pytest.raises(InputError) as err:
        ce.move_key(scene, 3, 0)
    assert str(err.value).endswith("move the playhead to a later frame to place this key")
    assert scene.camera == [CameraKey(3, dolly=0.1)]


def test_insert_delete_move_and_clear() -> None:
    scene = _scene([CameraKey(8, dolly=0.2, ease=E.LINEAR)])
    assert _apply_and_undo(scene, ce.insert_key(scene, 2)) == [
        CameraKey(2, dolly=0.05, ease=E.LINEAR),
        CameraKey(8, dolly=0.2, ease=E.LINEAR),
    ]
    with pytest.raises(InputError, match="^frame 2 already has a camera key$"):
        ce.insert_key(scene, 2)
    assert [ce.insert_key(scene, 3).label, ce.move_key(scene, 2, 5).label] == [
        "Add camera key",
        "Move camera key",
    ]
    assert _apply_and_undo(scene, ce.move_key(scene, 2, 5)) == [
        CameraKey(5, dolly=0.05, ease=E.LINEAR),
        CameraKey(8, dolly=0.2, ease=E.LINEAR),
    ]
    with pytest.raises(InputError, match="^frame 8 already has a camera key$"):
        ce.move_key(scene, 5, 8)
    assert _apply_and_undo(scene, ce.delete_key(scene, 5)) == [
        CameraKey(8, dolly=0.2, ease=E.LINEAR)
    ]
    with pytest.raises(InputError, match="^there is no camera key at frame 5$"):
        ce.delete_key(scene, 5)
    assert _apply_and_undo(scene, ce.clear(scene)) == []
    with pytest.raises(InputError, match="^the camera does not move: there is nothing to clear$"):
        ce.clear(scene)


def test_presets_over_the_in_out_range_in_artist_units() -> None:
    scene = _scene([CameraKey(1, pan=2.0, ease=E.LINEAR), CameraKey(5, pan=9.0)])
    cmd = ce.preset(scene, "push_in", 0, 8)
    assert cmd.label == "Camera Push In (30.0 %)"
    # 30 % of the way to the subject at 0.25: dolly 0.075; keys inside the range replaced
    assert _apply_and_undo(scene, cmd) == [
        CameraKey(0, ease=E.EASE_IN_OUT),
        CameraKey(8, pan=9.0, dolly=0.075, ease=E.SMOOTH),
    ]
    scene.camera = [CameraKey(2, dolly=0.1, ease=E.LINEAR), CameraKey(8, dolly=0.1)]
    assert _apply_and_undo(scene, ce.preset(scene, "pan_left", 2, 6)) == [
        CameraKey(2, dolly=0.1, ease=E.EASE_IN_OUT),
        CameraKey(6, pan=-10.0, dolly=0.1, ease=E.LINEAR),
        CameraKey(8, dolly=0.1),
    ]
    scene.camera = []
    got = _apply_and_undo(scene, ce.preset(scene, "truck_right", 0, 8))
    assert got[1].truck == ce.CameraUnits.of_scene(scene).to_stored("truck", 6.4)
    assert ce.preset(scene, "pull_out", 0, 8).keys[1].dolly == -0.075
    with pytest.raises(
        InputError, match="^Pan Right needs an in/out range of at least two frames$"
    ):
        ce.preset(scene, "pan_right", 4, 4)


def test_the_camera_selection_lives_in_the_view_state() -> None:
    scene = _scene([CameraKey(4, pan=1.0)])
    vs = ViewState(scene)
    seen: list[tuple[bool, object]] = []
    vs.camera_selection_changed.connect(lambda on, frame: seen.append((on, frame)))
    vs.select(7)
    vs.select_camera(4)
    assert (vs.camera_selected, vs.selected_camera_key, vs.selected_uid) == (True, 4, None)
    vs.select_camera(None)  # the row, no key
    assert (vs.camera_selected, vs.selected_camera_key) == (True, None)
    vs.select_camera(4)
    scene.camera = []  # the key went away (undo): no key selected any more
    assert vs.selected_camera_key is None
    vs.select(7)  # an object takes the selection from the camera
    assert (vs.camera_selected, vs.selected_camera_key) == (False, None)
    assert seen == [(True, 4), (True, None), (True, 4), (False, None)]


def test_shortening_the_clip_past_a_camera_key_is_refused() -> None:
    """It was accepted, and the saved project then failed to load (camera[0].frame: 8 is
    outside the clip): the same rule as object keys."""
    from levitor_studio.model.commands import SetSceneTiming

    scene = _scene([CameraKey(8, dolly=0.1)])
    with pytest.raises(InputError) as err:
        SetSceneTiming(frames=4).apply(scene)
    assert str(err.value) == "a camera key sits at frame 8; move it before shortening"
    assert scene.frames == 9
    SetSceneTiming(frames=9).apply(scene)  # the key's own frame still fits
