"""Errors the model raises for bad user input.

Every error that can reach a user carries a readable message; validation errors also carry the
key path of the offending value (``objects[1].keyframes[2].z``) so a hand-edited file can be fixed.
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
            out += f".{part}" if out else str(part)
    return out
