"""Segment Anything (SAM v1) segmenter plugin for LeviTor Studio.

Registered as the ``sam`` backend in the ``levitor_studio.segmenters`` entry-point group; the
class lives in :mod:`levitor_sam.backend`. Importing this package loads neither torch nor SAM.
"""

from __future__ import annotations

from levitor_studio._version import __version__  # one VERSION file for the app and its plugins

__all__ = ["__version__"]
