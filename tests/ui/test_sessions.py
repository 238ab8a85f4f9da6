"""Work that must not be lost between sessions and background jobs: a second running window is
not a crash, and an import that finishes late does not replace edits made while it ran."""

from __future__ import annotations

import pytest
from scenes import EXAMPLE
from ui_helpers import crash

from levitor_studio.api import import_tracks
from levitor_studio.model.commands import SetKeyframe
from levitor_studio.model.scene import snapshot
from levitor_studio.plugin_host.protocols import DEPTH, SEGMENTER

pytestmark = pytest.mark.gui
CANCELLED = "Cancelled: the current project has new changes"


def _second_window(qtbot):
    from levitor_studio.ui.main_window import MainWindow

    second = MainWindow(viewport3d=False)
    qtbot.addWidget(
        second, before_close_func=lambda w: setattr(w, "ask_save_changes", lambda: "discard")
    )
    return second


def test_a_live_windows_autosave_is_not_offered_as_a_crash(qtbot, window, private_config):
    from levitor_studio.ui.recovery import find_recoveries

    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(y=40.0)))
    with qtbot.waitSignal(window.autosave().finished, timeout=10000):
        pass
    assert window.recovery.path.exists()

    second = _second_window(qtbot)
    offered = []
    second.ask_recover = lambda found: offered.append(found) or True
    assert not second.offer_recovery()
    assert offered == [] and find_recoveries(exclude=second.recovery) == []
    assert window.recovery.path.exists()  # still the first window's, untouched

    # once the first window's process is gone, the same file is a crash and is offered
    edited = snapshot(doc.scene)
    crash(window.recovery)
    assert second.offer_recovery()
    assert [f.project for f in offered] == [window.recovery.path]
    assert snapshot(second.doc.scene) == edited
    assert not window.recovery.path.with_suffix(".lock").exists()  # the stale lock was cleared

    # a window closed cleanly leaves neither an autosave nor a lock behind
    second.ask_save_changes = lambda: "discard"
    assert second.close()
    assert sorted(p.name for p in (private_config / "recovery").iterdir()) == []


def test_import_asks_again_about_edits_made_while_it_ran(qtbot, window):
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "cancel"
    doc = window.doc
    assert not doc.is_dirty()
    assert window.open_path(EXAMPLE / "coffee.tracks.json")  # clean: no question yet
    assert asked == []
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(x=11.0)))
    edited = snapshot(doc.scene)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == CANCELLED, timeout=20000)
    assert asked == [1]
    assert window.doc is doc and doc.is_dirty()
    assert snapshot(doc.scene) == edited

    # answering "discard" this time lets the import replace the edited project
    window.ask_save_changes = lambda: asked.append(2) or "discard"
    assert window.open_path(EXAMPLE / "coffee.tracks.json")  # asks about the dirty project
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(x=12.0)))
    qtbot.waitUntil(lambda: window.doc is not doc, timeout=20000)
    assert asked == [1, 2, 2]
    assert window.doc.path is None and not window.doc.is_dirty()
    imported = import_tracks(
        EXAMPLE / "coffee.tracks.json",
        segmenter=window.work.backend(SEGMENTER),
        depth_estimator=window.work.backend(DEPTH),
    )
    assert snapshot(window.doc.scene) == snapshot(imported)


def test_import_without_new_edits_does_not_ask_twice(qtbot, window):
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "discard"
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(x=11.0)))
    assert window.open_path(EXAMPLE / "coffee.tracks.json")
    qtbot.waitUntil(lambda: window.doc is not doc, timeout=20000)
    assert asked == [1]  # the answer before the import still holds: nothing changed since
