"""Depth Anything V2 depth estimator plugin for LeviTor Studio.

Registered as ``depth-anything-v2`` in the ``levitor_studio.depth_estimators`` entry-point
group; the class lives in :mod:`levitor_depth_anything.backend`. Importing this package loads
neither torch nor transformers.
"""

from __future__ import annotations

__version__ = "0.1.0"
