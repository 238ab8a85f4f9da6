"""Finding backends through entry points, listing them from metadata, loading on first use.

Listing reads only distribution metadata (no backend module is imported); asking for a
backend's availability imports its light module; constructing it loads nothing heavy until it
is used. Errors become :class:`BackendUnavailable` with a sentence a user can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal, overload

from ..model.errors import BackendUnavailable, InputError
from .protocols import (
    DEPTH,
    GENERATOR,
    GROUPS,
    SEGMENTER,
    Availability,
    DepthEstimator,
    Segmenter,
    VideoGenerator,
)

#: what a backend of each kind must provide (checked when it is created)
PROTOCOLS: dict[str, type] = {
    SEGMENTER: Segmenter,
    DEPTH: DepthEstimator,
    GENERATOR: VideoGenerator,
}


@dataclass(frozen=True)
class BackendInfo:
    """A backend as metadata shows it, before anything is imported."""

    id: str
    kind: str
    distribution: str
    version: str
    entry_point: EntryPoint

    def load_class(self) -> Any:
        try:
            return self.entry_point.load()
        except ImportError as exc:
            raise BackendUnavailable(
                f"backend {self.id!r} cannot be imported: {exc.name or exc} is not installed"
            ) from None

    def availability(self, options: Mapping[str, str] | None = None) -> Availability:
        try:
            cls = self.load_class()
        except BackendUnavailable as exc:
            return Availability(False, str(exc))
        try:
            result: Availability = cls.availability(dict(options or {}))
            return result
        except Exception as exc:  # a broken plugin must not break listing
            return Availability(False, f"availability check failed: {exc}")


def list_backends(kind: str | None = None) -> list[BackendInfo]:
    """All installed backends (of one kind), sorted by kind and id, from metadata only."""
    kinds = [kind] if kind else list(GROUPS)
    found: list[BackendInfo] = []
    for k in kinds:
        if k not in GROUPS:
            raise InputError(f"unknown backend kind {k!r} (one of {', '.join(GROUPS)})")
        for ep in entry_points(group=GROUPS[k]):
            dist = ep.dist
            found.append(
                BackendInfo(
                    ep.name,
                    k,
                    dist.name if dist else "?",
                    dist.version if dist else "?",
                    ep,
                )
            )
    return sorted(found, key=lambda b: (list(GROUPS).index(b.kind), b.id))


def find_backend(kind: str, backend_id: str) -> BackendInfo:
    for info in list_backends(kind):
        if info.id == backend_id:
            return info
    known = ", ".join(b.id for b in list_backends(kind)) or "none"
    raise InputError(f"no {kind} backend called {backend_id!r} (installed: {known})")


@overload
def create_backend(
    kind: Literal["segmenter"], backend_id: str, options: Mapping[str, str] | None = None
) -> Segmenter: ...
@overload
def create_backend(
    kind: Literal["depth"], backend_id: str, options: Mapping[str, str] | None = None
) -> DepthEstimator: ...
@overload
def create_backend(
    kind: Literal["generator"], backend_id: str, options: Mapping[str, str] | None = None
) -> VideoGenerator: ...
@overload
def create_backend(kind: str, backend_id: str, options: Mapping[str, str] | None = None) -> Any: ...
def create_backend(kind: str, backend_id: str, options: Mapping[str, str] | None = None) -> Any:
    """Construct a backend after checking it can run and provides its kind's Protocol.

    Raises :class:`BackendUnavailable` for a backend that cannot run here or lacks a method
    its kind needs (a plugin written against an older interface).
    """
    info = find_backend(kind, backend_id)
    cls = info.load_class()
    avail: Availability = cls.availability(dict(options or {}))
    if not avail.ok:
        raise BackendUnavailable(f"{backend_id}: {avail.reason}")
    backend = cls(dict(options or {}))
    protocol = PROTOCOLS.get(kind)
    if protocol is not None and not isinstance(backend, protocol):
        missing = [
            name
            for name in protocol.__dict__
            if not name.startswith("_")
            and callable(protocol.__dict__[name])
            and not callable(getattr(backend, name, None))
        ]
        raise BackendUnavailable(
            f"{backend_id}: not a usable {kind} (missing {', '.join(missing) or 'methods'})"
        )
    return backend
