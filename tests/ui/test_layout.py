"""The window's layout survives loading documents (issue 15 item 5): the image view keeps its size.

Loading used to replace the central widget and every dock's widget, and Qt then squeezed the
image view to about 45 px while the left docks widened. The views now stay and the document is
swapped under them.
"""

from __future__ import annotations

import pytest
from scenes import EXAMPLE

pytestmark = pytest.mark.gui


def _settled(qtbot, window):
    """Geometry of the central widget and the docks once the layout has been applied."""
    window.layout().activate()
    qtbot.waitUntil(lambda: window.centralWidget().width() > 0)
    return {
        "centre": window.centralWidget().geometry(),
        "objects": window.objects_dock.geometry(),
        "inspector": window.inspector_dock.geometry(),
        "timeline": window.timeline_dock.geometry(),
    }


@pytest.mark.parametrize("how", ["open", "image", "twice"])
def test_loading_a_document_keeps_the_image_view_and_docks_in_place(qtbot, window, how):
    before = _settled(qtbot, window)
    view = window.centralWidget()
    assert before["centre"].width() > 0.4 * window.width()
    if how == "image":
        window.ask_new_project = lambda path: {"segments": False}  # the dialog's OK
        old = window.doc
        assert window.open_path(EXAMPLE / "coffee.png", ask=False)
        qtbot.waitUntil(lambda: window.doc is not old, timeout=30000)
    else:
        assert window.open_path(EXAMPLE / "coffee.levitor", ask=False)
    if how == "twice":
        assert window.open_path(EXAMPLE / "coffee.levitor", ask=False)
    after = _settled(qtbot, window)
    assert after == before
    # the same widgets, showing the new document
    assert window.centralWidget() is view and window.view is view
    assert window.view.doc is window.doc and window.inspector_dock.widget().doc is window.doc
    assert window.objects_dock.widget().doc is window.doc
    assert window.timeline.doc is window.doc and window.timeline.timeline.doc is window.doc


def test_screenshot_mode_saves_the_window_at_its_documented_size(qtbot, window, tmp_path):
    """What `levitor-studio P --screenshot PNG` (and `make smoke`) does once the window is up."""
    from PySide6.QtGui import QImage

    from levitor_studio.ui.app import _screenshot

    out = tmp_path / "window.png"
    assert _screenshot(window, out) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (
        round(1480 * window.devicePixelRatioF()),
        round(920 * window.devicePixelRatioF()),
    )
    # the default dock sizes were applied: the image view is the widest panel
    assert window.view.width() > window.objects_dock.width()
    assert window.view.width() > window.inspector_dock.width()


def test_a_tracks_file_is_imported_before_the_screenshot_and_its_frame_set(qtbot):
    """`levitor-studio T.json --screenshot PNG --frame 15` saved an empty window: the tracks
    file is imported in the background, and the picture was taken before it arrived (and the
    frame was set on the document it replaced)."""
    from levitor_studio.ui.app import _open

    window, opened = _open(str(EXAMPLE / "coffee-camera.tracks.json"), 15, wait=True)
    qtbot.addWidget(window, before_close_func=lambda w: w.doc.undo_stack.setClean())
    assert opened and [o.name for o in window.doc.scene.objects] == ["cup", "spoon"]
    assert window.doc.frame == 15 and len(window.doc.scene.camera) == 3
