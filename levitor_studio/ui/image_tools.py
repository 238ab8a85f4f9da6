"""Mouse tools of the image view: select, box, include/exclude clicks, brush, add key, depth.

:class:`ToolViewBox` routes pyqtgraph's click, drag and wheel events to :class:`ToolController`,
which turns them into model commands on the document; whatever a tool does not consume falls
back to pyqtgraph's pan (left/middle drag) and zoom (wheel). The ``*_at`` methods take working
pixel coordinates and are the one code path for the mouse and for tests. A drag or a run of
wheel steps on one key pushes with one merge key, so it is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from ..engine.placement import object_pose
from ..model.commands import MoveKeyframe, SetKeyframe, SetObjectMask, locked_refusal
from ..model.depth_units import Z_MAX, Z_MIN
from ..model.errors import InputError
from ..model.keyframes import Easing, Keyframe
from ..model.ordering import Thing, order, segment_at
from .arrange import depth_changed_key
from .motion_fields import key_readout, wheel_kind, wheel_turn
from .overlays import CameraView, key_from_view, key_to_view, paint_disc, pose_to_frame0

if TYPE_CHECKING:
    from .image_view import ImageView

HIT_PX = 9.0  # how close (screen pixels) a click must be to grab a key
WHEEL_STEP = 1.06  # depth factor per wheel notch (up = nearer)
BRUSH_MIN, BRUSH_MAX = 1.0, 128.0  # brush radius bounds (working pixels)
BRUSH_DEFAULT = 8.0


def brush_step(radius: float, larger: bool) -> float:
    """The brush radius after one ``]`` (``larger``) or ``[`` press.

    Steps are ×1.5 / ÷1.5 rounded to whole pixels, but always at least one pixel, so small
    brushes still change (8 → 12 → 18 …, 8 → 5 → 3 → 2 → 1); clamped to 1..128 px.
    """
    if larger:
        r = max(radius + 1.0, round(radius * 1.5))
    else:
        r = min(radius - 1.0, round(radius / 1.5))
    return float(np.clip(r, BRUSH_MIN, BRUSH_MAX))


def segment_hint(doc: Any, tool: Tool) -> str:
    """What the box / clicks tool will do now: edit the selected object, or make a new one."""
    what = "Box" if tool is Tool.BOX else "Clicks"
    uid = doc.selected_uid
    if uid is None:
        return f"{what}: makes a new object (select an object to edit its mask instead)"
    name = doc.scene.object(uid).name
    return f"{what}: edits the mask of {name} — hold Ctrl for a new object, Esc to deselect"


class Tool(StrEnum):
    SELECT = "select"
    BOX = "box"
    CLICKS = "clicks"
    BRUSH = "brush"
    KEY = "key"


class PassiveScatter(pg.ScatterPlotItem):
    """Scatter points that leave clicks to the view box (pyqtgraph's would swallow them)."""

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        ev.ignore()


class ToolViewBox(pg.ViewBox):
    """A view box that offers its mouse events to the active tool first."""

    def __init__(self, tools: ToolController) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self._tools = tools

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        p = self.mapToView(ev.pos())
        if self._tools.click_at(p.x(), p.y(), ev.button(), ev.modifiers()):
            ev.accept()
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        p = self.mapToView(ev.pos())
        phase = "start" if ev.isStart() else "finish" if ev.isFinish() else "move"
        start = self.mapToView(ev.buttonDownPos())
        if self._tools.drag_at(
            phase, start.x(), start.y(), p.x(), p.y(), ev.button(), ev.modifiers()
        ):
            ev.accept()
        else:
            super().mouseDragEvent(ev, axis)

    def wheelEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        p = self.mapToView(ev.pos())
        steps = ev.delta() / 120.0
        ctrl = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        # Ctrl+wheel always zooms (about the cursor); the plain wheel on a key is its depth
        if not ctrl and self._tools.wheel_at(p.x(), p.y(), steps, ev.modifiers()):
            ev.accept()
        else:
            super().wheelEvent(ev, axis)


class ToolController:
    """Turns pointer gestures into document commands for the active :class:`Tool`."""

    def __init__(self, view: ImageView) -> None:
        self.view = view
        self.tool = Tool.SELECT
        self.brush_radius = BRUSH_DEFAULT
        self._drag: dict[str, Any] | None = None
        self._wheel_key: tuple[int, int] | None = None
        self._wheel_kind = "depth"
        self._wheel_merge = ""
        # a child of the view: Qt deletes it with the view, on the GUI thread. A parentless
        # timer died with this plain-Python controller, whose cycle with the view only Python's
        # collector breaks, on whichever thread it runs: a worker could destroy the running
        # timer, which Qt then fired on freed memory (issue 12, the segfault in tests/ui)
        self._wheel_idle = QTimer(view)
        self._wheel_idle.setSingleShot(True)
        self._wheel_idle.setInterval(700)
        self._wheel_idle.timeout.connect(self._end_wheel)
        self._pick: Callable[[Thing], None] | None = None

    def build_items(self) -> None:
        self.band = QGraphicsRectItem()
        self.band.setPen(QPen(QColor(255, 255, 255), 0, Qt.PenStyle.DashLine))
        self.band.setBrush(QColor(255, 255, 255, 30))
        self.band.setZValue(50)
        self.band.hide()
        self.view.vb.addItem(self.band, ignoreBounds=True)
        self.prompt_marks = PassiveScatter(size=11, pxMode=True, symbol="+")
        self.prompt_marks.setZValue(51)
        self.view.vb.addItem(self.prompt_marks, ignoreBounds=True)

    @property
    def doc(self) -> Any:
        return self.view.doc

    def set_tool(self, tool: Tool) -> None:
        self.tool = Tool(tool)
        self._drag = None
        self.band.hide()
        if self.tool is not Tool.CLICKS:
            self.set_prompt_marks([])
        if self.tool is Tool.BRUSH:
            self.doc.message.emit(f"Brush {self.brush_radius:g} px — [ and ] change the size")
        if self.tool in (Tool.BOX, Tool.CLICKS):
            self.doc.message.emit(segment_hint(self.doc, self.tool))

    def reset(self) -> None:
        """Forget gestures in progress (the document under the view was replaced)."""
        self._drag = None
        self._wheel_key = None
        self._pick = None
        self.band.hide()
        self.set_prompt_marks([])

    def step_brush(self, larger: bool) -> float:
        """Resize the brush one step (``]`` / ``[``) and say the new size in the status bar."""
        self.brush_radius = brush_step(self.brush_radius, larger)
        self.doc.message.emit(f"Brush {self.brush_radius:g} px")
        return self.brush_radius

    def set_prompt_marks(self, clicks: list[tuple[float, float, int]]) -> None:
        self.prompt_marks.setData(
            [{"pos": (x, y), "pen": pg.mkPen("g" if pos else "r", width=3)} for x, y, pos in clicks]
        )

    # -- hit tests -----------------------------------------------------------------------

    def key_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The visible keyframe ``(uid, frame)`` nearest to ``(x, y)`` within the grab radius."""
        px = self.view.vb.viewPixelSize()
        radius = HIT_PX * max(px[0], px[1], 1e-6)
        best: tuple[float, tuple[int, int]] | None = None
        view = self.view.camera_view()  # handles are drawn through the playhead's camera
        for obj in self.doc.scene.objects:
            if not self.doc.is_visible(obj.uid):
                continue
            for k in obj.keyframes:
                kx, ky = key_to_view(self.doc.scene, obj, k.frame, view)
                d = float(np.hypot(kx - x, ky - y))
                if d <= radius and (best is None or d < best[0]):
                    best = (d, (obj.uid, k.frame))
        return best[1] if best else None

    def object_at(self, x: float, y: float) -> int | None:
        """The nearest (smallest depth) visible object under ``(x, y)`` at the playhead."""
        scene, frame = self.doc.scene, self.doc.frame
        view = self.view.camera_view()
        hits = []
        for obj in scene.objects:
            if not self.doc.is_visible(obj.uid):
                continue
            at = object_pose(scene, obj, frame)
            fx, fy = pose_to_frame0(at, x, y, view)
            if not (np.isfinite(fx) and np.isfinite(fy)):
                continue
            ix, iy = int(np.floor(fx)), int(np.floor(fy))
            if 0 <= iy < scene.height and 0 <= ix < scene.width and obj.mask[iy, ix]:
                hits.append((at.depth, obj.uid))
        return min(hits)[1] if hits else None

    def _editable(self, uid: int) -> bool:
        """False (with the model's reason) for a locked object: a gesture must not start."""
        refusal = locked_refusal(self.doc.scene, uid)
        if refusal is not None:
            self.doc.message.emit(refusal)
        return refusal is None

    # -- gestures ------------------------------------------------------------------------

    def thing_at(self, x: float, y: float) -> Thing | None:
        """The object (nearest at the playhead) or else the static segment under ``(x, y)``."""
        uid = self.object_at(x, y)
        if uid is not None:
            return Thing("object", uid)
        segment = segment_at(self.doc.scene, x, y)
        return Thing("segment", segment) if segment is not None else None

    def start_order(self, behind: bool) -> None:
        """ "Send Behind…" / "Bring in Front of…": the next click(s) pick what and against what."""
        doc = self.doc
        verb = "behind" if behind else "in front of"
        uid = doc.selected_uid
        if uid is not None:
            what = Thing("object", uid)
            name = doc.scene.object(uid).name
            doc.message.emit(
                f"Click the object or segment {name} should go {verb} (right-click cancels)"
            )
            self._pick = lambda other: self._order(what, other, behind)
            return
        doc.message.emit(
            f"Click the object or segment to move, then what it should go {verb} "
            "(right-click cancels)"
        )

        def second(what: Thing) -> None:
            name = what.name(doc.scene)
            doc.message.emit(f"Now click what {name} should go {verb} (right-click cancels)")
            self._pick = lambda other: self._order(what, other, behind)

        self._pick = second

    def _order(self, what: Thing, other: Thing, behind: bool) -> None:
        try:
            command = order(self.doc.scene, what, other, behind)
        except InputError as exc:
            self.doc.message.emit(str(exc))
            return
        if self.doc.push(command):
            self.doc.message.emit(f"{command.label}: done (undo with Ctrl+Z)")

    def _picked(self, x: float, y: float, button: Any) -> bool:
        if button != Qt.MouseButton.LeftButton:
            self._pick = None
            self.doc.message.emit("Ordering cancelled")
            return True
        thing = self.thing_at(x, y)
        if thing is None:
            self.doc.message.emit("Nothing there: click an object or a static segment")
            return True
        pick, self._pick = self._pick, None
        assert pick is not None
        pick(thing)
        return True

    def click_at(self, x: float, y: float, button: Any, modifiers: Any = None) -> bool:
        doc, tool = self.doc, self.tool
        if self._pick is not None:
            return self._picked(x, y, button)
        mods = modifiers or Qt.KeyboardModifier.NoModifier
        if tool is Tool.CLICKS:
            positive = button == Qt.MouseButton.LeftButton and not (
                mods & Qt.KeyboardModifier.ShiftModifier
            )
            new = bool(mods & Qt.KeyboardModifier.ControlModifier)
            self.view.promptClicked.emit(x, y, 1 if positive else 0, new)
            return True
        if button != Qt.MouseButton.LeftButton or tool in (Tool.BOX, Tool.BRUSH):
            return False
        hit = self.key_at(x, y)
        if hit is not None:
            doc.select_key(*hit)
            self.show_readout(*hit)
            return True
        if tool is Tool.KEY:
            return self.add_key_at(x, y)
        uid = self.object_at(x, y)
        doc.select_key(None)
        doc.select(uid)
        self.view.hide_depth_readout()
        return True

    def add_key_at(self, x: float, y: float) -> bool:
        """Key the selected object (or the one under the cursor) at the playhead at ``(x, y)``."""
        doc = self.doc
        width, height = doc.scene.size
        if not (0.0 <= x < width and 0.0 <= y < height):
            doc.message.emit(
                f"No key placed: ({x:.0f}, {y:.0f}) is outside the {width}×{height} image; "
                "click inside it (or drag a key out past the edge)"
            )
            return True
        uid = doc.selected_uid if doc.selected_uid is not None else self.object_at(x, y)
        if uid is None:
            doc.message.emit("Select an object first, then click where it should be")
            return True
        obj = doc.scene.object(uid)
        z = float(doc.scene.trajectory(obj)[doc.frame, 2])
        x, y = key_from_view(doc.scene, obj, doc.frame, x, y, self.view.camera_view())
        if not (np.isfinite(x) and np.isfinite(y)):
            doc.message.emit("No key placed: that point is behind the camera at this frame")
            return True
        old = obj.key_at(doc.frame)
        key = Keyframe(doc.frame, float(x), float(y), z, old.ease if old else Easing.SMOOTH)
        if doc.push(SetKeyframe(uid, key)):
            doc.select_key(uid, doc.frame)
            self.show_readout(uid, doc.frame)
        return True

    def drag_at(
        self, phase: str, x0: float, y0: float, x: float, y: float, button: Any, modifiers: Any
    ) -> bool:
        """One step of a drag; ``phase`` is ``start``, ``move`` or ``finish``."""
        if phase == "start":
            self._drag = self._begin(x0, y0, button, modifiers)
        drag = self._drag
        if drag is None:
            return False
        drag["step"](x0, y0, x, y)
        if phase == "finish":
            drag.get("finish", lambda *a: None)(x0, y0, x, y)
            self._drag = None
        return True

    def _begin(self, x0: float, y0: float, button: Any, modifiers: Any) -> dict[str, Any] | None:
        doc, tool = self.doc, self.tool
        left = button == Qt.MouseButton.LeftButton
        if tool is Tool.BOX and left:
            new = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
            return {
                "step": self._band_step,
                "finish": lambda a, b, x, y: self._band_finish(a, b, x, y, new),
            }
        if tool is Tool.BRUSH and button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            uid = doc.selected_uid
            if uid is None:
                doc.message.emit("Select an object to paint its mask")
                return None
            if not self._editable(uid):
                return None
            erase = not left or bool(modifiers & Qt.KeyboardModifier.ControlModifier)
            stroke = {"last": None, "merge": doc.gesture_key("brush")}
            return {"step": lambda a, b, x, y: self._paint(uid, x, y, not erase, stroke)}
        if tool in (Tool.SELECT, Tool.KEY) and left:
            hit = self.key_at(x0, y0)
            if hit is None or not self._editable(hit[0]):
                return None
            doc.select_key(*hit)
            key = doc.scene.object(hit[0]).key_at(hit[1])
            merge = doc.gesture_key("key-drag")
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                return {"step": lambda a, b, x, y: self._depth_drag(hit, key.z, y - b, merge)}
            view = self.view.camera_view()
            start = key_to_view(doc.scene, doc.scene.object(hit[0]), hit[1], view)
            return {
                "step": lambda a, b, x, y: self._move_key(
                    hit, key, x - a, y - b, merge, view, start
                )
            }
        return None

    def _band_step(self, x0: float, y0: float, x: float, y: float) -> None:
        self.band.setRect(QRectF(min(x0, x), min(y0, y), abs(x - x0), abs(y - y0)))
        self.band.show()

    def _band_finish(self, x0: float, y0: float, x: float, y: float, new: bool = False) -> None:
        self.band.hide()
        w, h = self.doc.scene.size
        box = (
            max(min(x0, x), 0.0),
            max(min(y0, y), 0.0),
            min(max(x0, x), float(w)),
            min(max(y0, y), float(h)),
        )
        if box[2] - box[0] < 3 or box[3] - box[1] < 3:
            self.doc.message.emit("The box is too small: drag around the object")
            return
        self.view.boxDrawn.emit(box, new)

    def _move_key(
        self,
        hit: tuple[int, int],
        key: Keyframe,
        dx: float,
        dy: float,
        merge: str,
        view: CameraView | None = None,
        start: tuple[float, float] | None = None,
    ) -> None:
        """Move the key so that its handle, drawn at ``start`` through ``view`` (its parents
        followed), moves by ``(dx, dy)``; without a view, by ``(dx, dy)`` in its own space."""
        uid, frame = hit
        x, y = key.x + dx, key.y + dy
        obj = next((o for o in self.doc.scene.objects if o.uid == uid), None)
        if view is not None and start is not None and obj is not None:  # gone: the push says so
            x, y = key_from_view(self.doc.scene, obj, frame, start[0] + dx, start[1] + dy, view)
            if not (np.isfinite(x) and np.isfinite(y)):
                return  # the mouse points past the key's plane's horizon
        self.doc.push(MoveKeyframe(uid, frame, key.moved(x=x, y=y)), merge)

    def _depth_drag(self, hit: tuple[int, int], z0: float, dy: float, merge: str) -> None:
        # dragging up brings the key nearer, 100 screen-ish pixels ≈ a factor of e
        z = float(np.clip(z0 * np.exp(dy / 100.0), Z_MIN, Z_MAX))
        self.set_key_depth(hit, z, merge)

    def set_key_depth(self, hit: tuple[int, int], z: float, merge: str | None) -> None:
        uid, frame = hit
        key = depth_changed_key(self.doc, uid, frame, z)
        if key is not None and self.doc.push(SetKeyframe(uid, key), merge):
            self.show_readout(uid, frame)

    def _paint(self, uid: int, x: float, y: float, value: bool, stroke: dict[str, Any]) -> None:
        """Paint from the stroke's previous point to ``(x, y)``: fast moves leave no gaps."""
        scene = self.doc.scene
        obj = scene.object(uid)
        at = object_pose(scene, obj, self.doc.frame)
        fx, fy = pose_to_frame0(at, x, y, self.view.camera_view())
        if not (np.isfinite(fx) and np.isfinite(fy)):
            return
        last = stroke["last"] or (fx, fy)
        stroke["last"] = (fx, fy)
        n = max(int(np.hypot(fx - last[0], fy - last[1]) / (self.brush_radius / 2)), 0) + 1
        mask = obj.mask
        for t in np.linspace(0.0, 1.0, n + 1)[1:] if n > 1 else (1.0,):
            px, py = last[0] + t * (fx - last[0]), last[1] + t * (fy - last[1])
            mask = paint_disc(mask, px, py, self.brush_radius, value)
        if not np.array_equal(mask, obj.mask):
            self.doc.push(SetObjectMask(uid, mask), stroke["merge"])

    def wheel_at(self, x: float, y: float, steps: float, modifiers: Any = None) -> bool:
        """Wheel over a key changes its depth (up = nearer), with Shift its angle (up =
        counter-clockwise), with Alt its x stretch, with Alt+Shift its y stretch; elsewhere it
        zooms. A run of notches on one key and one value is one undo step."""
        if self.tool not in (Tool.SELECT, Tool.KEY):
            return False
        mods = modifiers or Qt.KeyboardModifier.NoModifier
        kind = wheel_kind(
            bool(mods & Qt.KeyboardModifier.ShiftModifier),
            bool(mods & Qt.KeyboardModifier.AltModifier),
        )
        hit = self.key_at(x, y)
        if hit is None and kind == "depth" and self.doc.stay_on_ground:
            hit = self._wheel_key  # a grounded key moves up the floor, away from the cursor
        if hit is None or not self._editable(hit[0]):
            return False
        if (hit, kind) != (self._wheel_key, self._wheel_kind):
            self._wheel_key, self._wheel_kind = hit, kind
            self._wheel_merge = self.doc.gesture_key(f"wheel-{kind}")
        self._wheel_idle.start()
        self.doc.select_key(*hit)
        key = self.doc.scene.object(hit[0]).key_at(hit[1])
        if kind != "depth":
            wheel_turn(self.doc, hit[0], key, kind, steps, self._wheel_merge)
            return True
        z = float(np.clip(key.z / WHEEL_STEP**steps, Z_MIN, Z_MAX))
        self.set_key_depth(hit, z, self._wheel_merge)
        return True

    def _end_wheel(self) -> None:
        self._wheel_key = None

    def show_readout(self, uid: int, frame: int) -> None:
        scene = self.doc.scene
        obj = scene.object(uid)
        key = obj.key_at(frame)
        if key is None:
            return
        text, warn = key_readout(scene, obj, key)
        at = self.view.key_position(uid, frame) or (key.x, key.y)
        self.view.show_depth_readout(text, warn, *at)
