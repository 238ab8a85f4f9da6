"""The 3D viewport under awkward timing: edits during a drag, locked objects, a deleted widget.

Each test here failed before its fix: a drag whose object was deleted (or undone away) raised
``KeyError`` inside the mouse-move handler; the orbit tool rewrote a locked object's keys; a
render queued before the widget was deleted ran on the dead widget; and under xcb the widget,
its pipeline and every cloud stayed alive after deletion (VTK observers holding Python methods).
"""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from viewport_scenes import orbit_scene, street_scene

from levitor_studio.model.commands import AddObject, RemoveObject, SetObjectProperties
from levitor_studio.ui.document import Document
from levitor_studio.ui.viewport3d import Viewport3DWidget
from levitor_studio.ui.viewport3d.orbit_dialog import OrbitDialog

pytestmark = pytest.mark.xvfb


def _shown(qtbot, doc: Document) -> Viewport3DWidget:
    widget = Viewport3DWidget(doc)
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    widget.render_now()
    return widget


def test_object_removed_mid_drag_ends_the_drag_without_an_error(qtbot) -> None:
    doc = Document(street_scene())
    view = _shown(qtbot, doc)
    x, y = view.handle_display_position(2, 0)
    assert view.begin_handle_drag(2, 0, x, y)
    view.drag_handle_to(x + 8, y)
    moved = doc.scene.object(2).key_at(0)
    assert doc.push(RemoveObject(2))
    view.drag_handle_to(x + 16, y)  # raised KeyError: no object with id 2
    assert not view.dragging and not view.pipeline.interacting  # full density again
    assert doc.undo_stack.count() == 2  # the drag and the removal, nothing more
    view.end_handle_drag()  # the release still comes and is harmless
    doc.undo_stack.undo()
    assert doc.scene.object(2).key_at(0) == moved
    # the restored object is a drag target again
    hx, hy = view.handle_display_position(2, 0)
    assert view.begin_handle_drag(2, 0, hx, hy)
    view.end_handle_drag()


def test_object_added_by_undo_mid_drag_then_removed_again(qtbot) -> None:
    """Undo while dragging takes away the object being dragged: no error, no stray step."""
    scene = street_scene()
    small = scene.objects.pop()
    doc = Document(scene)
    assert doc.push(AddObject(small))
    view = _shown(qtbot, doc)
    x, y = view.handle_display_position(2, 0)
    assert view.begin_handle_drag(2, 0, x, y)
    doc.undo_stack.undo()  # Ctrl+Z during the drag removes the object
    view.drag_handle_to(x + 10, y)
    view.end_handle_drag()
    assert [o.uid for o in doc.scene.objects] == [1]
    assert doc.undo_stack.index() == 0 and doc.undo_stack.count() == 1


def test_locked_object_keys_do_not_move(qtbot) -> None:
    doc = Document(street_scene())
    view = _shown(qtbot, doc)
    messages: list[str] = []
    doc.message.connect(messages.append)
    x, y = view.handle_display_position(2, 0)
    assert view.begin_handle_drag(2, 0, x, y)
    assert doc.push(SetObjectProperties(2, locked=True))  # locked from the Objects panel
    before = list(doc.scene.object(2).keyframes)
    view.drag_handle_to(x + 12, y + 5)
    view.end_handle_drag()
    assert doc.scene.object(2).keyframes == before
    assert not view.begin_handle_drag(2, 0, x, y)
    assert messages[-1] == "small is locked; unlock it to change it"


def test_orbit_refuses_a_locked_object_in_the_tool_and_the_dialog(qtbot) -> None:
    scene = orbit_scene()
    scene.objects[1].locked = True
    doc = Document(scene)
    view = _shown(qtbot, doc)
    messages: list[str] = []
    doc.message.connect(messages.append)
    assert not view.apply_orbit(2, 1, frame_start=2)
    assert doc.scene.object(2).keyframes == [] and doc.undo_stack.count() == 0
    assert messages == ["A is locked; unlock it to change it"]
    doc.select(2)
    dialog = OrbitDialog(doc)
    qtbot.addWidget(dialog)
    dialog.first.setValue(2)
    dialog.accept()
    assert dialog.result() == 0 and dialog.error.text() == messages[0]


def test_deleted_widget_runs_no_queued_render_and_frees_its_pipeline(qtbot) -> None:
    doc = Document(street_scene())
    view = Viewport3DWidget(doc)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    view.render_now()
    pipeline = weakref.ref(view.pipeline)
    view.set_exaggeration(1.5)  # queues a render
    view.deleteLater()
    del view
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()  # the queued render ran on the dead widget
    doc.set_frame(3)  # the document lives on: its signals reach nothing
    gc.collect()
    assert pipeline() is None
