"""The application log: one rotating file per user, and the one line a person is shown.

Every module logs through the standard :mod:`logging` under the ``levitor_studio`` logger
(``logging.getLogger(__name__)``). :func:`setup` attaches a rotating file in the platformdirs
user log folder (``LEVITOR_STUDIO_LOG_DIR`` overrides it, so tests write to a temporary folder);
it is idempotent and follows a changed override. :func:`log_failure` is the one path for an
exception a person must hear about: the full traceback goes to the file, and the returned
message is a single line for the status bar or a message box. Help ▸ Show Log opens
:func:`log_file`.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
from pathlib import Path

LOGGER_NAME = "levitor_studio"
LOG_NAME = "levitor-studio.log"
MAX_BYTES = 1_000_000  # per file; the folder never holds more than (BACKUPS + 1) of them
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

_lock = threading.Lock()
_handler: logging.handlers.RotatingFileHandler | None = None


def log_dir() -> Path:
    """The folder of the log file: ``LEVITOR_STUDIO_LOG_DIR`` or the platformdirs log folder."""
    override = os.environ.get("LEVITOR_STUDIO_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("levitor-studio", appauthor=False))


def log_file() -> Path:
    """The current log file (older ones are ``.1`` … ``.3`` beside it)."""
    return log_dir() / LOG_NAME


def setup(level: int = logging.INFO) -> Path | None:
    """Send the ``levitor_studio`` logger to the rotating file; its path, or None if unwritable.

    Safe to call again (from any thread): a second call keeps the handler unless the folder
    changed, then the old file is closed and the new one opened.
    """
    global _handler
    path = log_file()
    logger = logging.getLogger(LOGGER_NAME)
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) == path.absolute():
            return path
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
            _handler = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
        except OSError:
            return None  # a read-only home must not stop the editor; Python's last resort prints
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
        logger.setLevel(min(logger.level or level, level))
        _handler = handler
    return path


def close() -> None:
    """Detach and close the file (tests, and before the folder is removed)."""
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger(LOGGER_NAME).removeHandler(_handler)
            _handler.close()
            _handler = None


def one_line(exc: BaseException, expected: bool = False) -> str:
    """An exception as one readable line: ``Type: first line`` (the traceback and any further
    lines are in the log). An ``expected`` error (our ``LevitorError``) is written for people:
    its message alone, its lines joined with ``;``."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if expected:  # every line matters to the person: joined, none lost
        return "; ".join(lines) or type(exc).__name__
    text = lines[0] + (" …" if len(lines) > 1 else "") if lines else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def log_failure(
    exc: BaseException,
    context: str = "",
    logger: logging.Logger | None = None,
    expected: bool = False,
) -> str:
    """Log ``exc`` with its traceback and return the one line to show a person.

    An ``expected`` error (the caller's ``LevitorError``: this module imports nothing of the
    project, so every layer may use it) is a refusal written for people (a bad file, a wrong
    value): it is logged as a warning without a traceback. Anything else is a bug or an environment failure: logged as an error with the
    full traceback, and the line says where to find it.
    """
    setup()
    log = logger or logging.getLogger(LOGGER_NAME)
    line = one_line(exc, expected)
    where = f"{context}: " if context else ""
    if expected:
        log.warning("%s%s", where, line)
        return line
    log.error("%s%s", where, line, exc_info=(type(exc), exc, exc.__traceback__))
    return f"{line} (details in Help ▸ Show Log)"
