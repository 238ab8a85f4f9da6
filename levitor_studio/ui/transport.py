"""The timeline dock: transport buttons (first, step, play/pause, loop, fps) above the rows.

Playback advances the document's playhead on a timer at the scene's fps; the preview
refresher answers each frame from its cache when it can, so playback never waits on a render.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..model.commands import SetSceneTiming
from .document import Document
from .timeline import Playback, TimelineWidget
from .widgets import Binding, icon_button


class TimelinePanel(QWidget):
    """Transport controls and the :class:`TimelineWidget`."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.playback = Playback(document, parent=self)
        self.timeline = TimelineWidget(document)
        self.timeline.playToggled.connect(self.playback.toggle)

        style = self.style()
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        buttons = [
            (
                "first",
                QStyle.StandardPixmap.SP_MediaSkipBackward,
                lambda: document.set_frame(0),
                "First frame (Home)",
            ),
            (
                "back",
                QStyle.StandardPixmap.SP_MediaSeekBackward,
                lambda: document.set_frame(document.frame - 1),
                "Previous frame (←)",
            ),
            (
                "play",
                QStyle.StandardPixmap.SP_MediaPlay,
                self.playback.toggle,
                "Play / pause (Space)",
            ),
            (
                "forward",
                QStyle.StandardPixmap.SP_MediaSeekForward,
                lambda: document.set_frame(document.frame + 1),
                "Next frame (→)",
            ),
            (
                "last",
                QStyle.StandardPixmap.SP_MediaSkipForward,
                lambda: document.set_frame(document.scene.frames - 1),
                "Last frame (End)",
            ),
        ]
        self.buttons: dict[str, QToolButton] = {}
        for name, icon, slot, tip in buttons:
            b = icon_button(style, icon, tip, slot)
            bar.addWidget(b)
            self.buttons[name] = b
        self.loop = QCheckBox("Loop")
        self.loop.setChecked(self.playback.loop)
        self.loop.toggled.connect(lambda on: setattr(self.playback, "loop", on))
        bar.addWidget(self.loop)
        bar.addSpacing(12)
        bar.addWidget(QLabel("fps"))
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0.5, 240.0)
        self.fps.setDecimals(1)
        self.fps.setKeyboardTracking(False)
        self.fps.valueChanged.connect(self._set_fps)
        bar.addWidget(self.fps)
        bar.addStretch(1)
        self.frame_label = QLabel()
        bar.addWidget(self.frame_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.timeline, 1)

        self.playback.playingChanged.connect(self._on_playing)
        self._binding = Binding()
        self._bind(document)
        self.sync()

    def _bind(self, doc: Document) -> None:
        self._binding.connect(doc.frameChanged, self._on_document_event)
        self._binding.connect(doc.sceneChanged, self._on_document_event)

    def _on_document_event(self, _what: object) -> None:
        self.sync()

    def set_document(self, document: Document) -> None:
        """Show ``document``'s timeline in this same panel (playback stops)."""
        if document is not self.doc:
            self.playback.stop()
            self._on_playing(False)
            self._binding.clear()
            self.doc = document
            self.playback.doc = document
            self.timeline.set_document(document)
            self._bind(document)
        self.sync()

    def sync(self) -> None:
        scene = self.doc.scene
        self.fps.blockSignals(True)
        self.fps.setValue(scene.fps)
        self.fps.blockSignals(False)
        self.frame_label.setText(f"frame {self.doc.frame} / {scene.frames - 1}")
        self.timeline.updateGeometry()

    def _set_fps(self, fps: float) -> None:
        if abs(fps - self.doc.scene.fps) > 1e-9:
            self.doc.push(SetSceneTiming(fps=fps))
            if self.playback.isActive():
                self.playback.setInterval(max(int(round(1000.0 / fps)), 1))

    def _on_playing(self, playing: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.buttons["play"].setIcon(self.style().standardIcon(icon))
