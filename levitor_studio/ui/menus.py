"""The window's actions, menus and toolbar: one function per menu, one place per action.

Every action is made once by :func:`make_actions` into ``window.actions_by_name`` (so tests and
other modules find it by name); each menu is built by its own ``*_menu`` function from those
names, and the menus are kept in ``window.menus`` (``"file"``, ``"edit"``, ``"view"``,
``"camera"``, ``"render"``, ``"help"``). To add a command: make its action in :func:`make_actions` (or a
helper it calls) and list its name in the menu function where it belongs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar

from .. import __version__
from ..model.camera_edits import PRESETS
from .camera_menu import camera_actions
from .camera_orbit_dialog import orbit_about_selected
from .image_tools import Tool
from .timeline import delete_selection, insert_key

if TYPE_CHECKING:
    from .main_window import MainWindow

APP_NAME = "LeviTor Studio"
TOOLS = (
    (
        Tool.SELECT,
        "Select",
        "V",
        "Select objects and keys; drag a key to move it, wheel or "
        "Shift-drag on a key to change its depth",
    ),
    (
        Tool.BOX,
        "Box",
        "B",
        "Drag a box around an object: edits the selected object's mask, or makes a new object "
        "when none is selected or with Ctrl",
    ),
    (
        Tool.CLICKS,
        "Clicks",
        "C",
        "Click to include (left) or exclude (right / Shift) regions of the selected object's "
        "mask; with none selected or with Ctrl a new object",
    ),
    (Tool.BRUSH, "Brush", "P", "Paint the selected object's mask (right button or Ctrl erases)"),
    (Tool.KEY, "Key", "K", "Click to place the selected object there at the playhead"),
)
OVERLAYS = (  # name, menu text, shortcut, on at start
    ("show_masks", "Masks", "M", True),
    ("show_paths", "Motion Paths", None, True),
    ("onion", "Onion Skin", "O", False),
    ("show_points", "Control Points", "Shift+P", False),
)


def act(
    win: MainWindow,
    text: str,
    slot: Any,
    shortcut: Any = None,
    tip: str = "",
    checkable: bool = False,
) -> QAction:
    """A window-wide action (its shortcut works wherever the focus is in the window)."""
    action = QAction(text, win)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip or text.replace("&", "").replace("…", ""))
    action.setCheckable(checkable)
    (action.toggled if checkable else action.triggered).connect(slot)
    win.addAction(action)
    return action


def fill(menu: QMenu, win: MainWindow, names: tuple[str | None, ...]) -> QMenu:
    """Add the named actions to ``menu``; ``None`` is a separator."""
    for name in names:
        menu.addSeparator() if name is None else menu.addAction(win.actions_by_name[name])
    return menu


def make_actions(win: MainWindow) -> None:
    """Every action of the window, by name, in ``win.actions_by_name``."""
    K = QKeySequence.StandardKey
    a = win.actions_by_name = {}
    a["new"] = act(win, "&New from Image…", win.new_from_image, K.New)
    a["open"] = act(win, "&Open…", win.open_dialog, K.Open)
    a["save"] = act(win, "&Save", win.save, K.Save)
    a["save_as"] = act(win, "Save &As…", win.save_as, K.SaveAs)
    a["import_tracks"] = act(win, "&Import Tracks…", win.import_tracks_dialog)
    a["export_video"] = act(
        win,
        "Export &Preview…",  # "Export Video…" once something was generated
        win.export_video_dialog,
        "Ctrl+E",
        "Export the generated clip, or the CPU preview before Generate, with its take record",
    )
    a["export_settings"] = act(
        win,
        "Export Se&ttings…",
        win.export_settings_dialog,
        None,
        "Format (MP4, GIF, PNG frames), size, control-point overlay and frame range",
    )
    a["export_tracks"] = act(win, "Export &Tracks…", win.export_tracks_dialog)
    a["export_signal"] = act(win, "Export Control &Signal…", win.export_signal_dialog)
    a["export_point_tracks"] = act(
        win,
        "Export Po&int Tracks…",
        lambda: _point_tracks_dialog(win),
        None,
        "Point tracks for Wan-Move (tracks.npy + track_visibility.npy) or ATI (JSON)",
    )
    a["quit"] = act(win, "&Quit", win.close, K.Quit)

    a["undo"] = win.undo_group.createUndoAction(win, "&Undo")
    a["undo"].setShortcut(K.Undo)
    a["redo"] = win.undo_group.createRedoAction(win, "&Redo")
    a["redo"].setShortcut(K.Redo)
    a["delete"] = act(win, "&Delete", lambda: win.doc and delete_selection(win.doc), K.Delete)
    a["deselect"] = act(
        win,
        "Deselect",
        lambda: (
            win.doc and (win.doc.select_key(None), win.doc.select(None), win.doc.deselect_camera())
        ),
        "Esc",
        "Select nothing: the box and clicks tools then make a new object",
    )
    a["insert_key"] = act(win, "&Insert Keyframe", lambda: win.doc and insert_key(win.doc), "I")
    a["insert_key"].setShortcuts([QKeySequence("I"), QKeySequence(Qt.Key.Key_Insert)])
    a["depth"] = act(win, "Estimate &Depth", lambda: win.work.estimate_depth())
    camera_actions(win, act)
    a["bring_front"] = act(
        win,
        "Bring in &Front of…",
        lambda: win.doc and win.doc.orderRequested.emit(False),
        "Ctrl+]",
        "Put the selected object (or the next one clicked) in front of the one clicked next",
    )
    a["send_behind"] = act(
        win,
        "Send &Behind…",
        lambda: win.doc and win.doc.orderRequested.emit(True),
        "Ctrl+[",
        "Put the selected object (or the next one clicked) behind the one clicked next",
    )
    a["prefs"] = act(win, "&Preferences…", win.preferences, K.Preferences)
    a["brush_smaller"] = act(win, "Smaller Brush", lambda: win.step_brush(False), "[")
    a["brush_larger"] = act(win, "Larger Brush", lambda: win.step_brush(True), "]")

    tools = QActionGroup(win)
    win.tool_actions = {}
    for tool, text, key, tip in TOOLS:
        action = act(win, text, lambda on, t=tool: on and win.set_tool(t), key, tip, True)
        action.setToolTip(f"{text} ({key}) — {tip}")
        tools.addAction(action)
        win.tool_actions[tool] = action
    win.tool_actions[Tool.SELECT].setChecked(True)

    displays = QActionGroup(win)
    for mode, key in (("preview", "1"), ("source", "2"), ("generated", "3")):
        action = act(
            win,
            f"Show {mode.capitalize()}",
            lambda on, md=mode: on and win.show_display(md),
            key,
            checkable=True,
        )
        displays.addAction(action)
        a["show_" + mode] = action
    a["show_preview"].setChecked(True)
    for name, text, key, on in OVERLAYS:
        action = act(win, text, lambda v, n=name: win.set_overlay(n, v), key, checkable=True)
        action.setChecked(on)
        a[name] = action
    a["reset_layout"] = act(win, "Reset Layout", win.reset_layout)
    a["fit"] = act(win, "&Fit Image", win.fit_view, "F", "Fit the image in view (F)")
    a["zoom_100"] = act(
        win,
        "Actual &Pixels (100 %)",
        lambda: win.view.zoom.actual_size(),
        "Ctrl+1",
        "One image pixel per screen pixel (Ctrl+wheel zooms, middle drag pans)",
    )

    a["play"] = act(win, "Play / Pause", lambda: win.timeline.playback.toggle(), "Space")
    a["prev"] = act(win, "Previous Frame", lambda: win.step_frame(-1), "Left")
    a["next"] = act(win, "Next Frame", lambda: win.step_frame(1), "Right")
    a["first"] = act(win, "First Frame", lambda: win.doc and win.doc.set_frame(0), "Home")
    a["last"] = act(win, "Last Frame", lambda: win.step_frame(10**6), "End")
    a["set_in"] = act(
        win,
        "Set &In Point",
        lambda: win.doc and win.doc.set_in_out(start=win.doc.frame),
        "Alt+I",
        "Playback and export start at the playhead",
    )
    a["set_out"] = act(
        win,
        "Set &Out Point",
        lambda: win.doc and win.doc.set_in_out(end=win.doc.frame),
        "Alt+O",
        "Playback and export end at the playhead",
    )
    a["clear_range"] = act(
        win,
        "Clear In/Out",
        lambda: win.doc and win.doc.set_in_out(),
        "Alt+X",
        "Play and export the whole clip",
    )
    a["generate"] = act(
        win,
        "&Generate",
        lambda: win.work.generate(),
        "Ctrl+G",
        "Run the selected video generator (the CPU preview by default)",
    )
    a["shortcuts"] = act(win, "Keyboard Shortcuts", lambda: show_shortcuts(win), "F1")
    a["show_log"] = act(win, "Show &Log", lambda: show_log(win), tip="Open the log file")
    a["about"] = act(win, "About LeviTor Studio", lambda: about(win))
    a["orbit_about_selected"] = act(
        win,
        "&Orbit About Selected…",
        lambda: orbit_about_selected(win.doc, win),
        None,
        "Swing the camera around the selected object over a frame range: the object stays in "
        "place while nearer and farther things slide past it (one undo step)",
    )


def _point_tracks_dialog(win: MainWindow) -> Any:
    from .point_tracks_export import export_point_tracks_dialog

    return export_point_tracks_dialog(win)


def build_menus(win: MainWindow) -> None:
    """The menu bar, one function per menu; the menus in ``win.menus``."""
    win.menus = {}
    for name, build in (
        ("file", file_menu),
        ("edit", edit_menu),
        ("view", view_menu),
        ("camera", camera_menu),
        ("render", render_menu),
        ("help", help_menu),
    ):
        win.menus[name] = build(win)


def file_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&File")
    fill(m, win, ("new", "open"))
    win.recent_menu = m.addMenu("Open &Recent")
    items = ("save", "save_as", None, "import_tracks", "export_video", "export_settings")
    items += ("export_tracks", "export_point_tracks")
    return fill(m, win, (*items, "export_signal", None, "quit"))


def edit_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&Edit")
    history = win.actions_by_name["history"] = win.history_dock.toggleViewAction()
    history.setText("&History")
    history.setStatusTip("Show or hide the undo history (click a step to go back to it)")
    items = ("undo", "redo", "history", None, "delete", "deselect", "insert_key", "depth", None)
    items += ("bring_front", "send_behind", None)
    return fill(m, win, (*items, "brush_smaller", "brush_larger", None, "prefs"))


def view_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&View")
    fill(m, win, ("show_preview", "show_source", "show_generated", None, "fit", "zoom_100", None))
    fill(m, win, (*(o[0] for o in OVERLAYS), None))
    for dock in win.docks.values():
        m.addAction(dock.toggleViewAction())
    return fill(m, win, ("reset_layout",))


#: the Camera menu's actions, by name (the camera key commands and the camera helpers)
CAMERA_ITEMS: tuple[str | None, ...] = (
    "camera_add_key",
    "camera_delete_key",
    "camera_clear",
    None,
    *(f"camera_{name}" for name in PRESETS),
    None,
    "orbit_about_selected",
)


def camera_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&Camera")
    return fill(m, win, CAMERA_ITEMS)


def render_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&Render")
    items = ("play", "prev", "next", "first", "last", None, "set_in", "set_out", "clear_range")
    return fill(m, win, (*items, None, "generate"))


def help_menu(win: MainWindow) -> QMenu:
    m = win.menuBar().addMenu("&Help")
    return fill(m, win, ("shortcuts", "show_log", "about"))


def build_toolbar(win: MainWindow) -> QToolBar:
    bar = win.addToolBar("Main")
    bar.setObjectName("main_toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    a = win.actions_by_name
    for name in ("open", "save", None):
        bar.addSeparator() if name is None else bar.addAction(a[name])
    for name in ("undo", "redo"):
        bar.addAction(_fixed_label(win, name))
    bar.addSeparator()
    for action in win.tool_actions.values():
        bar.addAction(action)
    bar.addSeparator()
    for name in ("show_preview", "show_source", "onion", "show_points", None, "generate"):
        bar.addSeparator() if name is None else bar.addAction(a[name])
    bar.widgetForAction(a["generate"]).setObjectName("generate_button")
    return bar


def _fixed_label(win: MainWindow, name: str) -> QAction:
    """A toolbar twin of Undo / Redo with a fixed label; what it undoes is in its tooltip.

    The menu's action says "Undo Generation settings": on the toolbar that text changed the
    button's width and shifted every button after it under the artist's pointer.
    """
    group, label = win.undo_group, name.capitalize()
    twin = QAction(label, win)
    twin.setObjectName(f"toolbar_{name}")
    twin.triggered.connect(group.undo if name == "undo" else group.redo)
    changed = group.undoTextChanged if name == "undo" else group.redoTextChanged
    able = group.canUndoChanged if name == "undo" else group.canRedoChanged
    shortcut = win.actions_by_name[name].shortcut().toString()

    def tip(text: str) -> None:
        what = f"{label} {text}" if text else f"Nothing to {name}"
        twin.setToolTip(f"{what} ({shortcut})")
        twin.setStatusTip(what)

    changed.connect(tip)
    able.connect(twin.setEnabled)
    tip(group.undoText() if name == "undo" else group.redoText())
    twin.setEnabled(group.canUndo() if name == "undo" else group.canRedo())
    win.actions_by_name[f"toolbar_{name}"] = twin
    return twin


def show_shortcuts(win: MainWindow) -> None:
    lines = [f"{t[2]}\t{t[1]} tool" for t in TOOLS] + [
        "Space\tplay / pause",
        "← →\tstep a frame",
        "Home / End\tfirst / last frame",
        "I / Insert\tinsert keyframe (the selected object's or the camera's)",
        "K on the timeline\tkey the camera (Camera row selected)",
        "[ / ]\tsmaller / larger brush",
        "Delete\tdelete key or object",
        "Wheel on a key\tdepth",
        "Ctrl+wheel / middle drag\tzoom / pan the image",
        "F / Ctrl+1\tfit the image / 100 %",
        "Alt+I / Alt+O / Alt+X\tin point / out point / clear",
        "Shift-drag a key\tdepth",
        "Alt-drag a key (timeline)\tcopy it",
        "Ctrl+G\tgenerate",
    ]
    QMessageBox.information(win, "Keyboard shortcuts", "\n".join(lines))


def show_log(win: MainWindow) -> bool:
    """Open the log file in the desktop's viewer (the details behind a one-line error)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from .. import logs

    path = logs.setup()
    if path is None:
        win.error(f"The log cannot be written in {logs.log_dir()}")
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        win.error(f"No program opens the log here; it is {path}")
        return False
    return True


def about(win: MainWindow) -> None:
    QMessageBox.about(
        win,
        APP_NAME,
        f"{APP_NAME} {__version__}\nAnimate a still image along "
        "authored 3D object trajectories (LeviTor, CVPR 2025).",
    )
