"""The engine: pure functions from an authored scene to label maps, control signal, preview, files.

The scripting surface (all windowless, the same code the app and the command line run):

* :func:`render_masks` — every frame's instance labels and pseudo-depth (reference §4);
  :func:`placements` — each object's anchor, depth and scale per frame;
* :func:`render_frame` / :func:`render_preview` — the CPU preview, one frame or the whole clip,
  optionally with the control points drawn (:func:`draw_points`);
* :func:`export_frames`, :func:`write_mp4`, :func:`write_gif`, :func:`write_png_sequence` —
  atomic video and image-sequence export;
* :class:`PinholeCamera` — the 3D view's camera;
* :func:`build_signal` — the control signal (points, conditioning tensor, label/depth maps),
  with :func:`compute_control_points` and :func:`build_conditioning` underneath and
  :func:`write_signal_npz` / :func:`write_keypoints_json` to export it.
"""

from __future__ import annotations

from .camera import PinholeCamera
from .conditioning import build_conditioning
from .control_points import compute_control_points, kmeans_points
from .overlay import draw_points, id_colour
from .preview import PreviewRenderer, render_frame, render_preview
from .render import MaskRenderer, Placement, placements, render_masks
from .signal import ControlSignal, build_signal
from .signal_export import (
    read_keypoints_json,
    read_signal_npz,
    write_keypoints_json,
    write_signal_npz,
)
from .video_export import export_frames, write_gif, write_mp4, write_png_sequence

__all__ = [
    "ControlSignal",
    "MaskRenderer",
    "PinholeCamera",
    "Placement",
    "PreviewRenderer",
    "build_conditioning",
    "build_signal",
    "compute_control_points",
    "draw_points",
    "export_frames",
    "id_colour",
    "kmeans_points",
    "placements",
    "read_keypoints_json",
    "read_signal_npz",
    "render_frame",
    "render_masks",
    "render_preview",
    "write_gif",
    "write_keypoints_json",
    "write_mp4",
    "write_png_sequence",
    "write_signal_npz",
]
