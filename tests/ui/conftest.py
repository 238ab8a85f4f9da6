"""Qt fixtures for the editor tests: offscreen platform, a private config folder, a window."""

from __future__ import annotations

import os

if not os.environ.get("DISPLAY"):  # under `make test` the whole run shares one Xvfb display
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from scenes import EXAMPLE  # noqa: E402

from levitor_studio.model.project_io import load_project  # noqa: E402


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):
    """Preferences, window layout and recovery files go to a temporary folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("LEVITOR_STUDIO_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def example_scene():
    return load_project(EXAMPLE / "coffee.levitor")


@pytest.fixture
def window(qtbot):
    """The main window on the bundled example (no 3D dock: VTK has its own tests)."""
    from levitor_studio.ui.main_window import MainWindow

    win = MainWindow(viewport3d=False)
    assert win.open_path(EXAMPLE / "coffee.levitor", ask=False)
    # pytest-qt closes the window after the test: answer the unsaved-changes prompt then
    qtbot.addWidget(
        win, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.ask_save_changes = lambda: "discard"
    win.close()
    assert win.runner.pool.activeThreadCount() == 0, "a worker thread outlived the window"
