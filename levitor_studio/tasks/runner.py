"""Running :class:`TaskState` jobs off the GUI thread, with results back through queued signals.

:class:`TaskRunner` owns a private ``QThreadPool``: a job is a plain function of a
:class:`TaskState`; its progress, result, failure or cancellation come back as signals, which Qt
delivers on the GUI thread (the signal object lives there, the emit happens in a worker, so the
connection is queued). Exclusive jobs (generation) run one at a time. :class:`PreviewRefresher`
keeps the preview of the playhead's frame fresh after every edit: at most one render is in
flight, a newer request cancels the stale one (its result is dropped), and rendered frames are
cached per scene revision so playback reuses them. Nothing here calls ``processEvents``.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ..logs import log_failure
from ..model.errors import Cancelled, LevitorError
from ..model.scene import Scene, SceneEvents
from .state import TaskState

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
        self.closed = False

    def submit(
        self, label: str, fn: Job, exclusive: str | None = None, quiet: bool = False
    ) -> TaskHandle | None:
        """Start ``fn(state)`` in the pool.

        ``exclusive`` names a group (``"generate"``, ``"segment"``): a job is refused while
        another of its group runs, so there is one generation at a time. ``quiet`` jobs (preview
        refreshes) stay out of the status bar.
        """
        if self.closed:
            return None  # the window is closing: start nothing new
        self._reap()
        if exclusive and any(h.exclusive == exclusive for h, _ in self._jobs):
            self.message.emit(f"{label}: wait for the running task to finish or cancel it")
            return None
        handle = TaskHandle(label, exclusive, self)
        handle.quiet = quiet
        job = _Runnable(label, fn, handle.state, handle.signals)
        self._jobs.append((handle, job))
        handle.ended.connect(lambda h=handle: self._forget(h))
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
        if not handle.quiet:
            shown = [h for h, _ in self._jobs if not h.quiet]
            self.activeChanged.emit(shown[-1] if shown else None)

    def _reap(self) -> None:
        """Delete the handles (and their signals) of jobs whose worker has returned."""
        done = [(h, j) for h, j in self._retired if j.returned.is_set()]
        self._retired = [(h, j) for h, j in self._retired if not j.returned.is_set()]
        for handle, _job in done:
            handle.deleteLater()


def frozen_copy(scene: Scene) -> Scene:
    """A copy a worker can read while the GUI keeps editing.

    Commands replace masks and key lists instead of mutating them, so sharing the arrays is safe;
    only the containers are copied. The copy has its own (silent) event hub.
    """
    return replace(
        scene,
        objects=[replace(o, keyframes=list(o.keyframes)) for o in scene.objects],
        events=SceneEvents(),
    )


Render = Callable[[Scene, int], Any]


class PreviewRefresher(QObject):
    """Latest-wins preview rendering of one frame at a time, cached per scene revision.

    ``request(frame)`` is cheap and may be called on every mouse move: requests made in one turn
    of the event loop coalesce, a running render of an older request is cancelled and its result
    dropped, and only the newest request is rendered next.
    """

    ready = Signal(int, object)  # frame, (H, W, 3) uint8
    failed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        scene_fn: Callable[[], Scene],
        render: Render,
        prefetch: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._scene_fn = scene_fn
        self._render = render
        self._prefetch = prefetch
        self._revision = itertools.count()
        self.revision = next(self._revision)
        self._cache: dict[int, Any] = {}
        self._pending: int | None = None
        self._running: tuple[TaskHandle, int, int] | None = None  # handle, revision, frame
        self._closed = False
        self.rendered = 0  # renders that finished and were shown (benchmarks, tests)
        self._kick = QTimer(self)
        self._kick.setSingleShot(True)
        self._kick.setInterval(0)
        self._kick.timeout.connect(self._start_next)

    def close(self) -> None:
        """Stop for good (its document is going away): in-flight results are ignored."""
        self._closed = True
        self._pending = None
        if self._running is not None:
            self._running[0].cancel()

    def invalidate(self) -> None:
        """The scene changed: every cached frame is stale."""
        self.revision = next(self._revision)
        self._cache.clear()

    def cached(self, frame: int) -> Any | None:
        return self._cache.get(frame)

    def request(self, frame: int) -> None:
        """Ask for ``frame`` at the current revision; answered through :attr:`ready`."""
        if self._closed:
            return
        hit = self._cache.get(frame)
        if hit is not None:
            self._pending = None
            self.ready.emit(frame, hit)
            return
        self._pending = frame
        if self._running is not None and (self._running[1], self._running[2]) != (
            self.revision,
            frame,
        ):
            self._running[0].cancel()
        self._kick.start()

    def _start_next(self) -> None:
        if self._closed or self._running is not None:
            return  # picked up when the running render ends
        frame = self._pending
        prefetching = frame is None
        if frame is None:
            frame = self._next_prefetch()
            if frame is None:
                return
        self._pending = None
        scene = frozen_copy(self._scene_fn())
        render, revision = self._render, self.revision
        handle = self._runner.submit("preview", lambda state: render(scene, frame), quiet=True)
        if handle is None:
            return
        self._running = (handle, revision, frame)
        handle.finished.connect(lambda img: self._on_done(revision, frame, img, prefetching))
        handle.failed.connect(self.failed)
        handle.ended.connect(self._on_ended)

    def _next_prefetch(self) -> int | None:
        if not self._prefetch:
            return None
        frames = self._scene_fn().frames
        return next((f for f in range(frames) if f not in self._cache), None)

    def _on_done(self, revision: int, frame: int, image: Any, prefetching: bool) -> None:
        if self._closed or revision != self.revision:
            return
        self._cache[frame] = image
        if not prefetching or self._pending == frame:
            if self._pending == frame:
                self._pending = None
            self.rendered += 1
            self.ready.emit(frame, image)

    def _on_ended(self) -> None:
        self._running = None
        if self._closed:
            return
        self._kick.start()
