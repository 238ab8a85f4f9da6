"""Takes stored with a project: made, listed, renamed, starred, deleted and restored, copied,
and surviving a re-save, a corrupt take and a process killed mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from take_scenes import smooth_scene

from levitor_studio import api
from levitor_studio.engine import render_preview
from levitor_studio.engine.take_hash import control_hash
from levitor_studio.engine.takes import THUMB_WIDTH, read_frames
from levitor_studio.model.errors import InputError
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.takes import TakeStore, takes_folder


def _take(project: Path, seed: int = 42):
    scene = load_project(project)
    scene.settings = scene.settings.__class__(seed=seed)
    return api.generate_take(scene, project, "preview", {}, source="render")


def test_a_take_records_how_it_was_made_and_reads_back(project):
    frames, take = _take(project, seed=7)
    scene = load_project(project)
    assert take.folder == project.with_name("shot.takes") / take.id
    rec = take.record
    assert rec["generator"] == "preview" and rec["seed"] == 7 and rec["source"] == "render"
    assert rec["settings"] == {**scene.settings.to_json(), "seed": 7}
    assert rec["control_hash"] == control_hash(scene)
    assert rec["frames"] == 16 and rec["size"] == [64, 48] and rec["fps"] == scene.fps
    assert rec["duration_s"] >= 0 and rec["name"] == "" and rec["starred"] is False
    np.testing.assert_array_equal(frames, render_preview(scene))
    back = read_frames(take)
    assert back.shape == frames.shape
    assert np.abs(back.astype(int) - frames).mean() < 4  # H.264: close, not exact
    with Image.open(take.thumbnail) as thumb:
        assert thumb.size == (THUMB_WIDTH, 120)  # 64x48 scaled to 160 wide
    assert sorted(p.name for p in take.folder.iterdir()) == ["take.json", "thumb.png", "video.mp4"]


def test_takes_survive_save_reopen_and_are_listed_oldest_first(project):
    first = _take(project, 1)[1]
    second = _take(project, 2)[1]
    scene = load_project(project)
    save_project(scene, project)  # saving the project touches no take
    load_project(project)
    takes, problems = TakeStore.of_project(project).scan()
    assert [t.id for t in takes] == [first.id, second.id] and problems == []
    assert [t.record for t in takes] == [first.record, second.record]


def test_rename_star_delete_restore(project):
    take = _take(project)[1]
    store = TakeStore.of_project(project)
    renamed = store.update(take.id, name="  hero  ", starred=True)
    assert renamed.name == "hero" and renamed.starred and renamed.label == "hero"
    assert json.loads((take.folder / "take.json").read_text())["name"] == "hero"
    with pytest.raises(InputError, match="'seed' cannot be changed"):
        store.update(take.id, seed=3)
    store.delete(take.id)
    assert store.takes() == []
    with pytest.raises(InputError, match="no take"):
        store.get(take.id)
    assert store.restore(take.id).record == renamed.record
    with pytest.raises(InputError, match="no take '../x'"):
        store.get("../x")


def test_save_as_copies_every_take(project, tmp_path):
    takes = [_take(project, s)[1] for s in (1, 2)]
    copy = tmp_path / "elsewhere" / "copy.levitor"
    copy.parent.mkdir()
    save_project(load_project(project), copy)
    assert TakeStore.of_project(project).copy_to(takes_folder(copy)) == 2
    copied = TakeStore.of_project(copy).takes()
    assert [t.record for t in copied] == [t.record for t in takes]
    for a, b in zip(takes, copied, strict=True):
        assert a.video.read_bytes() == b.video.read_bytes()
    assert TakeStore.of_project(project).copy_to(takes_folder(copy)) == 0  # nothing twice


def test_a_corrupt_or_incomplete_take_is_reported_and_skipped(project):
    good, bad_json, no_video, wrong_id = (_take(project, s)[1] for s in (1, 2, 3, 4))
    (bad_json.folder / "take.json").write_text("{not json")
    no_video.video.unlink()
    rec = json.loads((wrong_id.folder / "take.json").read_text())
    rec["seed"] = -1
    (wrong_id.folder / "take.json").write_text(json.dumps(rec))
    takes, problems = TakeStore.of_project(project).scan()
    assert [t.id for t in takes] == [good.id]
    assert len(problems) == 3
    assert any(f"{bad_json.id}: skipped (take.json is not valid JSON" in p for p in problems)
    assert any(f"{no_video.id}: skipped (its video 'video.mp4' is missing)" in p for p in problems)
    assert any(
        f"{wrong_id.id}: skipped (seed: -1 is less than the minimum of 0)" in p for p in problems
    )
    assert load_project(project).same_as(smooth_scene())  # the project itself is intact


WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from levitor_studio import api
    from levitor_studio.engine import takes as engine_takes
    from levitor_studio.model.project_io import load_project
    real = engine_takes.write_mp4

    def write_then_hang(frames, path, fps):
        real(frames, path, fps=fps)
        print("video written", flush=True)
        sys.stdin.read()  # hold here, mid-take, until killed

    engine_takes.write_mp4 = write_then_hang
    api.generate_take(load_project(sys.argv[1]), sys.argv[1], "preview", {})
    """
)


def test_kill_9_while_a_take_is_written_leaves_no_half_take(project):
    before = _take(project)[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout.readline() == b"video written\n"  # it is inside the write
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    folder = takes_folder(project)
    staging = [p.name for p in folder.iterdir() if p.name.startswith(".staging-")]
    assert len(staging) == 1  # what the killed process left
    takes, problems = TakeStore.of_project(project).scan()
    assert [t.id for t in takes] == [before.id] and problems == []
    after = _take(project)[1]  # the next write clears the dead writer's staging folder
    assert not any(p.name.startswith(".staging-") for p in folder.iterdir())
    assert [t.id for t in TakeStore.of_project(project).takes()] == [before.id, after.id]


def test_copy_project_keeps_its_takes(project, tmp_path):
    takes = [_take(project, s)[1] for s in (1, 2)]
    (tmp_path / "other").mkdir()
    copy = tmp_path / "other" / "copy.levitor"
    assert api.copy_project(project, copy) == 2
    assert load_project(copy).same_as(load_project(project))
    copied = TakeStore.of_project(copy).takes()
    assert [t.record for t in copied] == [t.record for t in takes]
    assert [t.video.read_bytes() for t in copied] == [t.video.read_bytes() for t in takes]
    with pytest.raises(InputError, match="cannot be copied onto itself"):
        api.copy_project(project, project)
