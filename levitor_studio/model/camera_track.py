"""The camera track (``scene-model.md`` § Camera): keys of pan, tilt, roll, dolly, truck, pedestal.

Angles are in degrees, translations in pseudo-depth units along the frame-0 camera's axes
(x right, y down, z forward). Keys interpolate with the same easings as object keys; with no
keys the camera stands still (frame 0's camera at every frame).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from .errors import ValidationError
from .keyframes import Easing, interpolate_rows

#: the interpolated columns, in order
CAMERA_COLUMNS = ("pan", "tilt", "roll", "dolly", "truck", "pedestal")


@dataclass(frozen=True)
class CameraKey:
    """One camera key: ``pan`` (looks right), ``tilt`` (looks up), ``roll`` (about the view
    axis), ``dolly`` (forward), ``truck`` (right), ``pedestal`` (down)."""

    frame: int
    pan: float = 0.0
    tilt: float = 0.0
    roll: float = 0.0
    dolly: float = 0.0
    truck: float = 0.0
    pedestal: float = 0.0
    ease: Easing = Easing.SMOOTH

    def values(self) -> list[float]:
        return [float(getattr(self, c)) for c in CAMERA_COLUMNS]

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"frame": int(self.frame)}
        out.update({c: float(getattr(self, c)) for c in CAMERA_COLUMNS})
        out["ease"] = Easing(self.ease).value
        return out

    @classmethod
    def from_json(cls, doc: dict[str, object]) -> CameraKey:
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in doc.items() if k in names and k != "ease"}
        return cls(**kw, ease=Easing(str(doc.get("ease", "smooth"))))  # type: ignore[arg-type]


def camera_keys_from_json(keys: list[dict[str, object]], frames: int) -> list[CameraKey]:
    """Schema-checked key documents as keys: frames inside the clip, one key per frame, a
    frame-0 key all zero; :class:`ValidationError` naming ``camera[j]`` otherwise."""
    out: list[CameraKey] = []
    for j, kd in enumerate(keys):
        key = CameraKey.from_json(kd)
        if key.frame >= frames or any(k.frame == key.frame for k in out):
            raise ValidationError(
                f"camera[{j}].frame", f"{key.frame} is outside the clip or used twice"
            )
        if key.frame == 0 and any(key.values()):
            raise ValidationError(f"camera[{j}]", "a frame-0 camera key must be zero")
        out.append(key)
    return sorted(out, key=lambda k: k.frame)


def interpolate_camera(keys: Sequence[CameraKey], frames: int) -> NDArray[np.float64]:
    """``(frames, 6)`` of :data:`CAMERA_COLUMNS` per frame; zeros when there are no keys."""
    if not keys:
        return np.zeros((frames, len(CAMERA_COLUMNS)), np.float64)
    ordered = sorted(keys, key=lambda k: k.frame)
    return interpolate_rows(ordered, frames, [k.values() for k in ordered])
