"""Shared fixtures: tiny synthetic scenes and the bundled example."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
import qt_leaks
from scenes import EXAMPLE, make_scene

from levitor_studio.model.scene import Scene


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """One process runs every test: under Xvfb (pytest-xvfb sets DISPLAY) Qt uses xcb, so VTK
    and OpenGL widgets work; without a display plain widgets still run offscreen."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # backends look for installed models in the data folder: never the tester's own models
    os.environ["LEVITOR_STUDIO_DATA_DIR"] = str(
        Path(tempfile.gettempdir()) / f"levitor-test-data-{os.getpid()}"
    )


@pytest.fixture(autouse=True)
def private_log(tmp_path_factory, monkeypatch):
    """The application log goes to a temporary folder, never the user's log folder."""
    from levitor_studio import logs

    folder = tmp_path_factory.mktemp("logs")
    monkeypatch.setenv("LEVITOR_STUDIO_LOG_DIR", str(folder))
    yield folder
    logs.close()


@pytest.fixture(autouse=True)
def no_leaked_qt_work(request):
    """Fail a test that leaves threads, timers or cycle-held Qt objects behind (see qt_leaks).

    Set up before (so torn down after) pytest-qt's own teardown closes the test's widgets."""
    threads_before = qt_leaks.python_threads()
    yield
    problems = []
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            qt_leaks.flush_deletes()
            problems += qt_leaks.running_qt_work()
            if {"qtbot", "qapp"} & set(request.fixturenames):  # a collection costs ~0.1 s
                problems += [
                    f"{o}, held only by a reference cycle"
                    for o in qt_leaks.qt_objects_freed_by_the_cycle_collector()
                ]
    problems += [f"a Python thread {t.name!r}" for t in qt_leaks.threads_left(threads_before)]
    if problems:
        pytest.fail("left behind after the test:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def scene() -> Scene:
    return make_scene()


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE
