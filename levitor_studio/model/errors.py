"""Errors the model raises for bad user input.

Every error that can reach a user carries a readable message; validation errors also carry the
key path of the offending value (``objects[1].keyframes[2].z``) so a hand-edited file can be fixed.
Text taken from a file is shown through :func:`printable`, and messages through :func:`one_line`,
so a hostile name cannot send escape sequences to a terminal or spread a message over lines.
"""

from __future__ import annotations

from collections.abc import Iterable


class LevitorError(Exception):
    """Base class of every error meant to be shown to a user as one line."""


class InputError(LevitorError):
    """A file or value supplied by the user cannot be used."""


class ValidationError(InputError):
    """A document (project manifest, tracks file) has a bad value at ``path``."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class BackendUnavailable(LevitorError):
    """A backend cannot run here; the message says why (missing package, weights folder...)."""


class Cancelled(LevitorError):
    """A background task was cancelled by the user."""


def key_path(parts: Iterable[str | int]) -> str:
    """Format ``["objects", 1, "keyframes", 2, "z"]`` as ``objects[1].keyframes[2].z``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = printable(str(part))
            out += f".{text}" if out else text
    return out


def printable(text: str) -> str:
    r"""``text`` with every non-printable character (controls, escapes, bidi overrides, lone
    surrogates, NUL, line breaks) written as a Python escape such as ``\x1b``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def one_line(message: object) -> str:
    """A message as one printable line: runs of white space (line breaks) become one space."""
    if isinstance(message, str):
        return printable(" ".join(message.split()))
    return printable(" ".join(str(message).split())) or type(message).__name__


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
