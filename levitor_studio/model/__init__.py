"""Qt-free scene model: scene, keyframes, edit commands, project and tracks files."""

from .errors import BackendUnavailable, Cancelled, InputError, LevitorError, ValidationError
from .keyframes import Easing, Keyframe, interpolate
from .scene import GenerationSettings, Scene, SceneObject

__all__ = [
    "BackendUnavailable",
    "Cancelled",
    "Easing",
    "GenerationSettings",
    "InputError",
    "Keyframe",
    "LevitorError",
    "Scene",
    "SceneObject",
    "ValidationError",
    "interpolate",
]
