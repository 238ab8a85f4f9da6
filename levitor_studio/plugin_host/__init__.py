"""Plugin host: backends by kind through entry points (see :mod:`.protocols`)."""

from .host import BackendInfo, create_backend, find_backend, list_backends
from .protocols import (
    DEPTH,
    GENERATOR,
    GROUPS,
    SEGMENTER,
    Availability,
    GenerationRequest,
    MaskCandidate,
    OptionSpec,
    Prompt,
)

__all__ = [
    "DEPTH",
    "GENERATOR",
    "GROUPS",
    "SEGMENTER",
    "Availability",
    "BackendInfo",
    "GenerationRequest",
    "MaskCandidate",
    "OptionSpec",
    "Prompt",
    "create_backend",
    "find_backend",
    "list_backends",
]
