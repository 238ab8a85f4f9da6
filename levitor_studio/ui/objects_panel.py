"""The objects panel: one row per object with colour swatch, editable name, visible, locked,
and the object it follows (Parent; chosen in the inspector).

Buttons delete an object and move it up or down the list (its instance id follows the order).
Selecting a row selects the object everywhere, and selecting on the image selects the row. Every
change goes through a model command; the table is rebuilt from the scene on its events.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QHeaderView,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..model.commands import MoveObjectInOrder, RemoveObject, SetObjectProperties
from ..model.events import ObjectChanged, ObjectsChanged, SceneChange
from .document import Document
from .widgets import Binding, icon_button

COLS = ("", "Name", "Visible", "Locked", "Parent")


def swatch(color: tuple[int, int, int], size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(*color))
    return QIcon(pix)


class ObjectsPanel(QWidget):
    """List of the scene's objects, kept in sync with the document."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self._syncing = False
        self.table = QTableWidget(0, len(COLS))
        self.table.setHorizontalHeaderLabels(COLS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.table.cellDoubleClicked.connect(self._on_double_click)

        style = self.style()
        bar = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for name, icon, tip, slot in (
            (
                "up",
                QStyle.StandardPixmap.SP_ArrowUp,
                "Move up (earlier instance id)",
                lambda: self.move(-1),
            ),
            ("down", QStyle.StandardPixmap.SP_ArrowDown, "Move down", lambda: self.move(1)),
            ("delete", QStyle.StandardPixmap.SP_TrashIcon, "Delete object", self.delete),
        ):
            b = icon_button(style, icon, tip, slot)
            bar.addWidget(b)
            self.buttons[name] = b
        bar.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table)
        layout.addLayout(bar)

        self._binding = Binding()
        self._bind(document)
        self.rebuild()

    def _bind(self, doc: Document) -> None:
        self._binding.connect(doc.sceneChanged, self._on_scene_changed)
        self._binding.connect(doc.selectionChanged, self._on_selection)
        self._binding.connect(doc.visibilityChanged, self._on_visibility)

    def _on_visibility(self, _uid: int, _shown: bool) -> None:
        self.rebuild()

    def _on_selection(self, _uid: object) -> None:
        self._select_row()

    def set_document(self, document: Document) -> None:
        """List ``document``'s objects in this same panel."""
        if document is not self.doc:
            self._binding.clear()
            self.doc = document
            self._bind(document)
        self.rebuild()

    def _on_scene_changed(self, what: SceneChange) -> None:
        if isinstance(what, (ObjectsChanged, ObjectChanged)):
            self.rebuild()

    def rebuild(self) -> None:
        self._syncing = True
        objects = self.doc.scene.objects
        self.table.setRowCount(len(objects))
        for row, obj in enumerate(objects):
            sw = QTableWidgetItem(swatch(obj.color), "")
            sw.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            sw.setToolTip("Double-click to change the colour")
            sw.setData(Qt.ItemDataRole.UserRole, obj.uid)
            name = QTableWidgetItem(obj.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, sw)
            self.table.setItem(row, 1, name)
            leader = "" if obj.parent is None else self.doc.scene.object(obj.parent).name
            follows = QTableWidgetItem(leader)
            follows.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            follows.setToolTip(
                f"{obj.name} follows {leader}: its keys are in {leader}'s frame-0 space "
                "(change it in the inspector)"
                if leader
                else "Follows no object (choose a parent in the inspector)"
            )
            self.table.setItem(row, 4, follows)
            for col, on in ((2, self.doc.is_visible(obj.uid)), (3, obj.locked)):
                item = QTableWidgetItem()
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsSelectable
                )
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.table.setItem(row, col, item)
        # the Parent column only takes room from the names once something follows something
        self.table.setColumnHidden(4, all(o.parent is None for o in objects))
        self._syncing = False
        self._select_row()

    def uid_at(self, row: int) -> int:
        return int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def _select_row(self) -> None:
        uid = self.doc.selected_uid
        self._syncing = True
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            if self.uid_at(row) == uid:
                self.table.selectRow(row)
        self._syncing = False

    def _on_row_selected(self) -> None:
        if self._syncing:
            return
        rows = {i.row() for i in self.table.selectedIndexes()}
        self.doc.select(self.uid_at(min(rows)) if rows else None)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._syncing:
            return
        uid = self.uid_at(item.row())
        col = item.column()
        if col == 1:
            ok = self.doc.push(SetObjectProperties(uid, name=item.text()))
        elif col == 2:  # hiding is view state, not an undoable edit of the scene
            self.doc.set_visible(uid, item.checkState() == Qt.CheckState.Checked)
            return
        elif col == 3:
            on = item.checkState() == Qt.CheckState.Checked
            ok = self.doc.push(SetObjectProperties(uid, locked=on))
        else:
            return
        if not ok:
            self.rebuild()  # show the model's value again after a refused edit

    def _on_double_click(self, row: int, col: int) -> None:
        if col != 0:
            return
        uid = self.uid_at(row)
        color = QColorDialog.getColor(
            QColor(*self.doc.scene.object(uid).color), self, "Object colour"
        )
        if color.isValid():
            self.doc.push(
                SetObjectProperties(uid, color=(color.red(), color.green(), color.blue()))
            )

    def move(self, delta: int) -> None:
        uid = self.doc.selected_uid
        if uid is None:
            self.doc.message.emit("Select an object to reorder it")
            return
        index = self.doc.scene.index_of(uid) + delta
        if 0 <= index < len(self.doc.scene.objects):
            self.doc.push(MoveObjectInOrder(uid, index))

    def delete(self) -> None:
        uid = self.doc.selected_uid
        if uid is None:
            self.doc.message.emit("Select an object to delete it")
            return
        if self.doc.push(RemoveObject(uid)):
            self.doc.select(None)
