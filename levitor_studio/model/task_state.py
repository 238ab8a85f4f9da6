"""State shared between a background job and whoever watches it (Orange's ``TaskState``).

Qt-free and in the model layer, so engine functions and backends name it in their signatures
(``task: TaskState | None``): they report progress and partial results and poll
:meth:`TaskState.is_cancelled` between steps. The Qt runner (``tasks/runner.py``) creates one
per job and forwards its callbacks as signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .errors import Cancelled


class TaskState:
    """Progress (0..1), a status message, partial results and a cancel flag."""

    def __init__(
        self,
        on_progress: Callable[[float, str], None] | None = None,
        on_partial: Callable[[Any], None] | None = None,
    ) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress
        self._on_partial = on_partial
        self.progress = 0.0
        self.message = ""

    def set_progress(self, fraction: float, message: str = "") -> None:
        self.progress = min(max(float(fraction), 0.0), 1.0)
        self.message = message or self.message
        if self._on_progress is not None:
            self._on_progress(self.progress, self.message)

    def set_partial(self, value: Any) -> None:
        if self._on_partial is not None:
            self._on_partial(value)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancel was requested (call between steps)."""
        if self._cancel.is_set():
            raise Cancelled("cancelled")
