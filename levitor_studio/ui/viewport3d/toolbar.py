"""The 3D viewport's toolbar: camera presets, frame selected, depth exaggeration, occlusion tint,
orbit tool. It only emits signals; the viewport widget acts on them."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .presets import PRESET_LABELS, PRESETS

#: exaggeration slider: gain = 2 ** (value / 100), from ×0.25 to ×4
_SLIDER_RANGE = (-200, 200)


class ViewportToolbar(QWidget):
    """Controls above the 3D view."""

    presetChosen = Signal(str)
    frameSelected = Signal()
    gainChanged = Signal(float)
    tintToggled = Signal(bool)
    orbitRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # two rows: a dock beside the image view is narrow
        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        row = QHBoxLayout()
        rows.addLayout(row)
        self.preset_buttons: dict[str, QToolButton] = {}
        for name in PRESETS:
            button = QToolButton(self)
            button.setText(PRESET_LABELS[name])
            button.setToolTip(f"View: {PRESET_LABELS[name].lower()}")
            button.clicked.connect(lambda _=False, n=name: self.presetChosen.emit(n))
            row.addWidget(button)
            self.preset_buttons[name] = button
        frame = QToolButton(self)
        frame.setText("Frame (F)")
        frame.setToolTip("Fit the selected object, or the whole scene, in the view")
        frame.clicked.connect(self.frameSelected.emit)
        row.addWidget(frame)
        row.addStretch(1)
        row = QHBoxLayout()
        rows.addLayout(row)
        row.addWidget(QLabel("Depth ×", self))
        self.gain_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.gain_slider.setRange(*_SLIDER_RANGE)
        self.gain_slider.setValue(0)
        self.gain_slider.setMinimumWidth(90)
        self.gain_slider.setMaximumWidth(160)
        self.gain_slider.setToolTip(
            "Depth exaggeration along the camera rays (the view through the image camera is "
            "unchanged)"
        )
        self.gain_label = QLabel("1.00", self)
        # rebuilding a 1M-point cloud per slider tick would stall: apply on release
        self.gain_slider.setTracking(False)
        self.gain_slider.sliderMoved.connect(
            lambda v: self.gain_label.setText(f"{self.gain_of(v):.2f}")
        )
        self.gain_slider.valueChanged.connect(self._gain_moved)
        row.addWidget(self.gain_slider)
        row.addWidget(self.gain_label)
        self.tint_box = QCheckBox("Occlusion tint", self)
        self.tint_box.setToolTip("Tint the parts of moving objects that are hidden at this frame")
        self.tint_box.toggled.connect(self.tintToggled.emit)
        row.addWidget(self.tint_box)
        orbit = QPushButton("Orbit…", self)
        orbit.setToolTip("Make one object circle another, passing behind and in front of it")
        orbit.clicked.connect(self.orbitRequested.emit)
        row.addWidget(orbit)
        row.addStretch(1)

    @staticmethod
    def gain_of(value: int) -> float:
        return math.pow(2.0, value / 100.0)

    def _gain_moved(self, value: int) -> None:
        gain = self.gain_of(value)
        self.gain_label.setText(f"{gain:.2f}")
        self.gainChanged.emit(gain)
