"""User preferences (backend per step, backend options such as weights folders, device, autosave)
and the dialog that edits them.

Stored as JSON in the platformdirs config folder (``LEVITOR_STUDIO_CONFIG_DIR`` overrides it, for
tests and portable installs). The dialog lists installed backends from metadata, shows whether
each can run and why not, and refuses a path option that does not exist with a message instead
of closing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..model_store.paths import config_dir  # one definition for the app and the CLI
from ..plugin_host import list_backends
from ..plugin_host.protocols import DEPTH, GENERATOR, SEGMENTER
from .models_page import ModelsPage, weight_specs

KINDS = {SEGMENTER: "Segmenter", DEPTH: "Depth estimator", GENERATOR: "Video generator"}
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass
class Preferences:
    backends: dict[str, str] = field(
        default_factory=lambda: {SEGMENTER: "grabcut", DEPTH: "heuristic", GENERATOR: "preview"}
    )
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    device: str = "auto"
    autosave_s: int = 60

    def options_for(self, backend_id: str) -> dict[str, str]:
        opts = dict(self.options.get(backend_id, {}))
        if self.device != "auto":
            opts.setdefault("device", self.device)
        return opts

    @classmethod
    def load(cls) -> Preferences:
        path = config_dir() / "preferences.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            prefs = cls()
            prefs.backends.update({k: str(v) for k, v in raw.get("backends", {}).items()})
            prefs.options = {str(b): dict(o) for b, o in raw.get("options", {}).items()}
            prefs.device = str(raw.get("device", "auto"))
            prefs.autosave_s = min(
                max(int(raw.get("autosave_s", 60)), 10), 3600
            )  # as the dialog allows
            return prefs
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # missing or damaged file: defaults, the next save repairs it

    def save(self) -> None:
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "preferences.json.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(tmp, folder / "preferences.json")


class PreferencesDialog(QDialog):
    """Backend per kind with its options, device and autosave interval."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.prefs = prefs
        self.combos: dict[str, QComboBox] = {}
        self.status: dict[str, QLabel] = {}
        self.forms: dict[str, QFormLayout] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        self._specs: dict[str, Any] = {}
        outer = QVBoxLayout(self)
        tabs = self.tabs = QTabWidget()
        backends_page = QWidget()
        layout = QVBoxLayout(backends_page)
        tabs.addTab(backends_page, "Backends")
        self.models = ModelsPage(prefs.options)
        tabs.addTab(self.models, "Models")
        outer.addWidget(tabs)
        for kind, title in KINDS.items():
            box = QGroupBox(title)
            form = QFormLayout(box)
            combo = QComboBox()
            for info in list_backends(kind):
                combo.addItem(info.id, info)
            if combo.findText(prefs.backends.get(kind, "")) >= 0:
                combo.setCurrentText(prefs.backends[kind])
            status = QLabel()
            status.setWordWrap(True)
            form.addRow("Backend", combo)
            form.addRow("", status)
            self.combos[kind], self.status[kind], self.forms[kind] = combo, status, form
            combo.currentIndexChanged.connect(lambda _i, k=kind: self._show_options(k))
            layout.addWidget(box)
            self._show_options(kind)
        general = QGroupBox("General")
        form = QFormLayout(general)
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        self.device.setCurrentText(prefs.device if prefs.device in DEVICES else "auto")
        self.autosave = QSpinBox()
        self.autosave.setRange(10, 3600)
        self.autosave.setSuffix(" s")
        self.autosave.setValue(prefs.autosave_s)
        form.addRow("Device", self.device)
        form.addRow("Autosave every", self.autosave)
        layout.addWidget(general)
        layout.addStretch(1)
        layout = outer
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff785a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show_options(self, kind: str) -> None:
        form = self.forms[kind]
        while form.rowCount() > 2:
            form.removeRow(2)
        info = self.combos[kind].currentData()
        self.fields[kind] = {}
        if info is None:
            self.status[kind].setText("No backend of this kind is installed")
            return
        try:
            cls = info.load_class()
            specs = tuple(getattr(cls, "options", ()))
        except Exception as exc:  # a broken plugin: say so and offer no options
            self.status[kind].setText(str(exc))
            return
        saved = self.prefs.options.get(info.id, {})
        avail = info.availability(saved)
        self.status[kind].setText("ready" if avail.ok else f"cannot run: {avail.reason}")
        weights = {id(w) for w in weight_specs(cls)}
        for spec in specs:
            if id(spec) in weights:
                continue  # model weights are set on the Models page
            if spec.kind == "flag":
                w: Any = QCheckBox()
                w.setChecked(
                    saved.get(spec.name, spec.default).lower() in ("1", "true", "yes", "on")
                )
                row: QWidget = w
            elif spec.kind == "choice":
                w = QComboBox()
                w.addItems(list(spec.choices))
                w.setCurrentText(saved.get(spec.name, spec.default))
                row = w
            else:
                w = QLineEdit(saved.get(spec.name, spec.default))
                w.setPlaceholderText(spec.help)
                row = QWidget()
                h = QHBoxLayout(row)
                h.setContentsMargins(0, 0, 0, 0)
                h.addWidget(w, 1)
                if spec.kind in ("path", "dir"):
                    browse = QPushButton("…")
                    browse.clicked.connect(lambda _c=False, e=w, s=spec: self._browse(e, s))
                    h.addWidget(browse)
            w.setToolTip(spec.help)
            self.fields[kind][spec.name] = (spec, w)
            form.addRow(spec.name, row)

    def _browse(self, edit: QLineEdit, spec: Any) -> None:
        if spec.kind == "dir":
            path = QFileDialog.getExistingDirectory(self, spec.help)
        else:
            path = QFileDialog.getOpenFileName(self, spec.help)[0]
        if path:
            edit.setText(path)

    def collect(self) -> Preferences:
        """The edited preferences; raises ``ValueError`` with a readable message on bad input."""
        out = Preferences(
            dict(self.prefs.backends),
            {k: dict(v) for k, v in self.prefs.options.items()},
            self.device.currentText(),
            self.autosave.value(),
        )
        for kind, combo in self.combos.items():
            if combo.currentData() is None:
                continue
            out.backends[kind] = combo.currentText()
            opts: dict[str, str] = {}
            for name, (spec, w) in self.fields.get(kind, {}).items():
                if isinstance(w, QCheckBox):
                    value = "1" if w.isChecked() else ""
                elif isinstance(w, QComboBox):
                    value = w.currentText()
                else:
                    value = w.text().strip()
                if spec.kind in ("path", "dir") and value:
                    p = Path(value).expanduser()
                    if not (p.is_dir() if spec.kind == "dir" else p.exists()):
                        raise ValueError(f"{combo.currentText()} · {name}: {value} does not exist")
                if spec.required and not value:
                    raise ValueError(f"{combo.currentText()} · {name} is required")
                opts[name] = value
            out.options[combo.currentText()] = opts
        for backend_id in self.models.fields:
            out.options.setdefault(backend_id, {}).update(self.models.values(backend_id))
        return out

    def done(self, result: int) -> None:
        self.models.downloads.shutdown()  # a running download stops; Install resumes it
        super().done(result)

    def accept(self) -> None:
        try:
            prefs = self.collect()
            problems = self.models.problems()
            if problems:
                raise ValueError("; ".join(problems))
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.prefs = prefs
        self.prefs.save()
        super().accept()
