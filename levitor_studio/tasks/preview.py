"""Latest-wins preview rendering through a :class:`~.runner.TaskRunner`, and frozen scene copies.

:class:`PreviewRefresher` keeps the preview of the playhead's frame fresh after every edit: at
most one render is in flight, a newer request cancels the stale one (its result is dropped), and
rendered frames are cached per scene revision so playback reuses them. :func:`frozen_copy` is
the copy of a scene a worker reads while the GUI keeps editing. Nothing here calls
``processEvents``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..model.scene import Scene, SceneEvents

if TYPE_CHECKING:
    from .runner import TaskHandle, TaskRunner


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
