"""The open document: one scene, its undo stack, the playhead and the selection.

Every view (image view, timeline, inspector, objects panel, 3D viewport) observes a
:class:`Document` and commands it; none owns scene data. Edits arrive as model commands
(:mod:`levitor_studio.model.commands`) and are pushed onto a ``QUndoStack`` wrapped in
:class:`CommandAdapter`; consecutive pushes with the same ``merge_key`` (one drag) become one
undo step.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..model.commands import Command
from ..model.errors import InputError
from ..model.scene import Scene

_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


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
        self._doc = document
        self._forward: list[Command] = [command]
        self._inverses: list[Command] = [inverse]
        self._merge = _merge_id(merge_key)
        self._applied = True

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

    sceneChanged = Signal(str)  # what changed: "objects", "keys:<uid>", "settings", ...
    frameChanged = Signal(int)
    selectionChanged = Signal(object)  # uid (int) or None
    keySelectionChanged = Signal(object)  # (uid, frame) or None
    pathChanged = Signal(object)  # Path or None
    message = Signal(str)  # a readable message for the status bar
    orderRequested = Signal(bool)  # "Send Behind…" (True) / "Bring in Front of…" (False)

    def __init__(self, scene: Scene, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._scene = scene
        self._path = path
        self._frame = 0
        self._selected: int | None = None
        self._selected_key: tuple[int, int] | None = None
        self._gestures = 0
        #: depth changes of keys move them up the ground plane (the "stay on the ground" option)
        self.stay_on_ground = False
        scene.events.changed.connect(self.sceneChanged.emit)

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

    def gesture_key(self, what: str) -> str:
        """A fresh merge key for one gesture (a drag): its pushes become one undo step."""
        self._gestures += 1
        return f"{what}#{self._gestures}"

    # -- playhead and selection ------------------------------------------------------------

    @property
    def frame(self) -> int:
        return self._frame

    def set_frame(self, frame: int) -> None:
        frame = min(max(int(frame), 0), self._scene.frames - 1)
        if frame != self._frame:
            self._frame = frame
            self.frameChanged.emit(frame)

    @property
    def selected_uid(self) -> int | None:
        if self._selected is not None and all(o.uid != self._selected for o in self._scene.objects):
            return None
        return self._selected

    def select(self, uid: int | None) -> None:
        if uid != self._selected:
            self._selected = uid
            self.selectionChanged.emit(uid)

    @property
    def selected_key(self) -> tuple[int, int] | None:
        return self._selected_key

    def select_key(self, uid: int | None, frame: int | None = None) -> None:
        key = None if uid is None or frame is None else (uid, frame)
        if key != self._selected_key:
            self._selected_key = key
            if uid is not None:
                self.select(uid)
            self.keySelectionChanged.emit(key)
