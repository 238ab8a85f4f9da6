"""The scene: everything a user authors, Qt-free (``scene-model.md``).

A :class:`Scene` holds the working-size image, clip timing, the frame-0 pseudo-depth map, the
objects with their masks and keyframes, the static segments and the generation settings. Views
observe it through :attr:`Scene.events` (psygnal, no Qt); edits go through
:mod:`levitor_studio.model.commands` so that every change can be undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from psygnal import Signal

from .camera_track import CameraKey, interpolate_camera
from .keyframes import Easing, Keyframe, interpolate, interpolate_motion

Color = tuple[int, int, int]

#: colours given to new objects in turn (colour-blind-friendly, Okabe–Ito)
PALETTE: tuple[Color, ...] = (
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (0, 114, 178),
    (213, 94, 0),
    (204, 121, 167),
    (120, 120, 120),
)

CONTROL_MODES = ("multi", "single")

#: an object's rest depth while the scene has no depth map (the map then reads 1.0, far, so a
#: rest depth of 1.0 would hide every moved object under the strict occlusion rule)
REST_DEPTH_WITHOUT_MAP = 0.5


@dataclass(frozen=True)
class GenerationSettings:
    """What the video generator is asked for (defaults: reference §7)."""

    generator: str = "preview"
    seed: int = 42
    steps: int = 25
    motion_bucket: int = 100
    control_scale: float = 1.0
    points_ratio: float = 1.0
    guidance_min: float = 1.0
    guidance_max: float = 3.0
    noise_aug: float = 0.02
    fps_id: int = 6
    control_mode: str = "multi"
    use_ids: bool = True
    use_depth: bool = True

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SceneObject:
    """A selected object: a frame-0 mask, a stable ``uid`` and its keyframes."""

    uid: int
    name: str
    color: Color
    mask: NDArray[np.bool_]
    keyframes: list[Keyframe] = field(default_factory=list)
    locked: bool = False
    points_ratio: float | None = None
    #: uid of the object this one follows (its keys are then in the parent's frame-0 space)
    parent: int | None = None

    def key_at(self, frame: int) -> Keyframe | None:
        return next((k for k in self.keyframes if k.frame == frame), None)

    def centroid(self) -> tuple[float, float]:
        """Mask centroid ``(x, y)``; the image centre for an empty mask."""
        ys, xs = np.nonzero(self.mask)
        if xs.size == 0:
            h, w = self.mask.shape
            return (w / 2.0, h / 2.0)
        return (float(xs.mean()), float(ys.mean()))

    def area(self) -> int:
        return int(np.count_nonzero(self.mask))

    def copy(self) -> SceneObject:
        return replace(self, mask=self.mask.copy(), keyframes=list(self.keyframes))


class SceneEvents:
    """Signals a scene emits after a change; the argument is a typed
    :class:`~levitor_studio.model.events.SceneChange` saying what changed."""

    changed = Signal(object)  # a SceneChange: ObjectsChanged(), KeysChanged(uid), ...


@dataclass
class Scene:
    """An authored scene at its working size ``width × height`` (multiples of 8)."""

    image: NDArray[np.uint8]
    frames: int = 16
    fps: float = 8.0
    fov: float = 50.0
    depth: NDArray[np.float32] | None = None
    objects: list[SceneObject] = field(default_factory=list)
    segments: NDArray[np.int32] | None = None
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    source_name: str = ""
    fit: str = "crop"
    #: the camera track (``scene-model.md`` § Camera); empty = the camera stands still
    camera: list[CameraKey] = field(default_factory=list)
    events: SceneEvents = field(default_factory=SceneEvents, repr=False, compare=False)

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    # -- objects -------------------------------------------------------------------------

    def object(self, uid: int) -> SceneObject:
        for obj in self.objects:
            if obj.uid == uid:
                return obj
        raise KeyError(f"no object with id {uid}")

    def index_of(self, uid: int) -> int:
        return self.objects.index(self.object(uid))

    def next_uid(self) -> int:
        return max((o.uid for o in self.objects), default=0) + 1

    def next_color(self) -> Color:
        return PALETTE[len(self.objects) % len(PALETTE)]

    def objects_mask(self) -> NDArray[np.bool_]:
        """Pixels any object claims on frame 0 (what static segments must leave out)."""
        taken = np.zeros((self.height, self.width), dtype=bool)
        for obj in self.objects:
            taken |= obj.mask
        return taken

    def ancestors(self, obj: SceneObject) -> list[SceneObject]:
        """The parent, its parent and so on (nearest first); ValueError on a cycle."""
        out: list[SceneObject] = []
        seen = {obj.uid}
        uid = obj.parent
        while uid is not None:
            if uid in seen:
                raise ValueError(f"object {obj.name!r}: its parents form a cycle")
            seen.add(uid)
            parent = self.object(uid)
            out.append(parent)
            uid = parent.parent
        return out

    def children(self, uid: int) -> list[SceneObject]:
        """The objects that name ``uid`` as their parent."""
        return [o for o in self.objects if o.parent == uid]

    def instance_ids(self) -> dict[int, int]:
        """Signal instance id per object uid: 1..N in object order (reference §2)."""
        return {obj.uid: i + 1 for i, obj in enumerate(self.objects)}

    # -- depth and motion ----------------------------------------------------------------

    def depth_map(self) -> NDArray[np.float32]:
        """The frame-0 pseudo-depth map; uniform far (1.0) until one is estimated or loaded."""
        if self.depth is None:
            return np.ones((self.height, self.width), dtype=np.float32)
        return self.depth

    def rest_depth(self, obj: SceneObject) -> float:
        """``z0``: the frame-0 key's z if any, else the median scene depth inside the mask.

        Without a depth map the scene is uniformly far (1.0); objects then rest at
        :data:`REST_DEPTH_WITHOUT_MAP`, in front of it, so they stay visible when they move.
        """
        k0 = obj.key_at(0)
        if k0 is not None:
            return k0.z
        if self.depth is None:
            return REST_DEPTH_WITHOUT_MAP
        inside = self.depth[obj.mask]
        return float(np.median(inside)) if inside.size else REST_DEPTH_WITHOUT_MAP

    def effective_keys(self, obj: SceneObject) -> list[Keyframe]:
        """The object's keys with its rest pose added at frame 0 when no key sits there.

        Frame 0 must show the source image unchanged, so an object whose first key is later
        starts from its mask centroid at ``z0`` and moves to that key.
        """
        keys = sorted(obj.keyframes, key=lambda k: k.frame)
        if keys and keys[0].frame == 0:
            return keys
        cx, cy = obj.centroid()
        rest = Keyframe(0, cx, cy, self.rest_depth(obj), keys[0].ease if keys else Easing.SMOOTH)
        return [rest, *keys]

    def trajectory(self, obj: SceneObject) -> NDArray[np.float64]:
        """``(frames, 3)`` interpolated ``(x, y, z)``; frame 0 is the anchor at rest."""
        return interpolate(self.effective_keys(obj), self.frames)

    def motion(self, obj: SceneObject) -> NDArray[np.float64]:
        """``(frames, 6)`` interpolated ``(x, y, z, angle, sx, sy)``; what placement reads."""
        return interpolate_motion(self.effective_keys(obj), self.frames)

    def camera_path(self) -> NDArray[np.float64]:
        """``(frames, 6)`` interpolated pan, tilt, roll, dolly, truck, pedestal.

        Frame 0 is the photograph's camera: without a key there, the track starts from zeros.
        """
        keys = sorted(self.camera, key=lambda k: k.frame)
        if keys and keys[0].frame != 0:
            keys.insert(0, CameraKey(0, ease=keys[0].ease))
        return interpolate_camera(keys, self.frames)

    def is_moving(self, obj: SceneObject) -> bool:
        path = self.motion(obj)
        return bool(np.any(path != path[0]))

    # -- comparison ----------------------------------------------------------------------

    def same_as(self, other: Scene) -> bool:
        """Deep equality, arrays compared exactly (used by undo tests and round trips)."""
        return snapshot(self) == snapshot(other)


def _array_key(a: NDArray[Any] | None) -> object:
    return None if a is None else (a.dtype.str, a.shape, a.tobytes())


def snapshot(scene: Scene) -> tuple[object, ...]:
    """A hashable, exactly comparable summary of everything a scene holds."""
    objs = tuple(
        (
            o.uid,
            o.name,
            tuple(o.color),
            _array_key(o.mask),
            tuple(o.keyframes),
            o.locked,
            o.points_ratio,
            o.parent,
        )
        for o in scene.objects
    )
    return (
        _array_key(scene.image),
        scene.frames,
        scene.fps,
        scene.fov,
        _array_key(scene.depth),
        objs,
        _array_key(scene.segments),
        scene.settings,
        scene.source_name,
        scene.fit,
        tuple(scene.camera),
    )
