"""What a test may not leave behind in the Qt process: the checks of the autouse fixture.

One pytest process runs every test, so an object a test leaks acts during later tests. The
intermittent segfault of issue 12 was one: a parentless ``QTimer`` owned by a Python object in a
reference cycle. Python's cycle collector runs on whichever thread allocates at the moment (a
worker compressing a PNG), so it destroyed the timer on that worker thread; Qt refused to stop
a timer from another thread, left it registered, and the GUI thread later fired it on freed
memory. So after each test that had a ``QApplication``:

- no ``QThread`` runs and no ``QThreadPool`` has an active job;
- no ``QTimer`` is active;
- no non-daemon Python thread started during the test is still alive (foreign "Dummy"
  threads, the pool's workers seen from Python, are checked through Qt; daemon threads, such as
  a test server's keep-alive request threads, never block exit);
- the cycle collector frees no Qt object that Python owns: whatever a Python cycle holds must
  belong to a Qt parent, which deletes it on the GUI thread.
"""

from __future__ import annotations

import gc
import threading


def python_threads() -> set[threading.Thread]:
    """Non-daemon Python threads: the ones that keep a process (and the test run) alive.

    Daemon threads are left out on purpose: a test HTTP server's request threads live as long as
    the client keeps its connection open, and a daemon never blocks exit; foreign threads (Qt's
    pool workers seen from Python as ``Dummy-N``) are checked through Qt."""
    return {
        t
        for t in threading.enumerate()
        if not t.daemon and not isinstance(t, threading._DummyThread)
    }


def threads_left(before: set[threading.Thread], grace_s: float = 5.0) -> list[threading.Thread]:
    """Python threads started since ``before`` that are still alive after ``grace_s`` in all
    (a thread told to stop may need a moment to return: it is joined, not slept on)."""
    import time

    deadline = time.monotonic() + grace_s
    left = []
    for t in python_threads() - before:
        t.join(max(deadline - time.monotonic(), 0.0))
        if t.is_alive():
            left.append(t)
    return left


def flush_deletes() -> None:
    """Run every pending ``deleteLater`` (plain ``processEvents`` leaves them queued)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):  # a deletion may queue another (a dock's widget, its children)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def _describe(obj: object) -> str:
    try:
        name = obj.objectName()  # type: ignore[attr-defined]
    except RuntimeError:
        name = ""
    return f"{type(obj).__module__}.{type(obj).__qualname__}" + (f" {name!r}" if name else "")


def qt_objects_freed_by_the_cycle_collector() -> list[str]:
    """Python-owned Qt objects that only a reference cycle keeps: the collector (on any thread)
    would destroy them. Collected here, on the GUI thread, after they are listed."""
    import shiboken6
    from PySide6.QtCore import QObject

    gc.collect()  # plain garbage first: only what a cycle holds is left for the next pass
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = [
            _describe(o)
            for o in gc.garbage
            if isinstance(o, QObject) and shiboken6.isValid(o) and shiboken6.ownedByPython(o)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    gc.collect()
    return found


def running_qt_work() -> list[str]:
    """Active timers, running ``QThread`` objects and thread pools with jobs still running."""
    import shiboken6
    from PySide6.QtCore import QThread, QThreadPool, QTimer

    found = []
    for obj in shiboken6.getAllValidWrappers():
        try:
            if isinstance(obj, QTimer) and obj.isActive():
                found.append(f"an active QTimer ({_describe(obj)}, {obj.interval()} ms)")
            elif isinstance(obj, QThread) and obj.isRunning():
                found.append(f"a running QThread ({_describe(obj)})")
            elif isinstance(obj, QThreadPool) and obj.activeThreadCount():
                found.append(f"a QThreadPool with {obj.activeThreadCount()} running job(s)")
        except RuntimeError:  # deleted between the listing and the question
            continue
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount():
        found.append(f"the global QThreadPool with {pool.activeThreadCount()} running job(s)")
    return found
