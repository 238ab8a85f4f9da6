"""The 3D viewport widget: a VTK view of the document's scene, docked beside the image view.

:class:`Viewport3DWidget` observes a :class:`~levitor_studio.ui.document.Document` (scene
changes, playhead, key selection) and edits it only through model commands on its undo stack. The
mouse orbits / pans / zooms the view (VTK trackball), except on a keyframe handle: a left drag
moves that key parallel to the image plane, with Shift along its camera ray (depth), as one undo
step. The drag goes through :meth:`begin_handle_drag` / :meth:`drag_handle_to` /
:meth:`end_handle_drag`, which tests call directly. Under a display-less Qt platform
(``offscreen``) the view renders off screen into a label, so the main window still builds there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shiboken6
from numpy.typing import NDArray
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkRenderingCore import vtkRenderWindow, vtkWindowToImageFilter

from ...model.commands import SetKeyframe, SetKeyframes, locked_refusal
from ...model.events import CameraChanged, KeysChanged, SceneChange, SettingsChanged
from ...model.keyframes import Keyframe
from ..document import Document
from ..overlays import depth_readout
from . import geometry as G
from .interactor import ViewportInteractor
from .pipeline import ViewportPipeline
from .presets import apply_preset, frame_bounds
from .toolbar import ViewportToolbar

#: after the playhead stops for this long the full-density cloud comes back
_SCRUB_REST_MS = 250
#: along-ray drags seen head-on: pseudo-depth doubles per this many pixels of vertical motion
_PX_PER_DOUBLING = 120.0


@dataclass
class _Drag:
    uid: int
    frame: int
    start: Keyframe
    along_ray: bool
    merge_key: str
    grab: tuple[float, float]  # display position of the press
    offset: tuple[float, float]  # handle centre minus press position, in display pixels


def _offscreen_platform() -> bool:
    return QGuiApplication.platformName() in ("offscreen", "minimal")


def _offscreen_window() -> vtkRenderWindow:
    """An off-screen render window; EGL where VTK has it, so no X connection outlives Qt's."""
    try:
        from vtkmodules.vtkRenderingOpenGL2 import vtkEGLRenderWindow
    except ImportError:
        return vtkRenderWindow()
    return vtkEGLRenderWindow()


class Viewport3DWidget(QWidget):
    """The scene in 3D: depth cloud, object clouds at the playhead, paths and key handles."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._drag: _Drag | None = None
        self._render_pending = False
        self.preset = "image"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar = ViewportToolbar(self)
        layout.addWidget(self.toolbar)
        self.interactor: ViewportInteractor | None = None
        self._label: QLabel | None = None
        if _offscreen_platform():
            window = _offscreen_window()
            window.SetOffScreenRendering(1)
            window.SetSize(480, 360)
            self._label = QLabel(self)
            self._label.setMinimumSize(160, 120)
            self._label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            layout.addWidget(self._label, 1)
        else:
            self.interactor = ViewportInteractor(self)
            layout.addWidget(self.interactor, 1)
            window = self.interactor.GetRenderWindow()
        self.render_window = window
        self.pipeline = ViewportPipeline(document.scene, window, is_visible=document.is_visible)
        if self.interactor is not None:
            self.interactor.attach(self.pipeline)
        self.toolbar.presetChosen.connect(self.set_preset)
        self.toolbar.frameSelected.connect(self.frame_selected)
        self.toolbar.gainChanged.connect(self.set_exaggeration)
        self.toolbar.tintToggled.connect(self.set_occlusion_tint)
        self.toolbar.orbitRequested.connect(self.open_orbit_dialog)
        document.sceneChanged.connect(self._on_scene_changed)
        document.frameChanged.connect(self._on_frame_changed)
        document.keySelectionChanged.connect(self._on_key_selected)
        document.selectionChanged.connect(self._on_selected)
        document.visibilityChanged.connect(self._on_visibility_changed)
        self._scrub_rest = QTimer(self)
        self._scrub_rest.setSingleShot(True)
        self._scrub_rest.setInterval(_SCRUB_REST_MS)
        self._scrub_rest.timeout.connect(self._scrub_stopped)
        self.pipeline.set_frame(document.frame)
        self.pipeline.set_selected_object(document.selected_uid)
        # VTK observers hold this widget's methods, a cycle through C++ that the garbage
        # collector cannot see: break it when Qt deletes the widget (a document switch)
        self.destroyed.connect(_releaser(self.pipeline, self.interactor))
        self.request_render()

    # -- rendering ---------------------------------------------------------------------------

    def request_render(self) -> None:
        """Render once control returns to the event loop (several changes, one render)."""
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self.render_now)

    def render_now(self) -> None:
        self._render_pending = False
        if not shiboken6.isValid(self):
            # queued before Qt deleted the widget (a document switch): nothing to draw into.
            # (A singleShot with the widget as context would hold it alive in PySide instead.)
            return
        if self.interactor is not None:
            if self.interactor.isVisible():
                self.render_window.Render()
            return
        if not self.isVisible():
            return
        self.render_window.Render()
        if self._label is not None:
            img = self.grab_image()
            h, w, _ = img.shape
            # QImage only wraps the buffer: copy before the bytes go away
            qimg = QImage(img.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()
            self._label.setPixmap(QPixmap.fromImage(qimg))

    def grab_image(self) -> NDArray[np.uint8]:
        """The current view as ``(H, W, 3)`` RGB, top row first (``vtkWindowToImageFilter``)."""
        self.render_window.Render()
        grab = vtkWindowToImageFilter()
        grab.SetInput(self.render_window)
        grab.ReadFrontBufferOff()
        grab.Update()
        out = grab.GetOutput()
        w, h, _ = out.GetDimensions()
        rgb = vtk_to_numpy(out.GetPointData().GetScalars()).reshape(h, w, -1)[:, :, :3]
        return np.ascontiguousarray(rgb[::-1])

    # -- view controls -------------------------------------------------------------------------

    def set_preset(self, name: str) -> None:
        """Camera preset: ``image``, ``top``, ``side`` or ``orbit``."""
        self.preset = name
        apply_preset(self.pipeline, name)
        self.request_render()

    def frame_selected(self) -> None:
        """Fit the selected object (cloud and path) in the view; everything when none is."""
        frame_bounds(self.pipeline, self.document.selected_uid)
        self.request_render()

    def set_exaggeration(self, gain: float) -> None:
        self.pipeline.set_gain(gain)
        self.request_render()

    def set_occlusion_tint(self, on: bool) -> None:
        self.pipeline.set_tint(on)
        self.request_render()

    # -- document events -----------------------------------------------------------------------

    def _on_scene_changed(self, what: SceneChange) -> None:
        if isinstance(what, SettingsChanged):
            return
        if isinstance(what, KeysChanged):
            self.pipeline.refresh_objects()
        elif isinstance(what, CameraChanged):
            self.pipeline.refresh_camera()
        else:
            self.pipeline.rebuild()
        self.request_render()

    def _on_visibility_changed(self, _uid: int, _shown: bool) -> None:
        self.pipeline.rebuild()
        self.request_render()

    def _on_frame_changed(self, frame: int) -> None:
        # scrubbing or playback is an interaction: the subset until the playhead rests
        if self.pipeline.has_lod and self._drag is None:
            self.pipeline.set_interacting(True)
            self._scrub_rest.start()
        self.pipeline.set_frame(frame)
        self.request_render()

    def _scrub_stopped(self) -> None:
        if self._drag is None:
            self.pipeline.set_interacting(False)
            self.request_render()

    def _on_selected(self, uid: int | None) -> None:
        self.pipeline.set_selected_object(uid)
        self.request_render()

    def _on_key_selected(self, key: tuple[int, int] | None) -> None:
        self.pipeline.set_selected_key(key)
        self.request_render()

    # -- handle drags (the mouse and the tests both come through here) ---------------------------

    def handle_display_position(self, uid: int, frame: int) -> tuple[float, float]:
        """Display position (VTK pixels, origin bottom-left) of a key's handle."""
        key = self.document.scene.object(uid).key_at(frame)
        if key is None:
            raise KeyError(f"object {uid} has no keyframe at frame {frame}")
        return self.pipeline.world_to_display(
            G.key_world(self.document.scene, key, self.pipeline.display)
        )

    def begin_handle_drag(
        self, uid: int, frame: int, x: float, y: float, along_ray: bool = False
    ) -> bool:
        """Start dragging the handle of key ``(uid, frame)`` grabbed at display ``(x, y)``."""
        obj = self.document.scene.object(uid)
        key = obj.key_at(frame)
        if key is None:
            return False
        refusal = locked_refusal(self.document.scene, uid)
        if refusal is not None:
            self.document.message.emit(refusal)
            return False
        hx, hy = self.handle_display_position(uid, frame)
        merge = self.document.gesture_key(f"3d-key:{uid}:{frame}")
        self._drag = _Drag(uid, frame, key, along_ray, merge, (x, y), (hx - x, hy - y))
        self.document.select_key(uid, frame)
        self.pipeline.set_interacting(True)
        return True

    def drag_handle_to(self, x: float, y: float) -> None:
        """Move the dragged key so its handle follows display ``(x, y)``; one undo step."""
        drag = self._drag
        if drag is None:
            return
        scene = self.document.scene
        obj = next((o for o in scene.objects if o.uid == drag.uid), None)
        if obj is None or obj.locked:
            # removed (or undone away) or locked while the button was down: the drag is over
            self.end_handle_drag()
            return
        disp = self.pipeline.display
        hx, hy = x + drag.offset[0], y + drag.offset[1]
        origin, direction = self.pipeline.view_ray(hx, hy)
        if drag.along_ray:
            eye = np.array(self.pipeline.renderer.GetActiveCamera().GetPosition(), np.float64)
            new = G.drag_along_ray(scene, disp, drag.start, eye, origin, direction)
            if new is None:
                # looking along the ray: vertical mouse motion pushes the key away / pulls it in
                z = drag.start.z * math.pow(2.0, (y - drag.grab[1]) / _PX_PER_DOUBLING)
                new = drag.start.moved(z=float(min(max(z, 1.0 / 255.0), 1.0)))
        else:
            new = G.drag_in_plane(scene, disp, drag.start, origin, direction)
        current = obj.key_at(drag.frame)
        if new is None or current is None or new == current:
            return
        if self.document.push(SetKeyframe(drag.uid, new), drag.merge_key):
            # the depth in artist units while dragging in 3D (scene-model.md)
            self.document.message.emit(f"{obj.name}: " + depth_readout(scene, obj, new.z)[0])

    def end_handle_drag(self) -> None:
        self._drag = None
        self.pipeline.set_interacting(False)
        self.request_render()

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def drag_handle(
        self, uid: int, frame: int, positions: list[tuple[float, float]], along_ray: bool = False
    ) -> None:
        """A whole drag: press on the handle, move through ``positions``, release."""
        x, y = self.handle_display_position(uid, frame)
        if self.begin_handle_drag(uid, frame, x, y, along_ray):
            for px, py in positions:
                self.drag_handle_to(px, py)
            self.end_handle_drag()

    # -- orbit tool ----------------------------------------------------------------------------

    def apply_orbit(self, uid_a: int, uid_b: int, **params: object) -> bool:
        """Write A's orbit around B as one undo step; False (and a message) if refused."""
        from ...engine.orbit import orbit_keyframes
        from ...model.errors import InputError
        from .orbit_dialog import orbit_refusal

        scene = self.document.scene
        refusal = orbit_refusal(self.document, uid_a)
        if refusal:
            self.document.message.emit(refusal)
            return False
        try:
            keys = orbit_keyframes(scene, uid_a, uid_b, **params)  # type: ignore[arg-type]
        except InputError as exc:
            self.document.message.emit(str(exc))
            return False
        command = SetKeyframes(uid_a, keys)
        command.label = "Orbit"
        return self.document.push(command)

    def open_orbit_dialog(self) -> None:
        from .orbit_dialog import OrbitDialog

        dialog = OrbitDialog(self.document, self)
        if dialog.exec():
            self.apply_orbit(dialog.uid_a, dialog.uid_b, **dialog.parameters())

    # -- Qt ----------------------------------------------------------------------------------------

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        if getattr(event, "key", lambda: None)() == Qt.Key.Key_F:
            self.frame_selected()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._label is not None:
            # the off-screen window follows the label it is shown in
            size = self._label.size()
            self.render_window.SetSize(max(size.width(), 16), max(size.height(), 16))
            self.request_render()

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        if self.interactor is not None:
            self.interactor.Finalize()
        else:
            self.render_window.Finalize()
        super().closeEvent(event)  # type: ignore[arg-type]


def _releaser(
    pipeline: ViewportPipeline, interactor: ViewportInteractor | None
) -> Callable[..., None]:
    """A slot for ``destroyed`` that holds no reference to the widget itself."""

    def release(*_: object) -> None:
        pipeline.release()
        if interactor is not None:
            interactor.release()  # Qt's close already finalized its window
        else:
            pipeline.window.Finalize()

    return release


def event_display_position(widget: QWidget, event: QMouseEvent) -> tuple[float, float]:
    """VTK display coordinates (origin bottom-left, device pixels) of a Qt mouse event."""
    ratio = widget.devicePixelRatioF()
    pos = event.position()
    return (pos.x() * ratio, (widget.height() - pos.y() - 1) * ratio)
