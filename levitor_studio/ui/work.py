"""Long work the editor starts: segmentation, depth, control points, generation, export.

Every job runs through the window's :class:`TaskRunner` on a frozen copy of the scene, reports
progress to the status bar, can be cancelled there, and comes back as a model command pushed on
the undo stack (masks, depth) or as a cache (generated frames, control points). Backends are
created through the plugin host with the user's preferences; a backend that cannot run becomes a
one-line message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal

from ..backends.heuristic_depth import HeuristicDepth, horizon_of
from ..model.commands import AddObject, SetDepthMap, SetObjectMask, new_object
from ..model.errors import LevitorError
from ..model.events import SceneChange
from ..plugin_host import create_backend
from ..plugin_host.protocols import DEPTH, GENERATOR, SEGMENTER, Prompt
from ..tasks.runner import TaskHandle, TaskRunner, frozen_copy
from . import engine_jobs

if TYPE_CHECKING:
    from .document import Document
    from .preferences import Preferences


def is_bundled(path: Path) -> bool:
    """Whether ``path`` lies in the app's own resources (the example): never write there."""
    from importlib import resources

    root = Path(str(resources.files("levitor_studio.resources"))).resolve()
    return Path(path).resolve().is_relative_to(root)


class WorkController(QObject):
    """Starts background jobs for the current document and applies their results."""

    generated = Signal(object)  # (F, H, W, 3) uint8 or None
    pointsReady = Signal(object)  # per-frame control points
    objectAdded = Signal(int)  # uid made by the box / clicks tools
    failed = Signal(str)  # a generation or export failed: the window shows a message box
    cannotRun = Signal(str, str)  # generator id, why it cannot run (missing weights…)
    staleChanged = Signal(bool)  # the generated take no longer matches the scene (or again does)
    takeStored = Signal(object)  # a take was written to the project's takes folder (or copied)

    def __init__(self, runner: TaskRunner, prefs: Preferences, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.prefs = prefs
        self.doc: Document | None = None
        self.frames: NDArray[np.uint8] | None = None
        self.take: dict[str, Any] | None = None  # how self.frames were made (seed, settings)
        self.stale = False  # the scene's control signal or first frame changed since
        self.take_id: str | None = None  # the stored take the frames are (None: not stored yet)
        self._backends: dict[tuple[str, str, tuple[tuple[str, str], ...]], Any] = {}
        self._segmenter_image: int | None = None
        self._clicks: list[tuple[float, float, int]] = []
        self._clicks_uid: int | None = None
        self._box: tuple[float, float, float, float] | None = None

    def set_document(self, doc: Document) -> None:
        self.doc = doc
        self.frames = None
        self.take = None
        self.take_id = None
        self._set_stale(False)
        self._segmenter_image = None
        self.reset_clicks()
        doc.sceneChanged.connect(self._on_scene_changed)

    def _on_scene_changed(self, what: SceneChange) -> None:
        """A take is never dropped by an edit: it is marked stale when what it was made from
        (the control signal's inputs, the first frame) changed, and fresh again after undo."""
        if self.frames is None or self.take is None or self.doc is None:
            return
        from ..engine.take_hash import control_hash

        self._set_stale(control_hash(self.doc.scene) != self.take.get("control_hash"))

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.staleChanged.emit(stale)

    def backend(self, kind: str) -> Any:
        backend_id = self.prefs.backends.get(kind, "")
        options = self.prefs.options_for(backend_id)
        key = (kind, backend_id, tuple(sorted(options.items())))
        if key not in self._backends:
            self._backends[key] = create_backend(kind, backend_id, options)
            if kind == SEGMENTER:
                self._segmenter_image = None
        return self._backends[key]

    def _message(self, text: str) -> None:
        assert self.doc is not None
        self.doc.message.emit(text)

    def _start(self, label: str, fn: Any, exclusive: str | None = None) -> TaskHandle | None:
        # one export at a time, but one asked for while another runs waits for it, not refused
        handle = self.runner.submit(label, fn, exclusive=exclusive, queue=exclusive == "export")
        if handle is not None:
            if exclusive in ("generate", "export"):  # the user waits for these: don't just flash
                handle.failed.connect(lambda msg: self.failed.emit(f"{label}: {msg}"))
            else:
                handle.failed.connect(lambda msg: self._message(f"{label}: {msg}"))
            handle.cancelled.connect(lambda: self._message(f"{label}: cancelled"))
        return handle

    # -- segmentation --------------------------------------------------------------------

    def _refine_target(self, new: bool) -> int | None:
        """The object a box or click edits: the selected one, unless ``new`` (Ctrl) is held."""
        assert self.doc is not None
        uid = None if new else self.doc.selected_uid
        if uid is not None and uid != self._clicks_uid:
            self.reset_clicks()  # a refinement session per object: its clicks and box
            self._clicks_uid = uid
        return uid

    def segment_box(
        self, box: tuple[float, float, float, float], new: bool = False
    ) -> TaskHandle | None:
        """A box: edits the selected object's mask, or makes a new object (none selected/Ctrl)."""
        uid = self._refine_target(new)
        if uid is None:
            self.reset_clicks()
            return self._segment(Prompt(box=box), None, "")
        self._box = box
        return self._refine(uid)

    def add_click(self, x: float, y: float, positive: int, new: bool = False) -> TaskHandle | None:
        """An include/exclude click: edits the selected object, or starts a new one."""
        uid = self._refine_target(new)
        if uid is not None:
            self._clicks.append((x, y, positive))
            return self._refine(uid)
        if new or self._clicks_uid is not None:
            self.reset_clicks()
        if not positive:
            self._message("Start a new object with an include click (left button)")
            return None
        self._clicks.append((x, y, positive))
        return self._segment(Prompt(clicks=tuple(self._clicks)), None, "")

    def _refine(self, uid: int) -> TaskHandle | None:
        """Re-segment object ``uid`` from its current mask, the session's clicks and box."""
        assert self.doc is not None
        obj = self.doc.scene.object(uid)
        if obj.locked:
            self._message(f"{obj.name} is locked; unlock it in the Objects panel")
            return None
        prompt = Prompt(clicks=tuple(self._clicks), box=self._box, mask=obj.mask.copy())
        return self._segment(prompt, uid, "")

    def reset_clicks(self) -> None:
        self._clicks = []
        self._clicks_uid = None
        self._box = None

    def _segment(self, prompt: Prompt, uid: int | None, merge: str) -> TaskHandle | None:
        doc = self.doc
        assert doc is not None
        try:
            segmenter = self.backend(SEGMENTER)
        except LevitorError as exc:
            self._message(str(exc))
            return None
        image = doc.scene.image
        needs = self._segmenter_image != id(image)
        self._segmenter_image = id(image)
        handle = self._start(
            "segmentation",
            lambda task: engine_jobs.segment(segmenter, image, needs, prompt, task),
            exclusive="segment",
        )
        if handle is None:
            return None
        handle.failed.connect(lambda _m: setattr(self, "_segmenter_image", None))
        handle.finished.connect(lambda mask: self._apply_mask(mask, uid, merge, prompt))
        return handle

    def _apply_mask(
        self, mask: NDArray[np.bool_], uid: int | None, merge: str, prompt: Prompt
    ) -> None:
        doc = self.doc
        assert doc is not None
        if uid is not None and any(o.uid == uid for o in doc.scene.objects):
            doc.push(SetObjectMask(uid, mask), merge or None)
            return
        obj = new_object(doc.scene, mask)
        if doc.push(AddObject(obj), merge or None):
            doc.select(obj.uid)
            # the clicks that made it stay its refinement session: the next click edits it
            self._clicks_uid = obj.uid
            self._box = prompt.box
            self.objectAdded.emit(obj.uid)
            self._message(
                f"Made {obj.name}: boxes and clicks now edit its mask "
                "(Ctrl for another new object, Esc to deselect)"
            )

    # -- depth, control points, generation, export --------------------------------------------

    def estimate_depth(self) -> TaskHandle | None:
        doc = self.doc
        assert doc is not None
        try:
            estimator = self.backend(DEPTH)
        except LevitorError as exc:
            self._message(str(exc))
            return None
        horizon = horizon_of(doc.scene.depth)
        if isinstance(estimator, HeuristicDepth) and horizon is not None:
            estimator = HeuristicDepth({"horizon": str(horizon)})  # where the line was dragged
        scene = frozen_copy(doc.scene)
        handle = self._start(
            "depth", lambda task: engine_jobs.estimate_depth(estimator, scene, task), "depth"
        )
        if handle is not None:
            handle.finished.connect(lambda depth: doc.push(SetDepthMap(depth)))
        return handle

    def compute_points(self) -> TaskHandle | None:
        assert self.doc is not None
        scene = frozen_copy(self.doc.scene)
        handle = self._start("control points", lambda task: engine_jobs.control_points(scene))
        if handle is not None:
            handle.finished.connect(self.pointsReady)
        return handle

    def generate(self) -> TaskHandle | None:
        doc = self.doc
        assert doc is not None
        gen_id = doc.scene.settings.generator
        options = dict(self.prefs.options_for(gen_id))
        try:
            generator = create_backend(GENERATOR, gen_id, options)
        except LevitorError as exc:
            self._message(str(exc))
            self.cannotRun.emit(gen_id, str(exc))
            return None
        scene = frozen_copy(doc.scene)
        handle = self._start(
            f"generate ({gen_id})",
            lambda task: engine_jobs.generate(generator, gen_id, options, scene, task),
            exclusive="generate",
        )
        if handle is not None:
            handle.finished.connect(self._on_generated)
        return handle

    def _on_generated(self, result: tuple[NDArray[np.uint8], dict[str, Any]]) -> None:
        frames, self.take = result
        self.frames = frames
        self.take_id = None
        self._on_scene_changed("generated")  # edits made while it ran may make it stale
        self.generated.emit(frames)
        self._message(f"Generated {len(frames)} frames")
        self.store_take()

    # -- takes ---------------------------------------------------------------------------------

    def store_take(self) -> TaskHandle | None:
        """Keep the generated clip as a take of the saved project (in the background)."""
        doc = self.doc
        if doc is None or doc.path is None or self.frames is None or self.take is None:
            return None
        if self.take_id is not None:
            return None
        if is_bundled(doc.path):
            self._message("The bundled example keeps no takes: File ▸ Save As to keep them")
            return None
        project, frames, record = doc.path, self.frames, self.take
        fps = doc.scene.fps
        handle = self._start(
            "store take",
            lambda task: engine_jobs.store_take(project, frames, record, fps),
        )
        if handle is not None:
            handle.finished.connect(lambda take: self._stored(take, record))
        return handle

    def _stored(self, take: Any, record: dict[str, Any]) -> None:
        if record is self.take:
            self.take_id = take.id
        self.takeStored.emit(take)

    def project_saved(self, old: Path | None, new: Path) -> TaskHandle | None:
        """After Save As the takes follow the project; an unsaved document's clip is kept."""
        if old is not None and old != new:
            handle = self._start("copy takes", lambda task: engine_jobs.copy_takes(old, new))
            if handle is not None:
                handle.finished.connect(self._after_copy)
            return handle
        return self.store_take()

    def _after_copy(self, count: int) -> None:
        self._message(f"Copied {count} take(s) with the project")
        self.takeStored.emit(None)
        self.take_id = None  # the current clip, if any, is now a take of the new project too
        self.store_take()

    def show_take(self, take: Any) -> TaskHandle | None:
        """Decode a stored take and show it as the generated clip (timeline and view)."""
        handle = self._start("load take", lambda task: engine_jobs.load_take(take))
        if handle is not None:
            handle.finished.connect(lambda frames: self._show_take(take, frames))
        return handle

    def _show_take(self, take: Any, frames: NDArray[np.uint8]) -> None:
        self.frames, self.take, self.take_id = frames, dict(take.record), take.id
        self._on_scene_changed(None)  # type: ignore[arg-type]
        self.generated.emit(frames)
        self._message(f"Showing take {take.label}")

    def export_video(self, path: str, settings: Any = None) -> TaskHandle | None:
        assert self.doc is not None
        scene, frames = frozen_copy(self.doc.scene), self.frames
        take = self.take if frames is not None else None
        first, last = getattr(settings, "frame_range", None) or self.doc.play_range
        span = None if (first, last) == (0, scene.frames - 1) else (first, last)
        handle = self._start(
            "export video",
            lambda task: engine_jobs.export_video(scene, frames, path, task, take, span, settings),
            "export",
        )
        if handle is not None:
            handle.finished.connect(lambda p: self._message(f"Wrote {p}"))
        return handle

    def run_file_job(self, label: str, fn: Any) -> TaskHandle | None:
        """A file export or import in the background; the caller connects ``finished``."""
        return self._start(label, fn, "export")
