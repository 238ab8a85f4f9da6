"""The editor's side of the log: uncaught slot exceptions and Help ▸ Show Log."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_an_exception_escaping_a_slot_is_logged_and_shown_in_one_line(monkeypatch, private_log):
    from levitor_studio.ui.app import _log_uncaught

    shown = []

    class Window:
        def show_message(self, text):
            shown.append(text)

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    _log_uncaught(Window())
    try:
        {}["missing"]
    except KeyError as exc:
        sys.excepthook(KeyError, exc, exc.__traceback__)
    assert shown == ["KeyError: 'missing' (details in Help ▸ Show Log)"]
    text = (private_log / "levitor-studio.log").read_text(encoding="utf-8")
    assert "ERROR [MainThread] levitor_studio: uncaught: KeyError: 'missing'\nTraceback" in text
    assert text.rstrip().endswith("KeyError: 'missing'")
