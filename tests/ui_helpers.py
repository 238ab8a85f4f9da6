"""Driving the image view with real mouse events, in working-pixel coordinates."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier


def to_widget(view, x: float, y: float) -> QPoint:
    """Viewport pixel of the working-size point ``(x, y)``."""
    return view.graphics.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))


def click(view, x, y, button=LEFT, mods=NO_MOD) -> None:
    QTest.mouseClick(view.graphics.viewport(), button, mods, to_widget(view, x, y))


def drag(view, start, end, button=LEFT, mods=NO_MOD, steps: int = 6) -> None:
    vp = view.graphics.viewport()
    QTest.mousePress(vp, button, mods, to_widget(view, *start))
    for i in range(1, steps + 1):
        t = i / steps
        p = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        QTest.mouseMove(vp, to_widget(view, *p))
    QTest.mouseRelease(vp, button, mods, to_widget(view, *end))


def wheel_event(widget, pos: QPointF, notches: int, mods=NO_MOD) -> None:
    """Send ``widget`` a real vertical wheel event of ``notches`` at ``pos`` (its pixels)."""
    ev = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, ev)


def wheel(view, x, y, notches: int, mods=NO_MOD) -> None:
    wheel_event(view.graphics.viewport(), QPointF(to_widget(view, x, y)), notches, mods)


def type_into(qtbot, box, text: str) -> None:
    """Type ``text`` over a field's contents and press Enter, as a person does."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def crash(recovery) -> None:
    """Leave ``recovery``'s session the way a killed process does: the autosave stays, and the
    lock file stays too, naming a process that no longer runs."""
    import subprocess
    import sys

    recovery.lock.unlock()
    take_and_die = (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1])\n"
        "assert lock.tryLock(0)\n"
        "os._exit(0)\n"  # no destructors: the lock file is left behind, as after a kill
    )
    lock_path = recovery.path.with_suffix(".lock")
    subprocess.run([sys.executable, "-c", take_and_die, str(lock_path)], check=True)
    assert lock_path.exists()
