"""The timeline: frame ruler, playhead, the Camera row, one row of keyframes per object.

Click or drag anywhere on the ruler or rows to scrub; drag a key to retime it (one undo step),
Alt-drag to copy it; Space plays/pauses at the scene's fps (looping optional), ←/→ step,
Home/End jump, I (or Insert) inserts a key at the playhead for the selected object or the
selected camera (K too, while the Camera row is selected), Delete removes the selected key. The Camera row (:mod:`.camera_row`) sits
under the ruler. It paints from the :class:`Document` and owns no scene data.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QToolTip, QWidget

from ..model.commands import DeleteKeyframe, MoveKeyframe, SetKeyframe, locked_refusal
from ..model.keyframes import Easing, Keyframe
from ..model.scene import SceneObject
from . import camera_row
from .document import Document
from .overlays import depth_readout
from .timeline_style import (
    BG,
    GRID,
    NAME_W,
    OBJECTS_TOP,
    PLAYHEAD,
    RANGE,
    ROW_BG,
    ROW_H,
    RULER_H,
    TEXT,
)
from .widgets import Binding

__all__ = ["NAME_W", "OBJECTS_TOP", "ROW_H", "RULER_H", "Playback", "TimelineWidget"]


class TimelineWidget(QWidget):
    """The painted ruler and key rows; transport lives in :class:`Playback`."""

    playToggled = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.has_generated = False
        self.generated_stale = False  # drawn amber instead of green
        self._press: dict[str, object] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setMinimumHeight(RULER_H + 2 * ROW_H)
        self._binding = Binding()
        self._bind(document)

    def _bind(self, doc: Document) -> None:
        for sig in (
            doc.sceneChanged,
            doc.frameChanged,
            doc.selectionChanged,
            doc.keySelectionChanged,
            doc.visibilityChanged,
            doc.rangeChanged,
            doc.cameraSelectionChanged,
        ):
            self._binding.connect(sig, self._on_document_event)

    def _on_document_event(self, *_: object) -> None:
        self.update()

    def set_document(self, document: Document) -> None:
        """Show ``document``'s keys in this same widget."""
        self._binding.clear()
        self.doc = document
        self._press = None
        self.has_generated = False
        self.generated_stale = False
        self._bind(document)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(800, OBJECTS_TOP + ROW_H * max(len(self.doc.scene.objects), 2) + 6)

    # -- geometry ------------------------------------------------------------------------

    def cell(self) -> float:
        return max((self.width() - NAME_W - 10) / self.doc.scene.frames, 1.0)

    def x_of(self, frame: int) -> float:
        return NAME_W + (frame + 0.5) * self.cell()

    def frame_at(self, x: float) -> int:
        f = int((x - NAME_W) // self.cell())
        return min(max(f, 0), self.doc.scene.frames - 1)

    def row_at(self, y: float) -> int | None:
        row = int((y - OBJECTS_TOP) // ROW_H)
        return row if y >= OBJECTS_TOP and row < len(self.doc.scene.objects) else None

    def key_hit(self, x: float, y: float) -> tuple[int, int] | None:
        row = self.row_at(y)
        if row is None or x < NAME_W:
            return None
        obj = self.doc.scene.objects[row]
        frame = self.frame_at(x)
        return (obj.uid, frame) if obj.key_at(frame) is not None else None

    # -- painting ------------------------------------------------------------------------

    def key_tooltip(self, x: float, y: float) -> str:
        """What hovering a key says: frame, position and depth in artist units."""
        if camera_row.in_row(self, y):
            return camera_row.tooltip(self, x, y)
        hit = self.key_hit(x, y)
        if hit is None:
            return ""
        scene = self.doc.scene
        obj = scene.object(hit[0])
        key = obj.key_at(hit[1])
        if key is None:
            return ""
        depth, _warn = depth_readout(scene, obj, key.z)
        return f"{obj.name}, frame {key.frame}: x {key.x:.0f}, y {key.y:.0f}, {depth}"

    def event(self, ev: QEvent) -> bool:  # Qt override
        if ev.type() == QEvent.Type.ToolTip:
            pos = ev.pos()  # type: ignore[attr-defined]
            text = self.key_tooltip(pos.x(), pos.y())
            if text:
                QToolTip.showText(ev.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        if camera_row.takes_key(self, ev):  # K keys the camera, not the Key tool
            if ev.type() == QEvent.Type.KeyPress:
                camera_row.insert(self.doc)
            return True
        return super().event(ev)

    def paintEvent(self, _ev: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene, doc = self.doc.scene, self.doc
        w, h, cell = self.width(), self.height(), self.cell()
        p.fillRect(self.rect(), BG)
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        camera_row.paint(self, p)
        for row, obj in enumerate(scene.objects):
            y = OBJECTS_TOP + row * ROW_H
            bg = ROW_BG[row % 2].lighter(118) if obj.uid == doc.selected_uid else ROW_BG[row % 2]
            p.fillRect(QRectF(0, y, w, ROW_H), bg)
            p.fillRect(QRectF(8, y + 7, 10, 10), QColor(*obj.color))
            p.setPen(TEXT if doc.is_visible(obj.uid) else TEXT.darker(170))
            p.drawText(QRectF(24, y, NAME_W - 28, ROW_H), Qt.AlignmentFlag.AlignVCenter, obj.name)
        step = max(1, int(round(28 / cell)))
        for f in range(scene.frames):
            x = self.x_of(f)
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(x, RULER_H), QPointF(x, h))
            if f % step == 0:
                p.setPen(TEXT)
                p.drawText(QRectF(x - 20, 2, 40, RULER_H - 6), Qt.AlignmentFlag.AlignCenter, str(f))
        if self.has_generated:
            p.fillRect(
                QRectF(self.x_of(0) - cell / 2, RULER_H - 4, cell * scene.frames, 3),
                QColor(230, 160, 40) if self.generated_stale else QColor(90, 200, 120),
            )
        sel = doc.selected_key
        for row, obj in enumerate(scene.objects):
            yc = OBJECTS_TOP + row * ROW_H + ROW_H / 2
            keys = obj.keyframes
            if len(keys) > 1:
                p.setPen(QPen(QColor(*obj.color).darker(140), 2))
                p.drawLine(
                    QPointF(self.x_of(keys[0].frame), yc), QPointF(self.x_of(keys[-1].frame), yc)
                )
            for k in keys:
                self._diamond(
                    p, self.x_of(k.frame), yc, QColor(*obj.color), sel == (obj.uid, k.frame)
                )
        ghost = self._press.get("ghost") if self._press else None
        if isinstance(ghost, tuple):
            row, frame = ghost
            self._diamond(
                p,
                self.x_of(frame),
                OBJECTS_TOP + row * ROW_H + ROW_H / 2,
                QColor(255, 255, 255, 120),
                False,
            )
        first, last = doc.play_range
        if (first, last) != (0, scene.frames - 1):
            shade = QColor(0, 0, 0, 110)
            left, right = self.x_of(first) - cell / 2, self.x_of(last) + cell / 2
            p.fillRect(QRectF(NAME_W, 0, left - NAME_W, h), shade)
            p.fillRect(QRectF(right, 0, w - right, h), shade)
            p.fillRect(QRectF(left, RULER_H - 4, right - left, 3), RANGE)
        x = self.x_of(doc.frame)
        p.setPen(QPen(PLAYHEAD, 2))
        p.drawLine(QPointF(x, RULER_H - 2), QPointF(x, h))
        p.fillRect(QRectF(x - 13, 2, 26, RULER_H - 6), PLAYHEAD)
        p.setPen(QColor("white"))
        p.drawText(QRectF(x - 13, 2, 26, RULER_H - 6), Qt.AlignmentFlag.AlignCenter, str(doc.frame))
        p.end()

    @staticmethod
    def _diamond(p: QPainter, x: float, y: float, color: QColor, selected: bool) -> None:
        r = 6.5 if selected else 5.5
        poly = QPolygonF(
            [QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]
        )
        p.setBrush(QColor("white") if selected else color)
        p.setPen(QPen(QColor(15, 15, 15), 1.2))
        p.drawPolygon(poly)

    # -- mouse ---------------------------------------------------------------------------

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.position()
        if camera_row.in_row(self, pos.y()):
            self._press = camera_row.press(self, pos.x(), pos.y())
            if self._press is not None:
                return
        hit = self.key_hit(pos.x(), pos.y())
        row = self.row_at(pos.y())
        if hit is not None:
            uid, frame = hit
            self.doc.select_key(uid, frame)
            refusal = locked_refusal(self.doc.scene, uid)
            if refusal is not None:
                self.doc.message.emit(refusal)  # said once; the drag then does nothing
            copy = bool(ev.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._press = {
                "key": hit,
                "now": frame,
                "copy": copy,
                "row": row,
                "merge": self.doc.gesture_key("retime"),
            }
            return
        if row is not None and pos.x() < NAME_W:
            self.doc.select(self.doc.scene.objects[row].uid)
        self._press = {"scrub": True}
        self.doc.set_frame(self.frame_at(pos.x()))

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        press = self._press
        if press is None:
            return
        target = self.frame_at(ev.position().x())
        if "scrub" in press:
            self.doc.set_frame(target)
            return
        if "camera" in press:
            camera_row.drag(self, press, target)
            return
        if "key" not in press:
            return
        uid, origin = press["key"]  # type: ignore[misc]
        obj = _live_object(self.doc, uid)
        if obj is None:  # deleted while the mouse was down
            return
        if press["copy"]:
            press["ghost"] = (press["row"], target)
            press["target"] = target
            self.update()
            return
        now = press["now"]
        key = obj.key_at(now)  # type: ignore[arg-type]
        if key is None or target == now or obj.key_at(target) is not None or obj.locked:
            return
        if self.doc.push(MoveKeyframe(uid, now, key.moved(frame=target)), press["merge"]):  # type: ignore[arg-type]
            press["now"] = target
            self.doc.select_key(uid, target)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        press, self._press = self._press, None
        if press and press.get("copy") and "target" in press:
            uid, origin = press["key"]  # type: ignore[misc]
            target = press["target"]
            obj = _live_object(self.doc, uid)
            key = obj.key_at(origin) if obj is not None else None
            if key is not None and target != origin and obj.key_at(target) is None:  # type: ignore[union-attr, arg-type]
                cmd = SetKeyframe(uid, key.moved(frame=target))
                cmd.label = "Copy keyframe"
                if self.doc.push(cmd):
                    self.doc.select_key(uid, target)  # type: ignore[arg-type]
        self.update()

    # -- keyboard ------------------------------------------------------------------------

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = ev.key()
        if key == Qt.Key.Key_Space:
            self.playToggled.emit()
        elif key == Qt.Key.Key_Left:
            self.doc.set_frame(self.doc.frame - 1)
        elif key == Qt.Key.Key_Right:
            self.doc.set_frame(self.doc.frame + 1)
        elif key == Qt.Key.Key_Home:
            self.doc.set_frame(0)
        elif key == Qt.Key.Key_End:
            self.doc.set_frame(self.doc.scene.frames - 1)
        elif key in (Qt.Key.Key_I, Qt.Key.Key_Insert):
            insert_key(self.doc)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            delete_selection(self.doc)
        else:
            super().keyPressEvent(ev)


def insert_key(doc: Document) -> bool:
    """Key the selected object (or camera) at the playhead where it currently is (I)."""
    if doc.camera_selected:
        return camera_row.insert(doc)
    uid = doc.selected_uid
    if uid is None:
        doc.message.emit("Select an object to insert a keyframe")
        return False
    obj = doc.scene.object(uid)
    x, y, z = doc.scene.trajectory(obj)[doc.frame]
    old = obj.key_at(doc.frame)
    key = Keyframe(doc.frame, float(x), float(y), float(z), old.ease if old else Easing.SMOOTH)
    if doc.push(SetKeyframe(uid, key)):
        doc.select_key(uid, doc.frame)
        return True
    return False


def delete_selection(doc: Document) -> bool:
    """Delete the selected key (an object's or the camera's), or else the selected object."""
    from ..model.commands import RemoveObject

    if doc.camera_selected:
        return camera_row.delete(doc)
    sel = doc.selected_key
    owner = _live_object(doc, sel[0]) if sel is not None else None
    if owner is None or owner.key_at(sel[1]) is None:  # type: ignore[index]
        sel = None  # the key (or its object) is gone: fall back to the object
    if sel is not None:
        ok = doc.push(DeleteKeyframe(*sel))
        if ok:
            doc.select_key(None)
        return ok
    if doc.selected_uid is not None:
        ok = doc.push(RemoveObject(doc.selected_uid))
        if ok:
            doc.select(None)
        return ok
    doc.message.emit("Nothing selected to delete")
    return False


def _live_object(doc: Document, uid: int) -> SceneObject | None:
    """The object, or None when it was deleted since a view remembered its id."""
    return next((o for o in doc.scene.objects if o.uid == uid), None)


class Playback(QTimer):
    """Plays the playhead at the scene's fps; stops at the end unless looping."""

    playingChanged = Signal(bool)

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else document)
        self.doc = document
        self.loop = True
        # a coarse timer may fire 5 % early or late, and a whole-millisecond interval drifts
        # (42 ms is 23.8 fps, not 24): each tick is aimed at its own deadline instead
        self.setTimerType(Qt.TimerType.PreciseTimer)
        self._deadline = 0.0
        self.timeout.connect(self._tick)

    def toggle(self) -> None:
        if self.isActive():
            self.stop()
        else:
            first, last = self.doc.play_range
            if not first <= self.doc.frame < last:
                self.doc.set_frame(first)  # play the in/out range from its start
            self._deadline = time.perf_counter() + 1.0 / self.doc.scene.fps
            self.start(max(int(round(1000.0 / self.doc.scene.fps)), 1))
        self.playingChanged.emit(self.isActive())

    def _tick(self) -> None:
        now, period = time.perf_counter(), 1.0 / self.doc.scene.fps
        # the next frame is due a period after this one's deadline; a stall resyncs to now
        self._deadline = max(self._deadline + period, now + period / 2)
        self.setInterval(max(int(round((self._deadline - now) * 1000.0)), 1))
        first, last = self.doc.play_range
        if first <= self.doc.frame < last:
            self.doc.set_frame(self.doc.frame + 1)
        elif self.loop:
            self.doc.set_frame(first)
        else:
            self.stop()
            self.playingChanged.emit(False)
