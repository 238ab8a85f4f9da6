"""The status bar: messages, the depth read-out, and the running task with progress and cancel.

:class:`TaskStatus` follows the window's :class:`~levitor_studio.tasks.runner.TaskRunner`: while
a job runs it shows the job's label, its progress and a Cancel button; otherwise they are hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from ..tasks.runner import TaskHandle, TaskRunner


class TaskStatus(QObject):
    """Permanent widgets of the status bar, bound to the runner's active task."""

    def __init__(self, bar: QStatusBar, runner: TaskRunner) -> None:
        super().__init__(bar)
        self.bar = bar
        self.readout_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 1000)
        self.task_label = QLabel()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self.cancel_task)
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip("Zoom: F fits the image, Ctrl+1 is 100 %, Ctrl+wheel zooms")
        bar.addPermanentWidget(self.readout_label)
        bar.addPermanentWidget(self.zoom_label)
        for w in (self.task_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(w)
            w.hide()
        self._task: TaskHandle | None = None
        runner.activeChanged.connect(self._on_task)

    def _on_task(self, handle: TaskHandle | None) -> None:
        if self._task is not None:
            self._task.progress.disconnect(self._on_progress)
        self._task = handle
        for w in (self.task_label, self.progress, self.cancel_button):
            w.setVisible(handle is not None)
        if handle is not None:
            self.task_label.setText(handle.label)
            self.progress.setValue(0)
            handle.progress.connect(self._on_progress)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if message and self._task is not None:
            self.task_label.setText(f"{self._task.label}: {message}")

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
