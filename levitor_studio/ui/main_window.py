"""The main window: menus, toolbar, dock layout, status bar with task progress and cancel.

It composes the views around one :class:`Document` (image view in the centre; objects, inspector,
undo history, 3D viewport and timeline in docks whose layout is remembered) and wires actions
to them. File handling lives in :class:`~levitor_studio.ui.files.FileActions`, background jobs in
:class:`~levitor_studio.ui.work.WorkController`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QUndoView,
    QWidget,
)

from .. import __version__
from ..model.scene import Scene
from ..plugin_host import list_backends
from ..plugin_host.protocols import GENERATOR
from ..tasks.runner import PreviewRefresher, TaskHandle, TaskRunner
from . import engine_jobs
from .document import Document
from .files import FileActions
from .image_tools import BRUSH_DEFAULT, Tool
from .image_view import ImageView
from .inspector import Inspector
from .objects_panel import ObjectsPanel
from .preferences import Preferences, PreferencesDialog, config_dir
from .timeline import delete_selection, insert_key
from .transport import TimelinePanel
from .work import WorkController

APP_NAME = "LeviTor Studio"
TOOLS = (
    (
        Tool.SELECT,
        "Select",
        "V",
        "Select objects and keys; drag a key to move it, wheel or "
        "Shift-drag on a key to change its depth",
    ),
    (Tool.BOX, "Box", "B", "Drag a box around an object to select it with the segmenter"),
    (Tool.CLICKS, "Clicks", "C", "Click to include (left) or exclude (right / Shift) regions"),
    (Tool.BRUSH, "Brush", "P", "Paint the selected object's mask (right button or Ctrl erases)"),
    (Tool.KEY, "Key", "K", "Click to place the selected object there at the playhead"),
)


class MainWindow(FileActions, QMainWindow):
    """The editor window around one document at a time."""

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
        self.doc: Document | None = None
        self.preview: PreviewRefresher | None = None
        self.view: ImageView | None = None
        self._task: TaskHandle | None = None
        self.setAcceptDrops(True)
        self.resize(1480, 920)
        self._build_docks()
        self._build_actions()
        self._build_status()
        self.runner.activeChanged.connect(self._on_task)
        self.runner.message.connect(self.show_message)
        self.work.generated.connect(self._on_generated)
        self.work.failed.connect(self.error)
        self.work.staleChanged.connect(self._on_stale)
        self.work.pointsReady.connect(lambda pts: self.view and self.view.set_control_points(pts))
        self.init_files()
        self.set_document(Document(scene if scene is not None else _blank_scene()))
        self.restore_layout()

    # -- construction --------------------------------------------------------------------

    def _dock(self, name: str, title: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.objects_dock = self._dock("objects", "Objects", left)
        self.inspector_dock = self._dock("inspector", "Inspector", right)
        self.history_dock = self._dock("history", "History", left)
        self.timeline_dock = self._dock(
            "timeline", "Timeline", Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.viewport_dock = self._dock("viewport3d", "3D view", right)
        self.splitDockWidget(self.objects_dock, self.history_dock, Qt.Orientation.Vertical)
        self.splitDockWidget(self.viewport_dock, self.inspector_dock, Qt.Orientation.Vertical)
        self.history_dock.setWidget(QUndoView(self.undo_group))
        self._sized = False

    def showEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(ev)
        if not self._sized and self.settings.value("state") is None:
            # dock sizes only take once the window has its real size
            self._sized = True
            self._apply_default_dock_sizes()

    def _apply_default_dock_sizes(self) -> None:
        h, v = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.resizeDocks([self.objects_dock, self.viewport_dock], [220, 370], h)
        self.resizeDocks([self.timeline_dock], [140], v)
        self.resizeDocks([self.viewport_dock, self.inspector_dock], [280, 440], v)
        self.resizeDocks([self.objects_dock, self.history_dock], [420, 220], v)

    def _act(
        self, text: str, slot: Any, shortcut: Any = None, tip: str = "", checkable: bool = False
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip or text.replace("&", "").replace("…", ""))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        a = self.actions_by_name = {}
        m = self.menuBar().addMenu("&File")
        a["new"] = self._act("&New from Image…", self.new_from_image, K.New)
        a["open"] = self._act("&Open…", self.open_dialog, K.Open)
        self.recent_menu = m.addMenu("Open &Recent")
        a["save"] = self._act("&Save", self.save, K.Save)
        a["save_as"] = self._act("Save &As…", self.save_as, K.SaveAs)
        a["import_tracks"] = self._act("&Import Tracks…", self.import_tracks_dialog)
        a["export_video"] = self._act("Export &Video…", self.export_video_dialog, "Ctrl+E")
        a["export_tracks"] = self._act("Export &Tracks…", self.export_tracks_dialog)
        a["export_signal"] = self._act("Export Control &Signal…", self.export_signal_dialog)
        a["quit"] = self._act("&Quit", self.close, K.Quit)
        for name in ("new", "open"):
            m.addAction(a[name])
        m.addMenu(self.recent_menu)
        for name in (
            "save",
            "save_as",
            None,
            "import_tracks",
            "export_video",
            "export_tracks",
            "export_signal",
            None,
            "quit",
        ):
            m.addSeparator() if name is None else m.addAction(a[name])

        m = self.menuBar().addMenu("&Edit")
        a["undo"] = self.undo_group.createUndoAction(self, "&Undo")
        a["undo"].setShortcut(K.Undo)
        a["redo"] = self.undo_group.createRedoAction(self, "&Redo")
        a["redo"].setShortcut(K.Redo)
        a["delete"] = self._act(
            "&Delete", lambda: self.doc and delete_selection(self.doc), K.Delete
        )
        a["insert_key"] = self._act(
            "&Insert Keyframe", lambda: self.doc and insert_key(self.doc), "I"
        )
        a["depth"] = self._act("Estimate &Depth", lambda: self.work.estimate_depth())
        a["prefs"] = self._act("&Preferences…", self.preferences, K.Preferences)
        a["brush_smaller"] = self._act("Smaller Brush", lambda: self._step_brush(False), "[")
        a["brush_larger"] = self._act("Larger Brush", lambda: self._step_brush(True), "]")
        edit_items = ("undo", "redo", None, "delete", "insert_key", "depth", None)
        for name in (*edit_items, "brush_smaller", "brush_larger", None, "prefs"):
            m.addSeparator() if name is None else m.addAction(a[name])

        tools = QActionGroup(self)
        self.tool_actions: dict[Tool, QAction] = {}
        for tool, text, key, tip in TOOLS:
            act = self._act(text, lambda on, t=tool: on and self.set_tool(t), key, tip, True)
            act.setToolTip(f"{text} ({key}) — {tip}")
            tools.addAction(act)
            self.tool_actions[tool] = act
        self.tool_actions[Tool.SELECT].setChecked(True)
        self._brush_tip(BRUSH_DEFAULT)

        m = self.menuBar().addMenu("&View")
        displays = QActionGroup(self)
        for mode, key in (("preview", "1"), ("source", "2"), ("generated", "3")):
            act = self._act(
                f"Show {mode.capitalize()}",
                lambda on, md=mode: on and self._display(md),
                key,
                checkable=True,
            )
            displays.addAction(act)
            a["show_" + mode] = act
            m.addAction(act)
        a["show_preview"].setChecked(True)
        m.addSeparator()
        for name, text, key, on in (
            ("show_masks", "Masks", "M", True),
            ("show_paths", "Motion Paths", None, True),
            ("onion", "Onion Skin", "O", False),
            ("show_points", "Control Points", "Shift+P", False),
        ):
            act = self._act(text, lambda v, n=name: self._overlay(n, v), key, checkable=True)
            act.setChecked(on)
            a[name] = act
            m.addAction(act)
        m.addSeparator()
        for dock in (
            self.objects_dock,
            self.inspector_dock,
            self.history_dock,
            self.timeline_dock,
            self.viewport_dock,
        ):
            m.addAction(dock.toggleViewAction())
        a["reset_layout"] = self._act("Reset Layout", self.reset_layout)
        m.addAction(a["reset_layout"])

        a["play"] = self._act("Play / Pause", lambda: self.timeline.playback.toggle(), "Space")
        a["prev"] = self._act("Previous Frame", lambda: self._step(-1), "Left")
        a["next"] = self._act("Next Frame", lambda: self._step(1), "Right")
        a["first"] = self._act("First Frame", lambda: self.doc and self.doc.set_frame(0), "Home")
        a["last"] = self._act("Last Frame", lambda: self._step(10**6), "End")
        a["generate"] = self._act(
            "&Generate",
            lambda: self.work.generate(),
            "Ctrl+G",
            "Run the selected video generator (the CPU preview by default)",
        )
        m = self.menuBar().addMenu("&Render")
        for name in ("play", "prev", "next", "first", "last", None, "generate"):
            m.addSeparator() if name is None else m.addAction(a[name])

        m = self.menuBar().addMenu("&Help")
        a["shortcuts"] = self._act("Keyboard Shortcuts", self.show_shortcuts, "F1")
        a["about"] = self._act("About LeviTor Studio", self.about)
        m.addAction(a["shortcuts"])
        m.addAction(a["about"])

        bar = self.addToolBar("Main")
        bar.setObjectName("main_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in ("open", "save", None, "undo", "redo", None):
            bar.addSeparator() if name is None else bar.addAction(a[name])
        for act in self.tool_actions.values():
            bar.addAction(act)
        bar.addSeparator()
        for name in ("show_preview", "show_source", "onion", "show_points", None, "generate"):
            bar.addSeparator() if name is None else bar.addAction(a[name])
        bar.widgetForAction(a["generate"]).setObjectName("generate_button")
        self.toolbar = bar

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.readout_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 1000)
        self.task_label = QLabel()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self.cancel_task)
        sb.addPermanentWidget(self.readout_label)
        for w in (self.task_label, self.progress, self.cancel_button):
            sb.addPermanentWidget(w)
            w.hide()

    # -- document ------------------------------------------------------------------------

    def set_document(self, doc: Document) -> None:
        """Show ``doc``: every view is rebuilt around it; the previous one is dropped."""
        old = self.doc
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
            # a dirty stack emits cleanChanged when it is destroyed (deleteLater, possibly after
            # this window is gone): the dropped document must not call back into the window
            old.undo_stack.blockSignals(True)
            old.blockSignals(True)
            if self.preview is not None:
                self.preview.close()
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
        radius = self.view.tools.brush_radius if self.view is not None else BRUSH_DEFAULT
        self.view = ImageView(doc)
        self.view.tools.brush_radius = radius  # the brush size outlives the document
        self.view.set_preview(self.preview)
        self.view.readout.connect(lambda text, warn: self.readout_label.setText(text))
        self.view.boxDrawn.connect(self.work.segment_box)
        self.view.promptClicked.connect(self.work.add_click)
        self.view.set_tool(
            next((t for t, act in self.tool_actions.items() if act.isChecked()), Tool.SELECT)
        )
        for name in ("show_masks", "show_paths", "onion", "show_points"):
            setattr(self.view, name, self.actions_by_name[name].isChecked())
        self.setCentralWidget(self.view)
        self.work.set_document(doc)
        self.objects_dock.setWidget(ObjectsPanel(doc))
        gens = [b.id for b in list_backends(GENERATOR)]
        self.inspector_dock.setWidget(Inspector(doc, gens))
        self.timeline = TimelinePanel(doc)
        self.timeline_dock.setWidget(self.timeline)
        self.work.generated.connect(self._mark_generated)
        self._build_viewport3d(doc)
        if old is not None:
            old.deleteLater()
        self.update_title()
        self.view.redraw_overlays()

    def _build_viewport3d(self, doc: Document) -> None:
        old = self.viewport_dock.widget()
        if not self.want_viewport3d:
            self.viewport_dock.setWidget(QLabel("3D view off"))
        else:
            try:
                from .viewport3d import Viewport3DWidget

                self.viewport_dock.setWidget(Viewport3DWidget(doc))
            except Exception as exc:  # VTK missing or no OpenGL: the 2D editor still works
                label = QLabel(f"3D view unavailable here:\n{type(exc).__name__}: {exc}")
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.viewport_dock.setWidget(label)
        if old is not None:
            old.deleteLater()

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

    def set_tool(self, tool: Tool) -> None:
        self.tool_actions[tool].setChecked(True)
        self.work.reset_clicks()
        if self.view is not None:
            self.view.set_tool(tool)

    def _step_brush(self, larger: bool) -> None:
        if self.view is not None:
            self._brush_tip(self.view.tools.step_brush(larger))

    def _brush_tip(self, radius: float) -> None:
        _t, text, key, tip = next(t for t in TOOLS if t[0] is Tool.BRUSH)
        act = self.tool_actions[Tool.BRUSH]
        act.setToolTip(f"{text} ({key}) — {tip}. Brush {radius:g} px ([ and ] resize)")
        act.setStatusTip(f"{tip}. Brush {radius:g} px ([ and ] resize)")

    def _display(self, mode: str) -> None:
        if self.view is not None:
            if mode == "generated" and self.work.frames is None:
                self.show_message("Nothing generated yet: use Render ▸ Generate (Ctrl+G)")
            self.view.set_display(mode)

    def _overlay(self, name: str, on: bool) -> None:
        if self.view is not None:
            self.view.set_option(name, on)
        if name == "show_points" and on:
            self.work.compute_points()

    def _step(self, delta: int) -> None:
        if self.doc is not None:
            self.doc.set_frame(self.doc.frame + delta)

    def _on_generated(self, frames: Any) -> None:
        if self.view is not None:
            self.view.set_generated(frames)
            if frames is not None:
                self.actions_by_name["show_generated"].setChecked(True)
            elif self.view.display == "generated":
                self.actions_by_name["show_preview"].setChecked(True)

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

    def _on_task(self, handle: TaskHandle | None) -> None:
        if self._task is not None:
            self._task.progress.disconnect(self._on_progress)
        self._task = handle
        for w in (self.task_label, self.progress, self.cancel_button):
            w.setVisible(handle is not None)
        if handle is not None:
            self.task_label.setText(handle.label)
            self.progress.setValue(0)
            handle.progress.connect(self._on_progress)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if message and self._task is not None:
            self.task_label.setText(f"{self._task.label}: {message}")

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def preferences(self) -> None:
        dialog = PreferencesDialog(self.prefs, self)
        if dialog.exec():
            self.prefs = dialog.prefs
            self.work.prefs = dialog.prefs
            self.autosave_timer.setInterval(self.prefs.autosave_s * 1000)

    def show_shortcuts(self) -> None:
        lines = [f"{t[2]}\t{t[1]} tool" for t in TOOLS] + [
            "Space\tplay / pause",
            "← →\tstep a frame",
            "Home / End\tfirst / last frame",
            "I\tinsert keyframe",
            "[ / ]\tsmaller / larger brush",
            "Delete\tdelete key or object",
            "Wheel on a key\tdepth",
            "Shift-drag a key\tdepth",
            "Alt-drag a key (timeline)\tcopy it",
            "Ctrl+G\tgenerate",
        ]
        QMessageBox.information(self, "Keyboard shortcuts", "\n".join(lines))

    def about(self) -> None:
        QMessageBox.about(
            self,
            APP_NAME,
            f"{APP_NAME} {__version__}\nAnimate a still image along "
            "authored 3D object trajectories (LeviTor, CVPR 2025).",
        )

    # -- layout and closing --------------------------------------------------------------

    def restore_layout(self) -> None:
        geometry, state = self.settings.value("geometry"), self.settings.value("state")
        self._default_state = self.saveState()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)

    def closeEvent(self, ev: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.maybe_save():
            ev.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.settings.sync()
        self.timeline.playback.stop()
        self.autosave_timer.stop()
        if self.preview is not None:
            self.preview.close()
        self.runner.shutdown()
        self.recovery.discard()
        self.recovery.release()
        ev.accept()


def _blank_scene() -> Scene:
    import numpy as np

    image = np.full((288, 512, 3), 48, dtype=np.uint8)
    return Scene(image=image)
