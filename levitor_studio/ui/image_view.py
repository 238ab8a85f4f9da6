"""The image view: the frame at the playhead with every authoring overlay (pyqtgraph).

Shows the preview composite, the source image or the generated clip; each object's mask tinted
in its colour and placed for the playhead's frame, its motion path with a tick per frame and
numbered keyframes, optional onion-skin outlines of neighbouring frames and the control points
the model will be given. With a camera track every overlay is seen through the playhead's
camera, each point with its own depth (:class:`.overlays.CameraView`), so it stays on the
moved picture under it. It owns no scene data: it redraws from the :class:`Document` on its
signals. Mouse tools live in :mod:`.image_tools`; this module only draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

from ..engine.placement import Pose
from ..model.events import DepthChanged, KeysChanged, SceneChange
from ..tasks.runner import PreviewRefresher
from .arrange import no_depth_warning
from .document import Document
from .horizon import HorizonLine
from .image_tools import PassiveScatter, Tool, ToolController, ToolViewBox, segment_hint
from .motion_fields import key_readout
from .overlays import CameraView, key_to_view, mask_path, object_poses, pose_transform
from .view_zoom import ViewZoom
from .widgets import Binding

ONION_SPAN = 3  # frames drawn either side of the playhead
DISPLAYS = ("preview", "source", "generated")


class _ObjectOverlay:
    """The graphics items of one object; rebuilt when the object changes."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.tint = QGraphicsPathItem()
        self.ghosts = [QGraphicsPathItem() for _ in range(2 * ONION_SPAN)]
        self.line = pg.PlotDataItem()
        self.ticks = PassiveScatter(size=4, pxMode=True)
        self.keys = PassiveScatter(size=13, pxMode=True, symbol="o")
        self.labels: list[pg.TextItem] = []
        #: per frame: the pose (parents followed) and the anchor's ``(x, y, depth)``
        self.poses: list[Pose] = []
        self.path: NDArray[np.float64] | None = None
        self.mask: Any = None  # the mask array the outline was traced from
        self.look: Any = None  # what the path's drawing depends on besides the path
        for item in (self.tint, *self.ghosts, self.line, self.ticks, self.keys):
            # overlays must not take clicks: the view box's tools hit-test keys themselves
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            vb.addItem(item, ignoreBounds=True)

    def remove(self, vb: pg.ViewBox) -> None:
        for item in (self.tint, *self.ghosts, self.line, self.ticks, self.keys, *self.labels):
            vb.removeItem(item)


class ImageView(QWidget):
    """The central editing view of a :class:`Document`."""

    readout = Signal(str, bool)  # depth read-out text, warning
    boxDrawn = Signal(object, bool)  # (x0, y0, x1, y1) in working pixels, new object (Ctrl)
    promptClicked = Signal(float, float, int, bool)  # x, y, 1 include / 0 exclude, new (Ctrl)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.display = "preview"
        self.show_masks = True
        self.show_paths = True
        self.onion = False
        self.show_points = False
        self._preview: PreviewRefresher | None = None
        self._generated: NDArray[np.uint8] | None = None
        self._points: list[list[list[float]]] | None = None
        self._overlays: dict[int, _ObjectOverlay] = {}
        self._view: CameraView | None = None  # the camera the paths were last drawn through
        self._preview_binding = Binding()

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(QColor(38, 38, 42))
        self.tools = ToolController(self)
        self.vb = ToolViewBox(self.tools)
        self.graphics.addItem(self.vb)
        self.frame_item = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.frame_item)
        self.point_items = PassiveScatter(size=9, pxMode=True, symbol="s")
        self.point_items.setZValue(20)
        self.point_items.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.vb.addItem(self.point_items, ignoreBounds=True)
        self.depth_label = pg.TextItem("", anchor=(0, 1.2), fill=QColor(20, 20, 24, 210))
        self.depth_label.setZValue(40)
        self.depth_label.hide()
        self.vb.addItem(self.depth_label, ignoreBounds=True)
        self.tools.build_items()
        self.zoom = ViewZoom(self)
        self.horizon = HorizonLine(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

        self._binding = Binding()
        self._bind(document)
        self.reset_scene()

    # -- set-up ------------------------------------------------------------------------

    def _bind(self, doc: Document) -> None:
        b = self._binding
        b.connect(doc.sceneChanged, self._on_scene_changed)
        b.connect(doc.frameChanged, self._on_frame)
        b.connect(doc.selectionChanged, self._on_selection)
        b.connect(doc.keySelectionChanged, self._on_selection)
        b.connect(doc.visibilityChanged, self._on_visibility)
        b.connect(doc.orderRequested, self.tools.start_order)

    def _on_visibility(self, _uid: int, _shown: bool) -> None:
        self.redraw_overlays()

    def set_document(self, document: Document, refresher: PreviewRefresher | None = None) -> None:
        """Show ``document`` in this same view (the widget and its layout stay)."""
        if document is not self.doc:
            self._binding.clear()
            self.doc = document
            self._bind(document)
            self.tools.reset()
            self.hide_depth_readout()
        if refresher is not self._preview:
            self._preview = None
            self.set_preview(refresher)
        self.reset_scene()

    def set_preview(self, refresher: PreviewRefresher | None) -> None:
        self._preview_binding.clear()
        self._preview = refresher
        if refresher is not None:
            self._preview_binding.connect(refresher.ready, self._on_preview_ready)
        self.refresh_image()

    def _on_selection(self, _what: Any) -> None:
        self.redraw_overlays(set())
        self.sync_readout()
        if self.tools.tool in (Tool.BOX, Tool.CLICKS):
            self.doc.message.emit(segment_hint(self.doc, self.tools.tool))
        uid = self.doc.selected_uid
        warning = no_depth_warning(self.doc, uid) if uid is not None else ""
        if warning:  # the inspector's box may be scrolled away: say it where the eye is
            self.doc.message.emit(f"{warning} — Fix in the inspector's Depth and mask box")

    def reset_scene(self) -> None:
        """A new scene was loaded: rebuild everything and fit it in view."""
        for ov in self._overlays.values():
            ov.remove(self.vb)
        self._overlays.clear()
        self._generated = None
        self._points = None
        scene = self.doc.scene
        self.horizon.sync()
        self.frame_item.setImage(scene.image, autoLevels=False, levels=(0, 255))
        self.vb.setRange(
            xRange=(0, scene.width), yRange=(0, scene.height), padding=0.02, disableAutoRange=True
        )
        self.redraw_overlays()
        self.refresh_image()

    def set_tool(self, tool: Tool) -> None:
        self.tools.set_tool(tool)

    def set_display(self, mode: str) -> None:
        if mode not in DISPLAYS:
            raise ValueError(mode)
        self.display = mode
        self.refresh_image()

    def set_option(self, name: str, on: bool) -> None:
        """Toggle ``show_masks``, ``show_paths``, ``onion`` or ``show_points``."""
        setattr(self, name, on)
        self.redraw_overlays()

    def set_generated(self, frames: NDArray[np.uint8] | None) -> None:
        self._generated = frames
        if frames is not None:
            self.display = "generated"
        self.refresh_image()

    def set_control_points(self, points: list[list[list[float]]] | None) -> None:
        self._points = points
        self._place_points()

    # -- image -------------------------------------------------------------------------

    def current_image(self) -> NDArray[np.uint8]:
        return np.asarray(self.frame_item.image)

    def refresh_image(self) -> None:
        scene, frame = self.doc.scene, self.doc.frame
        if self.display == "generated" and self._generated is not None:
            self._show(self._generated[min(frame, len(self._generated) - 1)])
        elif self.display == "preview" and self._preview is not None:
            self._preview.request(frame)
        else:
            self._show(scene.image)

    def _show(self, image: NDArray[np.uint8]) -> None:
        self.frame_item.setImage(image, autoLevels=False, levels=(0, 255))

    def _on_preview_ready(self, frame: int, image: Any) -> None:
        if self.display == "preview" and frame == self.doc.frame:
            self._show(image)

    def _on_scene_changed(self, what: SceneChange) -> None:
        if isinstance(what, DepthChanged):
            self.horizon.sync()
        if self._preview is not None:
            self._preview.invalidate()
        self.redraw_overlays({what.uid} if isinstance(what, KeysChanged) else None)
        self.refresh_image()
        self.sync_readout()

    def _on_frame(self, _frame: int) -> None:
        self._place_for_frame()
        self.refresh_image()

    # -- overlays ----------------------------------------------------------------------

    def overlay(self, uid: int) -> _ObjectOverlay:
        return self._overlays[uid]

    def redraw_overlays(self, moved: set[int] | None = None) -> None:
        """Update the per-object items from the scene (after an edit or selection change).

        ``moved``: the objects whose paths may have changed (None: all of them). A key drag
        changes one object's keys: only its path is recomputed, and outlines are traced again
        only for a new mask, so a drag step stays cheap (``bench/bench_drag.py``).
        """
        scene, doc = self.doc.scene, self.doc
        if moved is not None:  # a child follows its parent: its path moves with it
            moved = moved | {
                o.uid for o in scene.objects if any(a.uid in moved for a in scene.ancestors(o))
            }
        uids = {o.uid for o in scene.objects}
        for uid in [u for u in self._overlays if u not in uids]:
            self._overlays.pop(uid).remove(self.vb)
        for z_order, obj in enumerate(scene.objects):
            ov = self._overlays.get(obj.uid)
            if ov is None:
                ov = self._overlays[obj.uid] = _ObjectOverlay(self.vb)
            selected = obj.uid == doc.selected_uid
            color = QColor(*obj.color)
            if ov.mask is not obj.mask:
                ov.mask = obj.mask
                outline = mask_path(obj.mask)
                ov.tint.setPath(outline)
                for ghost in ov.ghosts:
                    ghost.setPath(outline)
                    ghost.setBrush(QBrush(Qt.BrushStyle.NoBrush))
                    ghost.setZValue(4)
            fill = QColor(color)
            fill.setAlpha(110 if selected else 70)
            ov.tint.setBrush(QBrush(fill))
            ov.tint.setPen(QPen(color.lighter(130) if selected else color, 0))
            ov.tint.setZValue(5 + z_order)
            ov.tint.setVisible(self.show_masks and doc.is_visible(obj.uid))
            fresh = ov.path is None or moved is None or obj.uid in moved
            if fresh:
                ov.poses = object_poses(scene, obj)
                ov.path = np.array([(*p.anchor, p.depth) for p in ov.poses], np.float64)
            sel_key = (
                doc.selected_key if doc.selected_key and doc.selected_key[0] == obj.uid else None
            )
            look = (selected, doc.is_visible(obj.uid), sel_key, obj.color, self.show_paths)
            if fresh or look != ov.look:
                ov.look = look
                self._draw_path(obj.uid, ov, color, selected, doc.is_visible(obj.uid))
        self._place_for_frame()

    def camera_view(self) -> CameraView:
        """The playhead's camera, as the overlays are drawn through it."""
        return CameraView.of(self.doc.scene, self.doc.frame)

    def key_position(self, uid: int, frame: int) -> tuple[float, float] | None:
        """Where the handle of key ``(uid, frame)`` is drawn (None: no such key, or behind)."""
        obj = self.doc.scene.object(uid)
        if obj.key_at(frame) is None:
            return None
        x, y = key_to_view(self.doc.scene, obj, frame, self.camera_view())
        return (x, y) if np.isfinite(x) else None

    def _draw_path(
        self, uid: int, ov: _ObjectOverlay, color: QColor, selected: bool, visible: bool
    ) -> None:
        assert ov.path is not None
        obj = self.doc.scene.object(uid)
        show = self.show_paths and visible and (bool(obj.keyframes) or selected)
        view = self.camera_view()
        xs, ys = view.to_view(ov.path[:, 0], ov.path[:, 1], ov.path[:, 2])
        # the selected object's path stands out: brighter, wider and above the others
        line = (
            color.lighter(135)
            if selected
            else QColor(color.red(), color.green(), color.blue(), 150)
        )
        ov.line.setData(
            xs, ys, pen=pg.mkPen(line, width=3.5 if selected else 1.5), connect="finite"
        )
        front = np.isfinite(xs)
        ov.ticks.setData(xs[front], ys[front], brush=pg.mkBrush(color), pen=pg.mkPen(20, 20, 20))
        sel_key = self.doc.selected_key
        # a key's handle is where the object's anchor is drawn on the key's frame (its parents
        # followed), seen through the playhead's camera
        at = {k.frame: (float(xs[k.frame]), float(ys[k.frame])) for k in obj.keyframes}
        keys = [k for k in obj.keyframes if np.isfinite(at[k.frame][0])]
        spots = [
            {
                "pos": at[k.frame],
                "brush": pg.mkBrush("w" if sel_key == (uid, k.frame) else color),
                "pen": pg.mkPen(20, 20, 20, width=1.5),
                "data": k.frame,
            }
            for k in keys
        ]
        ov.keys.setData(spots)
        while len(ov.labels) > len(keys):
            self.vb.removeItem(ov.labels.pop())
        while len(ov.labels) < len(keys):
            label = pg.TextItem(str(len(ov.labels) + 1), color="w", anchor=(-0.35, 1.1))
            label.setZValue(41)
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.vb.addItem(label, ignoreBounds=True)
            ov.labels.append(label)
        for label, k in zip(ov.labels, keys, strict=True):
            label.setText(str(obj.keyframes.index(k) + 1))
            label.setPos(*at[k.frame])
        for item in (ov.line, ov.ticks, ov.keys, *ov.labels):
            item.setVisible(show)
        top = 10 if selected else 0
        ov.line.setZValue(28 + top)
        ov.ticks.setZValue(29 + top)
        ov.keys.setZValue(30 + top)

    def _card(self, ov: _ObjectOverlay, frame: int, view: CameraView) -> bool:
        """Place the object's outline (``ov.poses``) at ``frame`` through the camera ``view``;
        False when part of the card is behind the camera (it is then not drawn)."""
        at = ov.poses[min(max(frame, 0), len(ov.poses) - 1)]
        z = at.depth
        affine = pose_transform(at)
        if view.at is None:
            ov.tint.setTransform(affine)
            return True
        box = affine.mapRect(ov.tint.path().boundingRect())
        corners = [box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight()]
        if not view.in_front([p.x() for p in corners], [p.y() for p in corners], z):
            return False
        ov.tint.setTransform(affine * view.transform(z))
        return True

    def _place_for_frame(self) -> None:
        frame = self.doc.frame
        view = self.camera_view()
        if self._view is None or view.row != self._view.row:
            self._view = view  # the paths are seen through the playhead's camera
            for uid, ov in self._overlays.items():
                if ov.path is not None:
                    obj = self.doc.scene.object(uid)
                    selected = uid == self.doc.selected_uid
                    self._draw_path(uid, ov, QColor(*obj.color), selected, self.doc.is_visible(uid))
        for uid, ov in self._overlays.items():
            if ov.path is None:
                continue
            front = self._card(ov, frame, view)
            ov.tint.setVisible(front and self.show_masks and self.doc.is_visible(uid))
            visible = self.doc.is_visible(uid)
            for i, ghost in enumerate(ov.ghosts):
                offset = i - ONION_SPAN + (1 if i >= ONION_SPAN else 0)
                f = frame + offset
                on = self.onion and visible and 0 <= f < len(ov.path)
                ghost.setVisible(on)
                if on:
                    fade = 1.0 - (abs(offset) - 1) / ONION_SPAN
                    c = QColor(120, 200, 255) if offset > 0 else QColor(255, 140, 120)
                    c.setAlphaF(0.85 * fade)
                    ghost.setPen(QPen(c, 0))
                    ghost.setTransform(self._ghost(ov, f, view))
        self._place_points()

    def _ghost(self, ov: _ObjectOverlay, frame: int, view: CameraView) -> Any:
        at = ov.poses[min(max(frame, 0), len(ov.poses) - 1)]
        z = at.depth
        affine = pose_transform(at)
        return affine if view.at is None else affine * view.transform(z)

    def _place_points(self) -> None:
        pts = self._points
        if not self.show_points or not pts or self.doc.frame >= len(pts):
            self.point_items.setData([])
            return
        colors = {i + 1: o.color for i, o in enumerate(self.doc.scene.objects)}
        spots = [
            {
                "pos": (col + 0.5, row + 0.5),
                "brush": pg.mkBrush(*colors.get(int(pid), (200, 200, 200)), 230),
                "pen": pg.mkPen("k"),
                "size": 6 + depth / 32.0,
            }
            for row, col, pid, depth in pts[self.doc.frame]
        ]
        self.point_items.setData(spots)

    def show_depth_readout(self, text: str, warn: bool, x: float, y: float) -> None:
        self.depth_label.setColor(QColor(255, 120, 90) if warn else QColor(235, 235, 235))
        self.depth_label.setText(text)
        self.depth_label.setPos(x, y)
        self.depth_label.show()
        self.readout.emit(text, warn)

    def hide_depth_readout(self) -> None:
        """No key selected (or it is gone): no floating read-out and no stale status text."""
        self.depth_label.hide()
        self.readout.emit("", False)

    def sync_readout(self) -> None:
        """The read-out follows the selected key after any edit, undo or deletion."""
        sel = self.doc.selected_key
        obj = next((o for o in self.doc.scene.objects if sel and o.uid == sel[0]), None)
        key = obj.key_at(sel[1]) if obj is not None and sel is not None else None
        if key is None or obj is None or not self.doc.is_visible(obj.uid):
            self.hide_depth_readout()
            return
        text, warn = key_readout(self.doc.scene, obj, key)
        at = self.key_position(obj.uid, key.frame) or (key.x, key.y)
        self.show_depth_readout(text, warn, *at)
