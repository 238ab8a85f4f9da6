"""Depth ordering: "Bring in front of…" / "Send behind…" for objects and static segments.

These write rest depths (``scene-model.md`` § What a person reads):

* an object's rest depth ``z0`` becomes the other thing's depth ÷ or × :data:`STEP`. All its
  keys are scaled by the same factor, so its authored motion keeps its apparent size relative
  to the rest (a key at ×2 stays at ×2); an object without a frame-0 key gets one at its rest
  pose (centroid), which changes nothing but its depth;
* a static segment gets a rest-depth override: the frame-0 depth map under the segment is set
  to one value, so the segment becomes an occluder (or stops being one). Re-estimating the
  depth map replaces it.

Every function returns a model command (undoable, one step), or raises :class:`InputError`
with a sentence saying why the order cannot be made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .commands import Command, SetDepthMap, SetKeyframes
from .depth_units import Z_MAX, Z_MIN, channel_value
from .errors import InputError
from .scene import Scene, SceneObject

#: how much farther "behind" is (and nearer "in front of"): one clear step in the signal,
#: shortened where it would leave the depth range
STEP = 1.25
#: where the one-click fix puts an object resting in the no-depth band (z > 2/3): the
#: farthest the model still reads (channel 2)
FIX_DEPTH = 0.5


@dataclass(frozen=True)
class Thing:
    """An object (``kind="object"``, its uid) or a static segment (``"segment"``, its id)."""

    kind: str
    id: int

    def name(self, scene: Scene) -> str:
        if self.kind == "object":
            return _object(scene, self.id).name
        return f"segment {self.id}"


def _object(scene: Scene, uid: int) -> SceneObject:
    try:
        return scene.object(uid)
    except KeyError:
        raise InputError(f"no object with id {uid}") from None


def _segment_pixels(scene: Scene, segment: int) -> NDArray[np.bool_]:
    if scene.segments is None:
        raise InputError("this project has no static segments (File ▸ New Project makes them)")
    inside: NDArray[np.bool_] = np.asarray(scene.segments == segment)
    if segment <= 0 or not inside.any():
        raise InputError(f"no static segment {segment}")
    return inside


def depth_of(scene: Scene, thing: Thing) -> float:
    """An object's rest depth, or the median frame-0 depth of a segment."""
    if thing.kind == "object":
        return scene.rest_depth(_object(scene, thing.id))
    if thing.kind != "segment":
        raise InputError(f"cannot order a {thing.kind!r}: an object or a segment")
    return float(np.median(scene.depth_map()[_segment_pixels(scene, thing.id)]))


def segment_at(scene: Scene, x: float, y: float) -> int | None:
    """The static segment under working pixel ``(x, y)`` (None outside or unlabelled)."""
    ix, iy = int(np.floor(x)), int(np.floor(y))
    if scene.segments is None or not (0 <= ix < scene.width and 0 <= iy < scene.height):
        return None
    value = int(scene.segments[iy, ix])
    return value if value > 0 else None


def set_rest_depth(scene: Scene, uid: int, z0: float, label: str = "Set rest depth") -> Command:
    """The command giving object ``uid`` the rest depth ``z0``, its keys scaled alike."""
    obj = _object(scene, uid)
    old = scene.rest_depth(obj)
    factor = z0 / old
    keys = [k.moved(z=k.z * factor) for k in scene.effective_keys(obj)]
    farthest = max(k.z for k in keys)
    if farthest > Z_MAX or min(k.z for k in keys) < Z_MIN:
        raise InputError(
            f"{obj.name} would go past {'far' if farthest > Z_MAX else 'the camera'} "
            f"(its keys span ×{min(k.z for k in keys) / z0:.2f}…×{farthest / z0:.2f} of its rest)"
        )
    command = SetKeyframes(uid, keys)
    command.label = label
    return command


def set_segment_depth(scene: Scene, segment: int, z: float, label: str = "") -> Command:
    """The command overriding the frame-0 depth of a static segment with ``z``."""
    if not Z_MIN <= z <= Z_MAX:
        raise InputError(f"depth {z:g} must be in [{Z_MIN:.4f}, 1]")
    inside = _segment_pixels(scene, segment)
    depth = scene.depth_map().copy()
    depth[inside] = np.float32(z)
    command = SetDepthMap(depth)
    command.label = label or f"Set depth of segment {segment}"
    return command


def order(scene: Scene, what: Thing, other: Thing, behind: bool) -> Command:
    """``what`` sent behind ``other`` (``behind``) or brought in front of it."""
    if what == other:
        raise InputError("choose another object or segment to order against")
    ref = depth_of(scene, other)
    verb = "Send" if behind else "Bring"
    label = f"{verb} {what.name(scene)} {'behind' if behind else 'in front of'} {other.name(scene)}"
    if behind and ref >= Z_MAX:
        raise InputError(
            f"{other.name(scene)} is at 'far': nothing fits behind it; "
            f"bring {other.name(scene)} nearer instead"
        )
    if not behind and ref <= Z_MIN:
        raise InputError(f"{other.name(scene)} is as near as depth goes: send it back instead")
    # one step away, or as far as depth goes when the step would leave (0, 1]
    z = min(ref * STEP, Z_MAX) if behind else max(ref / STEP, Z_MIN)
    if what.kind == "object":
        return set_rest_depth(scene, what.id, z, label)
    return set_segment_depth(scene, what.id, z, label)


def no_depth_fix(scene: Scene, uid: int) -> Command | None:
    """For an object resting in the model's no-depth band, the command that brings it out.

    Its rest goes to :data:`FIX_DEPTH`, the farthest depth the model still reads (channel 2),
    keys scaled alike. None when the object is fine.
    """
    obj = _object(scene, uid)
    if channel_value(scene.rest_depth(obj)) != 0:
        return None
    return set_rest_depth(scene, uid, FIX_DEPTH, f"Bring {obj.name} out of the no-depth band")
