"""The playhead and selection model, driven and observed without Qt."""

from __future__ import annotations

from scenes import make_scene

from levitor_studio.model.commands import RemoveObject, SetSceneTiming
from levitor_studio.model.view_state import ViewState


def _recorder(state):
    seen = []
    state.frame_changed.connect(lambda f: seen.append(("frame", f)))
    state.selection_changed.connect(lambda u: seen.append(("select", u)))
    state.key_selection_changed.connect(lambda k: seen.append(("key", k)))
    return seen


def test_the_playhead_is_clamped_into_the_scene_and_announced_once():
    state = ViewState(make_scene(frames=16))
    seen = _recorder(state)
    state.set_frame(5)
    state.set_frame(5)  # no change, no event
    state.set_frame(99)
    state.set_frame(-3)
    assert seen == [("frame", 5), ("frame", 15), ("frame", 0)]
    assert state.frame == 0


def test_a_shortened_scene_pulls_the_playhead_in():
    scene = make_scene(frames=16)
    state = ViewState(scene)
    state.set_frame(15)
    RemoveObject(1).apply(scene)  # its last key sits at frame 15
    SetSceneTiming(frames=8).apply(scene)
    state.set_frame(state.frame)  # what the editor does on every scene change
    assert state.frame == 7


def test_selecting_a_key_selects_its_object_and_deleting_it_clears_the_selection():
    scene = make_scene()
    state = ViewState(scene)
    seen = _recorder(state)
    state.select_key(2, 6)
    assert (state.selected_uid, state.selected_key) == (2, (2, 6))
    state.select_key(None)
    state.select(1)
    assert seen == [("select", 2), ("key", (2, 6)), ("key", None), ("select", 1)]
    RemoveObject(1).apply(scene)
    assert state.selected_uid is None  # a deleted object is never "selected"


def test_hiding_is_view_state_that_never_touches_the_scene():
    from levitor_studio.model.scene import snapshot

    scene = make_scene()
    before = snapshot(scene)
    state = ViewState(scene)
    shown = []
    state.visibility_changed.connect(lambda uid, on: shown.append((uid, on)))
    scene_events = []
    scene.events.changed.connect(scene_events.append)
    state.set_visible(2, False)
    state.set_visible(2, False)  # no change, no event
    assert (state.is_visible(1), state.is_visible(2)) == (True, False)
    assert shown == [(2, False)]
    assert scene_events == [] and snapshot(scene) == before  # not an edit: no undo, no save
    RemoveObject(2).apply(scene)
    state.set_visible(1, False)
    assert state._hidden == {1}  # a deleted object is forgotten
