"""Event → pixels: the clock the window benchmarks stop when the image view has painted.

``PaintClock(view).measure(action)`` runs ``action`` (a mouse move, a frame change), then runs
the event loop until the image view's image item has received a new image and its viewport has
painted after that; it returns the milliseconds from just before ``action`` to the end of that
paint's delivery. Used by ``bench_drag.py`` and ``bench_camera.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class PaintClock:
    """Times actions up to the next paint of ``view`` that shows a new image."""

    def __init__(self, view: Any) -> None:
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        self.state = {"armed": False, "image": False, "t1": 0.0}
        self._loop = loop = QEventLoop()
        state = self.state

        class Painted(QObject):
            def eventFilter(self, _obj, ev):  # type: ignore[no-untyped-def]  # noqa: N802
                if ev.type() == QEvent.Type.Paint and state["armed"] and state["image"]:
                    state["armed"] = False
                    # the paint is still running; the clock stops when it has been delivered
                    QTimer.singleShot(
                        0, lambda: (state.__setitem__("t1", time.perf_counter()), loop.quit())
                    )
                return False

        self._view = view
        self._viewport = view.graphics.viewport()
        self._watcher = Painted()
        self._viewport.installEventFilter(self._watcher)
        view.frame_item.sigImageChanged.connect(self._on_image)

    def _on_image(self) -> None:
        self.state["image"] = True

    def measure(self, action: Callable[[], object], timeout_ms: int = 5000) -> float:
        """Milliseconds from ``action`` to the painted image; RuntimeError after the timeout."""
        from PySide6.QtCore import QTimer

        self.state.update(armed=True, image=False)
        t0 = time.perf_counter()
        action()
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(self._loop.quit)
        guard.start(timeout_ms)
        self._loop.exec()
        guard.stop()
        if self.state["armed"]:
            raise RuntimeError(f"no new image painted within {timeout_ms / 1000:g} s")
        return (self.state["t1"] - t0) * 1000.0

    def close(self) -> None:
        self._view.frame_item.sigImageChanged.disconnect(self._on_image)
        self._viewport.removeEventFilter(self._watcher)
