"""Small widget helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStyle, QToolButton


def icon_button(
    style: QStyle, icon: QStyle.StandardPixmap, tip: str, slot: Callable[[], object]
) -> QToolButton:
    """A flat tool button with a standard icon and a tooltip, calling ``slot`` when clicked."""
    button = QToolButton()
    button.setIcon(style.standardIcon(icon))
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.clicked.connect(slot)
    return button
