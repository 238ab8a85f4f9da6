"""A locked object is protected by the model commands, with one message for every caller.

Scripts and the command line apply commands directly, so the rule must live there, not in the
views: the mask, the keys and the points ratio of a locked object cannot change and the object
cannot be deleted; its name, colour, visibility and the lock itself can.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, snapshot

MESSAGE = "a is locked; unlock it to change it"


def _locked() -> Scene:
    scene = make_scene()
    c.SetObjectProperties(1, locked=True).apply(scene)
    return scene


REFUSED = {
    "remove": lambda s: c.RemoveObject(1),
    "mask": lambda s: c.SetObjectMask(1, np.roll(s.object(1).mask, 2, axis=1)),
    "set key": lambda s: c.SetKeyframe(1, Keyframe(5, 20.0, 20.0, 0.5)),
    "delete key": lambda s: c.DeleteKeyframe(1, 15),
    "move key": lambda s: c.MoveKeyframe(1, 15, Keyframe(14, 40.0, 20.0, 0.25)),
    "set keys": lambda s: c.SetKeyframes(1, []),
    "depth helper": lambda s: c.set_depth(s, 1, 15, 0.3),
    "easing helper": lambda s: c.set_easing(s, 1, 0, Easing.LINEAR),
    "points ratio": lambda s: c.SetObjectProperties(1, points_ratio=2.0),
    "batch": lambda s: c.Batch([c.SetObjectProperties(2, name="z"), c.DeleteKeyframe(1, 0)]),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_edits_of_a_locked_object_are_refused_with_one_message(kind: str) -> None:
    scene = _locked()
    before = snapshot(scene)
    with pytest.raises(InputError) as info:
        REFUSED[kind](scene).apply(scene)
    assert str(info.value) == MESSAGE
    assert snapshot(scene) == before


def test_the_view_helper_gives_the_same_words() -> None:
    scene = _locked()
    assert c.locked_refusal(scene, 1) == MESSAGE
    assert c.locked_refusal(scene, 2) is None
    assert c.locked_refusal(scene, 99) is None


def test_name_colour_and_the_lock_stay_editable() -> None:
    scene = _locked()
    c.SetObjectProperties(1, name="cup", color=(1, 2, 3)).apply(scene)
    obj = scene.object(1)
    assert (obj.name, obj.color, obj.locked) == ("cup", (1, 2, 3), True)
    c.SetObjectProperties(1, locked=False).apply(scene)
    c.DeleteKeyframe(1, 15).apply(scene)
    assert [k.frame for k in scene.object(1).keyframes] == [0]


def test_unlocking_and_changing_the_ratio_in_one_edit_undoes() -> None:
    scene = make_scene()
    before = snapshot(scene)
    inverse = c.SetObjectProperties(1, locked=True, points_ratio=2.0).apply(scene)
    assert (scene.object(1).locked, scene.object(1).points_ratio) == (True, 2.0)
    inverse.apply(scene)
    assert snapshot(scene) == before


def test_adding_a_locked_object_undoes() -> None:
    scene = make_scene()
    before = snapshot(scene)
    obj = c.new_object(scene, scene.objects[0].mask)
    obj.locked = True
    inverse = c.AddObject(obj).apply(scene)
    redo = inverse.apply(scene)
    assert snapshot(scene) == before
    redo.apply(scene)
    assert scene.objects[-1].locked


def test_other_objects_stay_editable() -> None:
    scene = _locked()
    c.SetKeyframe(2, Keyframe(4, 30.0, 30.0, 0.5)).apply(scene)
    assert scene.object(2).key_at(4) == Keyframe(4, 30.0, 30.0, 0.5)
