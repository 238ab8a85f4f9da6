"""The main window: composes the editor around one :class:`Document` at a time.

The window is assembled from modules that each own one concern:

- :mod:`.menus` — every action (``actions_by_name``), each menu (``menus``) and the toolbar;
- :mod:`.docks` — the panels in docks, their default sizes, saving and restoring the layout;
- :mod:`.files` — new, open, recent, save, import/export dialogs, autosave and recovery;
- :mod:`.work` — background jobs (segmentation, depth, generation, export);
- :mod:`.status` — the status bar with the running task's progress and Cancel.

The image view, the panels and the docks are built once; :meth:`MainWindow.set_document` swaps
the document under them, so opening a file never disturbs the layout.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QCloseEvent, QUndoGroup
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from ..model.scene import Scene
from ..plugin_host import list_backends
from ..plugin_host.protocols import DEPTH, GENERATOR
from ..tasks.runner import PreviewRefresher, TaskRunner
from . import engine_jobs, menus
from .docks import DockLayout
from .document import Document
from .files import FileActions
from .image_tools import BRUSH_DEFAULT, Tool
from .image_view import ImageView
from .preferences import Preferences, PreferencesDialog, config_dir
from .status import TaskStatus
from .work import WorkController

APP_NAME = menus.APP_NAME
TOOLS = menus.TOOLS


class MainWindow(FileActions, DockLayout, QMainWindow):
    """The editor window around one document at a time."""

    actions_by_name: dict[str, QAction]
    tool_actions: dict[Tool, QAction]
    menus: dict[str, QMenu]
    recent_menu: QMenu

    def __init__(
        self,
        scene: Scene | None = None,
        prefs: Preferences | None = None,
        viewport3d: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.prefs = prefs or Preferences.load()
        self.settings = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.runner = TaskRunner(parent=self)
        self.work = WorkController(self.runner, self.prefs, self)
        self.undo_group = QUndoGroup(self)
        self.want_viewport3d = viewport3d
        self.setAcceptDrops(True)
        self.resize(1480, 920)

        first = Document(scene if scene is not None else _blank_scene())
        self.doc: Document | None = None
        self.preview: PreviewRefresher | None = None
        self.view = ImageView(first)
        self.setCentralWidget(self.view)
        self.build_docks(first, [b.id for b in list_backends(GENERATOR)])
        menus.make_actions(self)
        menus.build_menus(self)
        self.toolbar = menus.build_toolbar(self)
        self.task_status = TaskStatus(self.statusBar(), self.runner)
        self.readout_label = self.task_status.readout_label
        self.view.zoom.changed.connect(
            lambda _p: self.task_status.zoom_label.setText(self.view.zoom.text())
        )
        self.brush_tip(BRUSH_DEFAULT)

        self.runner.message.connect(self.show_message)
        self.view.readout.connect(lambda text, warn: self.readout_label.setText(text))
        self.view.boxDrawn.connect(self.work.segment_box)
        self.view.promptClicked.connect(self.work.add_click)
        self.work.generated.connect(self._on_generated)
        self.work.failed.connect(self.error)
        self.work.cannotRun.connect(self.missing_model)
        self.work.staleChanged.connect(self._on_stale)
        self.work.pointsReady.connect(self.view.set_control_points)
        self.init_files()
        self.set_document(first)
        self.restore_layout()

    def showEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(ev)
        self.size_docks_once()

    # -- document ------------------------------------------------------------------------

    def set_document(self, doc: Document) -> None:
        """Show ``doc`` in the same views and docks; the previous document is dropped."""
        old = self.doc
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
            # a dirty stack emits cleanChanged when it is destroyed (deleteLater, possibly after
            # this window is gone): the dropped document must not call back into the window
            old.undo_stack.blockSignals(True)
            old.blockSignals(True)
            old.close()  # its scene may live on (reopened): stop forwarding its events
            if self.preview is not None:
                self.preview.close()
            self.timeline.playback.stop()
            self.runner.cancel_all()
        self.doc = doc
        self.recovery.discard()  # the autosave of the previous document (saved or discarded)
        self.scene_edited()
        doc.setParent(self)
        self.undo_group.addStack(doc.undo_stack)
        self.undo_group.setActiveStack(doc.undo_stack)
        doc.message.connect(self.show_message)
        # first receiver: a scene shortened (or undone) past the playhead brings it back inside
        # before any view reads the trajectory or asks for the preview at the playhead
        doc.sceneChanged.connect(lambda _w, d=doc: d.set_frame(d.frame))
        doc.sceneChanged.connect(self.scene_edited)
        doc.undo_stack.cleanChanged.connect(lambda _c: self.update_title())
        doc.pathChanged.connect(lambda _p: self.update_title())
        self.preview = PreviewRefresher(
            self.runner, lambda d=doc: d.scene, engine_jobs.preview_frame, prefetch=True, parent=doc
        )
        self.preview.failed.connect(lambda msg: self.show_message(f"preview: {msg}"))
        self.work.set_document(doc)
        self.view.set_document(doc, self.preview)
        self.view.horizon.set_enabled(self.prefs.backends.get(DEPTH) == "heuristic")
        self.view.set_tool(self.current_tool())
        for panel in self.panels():
            panel.set_document(doc)
        self._on_generated(None)
        self.set_viewport3d(doc)
        if old is not None and old is not doc:
            old.deleteLater()
        self.update_title()

    def update_title(self) -> None:
        doc = self.doc
        name = doc.path.name if doc and doc.path else "Untitled"
        try:
            dirty = "*" if doc and doc.is_dirty() else ""
        except RuntimeError:  # the stack is being destroyed with the window
            return
        self.setWindowTitle(f"{name}{dirty} — {APP_NAME}")

    # -- small slots ---------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def current_tool(self) -> Tool:
        return next((t for t, a in self.tool_actions.items() if a.isChecked()), Tool.SELECT)

    def set_tool(self, tool: Tool) -> None:
        self.tool_actions[tool].setChecked(True)
        self.work.reset_clicks()
        self.view.set_tool(tool)

    def step_brush(self, larger: bool) -> None:
        self.brush_tip(self.view.tools.step_brush(larger))

    def brush_tip(self, radius: float) -> None:
        _t, text, key, tip = next(t for t in TOOLS if t[0] is Tool.BRUSH)
        action = self.tool_actions[Tool.BRUSH]
        action.setToolTip(f"{text} ({key}) — {tip}. Brush {radius:g} px ([ and ] resize)")
        action.setStatusTip(f"{tip}. Brush {radius:g} px ([ and ] resize)")

    def fit_view(self) -> None:
        """F: fit the image; in the focused 3D view, frame its selection as it always did."""
        focus = self.focusWidget()
        child = self.viewport_host.child
        if focus is not None and child is not None and child.isAncestorOf(focus):
            frame = getattr(child, "frame_selected", None)
            if frame is not None:
                frame()
                return
        self.view.zoom.fit()

    def show_display(self, mode: str) -> None:
        if mode == "generated" and self.work.frames is None:
            self.show_message("Nothing generated yet: use Render ▸ Generate (Ctrl+G)")
        self.view.set_display(mode)

    def set_overlay(self, name: str, on: bool) -> None:
        self.view.set_option(name, on)
        if name == "show_points" and on:
            self.work.compute_points()

    def step_frame(self, delta: int) -> None:
        if self.doc is not None:
            self.doc.set_frame(self.doc.frame + delta)

    def _on_generated(self, frames: Any) -> None:
        # before Generate, File ▸ Export writes the CPU preview: the menu says which it is
        self.actions_by_name["export_video"].setText(
            "Export &Video…" if frames is not None else "Export &Preview…"
        )
        self.view.set_generated(frames)
        if frames is not None:
            self.actions_by_name["show_generated"].setChecked(True)
        elif self.view.display == "generated":
            self.actions_by_name["show_preview"].setChecked(True)
        self._mark_generated(frames)

    def _mark_generated(self, frames: Any) -> None:
        self.timeline.timeline.has_generated = frames is not None
        self.timeline.timeline.generated_stale = self.work.stale
        self.timeline.timeline.update()

    def _on_stale(self, stale: bool) -> None:
        self.timeline.timeline.generated_stale = stale
        self.timeline.timeline.update()
        if stale:
            self.show_message(
                "The generated take is stale: its control signal or first frame changed "
                "(it is kept; generate again to refresh it)"
            )

    def preferences(self, page: str = "") -> None:
        """Preferences, opened on the tab called ``page`` (e.g. ``"Models"``) if given."""
        dialog = PreferencesDialog(self.prefs, self)
        for i in range(dialog.tabs.count()):
            if dialog.tabs.tabText(i) == page:
                dialog.tabs.setCurrentIndex(i)
        if dialog.exec():
            self.prefs = dialog.prefs
            self.work.prefs = dialog.prefs
            self.autosave_timer.setInterval(self.prefs.autosave_s * 1000)

    def missing_model(self, generator: str, reason: str) -> QMessageBox:
        """Generate cannot run: say what is missing and lead to Preferences ▸ Models."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The generator cannot run",
            f"“{generator}” cannot generate yet:\n\n{reason}\n\nInstall its model or point "
            "LeviTor Studio at its weights in Preferences ▸ Models, or choose the preview "
            "generator in the Inspector.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        models = box.addButton("Open Preferences ▸ Models…", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(models)
        box.setModal(False)  # non-blocking: the answer arrives through the button's signal
        models.clicked.connect(lambda: self.preferences("Models"))
        box.show()
        self.missing_box = box
        return box

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, ev: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.maybe_save():
            ev.ignore()
            return
        self.save_layout()
        self.timeline.playback.stop()
        self.autosave_timer.stop()
        if self.preview is not None:
            self.preview.close()
        self.runner.shutdown()
        self.recovery.discard()
        self.recovery.release()
        if self.doc is not None:
            self.undo_group.removeStack(self.doc.undo_stack)
            self.doc.close()
        ev.accept()


def _blank_scene() -> Scene:
    import numpy as np

    image = np.full((288, 512, 3), 48, dtype=np.uint8)
    return Scene(image=image)
