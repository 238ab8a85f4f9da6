"""LeviTor Studio's diffusion generator: Stable Video Diffusion XT with LeviTor's ControlNet.

Registered as the video generator ``levitor-svd`` (entry point group
``levitor_studio.video_generators``). Importing this package is cheap; torch, diffusers and
transformers load only when a generation runs.
"""

from __future__ import annotations

from levitor_studio._version import __version__  # one VERSION file for the app and its plugins

__all__ = ["__version__"]
