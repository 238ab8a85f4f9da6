"""Issue 13 item 3 in the editor: a tracks file naming files outside its folder is imported
only after the person allows it."""

from __future__ import annotations

import json

import pytest
from hostile_files import write_tracks

pytestmark = pytest.mark.gui


def _outside_tracks(tmp_path):
    inner = tmp_path / "shared"
    inner.mkdir()
    tracks = write_tracks(inner)
    (tmp_path / "photo.png").write_bytes((inner / "photo.png").read_bytes())
    doc = json.loads(tracks.read_text())
    doc["image"] = "../photo.png"
    tracks.write_text(json.dumps(doc))
    return tracks


def test_the_editor_asks_and_a_refusal_imports_nothing(window, tmp_path):
    asked = []
    window.ask_outside_paths = lambda names: asked.append(names) or False
    old = window.doc
    assert not window.open_path(_outside_tracks(tmp_path), ask=False)
    assert asked == [["../photo.png"]]
    assert window.doc is old


def test_the_editor_imports_once_allowed(qtbot, window, tmp_path):
    asked = []
    window.ask_outside_paths = lambda names: asked.append(names) or True
    window.ask_save_changes = lambda: "discard"
    old = window.doc
    assert window.open_path(_outside_tracks(tmp_path), ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=30000)
    assert asked == [["../photo.png"]]
    assert window.doc.scene.size == (64, 48) and window.doc.scene.objects[0].area() == 100


def test_a_tracks_file_inside_its_folder_is_not_asked_about(qtbot, window, tmp_path):
    window.ask_outside_paths = lambda names: pytest.fail("asked about " + repr(names))
    window.ask_save_changes = lambda: "discard"
    old = window.doc
    assert window.open_path(write_tracks(tmp_path), ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=30000)


def test_export_tracks_asks_before_replacing_files_that_are_not_its_own(qtbot, window, tmp_path):
    mine = tmp_path / "t.image.png"
    mine.write_bytes(b"someone's picture")
    window._ask_output = lambda *args: str(tmp_path / "t.json")
    asked = []
    window.ask_overwrite = lambda paths: asked.append(paths) or False
    window.export_tracks_dialog()
    assert asked == [[mine]] and mine.read_bytes() == b"someone's picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "t.image.png"]
    window.ask_overwrite = lambda paths: True
    window.export_tracks_dialog()
    qtbot.waitUntil(lambda: (tmp_path / "t.json").exists(), timeout=30000)
    assert mine.read_bytes() != b"someone's picture"
