"""The inspector: the selected key, the selected object, the scene and the generation settings.

Key: frame, x, y, depth (in artist units, distance relative to the object's rest; the
pseudo-depth spin box and slider after it, with the read-out and its "no depth" warning),
easing, angle and stretch (:mod:`.motion_fields`). Object: points ratio and parent. Scene: size,
frames, fps, field of view. Generation: :class:`.generation_box.GenerationBox`. Each field
pushes one model command when committed; a slider drag is one undo step. Values are re-read
from the scene on every change, so a refused edit snaps back and the command's reason (a range
from :mod:`~levitor_studio.model.limits`, a locked object) is shown. Every range, decimal count
and step comes from that table.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ..model import limits
from ..model.commands import MoveKeyframe, SetObjectProperties, SetSceneTiming, set_easing
from ..model.depth_units import Z_MIN, depth_from_relative, relative_distance
from ..model.keyframes import Easing
from .arrange import ArrangeBox, depth_changed_key
from .document import Document
from .fields import CheckedSpinBox, field
from .generation_box import GenerationBox, spin
from .motion_fields import ParentField, TurnFields, selected_key
from .overlays import depth_readout
from .widgets import Binding

SLIDER_STEPS = 1000


def slider_to_depth(value: int) -> float:
    """Slider position → pseudo-depth on a log scale over [1/255, 1].

    Real depths cluster near the camera (about 0.004–0.02 for a typical photo), so a linear
    slider would leave them all at its far left; on a log scale every disparity step is reachable.
    """
    return float(Z_MIN ** (1.0 - (value - 1) / (SLIDER_STEPS - 1)))


def depth_to_slider(z: float) -> int:
    fraction = 1.0 - math.log(max(z, Z_MIN)) / math.log(Z_MIN)
    return 1 + round(fraction * (SLIDER_STEPS - 1))


class Inspector(QScrollArea):
    """Property editor bound to the document's selection."""

    def __init__(
        self, document: Document, generators: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.doc = document
        self._syncing = False
        self._slider_merge: str | None = None
        body = QWidget()
        col = QVBoxLayout(body)

        self.key_box = QGroupBox("Keyframe")
        f = QFormLayout(self.key_box)
        self.k_frame = CheckedSpinBox(limits.Limit(0, limits.FRAMES.hi - 1, integer=True), "Frame")
        self.k_x = CheckedSpinBox(limits.KEY_COORD, "X")  # the scene's margins in sync()
        self.k_y = CheckedSpinBox(limits.KEY_COORD, "Y")
        # artist units: the range is the depth range relative to the rest, set in sync()
        self.k_dist = CheckedSpinBox(limits.Limit(0.01, 1000.0, decimals=2, step=0.05), "Distance")
        self.k_dist.setPrefix("×")
        self.k_dist.setToolTip(
            "Distance relative to the object's rest: ×2 is twice as far (half the size)"
        )
        self.k_z = CheckedSpinBox(limits.DEPTH, "Pseudo-depth")
        self.k_z.setToolTip("LeviTor's pseudo-depth z in (0, 1]: smaller is nearer")
        self.k_slider = QSlider(Qt.Orientation.Horizontal)
        self.k_slider.setRange(1, SLIDER_STEPS)
        self.k_ease = QComboBox()
        self.k_ease.addItems([e.value for e in Easing])
        self.k_readout = QLabel()
        self.k_readout.setWordWrap(True)
        self.turn = TurnFields(document, (self.k_x, self.k_y))
        self.k_angle, self.k_sx, self.k_sy = self.turn.angle, self.turn.sx, self.turn.sy
        self.k_space = self.turn.space
        for label, w in (
            ("Frame", field(self.k_frame)),
            ("X", field(self.k_x)),
            ("Y", field(self.k_y)),
            ("Distance", field(self.k_dist)),
            ("Pseudo-depth", field(self.k_z)),
            ("", self.k_slider),
            ("Easing", self.k_ease),
            *self.turn.rows(),
            ("", self.k_readout),
        ):
            f.addRow(label, w)
        self.k_frame.committed.connect(lambda v: self._edit_key(frame=int(v)))
        self.k_x.committed.connect(lambda v: self._edit_key(x=float(v)))
        self.k_y.committed.connect(lambda v: self._edit_key(y=float(v)))
        self.k_z.committed.connect(lambda v: self._edit_key(z=float(v)))
        self.k_dist.committed.connect(self._edit_distance)
        self.k_slider.sliderPressed.connect(self._slider_start)
        self.k_slider.valueChanged.connect(self._slider_moved)
        self.k_slider.sliderReleased.connect(lambda: setattr(self, "_slider_merge", None))
        self.k_ease.currentTextChanged.connect(self._edit_ease)

        self.obj_box = QGroupBox("Object")
        f = QFormLayout(self.obj_box)
        self.o_ratio = spin(limits.POINTS_RATIO)
        self.o_ratio.setMinimum(0.0)  # below the range: the scene's own ratio
        self.o_ratio.setSpecialValueText("scene default")
        self.o_ratio.valueChanged.connect(self._edit_ratio)
        f.addRow("Points ratio", self.o_ratio)
        self.parent_field = ParentField(document)
        self.o_parent, self.o_parent_error = self.parent_field.combo, self.parent_field.error
        f.addRow("Parent", self.parent_field)

        scene_box = QGroupBox("Scene")
        f = QFormLayout(scene_box)
        self.s_size = QLabel()
        self.s_frames = CheckedSpinBox(limits.FRAMES, "Frames")
        self.s_fps = CheckedSpinBox(limits.FPS, "FPS")
        self.s_fov = CheckedSpinBox(limits.FOV, "Field of view")
        for label, w in (
            ("Size", self.s_size),
            ("Frames", field(self.s_frames)),
            ("FPS", field(self.s_fps)),
            ("Field of view (°)", field(self.s_fov)),
        ):
            f.addRow(label, w)
        self.s_frames.committed.connect(lambda v: self._timing(frames=int(v)))
        self.s_fps.committed.connect(lambda v: self._timing(fps=float(v)))
        self.s_fov.committed.connect(lambda v: self._timing(fov=float(v)))

        self.gen_box = GenerationBox(document, generators)
        self.g = self.gen_box.g
        self.reset_generation = self.gen_box.reset_generation

        self.arrange_box = ArrangeBox(document, lambda behind: self.doc.orderRequested.emit(behind))
        for box in (self.key_box, self.obj_box, self.arrange_box, scene_box, self.gen_box):
            col.addWidget(box)
        col.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self._binding = Binding()
        self._bind(document)
        self.sync()

    def _bind(self, doc: Document) -> None:
        for sig in (doc.sceneChanged, doc.keySelectionChanged, doc.selectionChanged):
            self._binding.connect(sig, self._on_document_event)

    def _on_document_event(self, *_: Any) -> None:
        self.sync()

    def set_document(self, document: Document) -> None:
        """Edit ``document`` in this same panel."""
        if document is not self.doc:
            self._binding.clear()
            self.doc = document
            self._slider_merge = None
            self._bind(document)
            self.arrange_box.set_document(document)
            for part in (self.turn, self.parent_field, self.gen_box):
                part.doc = document
        self.sync()

    # -- reading the model ---------------------------------------------------------------

    def _key(self) -> tuple[int, Any] | None:
        return selected_key(self.doc)

    def sync(self) -> None:
        self._syncing = True
        scene = self.doc.scene
        hit = self._key()
        self.key_box.setEnabled(hit is not None)
        if hit is not None:
            uid, key = hit
            self.k_frame.set_limit(limits.Limit(0, scene.frames - 1, integer=True))
            for box, limit in zip(
                (self.k_x, self.k_y), limits.key_xy(scene.width, scene.height), strict=True
            ):
                box.set_limit(limit)
            self.k_frame.show_value(key.frame)
            self.k_x.show_value(key.x)
            self.k_y.show_value(key.y)
            self.k_z.show_value(key.z)
            z0 = scene.rest_depth(scene.object(uid))
            self.k_dist.set_limit(limits.Limit(Z_MIN / z0, 1.0 / z0, decimals=2, step=0.05))
            self.k_dist.show_value(relative_distance(key.z, z0))
            # the rest key defines ×1: it moves with the ordering commands or the pseudo-depth
            self.k_dist.setEnabled(key.frame != 0)
            if self._slider_merge is None:
                self.k_slider.setValue(depth_to_slider(key.z))
            self.k_ease.setCurrentText(key.ease.value)
            text, warn = depth_readout(scene, scene.object(uid), key.z)
            self.k_readout.setText(text)
            self.k_readout.setStyleSheet("color: #ff785a;" if warn else "")
            self.turn.show_key(scene, scene.object(uid), key)
        else:
            self.turn.show_key(scene, None, None)
            self.k_readout.setText("Select a keyframe on the image or the timeline")
            self.k_readout.setStyleSheet("")
            for box in (self.k_frame, self.k_x, self.k_y, self.k_dist, self.k_z):
                box.error.hide()  # a refusal belongs to the key it was typed for
        uid = self.doc.selected_uid
        self.obj_box.setEnabled(uid is not None)
        self.obj_box.setTitle("Object" if uid is None else f"Object — {scene.object(uid).name}")
        if uid is not None:
            self.o_ratio.setValue(scene.object(uid).points_ratio or 0.0)
        self.parent_field.show_object(uid)
        self.s_size.setText(f"{scene.width} × {scene.height}")
        self.s_frames.show_value(scene.frames)
        self.s_fps.show_value(scene.fps)
        self.s_fov.show_value(scene.fov)
        self.gen_box.sync()
        self._syncing = False

    # -- writing the model ---------------------------------------------------------------

    def _edit_key(self, merge: str | None = None, **changes: Any) -> None:
        hit = self._key()
        if self._syncing or hit is None:
            return
        uid, key = hit
        if not self.doc.push(MoveKeyframe(uid, key.frame, key.moved(**changes)), merge):
            self.sync()
        elif "frame" in changes:
            self.doc.select_key(uid, changes["frame"])

    def _edit_distance(self, value: float) -> None:
        hit = self._key()
        if self._syncing or hit is None:
            return
        uid, key = hit
        z0 = self.doc.scene.rest_depth(self.doc.scene.object(uid))
        moved = depth_changed_key(self.doc, uid, key.frame, depth_from_relative(value, z0))
        if moved is not None:
            self._edit_key(z=moved.z, y=moved.y)

    def _slider_start(self) -> None:
        self._slider_merge = self.doc.gesture_key("depth-slider")

    def _slider_moved(self, value: int) -> None:
        self._edit_key(merge=self._slider_merge, z=slider_to_depth(value))

    def _edit_ease(self, text: str) -> None:
        hit = self._key()
        if not self._syncing and hit is not None and text != hit[1].ease.value:
            if not self.doc.push(set_easing(self.doc.scene, hit[0], hit[1].frame, Easing(text))):
                self.sync()

    def _edit_ratio(self, value: float) -> None:
        uid = self.doc.selected_uid
        if not self._syncing and uid is not None:
            ratio = value if value > 0 else None
            if not self.doc.push(SetObjectProperties(uid, points_ratio=ratio)):
                self.sync()

    def _timing(self, **changes: Any) -> None:
        if not self._syncing and not self.doc.push(SetSceneTiming(**changes)):
            self.sync()
