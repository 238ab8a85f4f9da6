"""What the graph editor plots: the channels of an object's keys and of the camera track.

A :class:`Channel` is one column of an interpolated path, in the unit a person reads: the
object's :meth:`~levitor_studio.model.scene.Scene.motion` (x, y, depth as ``z_t / z_0``, angle,
stretch x and y) or the scene's :meth:`~levitor_studio.model.scene.Scene.camera_path` (pan, tilt,
roll, dolly, truck, pedestal). A :class:`Track` is where the keys of a channel live (the selected
object or the camera): their path, the keys themselves, the one command a drag step or an
easing change makes, and why an edit is refused. The editor widget only draws and routes
gestures; everything here is Qt-free apart from the document it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model import camera_edits
from ..model.camera_track import CAMERA_COLUMNS, CameraKey
from ..model.camera_units import ARTIST_UNIT, CameraUnits
from ..model.commands import Command, MoveKeyframe, SetCameraKeys, locked_refusal, set_easing
from ..model.depth_units import depth_from_relative, relative_distance
from ..model.keyframes import MOTION_COLUMNS, Easing, Keyframe
from ..model.scene import SceneObject
from .document import Document

Key = Keyframe | CameraKey

CAMERA_HINT = "The camera stands still: Camera ▸ Add Camera Key, or a move from the Camera menu"
#: said when a drag starts on the camera's frame-0 key (scene-model.md § Camera)
FRAME_ZERO = camera_edits.FRAME_ZERO.split(":")[0] + ": its key there does not move"


def _same(value: float, _ref: Any) -> float:
    return value


@dataclass(frozen=True)
class Channel:
    """One plotted column: ``shown`` turns a stored value into the unit a person reads, with the
    track's reference (an object's rest depth, the scene's :class:`CameraUnits`); ``stored``
    turns it back."""

    name: str
    unit: str
    column: int  # in the track's path rows and key rows
    camera: bool
    span: float  # the least value range framing shows (a flat curve still gets a scale)
    shown: Callable[[float, Any], float] = _same
    stored: Callable[[float, Any], float] = _same

    def curve(self, path: NDArray[np.float64], ref: Any) -> NDArray[np.float64]:
        return np.array([self.shown(float(v), ref) for v in path[:, self.column]], np.float64)

    def read(self, key: Key, ref: Any) -> float:
        return self.shown(key_row(key)[self.column], ref)

    def write(self, key: Key, value: float, ref: Any) -> Key:
        """``key`` with this channel set to ``value`` (in the unit shown)."""
        stored = float(self.stored(value, ref))
        if isinstance(key, CameraKey):
            return replace(key, **{CAMERA_COLUMNS[self.column]: stored})
        name = MOTION_COLUMNS[self.column]
        if name in ("sx", "sy"):
            sx, sy = key.stretch
            return key.moved(stretch=(stored, sy) if name == "sx" else (sx, stored))
        return key.moved(**{name: stored})


def key_row(key: Key) -> list[float]:
    """A key's stored values in the order of its path's columns."""
    if isinstance(key, CameraKey):
        return key.values()
    return [key.x, key.y, key.z, key.angle, float(key.stretch[0]), float(key.stretch[1])]


OBJECT_CHANNELS = (
    Channel("x", "px", 0, False, 10.0),
    Channel("y", "px", 1, False, 10.0),
    Channel("depth", "× rest distance", 2, False, 0.2, relative_distance, depth_from_relative),
    Channel("angle", "°", 3, False, 10.0),
    Channel("stretch x", "×", 4, False, 0.2),
    Channel("stretch y", "×", 5, False, 0.2),
)


def _camera(name: str, span: float) -> Channel:
    """A camera column in the artist unit the camera fields show (:mod:`.camera_units`)."""
    return Channel(
        name,
        ARTIST_UNIT[name],
        CAMERA_COLUMNS.index(name),
        True,
        span,
        lambda v, units: units.to_artist(name, v),
        lambda v, units: units.to_stored(name, v),
    )


CAMERA_CHANNELS = tuple(
    _camera(name, span) for name, span in zip(CAMERA_COLUMNS, (5, 5, 5, 5, 10, 10), strict=True)
)
CHANNELS = OBJECT_CHANNELS + CAMERA_CHANNELS


class Track:
    """The keys a channel edits: the selected object's (:class:`ObjectTrack`) or the camera's."""

    #: the first frame a key may be dragged to (the camera's frame 0 is the photograph's)
    lowest = 0

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def path(self) -> NDArray[np.float64] | None: ...
    def keys(self) -> Sequence[Key]: ...
    def ref(self) -> Any: ...
    def owner(self) -> object: ...
    def hint(self) -> str: ...
    def selected(self) -> int | None: ...
    def select(self, frame: int) -> None: ...
    def refusal(self, key: Key) -> str | None: ...
    def move(self, frame: int, new: Any) -> Command: ...
    def ease(self, frame: int, ease: Easing) -> Command: ...

    def key_at(self, frame: int) -> Key | None:
        return next((k for k in self.keys() if k.frame == frame), None)

    def selected_key(self) -> Key | None:
        frame = self.selected()
        return None if frame is None else self.key_at(frame)

    def free(self, frame: int, key: Key) -> bool:
        """Whether ``key`` may be retimed onto ``frame`` (never onto another key)."""
        return self.key_at(frame) is None


class ObjectTrack(Track):
    def obj(self) -> SceneObject | None:
        uid = self.doc.selected_uid
        return next((o for o in self.doc.scene.objects if o.uid == uid), None)

    def path(self) -> NDArray[np.float64] | None:
        obj = self.obj()
        return None if obj is None else self.doc.scene.motion(obj)

    def keys(self) -> Sequence[Key]:
        obj = self.obj()
        return [] if obj is None else obj.keyframes

    def ref(self) -> float:
        obj = self.obj()
        return 1.0 if obj is None else self.doc.scene.rest_depth(obj)

    def owner(self) -> object:
        return self.doc.selected_uid

    def hint(self) -> str:
        """What the empty plot says ("" when there is a curve)."""
        return "" if self.obj() is not None else "Select an object to see its keys"

    def selected(self) -> int | None:
        obj, sel = self.obj(), self.doc.selected_key
        return None if obj is None or sel is None or sel[0] != obj.uid else sel[1]

    def select(self, frame: int) -> None:
        obj = self.obj()
        if obj is not None:
            self.doc.select_key(obj.uid, frame)

    def refusal(self, key: Key) -> str | None:
        obj = self.obj()
        return None if obj is None else locked_refusal(self.doc.scene, obj.uid)

    def move(self, frame: int, new: Any) -> Command:
        obj = self.obj()
        assert obj is not None
        return MoveKeyframe(obj.uid, frame, new)

    def ease(self, frame: int, ease: Easing) -> Command:
        obj = self.obj()
        assert obj is not None
        return set_easing(self.doc.scene, obj.uid, frame, ease)


class CameraTrack(Track):
    lowest = 1

    def selected(self) -> int | None:
        return self.doc.selected_camera_key if self.doc.camera_selected else None

    def select(self, frame: int) -> None:
        self.doc.select_camera(frame)

    def path(self) -> NDArray[np.float64] | None:
        return self.doc.scene.camera_path()

    def keys(self) -> Sequence[Key]:
        return sorted(self.doc.scene.camera, key=lambda k: k.frame)

    def ref(self) -> CameraUnits:
        return CameraUnits.of_scene(self.doc.scene)

    def owner(self) -> object:
        return "camera"

    def hint(self) -> str:
        return "" if self.doc.scene.camera else CAMERA_HINT

    def refusal(self, key: Key) -> str | None:
        return FRAME_ZERO if key.frame == 0 else None

    def move(self, frame: int, new: Any) -> Command:
        """The key at ``frame`` replaced by ``new`` (retimed and/or changed) in one command."""
        cmd = SetCameraKeys([*(k for k in self.doc.scene.camera if k.frame != frame), new])
        cmd.label = "Move camera key"
        return cmd

    def ease(self, frame: int, ease: Easing) -> Command:
        cmd = camera_edits.set_ease(self.doc.scene, frame, ease)
        cmd.label = "Camera key easing"
        return cmd
