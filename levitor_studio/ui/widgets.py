"""Small widget helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QStyle,
    QToolButton,
)


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


def refusal_and_buttons(dialog: QDialog, form: QFormLayout) -> QLabel:
    """The foot of a dialog that checks its input on OK: a wrapping refusal label, then
    OK / Cancel wired to ``accept`` / ``reject``. Returns the label (see :func:`show_refusal`)."""
    label = QLabel(dialog)
    label.setStyleSheet("color: #d55e00")
    label.setWordWrap(True)
    form.addRow(label)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return label


def show_refusal(dialog: QDialog, label: QLabel, text: str) -> None:
    """Show why the input was refused, whole: the dialog grows to fit the wrapped text."""
    label.setText(text)
    dialog.layout().activate()
    dialog.resize(dialog.width(), max(dialog.height(), dialog.sizeHint().height()))
