"""Every command says what it changed with a typed event (no strings to parse), without Qt."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model.events import (
    DepthChanged,
    KeysChanged,
    ObjectChanged,
    ObjectsChanged,
    SegmentsChanged,
    SettingsChanged,
    TimingChanged,
)
from levitor_studio.model.keyframes import Keyframe


def _events(scene, command):
    seen = []
    scene.events.changed.connect(seen.append)
    command.apply(scene)
    return seen


def _cases():
    mask = np.zeros((48, 64), bool)
    mask[1:5, 1:5] = True
    return [
        (lambda s: c.AddObject(c.new_object(s, mask)), [ObjectsChanged()]),
        (lambda s: c.RemoveObject(2), [ObjectsChanged()]),
        (lambda s: c.MoveObjectInOrder(2, 0), [ObjectsChanged()]),
        (lambda s: c.SetObjectProperties(2, locked=True), [ObjectChanged(2)]),
        (lambda s: c.SetObjectMask(1, mask), [ObjectChanged(1)]),
        (lambda s: c.SetKeyframe(2, Keyframe(3, 1.0, 2.0, 0.5)), [KeysChanged(2)]),
        (lambda s: c.DeleteKeyframe(1, 15), [KeysChanged(1)]),
        (lambda s: c.MoveKeyframe(1, 15, Keyframe(14, 1.0, 2.0, 0.5)), [KeysChanged(1)]),
        (lambda s: c.SetKeyframes(2, [Keyframe(0, 1.0, 1.0, 0.4)]), [KeysChanged(2)]),
        (lambda s: c.SetGenerationSettings({"seed": 5}), [SettingsChanged()]),
        (lambda s: c.SetSceneTiming(fps=12.0), [TimingChanged()]),
        (lambda s: c.SetDepthMap(np.full((48, 64), 0.5, np.float32)), [DepthChanged()]),
        (lambda s: c.SetSegments(np.zeros((48, 64), np.int32)), [SegmentsChanged()]),
    ]


@pytest.mark.parametrize("make, expected", _cases())
def test_each_command_emits_its_typed_event(make, expected):
    scene = make_scene()
    assert _events(scene, make(scene)) == expected


def test_inverses_emit_the_same_kind_of_event():
    scene = make_scene()
    for make, expected in _cases():
        inverse = make(scene).apply(scene)
        assert _events(scene, inverse) == expected


def test_events_are_typed_values_not_strings():
    assert KeysChanged(3) == KeysChanged(3) and KeysChanged(3) != KeysChanged(4)
    assert KeysChanged(3) != ObjectChanged(3)
    match KeysChanged(7):
        case KeysChanged(uid=uid):
            assert uid == 7
    with pytest.raises(AttributeError):
        KeysChanged(1).uid = 2  # frozen: a view cannot alter what others receive
