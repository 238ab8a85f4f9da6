"""`render` of a project stores a take; `takes` lists them (table and --json)."""

from __future__ import annotations

import json

from levitor_studio.cli import main
from levitor_studio.engine.take_hash import control_hash
from levitor_studio.model.commands import MoveKeyframe
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.takes import TakeStore


def test_render_stores_a_take_and_takes_lists_it(project, tmp_path, capsys):
    assert main(["render", str(project), "-o", str(tmp_path / "a.mp4"), "--seed", "5"]) == 0
    out = capsys.readouterr().out
    (take,) = TakeStore.of_project(project).takes()
    assert f"stored take {take.id} in {project.with_name('shot.takes')}" in out
    assert take.record["seed"] == 5 and take.record["source"] == "render"
    # the exported video is the take's video, byte for byte re-encoded from the same frames
    assert (tmp_path / "a.mp4").read_bytes() == take.video.read_bytes()

    TakeStore.of_project(project).update(take.id, name="first", starred=True)
    assert main(["takes", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "id",
        "name",
        "star",
        "generator",
        "seed",
        "seconds",
        "created",
        "state",
    ]
    cells = lines[1].split()
    assert cells[:5] == [take.id, "first", "*", "preview", "5"] and cells[-1] == "current"

    # an edit to the motion makes the take stale (it stays listed)
    scene = load_project(project)
    key = scene.objects[0].keyframes[-1]
    MoveKeyframe(1, key.frame, key.moved(x=key.x + 5)).apply(scene)
    save_project(scene, project)
    assert main(["takes", str(project), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["folder"] == str(project.with_name("shot.takes").resolve())
    (row,) = doc["takes"]
    assert row["id"] == take.id and row["stale"] is True and row["name"] == "first"
    assert row["control_hash"] != control_hash(scene) and doc["skipped"] == []
    assert row["video"] == str(take.video.resolve())


def test_takes_reports_a_damaged_take_and_lists_the_rest(project, tmp_path, capsys):
    for seed in ("1", "2"):
        assert main(["render", str(project), "-o", str(tmp_path / "a.mp4"), "--seed", seed]) == 0
    first, second = TakeStore.of_project(project).takes()
    (first.folder / "take.json").write_bytes(b"\x00garbage")
    capsys.readouterr()
    assert main(["takes", str(project), "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert [t["id"] for t in doc["takes"]] == [second.id]
    assert captured.err.startswith(f"levitor-studio: warning: {first.folder}: skipped (")
    assert len(doc["skipped"]) == 1 and "not valid JSON" in doc["skipped"][0]


def test_takes_of_a_project_without_takes(project, capsys):
    assert main(["takes", str(project)]) == 0
    assert capsys.readouterr().out == f"no takes in {project.with_name('shot.takes')}\n"


def test_render_no_take_and_an_unwritable_takes_folder(project, tmp_path, capsys):
    assert main(["render", str(project), "-o", str(tmp_path / "a.mp4"), "--no-take"]) == 0
    assert "stored take" not in capsys.readouterr().out
    assert not project.with_name("shot.takes").exists()
    project.with_name("shot.takes").write_text("a file where the folder should be")
    assert main(["render", str(project), "-o", str(tmp_path / "b.mp4")]) == 0  # still rendered
    captured = capsys.readouterr()
    assert (tmp_path / "b.mp4").is_file() and "stored take" not in captured.out
    assert captured.err.startswith(
        f"levitor-studio: warning: take not stored in {project.with_name('shot.takes')} ("
    )
