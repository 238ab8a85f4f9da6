"""The window as people use it: with its 3D dock (the other window tests turn it off), the
Orbit dialog run from that dock, and Help ▸ Show Log."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from scenes import EXAMPLE

from levitor_studio.engine.orbit import orbit_keyframes
from levitor_studio.model.scene import snapshot

pytestmark = pytest.mark.xvfb


@pytest.fixture
def window3d(qtbot):
    from levitor_studio.ui.main_window import MainWindow

    win = MainWindow()  # the 3D dock on, as people get it
    assert win.open_path(EXAMPLE / "coffee.levitor", ask=False)
    qtbot.addWidget(
        win, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_3d_dock_follows_the_document_and_the_hidden_objects(qtbot, window3d):
    from levitor_studio.ui.viewport3d import Viewport3DWidget

    view3d = window3d.viewport_host.child
    assert isinstance(view3d, Viewport3DWidget)  # not the "3D view unavailable" label
    doc = window3d.doc
    cup, spoon = doc.scene.objects
    handles = view3d.pipeline.handles
    assert sorted(handles.keys) == sorted(
        [(cup.uid, k.frame) for k in cup.keyframes]
        + [(spoon.uid, k.frame) for k in spoon.keyframes]
    )
    actors = view3d.pipeline.objects[spoon.uid].actors
    assert all(a.GetVisibility() for a in actors)
    window3d.objects_dock.widget().table.item(1, 2).setCheckState(Qt.CheckState.Unchecked)
    assert [a.GetVisibility() for a in view3d.pipeline.objects[spoon.uid].actors] == [0, 0, 0]
    assert all(uid == cup.uid for uid, _ in view3d.pipeline.handles.keys)
    # another document replaces the dock's widget; the old one is deleted with its document
    old = view3d
    assert window3d.open_path(EXAMPLE / "coffee.levitor", ask=False)
    assert window3d.viewport_host.child is not old
    assert isinstance(window3d.viewport_host.child, Viewport3DWidget)


def test_the_orbit_dialog_from_the_window_writes_one_undo_step(qtbot, window3d):
    doc = window3d.doc
    before = snapshot(doc.scene)
    count = doc.undo_stack.count()
    chosen = []

    def answer():
        dialog = QApplication.activeModalWidget()
        chosen.append((dialog.uid_a, dialog.uid_b, dialog.parameters()))
        dialog.accept()

    from levitor_studio.model.project_io import load_project

    reference = load_project(EXAMPLE / "coffee.levitor")  # the same scene, untouched
    QTimer.singleShot(0, answer)
    window3d.viewport_host.child.toolbar.orbitRequested.emit()  # the dock's "Orbit…" button
    assert len(chosen) == 1
    uid_a, uid_b, params = chosen[0]
    expected = orbit_keyframes(reference, uid_a, uid_b, **params)
    assert doc.scene.object(uid_a).keyframes == expected
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "Orbit"
    doc.undo_stack.undo()
    assert snapshot(doc.scene) == before


class _Opener(QObject):
    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot(QUrl)
    def open(self, url):
        self.urls.append(url)


def test_help_show_log_opens_the_log_file(qtbot, window3d, private_log):
    opener = _Opener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        window3d.actions_by_name["show_log"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in opener.urls] == [str(private_log / "levitor-studio.log")]
    assert (private_log / "levitor-studio.log").exists()
