"""LeviTor Studio: animate a still image along authored 3D object trajectories."""

from ._version import __version__

__all__ = ["__version__"]
