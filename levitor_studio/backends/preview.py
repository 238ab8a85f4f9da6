"""The default video generator ``preview``: the engine's CPU cut-out animation, no weights.

It renders from the scene itself (``request.scene``), not from the conditioning tensor, so what
it shows is the authored motion, occlusion and depth scaling. With the ``overlay`` option (or
``request.extra["overlay"]``) it draws the control points the diffusion model would be given,
taken from ``request.signal`` (an object or mapping with ``points``: one
``[row, col, id, depth]`` list per frame) or ``request.extra["points"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..engine.preview import render_preview
from ..model.errors import InputError
from ..model.task_state import TaskState
from ..plugin_host.protocols import GENERATOR, Availability, GenerationRequest, OptionSpec

_TRUE = {"1", "true", "yes", "on"}


def _signal_points(request: GenerationRequest) -> Sequence[Any] | None:
    points = request.extra.get("points")
    if points is not None:
        return list(points)
    signal = request.signal
    if signal is None:
        return None
    found = signal.get("points") if isinstance(signal, Mapping) else getattr(signal, "points", None)
    return None if found is None else list(found)


class PreviewGenerator:
    """CPU preview of the authored motion (cut-out layers over an inpainted background)."""

    id: ClassVar[str] = "preview"
    kind: ClassVar[str] = GENERATOR
    label: ClassVar[str] = "CPU preview (cut-out animation, no weights)"
    options: ClassVar[tuple[OptionSpec, ...]] = (
        OptionSpec(
            "overlay",
            "draw the control points (colour = id, size = depth) on the frames",
            kind="flag",
            default="",
        ),
    )

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability:
        return Availability(True)

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        self.overlay = str((options or {}).get("overlay", "")).lower() in _TRUE

    def generate(
        self, request: GenerationRequest, task: TaskState | None = None
    ) -> NDArray[np.uint8]:
        """Frames ``(F, H, W, 3)`` uint8 rendered from ``request.scene``."""
        scene = request.scene
        if scene is None:
            raise InputError("the preview generator needs the scene (request.scene is empty)")
        overlay = self.overlay or str(request.extra.get("overlay", "")).lower() in _TRUE
        points = _signal_points(request) if overlay else None
        if overlay and points is None:
            raise InputError("overlay asked for, but no control points were computed")
        if points is not None and len(points) != scene.frames:
            raise InputError(f"{len(points)} point lists for a {scene.frames}-frame clip")
        if task is not None:
            task.set_progress(0.0, "rendering preview")
        return render_preview(scene, points, task)
