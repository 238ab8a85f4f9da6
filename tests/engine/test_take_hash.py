"""Which edits change what a take was made from (control hash) and which do not."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scenes import make_scene

from levitor_studio.engine import build_signal
from levitor_studio.engine.take_hash import control_hash, shot_hash, signal_hash
from levitor_studio.model.commands import (
    MoveKeyframe,
    MoveObjectInOrder,
    SetDepthMap,
    SetGenerationSettings,
    SetObjectMask,
    SetObjectProperties,
)


def test_view_only_edits_and_generation_settings_keep_the_control_hash():
    scene = make_scene()
    before = control_hash(scene)
    assert before.startswith("sha256:") and len(before) == 7 + 64
    for command in (
        SetObjectProperties(1, name="renamed"),
        SetObjectProperties(2, color=(9, 9, 9)),
        SetObjectProperties(2, locked=True),
        SetGenerationSettings({"seed": 7, "steps": 30, "motion_bucket": 120}),
    ):
        command.apply(scene)
        assert control_hash(scene) == before, command


def test_signal_edits_change_the_control_hash_and_undo_restores_it():
    scene = make_scene()
    before = control_hash(scene)
    key = scene.objects[0].keyframes[-1]
    mask = scene.objects[1].mask.copy()
    mask[0, 0] = True
    depth = scene.depth_map().copy()
    depth[0, 0] = 0.5
    image_changed = make_scene()
    image_changed.image[0, 0, 0] ^= 1
    assert control_hash(image_changed) != before  # the first frame
    for command in (
        MoveKeyframe(1, key.frame, replace(key, x=key.x + 1)),
        SetObjectMask(2, mask),
        MoveObjectInOrder(2, 0),
        SetDepthMap(depth),
        SetGenerationSettings({"points_ratio": 0.5}),
        SetGenerationSettings({"use_depth": False}),
        SetObjectProperties(1, points_ratio=2.0),
    ):
        inverse = command.apply(scene)
        assert control_hash(scene) != before, command
        inverse.apply(scene)
        assert control_hash(scene) == before, command


def test_signal_hash_follows_the_built_signal():
    scene = make_scene()
    first = signal_hash(build_signal(scene))
    assert signal_hash(build_signal(make_scene())) == first
    key = scene.objects[0].keyframes[-1]
    MoveKeyframe(1, key.frame, replace(key, x=key.x + 3)).apply(scene)
    assert signal_hash(build_signal(scene)) != first


def test_shot_hash_covers_generator_options_and_every_setting():
    scene = make_scene()
    control = control_hash(scene)
    settings = scene.settings.to_json()
    base = shot_hash(control, "preview", {}, settings)
    assert shot_hash(control, "preview", {}, dict(settings)) == base
    assert shot_hash(control, "levitor-svd", {}, settings) != base
    assert shot_hash(control, "preview", {"overlay": "on"}, settings) != base
    assert shot_hash(control, "preview", {}, {**settings, "seed": 43}) != base
    assert shot_hash("sha256:" + "0" * 64, "preview", {}, settings) != base
    assert np.array_equal(scene.image, make_scene().image)  # hashing changed nothing
