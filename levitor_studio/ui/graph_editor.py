"""The graph editor dock: the selected object's x, y, depth or angle over time, keys draggable.

The curve is the object's interpolated motion (:meth:`~levitor_studio.model.scene.Scene.motion`,
what placement reads), one channel at a time so the value axis has one unit: pixels, depth in
artist units (``z_t / z_0``, :func:`~levitor_studio.model.depth_units.relative_distance`), degrees.
A child's keys are shown as authored, in its parent's frame-0 space. Dragging a key handle moves
it in whole frames and in value through :class:`MoveKeyframe` with one gesture key (one undo
step); the combo sets the easing leaving the selected key; ``A`` frames all, ``F`` the selected
key; a line follows the playhead. No data, no timers; document connections go through a
:class:`~.widgets.Binding`, dropped on a swap. A new channel is one row of :data:`CHANNELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..model.commands import MoveKeyframe, locked_refusal, set_easing
from ..model.depth_units import depth_from_relative, relative_distance
from ..model.keyframes import Easing, Keyframe
from ..model.scene import SceneObject
from .document import Document
from .image_tools import PassiveScatter
from .widgets import Binding

HIT_PX = 9.0  # how near (screen pixels) a press must be to a key handle to grab it
#: the least height (screen pixels) of the curve area once the Graph dock is shown
GRAPH_PLOT_MIN = 200


@dataclass(frozen=True)
class Channel:
    """One plotted quantity: its read-out of a motion ``(F, 6)`` and of a key, and its inverse."""

    name: str
    unit: str
    curve: Callable[[NDArray[np.float64], float], NDArray[np.float64]]  # (path, z0) → values
    read: Callable[[Keyframe, float], float]  # (key, z0) → value
    write: Callable[[Keyframe, float, float], Keyframe]  # (key, value, z0) → key


CHANNELS = (
    Channel("x", "px", lambda p, _z0: p[:, 0], lambda k, _z0: k.x, lambda k, v, _z0: k.moved(x=v)),
    Channel("y", "px", lambda p, _z0: p[:, 1], lambda k, _z0: k.y, lambda k, v, _z0: k.moved(y=v)),
    Channel(
        "depth",
        "× rest distance",
        lambda p, z0: np.array([relative_distance(z, z0) for z in p[:, 2]]),
        lambda k, z0: relative_distance(k.z, z0),
        lambda k, v, z0: k.moved(z=depth_from_relative(v, z0)),
    ),
    Channel(
        "angle", "°", lambda p, _: p[:, 3], lambda k, _: k.angle, lambda k, v, _: k.moved(angle=v)
    ),
)


class GraphViewBox(pg.ViewBox):
    """A view box that gives presses on key handles to the editor, everything else to pan/zoom."""

    def __init__(self, editor: GraphEditor) -> None:
        super().__init__(enableMenu=False)
        self._editor = editor

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton:
            self._editor.click_at(ev.scenePos())
            ev.accept()
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton and self._editor.drag(ev):
            ev.accept()
        else:
            super().mouseDragEvent(ev, axis)


class GraphEditor(QWidget):
    """Channel buttons, easing, framing buttons and the plot of the selected object."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.channel = document, CHANNELS[0]
        self._drag: dict[str, Any] | None = None
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        self.channel_buttons = QButtonGroup(self)
        for i, ch in enumerate(CHANNELS):
            b = QPushButton(ch.name, self, checkable=True, checked=i == 0)
            b.setStyleSheet("QPushButton:checked { background: #3d6fb4; color: white; }")
            self.channel_buttons.addButton(b, i)
            bar.addWidget(b)
        self.channel_buttons.idClicked.connect(self.set_channel)
        self.ease = QComboBox(self)
        self.ease.addItems([e.value for e in Easing])
        self.ease.setToolTip("Easing of the segment leaving the selected key")
        self.ease.activated.connect(self._set_ease)
        bar.addWidget(self.ease)
        bar.addStretch(1)
        frames = (("Frame All (A)", self.frame_all), ("Frame Selected (F)", self.frame_selected))
        for text, slot in frames:
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            bar.addWidget(button)

        self.vb = GraphViewBox(self)
        self.plot = pg.PlotWidget(self, viewBox=self.vb, background="#202124")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "frame")
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#4fc3f7", width=2))
        self.handles = PassiveScatter(size=11, pen=pg.mkPen("w"), brush=pg.mkBrush("#ffb300"))
        self.playhead = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#e53935"))
        for item in (self.curve, self.handles, self.playhead):
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
        for signal in (document.sceneChanged, document.keySelectionChanged):
            self._binding.connect(signal, lambda _what: self._changed(self.refresh))
        self._binding.connect(document.selectionChanged, lambda _uid: self._changed(self.show_all))
        self._binding.connect(document.frameChanged, self.playhead.setValue)
        self.show_all()

    def _changed(self, redraw: Callable[[], None]) -> None:
        self._stale = not self.isVisible()  # behind the Timeline's tab: redraw once shown
        if not self._stale:
            redraw()

    def showEvent(self, ev: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(ev)
        if self._stale:
            self._stale = False
            self.show_all()

    def plot_shortfall(self) -> int:
        """How many pixels the curve area lacks of :data:`GRAPH_PLOT_MIN` (0 when tall enough)."""
        return max(0, GRAPH_PLOT_MIN - int(self.vb.height()))

    def show_all(self) -> None:
        """Redraw and frame everything (another object, channel or document)."""
        self.refresh()
        self.frame_all()

    def set_channel(self, index: int) -> None:
        self.channel = CHANNELS[index]
        self.channel_buttons.button(index).setChecked(True)
        self.show_all()

    def obj(self) -> SceneObject | None:
        uid = self.doc.selected_uid
        return next((o for o in self.doc.scene.objects if o.uid == uid), None)

    def samples(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The plotted curve: frames and the channel's value at each (empty with no object)."""
        obj = self.obj()
        if obj is None:
            return np.zeros(0), np.zeros(0)
        scene = self.doc.scene
        values = self.channel.curve(scene.motion(obj), scene.rest_depth(obj))
        return np.arange(scene.frames, dtype=np.float64), np.asarray(values, np.float64)

    def key_points(self) -> list[tuple[Keyframe, float]]:
        """The selected object's authored keys with their value in the channel."""
        obj = self.obj()
        if obj is None:
            return []
        z0 = self.doc.scene.rest_depth(obj)
        return [(k, self.channel.read(k, z0)) for k in obj.keyframes]

    def refresh(self) -> None:
        """Curve, handles (the selected key white), axis label, playhead and easing combo."""
        self.curve.setData(*self.samples())
        keys, selected = self.key_points(), self._selected_key()
        brushes = [pg.mkBrush("#ffffff" if k == selected else "#ffb300") for k, _v in keys]
        self.handles.setData([k.frame for k, _v in keys], [v for _k, v in keys], brush=brushes)
        self.plot.setLabel("left", f"{self.channel.name} ({self.channel.unit})")
        self.playhead.setValue(self.doc.frame)
        self.ease.setEnabled(selected is not None)
        if selected is not None:
            self.ease.setCurrentText(Easing(selected.ease).value)

    # -- framing ---------------------------------------------------------------------------

    def frame_all(self) -> None:
        """The whole clip and every value of the curve and the keys."""
        t, values = self.samples()
        both = np.concatenate([values, [v for _k, v in self.key_points()]])
        if len(both):
            self.vb.setRange(xRange=(0, t[-1]), yRange=(both.min(), both.max()), padding=0.08)

    def frame_selected(self) -> None:
        """A few frames around the selected key (all of it when no key is selected)."""
        key, obj = self._selected_key(), self.obj()
        if key is None or obj is None:
            self.frame_all()
            return
        value = self.channel.read(key, self.doc.scene.rest_depth(obj))
        span = max(float(np.ptp(self.samples()[1])) / 4, abs(value) * 0.05, 1e-3)
        self.vb.setRange(xRange=(key.frame - 5, key.frame + 5), yRange=(value - span, value + span))

    def eventFilter(self, watched: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt override
        # A and F here frame the graph, not the window's actions (F fits the image there)
        kind = ev.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            key = ev.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_A, Qt.Key.Key_F) and not ev.modifiers():  # type: ignore[attr-defined]
                ev.accept()
                if kind == QEvent.Type.KeyPress:
                    self.frame_all() if key == Qt.Key.Key_A else self.frame_selected()
                return True
        return super().eventFilter(watched, ev)

    # -- gestures --------------------------------------------------------------------------

    def _selected_key(self) -> Keyframe | None:
        obj, sel = self.obj(), self.doc.selected_key
        if obj is None or sel is None or sel[0] != obj.uid:
            return None
        return obj.key_at(sel[1])

    def key_near(self, scene_pos: QPointF) -> Keyframe | None:
        """The key whose handle is within :data:`HIT_PX` of a scene position, if any."""
        near = []
        for k, v in self.key_points():
            p = self.vb.mapViewToScene(QPointF(k.frame, v)) - scene_pos
            near.append((float(np.hypot(p.x(), p.y())), k.frame, k))
        return min((n for n in near if n[0] <= HIT_PX), default=(0, 0, None))[2]

    def click_at(self, scene_pos: QPointF) -> None:
        obj, key = self.obj(), self.key_near(scene_pos)
        if obj is not None and key is not None:
            self.doc.select_key(obj.uid, key.frame)
        else:
            frame = round(self.vb.mapSceneToView(scene_pos).x())
            self.doc.set_frame(min(max(frame, 0), self.doc.scene.frames - 1))

    def drag(self, ev: Any) -> bool:
        """One step of a left drag; False when it did not start on a key (the view pans)."""
        obj = self.obj()
        if ev.isStart():
            key = self.key_near(ev.buttonDownScenePos())
            if obj is None or key is None:
                self._drag = None
                return False
            self.doc.select_key(obj.uid, key.frame)
            refusal = locked_refusal(self.doc.scene, obj.uid)
            if refusal is not None:
                self.doc.message.emit(refusal)  # said once; the drag then does nothing
            z0, merge = self.doc.scene.rest_depth(obj), self.doc.gesture_key("graph")
            self._drag = {"uid": obj.uid, "origin": key, "now": key.frame, "z0": z0, "merge": merge}
            self._drag["refused"] = refusal is not None
        d = self._drag
        if d is None:
            return False
        if ev.isFinish():
            self._drag = None
        if d["refused"] or obj is None or obj.uid != d["uid"]:
            d["refused"] = True  # locked, or the object went away mid-drag: swallow the rest
            return True
        start = self.vb.mapSceneToView(ev.buttonDownScenePos())
        here = self.vb.mapSceneToView(ev.scenePos())
        origin: Keyframe = d["origin"]
        frame = min(max(origin.frame + round(here.x() - start.x()), 0), self.doc.scene.frames - 1)
        if frame != d["now"] and obj.key_at(frame) is not None:
            frame = d["now"]  # never onto another key: keep the time, still change the value
        value = self.channel.read(origin, d["z0"]) + (here.y() - start.y())
        new = self.channel.write(origin, value, d["z0"]).moved(frame=frame)
        move = MoveKeyframe(d["uid"], d["now"], new)
        if obj.key_at(d["now"]) != new and self.doc.push(move, d["merge"]):
            d["now"] = frame
            self.doc.select_key(d["uid"], frame)
        return True

    def _set_ease(self, _index: int) -> None:
        key, obj, ease = self._selected_key(), self.obj(), Easing(self.ease.currentText())
        if key is not None and obj is not None and ease is not key.ease:
            self.doc.push(set_easing(self.doc.scene, obj.uid, key.frame, ease))
