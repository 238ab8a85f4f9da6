"""The playhead, the selection (objects, keys, the camera row) and what is hidden, Qt-free (napari's ``ViewerModel``).

:class:`ViewState` is what every view of a scene shares besides the scene itself: the frame at
the playhead, the selected object and key, and which objects the views hide (hiding is view
state: it is not saved, not undone, and never changes the render or the control signal). It keeps them valid (the playhead inside
the scene's frames, no selection of a deleted object) and announces changes through psygnal
signals, so scripts and tests drive and observe it without a window. The editor's ``Document``
forwards these signals to Qt; it stores none of this state itself.
"""

from __future__ import annotations

from psygnal import Signal

from .scene import Scene

Key = tuple[int, int]  # (object uid, frame)


class ViewState:
    """Playhead and selection; every setter emits only when the value changes."""

    frame_changed = Signal(int)
    selection_changed = Signal(object)  # uid or None
    key_selection_changed = Signal(object)  # (uid, frame) or None
    visibility_changed = Signal(int, bool)  # uid, shown
    camera_selection_changed = Signal(bool, object)  # camera row selected, key frame or None

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self._frame = 0
        self._selected: int | None = None
        self._selected_key: Key | None = None
        self._hidden: set[int] = set()
        self._camera: tuple[bool, int | None] = (False, None)

    @property
    def frame(self) -> int:
        return self._frame

    def set_frame(self, frame: int) -> None:
        """Move the playhead, clamped into ``0 .. frames - 1`` (a shortened scene pulls it in)."""
        frame = min(max(int(frame), 0), self.scene.frames - 1)
        if frame != self._frame:
            self._frame = frame
            self.frame_changed.emit(frame)

    @property
    def selected_uid(self) -> int | None:
        """The selected object's uid, or None (also once that object was deleted)."""
        if self._selected is not None and all(o.uid != self._selected for o in self.scene.objects):
            return None
        return self._selected

    def select(self, uid: int | None) -> None:
        if uid is not None:
            self._set_camera(False, None)  # an object takes the selection from the camera
        if uid != self._selected:
            self._selected = uid
            self.selection_changed.emit(uid)

    @property
    def selected_key(self) -> Key | None:
        return self._selected_key

    def select_key(self, uid: int | None, frame: int | None = None) -> None:
        """Select the key of ``uid`` at ``frame`` (and so that object), or no key."""
        key = None if uid is None or frame is None else (uid, frame)
        if key is not None:
            self._set_camera(False, None)
        if key != self._selected_key:
            self._selected_key = key
            if uid is not None:
                self.select(uid)
            self.key_selection_changed.emit(key)

    @property
    def camera_selected(self) -> bool:
        """Whether the camera row is selected (Insert, Delete and the fields then act on it)."""
        return self._camera[0]

    @property
    def selected_camera_key(self) -> int | None:
        """The frame of the selected camera key, or None (also once that key is gone)."""
        frame = self._camera[1]
        if frame is None or all(k.frame != frame for k in self.scene.camera):
            return None
        return frame

    def select_camera(self, frame: int | None = None) -> None:
        """Select the camera row (and its key at ``frame``); the object selection is dropped."""
        self.select_key(None)
        self.select(None)
        self._set_camera(True, None if frame is None else int(frame))

    def deselect_camera(self) -> None:
        self._set_camera(False, None)

    def _set_camera(self, on: bool, frame: int | None) -> None:
        if (on, frame) != self._camera:
            self._camera = (on, frame)
            self.camera_selection_changed.emit(on, frame)

    def is_visible(self, uid: int) -> bool:
        """Whether the views draw object ``uid`` (its overlays, path and keys)."""
        return uid not in self._hidden

    def set_visible(self, uid: int, shown: bool) -> None:
        """Show or hide an object in the views. View state only: not saved, not undone, and
        the render, the control signal and a take ignore it (a hidden object still moves)."""
        self._hidden &= {o.uid for o in self.scene.objects}  # forget deleted objects
        if shown != self.is_visible(uid):
            (self._hidden.discard if shown else self._hidden.add)(uid)
            self.visibility_changed.emit(uid, shown)
