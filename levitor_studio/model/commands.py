"""Edits as commands: each ``apply(scene)`` changes the scene and returns its inverse.

The UI wraps these in ``QUndoCommand``; the command line, scripts and tests apply them
directly. A command validates before it changes anything, so a refused edit leaves the scene
untouched and raises :class:`~levitor_studio.model.errors.InputError` with a readable reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import InputError
from .keyframes import Easing, Keyframe
from .scene import Color, GenerationSettings, Scene, SceneObject


class Command:
    """Base class: a small edit. ``label`` names it in the undo history."""

    label = "Edit"

    def apply(self, scene: Scene) -> Command:
        raise NotImplementedError


def _check_key(scene: Scene, key: Keyframe) -> None:
    if not 0 <= key.frame < scene.frames:
        raise InputError(f"frame {key.frame} is outside the clip (0…{scene.frames - 1})")
    if not 0.0 < key.z <= 1.0:
        raise InputError(f"depth {key.z:g} must be in (0, 1]")
    if not (np.isfinite(key.x) and np.isfinite(key.y)):
        raise InputError("keyframe position must be a finite number")


def _check_mask(scene: Scene, mask: NDArray[np.bool_]) -> None:
    if mask.shape != (scene.height, scene.width):
        raise InputError(
            f"mask is {mask.shape[1]}×{mask.shape[0]}, the scene is {scene.width}×{scene.height}"
        )


@dataclass
class AddObject(Command):
    obj: SceneObject
    index: int | None = None
    label = "Add object"

    def apply(self, scene: Scene) -> Command:
        if any(o.uid == self.obj.uid for o in scene.objects):
            raise InputError(f"object id {self.obj.uid} is already used")
        _check_mask(scene, self.obj.mask)
        for k in self.obj.keyframes:
            _check_key(scene, k)
        index = len(scene.objects) if self.index is None else self.index
        scene.objects.insert(index, self.obj)
        scene.events.changed.emit("objects")
        return RemoveObject(self.obj.uid)


@dataclass
class RemoveObject(Command):
    uid: int
    label = "Delete object"

    def apply(self, scene: Scene) -> Command:
        index = scene.index_of(self.uid)
        obj = scene.objects.pop(index)
        scene.events.changed.emit("objects")
        return AddObject(obj, index)


@dataclass
class MoveObjectInOrder(Command):
    """Change an object's position in the list (its instance id follows the order)."""

    uid: int
    index: int
    label = "Reorder objects"

    def apply(self, scene: Scene) -> Command:
        old = scene.index_of(self.uid)
        if not 0 <= self.index < len(scene.objects):
            raise InputError(f"position {self.index} is outside the object list")
        obj = scene.objects.pop(old)
        scene.objects.insert(self.index, obj)
        scene.events.changed.emit("objects")
        return MoveObjectInOrder(self.uid, old)


@dataclass
class SetObjectProperties(Command):
    """Rename, recolour, show/hide, lock/unlock or set the points ratio of an object."""

    uid: int
    name: str | None = None
    color: Color | None = None
    visible: bool | None = None
    locked: bool | None = None
    points_ratio: float | None | str = "unchanged"
    label = "Object properties"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        if self.name is not None and not self.name.strip():
            raise InputError("an object needs a name")
        if self.color is not None and not all(0 <= c <= 255 for c in self.color):
            raise InputError("colour components must be 0…255")
        ratio = self.points_ratio
        if not isinstance(ratio, str) and ratio is not None and not 0 < ratio <= 10:
            raise InputError("points ratio must be in (0, 10]")
        inverse = SetObjectProperties(
            self.uid,
            obj.name if self.name is not None else None,
            obj.color if self.color is not None else None,
            obj.visible if self.visible is not None else None,
            obj.locked if self.locked is not None else None,
            obj.points_ratio if not isinstance(ratio, str) else "unchanged",
        )
        if self.name is not None:
            obj.name = self.name.strip()
        if self.color is not None:
            obj.color = (int(self.color[0]), int(self.color[1]), int(self.color[2]))
        if self.visible is not None:
            obj.visible = self.visible
        if self.locked is not None:
            obj.locked = self.locked
        if not isinstance(ratio, str):
            obj.points_ratio = ratio
        scene.events.changed.emit(f"object:{self.uid}")
        return inverse


@dataclass
class SetObjectMask(Command):
    uid: int
    mask: NDArray[np.bool_]
    label = "Edit mask"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        _check_mask(scene, self.mask)
        old = obj.mask
        obj.mask = self.mask.astype(bool, copy=True)
        scene.events.changed.emit(f"object:{self.uid}")
        return SetObjectMask(self.uid, old)


@dataclass
class SetKeyframe(Command):
    """Add a keyframe, or replace the one at ``key.frame`` (position, depth, easing)."""

    uid: int
    key: Keyframe
    label = "Set keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        _check_key(scene, self.key)
        old = obj.key_at(self.key.frame)
        obj.keyframes = sorted(
            [k for k in obj.keyframes if k.frame != self.key.frame] + [self.key],
            key=lambda k: k.frame,
        )
        scene.events.changed.emit(f"keys:{self.uid}")
        return SetKeyframe(self.uid, old) if old else DeleteKeyframe(self.uid, self.key.frame)


@dataclass
class DeleteKeyframe(Command):
    uid: int
    frame: int
    label = "Delete keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        old = obj.key_at(self.frame)
        if old is None:
            raise InputError(f"{obj.name} has no keyframe at frame {self.frame}")
        obj.keyframes = [k for k in obj.keyframes if k.frame != self.frame]
        scene.events.changed.emit(f"keys:{self.uid}")
        return SetKeyframe(self.uid, old)


@dataclass
class MoveKeyframe(Command):
    """Change a key's frame (retime) and/or values; refuses to land on another key."""

    uid: int
    frame: int
    new: Keyframe
    label = "Move keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        old = obj.key_at(self.frame)
        if old is None:
            raise InputError(f"{obj.name} has no keyframe at frame {self.frame}")
        _check_key(scene, self.new)
        if self.new.frame != self.frame and obj.key_at(self.new.frame) is not None:
            raise InputError(f"{obj.name} already has a keyframe at frame {self.new.frame}")
        obj.keyframes = sorted(
            [k for k in obj.keyframes if k.frame != self.frame] + [self.new],
            key=lambda k: k.frame,
        )
        scene.events.changed.emit(f"keys:{self.uid}")
        return MoveKeyframe(self.uid, self.new.frame, old)


@dataclass
class SetKeyframes(Command):
    """Replace all keys of an object at once (orbit tool, import)."""

    uid: int
    keys: Sequence[Keyframe]
    label = "Set keyframes"

    def apply(self, scene: Scene) -> Command:
        obj = scene.object(self.uid)
        for k in self.keys:
            _check_key(scene, k)
        frames = [k.frame for k in self.keys]
        if len(set(frames)) != len(frames):
            raise InputError("two keyframes on the same frame")
        old = list(obj.keyframes)
        obj.keyframes = sorted(self.keys, key=lambda k: k.frame)
        scene.events.changed.emit(f"keys:{self.uid}")
        return SetKeyframes(self.uid, old)


def set_depth(scene: Scene, uid: int, frame: int, z: float) -> SetKeyframe:
    """The command that changes the depth of an existing key."""
    key = scene.object(uid).key_at(frame)
    if key is None:
        raise InputError(f"no keyframe at frame {frame}")
    return SetKeyframe(uid, key.moved(z=z))


def set_easing(scene: Scene, uid: int, frame: int, ease: Easing) -> SetKeyframe:
    """The command that changes the easing of an existing key."""
    key = scene.object(uid).key_at(frame)
    if key is None:
        raise InputError(f"no keyframe at frame {frame}")
    return SetKeyframe(uid, key.moved(ease=ease))


@dataclass
class SetGenerationSettings(Command):
    changes: dict[str, Any]
    label = "Generation settings"

    def apply(self, scene: Scene) -> Command:
        names = {f.name for f in fields(GenerationSettings)}
        unknown = set(self.changes) - names
        if unknown:
            raise InputError(f"unknown setting {sorted(unknown)[0]!r}")
        new = replace(scene.settings, **self.changes)
        validate_settings(new)
        old = {k: getattr(scene.settings, k) for k in self.changes}
        scene.settings = new
        scene.events.changed.emit("settings")
        return SetGenerationSettings(old)


def validate_settings(s: GenerationSettings) -> None:
    """Raise :class:`InputError` for a value outside its documented range."""
    checks = [
        (s.steps >= 1, "steps must be at least 1"),
        (1 <= s.motion_bucket <= 255, "motion bucket must be 1…255"),
        (0.0 <= s.control_scale <= 10.0, "control scale must be 0…10"),
        (0.0 < s.points_ratio <= 10.0, "points ratio must be in (0, 10]"),
        (0.0 <= s.guidance_min <= s.guidance_max, "guidance needs 0 ≤ min ≤ max"),
        (0.0 <= s.noise_aug <= 1.0, "noise augmentation must be 0…1"),
        (s.control_mode in ("multi", "single"), "control mode must be 'multi' or 'single'"),
        (0 <= s.seed < 2**63, "seed must be a non-negative 63-bit integer"),
    ]
    for ok, message in checks:
        if not ok:
            raise InputError(message)


@dataclass
class SetSceneTiming(Command):
    """Clip length, playback fps and the 3D view's field of view."""

    frames: int | None = None
    fps: float | None = None
    fov: float | None = None
    label = "Scene settings"

    def apply(self, scene: Scene) -> Command:
        if self.frames is not None:
            if not 2 <= self.frames <= 1024:
                raise InputError("frames must be 2…1024")
            last = max((k.frame for o in scene.objects for k in o.keyframes), default=0)
            if last >= self.frames:
                raise InputError(f"a keyframe sits at frame {last}; move it before shortening")
        if self.fps is not None and not 0 < self.fps <= 240:
            raise InputError("fps must be in (0, 240]")
        if self.fov is not None and not 1 <= self.fov <= 170:
            raise InputError("field of view must be 1…170 degrees")
        inverse = SetSceneTiming(
            scene.frames if self.frames is not None else None,
            scene.fps if self.fps is not None else None,
            scene.fov if self.fov is not None else None,
        )
        if self.frames is not None:
            scene.frames = self.frames
        if self.fps is not None:
            scene.fps = self.fps
        if self.fov is not None:
            scene.fov = self.fov
        scene.events.changed.emit("timing")
        return inverse


@dataclass
class SetDepthMap(Command):
    depth: NDArray[np.float32] | None
    label = "Set depth"

    def apply(self, scene: Scene) -> Command:
        if self.depth is not None:
            if self.depth.shape != (scene.height, scene.width):
                raise InputError("depth map size differs from the scene")
            if not (np.all(self.depth > 0) and np.all(self.depth <= 1)):
                raise InputError("depth values must be in (0, 1]")
        old = scene.depth
        scene.depth = None if self.depth is None else self.depth.astype(np.float32, copy=True)
        scene.events.changed.emit("depth")
        return SetDepthMap(old)


@dataclass
class SetSegments(Command):
    labels: NDArray[np.int32] | None
    label = "Set static segments"

    def apply(self, scene: Scene) -> Command:
        if self.labels is not None and self.labels.shape != (scene.height, scene.width):
            raise InputError("segment map size differs from the scene")
        old = scene.segments
        scene.segments = None if self.labels is None else self.labels.astype(np.int32, copy=True)
        scene.events.changed.emit("segments")
        return SetSegments(old)


@dataclass
class Batch(Command):
    """Several commands as one undo step; all or nothing."""

    commands: Sequence[Command]
    label = "Edit"

    def apply(self, scene: Scene) -> Command:
        done: list[Command] = []
        try:
            for cmd in self.commands:
                done.append(cmd.apply(scene))
        except Exception:
            for inv in reversed(done):
                inv.apply(scene)
            raise
        batch = Batch(list(reversed(done)))
        batch.label = self.label
        return batch


def new_object(
    scene: Scene, mask: NDArray[np.bool_], name: str | None = None, keys: Sequence[Keyframe] = ()
) -> SceneObject:
    """A new object with the next free uid and palette colour (not yet added)."""
    uid = scene.next_uid()
    return SceneObject(
        uid=uid,
        name=name or f"object {uid}",
        color=scene.next_color(),
        mask=mask.astype(bool, copy=True),
        keyframes=sorted(keys, key=lambda k: k.frame),
    )
