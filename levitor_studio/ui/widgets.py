"""Small widget helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


class Binding:
    """Connections from a view to one document's signals, dropped together on a document swap.

    Views outlive documents (the window swaps the document under them), so each view connects
    through a :class:`Binding` and calls :meth:`clear` before it binds the next document.
    """

    def __init__(self) -> None:
        self._links: list[tuple[Any, Callable[..., object]]] = []

    def connect(self, signal: Any, slot: Callable[..., object]) -> None:
        signal.connect(slot)
        self._links.append((signal, slot))

    def clear(self) -> None:
        links, self._links = self._links, []
        for signal, slot in links:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # the sender is already gone
                pass
