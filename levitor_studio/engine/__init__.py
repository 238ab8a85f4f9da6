"""The engine: pure functions from an authored scene to label maps, control signal, preview, files.

The scripting surface (all windowless, the same code the app and the command line run):

* :func:`render_masks` — every frame's instance labels and pseudo-depth (reference §4);
  :func:`placements` — each object's anchor, depth and scale per frame;
* :func:`render_frame` / :func:`render_preview` — the CPU preview, one frame or the whole clip,
  optionally with the control points drawn (:func:`draw_points`);
* :func:`export_frames`, :func:`write_mp4`, :func:`write_gif`, :func:`write_png_sequence` —
  atomic video and image-sequence export;
* :class:`PinholeCamera` — the 3D view's camera.

The control-point, conditioning and signal modules are reached through this package too: any
public name of :data:`_LAZY_MODULES` resolves on first use (``levitor_studio.engine.kmeans_points``
imports :mod:`.control_points` only then), so this package imports even while a module is absent.
"""

from __future__ import annotations

import importlib
from typing import Any

from .camera import PinholeCamera
from .overlay import draw_points, id_colour
from .preview import PreviewRenderer, render_frame, render_preview
from .render import MaskRenderer, Placement, placements, render_masks
from .video_export import export_frames, write_gif, write_mp4, write_png_sequence

__all__ = [
    "MaskRenderer",
    "PinholeCamera",
    "Placement",
    "PreviewRenderer",
    "draw_points",
    "export_frames",
    "id_colour",
    "placements",
    "render_frame",
    "render_masks",
    "render_preview",
    "write_gif",
    "write_mp4",
    "write_png_sequence",
]

#: modules whose public names this package forwards lazily
_LAZY_MODULES = ("control_points", "conditioning", "signal", "signal_export")


def __getattr__(name: str) -> Any:
    if not name.startswith("_"):
        for module_name in _LAZY_MODULES:
            try:
                module = importlib.import_module(f"{__name__}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__name__}.{module_name}":
                    raise
                continue
            public = getattr(module, "__all__", None)
            if hasattr(module, name) and (public is None or name in public):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
