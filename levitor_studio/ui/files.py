"""File handling of the main window: new, open, recent, save, import/export, autosave, recovery.

A mixin of :class:`~levitor_studio.ui.main_window.MainWindow`. Reading and writing go through
the model's ``load_project`` / ``save_project`` and the tracks functions; every failure is a
message, never a traceback. Unsaved work is autosaved to a recovery file (on a worker thread,
from a frozen copy) and offered back after a crash; closing with unsaved changes asks first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..model.errors import LevitorError
from ..model.events import SceneChange
from ..plugin_host.protocols import DEPTH, SEGMENTER
from ..tasks.runner import frozen_copy
from .document import Document
from .export_settings import FORMATS, ExportSettings, ExportSettingsDialog
from .recovery import Recovery, RecoveryFile, find_recoveries

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
PROJECT_FILTER = "LeviTor projects (*.levitor)"
MAX_RECENT = 8


class FileActions:
    """Open/save/recent/autosave behaviour; expects the attributes :class:`MainWindow` sets."""

    doc: Document | None

    def init_files(self) -> None:
        self.recovery = RecoveryFile()
        self._start_folder: Path | None = None  # the folder of the last file opened
        self.export_settings = ExportSettings()
        # every scene change bumps the revision: the undo index repeats after undo + a new
        # edit, and stays put while a drag merges into one step, so it cannot tell new work
        self._revision = 0
        self._autosaved_revision = 0
        self.autosave_timer = QTimer(self)  # type: ignore[arg-type]
        self.autosave_timer.setInterval(self.prefs.autosave_s * 1000)  # type: ignore[attr-defined]
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.refresh_recent()

    # -- asking the user (separate so tests can answer) ------------------------------------

    def ask_save_changes(self) -> str:
        """``"save"``, ``"discard"`` or ``"cancel"`` for unsaved changes."""
        box = QMessageBox.question(
            self,  # type: ignore[arg-type]
            "Unsaved changes",
            "Save the changes to this project before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(box, "cancel")

    def ask_recover(self, found: Recovery) -> bool:
        answer = QMessageBox.question(
            self,  # type: ignore[arg-type]
            "Recover unsaved work",
            f"LeviTor Studio did not close cleanly. Recover {found.describe()}?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_outside_paths(self, names: list[str]) -> bool:
        """Whether to let a tracks file read files outside its own folder."""
        from ..model.errors import printable

        shown = ", ".join(printable(n) for n in names[:3]) + (" …" if len(names) > 3 else "")
        answer = QMessageBox.question(
            self,  # type: ignore[arg-type]
            "Files outside the tracks folder",
            f"This tracks file reads files outside its own folder: {shown}. Allow it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,  # a shared file's request: refusing is the default
        )
        return answer == QMessageBox.StandardButton.Yes

    def error(self, text: str) -> None:
        """A failure the user must see: status bar and a non-blocking message box."""
        self.show_message(text)  # type: ignore[attr-defined]
        box = QMessageBox(QMessageBox.Icon.Warning, "LeviTor Studio", text, parent=self)  # type: ignore[call-overload]
        box.setModal(False)
        box.show()
        self.last_error = text

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded or clean)."""
        if self.doc is None or not self.doc.is_dirty():
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- opening -------------------------------------------------------------------------

    def new_from_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "New project from image",
            self.start_path(),  # type: ignore[arg-type]
            "Images (" + " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES)) + ")",
        )
        if path:
            self.open_path(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", self.start_path(), PROJECT_FILTER
        )  # type: ignore[arg-type]
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a project, a tracks file or an image (a new project); False with a message."""
        p = Path(path)
        if ask and not self.maybe_save():
            return False
        self._start_folder = p.parent
        suffix = p.suffix.lower()
        try:
            if suffix == ".json":
                return self._import_tracks(p)
            if suffix in IMAGE_SUFFIXES:
                return self.new_project(p)
            from ..model.project_io import load_project

            scene = load_project(p)
        except LevitorError as exc:
            self.error(str(exc))
            return False
        except OSError as exc:
            self.error(f"{p}: {exc.strerror or exc}")
            return False
        self.set_document(Document(scene, path=p))  # type: ignore[attr-defined]
        self.add_recent(p)
        return True

    def ask_new_project(self, path: Path) -> dict[str, Any] | None:
        """The New Project dialog's answer (``api.new_project`` arguments), None if cancelled."""
        from PySide6.QtWidgets import QDialog

        from ..api import image_size
        from .new_project import NewProjectDialog

        dialog = NewProjectDialog(path, image_size(path), self.prefs.backends, self)  # type: ignore[attr-defined, arg-type]
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.values() if accepted else None
        finally:
            dialog.deleteLater()

    def new_project(self, path: Path) -> bool:
        """Make a project from a photo, exactly as ``levitor-studio new`` does, off the GUI thread.

        Depth and static segments come with it, so the new document starts clean: opening a
        photo is not an edit, and quitting right away asks nothing.
        """
        from ..api import new_project

        answer = self.ask_new_project(path)
        if answer is None:
            return False
        prefs = self.prefs  # type: ignore[attr-defined]
        values = {"depth": prefs.backends[DEPTH], "segmenter": prefs.backends[SEGMENTER], **answer}
        depth_options = prefs.options_for(values["depth"])
        segmenter_options = prefs.options_for(values["segmenter"])
        handle = self.work.run_file_job(  # type: ignore[attr-defined]
            "new project",
            lambda task: new_project(
                path,
                depth_options=depth_options,
                segmenter_options=segmenter_options,
                **values,
            ),
        )
        if handle is None:
            return False
        self.show_message(f"New project from {path.name}: estimating depth and segments…")  # type: ignore[attr-defined]
        started = self._revision
        handle.finished.connect(lambda scene: self._finish_import(scene, started))
        return True

    def _import_tracks(self, p: Path) -> bool:
        from ..api import import_tracks
        from ..model.tracks_io import outside_paths

        outside = outside_paths(p)
        if outside and not self.ask_outside_paths(outside):
            return False
        work = self.work  # type: ignore[attr-defined]
        segmenter, depth = work.backend(SEGMENTER), work.backend(DEPTH)
        handle = work.run_file_job(
            "import tracks",
            lambda task: import_tracks(
                p,
                segmenter=segmenter,
                depth_estimator=depth,
                allow_outside_paths=bool(outside),
                task=task,
            ),
        )
        if handle is None:
            return False
        # the "save changes?" answer was given before the import started: edits made while it
        # ran are new, so they are asked about again before the import replaces them
        started = self._revision
        handle.finished.connect(lambda scene: self._finish_import(scene, started))
        return True

    def _finish_import(self, scene: Any, started: int) -> None:
        if self._revision != started and not self.maybe_save():
            self.show_message("Cancelled: the current project has new changes")  # type: ignore[attr-defined]
            return
        self.set_document(Document(scene))  # type: ignore[attr-defined]

    def import_tracks_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import tracks", self.start_path(), "Tracks (*.json)"
        )  # type: ignore[arg-type]
        if path and self.maybe_save():
            try:
                self._import_tracks(Path(path))
            except LevitorError as exc:
                self.error(str(exc))

    # -- saving --------------------------------------------------------------------------

    def save(self) -> bool:
        doc = self.doc
        if doc is None:
            return False
        if doc.path is None or doc.path.suffix.lower() != ".levitor":
            return self.save_as()
        return self.save_to(doc.path)

    def save_as(self) -> bool:
        start = self.start_path(".levitor")
        path, _ = QFileDialog.getSaveFileName(self, "Save project", start, PROJECT_FILTER)  # type: ignore[arg-type]
        if not path:
            return False
        if not path.lower().endswith(".levitor"):
            path += ".levitor"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        from ..model.project_io import save_project

        doc = self.doc
        assert doc is not None
        try:
            save_project(doc.scene, path)
        except (LevitorError, OSError) as exc:
            self.error(f"Could not save {path.name}: {exc}")
            return False
        old = doc.path
        doc.set_path(path)
        doc.undo_stack.setClean()
        self.work.project_saved(old, path)  # type: ignore[attr-defined]  # takes follow
        self.recovery.discard()
        self.add_recent(path)
        self.show_message(f"Saved {path}")  # type: ignore[attr-defined]
        return True

    def _ask_output(self, title: str, filt: str) -> str:
        suffix = re.search(r"\*(\.\w+)", filt)
        start = self.start_path(suffix.group(1) if suffix else "")
        path, _ = QFileDialog.getSaveFileName(self, title, start, filt)  # type: ignore[arg-type]
        return path

    def start_path(self, suffix: str = "") -> str:
        """Where a file dialog starts: the project's folder, else the photo's (the last one
        opened); with ``suffix``, a proposed name from the project or the photo."""
        doc = self.doc
        folder = self._start_folder
        stem = ""
        if doc is not None and doc.path is not None:
            folder, stem = doc.path.parent, doc.path.stem
        elif doc is not None and doc.scene.source_name:
            stem = Path(doc.scene.source_name).stem
        if folder is None:
            return f"{stem}{suffix}" if stem and suffix else ""
        return str(folder / f"{stem}{suffix}") if stem and suffix else str(folder)

    def export_video_dialog(self) -> None:
        what = "Export video" if self.work.frames is not None else "Export preview"  # type: ignore[attr-defined]
        chosen = self.export_settings
        path = self._ask_output(what, chosen.filter())
        suffix = Path(path).suffix.lower()
        wanted = FORMATS[chosen.format][1]
        if path and not suffix and wanted:
            path += wanted  # the format chosen in Export Settings
            suffix = wanted
        if path and suffix not in ("", ".mp4", ".gif"):
            # the engine would write a folder of PNGs called "clip.txt": refuse it here
            self.error(f"{Path(path).name}: export a video as .mp4 or .gif (or a folder name)")
        elif path:
            self.work.export_video(path, chosen)  # type: ignore[attr-defined]

    def export_settings_dialog(self) -> bool:
        """File ▸ Export Settings…: format, size, overlay, frame range for the next exports."""
        doc = self.doc
        assert doc is not None
        dialog = ExportSettingsDialog(
            self.export_settings,
            doc.scene.frames,
            doc.play_range,
            self,  # type: ignore[arg-type]
        )
        try:
            if not dialog.exec():
                return False
            self.export_settings = dialog.settings()
            return True
        finally:
            dialog.deleteLater()

    def ask_overwrite(self, paths: list[Path]) -> bool:
        """Whether an export may replace files that are not its own."""
        from ..model.errors import printable

        names = ", ".join(printable(p.name) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        answer = QMessageBox.question(
            self,  # type: ignore[arg-type]
            "Replace files",
            f"The export would replace files that are not part of this tracks file: {names}. "
            "Replace them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def export_tracks_dialog(self) -> None:
        from ..model.tracks_io import colliding_assets, export_tracks

        path = self._ask_output("Export tracks", "Tracks (*.json)")
        if path:
            scene = frozen_copy(self.doc.scene)  # type: ignore[union-attr]
            taken = colliding_assets(scene, path)
            if taken and not self.ask_overwrite(taken):
                return
            h = self.work.run_file_job(  # type: ignore[attr-defined]
                "export tracks", lambda task: export_tracks(scene, path, overwrite=bool(taken))
            )
            if h is not None:
                h.finished.connect(lambda _r: self.show_message(f"Wrote {path}"))  # type: ignore[attr-defined]

    def export_signal_dialog(self) -> None:
        path = self._ask_output("Export control signal", "Control signal (*.npz)")
        if not path:
            return
        from . import engine_jobs

        scene = frozen_copy(self.doc.scene)  # type: ignore[union-attr]
        h = self.work.run_file_job(  # type: ignore[attr-defined]
            "export signal", lambda task: engine_jobs.export_signal(scene, path, task)
        )
        if h is not None:
            h.finished.connect(lambda p: self.show_message(f"Wrote {p}"))  # type: ignore[attr-defined]

    # -- recent files, autosave, recovery ---------------------------------------------------

    def recent_files(self) -> list[str]:
        value: Any = self.settings.value("recent", [])  # type: ignore[attr-defined]
        items = [value] if isinstance(value, str) else list(value or [])
        return [p for p in items if p]

    def add_recent(self, path: Path) -> None:
        items = [str(path.resolve())] + [p for p in self.recent_files() if p != str(path.resolve())]
        self.settings.setValue("recent", items[:MAX_RECENT])  # type: ignore[attr-defined]
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.recent_menu  # type: ignore[attr-defined]
        menu.clear()
        for p in self.recent_files():
            menu.addAction(Path(p).name, lambda p=p: self.open_path(p)).setStatusTip(p)
        menu.setEnabled(bool(self.recent_files()))

    def scene_edited(self, _what: SceneChange | None = None) -> None:
        """The document changed (or was replaced): the next autosave has new work to write."""
        self._revision += 1

    def autosave(self) -> Any:
        """Write the recovery file in the background if there is unsaved work; its task."""
        doc = self.doc
        if doc is None or not doc.is_dirty() or self._revision == self._autosaved_revision:
            return None
        self._autosaved_revision = self._revision
        scene, original = frozen_copy(doc.scene), doc.path
        return self.runner.submit(
            "autosave", lambda task: self.recovery.write(scene, original), quiet=True
        )  # type: ignore[attr-defined]

    def offer_recovery(self) -> bool:
        """Offer the newest recovery file left by a crashed session; True if one was opened."""
        found = find_recoveries(exclude=self.recovery)
        if not found or not self.ask_recover(found[0]):
            return False
        from ..model.project_io import load_project

        try:
            scene = load_project(found[0].project)
        except LevitorError as exc:
            self.error(f"The recovery file cannot be read: {exc}")
            return False
        doc = Document(scene, path=found[0].original)
        self.set_document(doc)  # type: ignore[attr-defined]
        doc.undo_stack.resetClean()  # recovered work is unsaved until the user saves it
        self.update_title()  # type: ignore[attr-defined]
        # only the file now open is used up; older ones are offered at the next start
        found[0].discard()
        return True

    # -- drag and drop -------------------------------------------------------------------

    def _dropped(self, ev: Any) -> Path | None:
        urls = ev.mimeData().urls() if ev.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        p = Path(urls[0].toLocalFile())
        ok = p.suffix.lower() in IMAGE_SUFFIXES | {".levitor", ".json"}
        return p if ok else None

    def dragEnterEvent(self, ev: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._dropped(ev) is not None:
            ev.acceptProposedAction()

    def dropEvent(self, ev: QDropEvent) -> None:  # noqa: N802 - Qt override
        p = self._dropped(ev)
        if p is not None:
            ev.acceptProposedAction()
            self.open_path(p)
