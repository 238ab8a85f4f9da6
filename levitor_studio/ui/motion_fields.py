"""The inspector's rotation, stretch and parent fields (issue 17, ``scene-model.md`` § Parents).

:class:`TurnFields` edits the selected key's ``angle`` (degrees, counter-clockwise on screen)
and ``stretch`` ``(sx, sy)`` through :func:`~levitor_studio.model.commands.set_turn`: one undo
step per typed value, and one per run of arrow clicks or wheel notches on one field of one key.
:class:`ParentField` lists "None" and the other objects; choosing one pushes
:class:`~levitor_studio.model.commands.SetParent`. A refused edit (a range from
:mod:`~levitor_studio.model.limits`, a locked object, a cycle) keeps the previous value and shows
the command's reason under the field. A child's keys are shown exactly as stored, in its
parent's frame-0 space, and the fields say so. :func:`wheel_turn` is the image view's gesture
for the same values (Shift+wheel turns a key, Alt+wheel stretches it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from ..model import limits
from ..model.commands import Command, SetParent, set_turn
from ..model.errors import InputError
from ..model.keyframes import Keyframe
from ..model.scene import Scene, SceneObject
from .document import Document
from .fields import CheckedSpinBox, field
from .overlays import depth_readout

ANGLE_TIP = (
    "Degrees counter-clockwise on screen, about the key (Shift+wheel on the key: 5° a notch)"
)
SX_TIP = "Horizontal stretch factor, 1 = none (Alt+wheel on the key)"
SY_TIP = "Vertical stretch factor, 1 = none (Alt+Shift+wheel on the key)"
PARENT_TIP = (
    "The object this one follows (a rider on a horse): its keys are then stored in the "
    "parent's frame-0 space, so at frame 0 it stays where it is and later it moves with the parent"
)


def space_note(scene: Scene, obj: SceneObject) -> str:
    """What a child's key fields show ("" for an object that follows nothing)."""
    if obj.parent is None:
        return ""
    name = scene.object(obj.parent).name
    return (
        f"Follows {name}: x, y, angle and stretch are stored in {name}'s frame-0 space and shown "
        f"as stored; the image shows them moved with {name}"
    )


def key_readout(scene: Scene, obj: SceneObject, key: Keyframe) -> tuple[str, bool]:
    """The key's read-out: its depth (:func:`.overlays.depth_readout`), then its angle and
    stretch where they are not the neutral 0° and 1 × 1."""
    text, warn = depth_readout(scene, obj, key.z)
    if key.angle != 0.0:
        text += f" · angle {key.angle:g}°"
    if tuple(key.stretch) != (1.0, 1.0):
        text += f" · stretch {key.stretch[0]:g} × {key.stretch[1]:g}"
    return text, warn


def turn_command(
    scene: Scene,
    uid: int,
    frame: int,
    angle: float | None = None,
    stretch: tuple[float, float] | None = None,
) -> Command:
    """:func:`set_turn`, named for the undo history ("Turn key" / "Stretch key")."""
    command = set_turn(scene, uid, frame, angle=angle, stretch=stretch)
    command.label = "Turn key" if angle is not None else "Stretch key"
    return command


def push_reason(doc: Document, command: Command | None, merge: str | None = None) -> str | None:
    """Push ``command``; None when it was applied, else the reason it was refused."""
    said: list[str] = []

    def hear(text: str) -> None:
        said.append(text)

    doc.message.connect(hear)
    try:
        ok = command is not None and doc.push(command, merge)
    finally:
        doc.message.disconnect(hear)
    return None if ok else (said[-1] if said else "the edit was refused")


def selected_key(doc: Document) -> tuple[int, Keyframe] | None:
    """The selected key ``(uid, key)``, or None (nothing selected, or it is gone)."""
    sel = doc.selected_key
    if sel is None:
        return None
    try:
        key = doc.scene.object(sel[0]).key_at(sel[1])
    except KeyError:
        return None
    return (sel[0], key) if key is not None else None


class StepSpinBox(CheckedSpinBox):
    """A checked spin box that tells a commit by its arrows or the wheel from a typed one."""

    def __init__(self, limit: limits.Limit, what: str, tip: str) -> None:
        super().__init__(limit, what)
        self.tip = tip
        self.setToolTip(tip)
        self.stepped = False

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        self.stepped = True
        try:
            super().stepBy(steps)
        finally:
            self.stepped = False


class TurnFields:
    """Angle, stretch x and stretch y of the document's selected key."""

    def __init__(self, document: Document, position_boxes: tuple[CheckedSpinBox, ...]) -> None:
        self.doc = document
        self.angle = StepSpinBox(limits.ANGLE, "Angle", ANGLE_TIP)
        self.sx = StepSpinBox(limits.STRETCH, "Stretch x", SX_TIP)
        self.sy = StepSpinBox(limits.STRETCH, "Stretch y", SY_TIP)
        self.space = QLabel()
        self.space.setWordWrap(True)
        self.space.hide()
        self._position = {box: box.toolTip() for box in position_boxes}
        self._step: tuple[tuple[int, int, int], str] | None = None
        for box, name in ((self.angle, "angle"), (self.sx, "sx"), (self.sy, "sy")):
            box.committed.connect(lambda v, b=box, n=name: self._commit(b, n, v))
            box.editingFinished.connect(self._end_step)  # Enter or focus out ends a run

    def rows(self) -> list[tuple[str, QWidget]]:
        """The form rows, label first."""
        return [
            ("Angle (°)", field(self.angle)),
            ("Stretch x", field(self.sx)),
            ("Stretch y", field(self.sy)),
            ("", self.space),
        ]

    def show_key(self, scene: Scene, obj: SceneObject | None, key: Keyframe | None) -> None:
        """Show ``key`` of ``obj`` (None: no key; the fields' reasons go with it)."""
        if key is None or obj is None:
            self._end_step()
            for box, neutral in ((self.angle, 0.0), (self.sx, 1.0), (self.sy, 1.0)):
                box.show_value(neutral)
            note = ""
        else:
            self.angle.show_value(key.angle)
            self.sx.show_value(key.stretch[0])
            self.sy.show_value(key.stretch[1])
            note = space_note(scene, obj)
        self.space.setText(note)
        self.space.setVisible(bool(note))
        tips = {box: box.tip for box in (self.angle, self.sx, self.sy)} | self._position
        for box, tip in tips.items():
            box.setToolTip("\n".join(t for t in (tip, note) if t))

    def _end_step(self) -> None:
        self._step = None

    def _merge(self, box: StepSpinBox, uid: int, frame: int) -> str | None:
        if not box.stepped:
            self._step = None
            return None
        target = (id(box), uid, frame)
        if self._step is None or self._step[0] != target:
            self._step = (target, self.doc.gesture_key("turn-field"))
        return self._step[1]

    def _commit(self, box: StepSpinBox, name: str, value: float) -> None:
        hit = selected_key(self.doc)
        if hit is None:
            return
        uid, key = hit
        changes: dict[str, Any] = {}
        if name == "angle":
            changes["angle"] = value
        else:
            sx, sy = key.stretch
            changes["stretch"] = (value, sy) if name == "sx" else (sx, value)
        try:
            command: Command | None = turn_command(self.doc.scene, uid, key.frame, **changes)
        except InputError as exc:
            command, reason = None, str(exc)
        else:
            reason = push_reason(self.doc, command, self._merge(box, uid, key.frame))
        if reason is not None:
            self.show_key(self.doc.scene, self.doc.scene.object(uid), key)
            box.error.setText(reason)
            box.error.show()


class ParentField(QWidget):
    """The object's parent: "None" or another object, by name."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.combo = QComboBox()
        self.combo.setToolTip(PARENT_TIP)
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff785a;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.combo)
        layout.addWidget(self.error)
        self._uid: int | None = None
        self._items: list[tuple[str, int | None]] = []
        self._syncing = False
        self.combo.currentIndexChanged.connect(self._chosen)

    def show_object(self, uid: int | None) -> None:
        """List the parents ``uid`` may follow and show its own; forget any reason shown."""
        self._syncing = True
        self._uid = uid
        self.error.hide()
        scene = self.doc.scene
        items: list[tuple[str, int | None]] = [("None", None)]
        items += [(o.name, o.uid) for o in scene.objects if o.uid != uid]
        if items != self._items:
            self._items = items
            self.combo.clear()
            self.combo.addItems([name for name, _ in items])
        current = None if uid is None else scene.object(uid).parent
        self.combo.setCurrentIndex([data for _, data in items].index(current))
        self._syncing = False

    def _chosen(self, index: int) -> None:
        uid = self._uid
        if self._syncing or uid is None or index < 0:
            return
        parent = self._items[index][1]
        if parent == self.doc.scene.object(uid).parent:
            return
        reason = push_reason(self.doc, SetParent(uid, parent))
        if reason is not None:
            self.show_object(uid)
            self.error.setText(reason)
            self.error.show()


#: the image view's wheel gestures on a key, by modifiers: what each changes per notch
TURN_STEP = 5.0  # degrees


def wheel_kind(shift: bool, alt: bool) -> str:
    """What a wheel notch over a key changes: ``depth`` (plain), ``angle`` (Shift), ``sx``
    (Alt) or ``sy`` (Alt+Shift). Ctrl+wheel is the view's zoom and never comes here."""
    if alt:
        return "sy" if shift else "sx"
    return "angle" if shift else "depth"


def wheel_turn(doc: Document, uid: int, key: Keyframe, kind: str, steps: float, merge: str) -> None:
    """Turn (``angle``, 5° a notch, up = counter-clockwise) or stretch (``sx`` / ``sy``, one
    field step a notch) ``key`` of ``uid``, and say the result in the status bar."""
    name = doc.scene.object(uid).name
    if kind == "angle":
        angle = round(key.angle + TURN_STEP * steps, limits.ANGLE.decimals)
        if doc.push(turn_command(doc.scene, uid, key.frame, angle=angle), merge):
            doc.message.emit(
                f"{name}, frame {key.frame}: angle {angle:g}° (Shift+wheel turns 5° a notch)"
            )
        return
    sx, sy = key.stretch
    step = limits.STRETCH.step * steps
    if kind == "sx":
        sx = round(sx + step, limits.STRETCH.decimals)
    else:
        sy = round(sy + step, limits.STRETCH.decimals)
    if doc.push(turn_command(doc.scene, uid, key.frame, stretch=(sx, sy)), merge):
        doc.message.emit(
            f"{name}, frame {key.frame}: stretch {sx:g} × {sy:g} "
            "(Alt+wheel stretches x, Alt+Shift+wheel y)"
        )
