"""The timeline's Camera row: the camera keys as diamonds above the object rows.

Click the row's name to select the camera (Insert / I / K then keys it at the playhead, Delete
removes its selected key); click a diamond to select that key; drag it to retime it (one undo
step, :func:`~levitor_studio.model.camera_edits.move_key`). Hovering a diamond says the key in
artist units (:mod:`~levitor_studio.model.camera_units`). The widget paints and hands the mouse
here; the selection lives in the model's ``ViewState``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen

from ..model import camera_edits
from ..model.camera_units import CameraUnits
from .timeline_style import NAME_W, ROW_H, RULER_H, TEXT

if TYPE_CHECKING:
    from .timeline import TimelineWidget

CAMERA_COLOR = QColor(120, 200, 235)
CAMERA_BG = QColor(38, 48, 58)


def in_row(tl: TimelineWidget, y: float) -> bool:

    return RULER_H <= y < RULER_H + ROW_H


def key_hit(tl: TimelineWidget, x: float, y: float) -> int | None:
    """The frame of the camera key under ``(x, y)``, or None."""

    if not in_row(tl, y) or x < NAME_W:
        return None
    frame = tl.frame_at(x)
    return frame if camera_edits.key_at(tl.doc.scene, frame) is not None else None


def tooltip(tl: TimelineWidget, x: float, y: float) -> str:
    frame = key_hit(tl, x, y)
    key = None if frame is None else camera_edits.key_at(tl.doc.scene, frame)
    if key is None:
        return ""
    units = CameraUnits.of_scene(tl.doc.scene)
    return f"Camera, frame {key.frame}: {units.describe(key)} · {key.ease.value}"


def paint(tl: TimelineWidget, p: QPainter) -> None:

    doc = tl.doc
    y, w = RULER_H, tl.width()
    p.fillRect(QRectF(0, y, w, ROW_H), CAMERA_BG.lighter(130) if doc.camera_selected else CAMERA_BG)
    p.setPen(QPen(CAMERA_COLOR, 1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(7, y + 8, 9, 8))  # a small camera body and lens
    p.drawPolygon([QPointF(16, y + 12), QPointF(20, y + 9), QPointF(20, y + 15)])
    p.setPen(TEXT)
    p.drawText(QRectF(24, y, NAME_W - 28, ROW_H), Qt.AlignmentFlag.AlignVCenter, "Camera")
    keys = sorted(doc.scene.camera, key=lambda k: k.frame)
    yc = y + ROW_H / 2
    if keys:
        p.setPen(QPen(CAMERA_COLOR.darker(150), 2))
        p.drawLine(QPointF(tl.x_of(0), yc), QPointF(tl.x_of(keys[-1].frame), yc))
    selected = doc.selected_camera_key
    for k in keys:
        tl._diamond(p, tl.x_of(k.frame), yc, CAMERA_COLOR, k.frame == selected)


def press(tl: TimelineWidget, x: float, y: float) -> dict[str, Any] | None:
    """Handle a left press on the camera row: what a drag then needs, or None to scrub (a
    click on the row's name selects the camera and leaves the playhead where it is)."""

    frame = key_hit(tl, x, y)
    if frame is not None:
        tl.doc.select_camera(frame)
        return {"camera": frame, "now": frame, "merge": tl.doc.gesture_key("camera-retime")}
    if x < NAME_W:
        tl.doc.select_camera(None)
        return {"name": True}
    return None


def drag(tl: TimelineWidget, state: dict[str, Any], target: int) -> None:
    """Retime the pressed camera key to ``target`` (free frames only; frame 0 said once)."""
    doc, now = tl.doc, state["now"]
    if target == now or camera_edits.key_at(doc.scene, target) is not None:
        return
    if target == 0 and state.get("refused"):
        return
    if doc.push_camera(lambda: camera_edits.move_key(doc.scene, now, target), state["merge"]):
        state["now"] = target
        doc.select_camera(target)
    elif target == 0:
        state["refused"] = True


def takes_key(tl: TimelineWidget, ev: QEvent) -> bool:
    """Whether ``ev`` is a plain K for the timeline while the Camera row is selected: it keys
    the camera there (the Key tool's K places a selected object, and none is selected then)."""
    if ev.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    key_ev = cast(QKeyEvent, ev)
    ok = tl.doc.camera_selected and key_ev.key() == Qt.Key.Key_K and not key_ev.modifiers()
    if ok:
        ev.accept()
    return bool(ok)


def insert(doc: Any) -> bool:
    """Key the camera at the playhead with its interpolated values (I / Insert)."""
    frame = doc.frame
    if doc.push_camera(lambda: camera_edits.insert_key(doc.scene, frame)):
        doc.select_camera(frame)
        return True
    return False


def _delete_at(doc: Any, frame: int) -> bool:
    """Delete the camera key at ``frame`` (one undo step) and drop the camera key selection."""
    if doc.push_camera(lambda: camera_edits.delete_key(doc.scene, frame)):
        doc.select_camera(None)
        return True
    return False


def delete(doc: Any) -> bool:
    """Delete the selected camera key (Delete with the camera row selected)."""
    frame = doc.selected_camera_key
    if frame is None:
        doc.message.emit("Select a camera key to delete: click its diamond on the Camera row")
        return False
    return _delete_at(doc, frame)


def delete_current(doc: Any) -> bool:
    """Camera ▸ Delete Camera Key: the selected camera key, else the key at the playhead."""
    frame = doc.selected_camera_key
    if frame is None:
        frame = doc.frame
        if camera_edits.key_at(doc.scene, frame) is None:
            doc.message.emit(
                f"No camera key at frame {frame}: select one on the Camera row or move the "
                "playhead onto one"
            )
            return False
    return _delete_at(doc, frame)


def clear(doc: Any) -> bool:
    """Camera ▸ Clear Camera Move: every camera key, one undo step."""
    return bool(doc.push_camera(lambda: camera_edits.clear(doc.scene)))


def preset(doc: Any, name: str) -> bool:
    """A one-click move of :data:`~levitor_studio.model.camera_edits.PRESETS` over the in/out
    range (the whole clip by default), one undo step."""
    first, last = doc.play_range
    if doc.push_camera(lambda: camera_edits.preset(doc.scene, name, first, last)):
        doc.select_camera(last)
        return True
    return False
