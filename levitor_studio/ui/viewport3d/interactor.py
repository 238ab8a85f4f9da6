"""Mouse and keyboard of the 3D viewport: VTK's trackball camera, plus keyframe-handle drags.

A left press on a handle starts a key drag in the owning :class:`Viewport3DWidget` (Shift: along
the camera ray) and the trackball never sees that press; anywhere else VTK orbits (left), pans
(middle, or Shift+left) and zooms (right, wheel). Level of detail follows the trackball's
start / end interaction events. VTK's own single-key shortcuts (wireframe, stereo, exit...) are
not passed on: keys belong to the application's actions; F frames the selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera

if TYPE_CHECKING:
    from .pipeline import ViewportPipeline
    from .widget import Viewport3DWidget


class ViewportInteractor(QVTKRenderWindowInteractor):
    """The VTK render window in Qt, routing handle drags to its owner."""

    def __init__(self, owner: Viewport3DWidget):
        super().__init__(owner)
        self._owner = owner
        self._pipeline: ViewportPipeline | None = None
        style = vtkInteractorStyleTrackballCamera()
        self.SetInteractorStyle(style)
        style.AddObserver(vtkCommand.StartInteractionEvent, self._start_interaction)
        style.AddObserver(vtkCommand.EndInteractionEvent, self._end_interaction)

    def attach(self, pipeline: ViewportPipeline) -> None:
        self._pipeline = pipeline
        self.Initialize()

    def release(self) -> None:
        """Remove the VTK observers holding this widget's methods (its owner is being deleted).

        They keep the widget, its owner and the pipeline alive through C++ references that
        Python's garbage collector cannot follow.
        """
        self._pipeline = None
        self.GetInteractorStyle().RemoveAllObservers()
        self.RemoveAllObservers()
        self.GetRenderWindow().RemoveAllObservers()

    def _start_interaction(self, *_: object) -> None:
        if self._pipeline is not None:
            self._pipeline.set_interacting(True)

    def _end_interaction(self, *_: object) -> None:
        if self._pipeline is not None and not self._owner.dragging:
            self._pipeline.set_interacting(False)
            self.GetRenderWindow().Render()

    def _display(self, event: QMouseEvent) -> tuple[float, float]:
        from .widget import event_display_position

        return event_display_position(self, event)

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if ev.button() == Qt.MouseButton.LeftButton and self._pipeline is not None:
            x, y = self._display(ev)
            key = self._pipeline.pick_handle(x, y)
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if key is not None and self._owner.begin_handle_drag(key[0], key[1], x, y, shift):
                ev.accept()
                return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._owner.dragging:
            self._owner.drag_handle_to(*self._display(ev))
            self._owner.render_now()
            ev.accept()
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._owner.dragging and ev.button() == Qt.MouseButton.LeftButton:
            self._owner.end_handle_drag()
            ev.accept()
            return
        super().mouseReleaseEvent(ev)

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if ev.key() == Qt.Key.Key_F:
            self._owner.frame_selected()
            ev.accept()
            return
        ev.ignore()

    def keyReleaseEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        ev.ignore()
