"""Depth Anything V2 depth estimator plugin for LeviTor Studio.

Registered as ``depth-anything-v2`` in the ``levitor_studio.depth_estimators`` entry-point
group; the class lives in :mod:`levitor_depth_anything.backend`. Importing this package loads
neither torch nor transformers.
"""

from __future__ import annotations

from levitor_studio._version import __version__  # one VERSION file for the app and its plugins

__all__ = ["__version__"]
