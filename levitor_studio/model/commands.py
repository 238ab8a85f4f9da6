"""Edits as commands: each ``apply(scene)`` changes the scene and returns its inverse.

The UI wraps these in ``QUndoCommand``; the command line, scripts and tests apply them
directly. A command validates before it changes anything, so a refused edit leaves the scene
untouched and raises :class:`~levitor_studio.model.errors.InputError` with a readable reason.
Ranges come from :mod:`~levitor_studio.model.limits`. A locked object's mask, keys and points
ratio cannot be edited and it cannot be deleted (:func:`locked_refusal`, one message for the UI,
scripts and the command line); its name, colour, visibility and the lock itself can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import limits
from .camera_track import CameraKey
from .errors import InputError
from .events import (
    CameraChanged,
    DepthChanged,
    KeysChanged,
    ObjectChanged,
    ObjectsChanged,
    SegmentsChanged,
    SettingsChanged,
    TimingChanged,
)
from .keyframes import Easing, Keyframe
from .scene import CONTROL_MODES, Color, GenerationSettings, Scene, SceneObject
from .validation import check, schema


class Command:
    """Base class: a small edit. ``label`` names it in the undo history."""

    label = "Edit"

    def apply(self, scene: Scene) -> Command:
        raise NotImplementedError


def _object(scene: Scene, uid: int) -> SceneObject:
    """The object, or :class:`InputError` (a stale id from a view must not be a traceback)."""
    try:
        return scene.object(uid)
    except KeyError:
        raise InputError(f"no object with id {uid}") from None


def locked_refusal(scene: Scene, uid: int) -> str | None:
    """Why object ``uid`` may not be edited (it is locked), else None: for views that must
    refuse a gesture before it starts, with the same words the commands use."""
    obj = next((o for o in scene.objects if o.uid == uid), None)
    if obj is None or not obj.locked:
        return None
    return f"{obj.name} is locked; unlock it to change it"


def _unlocked(scene: Scene, uid: int) -> SceneObject:
    """The object, or :class:`InputError` when it does not exist or is locked."""
    obj = _object(scene, uid)
    refusal = locked_refusal(scene, uid)
    if refusal is not None:
        raise InputError(refusal)
    return obj


def _check_key(scene: Scene, key: Keyframe) -> Keyframe:
    """The key with plain ``int`` / ``float`` / :class:`Easing` fields, or :class:`InputError`.

    Callers (UI, scripts) may pass numpy scalars or an easing name; storing them as given would
    break saving (numpy types do not serialise) or interpolation (``ease is Easing.SMOOTH``).
    """
    if isinstance(key.frame, bool) or not isinstance(key.frame, int | np.integer):
        raise InputError(f"keyframe frame {key.frame!r} must be a whole number")
    try:
        ease = Easing(key.ease)
    except (TypeError, ValueError):
        names = ", ".join(e.value for e in Easing)
        raise InputError(f"keyframe easing {key.ease!r} must be one of {names}") from None
    if not 0 <= key.frame < scene.frames:
        raise InputError(f"frame {key.frame} is outside the clip (0…{scene.frames - 1})")
    limits.check_key_xy(key.x, key.y, scene.width, scene.height)
    z = limits.DEPTH.check(key.z, "depth")
    angle = limits.ANGLE.check(key.angle, "keyframe angle")
    stretch = key.stretch
    if not isinstance(stretch, tuple | list | np.ndarray) or len(stretch) != 2:
        raise InputError(f"keyframe stretch {stretch!r} must be two numbers [sx, sy]")
    sx = limits.STRETCH.check(stretch[0], "keyframe stretch x")
    sy = limits.STRETCH.check(stretch[1], "keyframe stretch y")
    return Keyframe(int(key.frame), float(key.x), float(key.y), z, ease, angle, (sx, sy))


def _check_keys(scene: Scene, keys: Sequence[Keyframe]) -> list[Keyframe]:
    """Checked keys sorted by frame; refuses two on one frame."""
    checked = sorted((_check_key(scene, k) for k in keys), key=lambda k: k.frame)
    if len({k.frame for k in checked}) != len(checked):
        raise InputError("two keyframes on the same frame")
    return checked


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
        if self.obj.parent is not None and all(o.uid != self.obj.parent for o in scene.objects):
            raise InputError(
                f"object {self.obj.name!r} follows id {self.obj.parent}, which is gone"
            )
        keys = _check_keys(scene, self.obj.keyframes)
        # a uint8 / float mask would index arrays by value instead of selecting pixels
        if self.obj.mask.dtype != bool:
            self.obj.mask = self.obj.mask != 0
        self.obj.keyframes = keys
        index = len(scene.objects) if self.index is None else self.index
        scene.objects.insert(index, self.obj)
        scene.events.changed.emit(ObjectsChanged())
        return RemoveObject(self.obj.uid, even_locked=True)


@dataclass
class RemoveObject(Command):
    """Delete an object; refused while it is locked, except as the undo of its addition."""

    uid: int
    even_locked: bool = False
    label = "Delete object"

    def apply(self, scene: Scene) -> Command:
        obj = _object(scene, self.uid) if self.even_locked else _unlocked(scene, self.uid)
        index = scene.objects.index(obj)
        children = scene.children(obj.uid)
        for child in children:  # they stay where they are drawn at rest and stop following
            child.parent = None
        obj = scene.objects.pop(index)
        scene.events.changed.emit(ObjectsChanged())
        if not children:
            return AddObject(obj, index)
        undo = Batch([AddObject(obj, index), *(SetParent(c.uid, obj.uid) for c in children)])
        undo.label = "Add object"
        return undo


@dataclass
class SetParent(Command):
    """Make an object follow another one (``parent``), or nothing (None); cycles are refused."""

    uid: int
    parent: int | None
    label = "Set parent"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        if self.parent is not None:
            parent = _object(scene, self.parent)
            if parent.uid == obj.uid:
                raise InputError(f"object {obj.name!r} cannot follow itself")
            chain = [parent, *scene.ancestors(parent)]
            if any(o.uid == obj.uid for o in chain):
                raise InputError(
                    f"object {obj.name!r} cannot follow {parent.name!r}: "
                    f"{parent.name!r} already follows {obj.name!r}"
                )
        old = obj.parent
        obj.parent = self.parent
        scene.events.changed.emit(ObjectsChanged())
        return SetParent(self.uid, old)


@dataclass
class SetCameraKeys(Command):
    """Replace the camera track (one undo step); ranges from :mod:`.limits`."""

    keys: Sequence[CameraKey]
    label = "Camera keys"

    def apply(self, scene: Scene) -> Command:
        checked = []
        for key in sorted(self.keys, key=lambda k: k.frame):
            if isinstance(key.frame, bool) or not isinstance(key.frame, int | np.integer):
                raise InputError(f"camera key frame {key.frame!r} must be a whole number")
            if not 0 <= key.frame < scene.frames:
                raise InputError(f"camera key frame {key.frame} is outside the clip")
            values = {
                name: limit.check(getattr(key, name), f"camera {name}")
                for name, limit in limits.CAMERA_KEY.items()
            }
            try:
                ease = Easing(key.ease)
            except (TypeError, ValueError):
                raise InputError(f"camera key easing {key.ease!r} is unknown") from None
            if key.frame == 0 and any(values.values()):
                raise InputError(
                    "the camera at frame 0 is the photograph's: a frame-0 camera key must be zero"
                )
            checked.append(CameraKey(int(key.frame), ease=ease, **values))
        if len({k.frame for k in checked}) != len(checked):
            raise InputError("two camera keys on the same frame")
        old = list(scene.camera)
        scene.camera = checked
        scene.events.changed.emit(CameraChanged())
        return SetCameraKeys(old)


@dataclass
class MoveObjectInOrder(Command):
    """Change an object's position in the list (its instance id follows the order)."""

    uid: int
    index: int
    label = "Reorder objects"

    def apply(self, scene: Scene) -> Command:
        old = scene.objects.index(_object(scene, self.uid))
        if not 0 <= self.index < len(scene.objects):
            raise InputError(f"position {self.index} is outside the object list")
        obj = scene.objects.pop(old)
        scene.objects.insert(self.index, obj)
        scene.events.changed.emit(ObjectsChanged())
        return MoveObjectInOrder(self.uid, old)


@dataclass
class SetObjectProperties(Command):
    """Rename, recolour, lock/unlock or set the points ratio of an object (hiding is view
    state: :meth:`~levitor_studio.model.view_state.ViewState.set_visible`)."""

    uid: int
    name: str | None = None
    color: Color | None = None
    locked: bool | None = None
    points_ratio: float | None | str = "unchanged"
    label = "Object properties"

    def apply(self, scene: Scene) -> Command:
        obj = _object(scene, self.uid)
        if self.name is not None and not self.name.strip():
            raise InputError("an object needs a name")
        if self.color is not None and (
            len(self.color) != 3 or not all(limits.COLOR_COMPONENT.contains(c) for c in self.color)
        ):
            raise InputError("a colour is three whole numbers 0…255")
        ratio = self.points_ratio
        if ratio != "unchanged":
            if self.locked is not False:  # unlocking in the same edit allows it
                _unlocked(scene, self.uid)
            if ratio is not None:
                ratio = limits.POINTS_RATIO.check(ratio, "points ratio")
        inverse = SetObjectProperties(
            self.uid,
            obj.name if self.name is not None else None,
            obj.color if self.color is not None else None,
            obj.locked if self.locked is not None else None,
            obj.points_ratio if not isinstance(ratio, str) else "unchanged",
        )
        if self.name is not None:
            obj.name = self.name.strip()
        if self.color is not None:
            obj.color = (int(self.color[0]), int(self.color[1]), int(self.color[2]))
        if self.locked is not None:
            obj.locked = self.locked
        if not isinstance(ratio, str):
            obj.points_ratio = ratio
        scene.events.changed.emit(ObjectChanged(self.uid))
        return inverse


@dataclass
class SetObjectMask(Command):
    uid: int
    mask: NDArray[np.bool_]
    label = "Edit mask"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        _check_mask(scene, self.mask)
        old = obj.mask
        obj.mask = self.mask.astype(bool, copy=True)
        scene.events.changed.emit(ObjectChanged(self.uid))
        return SetObjectMask(self.uid, old)


@dataclass
class SetKeyframe(Command):
    """Add a keyframe, or replace the one at ``key.frame`` (position, depth, easing)."""

    uid: int
    key: Keyframe
    label = "Set keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        key = _check_key(scene, self.key)
        old = obj.key_at(key.frame)
        obj.keyframes = sorted(
            [k for k in obj.keyframes if k.frame != key.frame] + [key],
            key=lambda k: k.frame,
        )
        scene.events.changed.emit(KeysChanged(self.uid))
        return SetKeyframe(self.uid, old) if old else DeleteKeyframe(self.uid, key.frame)


@dataclass
class DeleteKeyframe(Command):
    uid: int
    frame: int
    label = "Delete keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        old = obj.key_at(self.frame)
        if old is None:
            raise InputError(f"{obj.name} has no keyframe at frame {self.frame}")
        obj.keyframes = [k for k in obj.keyframes if k.frame != self.frame]
        scene.events.changed.emit(KeysChanged(self.uid))
        return SetKeyframe(self.uid, old)


@dataclass
class MoveKeyframe(Command):
    """Change a key's frame (retime) and/or values; refuses to land on another key."""

    uid: int
    frame: int
    new: Keyframe
    label = "Move keyframe"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        old = obj.key_at(self.frame)
        if old is None:
            raise InputError(f"{obj.name} has no keyframe at frame {self.frame}")
        new = _check_key(scene, self.new)
        if new.frame != self.frame and obj.key_at(new.frame) is not None:
            raise InputError(f"{obj.name} already has a keyframe at frame {new.frame}")
        obj.keyframes = sorted(
            [k for k in obj.keyframes if k.frame != self.frame] + [new],
            key=lambda k: k.frame,
        )
        scene.events.changed.emit(KeysChanged(self.uid))
        return MoveKeyframe(self.uid, new.frame, old)


@dataclass
class SetKeyframes(Command):
    """Replace all keys of an object at once (orbit tool, import)."""

    uid: int
    keys: Sequence[Keyframe]
    label = "Set keyframes"

    def apply(self, scene: Scene) -> Command:
        obj = _unlocked(scene, self.uid)
        keys = _check_keys(scene, self.keys)
        old = list(obj.keyframes)
        obj.keyframes = keys
        scene.events.changed.emit(KeysChanged(self.uid))
        return SetKeyframes(self.uid, old)


def set_depth(scene: Scene, uid: int, frame: int, z: float) -> SetKeyframe:
    """The command that changes the depth of an existing key."""
    key = _object(scene, uid).key_at(frame)
    if key is None:
        raise InputError(f"no keyframe at frame {frame}")
    return SetKeyframe(uid, key.moved(z=z))


def set_easing(scene: Scene, uid: int, frame: int, ease: Easing) -> SetKeyframe:
    """The command that changes the easing of an existing key."""
    key = _object(scene, uid).key_at(frame)
    if key is None:
        raise InputError(f"no keyframe at frame {frame}")
    return SetKeyframe(uid, key.moved(ease=ease))


def set_turn(
    scene: Scene,
    uid: int,
    frame: int,
    angle: float | None = None,
    stretch: tuple[float, float] | None = None,
) -> SetKeyframe:
    """The command that changes the rotation and/or stretch of an existing key (one undo)."""
    key = _object(scene, uid).key_at(frame)
    if key is None:
        raise InputError(f"no keyframe at frame {frame}")
    changes: dict[str, object] = {}
    if angle is not None:
        changes["angle"] = angle
    if stretch is not None:
        changes["stretch"] = stretch
    return SetKeyframe(uid, key.moved(**changes))


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
        scene.events.changed.emit(SettingsChanged())
        return SetGenerationSettings(old)


def validate_settings(s: GenerationSettings) -> None:
    """Raise :class:`InputError` for a value outside its range (:data:`limits.SETTINGS`)."""
    for name, limit in limits.SETTINGS.items():
        limit.check(getattr(s, name), name.replace("_", " "))
    if not s.guidance_min <= s.guidance_max:
        raise InputError("guidance needs min ≤ max")
    if s.control_mode not in CONTROL_MODES:
        raise InputError(f"control mode must be one of {', '.join(CONTROL_MODES)}")
    # then whatever else the project schema demands (types of the rest), so that every
    # accepted setting can be saved and loaded again
    check(s.to_json(), schema("project-v1.schema.json")["properties"]["settings"])


@dataclass
class SetSceneTiming(Command):
    """Clip length, playback fps and the 3D view's field of view."""

    frames: int | None = None
    fps: float | None = None
    fov: float | None = None
    label = "Scene settings"

    def apply(self, scene: Scene) -> Command:
        if self.frames is not None:
            limits.FRAMES.check(self.frames, "frames")
            last = max((k.frame for o in scene.objects for k in o.keyframes), default=0)
            if last >= self.frames:
                raise InputError(f"a keyframe sits at frame {last}; move it before shortening")
            last_camera = max((k.frame for k in scene.camera), default=0)
            if last_camera >= self.frames:
                raise InputError(
                    f"a camera key sits at frame {last_camera}; move it before shortening"
                )
        if self.fps is not None:
            limits.FPS.check(self.fps, "fps")
        if self.fov is not None:
            limits.FOV.check(self.fov, "field of view")
        inverse = SetSceneTiming(
            scene.frames if self.frames is not None else None,
            scene.fps if self.fps is not None else None,
            scene.fov if self.fov is not None else None,
        )
        if self.frames is not None:
            scene.frames = int(self.frames)
        if self.fps is not None:
            scene.fps = float(self.fps)
        if self.fov is not None:
            scene.fov = float(self.fov)
        scene.events.changed.emit(TimingChanged())
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
        scene.events.changed.emit(DepthChanged())
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
        scene.events.changed.emit(SegmentsChanged())
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
