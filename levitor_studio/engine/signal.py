"""The control signal: everything the generator is told about a scene, assembled in one place.

A :class:`ControlSignal` holds the per-frame control points ``[row, col, id, depth_0_255]``, the
``(F, 3, H, W)`` conditioning tensor built from them, and the rendered label and pseudo-depth maps
they came from. :func:`signal_from_maps` assembles it from label/depth maps and the scene's
generation settings (points ratio, multi or single-point control, the id and depth switches);
:func:`build_signal` does the whole chain from an authored scene, rendering the masks first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.errors import InputError
from levitor_studio.model.scene import GenerationSettings, Scene

from ..model.task_state import TaskState
from .conditioning import DEFAULT_SIDE, build_conditioning
from .control_points import FramePoints, compute_control_points
from .placement import object_pose

__all__ = ["ControlSignal", "build_signal", "scene_anchors", "signal_from_maps"]


@dataclass(frozen=True, eq=False)
class ControlSignal:
    """Control points, conditioning tensor and the label/depth maps of one clip.

    Attributes
    ----------
    points
        One ``(n, 4)`` int64 array per frame: ``[row, col, instance_id, depth_0_255]``, in the
        order they are pasted into the tensor.
    tensor
        ``(F, 3, H, W)`` float32 conditioning tensor (raw 0..255 values, reference §6).
    labels
        ``(F, H, W)`` int32 rendered instance labels (0 = none).
    depth
        ``(F, H, W)`` float32 rendered pseudo-depth.
    """

    points: tuple[FramePoints, ...]
    tensor: NDArray[np.float32]
    labels: NDArray[np.int32]
    depth: NDArray[np.float32]

    def __post_init__(self) -> None:
        f, h, w = self.labels.shape
        if self.depth.shape != (f, h, w) or self.tensor.shape != (f, 3, h, w):
            raise InputError(
                f"inconsistent control signal: labels {self.labels.shape}, "
                f"depth {self.depth.shape}, tensor {self.tensor.shape}"
            )
        if len(self.points) != f:
            raise InputError(f"control signal has {len(self.points)} point frames for {f} frames")

    @property
    def frames(self) -> int:
        return int(self.labels.shape[0])

    @property
    def height(self) -> int:
        return int(self.labels.shape[1])

    @property
    def width(self) -> int:
        return int(self.labels.shape[2])

    def point_lists(self) -> list[list[list[int]]]:
        """The points as plain lists, one list of ``[row, col, id, depth]`` per frame."""
        return [np.asarray(p, dtype=np.int64).tolist() for p in self.points]


def signal_from_maps(
    labels: NDArray[np.integer],
    depth: NDArray[np.floating],
    num_objects: int,
    settings: GenerationSettings | None = None,
    *,
    label_ratios: Mapping[int, float] | None = None,
    anchors: NDArray[np.floating] | None = None,
    side: int = DEFAULT_SIDE,
) -> ControlSignal:
    """Assemble the control signal from rendered label and pseudo-depth maps.

    Parameters
    ----------
    labels, depth
        ``(F, H, W)`` label maps (objects ``1..num_objects``, then static segments) and
        pseudo-depth maps, as :func:`~levitor_studio.engine.render.render_masks` returns them.
    num_objects
        How many of the labels are user objects.
    settings
        ``points_ratio``, ``control_mode`` (``"multi"`` or ``"single"``), ``use_ids`` and
        ``use_depth`` are used; defaults when None.
    label_ratios
        Per-object points ratios overriding ``settings.points_ratio`` (label → ratio).
    anchors
        ``(F, N, 3)`` ``(x, y, z)`` per frame and object; required for single-point control.
    side
        Half-width of each pasted Gaussian patch (the demo's 10).

    Returns
    -------
    ControlSignal
    """
    settings = settings or GenerationSettings()
    labels = np.asarray(labels)
    depth = np.asarray(depth)
    points = compute_control_points(
        labels,
        depth,
        num_objects,
        ratio=settings.points_ratio,
        label_ratios=label_ratios,
        mode=settings.control_mode,
        anchors=anchors,
        use_ids=settings.use_ids,
        use_depth=settings.use_depth,
    )
    f, h, w = labels.shape
    tensor = build_conditioning(points, w, h, side)
    return ControlSignal(
        points=tuple(points),
        tensor=tensor,
        labels=labels.astype(np.int32, copy=False),
        depth=depth.astype(np.float32, copy=False),
    )


def scene_anchors(scene: Scene) -> NDArray[np.float64]:
    """``(F, N, 3)``: every object's interpolated ``(x, y, z)`` per frame, in object order."""
    if not scene.objects:
        return np.zeros((scene.frames, 0, 3), dtype=np.float64)
    out = np.empty((scene.frames, len(scene.objects), 3), dtype=np.float64)
    for i, obj in enumerate(scene.objects):
        if obj.parent is None:
            out[:, i] = scene.trajectory(obj)
            continue
        for t in range(scene.frames):
            at = object_pose(scene, obj, t)
            out[t, i] = (*at.anchor, at.depth)
    return out


def build_signal(scene: Scene, task: TaskState | None = None) -> ControlSignal:
    """The control signal of an authored scene: masks rendered, points, tensor.

    Parameters
    ----------
    scene
        The scene; its :class:`GenerationSettings` and each object's ``points_ratio`` apply.
    task
        Optional :class:`~levitor_studio.model.task_state.TaskState` for progress and cancel.

    Raises
    ------
    InputError
        For a scene that cannot be rendered (empty mask, depth out of range, ...) or settings
        out of range.
    """
    from .render import render_masks

    if task is not None:
        task.check()
        task.set_progress(0.0, "rendering object masks")
    labels, depth = render_masks(scene)
    if task is not None:
        task.check()
        task.set_progress(0.5, "computing control points")
    ratios = {
        i + 1: obj.points_ratio
        for i, obj in enumerate(scene.objects)
        if obj.points_ratio is not None
    }
    anchors = scene_anchors(scene) if scene.settings.control_mode == "single" else None
    signal = signal_from_maps(
        labels,
        depth,
        len(scene.objects),
        scene.settings,
        label_ratios=ratios,
        anchors=anchors,
    )
    if task is not None:
        task.set_progress(1.0, "control signal ready")
    return signal
