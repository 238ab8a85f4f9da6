"""What a take was made from, as hashes: when is a generated clip stale, when may a batch skip.

:func:`control_hash` digests everything the control signal and the first frame are built from:
the image, the depth map and static segments, each object's mask, effective keys (rest pose
included) and points ratio in object order, and the signal settings (points ratio, control mode,
id and depth switches). It reads no name, colour, visibility or lock, so renaming or hiding an
object leaves a take fresh, while moving a key, editing a mask, reordering objects or a new depth
map makes it stale. It costs a few milliseconds (no rendering), so the editor recomputes it on
every edit. :func:`signal_hash` digests a built :class:`ControlSignal` (points and tensor), the
exact signal a generator was given. :func:`shot_hash` adds the generator, its options and every
generation setting (not where the weights live): two shots with the same shot hash make the
same video.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model.scene import Scene
from .signal import ControlSignal

__all__ = ["control_hash", "shot_hash", "signal_hash"]

#: options that say where weights live, not what is made: the same shot on another machine
#: (model folders given per cluster) has the same shot hash
WHERE_OPTIONS = frozenset({"svd", "controlnet", "model_dir", "checkpoint", "path", "device"})
#: settings that change the control signal itself (the others change only the generation)
SIGNAL_SETTINGS = ("points_ratio", "control_mode", "use_ids", "use_depth")


def _array(h: Any, a: NDArray[Any] | None) -> None:
    if a is None:
        h.update(b"none;")
        return
    a = np.ascontiguousarray(a)
    h.update(f"{a.dtype.str}{a.shape};".encode())
    h.update(a.tobytes())


def control_hash(scene: Scene) -> str:
    """``sha256:<hex>`` of the control signal's inputs and the first frame of ``scene``."""
    h = hashlib.sha256(b"levitor-control-v1;")
    _array(h, scene.image)
    h.update(f"frames={int(scene.frames)};".encode())
    _array(h, scene.depth)
    _array(h, scene.segments)
    settings = {name: getattr(scene.settings, name) for name in SIGNAL_SETTINGS}
    h.update(json.dumps(settings, sort_keys=True).encode())
    for obj in scene.objects:
        _array(h, obj.mask)
        keys = [k.to_json() for k in scene.effective_keys(obj)]
        h.update(json.dumps([keys, obj.points_ratio]).encode())
        if obj.parent is not None:  # absent before issue 17: older hashes stay the same
            h.update(f"parent={obj.parent};".encode())
    if scene.camera:
        h.update(json.dumps([k.to_json() for k in scene.camera]).encode())
    return "sha256:" + h.hexdigest()


def signal_hash(signal: ControlSignal) -> str:
    """``sha256:<hex>`` of a built signal: every frame's points, then the conditioning tensor."""
    h = hashlib.sha256(b"levitor-signal-v1;")
    for points in signal.points:
        _array(h, np.asarray(points, dtype=np.int64))
    _array(h, signal.tensor)
    return "sha256:" + h.hexdigest()


def shot_hash(
    control: str, generator: str, options: Mapping[str, str], settings: Mapping[str, Any]
) -> str:
    """``sha256:<hex>`` of one shot's every input: control hash, generator, options, settings."""
    doc = {
        "control": control,
        "generator": generator,
        "options": {str(k): str(v) for k, v in options.items() if k not in WHERE_OPTIONS},
        "settings": dict(settings),
    }
    return "sha256:" + hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
