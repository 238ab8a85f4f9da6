"""The window's dock layout: which panels exist, where they sit, their sizes, save and restore.

:class:`DockLayout` is a mixin of :class:`~levitor_studio.ui.main_window.MainWindow`. Every
panel is built ONCE, in :meth:`DockLayout.build_docks`, and stays for the window's life: opening
another document swaps the document under the panels (each has ``set_document``), it never
replaces a dock's widget. Replacing them made Qt re-negotiate the layout and squeeze the image
view to a few dozen pixels (issue 15 item 5).

To add a dock: create it with :meth:`DockLayout.add_dock` in :meth:`build_docks`, give its panel
a ``set_document(doc)``, and add it to :meth:`panels` so documents reach it. The View menu lists
every dock from :attr:`DockLayout.docks`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QTabBar, QUndoView, QVBoxLayout, QWidget

from .camera_panel import CameraPanel
from .document import Document
from .graph_editor import GraphEditor
from .inspector import Inspector
from .objects_panel import ObjectsPanel
from .takes_panel import TakesPanel
from .transport import TimelinePanel


class SwapHost(QWidget):
    """A fixed container whose one child can be replaced (the 3D view is rebuilt per scene)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.child: QWidget | None = None

    def set_child(self, widget: QWidget) -> None:
        old, self.child = self.child, widget
        self._layout.addWidget(widget)
        if old is not None:
            self._layout.removeWidget(old)
            old.hide()
            old.deleteLater()


class DockLayout:
    """Docks around the image view; expects the attributes :class:`MainWindow` sets."""

    settings: QSettings
    want_viewport3d: bool
    docks: dict[str, QDockWidget]

    def add_dock(
        self, name: str, title: str, area: Qt.DockWidgetArea, widget: QWidget
    ) -> QDockWidget:
        dock = QDockWidget(title, self)  # type: ignore[call-overload]
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)  # type: ignore[attr-defined]
        self.docks[name] = dock
        return dock

    def build_docks(self, doc: Document, generators: list[str]) -> None:
        """Every panel, once, on ``doc`` (the window's first document)."""
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {}
        self.objects_panel = ObjectsPanel(doc)
        self.inspector = Inspector(doc, generators)
        self.timeline = TimelinePanel(doc)
        self.viewport_host = SwapHost()
        self.objects_dock = self.add_dock("objects", "Objects", left, self.objects_panel)
        self.inspector_dock = self.add_dock("inspector", "Inspector", right, self.inspector)
        self.history_dock = self.add_dock(
            "history",
            "History",
            left,
            QUndoView(self.undo_group),  # type: ignore[attr-defined]
        )
        self.timeline_dock = self.add_dock(
            "timeline", "Timeline", Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline
        )
        self.viewport_dock = self.add_dock("viewport3d", "3D view", right, self.viewport_host)
        self.takes_panel = TakesPanel(doc, self.work)  # type: ignore[attr-defined]
        self.takes_dock = self.add_dock("takes", "Takes", right, self.takes_panel)
        self.camera_panel = CameraPanel(doc)
        self.camera_dock = self.add_dock("camera", "Camera", right, self.camera_panel)
        self.camera_panel.wanted.connect(self.camera_dock.raise_)
        self.graph_editor = GraphEditor(doc)
        self.graph_dock = self.add_dock(
            "graph", "Graph", Qt.DockWidgetArea.BottomDockWidgetArea, self.graph_editor
        )
        self.splitDockWidget(self.objects_dock, self.history_dock, Qt.Orientation.Vertical)  # type: ignore[attr-defined]
        self.splitDockWidget(self.viewport_dock, self.inspector_dock, Qt.Orientation.Vertical)  # type: ignore[attr-defined]
        self.tabifyDockWidget(self.inspector_dock, self.takes_dock)  # type: ignore[attr-defined]
        self.tabifyDockWidget(self.inspector_dock, self.camera_dock)  # type: ignore[attr-defined]
        self.tabifyDockWidget(self.timeline_dock, self.graph_dock)  # type: ignore[attr-defined]
        self.timeline_dock.raise_()
        self.inspector_dock.raise_()
        self._sized = False
        self._bottom_heights: dict[str, int] = {}
        self.graph_dock.visibilityChanged.connect(lambda shown: self._bottom_tab(shown, "graph"))
        self.timeline_dock.visibilityChanged.connect(
            lambda shown: self._bottom_tab(shown, "timeline")
        )

    def panels(self) -> list[Any]:
        """The panels that show the document (each has ``set_document``)."""
        return [
            self.objects_panel,
            self.inspector,
            self.timeline,
            self.takes_panel,
            self.graph_editor,
            self.camera_panel,
        ]

    def set_viewport3d(self, doc: Document) -> None:
        """The 3D view of ``doc`` (VTK builds its pipeline per scene), inside the fixed host."""
        if not self.want_viewport3d:
            widget: QWidget = QLabel("3D view off")
        else:
            try:
                from .viewport3d import Viewport3DWidget

                widget = Viewport3DWidget(doc)
            except Exception as exc:  # VTK missing or no OpenGL: the 2D editor still works
                label = QLabel(f"3D view unavailable here:\n{type(exc).__name__}: {exc}")
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                widget = label
        self.viewport_host.set_child(widget)

    # -- sizes, save and restore -----------------------------------------------------------

    def size_docks_once(self) -> None:
        """Default dock sizes, the first time the window is shown with no saved layout."""
        if not self._sized and self.settings.value("state") is None:
            # dock sizes only take once the window has its real size
            self._sized = True
            self.fit_to_screen()
            self.apply_default_dock_sizes()

    def fit_to_screen(self) -> None:
        """Shrink the window into its screen's free area (at 1280 × 720 the default size hid
        the Timeline and the Graph below the screen's edge)."""
        room = self.screen().availableGeometry()  # type: ignore[attr-defined]
        frame = self.frameGeometry().size() - self.size()  # type: ignore[attr-defined]
        width = min(self.width(), room.width() - frame.width())  # type: ignore[attr-defined]
        height = min(self.height(), room.height() - frame.height())  # type: ignore[attr-defined]
        self.resize(width, height)  # type: ignore[attr-defined]

    def apply_default_dock_sizes(self) -> None:
        """The documented layout's dock sizes (first start, and the screenshot mode)."""
        h, v = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        resize = self.resizeDocks  # type: ignore[attr-defined]
        resize([self.objects_dock, self.viewport_dock], [220, 370], h)
        resize([self.timeline_dock], [140], v)
        resize([self.viewport_dock, self.inspector_dock], [280, 440], v)
        resize([self.objects_dock, self.history_dock], [420, 220], v)

    def _bottom_tab(self, shown: bool, name: str) -> None:
        """The Timeline and the Graph share one tabbed area but want different heights.

        A tab being left keeps its height for its next turn; the Graph is grown at least until
        its curve area is :data:`~.graph_editor.GRAPH_PLOT_MIN` tall (at the Timeline's
        height it was a strip of 20 px). Docks a person floated or moved apart are left alone
        except for that minimum.
        """
        dock, other = self.docks[name], self.docks["timeline" if name == "graph" else "graph"]
        if dock.isFloating():
            return
        tabbed = other in self.tabifiedDockWidgets(dock)  # type: ignore[attr-defined]
        if not shown:
            if tabbed:
                self._bottom_heights[name] = dock.height()
            return
        want = self._bottom_heights.get(name, 0) if tabbed else 0
        if name == "graph":
            want = max(want, dock.height() + self.graph_editor.plot_shortfall())
        if want and want != dock.height():
            # for a tabbed group Qt sizes the whole group, its tab bar included
            bar = self._tab_bar_height(dock.windowTitle()) if tabbed else 0
            self.resizeDocks([dock], [want + bar], Qt.Orientation.Vertical)  # type: ignore[attr-defined]

    def _tab_bar_height(self, title: str) -> int:
        """The height of the tab bar that holds a tab titled ``title`` (0 when none does)."""
        bars = self.findChildren(QTabBar)  # type: ignore[attr-defined]
        titles = (b for b in bars if title in [b.tabText(i) for i in range(b.count())])
        return next((b.height() for b in titles if b.isVisible()), 0)

    def restore_layout(self) -> None:
        geometry, state = self.settings.value("geometry"), self.settings.value("state")
        self._default_state = self.saveState()  # type: ignore[attr-defined]
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[attr-defined]
        if state is not None:
            self.restoreState(state)  # type: ignore[attr-defined]

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)  # type: ignore[attr-defined]

    def save_layout(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())  # type: ignore[attr-defined]
        self.settings.setValue("state", self.saveState())  # type: ignore[attr-defined]
        self.settings.sync()
