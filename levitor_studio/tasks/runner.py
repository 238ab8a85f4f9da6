"""Running :class:`TaskState` jobs off the GUI thread, with results back through queued signals.

:class:`TaskRunner` owns a private ``QThreadPool``: a job is a plain function of a
:class:`TaskState`; its progress, result, failure or cancellation come back as signals, which Qt
delivers on the GUI thread (the signal object lives there, the emit happens in a worker, so the
connection is queued). Exclusive jobs (generation) run one at a time: a second one is refused,
or, for a queued group (exports), started when the running one has ended. The preview refresher
and :func:`frozen_copy` live in :mod:`.preview` (imported from here too). Nothing here calls
``processEvents``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..logs import log_failure
from ..model.errors import Cancelled, LevitorError
from .preview import PreviewRefresher, frozen_copy
from .state import TaskState

__all__ = ["Job", "PreviewRefresher", "TaskHandle", "TaskRunner", "frozen_copy"]

Job = Callable[[TaskState], Any]
log = logging.getLogger(__name__)


class _JobSignals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, label: str, fn: Job, state: TaskState, signals: _JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._label = label
        self._fn = fn
        self._state = state
        self._signals = signals
        self.returned = threading.Event()

    def run(self) -> None:  # worker thread
        try:
            self._run()
        except RuntimeError:  # the watcher was destroyed (window closed without shutdown)
            log.warning("%s: finished after its window closed; nobody to tell", self._label)
        finally:
            self.returned.set()  # from now on this thread no longer touches the signals

    def _run(self) -> None:
        state, sig = self._state, self._signals
        try:
            if state.is_cancelled():
                raise Cancelled("cancelled")
            result = self._fn(state)
        except Cancelled:
            sig.cancelled.emit()
            return
        except Exception as exc:  # a bug in a backend must reach the status bar, not kill us
            # the traceback goes to the log file; the person sees one line
            expected = isinstance(exc, LevitorError)
            sig.failed.emit(log_failure(exc, f"task {self._label!r}", log, expected))
            return
        if state.is_cancelled():
            sig.cancelled.emit()
        else:
            sig.done.emit(result)


class TaskHandle(QObject):
    """One submitted job: its label, state and outcome signals (all on the GUI thread)."""

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()  # after any of the three outcomes

    def __init__(self, label: str, exclusive: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.exclusive = exclusive
        # a child: Qt deletes it with the handle, on the GUI thread, never the worker's last
        # Python reference (or the cycle collector, on any thread) deleting a live QObject
        self.signals = _JobSignals(self)
        self.state = TaskState(on_progress=self.signals.progress.emit)
        self.running = True
        self.quiet = False
        self.signals.progress.connect(self.progress)
        self.signals.done.connect(self._on_done)
        self.signals.failed.connect(self._on_failed)
        self.signals.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        self.state.cancel()

    def _end(self) -> None:
        self.running = False
        self.ended.emit()

    def _on_done(self, result: object) -> None:
        self.finished.emit(result)
        self._end()

    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)
        self._end()

    def _on_cancelled(self) -> None:
        self.cancelled.emit()
        self._end()


class TaskRunner(QObject):
    """Runs jobs on a private thread pool; ``activeChanged`` drives the status-bar progress."""

    activeChanged = Signal(object)  # the newest running TaskHandle, or None
    message = Signal(str)

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._jobs: list[tuple[TaskHandle, _Runnable]] = []
        # ended, but the worker may still be returning from its last emit: deleted once it has
        self._retired: list[tuple[TaskHandle, _Runnable]] = []
        # submitted to a busy queued group: started, in order, as its running job ends
        self._waiting: list[tuple[TaskHandle, _Runnable]] = []
        self.closed = False

    def submit(
        self,
        label: str,
        fn: Job,
        exclusive: str | None = None,
        quiet: bool = False,
        queue: bool = False,
    ) -> TaskHandle | None:
        """Start ``fn(state)`` in the pool.

        ``exclusive`` names a group (``"generate"``, ``"segment"``): a job is refused while
        another of its group runs, so there is one generation at a time; with ``queue`` it waits
        instead and starts when the group's running job has ended (an export asked for while
        another export finishes is not lost). ``quiet`` jobs (preview refreshes) stay out of the
        status bar.
        """
        if self.closed:
            return None  # the window is closing: start nothing new
        self._reap()
        busy = [h for h, _ in self._jobs if exclusive and h.exclusive == exclusive]
        if busy and not queue:
            self.message.emit(f"{label}: wait for the running task to finish or cancel it")
            return None
        handle = TaskHandle(label, exclusive, self)
        handle.quiet = quiet
        job = _Runnable(label, fn, handle.state, handle.signals)
        self._jobs.append((handle, job))
        handle.ended.connect(lambda h=handle: self._forget(h))
        if busy:
            self._waiting.append((handle, job))
            self.message.emit(f"{label}: starts when {busy[-1].label} has finished")
            return handle
        self.pool.start(job)
        if not quiet:
            self.activeChanged.emit(handle)
        return handle

    def active(self) -> list[TaskHandle]:
        return [h for h, _ in self._jobs]

    def cancel_all(self) -> None:
        for handle, _ in self._jobs:
            handle.cancel()

    def shutdown(self, timeout_s: float = 60.0) -> bool:
        """Cancel everything and wait for the workers (called when the window closes).

        Waits in short slices with ``time.sleep`` so the GIL is free for the workers to finish
        their Python code (``waitForDone`` alone would hold it and deadlock).
        """
        self.closed = True
        self.cancel_all()
        self._waiting.clear()  # never started: nothing to wait for
        deadline = time.monotonic() + timeout_s
        while not self.pool.waitForDone(5):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        self._reap()
        return True

    def _forget(self, handle: TaskHandle) -> None:
        self._retired += [(h, j) for h, j in self._jobs if h is handle]
        self._jobs = [(h, j) for h, j in self._jobs if h is not handle]
        self._reap()
        nxt = next(((h, j) for h, j in self._waiting if h.exclusive == handle.exclusive), None)
        if nxt is not None and not self.closed:  # the group is free: its next job starts
            self._waiting.remove(nxt)
            self.pool.start(nxt[1])
        waiting = {id(h) for h, _ in self._waiting}
        if not handle.quiet or (nxt is not None and not nxt[0].quiet):
            shown = [h for h, _ in self._jobs if not h.quiet and id(h) not in waiting]
            self.activeChanged.emit(shown[-1] if shown else None)

    def _reap(self) -> None:
        """Delete the handles (and their signals) of jobs whose worker has returned."""
        done = [(h, j) for h, j in self._retired if j.returned.is_set()]
        self._retired = [(h, j) for h, j in self._retired if not j.returned.is_set()]
        for handle, _job in done:
            handle.deleteLater()
