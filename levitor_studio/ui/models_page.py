"""The "Models" page of Preferences: models to download, and what each backend needs.

At the top, :class:`~.model_downloads.DownloadsBox` installs catalogue models in one click. Below,
for every installed backend with weights options it says what is needed (a file or a folder),
how large it is and where to get it, and offers a path field with a chooser. A chosen path is
checked with the backend's own availability test (file format, folder layout, the expected
files) before it is accepted, so a wrong checkpoint is caught here and not at the first click.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..plugin_host import list_backends
from .model_downloads import DownloadsBox

OK_STYLE = "color: #7fd67f;"
BAD_STYLE = "color: #ff785a;"


def weight_specs(cls: Any) -> list[Any]:
    """The options of a backend class that are model weights (a path with a size or source)."""
    return [
        s
        for s in getattr(cls, "options", ())
        if s.kind in ("path", "dir") and (getattr(s, "size", "") or getattr(s, "source", ""))
    ]


class ModelsPage(QWidget):
    """One box per backend with weights: what, how big, from where, the path and its status."""

    def __init__(self, saved: dict[str, dict[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, dict[str, tuple[Any, QLineEdit]]] = {}
        self.infos: dict[str, Any] = {}
        self.status: dict[str, QLabel] = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.downloads = DownloadsBox()
        self.downloads.installedChanged.connect(self.check_all)
        column.addWidget(self.downloads)
        intro = QLabel(
            "Or point each model at weights you already have (a path set here wins over an "
            "installed model). The weight-free backends (GrabCut, heuristic depth, CPU preview) "
            "need nothing."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        for info in list_backends():
            try:
                specs = weight_specs(info.load_class())
            except Exception:  # noqa: BLE001 - a broken plugin is listed on the Backends page
                continue
            if specs:
                column.addWidget(self._backend_box(info, specs, saved.get(info.id, {})))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _backend_box(self, info: Any, specs: list[Any], saved: dict[str, str]) -> QGroupBox:
        box = QGroupBox(f"{info.id}  ({info.kind}, {info.distribution})")
        layout = QVBoxLayout(box)
        self.infos[info.id] = info
        self.fields[info.id] = {}
        for spec in specs:
            what = "a folder" if spec.kind == "dir" else "a file"
            text = f"<b>{spec.name}</b>: {what} — {spec.help}"
            if spec.size:
                text += f"<br>size: {spec.size}"
            if spec.source:
                text += f"<br>get it from: {spec.source}"
            label = QLabel(text)
            label.setWordWrap(True)
            layout.addWidget(label)
            row = QHBoxLayout()
            edit = QLineEdit(saved.get(spec.name, ""))
            edit.setPlaceholderText("not set")
            edit.setObjectName(f"{info.id}:{spec.name}")
            choose = QPushButton("Choose…")
            choose.clicked.connect(lambda _c=False, i=info.id, s=spec: self.choose(i, s))
            row.addWidget(edit, 1)
            row.addWidget(choose)
            layout.addLayout(row)
            self.fields[info.id][spec.name] = (spec, edit)
        status = QLabel()
        status.setWordWrap(True)
        layout.addWidget(status)
        self.status[info.id] = status
        self.check(info.id)
        return box

    def check_all(self) -> None:
        for backend_id in self.status:
            self.check(backend_id)

    def values(self, backend_id: str) -> dict[str, str]:
        return {n: e.text().strip() for n, (_s, e) in self.fields.get(backend_id, {}).items()}

    def check(self, backend_id: str, extra: dict[str, str] | None = None) -> str | None:
        """Show the backend's availability with the entered paths; the reason if it cannot run."""
        reasons = self.check_reasons(backend_id, extra)
        return "; ".join(reasons) if reasons else None

    def check_reasons(
        self, backend_id: str, extra: dict[str, str] | None = None
    ) -> tuple[str, ...]:
        """Like :meth:`check`, with every problem apart (shown one line each); () when ready."""
        options = {k: str(Path(v).expanduser()) for k, v in self.values(backend_id).items() if v}
        options.update(extra or {})
        label = self.status[backend_id]
        if not options:
            # no path set: ready when an installed model fills the options
            if self.infos[backend_id].availability({}).ok:
                label.setText("ready (installed model)")
                label.setStyleSheet(OK_STYLE)
            else:
                label.setText("not set up")
                label.setStyleSheet("")
            return ()
        avail = self.infos[backend_id].availability(options)
        label.setText("ready" if avail.ok else _say("cannot run", avail.reasons))
        label.setStyleSheet(OK_STYLE if avail.ok else BAD_STYLE)
        return () if avail.ok else avail.reasons

    def choose(self, backend_id: str, spec: Any, path: str | None = None) -> bool:
        """Pick a path (a dialog unless given) and keep it only if the backend accepts it."""
        if path is None:
            if spec.kind == "dir":
                path = QFileDialog.getExistingDirectory(self, spec.help)
            else:
                path = QFileDialog.getOpenFileName(self, spec.help)[0]
            if not path:
                return False
        _spec, edit = self.fields[backend_id][spec.name]
        label = self.status[backend_id]
        chosen = Path(path).expanduser()
        if not (chosen.is_dir() if spec.kind == "dir" else chosen.is_file()):
            label.setText(
                f"not accepted: {chosen} is not an existing {'folder' if spec.kind == 'dir' else 'file'}"
            )
            label.setStyleSheet(BAD_STYLE)
            return False
        previous = edit.text()
        edit.setText(path)
        reasons = self.check_reasons(backend_id)
        if not reasons:
            return True
        unset = [n for n, v in self.values(backend_id).items() if not v]
        if all(any(f"option {name}" in r for name in unset) for r in reasons):
            # the backend only misses other folders the user has not chosen yet
            label.setText(f"{spec.name} accepted; still needed: {', '.join(unset)}")
            label.setStyleSheet("")
            return True
        edit.setText(previous)
        label.setText(_say("not accepted", reasons))
        label.setStyleSheet(BAD_STYLE)
        return False

    def problems(self) -> list[str]:
        """One message per backend whose entered paths it cannot use (shown on OK)."""
        out = []
        for backend_id, fields in self.fields.items():
            if any(e.text().strip() for _s, e in fields.values()):
                reason = self.check(backend_id)
                if reason is not None:
                    out.append(f"{backend_id}: {reason}")
        return out


def _say(what: str, reasons: tuple[str, ...]) -> str:
    """``what: reason`` for one problem; for several, ``what:`` then one line each."""
    if len(reasons) == 1:
        return f"{what}: {reasons[0]}"
    return f"{what}:" + "".join(f"\n• {r}" for r in reasons)
