"""What a backend of each kind must provide (segmenter, depth estimator, video generator).

A backend is a class named by an entry point in one of :data:`GROUPS`. Its module must import
cheaply (heavy packages such as torch are imported inside methods), because the host imports
it to ask :meth:`Backend.availability`. The class is constructed with the user's options
(weights paths and switches, all strings) and is expected to load weights lazily on first use.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..model.scene import GenerationSettings, Scene
from ..model.task_state import TaskState

if TYPE_CHECKING:  # the engine's signal module imports OpenCV: not at start-up
    from ..engine.signal import ControlSignal

SEGMENTER: Final = "segmenter"
DEPTH: Final = "depth"
GENERATOR: Final = "generator"

#: entry point group per backend kind
GROUPS: dict[str, str] = {
    SEGMENTER: "levitor_studio.segmenters",
    DEPTH: "levitor_studio.depth_estimators",
    GENERATOR: "levitor_studio.video_generators",
}


@dataclass(frozen=True)
class Availability:
    """Whether a backend can run here, and if not, every problem as a sentence saying what to do.

    ``reasons`` holds each problem; ``reason`` is them joined with "; " (one problem given as
    ``reason`` alone becomes ``reasons == (reason,)``).
    """

    ok: bool
    reason: str = ""
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.reasons and not self.reason:
            object.__setattr__(self, "reason", "; ".join(self.reasons))
        elif self.reason and not self.reasons:
            object.__setattr__(self, "reasons", (self.reason,))

    @classmethod
    def of(cls, problems: Sequence[str]) -> Availability:
        """Ready when ``problems`` is empty, else not, naming every one."""
        return cls(not problems, reasons=tuple(problems))


@dataclass(frozen=True)
class OptionSpec:
    """An option a backend takes (shown in Preferences and as a CLI flag)."""

    name: str
    help: str
    kind: str = "path"  # "path" (file), "dir" (folder), "choice", "flag", "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str = ""
    #: for weights: their size on disk and where a user can get them (shown by Preferences)
    size: str = ""
    source: str = ""


@dataclass(frozen=True)
class Prompt:
    """Segmenter prompt in working-size pixels: clicks ``(x, y, 1|0)`` and/or a box.

    ``mask`` is the selected object's current mask when the prompt refines it (clicks and box
    edit that mask instead of starting a new object); None for a new object.
    """

    clicks: Sequence[tuple[float, float, int]] = ()
    box: tuple[float, float, float, float] | None = None
    mask: NDArray[np.bool_] | None = None


@dataclass(frozen=True)
class MaskCandidate:
    mask: NDArray[np.bool_]
    score: float


@dataclass
class GenerationRequest:
    """Everything a video generator needs; built by the engine from a scene."""

    first_frame: NDArray[np.uint8]  # (H, W, 3)
    conditioning: NDArray[np.float32]  # (F, 3, H, W), raw 0..255 (reference §6)
    settings: GenerationSettings
    fps: float
    scene: Scene | None = None  # for generators that render from it (the CPU preview)
    signal: ControlSignal | None = None  # the engine's control signal (points, label, depth)
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    id: ClassVar[str]
    kind: ClassVar[str]
    label: ClassVar[str]
    options: ClassVar[tuple[OptionSpec, ...]]

    @classmethod
    def availability(cls, options: Mapping[str, str]) -> Availability: ...


@runtime_checkable
class Segmenter(Protocol):
    def set_image(self, image: NDArray[np.uint8], task: TaskState | None = None) -> None: ...

    def segment(self, prompt: Prompt) -> list[MaskCandidate]:
        """Candidates, best first."""
        ...

    def automatic(
        self, exclude: NDArray[np.bool_] | None = None, min_area_fraction: float = 0.001
    ) -> NDArray[np.int32]:
        """Static segments of the current image as a label map (0 = none, 1..M)."""
        ...


@runtime_checkable
class DepthEstimator(Protocol):
    def estimate(
        self, image: NDArray[np.uint8], task: TaskState | None = None
    ) -> NDArray[np.float32]:
        """Pseudo-depth ``(H, W)`` in (0, 1], smaller = nearer, at the image's size."""
        ...


@runtime_checkable
class VideoGenerator(Protocol):
    def generate(
        self, request: GenerationRequest, task: TaskState | None = None
    ) -> NDArray[np.uint8]:
        """Frames ``(F, H, W, 3)`` uint8; reports progress and honours cancel via ``task``."""
        ...


def estimate_depth(
    estimator: DepthEstimator,
    image: NDArray[np.uint8],
    masks: Sequence[NDArray[np.bool_]] = (),
    task: TaskState | None = None,
) -> NDArray[np.float32]:
    """Run a depth estimator, giving it the object masks when its ``estimate`` takes them.

    The ground-plane heuristic stands objects up as cards from their masks; model backends
    look at the image alone. Decided from the signature, so an error raised inside ``estimate``
    is never mistaken for "does not take masks".
    """
    params = inspect.signature(estimator.estimate).parameters.values()
    takes_masks = any(p.name == "masks" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    if takes_masks:
        depth = estimator.estimate(image, task, masks=list(masks))  # type: ignore[call-arg]
    else:
        depth = estimator.estimate(image, task)
    return np.asarray(depth, dtype=np.float32)
