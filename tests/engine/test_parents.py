"""Parenting (issue 17 item 3): a child's motion is its parent's transform composed with its own.

``scene-model.md`` § Parents: the child's keys are authored in the parent's frame-0 space; at
frame ``t`` its anchor, turn and scale follow the parent's anchor-relative similarity, and its
depth is ``z_child,t · z_parent,t / z_parent,0``. Expected values are computed by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from levitor_studio.engine.placement import object_pose
from levitor_studio.engine.render import render_masks
from levitor_studio.engine.signal import scene_anchors
from levitor_studio.model.commands import RemoveObject, SetParent
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject, snapshot

W, H = 128, 96


def _box(x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    m = np.zeros((H, W), bool)
    m[y0:y1, x0:x1] = True
    return m


def _scene(horse_keys: list[Keyframe], rider_keys: list[Keyframe]) -> Scene:
    horse = SceneObject(1, "horse", (255, 0, 0), _box(20, 50, 60, 70), horse_keys)
    rider = SceneObject(2, "rider", (0, 0, 255), _box(35, 30, 45, 50), rider_keys, parent=1)
    return Scene(image=np.zeros((H, W, 3), np.uint8), frames=9, objects=[horse, rider])


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_a_parents_translation_moves_the_child_by_the_same_amount_plus_its_own() -> None:
    horse = [Keyframe(0, 40, 60, 0.5, Easing.LINEAR), Keyframe(8, 72, 60, 0.5, Easing.LINEAR)]
    rider = [Keyframe(0, 40, 40, 0.5, Easing.LINEAR), Keyframe(8, 40, 32, 0.5, Easing.LINEAR)]
    scene = _scene(horse, rider)
    labels, depth = render_masks(scene)
    # frame 4: horse +16 px right; rider +16 right (from the horse) and -4 up (its own keys)
    assert _bbox(labels[4] == 1) == (36, 50, 76, 70)
    assert _bbox(labels[4] == 2) == (51, 26, 61, 46)
    assert _bbox(labels[8] == 2) == (67, 22, 77, 42)
    assert object_pose(scene, scene.object(2), 8).anchor == (72.0, 32.0)
    assert np.all(depth[8][labels[8] == 2] == np.float32(0.5))
    assert scene_anchors(scene)[8, 1].tolist() == [72.0, 32.0, 0.5]


def test_the_child_follows_its_parents_turn_and_depth() -> None:
    # the horse turns 90° about (40, 60) and goes twice as far (0.5 → 1.0: half the size)
    horse = [Keyframe(0, 40, 60, 0.5), Keyframe(8, 40, 60, 1.0, angle=90.0)]
    rider = [Keyframe(0, 40, 40, 0.25), Keyframe(8, 40, 40, 0.25)]
    scene = _scene(horse, rider)
    at = object_pose(scene, scene.object(2), 8)
    # the rider's anchor, 20 px above the horse's, turns to 20·0.5 = 10 px left of it
    assert at.anchor == pytest.approx((30.0, 60.0), abs=1e-12)
    assert at.depth == 0.5  # 0.25 · 1.0 / 0.5
    assert at.scale == 0.5
    x, y = at.apply(44.0, 40.0)  # 4 px right of the rider's anchor → 2 px up
    assert (float(x), float(y)) == pytest.approx((30.0, 58.0), abs=1e-12)


def test_parenting_is_one_undoable_command_and_cycles_are_refused() -> None:
    scene = _scene([Keyframe(0, 40, 60, 0.5)], [])
    scene.object(2).parent = None
    before = snapshot(scene)
    undo = SetParent(2, 1).apply(scene)
    assert scene.object(2).parent == 1
    with pytest.raises(
        InputError, match="^object 'horse' cannot follow 'rider': 'rider' already follows 'horse'$"
    ):
        SetParent(1, 2).apply(scene)
    with pytest.raises(InputError, match="^object 'rider' cannot follow itself$"):
        SetParent(2, 2).apply(scene)
    assert scene.object(1).parent is None
    undo.apply(scene)
    assert snapshot(scene) == before


def test_removing_a_parent_releases_the_child_and_undo_relinks_it() -> None:
    scene = _scene([Keyframe(0, 40, 60, 0.5)], [])
    before = snapshot(scene)
    undo = RemoveObject(1).apply(scene)
    assert [o.name for o in scene.objects] == ["rider"] and scene.object(2).parent is None
    undo.apply(scene)
    assert snapshot(scene) == before
