"""The application log: a rotating file in the (overridden) log folder, one line for people."""

from __future__ import annotations

import logging

from levitor_studio import logs
from levitor_studio.model.errors import InputError


def _boom() -> None:
    raise ValueError("bad pixel\nsecond line of detail")


def test_the_log_folder_follows_the_override(private_log):
    assert logs.log_file() == private_log / "levitor-studio.log"
    assert logs.setup() == private_log / "levitor-studio.log"
    assert logs.setup() == private_log / "levitor-studio.log"  # idempotent: one handler
    handlers = [
        h
        for h in logging.getLogger("levitor_studio").handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(handlers) == 1
    assert (handlers[0].maxBytes, handlers[0].backupCount) == (1_000_000, 3)


def test_a_changed_folder_moves_the_file(private_log, tmp_path, monkeypatch):
    logs.setup()
    monkeypatch.setenv("LEVITOR_STUDIO_LOG_DIR", str(tmp_path / "elsewhere"))
    assert logs.setup() == tmp_path / "elsewhere" / "levitor-studio.log"
    logging.getLogger("levitor_studio.test").warning("moved here")
    text = (tmp_path / "elsewhere" / "levitor-studio.log").read_text(encoding="utf-8")
    assert text.endswith("WARNING [MainThread] levitor_studio.test: moved here\n")


def test_a_bug_keeps_its_traceback_in_the_file_and_the_person_sees_one_line(private_log):
    try:
        _boom()
    except ValueError as exc:
        shown = logs.log_failure(exc, "task 'generate'")
    assert shown == "ValueError: bad pixel … (details in Help ▸ Show Log)"
    text = (private_log / "levitor-studio.log").read_text(encoding="utf-8")
    assert "ERROR [MainThread] levitor_studio: task 'generate': ValueError: bad pixel …\n" in text
    assert "Traceback (most recent call last):" in text
    assert 'in _boom\n    raise ValueError("bad pixel\\nsecond line of detail")' in text
    assert text.rstrip().endswith("ValueError: bad pixel\nsecond line of detail")


def test_a_refusal_is_its_message_and_a_warning_without_traceback(private_log):
    shown = logs.log_failure(InputError("frames: 3\nmust be ≥ 8"), "open", expected=True)
    assert shown == "frames: 3; must be ≥ 8"
    text = (private_log / "levitor-studio.log").read_text(encoding="utf-8")
    assert text.endswith("WARNING [MainThread] levitor_studio: open: frames: 3; must be ≥ 8\n")
    assert "Traceback" not in text


def test_one_line_of_an_empty_message_is_the_type():
    assert logs.one_line(KeyError()) == "KeyError"
    assert logs.one_line(InputError(""), expected=True) == "InputError"


def test_an_unwritable_folder_is_no_failure(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("LEVITOR_STUDIO_LOG_DIR", str(blocker / "logs"))
    assert logs.setup() is None
    assert logs.log_failure(RuntimeError("x")) == "RuntimeError: x (details in Help ▸ Show Log)"
