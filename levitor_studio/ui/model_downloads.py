"""Preferences ▸ Models ▸ Download: install catalogue models in one click, with their licence.

One row per catalogue model: what it is, its size and licence, whether it is installed, and an
Install (or Remove) button. Install first shows the licence in a dialog; only an accepted licence
starts the download, which runs on a :class:`~levitor_studio.tasks.runner.TaskRunner` with a
progress bar and Cancel (a cancelled or failed download keeps its partial files, so Install
resumes it). The mirror and catalogue fields are the store settings the command line reads too;
the token is used for gated models and never saved. Nothing here touches the network until
Install is accepted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..model.errors import LevitorError
from ..model_store.catalog import CatalogEntry, human_size, load_catalog
from ..model_store.locate import installed
from ..model_store.paths import StoreSettings
from ..tasks.runner import TaskHandle, TaskRunner

OK_STYLE = "color: #7fd67f;"
BAD_STYLE = "color: #ff785a;"


class DownloadsBox(QGroupBox):
    """Install / remove catalogue models; ``installedChanged`` after each change."""

    installedChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Download models", parent)
        self.runner = TaskRunner(max_threads=1, parent=self)
        self.task: TaskHandle | None = None
        self.settings = StoreSettings.load()
        self.entries: list[CatalogEntry] = []
        self.rows: dict[str, tuple[QLabel, QPushButton, QPushButton]] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Downloads happen only when you press Install and accept the model's licence. "
            "Installed models are used with no further set-up."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.endpoint = QLineEdit(self.settings.endpoint)
        self.endpoint.setPlaceholderText("https://huggingface.co (or HF_ENDPOINT)")
        self.catalog = QLineEdit(self.settings.catalog)
        self.catalog.setPlaceholderText("the catalogue shipped with the app")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("for gated models (SVD-XT); not saved")
        self.catalog.editingFinished.connect(self.reload)
        form.addRow("Mirror", self.endpoint)
        form.addRow("Catalogue file", self.catalog)
        form.addRow("Hugging Face token", self.token)
        layout.addLayout(form)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        bar_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        bar_row.addWidget(self.progress, 1)
        bar_row.addWidget(self.cancel_button)
        layout.addLayout(bar_row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._show_running(False)
        self.reload()

    # -- rows -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the catalogue (the field's file, or the shipped one) and rebuild the rows."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.rows.clear()
        try:
            self.entries = load_catalog(self.catalog.text().strip() or None)
        except LevitorError as exc:
            self.entries = []
            self._say(str(exc), BAD_STYLE)
        for row, entry in enumerate(self.entries):
            extra = " · suggested" if entry.suggested else ""
            extra += " · gated: needs a token" if entry.gated else ""
            what = QLabel(
                f"<b>{entry.title}</b><br>{human_size(entry.size)} · {entry.licence}{extra}"
            )
            what.setWordWrap(True)
            state = QLabel()
            install = QPushButton("Install…")
            install.setObjectName(f"install:{entry.name}")
            install.clicked.connect(lambda _c=False, n=entry.name: self.install(n))
            remove = QPushButton("Remove")
            remove.setObjectName(f"remove:{entry.name}")
            remove.clicked.connect(lambda _c=False, n=entry.name: self.remove(n))
            self.grid.addWidget(what, row, 0)
            self.grid.addWidget(state, row, 1)
            self.grid.addWidget(install, row, 2)
            self.grid.addWidget(remove, row, 3)
            self.rows[entry.name] = (state, install, remove)
        self.grid.setColumnStretch(0, 1)
        self.refresh()

    def refresh(self) -> None:
        have = {m.name for m in installed()}
        for name, (state, install, remove) in self.rows.items():
            state.setText("installed" if name in have else "not installed")
            state.setStyleSheet(OK_STYLE if name in have else "")
            install.setEnabled(name not in have and self.task is None)
            remove.setEnabled(name in have and self.task is None)

    def entry(self, name: str) -> CatalogEntry:
        return next(e for e in self.entries if e.name == name)

    # -- actions ----------------------------------------------------------------------------

    def save_settings(self) -> bool:
        """Keep the mirror and catalogue fields (the command line reads them too)."""
        settings = StoreSettings(self.endpoint.text().strip(), self.catalog.text().strip())
        try:
            settings.save()
        except LevitorError as exc:
            self._say(str(exc), BAD_STYLE)
            return False
        self.settings = settings
        return True

    def install(self, name: str, accept: bool | None = None) -> TaskHandle | None:
        """Show the licence (unless ``accept`` answers for the user), then download."""
        entry = self.entry(name)
        if accept is None:
            answer = QMessageBox.question(
                self,
                f"Install {entry.title}?",
                entry.licence_text() + "\n\nAccept this licence and download?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            accept = answer == QMessageBox.StandardButton.Yes
        if not accept or not self.save_settings():
            return None
        from ..model_store.installer import install

        endpoint, token = self.settings.endpoint, self.token.text().strip() or None

        def job(state: Any) -> Any:
            return install(entry, endpoint, token, state)

        handle = self.runner.submit(f"Installing {entry.title}", job, exclusive="models")
        if handle is None:
            return None
        self.task = handle
        handle.progress.connect(self._on_progress)
        handle.finished.connect(lambda folder: self._done(f"installed in {folder}", OK_STYLE))
        handle.failed.connect(lambda message: self._done(message, BAD_STYLE))
        handle.cancelled.connect(
            lambda: self._done("cancelled: Install again resumes the download", "")
        )
        self._show_running(True)
        self._say(f"installing {entry.title}…", "")
        self.refresh()
        return handle

    def remove(self, name: str, confirm: bool | None = None) -> bool:
        entry = self.entry(name)
        if confirm is None:
            answer = QMessageBox.question(
                self, "Remove model", f"Delete the installed {entry.title}?"
            )
            confirm = answer == QMessageBox.StandardButton.Yes
        if not confirm:
            return False
        from ..model_store.installer import remove

        try:
            remove(name)
        except (LevitorError, OSError) as exc:
            self._say(str(exc), BAD_STYLE)
            return False
        self._say(f"removed {entry.title}", "")
        self.refresh()
        self.installedChanged.emit()
        return True

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def shutdown(self) -> None:
        """Stop a running download (its partial files stay for a later resume)."""
        self.runner.shutdown()

    # -- progress ---------------------------------------------------------------------------

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(message or "%p%")

    def _done(self, message: str, style: str) -> None:
        self.task = None
        self._show_running(False)
        self._say(message, style)
        self.refresh()
        self.installedChanged.emit()

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setValue(0)

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
