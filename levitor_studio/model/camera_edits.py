"""Camera track edits as a person makes them, each one :class:`SetCameraKeys` (one undo step).

The editor's camera row, camera panel and Camera menu build their commands here, Qt-free: set
one value at the playhead (creating the key there from the interpolated camera), insert, delete,
retime and clear keys, and the one-click presets (Push In, Pull Out, Pan, Truck) over the in/out
range. Every refusal is an :class:`InputError` with one line a person can act on; the frame-0
rule (the camera at frame 0 is the photograph's, so a frame-0 key is all zero) is said in the
person's words before the command would refuse it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .camera_track import CAMERA_COLUMNS, CameraKey
from .camera_units import CameraUnits, show
from .commands import SetCameraKeys
from .errors import InputError
from .keyframes import Easing

if TYPE_CHECKING:
    from .scene import Scene

FRAME_ZERO = (
    "frame 0 shows the photograph as taken, so its camera stays at zero: "
    "move the playhead to a later frame to key the camera"
)

#: one-click moves: name → (menu text, column, artist amount; ``None`` = a tenth of the width)
PRESETS: dict[str, tuple[str, str, float | None]] = {
    "push_in": ("Push In", "dolly", 30.0),
    "pull_out": ("Pull Out", "dolly", -30.0),
    "pan_left": ("Pan Left", "pan", -10.0),
    "pan_right": ("Pan Right", "pan", 10.0),
    "truck_left": ("Truck Left", "truck", None),
    "truck_right": ("Truck Right", "truck", None),
}


def key_at(scene: Scene, frame: int) -> CameraKey | None:
    return next((k for k in scene.camera if k.frame == frame), None)


def interpolated_key(scene: Scene, frame: int) -> CameraKey:
    """The camera at ``frame`` as a key: the key there, or the interpolated values with the
    easing of the segment it splits (before the first key, the first key's, as
    :meth:`Scene.camera_path` eases from frame 0; smooth without keys)."""
    existing = key_at(scene, frame)
    if existing is not None:
        return existing
    keys = sorted(scene.camera, key=lambda k: k.frame)
    before = [k for k in keys if k.frame < frame]
    ease = before[-1].ease if before else keys[0].ease if keys else Easing.SMOOTH
    row = scene.camera_path()[frame]
    values = {c: float(v) for c, v in zip(CAMERA_COLUMNS, row, strict=True)}
    return CameraKey(int(frame), ease=Easing(ease), **values)


def _set(key: CameraKey, name: str, value: float) -> CameraKey:
    """``key`` with column ``name`` set to ``value``."""
    values: dict[str, Any] = {c: getattr(key, c) for c in CAMERA_COLUMNS}
    values[name] = float(value)
    return CameraKey(key.frame, ease=key.ease, **values)


def _with(scene: Scene, label: str, *keys: CameraKey, drop: tuple[int, ...] = ()) -> SetCameraKeys:
    """The track with ``keys`` put in (replacing keys on their frames) and frames ``drop`` out,
    as a command named ``label`` (what the undo history shows)."""
    gone = {k.frame for k in keys} | set(drop)
    cmd = SetCameraKeys([*(k for k in scene.camera if k.frame not in gone), *keys])
    cmd.label = label
    return cmd


def set_value(scene: Scene, frame: int, name: str, stored: float) -> SetCameraKeys:
    """Column ``name`` of the key at ``frame`` set to ``stored``; the key is made there from the
    interpolated camera when there is none."""
    if frame == 0 and stored != 0:
        raise InputError(FRAME_ZERO)
    return _with(scene, f"Camera {name}", _set(interpolated_key(scene, frame), name, stored))


def set_ease(scene: Scene, frame: int, ease: Easing) -> SetCameraKeys:
    """The easing of the segment leaving the key at ``frame`` (made there if missing)."""
    key = replace(interpolated_key(scene, frame), ease=Easing(ease))
    return _with(scene, "Camera easing", key)


def insert_key(scene: Scene, frame: int) -> SetCameraKeys:
    """A key at ``frame`` holding the camera as it is there (the move does not change)."""
    if key_at(scene, frame) is not None:
        raise InputError(f"frame {frame} already has a camera key")
    return _with(scene, "Add camera key", interpolated_key(scene, frame))


def delete_key(scene: Scene, frame: int) -> SetCameraKeys:
    if key_at(scene, frame) is None:
        raise InputError(f"there is no camera key at frame {frame}")
    return _with(scene, "Delete camera key", drop=(frame,))


def move_key(scene: Scene, frame: int, to: int) -> SetCameraKeys:
    """The key at ``frame`` retimed to ``to`` (a free frame; frame 0 only for an all-zero key)."""
    key = key_at(scene, frame)
    if key is None:
        raise InputError(f"there is no camera key at frame {frame}")
    if to != frame and key_at(scene, to) is not None:
        raise InputError(f"frame {to} already has a camera key")
    if to == 0 and any(key.values()):
        raise InputError(FRAME_ZERO.replace("key the camera", "place this key"))
    return _with(scene, "Move camera key", replace(key, frame=int(to)), drop=(frame,))


def clear(scene: Scene) -> SetCameraKeys:
    if not scene.camera:
        raise InputError("the camera does not move: there is nothing to clear")
    cmd = SetCameraKeys([])
    cmd.label = "Clear camera move"
    return cmd


def preset(scene: Scene, name: str, first: int, last: int) -> SetCameraKeys:
    """Preset ``name`` of :data:`PRESETS` from frame ``first`` to ``last``: a key at ``first``
    holding the camera there (easing in and out) and one at ``last`` moved by the preset's
    amount in artist units; keys strictly inside the range are replaced, others kept."""
    text, column, amount = PRESETS[name]
    if last <= first:
        raise InputError(f"{text} needs an in/out range of at least two frames")
    units = CameraUnits.of_scene(scene)
    artist = amount if amount is not None else scene.width / 10.0 * (-1 if "left" in name else 1)
    start = replace(interpolated_key(scene, first), ease=Easing.EASE_IN_OUT)
    end_key = interpolated_key(scene, last)
    moved = units.to_artist(column, getattr(start, column)) + artist
    end = _set(end_key, column, units.check(column, moved))
    keep = [k for k in scene.camera if not first <= k.frame <= last]
    cmd = SetCameraKeys([*keep, start, replace(end, frame=last)])
    cmd.label = f"Camera {text} ({show(column, artist)})"
    return cmd
