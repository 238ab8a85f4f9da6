"""The graph editor's Qt pieces: its view box, which hands key-handle gestures to the editor,
and the exclusive toggle buttons of its bar (Object / Camera and the channels)."""

from __future__ import annotations

from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

CHECKED = "QToolButton:checked { background: #3d6fb4; color: white; }"


class Gestures(Protocol):
    def click_at(self, scene_pos: QPointF) -> None: ...
    def drag(self, ev: Any) -> bool: ...


class GraphViewBox(pg.ViewBox):
    """A view box that gives presses on key handles to the editor, everything else to pan/zoom."""

    def __init__(self, editor: Gestures) -> None:
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


def toggle_group(
    parent: QWidget, bar: QHBoxLayout, names: list[str], shown: list[bool]
) -> QButtonGroup:
    """Exclusive checkable buttons added to ``bar``, the first checked; ``shown`` per button.

    Tool buttons, not push buttons: the style's 80 px minimum per push button made the bar of
    twelve channels 1043 px wide."""
    group = QButtonGroup(parent)
    for i, (name, visible) in enumerate(zip(names, shown, strict=True)):
        b = QToolButton(parent, text=name, checkable=True, checked=i == 0, visible=visible)
        b.setStyleSheet(CHECKED)
        group.addButton(b, i)
        bar.addWidget(b)
    return group
