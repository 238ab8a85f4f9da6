"""3D viewport tests: pick the Qt platform that can run them to a clean exit.

Under ``xvfb-run -a … -p no:xvfb`` Qt uses xcb and the real ``QVTKRenderWindowInteractor`` is
tested, mouse included. When pytest-xvfb runs its own server instead, it stops that server at
interpreter exit while Qt, after VTK has drawn into one of its windows, is still connected; Qt
then exits with status 1 although every test passed. In that case these tests use the offscreen
platform, as tests/ui does, and the widget draws through an offscreen VTK window (the real-mouse
test skips).
"""

from __future__ import annotations

import os

import pytest


def _avoid_xcb_under_pytest_xvfb() -> None:
    try:
        import pytest_xvfb
    except ImportError:  # pragma: no cover - the plugin is part of the test requirements
        return
    if pytest_xvfb.xvfb_instance is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Runs when this folder is named on the command line (after pytest-xvfb started)."""
    _avoid_xcb_under_pytest_xvfb()


# loaded during collection of a wider run: pytest-xvfb has started by now
_avoid_xcb_under_pytest_xvfb()
