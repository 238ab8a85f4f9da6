"""The 3D viewport: the scene's depth as a point cloud, objects moving along their 3D paths,
keyframe handles to drag in 3D and the orbit tool (issue 5).

``Viewport3DWidget(document, parent=None)`` is the dockable widget. VTK loads only when it is
first used (importing this package stays light).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .widget import Viewport3DWidget

__all__ = ["Viewport3DWidget"]


def __getattr__(name: str) -> Any:
    if name == "Viewport3DWidget":
        from .widget import Viewport3DWidget

        return Viewport3DWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
