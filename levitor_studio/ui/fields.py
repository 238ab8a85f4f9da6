"""Number fields that never silently change what was typed (issue 15 item 3).

A Qt spin box clamps or drops typed characters outside its range: "-1" became 1, "99999" became
999, "5" in a 0…1 field vanished, "400" in a −360…360 angle became 40. :class:`TypedSpinBox`
keeps any number as typed (its Qt range is wide, and it commits on Enter or focus out, not per
keystroke); its arrows stop at its :class:`~levitor_studio.model.limits.Limit`'s ends and
:meth:`TypedSpinBox.checked` refuses a value outside it with a one-line reason, which a dialog
shows on OK while staying open. :class:`CheckedSpinBox` (the inspector's) checks on commit
instead, and either emits :attr:`CheckedSpinBox.committed` or shows the reason in its
:attr:`error` label beside the field and puts the previous value back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QVBoxLayout, QWidget

from ..model.errors import InputError
from ..model.limits import Limit

_WIDE = 1e15  # the widget's own range: wide enough that Qt never clamps what is typed


class TypedSpinBox(QDoubleSpinBox):
    """A number box that keeps what was typed, out of range too, for a dialog to check on OK.

    ``what`` names the field in the reason; ``outside`` (e.g. ``"the clip (0…15)"``) words it
    as "Last frame 20 is outside the clip (0…15)" instead of the limit's own description.
    ``auto`` (e.g. ``"from A's position"``) adds an automatic value one arrow step below the
    limit, shown as that text; :meth:`checked` gives None for it.
    """

    def __init__(
        self,
        limit: Limit,
        value: float | None = None,
        what: str = "",
        parent: QWidget | None = None,
        *,
        outside: str = "",
        auto: str = "",
    ) -> None:
        super().__init__(parent)
        self.what, self.outside, self.auto = what, outside, auto
        self.setRange(-_WIDE, _WIDE)
        self.setKeyboardTracking(False)  # commit on Enter / focus out, not per keystroke
        self.set_limit(limit)
        if auto:
            self.setSpecialValueText(auto)  # shown at the minimum, −_WIDE
        self.setValue(self.minimum() if value is None else value)

    def set_limit(self, limit: Limit) -> None:
        self.limit = limit
        self.setDecimals(0 if limit.integer else limit.decimals)
        self.setSingleStep(1.0 if limit.integer else limit.step)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        lo, hi = self.limit.widget_range()
        if self.is_auto():
            target = lo if steps > 0 else self.minimum()
        elif self.auto and steps < 0 and self.value() <= lo:
            target = self.minimum()
        else:
            target = min(max(self.value() + steps * self.singleStep(), lo), hi)
        self.setValue(target)

    def is_auto(self) -> bool:
        self.interpretText()
        return bool(self.auto) and self.value() == self.minimum()

    def typed(self) -> int | float:
        """The value as typed (a whole number for an integer limit), even before Enter."""
        self.interpretText()  # what is typed but not yet committed counts
        return int(round(self.value())) if self.limit.integer else float(self.value())

    def whole(self) -> int:
        self.interpretText()
        return int(round(self.value()))

    def checked(self) -> int | float | None:
        """The typed value (None for the automatic one), or :class:`InputError` saying why not."""
        if self.is_auto():
            return None
        value = self.typed()
        if self.outside and not self.limit.contains(value):
            raise InputError(f"{self.what} {value:g} is outside {self.outside}")
        return self.limit.check(value, self.what)  # type: ignore[no-any-return]


class CheckedSpinBox(TypedSpinBox):
    """A spin box checked against a :class:`Limit` on commit, with its reason label."""

    committed = Signal(float)

    def __init__(self, limit: Limit, what: str, parent: QWidget | None = None) -> None:
        super().__init__(limit, 0.0, what, parent)
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff785a;")
        self.error.setWordWrap(True)
        self.error.hide()
        self._last = 0.0
        self.valueChanged.connect(self._on_value)

    def show_value(self, value: float) -> None:
        """Show the model's value (no commit) and forget any reason shown."""
        self._last = float(value)
        self.blockSignals(True)
        self.setValue(value)
        self.blockSignals(False)
        self.error.hide()

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
