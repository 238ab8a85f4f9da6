"""The open document: one scene, its undo stack, and Qt signals for the playhead and selection.

Every view (image view, timeline, inspector, objects panel, 3D viewport) observes a
:class:`Document` and commands it; none owns scene data. Edits arrive as model commands
(:mod:`levitor_studio.model.commands`) and are pushed onto a ``QUndoStack`` wrapped in
:class:`CommandAdapter`; consecutive pushes with the same ``merge_key`` (one drag) become one
undo step. The playhead and the selection live in the Qt-free
:class:`~levitor_studio.model.view_state.ViewState`; the document forwards its events as Qt
signals and stops forwarding when it is closed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..model.commands import Command
from ..model.errors import InputError
from ..model.scene import Scene
from ..model.view_state import ViewState


class CommandAdapter(QUndoCommand):
    """Model commands already applied, as one step of the Qt undo stack.

    The command is applied before it is pushed (so a refused edit never enters the stack); the
    first ``redo()`` Qt makes on push is therefore skipped. Pushes sharing a ``merge_key`` (one
    drag) merge: undo applies every inverse in reverse order, so retiming drags undo right too.
    """

    def __init__(
        self, document: Document, command: Command, inverse: Command, merge_key: str | None
    ):
        super().__init__(command.label)
        # weak: the stack (owned by the document) owns this command, so a strong reference back
        # would put both in a cycle, and the cycle collector could then free them in any order
        # (QUndoStack::clear() deleting a command whose wrapper was already torn down: segfault)
        self._doc_ref = weakref.ref(document)
        self._forward: list[Command] = [command]
        self._inverses: list[Command] = [inverse]
        self._merge = document.merge_id(merge_key)
        self._applied = True

    @property
    def _doc(self) -> Document:
        doc = self._doc_ref()
        assert doc is not None, "a command outlived its document"
        return doc

    def redo(self) -> None:
        if self._applied:
            return
        self._inverses = [cmd.apply(self._doc.scene) for cmd in self._forward]
        self._applied = True

    def undo(self) -> None:
        forward = [inv.apply(self._doc.scene) for inv in reversed(self._inverses)]
        self._forward = forward[::-1]
        self._applied = False

    def id(self) -> int:  # Qt override
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, CommandAdapter) or self._merge < 0 or other.id() != self._merge:
            return False
        self._forward += other._forward
        self._inverses += other._inverses
        return True


class Document(QObject):
    """Scene + undo stack + playhead + selection, with Qt signals for views."""

    sceneChanged = Signal(object)  # what changed: a model.events.SceneChange
    frameChanged = Signal(int)
    selectionChanged = Signal(object)  # uid (int) or None
    keySelectionChanged = Signal(object)  # (uid, frame) or None
    visibilityChanged = Signal(int, bool)  # uid, shown (view state: not an edit)
    cameraSelectionChanged = Signal(bool, object)  # camera row selected, key frame or None
    pathChanged = Signal(object)  # Path or None
    message = Signal(str)  # a readable message for the status bar
    rangeChanged = Signal(object)  # (in, out) frames for playback and export
    orderRequested = Signal(bool)  # "Send Behind…" (True) / "Bring in Front of…" (False)

    def __init__(self, scene: Scene, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._scene = scene
        self._path = path
        self._range: tuple[int, int] | None = None
        self.view_state = ViewState(scene)  # playhead and selection live in the model
        self._gestures = 0
        #: depth changes of keys move them up the ground plane (the "stay on the ground" option)
        self.stay_on_ground = False
        self._merge_key: str | None = None
        self._merge_serial = 0
        self._forwards = (
            (scene.events.changed, self.sceneChanged.emit),
            (self.view_state.frame_changed, self.frameChanged.emit),
            (self.view_state.selection_changed, self.selectionChanged.emit),
            (self.view_state.key_selection_changed, self.keySelectionChanged.emit),
            (self.view_state.visibility_changed, self.visibilityChanged.emit),
            (self.view_state.camera_selection_changed, self.cameraSelectionChanged.emit),
        )
        for source, forward in self._forwards:
            source.connect(forward)

    def close(self) -> None:
        """Stop forwarding the model's events and drop the undo history (the document is being
        replaced or its window closed): a scene that outlives it (reopened, kept by a script)
        must not call into a deleted Qt object."""
        for source, forward in self._forwards:
            source.disconnect(forward)
        self._forwards = ()
        # delete the commands now, while every wrapper is alive: left to the cycle collector,
        # ~QUndoStack could delete a command whose Python wrapper was torn down first (segfault)
        blocked = self.undo_stack.blockSignals(True)
        self.undo_stack.clear()
        self.undo_stack.blockSignals(blocked)

    # -- scene and file ------------------------------------------------------------------

    @property
    def scene(self) -> Scene:
        return self._scene

    @property
    def path(self) -> Path | None:
        return self._path

    def set_path(self, path: Path | None) -> None:
        self._path = path
        self.pathChanged.emit(path)

    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def push(self, command: Command, merge_key: str | None = None) -> bool:
        """Apply ``command`` as an undoable step; on a refused edit show why and return False."""
        try:
            inverse = command.apply(self._scene)
        except InputError as exc:
            self.message.emit(str(exc))
            return False
        self.undo_stack.push(CommandAdapter(self, command, inverse, merge_key))
        return True

    def merge_id(self, key: str | None) -> int:
        """The undo-merge id of a push with ``key`` (-1: never merges).

        Qt merges a push into the step on top when their ids are equal, so only consecutive
        pushes matter: the same key as the previous push gets the same id, any other a fresh
        one. Nothing is remembered beyond the last key (a global table grew with every gesture).
        """
        if key is None:
            return -1
        if key != self._merge_key:
            self._merge_key = key
            self._merge_serial = self._merge_serial % (2**30) + 1
        return self._merge_serial

    def gesture_key(self, what: str) -> str:
        """A fresh merge key for one gesture (a drag): its pushes become one undo step."""
        self._gestures += 1
        return f"{what}#{self._gestures}"

    # -- playhead and selection (the model's ViewState; these forward to it) ----------------

    @property
    def frame(self) -> int:
        return self.view_state.frame

    def set_frame(self, frame: int) -> None:
        self.view_state.set_frame(frame)

    # -- in/out range (playback and export; view state, not an edit) -------------------------

    @property
    def play_range(self) -> tuple[int, int]:
        """The in and out frames (inclusive), inside the clip; the whole clip by default."""
        last = self._scene.frames - 1
        lo, hi = self._range if self._range is not None else (0, last)
        lo, hi = min(max(lo, 0), last), min(max(hi, 0), last)
        return (lo, hi) if lo <= hi else (0, last)

    def set_in_out(self, start: int | None = None, end: int | None = None) -> None:
        """Set the in point, the out point or both; ``set_in_out()`` clears the range."""
        if start is None and end is None:
            self._range = None
        else:
            lo, hi = self.play_range
            lo = lo if start is None else int(start)
            hi = hi if end is None else int(end)
            if lo > hi:  # an in point after the out point moves the out point (and back)
                lo, hi = (lo, lo) if start is not None else (hi, hi)
            self._range = (lo, hi)
        self.rangeChanged.emit(self.play_range)

    @property
    def selected_uid(self) -> int | None:
        return self.view_state.selected_uid

    def select(self, uid: int | None) -> None:
        self.view_state.select(uid)

    @property
    def selected_key(self) -> tuple[int, int] | None:
        return self.view_state.selected_key

    def select_key(self, uid: int | None, frame: int | None = None) -> None:
        self.view_state.select_key(uid, frame)

    @property
    def camera_selected(self) -> bool:
        return self.view_state.camera_selected

    @property
    def selected_camera_key(self) -> int | None:
        return self.view_state.selected_camera_key

    def select_camera(self, frame: int | None = None) -> None:
        self.view_state.select_camera(frame)

    def deselect_camera(self) -> None:
        self.view_state.deselect_camera()

    def push_camera(self, build: Callable[[], Command], merge_key: str | None = None) -> bool:
        """Push the camera edit ``build`` makes; its refusal (raised while building, in the
        person's words) goes to the status bar like a refused command's."""
        try:
            command = build()
        except InputError as exc:
            self.message.emit(str(exc))
            return False
        return self.push(command, merge_key)

    def is_visible(self, uid: int) -> bool:
        return self.view_state.is_visible(uid)

    def set_visible(self, uid: int, shown: bool) -> None:
        self.view_state.set_visible(uid, shown)
