"""Driving the graph editor with real mouse events, in (frame, value) plot coordinates."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def make_editor(qtbot, doc):
    """A shown 800 × 400 graph editor on ``doc``, framing everything."""
    from levitor_studio.ui.graph_editor import GraphEditor

    ed = GraphEditor(doc)
    qtbot.addWidget(ed)
    ed.resize(800, 400)
    ed.show()
    qtbot.waitExposed(ed)
    ed.frame_all()
    return ed


def widget_pos(ed, frame: float, value: float) -> QPoint:
    """The plot viewport's pixel of the point ``(frame, value)``."""
    return ed.plot.mapFromScene(ed.vb.mapViewToScene(QPointF(frame, value)))


def view_at(ed, pos: QPoint) -> QPointF:
    """The ``(frame, value)`` under a viewport pixel."""
    return ed.vb.mapSceneToView(ed.plot.mapToScene(pos))


def drag(ed, start: QPoint, end: QPoint, steps: int = 5) -> float:
    """A left drag in ``steps`` moves; returns the value it moved by (as the plot maps it).

    pyqtgraph drops mouse moves closer than 10 ms apart (``mouseRateLimit``), so which of
    QTest's instant moves arrive would depend on the machine's speed: every move counts here.
    """
    import pyqtgraph as pg

    vp, limit = ed.plot.viewport(), pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    try:
        QTest.mousePress(vp, LEFT, NONE, start)
        for i in range(1, steps + 1):
            QTest.mouseMove(vp, start + (end - start) * (i / steps))
        QTest.mouseRelease(vp, LEFT, NONE, end)
    finally:
        pg.setConfigOption("mouseRateLimit", limit)
    return view_at(ed, end).y() - view_at(ed, start).y()


def click(ed, frame: float, value: float) -> None:
    QTest.mouseClick(ed.plot.viewport(), LEFT, NONE, widget_pos(ed, frame, value))
