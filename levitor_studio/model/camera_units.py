"""What a person reads and types for a camera key: the artist units of ``scene-model.md`` § Camera.

Stored camera translations stay pseudo-depth units, but on real photographs the objects sit at
``z ≈ 0.005 … 0.05``, so a useful dolly is a stored ``0.001``: no one can type that. A person
works relative to the *subject* instead:

* the subject depth ``z_s`` (:func:`subject_depth`) is the nearest object's frame-0 (rest)
  depth; a scene without objects uses the median of the depth map's pixels nearer than the far
  plane (the median shrugs off a few outliers; far pixels ignore camera translations, so they
  say nothing about the scale of a move); a scene with nothing nearer than far uses 1.0;
* **dolly %** = ``100 · dolly / z_s``: "dolly 30 %" means the camera went 30 % of the way to the
  subject, which then looks ``1 / (1 − 0.3) ≈ 1.43×`` larger; negative pulls back;
* **truck / pedestal px** = ``f · shift / z_s`` with the focal length ``f`` of the scene's
  pinhole (``(H / 2) / tan(fov / 2)``): how many pixels a point at the subject's depth slides on
  screen (the opposite way: truck +40 px moves the camera right and the subject 40 px left;
  pedestal keeps the stored sign, positive = camera down, subject up);
* pan, tilt, roll are degrees, as stored.

The unit follows the scene: when the subject changes (an object added, a depth estimated), the
stored keys stay and their artist values are read afresh. Pure functions of numbers, so the
editor, the graph editor and scripts agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import limits
from .camera_track import CAMERA_COLUMNS, CameraKey
from .errors import InputError
from .keyframes import Easing

if TYPE_CHECKING:
    from .scene import Scene

#: the unit a person reads for each camera column
ARTIST_UNIT = {"pan": "°", "tilt": "°", "roll": "°", "dolly": "%", "truck": "px", "pedestal": "px"}
#: digits after the point in the editor's fields and read-outs
ARTIST_DECIMALS = {"pan": 1, "tilt": 1, "roll": 1, "dolly": 1, "truck": 1, "pedestal": 1}


def show(name: str, value: float, unit: bool = True) -> str:
    """An artist value as a person reads it: ``"10.0°"``, ``"30.0 %"``, ``"-40.0 px"``."""
    text = f"{value:.{ARTIST_DECIMALS[name]}f}"
    if not unit:
        return text
    return text + ARTIST_UNIT[name] if ARTIST_UNIT[name] == "°" else f"{text} {ARTIST_UNIT[name]}"


def focal_px(height: int, fov: float) -> float:
    """The pinhole's focal length in pixels, ``(H / 2) / tan(fov / 2)`` (``scene-model.md``)."""
    return (height / 2.0) / math.tan(math.radians(fov) / 2.0)


def subject_depth(scene: Scene) -> float:
    """``z_s``: the nearest object's rest depth, else the median depth nearer than far, else 1."""
    if scene.objects:
        return min(scene.rest_depth(o) for o in scene.objects)
    if scene.depth is not None:
        near = scene.depth[scene.depth < 1.0]
        if near.size:
            return float(np.median(near))
    return 1.0


def subject_description(scene: Scene) -> str:
    """What :func:`subject_depth` measured, in words: ``"'cup', the nearest object"``."""
    if scene.objects:
        nearest = min(scene.objects, key=scene.rest_depth)
        return f"{nearest.name!r}, the nearest object"
    if scene.depth is not None and bool((scene.depth < 1.0).any()):
        return "the median depth of the photograph (no objects)"
    return "the far plane (no objects, no depth nearer than far: only turns show)"


@dataclass(frozen=True)
class CameraUnits:
    """Conversions for one scene: subject depth ``z_s`` and focal length ``focal`` (pixels)."""

    subject: float
    focal: float

    @classmethod
    def of_scene(cls, scene: Scene) -> CameraUnits:
        return cls(subject_depth(scene), focal_px(scene.height, scene.fov))

    def to_artist(self, name: str, stored: float) -> float:
        """The artist value of a stored ``name`` (degrees, dolly %, truck / pedestal px)."""
        if name == "dolly":
            return 100.0 * stored / self.subject
        if name in ("truck", "pedestal"):
            return self.focal * stored / self.subject
        return float(stored)

    def to_stored(self, name: str, artist: float) -> float:
        """The stored (pseudo-depth) value of an artist value; inverse of :meth:`to_artist`."""
        if name == "dolly":
            return artist * self.subject / 100.0
        if name in ("truck", "pedestal"):
            return artist * self.subject / self.focal
        return float(artist)

    def artist_values(self, key: CameraKey) -> dict[str, float]:
        """A key's six columns in artist units, by name."""
        return {c: self.to_artist(c, getattr(key, c)) for c in CAMERA_COLUMNS}

    def artist_range(self, name: str) -> tuple[float, float]:
        """The model's range of ``name`` (:data:`limits.CAMERA_KEY`) in artist units."""
        lim = limits.CAMERA_KEY[name]
        return self.to_artist(name, lim.lo), self.to_artist(name, lim.hi)

    def check(self, name: str, artist: float) -> float:
        """The stored value of artist value ``artist``, or :class:`InputError` saying the range
        in the artist's unit (``"camera dolly 20000 % must be -4000…4000 %"``)."""
        if not (isinstance(artist, int | float) and math.isfinite(artist)):
            raise InputError(f"camera {name} must be a number")
        stored = self.to_stored(name, artist)
        if not limits.CAMERA_KEY[name].contains(stored):
            lo, hi = self.artist_range(name)
            inward = 10.0 ** ARTIST_DECIMALS[name]  # rounded inwards: the bounds shown are allowed
            shown_lo = math.ceil(lo * inward) / inward
            shown_hi = math.floor(hi * inward) / inward
            raise InputError(
                f"camera {name} {show(name, artist)} must be "
                f"{show(name, shown_lo, unit=False)}…{show(name, shown_hi)}"
            )
        return stored

    def key(self, frame: int, artist: dict[str, float], ease: Easing = Easing.SMOOTH) -> CameraKey:
        """A key from artist values (missing columns 0), each checked by :meth:`check`."""
        stored = {c: self.check(c, float(artist.get(c, 0.0))) for c in CAMERA_COLUMNS}
        return CameraKey(int(frame), ease=ease, **stored)

    def describe(self, key: CameraKey) -> str:
        """One line of a key's non-zero columns in artist units, ``"pan 10.0° · dolly 30.0 %"``
        (the photograph's camera for an all-zero key)."""
        values = self.artist_values(key).items()
        parts = [f"{name} {show(name, value)}" for name, value in values if value]
        return " · ".join(parts) if parts else "the photograph's camera (all zero)"
