"""Zoom and pan in the image view (issue 15 item 9): F fits, Ctrl+1 is 100 %, Ctrl+wheel zooms
about the cursor, a middle drag pans, the status bar reads the zoom; the plain wheel on a key
stays its depth."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from ui_helpers import to_widget, wheel_event

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


def _wheel(view, pos: QPoint, notches: int, mods=CTRL) -> None:
    wheel_event(view.graphics.viewport(), QPointF(pos), notches, mods)


def _under(view, pos: QPoint) -> tuple[float, float]:
    p = view.vb.mapSceneToView(view.graphics.mapToScene(pos))
    return p.x(), p.y()


def test_ctrl_wheel_zooms_about_the_cursor_and_reads_out(qtbot, window):
    view = window.view
    spoon = window.doc.scene.objects[1]
    key = spoon.key_at(6)
    window.doc.set_frame(6)
    before = view.zoom.percent()
    pos = to_widget(view, key.x, key.y)  # on a key: Ctrl makes it zoom, not change depth
    point = _under(view, pos)
    _wheel(view, pos, 2)
    assert spoon.key_at(6) == key
    assert view.zoom.percent() > before * 1.2
    assert _under(view, pos) == pytest.approx(point, abs=1.0)
    assert window.task_status.zoom_label.text() == f"Zoom {view.zoom.percent():.0f} %"


def test_plain_wheel_on_a_key_is_still_its_depth(qtbot, window):
    view = window.view
    spoon = window.doc.scene.objects[1]
    key = spoon.key_at(6)
    window.doc.set_frame(6)
    before = view.zoom.percent()
    _wheel(view, to_widget(view, key.x, key.y), 1, Qt.KeyboardModifier.NoModifier)
    assert spoon.key_at(6).z < key.z and view.zoom.percent() == before


def test_fit_and_actual_pixels(qtbot, window):
    view = window.view
    window.actions_by_name["zoom_100"].trigger()
    assert view.zoom.percent() == pytest.approx(100.0, abs=0.5)
    assert window.task_status.zoom_label.text() == "Zoom 100 %"
    window.actions_by_name["fit"].trigger()
    (x0, x1), (y0, y1) = view.vb.viewRange()
    w, h = window.doc.scene.size
    # the whole image shows, touching the view on one axis (aspect locked, 2 % padding)
    assert x0 <= 0 and x1 >= w and y0 <= 0 and y1 >= h
    assert min((x1 - x0) / w, (y1 - y0) / h) == pytest.approx(1.04, abs=0.01)


def test_middle_drag_pans(qtbot, window):
    view = window.view
    window.actions_by_name["zoom_100"].trigger()
    vp = view.graphics.viewport()
    start = QPoint(vp.width() // 2, vp.height() // 2)
    before = _under(view, start)
    mid = Qt.MouseButton.MiddleButton
    QTest.mousePress(vp, mid, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + QPoint(8 * i, 4 * i))
    QTest.mouseRelease(vp, mid, Qt.KeyboardModifier.NoModifier, start + QPoint(40, 20))
    after = _under(view, start)
    # at 100 % the image moved with the pointer by the drag, in working pixels
    assert (before[0] - after[0], before[1] - after[1]) == pytest.approx((40.0, 20.0), abs=1.5)
