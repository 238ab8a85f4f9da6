"""The Takes dock: every take of the open project, with thumbnails, and what to do with them.

It lists the project's ``<stem>.takes/`` folder (newest first; a damaged take is reported in the
panel and skipped), marks stale takes (made from another control signal or first frame), and:
shows a take on the timeline (double-click or Show), compares two side by side or with a wipe,
re-runs one with the same or a new seed (its settings become the scene's, one undo step, then
Generate), renames (edit the name in place), stars and deletes. Renames, stars and deletes go on
the panel's own undo stack (Undo in the panel): a deleted take is restored from ``.deleted/``.
Takes are files beside the project, not scene edits, so they never mark the project unsaved.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..model.commands import SetGenerationSettings
from ..model.errors import LevitorError
from ..model.takes import Take, TakeStore
from .work import is_bundled

if TYPE_CHECKING:
    from .document import Document
    from .work import WorkController

ID_ROLE = Qt.ItemDataRole.UserRole


class _TakeEdit(QUndoCommand):
    """Rename, star or delete a take; undo puts it back."""

    def __init__(self, panel: TakesPanel, take_id: str, what: str, before: Any, after: Any):
        super().__init__(f"{what} take")
        self.panel, self.take_id, self.what = panel, take_id, what
        self.before, self.after = before, after
        self._apply(after)  # before the push, so a refused edit never becomes a step
        self._pushed = False

    def _apply(self, value: Any) -> None:
        store = self.panel.store
        assert store is not None
        if self.what == "delete":
            store.delete(self.take_id) if value else store.restore(self.take_id)
        else:
            store.update(self.take_id, **{self.what: value})
        self.panel.refresh()

    def redo(self) -> None:
        if self._pushed:
            self._apply(self.after)
        self._pushed = True

    def undo(self) -> None:
        self._apply(self.before)


class TakesPanel(QWidget):
    """The list of takes and its buttons; it observes the document and the work controller."""

    def __init__(self, doc: Document, work: WorkController, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.work = work
        self.store: TakeStore | None = None
        self.takes: dict[str, Take] = {}
        self.undo_stack = QUndoStack(self)
        self.compare_dialog: Any = None
        self._watched: Document | None = None
        self.list = QListWidget()
        self.list.setIconSize(QSize(96, 54))
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(lambda _i: self.show_selected())
        self.list.itemChanged.connect(self._renamed)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        rows = (
            (("show", "Show", self.show_selected), ("compare", "Compare", self.compare)),
            (
                ("same_seed", "Same seed", lambda: self.rerun(False)),
                ("new_seed", "New seed", lambda: self.rerun(True)),
            ),
            (
                ("star", "Star", self.toggle_star),
                ("delete", "Delete", self.delete_selected),
                ("undo", "Undo", self.undo_stack.undo),
                ("refresh", "Refresh", self.refresh),
            ),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        for row in rows:
            line = QHBoxLayout()
            for name, text, slot in row:
                button = QPushButton(text)
                button.setObjectName(f"takes_{name}")
                button.clicked.connect(slot)
                self.buttons[name] = button
                line.addWidget(button)
            layout.addLayout(line)
        self.undo_stack.canUndoChanged.connect(self.buttons["undo"].setEnabled)
        self.buttons["undo"].setEnabled(False)
        self.list.itemSelectionChanged.connect(self._enable)
        work.takeStored.connect(lambda _t: self.refresh())
        work.staleChanged.connect(lambda _s: self.relabel())
        self.set_document(doc)

    def set_document(self, doc: Document) -> None:
        if doc is not self._watched:  # the window hands the first document over once more
            doc.pathChanged.connect(lambda _p, d=doc: self._path_changed(d))
            self._watched = doc
        self.doc = doc
        self.undo_stack.clear()
        self.refresh()

    def _path_changed(self, doc: Document) -> None:
        if doc is self.doc:
            self.refresh()

    # -- listing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the takes folder again (a batch may have added takes meanwhile)."""
        from ..engine.take_hash import control_hash

        path = self.doc.path
        if path is not None and is_bundled(path):
            path = None  # the bundled example keeps no takes
        self.store = TakeStore.of_project(path) if path is not None else None
        takes, problems = self.store.scan() if self.store is not None else ([], [])
        self.takes = {t.id: t for t in takes}
        current = control_hash(self.doc.scene)
        selected = set(self.selected_ids())
        self.list.blockSignals(True)
        self.list.clear()
        for take in reversed(takes):  # newest first
            item = QListWidgetItem(QIcon(QPixmap(str(take.thumbnail))), self._text(take, current))
            item.setData(ID_ROLE, take.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(f"{take.id}\n{take.record['created']}\n(edit the name in place)")
            self.list.addItem(item)
            item.setSelected(take.id in selected)
        self.list.blockSignals(False)
        if path is None:
            self.note.setText("Save the project to keep its takes (each Generate is one).")
        elif problems:
            self.note.setText(f"{len(problems)} damaged take(s) skipped: {problems[0]}")
        else:
            self.note.setText(f"{len(takes)} take(s) in {self.store.folder.name}")  # type: ignore[union-attr]
        self._enable()

    def relabel(self) -> None:
        """Mark stale takes again after an edit (no folder scan: edits come often)."""
        from ..engine.take_hash import control_hash

        current = control_hash(self.doc.scene)
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            take = self.takes.get(str(item.data(ID_ROLE)))
            if take is not None:
                item.setText(self._text(take, current))
        self.list.blockSignals(False)

    @staticmethod
    def _text(take: Take, current: str) -> str:
        rec = take.record
        star = "★ " if take.starred else ""
        stale = "  (stale)" if rec["control_hash"] != current else ""
        return (
            f"{star}{take.label}\n{rec['generator']} · seed {rec['seed']} · "
            f"{rec['duration_s']:.1f} s{stale}"
        )

    def selected_ids(self) -> list[str]:
        return [str(i.data(ID_ROLE)) for i in self.list.selectedItems()]

    def _enable(self) -> None:
        n = len(self.selected_ids())
        for name in ("show", "same_seed", "new_seed", "star", "delete"):
            self.buttons[name].setEnabled(n == 1)
        self.buttons["compare"].setEnabled(n == 2)

    def _one(self) -> Take | None:
        ids = self.selected_ids()
        return self.takes.get(ids[0]) if len(ids) == 1 else None

    # -- actions -------------------------------------------------------------------------------

    def show_selected(self) -> None:
        take = self._one()
        if take is not None:
            self.work.show_take(take)

    def compare(self) -> None:
        from .take_compare import CompareDialog

        ids = self.selected_ids()
        if len(ids) != 2:
            self.doc.message.emit("Select two takes to compare")
            return
        # older on the left: by creation time, as the store orders them (ids made within one
        # second differ only in their random suffix, so sorting ids gave a random order)
        a, b = sorted((self.takes[i] for i in ids), key=lambda t: (str(t.record["created"]), t.id))
        self.compare_dialog = CompareDialog(self.doc, a, b, self.work, self)
        self.compare_dialog.show()

    def rerun(self, new_seed: bool) -> None:
        """Make the take's settings the scene's (one undo step), with a new seed if asked, and
        generate."""
        take = self._one()
        if take is None:
            return
        settings = dict(take.record["settings"])
        if new_seed:
            settings["seed"] = random.randrange(2**31)
        if self.doc.push(SetGenerationSettings(settings)):
            self.work.generate()

    def toggle_star(self) -> None:
        take = self._one()
        if take is not None:
            self._edit(take.id, "starred", take.starred, not take.starred)

    def delete_selected(self) -> None:
        take = self._one()
        if take is not None:
            self._edit(take.id, "delete", False, True)

    def _renamed(self, item: QListWidgetItem) -> None:
        take = self.takes.get(str(item.data(ID_ROLE)))
        if take is None:
            return
        name = item.text().split("\n")[0].removeprefix("★ ").strip()
        if name and name != take.label:
            self._edit(take.id, "name", take.name, name)
        else:
            self.refresh()

    def _edit(self, take_id: str, what: str, before: Any, after: Any) -> None:
        try:
            edit = _TakeEdit(self, take_id, what, before, after)
        except (
            LevitorError,
            OSError,
        ) as exc:  # the folder changed under us (a batch, another editor)
            self.doc.message.emit(str(exc))
            self.refresh()
            return
        self.undo_stack.push(edit)
