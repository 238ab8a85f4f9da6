"""The Graph dock's size in the real window layout (issue 17 item 4).

Tabbed with the Timeline, the Graph dock used to open at the Timeline's height: its curve area
was a strip of about 20 px. Raising the Graph tab now grows the bottom docks so that the curve
area (the plot's view box) is at least :data:`GRAPH_PLOT_MIN` pixels tall, and raising the
Timeline gives the Timeline its own height back.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _plot_height(window) -> float:
    return window.graph_editor.vb.height()


@pytest.mark.parametrize("size", [(1480, 920), (1280, 720)])
def test_raising_the_graph_tab_gives_the_curves_room(qtbot, window, size):
    from levitor_studio.ui.graph_editor import GRAPH_PLOT_MIN

    window.resize(*size)
    window.apply_default_dock_sizes()
    qtbot.waitUntil(lambda: window.timeline_dock.height() < 200)
    timeline_height = window.timeline_dock.height()
    window.graph_dock.raise_()
    qtbot.waitUntil(lambda: _plot_height(window) >= GRAPH_PLOT_MIN)
    assert GRAPH_PLOT_MIN == 200
    # the image view keeps most of the window
    assert window.view.height() >= 0.3 * size[1]
    window.timeline_dock.raise_()
    qtbot.waitUntil(lambda: window.timeline_dock.height() == timeline_height)
    assert window.view.height() > 0.5 * size[1]


def test_the_graph_keeps_the_height_a_person_gave_it(qtbot, window):
    window.apply_default_dock_sizes()
    window.graph_dock.raise_()
    qtbot.waitUntil(lambda: _plot_height(window) >= 200)
    short = window.graph_dock.height()
    window.resizeDocks([window.graph_dock], [short + 90], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: window.graph_dock.height() > short + 40)
    tall = window.graph_dock.height()
    window.timeline_dock.raise_()
    qtbot.waitUntil(lambda: window.timeline_dock.height() < tall)
    window.graph_dock.raise_()
    qtbot.waitUntil(lambda: window.graph_dock.height() == tall)


def test_first_start_fits_the_window_into_a_small_screen(qtbot):
    """At 1280 × 720 the default 1480 × 920 window hid the Timeline and Graph below the screen."""
    from PySide6.QtCore import QRect

    from levitor_studio.ui.main_window import MainWindow

    class SmallScreen:
        def availableGeometry(self) -> QRect:  # noqa: N802 - QScreen's name
            return QRect(0, 0, 1280, 720)

    win = MainWindow(viewport3d=False)
    qtbot.addWidget(win)
    win.screen = SmallScreen  # what the window reads of its screen on the first show
    win.show()
    qtbot.waitExposed(win)
    frame = win.frameGeometry()
    assert frame.width() <= 1280 and frame.height() <= 720
    assert (win.width(), win.height()) == (1280, 720)  # Xvfb draws no window frame
