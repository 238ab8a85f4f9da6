"""The inspector's Generation group: every :class:`GenerationSettings` field and a reset.

One widget per setting (a combo box for the generator and the control mode, check boxes for the
switches, spin boxes with the range, decimals and step of :data:`limits.SETTINGS`). A change
pushes one :class:`SetGenerationSettings`; a refused one snaps back to the scene's value.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QSpinBox,
    QWidget,
)
from superqt import QLargeIntSpinBox

from ..model import limits
from ..model.commands import SetGenerationSettings
from ..model.scene import CONTROL_MODES, GenerationSettings
from .document import Document


def spin(limit: limits.Limit) -> Any:
    """A spin box with the range, decimals and step of a table entry."""
    lo, hi = limit.widget_range()
    if limit.integer:
        # a plain QSpinBox stops at 2^31 - 1: a larger range (the seed) needs a large-int box
        box = QSpinBox() if hi < 2**31 else QLargeIntSpinBox()
        box.setRange(int(lo), int(hi))
    else:
        box = QDoubleSpinBox()
        box.setDecimals(limit.decimals)
        box.setSingleStep(limit.step)
        box.setRange(lo, hi)
    box.setKeyboardTracking(False)  # commit on Enter / focus out, not per keystroke
    return box


class GenerationBox(QGroupBox):
    """The generation settings of the document's scene (``doc`` may be replaced)."""

    def __init__(
        self, document: Document, generators: list[str] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Generation", parent)
        self.doc = document
        self._syncing = False
        f = QFormLayout(self)
        self.g: dict[str, Any] = {}
        specs: dict[str, Any] = {"generator": QComboBox()}
        specs.update({name: spin(limit) for name, limit in limits.SETTINGS.items()})
        specs.update(control_mode=QComboBox(), use_ids=QCheckBox(), use_depth=QCheckBox())
        specs["generator"].addItems(generators or ["preview"])
        specs["control_mode"].addItems(list(CONTROL_MODES))
        for name, w in specs.items():
            f.addRow(name.replace("_", " ").capitalize(), w)
            self.g[name] = w
            if isinstance(w, QComboBox):
                w.currentTextChanged.connect(lambda v, n=name: self._gen(n, v))
            elif isinstance(w, QCheckBox):
                w.toggled.connect(lambda v, n=name: self._gen(n, bool(v)))
            else:
                w.valueChanged.connect(lambda v, n=name: self._gen(n, v))
        reset = QPushButton("Reset to defaults")
        reset.clicked.connect(self.reset_generation)
        f.addRow(reset)

    def sync(self) -> None:
        """Show the scene's settings."""
        self._syncing = True
        for name, w in self.g.items():
            value = getattr(self.doc.scene.settings, name)
            if isinstance(w, QComboBox):
                if w.findText(str(value)) < 0:
                    w.addItem(str(value))
                w.setCurrentText(str(value))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            else:
                w.setValue(value)
        self._syncing = False

    def _gen(self, name: str, value: Any) -> None:
        if self._syncing or getattr(self.doc.scene.settings, name) == value:
            return
        if not self.doc.push(SetGenerationSettings({name: value})):
            self.sync()

    def reset_generation(self) -> None:
        """Every setting back to the generator's default (one undo step)."""
        defaults = GenerationSettings(generator=self.doc.scene.settings.generator)
        changes = {f.name: getattr(defaults, f.name) for f in fields(GenerationSettings)}
        changes = {k: v for k, v in changes.items() if getattr(self.doc.scene.settings, k) != v}
        if changes:
            self.doc.push(SetGenerationSettings(changes))
