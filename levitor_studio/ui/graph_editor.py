"""The graph editor dock: one channel of the selected object or of the camera over time.

The curve is the interpolated path the engine reads (``Scene.motion`` for an object,
``Scene.camera_path`` for the camera), one channel at a time so the value axis has one unit
(:mod:`.graph_channels`); Object / Camera switches the channel bar and follows the selection. A
child's keys are shown as authored, in its parent's frame-0 space. A drag on a key handle moves
it in whole frames and in value, one command per step under one gesture key (one undo step); the
combo, or a right click on a segment, sets the easing leaving a key; ``A`` frames all, ``F`` the
selected key. No data, no timers; document connections go through a :class:`~.widgets.Binding`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from ..model.keyframes import Easing
from .document import Document
from .graph_channels import CHANNELS, CameraTrack, Key, ObjectTrack, Track
from .graph_view import (
    GraphViewBox,
    add_buttons,
    easing_menu,
    framing_key,
    nearest,
    toggle_group,
)
from .image_tools import PassiveScatter
from .widgets import Binding

HIT_PX = 9.0  # how near (screen pixels) a press must be to a key handle to grab it
#: the least height (screen pixels) of the curve area once the Graph dock is shown
GRAPH_PLOT_MIN = 200


class GraphEditor(QWidget):
    """Object / Camera, channel buttons, easing, framing buttons and the plot."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.channel = document, CHANNELS[0]
        self._drag: dict[str, Any] | None = None
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.setSpacing(2)  # buttons in groups, the groups apart: the bar fits 800 px
        self.source_buttons = toggle_group(self, bar, ["Object", "Camera"], [True, True])
        self.source_buttons.button(1).setToolTip("The camera track's keys")
        self.source_buttons.idClicked.connect(lambda i: self.set_camera(bool(i)))
        bar.addSpacing(10)
        names, shown = [c.name for c in CHANNELS], [not c.camera for c in CHANNELS]
        self.channel_buttons = toggle_group(self, bar, names, shown)
        self.channel_buttons.idClicked.connect(self.set_channel)
        self._last = {False: 0, True: shown.index(False)}  # the channel last shown of each
        self.ease = QComboBox(self)
        self.ease.addItems([e.value for e in Easing])
        self.ease.setToolTip("Easing of the segment leaving the selected key")
        self.ease.activated.connect(self._set_ease)
        bar.addSpacing(10)
        bar.addWidget(self.ease)
        bar.addStretch(1)
        bar.addWidget(QLabel("Frame", self))
        add_buttons(self, bar, [("All (A)", self.frame_all), ("Selected (F)", self.frame_selected)])

        self.vb = GraphViewBox(self)
        self.plot = pg.PlotWidget(self, viewBox=self.vb, background="#202124")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "frame")
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#4fc3f7", width=2))
        self.handles = PassiveScatter(size=11, pen=pg.mkPen("w"), brush=pg.mkBrush("#ffb300"))
        self.playhead = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#e53935"))
        self.hint = pg.TextItem("", "#9aa0a6", anchor=(0.5, 1.4))  # above a flat line
        for item in (self.curve, self.handles, self.playhead, self.hint):
            self.plot.addItem(item)
        self.plot.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        self._binding, self._stale = Binding(), False
        self.set_document(document, force=True)

    # -- document --------------------------------------------------------------------------

    def set_document(self, document: Document, force: bool = False) -> None:
        """Follow ``document`` (its scene, playhead and selection) instead of the previous one."""
        if document is self.doc and not force:
            return
        self._binding.clear()
        self.doc, self._drag = document, None
        self.tracks = {False: ObjectTrack(document), True: CameraTrack(document)}
        self._binding.connect(document.sceneChanged, self._scene_changed)
        self._binding.connect(document.keySelectionChanged, lambda _k: self._changed(self.refresh))
        self._binding.connect(document.selectionChanged, self._selected)
        self._binding.connect(document.cameraSelectionChanged, self._camera_selected)
        self._binding.connect(document.frameChanged, self.playhead.setValue)
        self.show_all()

    def _scene_changed(self, _what: object) -> None:
        """Redraw; a key added or deleted elsewhere (not a retime, not mid-drag) frames all."""
        keys_came_or_went = len(self.track.keys()) != self._key_count and self._drag is None
        self._changed(self.show_all if keys_came_or_went else self.refresh)

    def _selected(self, uid: int | None) -> None:
        if uid is not None and self.channel.camera:  # an object picked: its channels
            self._show_source(False)
        else:  # the camera's curves do not depend on the object selection
            self._changed(self.refresh if self.channel.camera else self.show_all)

    def _camera_selected(self, on: bool, _frame: int | None) -> None:
        if on and not self.channel.camera:  # the camera picked (its row, a key): its channels
            self._show_source(True)
        else:
            self._changed(self.refresh)

    def _show_source(self, camera: bool) -> None:
        self.channel = CHANNELS[self._last[camera]]  # shown now, or once the tab is raised
        self._changed(lambda: self.set_channel(CHANNELS.index(self.channel)))

    @property
    def track(self) -> Track:
        return self.tracks[self.channel.camera]

    def _changed(self, redraw: Callable[[], None]) -> None:
        self._stale = not self.isVisible()  # behind the Timeline's tab: redraw once shown
        if not self._stale:
            redraw()

    def showEvent(self, ev: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(ev)
        if self._stale:
            self._stale = False
            self.set_channel(CHANNELS.index(self.channel))

    def plot_shortfall(self) -> int:
        """How many pixels the curve area lacks of :data:`GRAPH_PLOT_MIN` (0 when tall enough)."""
        return max(0, GRAPH_PLOT_MIN - int(self.vb.height()))

    def show_all(self) -> None:
        """Redraw and frame everything (another object, channel or document)."""
        self.refresh()
        self.frame_all()

    def set_channel(self, index: int) -> None:
        """Show channel ``index`` of :data:`CHANNELS` (and its source's channel buttons)."""
        self.channel = CHANNELS[index]
        self._last[self.channel.camera] = index
        self.source_buttons.button(int(self.channel.camera)).setChecked(True)
        for i, ch in enumerate(CHANNELS):
            self.channel_buttons.button(i).setVisible(ch.camera == self.channel.camera)
        self.channel_buttons.button(index).setChecked(True)
        self.show_all()

    def set_camera(self, camera: bool) -> None:
        """The camera's channels (or the object's), at the channel last shown of them."""
        self.set_channel(self._last[camera])

    def samples(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The plotted curve: frames and the channel's value at each (empty with no object)."""
        path = self.track.path()
        if path is None:
            return np.zeros(0), np.zeros(0)
        values = self.channel.curve(path, self.track.ref())
        return np.arange(len(path), dtype=np.float64), values

    def key_points(self) -> list[tuple[Key, float]]:
        """The track's authored keys with their value in the channel."""
        ref = self.track.ref()
        return [(k, self.channel.read(k, ref)) for k in self.track.keys()]

    def refresh(self) -> None:
        """Curve, handles (the selected key white), axis label, playhead and easing combo."""
        self.curve.setData(*self.samples())
        self.hint.setText(self.track.hint())
        self.hint.setVisible(bool(self.hint.toPlainText()))
        keys, key = self.key_points(), self.track.selected_key()
        self._key_count = len(keys)
        brushes = [pg.mkBrush("#ffffff" if k == key else "#ffb300") for k, _v in keys]
        self.handles.setData([k.frame for k, _v in keys], [v for _k, v in keys], brush=brushes)
        self.plot.setLabel("left", f"{self.channel.name} ({self.channel.unit})")
        self.playhead.setValue(self.doc.frame)
        self.ease.setEnabled(key is not None)
        if key is not None:
            self.ease.setCurrentText(Easing(key.ease).value)

    # -- framing ---------------------------------------------------------------------------

    def _frame(self, x: tuple[float, float], values: NDArray[np.float64]) -> None:
        """Frames ``x`` and every value; a flat curve gets the channel's least span."""
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        grow = max(0.0, self.channel.span - (hi - lo)) / 2
        self.vb.setRange(xRange=x, yRange=(lo - grow, hi + grow), padding=0.08)

    def frame_all(self) -> None:
        """The whole clip and every value of the curve and the keys."""
        values = np.concatenate([self.samples()[1], [v for _k, v in self.key_points()]])
        self._frame((0.0, float(self.doc.scene.frames - 1)), values)
        self.hint.setPos(*(sum(r) / 2 for r in self.vb.viewRange()))  # the middle of the plot

    def frame_selected(self) -> None:
        """A few frames around the selected key (all of it when no key is selected)."""
        key = self.track.selected_key()
        if key is None:
            self.frame_all()
            return
        value = self.channel.read(key, self.track.ref())
        span = max(float(np.ptp(self.samples()[1])) / 2, abs(value) * 0.1)
        self._frame((key.frame - 5.0, key.frame + 5.0), np.array([value - span, value + span]))

    def eventFilter(self, watched: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        # A and F here frame the graph, not the window's actions (F fits the image there)
        key = framing_key(ev)
        if key is not None:
            ev.accept()
            if ev.type() == QEvent.Type.KeyPress:
                self.frame_all() if key == Qt.Key.Key_A else self.frame_selected()
            return True
        return super().eventFilter(watched, ev)

    # -- gestures --------------------------------------------------------------------------

    def key_near(self, scene_pos: QPointF) -> Key | None:
        """The key whose handle is within :data:`HIT_PX` of a scene position, if any."""
        return nearest(self.vb, self.key_points(), scene_pos, HIT_PX)

    def segment_menu(self, scene_pos: QPointF) -> QMenu | None:
        """The easing menu of the segment under ``scene_pos`` (its first key selected), or None
        outside the keys; a right click pops it up."""
        t, keys = self.vb.mapSceneToView(scene_pos).x(), list(self.track.keys())
        first = next((a for a, b in pairwise(keys) if a.frame <= t < b.frame), None)
        if first is None:
            return None
        self.track.select(first.frame)
        self.popup = easing_menu(self, Easing(first.ease), lambda e: self._ease(first.frame, e))
        return self.popup

    def click_at(self, scene_pos: QPointF) -> None:
        key = self.key_near(scene_pos)
        if key is not None:
            self.track.select(key.frame)
        else:
            frame = round(self.vb.mapSceneToView(scene_pos).x())
            self.doc.set_frame(min(max(frame, 0), self.doc.scene.frames - 1))

    def drag(self, ev: Any) -> bool:
        """One step of a left drag; False when it did not start on a key (the view pans)."""
        track = self.track
        if ev.isStart():
            key = self.key_near(ev.buttonDownScenePos())
            if key is None:
                self._drag = None
                return False
            track.select(key.frame)
            refusal = track.refusal(key)
            if refusal is not None:
                self.doc.message.emit(refusal)  # said once; the drag then does nothing
            self._drag = {"owner": track.owner(), "origin": key, "now": key.frame}
            self._drag.update(ref=track.ref(), merge=self.doc.gesture_key("graph"))
            self._drag["refused"] = refusal is not None
        d = self._drag
        if d is None:
            return False
        if ev.isFinish():
            self._drag = None
        origin: Key = d["origin"]
        if d["refused"] or d["owner"] != track.owner() or track.key_at(d["now"]) is None:
            d["refused"] = True  # refused, or its owner or key went away: swallow the rest
            return True
        start = self.vb.mapSceneToView(ev.buttonDownScenePos())
        here = self.vb.mapSceneToView(ev.scenePos())
        frame = origin.frame + round(here.x() - start.x())
        frame = min(max(frame, track.lowest), self.doc.scene.frames - 1)
        if frame != d["now"] and not track.free(frame, origin):
            frame = d["now"]  # never onto another key: keep the time, still change the value
        value = self.channel.read(origin, d["ref"]) + (here.y() - start.y())
        new = replace(self.channel.write(origin, value, d["ref"]), frame=frame)
        if track.key_at(d["now"]) != new and self.doc.push(track.move(d["now"], new), d["merge"]):
            d["now"] = frame
            track.select(frame)
        return True

    def _set_ease(self, _index: int) -> None:
        frame = self.track.selected()
        if frame is not None:
            self._ease(frame, Easing(self.ease.currentText()))

    def _ease(self, frame: int, ease: Easing) -> None:
        key = self.track.key_at(frame)
        if key is not None and ease is not key.ease:
            self.doc.push(self.track.ease(frame, ease))
            self.refresh()
