"""Starting the editor: the Qt application, its look, what opens first, and screenshot mode.

``run()`` is what ``levitor-studio`` (no sub-command) calls. With no project it opens the bundled
example if it is installed, else an empty window. ``screenshot=`` renders the full window once
the preview of the chosen frame has arrived, saves it and exits 0 (README picture, packaging
smoke test, bug reports); it needs no display. Torch is never imported on the way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXAMPLE_GLOB = "examples/*/*.levitor"


def example_project() -> Path | None:
    """The bundled example project (package data ``levitor_studio.resources``), if installed."""
    from importlib.resources import files

    root = Path(str(files("levitor_studio.resources")))
    found = sorted(root.glob(EXAMPLE_GLOB))
    return found[0] if found else None


def has_display() -> bool:
    """Whether Qt can open a window here (it aborts the process when it cannot)."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc"):
        return True
    if sys.platform != "linux":
        return True  # Windows and macOS always have a window system
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _style(app: object) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    pal = QPalette()
    base, window, text = QColor(30, 30, 34), QColor(45, 45, 50), QColor(225, 225, 228)
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Highlight, QColor(64, 130, 210)),
        (QPalette.ColorRole.HighlightedText, QColor("white")),
        (QPalette.ColorRole.PlaceholderText, QColor(130, 130, 135)),
    ):
        pal.setColor(role, color)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 125))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 125))
    app.setPalette(pal)


def application() -> object:
    """The process's ``QApplication``, created and styled on first use."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("LeviTor Studio")
        app.setOrganizationName("levitor-studio")
        _style(app)
    return app


def wait_for_preview(window: object, timeout_ms: int = 15000) -> bool:
    """Run the event loop until the preview of the current frame is shown (or time runs out)."""
    from PySide6.QtCore import QEventLoop, QTimer

    refresher = window.preview  # type: ignore[attr-defined]
    doc = window.doc  # type: ignore[attr-defined]
    if refresher is None or refresher.cached(doc.frame) is not None:
        return True
    loop = QEventLoop()
    arrived: list[bool] = []

    def ready(f: int, _img: object) -> None:
        if f == doc.frame:
            arrived.append(True)
            loop.quit()

    def failed(_m: str) -> None:
        loop.quit()

    timer = QTimer(loop)  # stopped below: no timer outlives the wait
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    refresher.ready.connect(ready)
    refresher.failed.connect(failed)
    try:
        timer.start(timeout_ms)
        window.view.refresh_image()  # type: ignore[attr-defined]
        if not arrived:
            loop.exec()
    finally:
        timer.stop()
        refresher.ready.disconnect(ready)
        refresher.failed.disconnect(failed)
    return bool(arrived)


def run(
    project: str | None = None,
    screenshot: str | None = None,
    image: str | None = None,
    frame: int | None = None,
) -> int:
    """Open the editor; return the process exit code.

    Parameters
    ----------
    project
        A ``.levitor`` project, a tracks ``.json`` or an image to start a new project from.
    screenshot
        Save a PNG of the whole window and exit instead of running interactively.
    image
        An image to start a new project from (same as passing it as ``project``).
    frame
        The playhead's frame for the screenshot.
    """
    if screenshot:
        # offscreen even with a display: Qt's grab() cannot read a GL (VTK) window's pixels,
        # while the offscreen platform makes the 3D view draw through an offscreen VTK window
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        print(
            "levitor-studio: error: no display to open the editor on (DISPLAY is not set); "
            "use `levitor-studio render` / `new` / `info` headless, or --screenshot PNG",
            file=sys.stderr,
        )
        return 2
    from .. import logs

    logs.setup()
    app = application()
    target = project or image or (str(example_project() or "") or None)
    window, opened = _open(target, frame, wait=bool(screenshot))
    _log_uncaught(window)
    if screenshot:
        if not opened:
            print(
                f"levitor-studio: error: {getattr(window, 'last_error', target)}", file=sys.stderr
            )
            window.doc.undo_stack.setClean()  # type: ignore[attr-defined]
            window.close()  # type: ignore[attr-defined]
            return 2
        window.show()  # type: ignore[attr-defined]
        return _screenshot(window, Path(screenshot))
    _show_and_offer_recovery(window)
    return int(app.exec())  # type: ignore[attr-defined]


def open_window(target: str | None, frame: int | None = None) -> object:
    """The interactive start without its event loop: the window on ``target``, shown, and the
    offer of a crashed session's autosave once the event loop runs (what ``run()`` does)."""
    window, _opened = _open(target, frame)
    _show_and_offer_recovery(window)
    return window


def _open(target: str | None, frame: int | None, wait: bool = False) -> tuple[object, bool]:
    """The window on ``target`` at ``frame``. A tracks file is imported in the background: the
    frame is set on the imported document, and with ``wait`` (screenshot mode) the import is
    waited for (``opened`` is False when it failed)."""
    from PySide6.QtCore import QEventLoop

    from .main_window import MainWindow

    window = MainWindow()
    opened = target is None or window.open_path(target, ask=False)
    importing = next((h for h in window.runner.active() if h.label == "import tracks"), None)
    if importing is not None and frame is not None:  # after _finish_import swapped the document
        importing.finished.connect(lambda _scene: window.doc.set_frame(frame))
    if importing is not None and wait:
        outcome: list[bool] = []
        loop = QEventLoop()
        importing.finished.connect(lambda _scene: outcome.append(True))
        importing.ended.connect(loop.quit)
        loop.exec()
        opened = opened and bool(outcome)
    elif importing is None and frame is not None:
        window.doc.set_frame(frame)
    return window, opened


def _show_and_offer_recovery(window: object) -> None:
    from PySide6.QtCore import QTimer

    window.show()  # type: ignore[attr-defined]
    QTimer.singleShot(0, window.offer_recovery)  # type: ignore[attr-defined]


def _log_uncaught(window: object) -> None:
    """An exception escaping a Qt slot: its traceback to the log, one line to the status bar
    (Qt would otherwise print it on a terminal the person may not have)."""
    from .. import logs

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: the default
            sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]
            return
        line = logs.log_failure(exc.with_traceback(tb), "uncaught")  # type: ignore[arg-type]
        try:
            window.show_message(line)  # type: ignore[attr-defined]
        except RuntimeError:  # the window is already gone
            pass

    sys.excepthook = hook


def _screenshot(window: object, out: Path) -> int:
    if not out.parent.resolve().is_dir():
        print(f"levitor-studio: error: {out.parent}: output folder does not exist", file=sys.stderr)
        return 2
    doc = window.doc  # type: ignore[attr-defined]
    keyed = [o for o in doc.scene.objects if o.keyframes]
    if keyed:  # show a selected key, so the picture includes the inspector's values
        key = min(keyed[0].keyframes, key=lambda k: abs(k.frame - doc.frame))
        doc.select_key(keyed[0].uid, key.frame)
    window.resize(1480, 920)  # a fixed, documented size whatever the (virtual) screen says
    window.apply_default_dock_sizes()  # type: ignore[attr-defined]
    wait_for_preview(window)
    window.view.vb.setRange(  # type: ignore[attr-defined]
        xRange=(0, window.doc.scene.width),
        yRange=(0, window.doc.scene.height),
        padding=0.02,  # type: ignore[attr-defined]
    )
    pixmap = window.grab()  # type: ignore[attr-defined]
    ok = pixmap.save(str(out), "PNG")
    window.doc.undo_stack.setClean()  # type: ignore[attr-defined]
    window.close()  # type: ignore[attr-defined]
    if not ok:
        print(f"levitor-studio: error: {out}: cannot write the screenshot", file=sys.stderr)
        return 2
    return 0
