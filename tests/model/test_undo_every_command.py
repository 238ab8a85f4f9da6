"""Undo property test over the command types the main random test never draws.

``test_scene_and_commands`` draws single edits; this one draws :class:`Batch` (all or
nothing, including one that fails half-way), clip-length changes, clearing the depth and
segment maps, locking, adding objects that carry keys, the depth / easing / turn helpers and
parenting (removing a parent releases its children; undo relinks them).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, snapshot


def _basic_command(scene: Scene, data: st.DataObject) -> c.Command:
    """A single key / object / settings edit, enough to give batches something to undo."""
    uids = [o.uid for o in scene.objects]
    if not uids or data.draw(st.integers(0, 5)) == 0:
        mask = np.zeros((scene.height, scene.width), bool)
        mask[data.draw(st.integers(0, 40)) :][:5, :5] = True
        return c.AddObject(c.new_object(scene, mask))
    uid = data.draw(st.sampled_from(uids))
    kind = data.draw(st.sampled_from(["key", "remove", "name", "mask", "seed", "parent", "turn"]))
    if kind == "remove":
        return c.RemoveObject(uid)
    if kind == "parent":  # may draw a cycle or the object itself: refused, nothing changes
        return c.SetParent(uid, data.draw(st.sampled_from([None, *uids])))
    if kind == "turn" and scene.object(uid).keyframes:
        frame = data.draw(st.sampled_from([k.frame for k in scene.object(uid).keyframes]))
        return c.set_turn(scene, uid, frame, data.draw(st.floats(-400, 400)), (1.5, 0.5))
    if kind == "name":
        return c.SetObjectProperties(uid, name=data.draw(st.text("xyz", min_size=1, max_size=3)))
    if kind == "mask":
        return c.SetObjectMask(uid, np.roll(scene.object(uid).mask, 3, axis=0))
    if kind == "seed":
        return c.SetGenerationSettings({"seed": data.draw(st.integers(0, 9))})
    frame = data.draw(st.integers(0, scene.frames - 1))
    return c.SetKeyframe(uid, Keyframe(frame, 5.0, 6.0, data.draw(st.floats(0.01, 1.0))))


def _other_command(scene: Scene, data: st.DataObject) -> c.Command:
    kind = data.draw(
        st.sampled_from(["batch", "frames", "clear", "lock", "add-keyed", "helpers", "single"])
    )
    uids = [o.uid for o in scene.objects]
    if kind == "batch":
        parts = [_basic_command(scene, data) for _ in range(data.draw(st.integers(1, 4)))]
        if data.draw(st.booleans()):  # a batch whose last edit is refused rolls back the rest
            parts.append(c.SetSceneTiming(fps=-1.0))
        return c.Batch(parts)
    if kind == "frames":
        return c.SetSceneTiming(frames=data.draw(st.integers(2, 24)))
    if kind == "clear":
        return c.SetDepthMap(None) if data.draw(st.booleans()) else c.SetSegments(None)
    if kind == "lock" and uids:
        return c.SetObjectProperties(
            data.draw(st.sampled_from(uids)), locked=data.draw(st.booleans())
        )
    if kind == "add-keyed":
        mask = np.zeros((scene.height, scene.width), bool)
        mask[data.draw(st.integers(0, 40)) :][:6, :6] = True
        frame = data.draw(st.integers(0, scene.frames - 1))
        keys = [Keyframe(frame, 3.0, 4.0, data.draw(st.floats(0.01, 1.0)), Easing.EASE_OUT)]
        return c.AddObject(c.new_object(scene, mask, keys=keys))
    if kind == "helpers" and uids:
        obj = scene.object(data.draw(st.sampled_from(uids)))
        if obj.keyframes:
            frame = data.draw(st.sampled_from([k.frame for k in obj.keyframes]))
            if data.draw(st.booleans()):
                return c.set_depth(scene, obj.uid, frame, data.draw(st.floats(0.01, 1.0)))
            return c.set_easing(scene, obj.uid, frame, data.draw(st.sampled_from(list(Easing))))
    return _basic_command(scene, data)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_command_type_then_undoing_all_restores_the_scene(data: st.DataObject) -> None:
    scene = make_scene()
    original = snapshot(scene)
    inverses = []
    for _ in range(data.draw(st.integers(1, 40))):
        before = snapshot(scene)
        try:
            inverses.append(_other_command(scene, data).apply(scene))
        except InputError:
            assert snapshot(scene) == before  # a refused edit (or batch) changes nothing
    for inverse in reversed(inverses):
        inverse.apply(scene)
    assert snapshot(scene) == original
