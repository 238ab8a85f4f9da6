""" "Stay on the ground": a depth change that keeps an object's floor contact on the floor.

On a ground plane seen by a level pinhole camera, a floor point's height below the horizon is
proportional to its disparity ``1 / z``. Pushing a key from depth ``z`` to ``z'`` therefore moves
the object's contact (the bottom of its mask, carried by the key's placement) to
``horizon + (bottom − horizon) · z / z'``; the anchor follows so that the contact lands there at
the new scale ``z0 / z'`` (``scene-model.md``: pixels are drawn at ``anchor + s · (p − anchor0)``).
Without it, a pushed-back object shrinks about its anchor and its feet sink into the floor.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError
from .keyframes import Keyframe
from .scene import Scene


def grounded_key(
    key: Keyframe, z: float, z0: float, anchor0_y: float, bottom0_y: float, horizon_y: float
) -> Keyframe:
    """``key`` moved to depth ``z`` with its contact kept on the ground plane."""
    reach = bottom0_y - anchor0_y  # anchor → contact, at rest
    bottom = key.y + (z0 / key.z) * reach
    new_bottom = horizon_y + (bottom - horizon_y) * key.z / z
    return key.moved(z=z, y=new_bottom - (z0 / z) * reach)


def grounded_depth_change(scene: Scene, uid: int, frame: int, z: float, horizon: float) -> Keyframe:
    """The key of object ``uid`` at ``frame`` moved to depth ``z``, staying on the ground.

    ``horizon`` is the horizon's height as a fraction of the image (the heuristic's line).
    """
    obj = scene.object(uid)
    key = obj.key_at(frame)
    if key is None:
        raise InputError(f"{obj.name} has no keyframe at frame {frame}")
    if frame == 0:  # the rest pose is drawn unchanged at any depth: nothing can sink
        return key.moved(z=z)
    rows = np.nonzero(obj.mask.any(axis=1))[0]
    if rows.size == 0:
        raise InputError(f"{obj.name} has an empty mask")
    rest = scene.effective_keys(obj)[0]
    return grounded_key(
        key, z, scene.rest_depth(obj), rest.y, float(rows[-1]), horizon * (scene.height - 1)
    )
