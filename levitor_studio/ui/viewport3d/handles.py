"""Keyframe handles of the 3D viewport: one sphere per key, a constant size on screen.

:class:`KeyHandles` draws every visible object's keys as glyphs of one ``vtkGlyph3DMapper``
(one actor however many keys), coloured by object with the selected key white, and resizes
them before each render so they stay :data:`HANDLE_PX` pixels across whatever the zoom. Picking
is done in display space (project each handle, take the nearest within a tolerance), which needs
no OpenGL picking pass and is what the tests check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkRenderingCore import vtkActor, vtkGlyph3DMapper, vtkRenderer

from ...model.scene import Scene
from . import actors as A
from . import geometry as G

#: handle radius on screen, in pixels
HANDLE_PX = 7.0
SELECTED_RGB = (255, 255, 255)


class KeyHandles:
    """The handles of every visible object's keyframes, in ``renderer``."""

    def __init__(self, renderer: vtkRenderer):
        self.renderer = renderer
        self.poly = vtkPolyData()
        self.keys: list[tuple[int, int]] = []
        self.world: NDArray[np.float64] = np.zeros((0, 3))
        sphere = vtkSphereSource()
        sphere.SetRadius(1.0)  # the glyph scale is then the radius (the default is 0.5)
        sphere.SetThetaResolution(16)
        sphere.SetPhiResolution(12)
        mapper = vtkGlyph3DMapper()
        mapper.SetInputData(self.poly)
        mapper.SetSourceConnection(sphere.GetOutputPort())
        mapper.SetScaleArray("scale")
        mapper.SetScaleModeToScaleByMagnitude()
        mapper.SetColorModeToDirectScalars()
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        renderer.AddActor(self.actor)

    def refresh(
        self,
        scene: Scene,
        display: G.DepthDisplay,
        selected: tuple[int, int] | None,
        is_visible: Callable[[int], bool] = lambda uid: True,
    ) -> None:
        """Rebuild from the scene's keys (after an edit, a selection or an exaggeration change)."""
        keys = [(o, k) for o in scene.objects if is_visible(o.uid) for k in o.keyframes]
        self.keys = [(o.uid, k.frame) for o, k in keys]
        world = [G.key_world(scene, k, display) for _, k in keys]
        self.world = np.asarray(world, np.float64).reshape(-1, 3)
        colors = np.array([o.color for o, _ in keys], np.uint8).reshape(-1, 3)
        if selected in self.keys:
            colors[self.keys.index(selected)] = SELECTED_RGB
        A.set_cloud(self.poly, self.world.astype(np.float32), colors)
        A.add_array(self.poly, "scale", np.ones(len(keys)))

    def resize(self) -> None:
        """Scale each sphere so it is :data:`HANDLE_PX` pixels in radius from this view."""
        n = len(self.world)
        if n == 0:
            return
        cam = self.renderer.GetActiveCamera()
        w, h = self.renderer.GetSize()
        if cam.GetParallelProjection():
            radius = np.full(n, 2.0 * cam.GetParallelScale() / max(h, 1) * HANDLE_PX)
        else:
            forward = np.array(cam.GetDirectionOfProjection())
            dist = np.abs((self.world - np.array(cam.GetPosition())) @ forward)
            span = w if cam.GetUseHorizontalViewAngle() else h
            per_px = 2.0 * np.tan(np.radians(cam.GetViewAngle()) / 2.0) / max(span, 1)
            radius = np.maximum(dist, 1e-9) * per_px * HANDLE_PX
        arr = self.poly.GetPointData().GetArray("scale")
        for i, r in enumerate(radius):
            arr.SetValue(i, float(r))
        arr.Modified()
        self.poly.Modified()

    def display_position(self, point: NDArray[np.float64]) -> tuple[float, float]:
        """Display coordinates (pixels, origin bottom-left) of a world point."""
        self.renderer.SetWorldPoint(float(point[0]), float(point[1]), float(point[2]), 1.0)
        self.renderer.WorldToDisplay()
        x, y, _ = self.renderer.GetDisplayPoint()
        return (float(x), float(y))

    def pick(self, x: float, y: float, tolerance: float = HANDLE_PX + 3) -> tuple[int, int] | None:
        """The key whose handle is drawn nearest display ``(x, y)``, within ``tolerance`` px."""
        best, best_d = None, tolerance
        for key, p in zip(self.keys, self.world, strict=True):
            dx, dy = self.display_position(p)
            d = float(np.hypot(dx - x, dy - y))
            if d <= best_d:
                best, best_d = key, d
        return best
