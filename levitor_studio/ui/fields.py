"""Number fields that never silently change what was typed (issue 15 item 3).

A Qt spin box clamps or drops typed characters outside its range: "-1" became 1, "99999" became
999, "5" in a 0…1 field vanished. :class:`CheckedSpinBox` accepts any number as typed, checks it
against its :class:`~levitor_studio.model.limits.Limit` when committed (Enter or focus out), and
either emits :attr:`CheckedSpinBox.committed` or shows the reason in its :attr:`error` label
beside the field and puts the previous value back. The arrows still stop at the range's ends.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QVBoxLayout, QWidget

from ..model.errors import InputError
from ..model.limits import Limit

_WIDE = 1e15  # the widget's own range: wide enough that Qt never clamps what is typed


class CheckedSpinBox(QDoubleSpinBox):
    """A spin box checked against a :class:`Limit` on commit, with its reason label."""

    committed = Signal(float)

    def __init__(self, limit: Limit, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff785a;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.setRange(-_WIDE, _WIDE)
        self.setKeyboardTracking(False)  # commit on Enter / focus out, not per keystroke
        self._last = 0.0
        self.set_limit(limit)
        self.valueChanged.connect(self._on_value)

    def set_limit(self, limit: Limit) -> None:
        self.limit = limit
        self.setDecimals(0 if limit.integer else limit.decimals)
        self.setSingleStep(1.0 if limit.integer else limit.step)

    def show_value(self, value: float) -> None:
        """Show the model's value (no commit) and forget any reason shown."""
        self._last = float(value)
        self.blockSignals(True)
        self.setValue(value)
        self.blockSignals(False)
        self.error.hide()

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        lo, hi = self.limit.widget_range()
        target = min(max(self.value() + steps * self.singleStep(), lo), hi)
        self.setValue(target)

    def check(self, value: Any) -> None:
        """Raise :class:`InputError` with the reason when ``value`` cannot be committed (a
        subclass with a range of its own, such as the camera's artist units, overrides it)."""
        self.limit.check(value, self.what)

    def _on_value(self, value: float) -> None:
        typed: Any = int(round(value)) if self.limit.integer else float(value)
        try:
            self.check(typed)
        except InputError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.blockSignals(True)
            self.setValue(self._last)
            self.blockSignals(False)
            return
        self.error.hide()
        self._last = float(typed)
        self.committed.emit(float(typed))


def field(box: CheckedSpinBox) -> QWidget:
    """The box with its reason label under it, for one form row."""
    row = QWidget()
    layout = QVBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    layout.addWidget(box)
    layout.addWidget(box.error)
    return row
