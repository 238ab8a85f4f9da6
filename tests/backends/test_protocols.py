"""Backends are typed and checked by the plugin host's Protocols (issue 12 item 8).

``create_backend`` returns a ``Segmenter`` / ``DepthEstimator`` / ``VideoGenerator`` and refuses,
with one line, a plugin class that lacks a method its kind needs.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any, ClassVar

import pytest

from levitor_studio.model.errors import BackendUnavailable
from levitor_studio.plugin_host import DEPTH, GENERATOR, SEGMENTER, host
from levitor_studio.plugin_host.protocols import (
    Availability,
    DepthEstimator,
    Segmenter,
    VideoGenerator,
)


class HalfSegmenter:
    """Written against an older interface: no automatic mode."""

    options: ClassVar[tuple[Any, ...]] = ()

    @classmethod
    def availability(cls, options: Any) -> Availability:
        return Availability(True)

    def __init__(self, options: Any) -> None:
        pass

    def set_image(self, image: Any, task: Any = None) -> None: ...

    def segment(self, prompt: Any) -> list[Any]:
        return []


def test_a_backend_missing_a_method_is_refused_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ep = EntryPoint("half", f"{__name__}:HalfSegmenter", "levitor_studio.segmenters")
    info = host.BackendInfo("half", SEGMENTER, "test", "0", ep)
    monkeypatch.setattr(host, "find_backend", lambda kind, backend_id: info)
    with pytest.raises(BackendUnavailable) as err:
        host.create_backend(SEGMENTER, "half")
    assert str(err.value) == "half: not a usable segmenter (missing automatic)"


@pytest.mark.parametrize(
    ("kind", "backend_id", "protocol"),
    [
        (SEGMENTER, "grabcut", Segmenter),
        (DEPTH, "heuristic", DepthEstimator),
        (GENERATOR, "preview", VideoGenerator),
    ],
)
def test_the_builtin_backends_provide_their_protocol(
    kind: str, backend_id: str, protocol: type
) -> None:
    backend = host.create_backend(kind, backend_id)
    assert isinstance(backend, protocol)
    assert host.PROTOCOLS[kind] is protocol
