"""What a scene edit changed, as typed events (small frozen dataclasses).

Every command emits one of these on ``scene.events.changed`` after it applied; views pick the
ones they care about with ``isinstance`` (or ``match``) instead of parsing strings, and the
fields (``uid``) are typed. Qt-free: scripts and tests observe a scene the same way the editor
does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SceneChange:
    """Something in the scene changed (the base of every scene event)."""


@dataclass(frozen=True)
class ObjectsChanged(SceneChange):
    """Objects were added, removed or reordered (instance ids follow the order)."""


@dataclass(frozen=True)
class ObjectChanged(SceneChange):
    """One object's properties (name, colour, visibility, lock, points ratio) or mask."""

    uid: int


@dataclass(frozen=True)
class KeysChanged(SceneChange):
    """One object's keyframes."""

    uid: int


@dataclass(frozen=True)
class SettingsChanged(SceneChange):
    """The generation settings (seed, steps, generator…): the control signal may change."""


@dataclass(frozen=True)
class TimingChanged(SceneChange):
    """Frame count, fps or field of view."""


@dataclass(frozen=True)
class DepthChanged(SceneChange):
    """The depth map."""


@dataclass(frozen=True)
class SegmentsChanged(SceneChange):
    """The static segments."""


@dataclass(frozen=True)
class CameraChanged(SceneChange):
    """The camera track."""
