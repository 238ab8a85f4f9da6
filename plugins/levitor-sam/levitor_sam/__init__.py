"""Segment Anything (SAM v1) segmenter plugin for LeviTor Studio.

Registered as the ``sam`` backend in the ``levitor_studio.segmenters`` entry-point group; the
class lives in :mod:`levitor_sam.backend`. Importing this package loads neither torch nor SAM.
"""

from __future__ import annotations

__version__ = "0.1.0"
