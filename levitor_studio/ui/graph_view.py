"""The graph editor's Qt pieces: its view box, which hands key-handle gestures to the editor,
the exclusive toggle buttons of its bar (Object / Camera and the channels), the nearest key
handle to a point and a segment's easing menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QMenu, QToolButton, QWidget

from ..model.keyframes import Easing

CHECKED = "QToolButton:checked { background: #3d6fb4; color: white; }"


class Gestures(Protocol):
    def click_at(self, scene_pos: QPointF) -> None: ...
    def drag(self, ev: Any) -> bool: ...
    def segment_menu(self, scene_pos: QPointF) -> QMenu | None: ...


class GraphViewBox(pg.ViewBox):
    """A view box that gives presses on key handles to the editor, everything else to pan/zoom."""

    def __init__(self, editor: Gestures) -> None:
        super().__init__(enableMenu=False)
        self._editor = editor

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton:
            self._editor.click_at(ev.scenePos())
            ev.accept()
        elif ev.button() == Qt.MouseButton.RightButton:
            menu = self._editor.segment_menu(ev.scenePos())
            if menu is not None:
                menu.popup(ev.screenPos().toPoint())
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


def add_buttons(
    parent: QWidget, bar: QHBoxLayout, buttons: list[tuple[str, Callable[[], None]]]
) -> None:
    """Plain tool buttons (text, slot) added to ``bar``."""
    for text, slot in buttons:
        button = QToolButton(parent, text=text)
        button.clicked.connect(slot)
        bar.addWidget(button)


def nearest(vb: pg.ViewBox, points: Sequence[tuple[Any, float]], at: QPointF, px: float) -> Any:
    """The key of ``points`` (``(key, value)`` pairs) whose handle is within ``px`` screen
    pixels of scene position ``at``, the nearest one (the earlier frame on a tie); None if none."""
    near = []
    for key, value in points:
        d = vb.mapViewToScene(QPointF(key.frame, value)) - at
        near.append((float(np.hypot(d.x(), d.y())), key.frame, key))
    return min((n for n in near if n[0] <= px), default=(0, 0, None))[2]


def easing_menu(parent: QWidget, current: Easing, choose: Callable[[Easing], None]) -> QMenu:
    """One checkable entry per easing, ``current`` checked; picking one calls ``choose``."""
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    for ease in Easing:
        action = menu.addAction(ease.value)
        action.setCheckable(True)
        action.setChecked(ease is current)
        action.setToolTip("Easing of this segment (from its first key)")
        action.triggered.connect(lambda _checked=False, e=ease: choose(e))
    return menu


def framing_key(ev: QEvent) -> Qt.Key | None:
    """``A`` or ``F`` pressed (or about to be taken as a shortcut) without modifiers, else None."""
    if ev.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return None
    key = ev.key()  # type: ignore[attr-defined]
    if key in (Qt.Key.Key_A, Qt.Key.Key_F) and not ev.modifiers():  # type: ignore[attr-defined]
        return Qt.Key(key)
    return None
