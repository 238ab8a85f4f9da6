"""File ▸ Export Point Tracks…: the scene's point tracks for Wan-Move or ATI (issue 17 item 6).

:class:`PointTracksDialog` asks what ``levitor-studio export-tracks P --format wan-move|ati``
takes: the format, the frame count (the format's default until the artist changes it), the
size (the working size by default), the points per object and static segment, and where to
write. Its :meth:`~PointTracksDialog.options` is the engine's :class:`PointTrackExport`, checked
by the same :meth:`~PointTrackExport.check` as the command line's before the dialog closes, and
:func:`export_point_tracks_dialog` runs the same :func:`export_point_tracks` in the background,
so the editor writes the command line's bytes. A wrong value stays in the dialog with its reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..engine.point_track_export import FORMATS, FRAMES, POINTS, SIDE, PointTrackExport
from ..model.errors import InputError, printable
from ..tasks.runner import frozen_copy
from .fields import TypedSpinBox

if TYPE_CHECKING:
    from ..model.scene import Scene
    from .main_window import MainWindow

LABELS = {"wan-move": "Wan-Move (tracks.npy + track_visibility.npy)", "ati": "ATI (JSON)"}


class PointTracksDialog(QDialog):
    """The point-tracks export options for ``scene``; file dialogs start in ``folder``."""

    def __init__(self, scene: Scene, folder: Path, stem: str, parent: QWidget | None = None):
        super().__init__(parent)
        from ..engine.render import static_labels

        self.setWindowTitle("Export Point Tracks")
        self.folder, self.stem, self.scene_size = folder, stem or "tracks", scene.size
        counts = np.bincount(static_labels(scene).ravel())[1:]
        self.region_sizes = counts[counts > 0]
        self.objects = int((counts[: len(scene.objects)] > 0).sum())
        col = QVBoxLayout(self)
        form = QFormLayout()
        col.addLayout(form)
        self.format_box = QComboBox()
        for key in FORMATS:
            self.format_box.addItem(LABELS[key], key)
        self.format_box.setToolTip("\n".join(text for text, _f in FORMATS.values()))
        form.addRow("Format", self.format_box)
        self.frames_box = TypedSpinBox(FRAMES, FORMATS["wan-move"][1])
        form.addRow("Frames", self.frames_box)
        self.width_box = TypedSpinBox(SIDE, scene.width)
        self.height_box = TypedSpinBox(SIDE, scene.height)
        size_row = QHBoxLayout()
        for widget in (self.width_box, QLabel("×"), self.height_box):
            size_row.addWidget(widget)
        working = QPushButton("Working Size")
        working.setToolTip(f"{scene.width} × {scene.height}, the project's working size")
        working.clicked.connect(lambda: self._set_size(*self.scene_size))
        size_row.addWidget(working)
        size_row.addStretch(1)
        form.addRow("Size (pixels)", size_row)
        self.points_box = TypedSpinBox(POINTS, 8)
        self.points_box.setKeyboardTracking(True)  # the count below follows each keystroke
        form.addRow("Points per region", self.points_box)
        self.count = QLabel()
        form.addRow("", self.count)
        self.output = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        self.output_label = QLabel()
        form.addRow(self.output_label, out_row)
        self.message = QLabel()
        self.message.setStyleSheet("color: #ff785a;")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        self.points_box.valueChanged.connect(lambda _v: self._count())
        self.format_box.currentIndexChanged.connect(lambda _i: self._format_changed())
        self._format = ""
        self._format_changed()

    def format(self) -> str:
        return str(self.format_box.currentData())

    def _set_size(self, w: int, h: int) -> None:
        self.width_box.setValue(w)
        self.height_box.setValue(h)

    def _count(self) -> None:
        n = int(np.minimum(self.region_sizes, max(0, self.points_box.whole())).sum())
        objects, segments = self.objects, len(self.region_sizes) - self.objects
        self.count.setText(
            f"{n} tracks on {objects} object{'s' * (objects != 1)} and "
            f"{segments} static segment{'s' * (segments != 1)}"
        )

    def _format_changed(self) -> None:
        """The frame count follows the format until changed by hand; the destination becomes
        a folder (Wan-Move) or a ``.json`` file (ATI) in the same folder."""
        old, new = self._format, self.format()
        if not old or self.frames_box.whole() == FORMATS[old][1]:
            self.frames_box.setValue(FORMATS[new][1])
        text = self.output.text().strip()
        if new == "ati":
            folder = Path(text) if text else self.folder
            self.output.setText(str(folder / f"{self.stem}.ati.json"))
            self.output_label.setText("File")
        else:
            self.output.setText(str(Path(text).parent if text else self.folder))
            self.output_label.setText("Folder")
        self._format = new
        self._count()
        self.message.clear()

    def restore(self, last: PointTrackExport, output: bool) -> None:
        """Show the options of the last export (its destination too when ``output``)."""
        self.format_box.setCurrentIndex(self.format_box.findData(last.format))
        self.frames_box.setValue(last.target_frames())
        self._set_size(*(last.size or self.scene_size))
        self.points_box.setValue(last.points)
        if output:
            self.output.setText(last.output)

    def browse(self) -> None:
        current = self.output.text().strip() or str(self.folder)
        if self.format() == "ati":
            path, _ = QFileDialog.getSaveFileName(  # Export asks before replacing
                self,
                "Export ATI tracks",
                current,
                "ATI tracks (*.json)",
                options=QFileDialog.Option.DontConfirmOverwrite,
            )
            if path and not path.lower().endswith(".json"):
                path += ".json"
        else:
            path = QFileDialog.getExistingDirectory(
                self, "Folder for tracks.npy and track_visibility.npy", current
            )
        if path:
            self.output.setText(path)

    def options(self) -> PointTrackExport:
        size = (self.width_box.whole(), self.height_box.whole())
        return PointTrackExport(
            self.format(),
            self.output.text().strip(),
            self.points_box.whole(),
            self.frames_box.whole(),
            None if size == self.scene_size else size,
        )

    def accept(self) -> None:
        """Close only on options the engine's check accepts; replacing files is asked first."""
        options = self.options()
        try:
            options.check()
        except InputError as exc:
            self.message.setText(str(exc))
            return
        taken = [p for p in options.targets() if p.exists()]
        if taken and not self.ask_replace(taken):
            return
        super().accept()

    def ask_replace(self, taken: list[Path]) -> bool:
        names = " and ".join(printable(p.name) for p in taken)
        are, them = ("are", "them") if len(taken) > 1 else ("is", "it")
        answer = QMessageBox.question(
            self,
            "Replace files",
            f"{names} {are} already in {printable(str(taken[0].parent))}. Replace {them}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def export_point_tracks_dialog(win: MainWindow) -> Any:
    """Ask the options, then write the tracks in the background; the task's handle or None."""
    from ..engine.point_track_export import export_point_tracks

    doc = win.doc
    if doc is None:
        return None
    start = Path(win.start_path() or ".")
    folder = start if start.is_dir() else start.parent
    stem = doc.path.stem if doc.path is not None else Path(doc.scene.source_name).stem
    dialog = PointTracksDialog(doc.scene, folder, stem, win)
    last = getattr(win, "last_point_tracks", None)  # (document path, options) of this session
    if last is not None:
        dialog.restore(last[1], output=last[0] == doc.path)
    try:
        if not dialog.exec():
            return None
        options = dialog.options()
    finally:
        dialog.deleteLater()
    win.last_point_tracks = (doc.path, options)
    scene = frozen_copy(doc.scene)
    handle = win.work.run_file_job(
        "export point tracks", lambda task: export_point_tracks(scene, options, task)
    )
    if handle is not None:
        handle.finished.connect(
            lambda paths: win.show_message("Wrote " + ", ".join(str(p) for p in paths))
        )
    return handle
