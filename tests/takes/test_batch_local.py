"""`levitor-studio batch JOB.toml` run here: shots = scenes x seeds x overrides, each a take of
its project and a video in the output folder; resume, interrupt, summary and clear errors."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from levitor_studio.batch.job import load_job
from levitor_studio.batch.run import run_local
from levitor_studio.cli import main
from levitor_studio.model.takes import TakeStore

JOB = """
version = 1
output = "out"
generator = "preview"
seeds = [1, 2]

[[scenes]]
project = "shot.levitor"

[[overrides]]
name = "calm"
motion_bucket = 60

[[overrides]]
name = "wild"
motion_bucket = 200
control_scale = 1.5
"""
NAMES = ["shot-s1-calm", "shot-s1-wild", "shot-s2-calm", "shot-s2-wild"]


def write_job(folder: Path, text: str = JOB) -> Path:
    path = folder / "job.toml"
    path.write_text(textwrap.dedent(text))
    return path


def by_shot(project: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for take in TakeStore.of_project(project).takes():
        found.setdefault(take.record["shot"], []).append(take)
    return found


def test_batch_renders_every_shot_as_a_take_then_resumes(project, tmp_path, capsys):
    job = write_job(tmp_path)
    assert main(["batch", str(job), "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["counts"] == {"rendered": 4, "skipped": 0, "failed": 0, "cancelled": 0}
    assert [s["name"] for s in doc["shots"]] == NAMES  # locally: in job order
    assert captured.err.splitlines()[-1] == f"[{'#' * 24}] 4/4 shot-s2-wild: rendered"
    takes = by_shot(project)
    assert sorted(takes) == NAMES and all(len(v) == 1 for v in takes.values())
    for shot in doc["shots"]:
        (take,) = takes[shot["name"]]
        assert shot["take"] == take.id and take.record["source"] == "batch"
        assert Path(shot["output"]) == tmp_path / "out" / f"{shot['name']}.mp4"
        assert Path(shot["output"]).read_bytes() == take.video.read_bytes()
    wild = takes["shot-s2-wild"][0].record
    assert (wild["seed"], wild["settings"]["motion_bucket"]) == (2, 200)
    assert wild["settings"]["control_scale"] == 1.5 and wild["settings"]["seed"] == 2
    assert takes["shot-s1-calm"][0].record["settings"]["motion_bucket"] == 60

    # run again: every shot exists with the same inputs, nothing is made twice
    assert main(["batch", str(job)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["shot", "status", "take", "seconds", "node", "message"]
    assert [line.split()[:2] for line in table[1:5]] == [[n, "skipped"] for n in NAMES]
    assert table[-1].startswith("4 shots (4 skipped) in ")
    assert all(len(v) == 1 for v in by_shot(project).values())

    # a deleted take is made again, the rest are skipped
    TakeStore.of_project(project).delete(takes["shot-s1-wild"][0].id)
    summary = run_local(load_job(job))
    assert [(r.name, r.status) for r in summary.results] == [
        ("shot-s1-calm", "skipped"),
        ("shot-s1-wild", "rendered"),
        ("shot-s2-calm", "skipped"),
        ("shot-s2-wild", "skipped"),
    ]


def test_interrupted_batch_lists_the_rest_as_cancelled_and_resumes(project, tmp_path):
    job = load_job(write_job(tmp_path))

    def stop_after_two(result):
        if result.name == "shot-s1-wild":
            raise KeyboardInterrupt

    summary = run_local(job, on_result=stop_after_two)
    assert [(r.name, r.status) for r in summary.results] == [
        ("shot-s1-calm", "rendered"),
        ("shot-s1-wild", "rendered"),
        ("shot-s2-calm", "cancelled"),
        ("shot-s2-wild", "cancelled"),
    ]
    assert summary.exit_code() == 130
    assert sorted(by_shot(project)) == NAMES[:2]
    again = run_local(job)
    assert [r.status for r in again.results] == ["skipped", "skipped", "rendered", "rendered"]
    assert sorted(by_shot(project)) == NAMES and all(len(v) == 1 for v in by_shot(project).values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenes = [{project = 'shot.levitor', seeds = [1, -3]}]",
         "scenes[0].seeds[1]: -3 is less than the minimum of 0"),
        ("scenes = [{project = 'shot.levitor'}]\n[[overrides]]\nname = 'a'\nmotion = 3",
         "overrides[0].motion: unknown key"),
        ("scenes = [{project = 'shot.levitor'}]\n[[overrides]]\nname = 'a'\nmotion_bucket = 300",
         "overrides[0].motion_bucket: motion bucket 300 must be a whole number 1…255"),
        ("scenes = [{project = 'missing.levitor'}]", "scenes[0].project: "),
        ("scenes = []", "scenes: [] should be non-empty"),
        ("output = 3\nscenes = [{project = 'shot.levitor'}]", "output: 3 is not of type 'string'"),
        ("scenes = [{project = 'shot.levitor'", "not valid TOML"),
    ],
)  # fmt: skip
def test_bad_jobs_are_one_line_with_the_key_path(project, tmp_path, capsys, text, message):
    job = write_job(tmp_path, text)
    assert main(["batch", str(job)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"levitor-studio: error: {job}: ") and message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "renders").exists() and not (tmp_path / "shot.takes").exists()


def test_ray_without_ray_says_how_to_install_it(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    assert main(["batch", str(write_job(tmp_path)), "--ray", "auto"]) == 2
    assert capsys.readouterr().err == (
        "levitor-studio: error: --ray needs Ray, which is not installed here: "
        "pip install 'levitor-studio[farm]'\n"
    )


def test_a_shot_that_cannot_run_is_failed_with_its_reason(project, tmp_path, capsys):
    job = write_job(
        tmp_path, 'generator = "levitor-svd"\nseeds = [1]\n[[scenes]]\nproject = "shot.levitor"'
    )
    assert main(["batch", str(job), "--json"]) == 1
    captured = capsys.readouterr()
    (shot,) = json.loads(captured.out)["shots"]
    assert (shot["name"], shot["status"], shot["take"]) == ("shot-s1", "failed", "")
    assert shot["message"] == (
        "levitor-svd: set the SVD-XT weights folder (option svd / --svd DIR); "
        "set LeviTor's controlnet folder (option controlnet / --controlnet DIR)"
    )
    assert captured.err == f"[{'#' * 24}] 1/1 shot-s1: failed\n"
    assert TakeStore.of_project(project).takes() == [] and not (tmp_path / "renders").exists()


def test_ctrl_c_stops_the_command_cleanly_and_it_resumes(project, tmp_path):
    """A real SIGINT to `levitor-studio batch` after the first shot's progress line."""
    import os
    import signal
    import subprocess

    job = write_job(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "levitor_studio", "batch", str(job), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell starts background jobs with SIGINT ignored, and Python then keeps ignoring it:
        # give the command the terminal's default, as when a person presses Ctrl+C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        first = proc.stderr.readline()
        assert first == f"[{'#' * 6}{'.' * 18}] 1/4 shot-s1-calm: rendered\n"
        os.kill(proc.pid, signal.SIGINT)
        out, _err = proc.communicate(timeout=300)
    finally:
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 130
    doc = json.loads(out)
    statuses = {s["name"]: s["status"] for s in doc["shots"]}
    assert sorted(statuses) == NAMES and statuses["shot-s1-calm"] == "rendered"
    assert "cancelled" in statuses.values()
    made = by_shot(project)
    assert set(made) >= {n for n, s in statuses.items() if s == "rendered"}
    assert not [
        p for p in TakeStore.of_project(project).folder.iterdir() if p.name.startswith(".staging-")
    ]
    summary = run_local(load_job(job))
    assert {r.name for r in summary.results if r.status == "skipped"} == set(made)
    assert sorted(by_shot(project)) == NAMES and all(len(v) == 1 for v in by_shot(project).values())
