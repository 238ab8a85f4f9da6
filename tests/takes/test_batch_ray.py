"""`batch --ray` on a real local Ray cluster: a head (no CPUs, so shots run on the workers) and
two one-CPU worker nodes, all on 127.0.0.1, started once for the module and always shut down.

Nothing waits on time: a shot is held on its worker by an actor until the test has killed that
worker's node, and an interrupt is raised from the result callback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from take_scenes import smooth_scene

from levitor_studio.batch.job import load_job
from levitor_studio.batch.run import run_shot
from levitor_studio.cli import main
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.project_io import save_project
from levitor_studio.model.takes import TakeStore

ray = pytest.importorskip("ray")
from ray.cluster_utils import Cluster  # noqa: E402

#: keep the cluster small and local, and notice a killed node within about a second
RAY_ENV = {
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # every address is 127.0.0.1
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_health_check_initial_delay_ms": "0",
    "RAY_health_check_period_ms": "300",
    "RAY_health_check_timeout_ms": "300",
    "RAY_health_check_failure_threshold": "3",
}
LOCAL = "127.0.0.1"
JOB = """
output = "out"
generator = "preview"
seeds = [1, 2, 3]

[[scenes]]
project = "shot.levitor"

[[overrides]]
name = "calm"
motion_bucket = 60

[[overrides]]
name = "wild"
motion_bucket = 200
"""
NAMES = sorted(f"shot-s{s}-{o}" for s in (1, 2, 3) for o in ("calm", "wild"))


@pytest.fixture(scope="module")
def cluster():
    saved = {k: os.environ.get(k) for k in RAY_ENV}
    os.environ.update(RAY_ENV)  # for the processes the cluster starts
    constants = ray._private.ray_constants
    cluster_mode = constants.ENABLE_RAY_CLUSTER
    constants.ENABLE_RAY_CLUSTER = False  # this process read the variable when ray was imported
    c = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 0,
            "resources": {"head": 1},
            "include_dashboard": False,
            "node_ip_address": LOCAL,
        },
    )
    try:
        for _ in range(2):
            c.add_node(num_cpus=1, node_ip_address=LOCAL)
        c.wait_for_nodes()
        yield c
    finally:
        c.shutdown()
        constants.ENABLE_RAY_CLUSTER = cluster_mode
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def driver(cluster):
    """This process connected to the cluster for one test (run_ray then reuses it)."""
    ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import us
    try:
        yield cluster
    finally:
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        ray.shutdown()


@pytest.fixture
def job(project, tmp_path):
    path = tmp_path / "job.toml"
    path.write_text(textwrap.dedent(JOB))
    return load_job(path)


def takes_by_shot(project: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for take in TakeStore.of_project(project).takes():
        counts[take.record["shot"]] = counts.get(take.record["shot"], 0) + 1
    return counts


def test_preview_batch_runs_as_cpu_tasks_on_both_workers_and_resumes(driver, job, project, capsys):
    from levitor_studio.batch.farm import run_ray

    streamed: list[str] = []
    summary = run_ray(job, driver.address, on_result=lambda r: streamed.append(r.name))
    assert sorted(streamed) == NAMES  # each result reported as it arrived
    assert [r.name for r in summary.results] == streamed
    assert {r.status for r in summary.results} == {"rendered"}
    workers = {n.node_id for n in driver.worker_nodes}
    assert {r.node for r in summary.results} <= workers
    assert takes_by_shot(project) == dict.fromkeys(NAMES, 1)
    for r in summary.results:
        assert (
            Path(r.output).read_bytes()
            == TakeStore.of_project(project).get(r.take).video.read_bytes()
        )

    # the command line, against the same cluster: everything is there already
    assert main(["batch", str(job.path), "--ray", driver.address, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["where"] == f"ray {driver.address}"
    assert again["counts"] == {"rendered": 0, "skipped": 6, "failed": 0, "cancelled": 0}
    assert takes_by_shot(project) == dict.fromkeys(NAMES, 1)


@ray.remote(num_cpus=0, resources={"head": 0.01})
class Gate:
    """Holds the first attempt of one shot until the test has killed its node."""

    def __init__(self, held: str) -> None:
        self.held_name = held
        self.attempts: dict[str, int] = {}
        self.node = ""
        self.arrived = threading.Event()

    def arrive(self, name: str, node: str) -> bool:
        self.attempts[name] = self.attempts.get(name, 0) + 1
        if name == self.held_name and self.attempts[name] == 1:
            self.node = node
            self.arrived.set()
            return True
        return False

    def held_node(self) -> str:
        self.arrived.wait()
        return self.node

    def counts(self) -> dict[str, int]:
        return dict(self.attempts)


def held_shot(gate, shot, node):
    if ray.get(gate.arrive.remote(shot.name, node)):
        threading.Event().wait()  # hold this attempt until its node is killed
    return run_shot(shot, node=node)


def test_a_killed_worker_node_retries_its_shot_elsewhere_exactly_once(driver, job, project):
    from levitor_studio.batch.farm import run_ray

    held = "shot-s2-wild"
    gate = Gate.options(max_concurrency=4).remote(held)
    out: dict[str, object] = {}
    runner = threading.Thread(
        target=lambda: out.update(
            summary=run_ray(job, driver.address, shot_fn=functools.partial(held_shot, gate))
        )
    )
    runner.start()
    try:
        node_id = ray.get(gate.held_node.remote(), timeout=300)
        (victim,) = [n for n in driver.worker_nodes if n.node_id == node_id]
        driver.remove_node(victim, allow_graceful=False)  # the shot is mid-run there
    finally:
        runner.join(timeout=600)
        driver.add_node(num_cpus=1, node_ip_address=LOCAL)  # two workers for the next test
        driver.wait_for_nodes()
    assert not runner.is_alive()
    summary = out["summary"]
    results = {r.name: r for r in summary.results}
    assert sorted(results) == NAMES and {r.status for r in summary.results} == {"rendered"}
    assert results[held].node != node_id  # made on the surviving worker
    assert ray.get(gate.counts.remote())[held] == 2
    assert takes_by_shot(project) == dict.fromkeys(NAMES, 1)
    folder = TakeStore.of_project(project).folder
    assert not [p for p in folder.iterdir() if p.name.startswith(".staging-")]


def test_interrupt_cancels_the_rest_then_resume_makes_each_shot_once(driver, job, project):
    from levitor_studio.batch.farm import run_ray

    def interrupt(_result):
        raise KeyboardInterrupt

    first = run_ray(job, driver.address, on_result=interrupt)
    assert sorted(r.name for r in first.results) == NAMES
    statuses = [r.status for r in first.results]
    assert statuses[0] == "rendered"
    assert set(statuses) <= {"rendered", "cancelled"}, [
        (r.name, r.status, r.message) for r in first.results
    ]
    assert "cancelled" in statuses and first.exit_code() == 130
    made = takes_by_shot(project)
    assert set(made) >= {r.name for r in first.results if r.status == "rendered"}
    assert all(n == 1 for n in made.values())

    resumed = run_ray(job, driver.address)
    skipped = {r.name for r in resumed.results if r.status == "skipped"}
    assert skipped == set(made)
    assert {r.name for r in resumed.results if r.status == "rendered"} == set(NAMES) - skipped
    assert takes_by_shot(project) == dict.fromkeys(NAMES, 1)


def test_tiny_svd_batch_on_the_cluster(driver, tmp_path):
    tiny = pytest.importorskip("levitor_svd.tiny")
    svd, controlnet = tiny.save_tiny_folders(tmp_path / "weights", variant=None, seed=0)
    scene = smooth_scene(frames=16, size=(64, 64))
    scene.frames = 4
    scene.objects[0].keyframes = [Keyframe(0, 14.5, 14.5, 0.5), Keyframe(3, 30.0, 20.0, 0.3)]
    project = tmp_path / "svd.levitor"
    save_project(scene, project)
    job_path = tmp_path / "svd.toml"
    job_path.write_text(
        textwrap.dedent(
            f"""
            generator = "levitor-svd"
            seeds = [3, 4]
            options = {{ device = "cpu" }}
            [models.local]
            svd = "/nowhere/svd"
            controlnet = "/nowhere/controlnet"
            [models.ray]
            svd = "{svd}"
            controlnet = "{controlnet}"
            [[scenes]]
            project = "svd.levitor"
            [[overrides]]
            name = "fast"
            steps = 2
            """
        )
    )
    from levitor_studio.batch.farm import run_ray

    summary = run_ray(load_job(job_path), driver.address, gpus_per_shot=0)
    assert sorted((r.name, r.status) for r in summary.results) == [
        ("svd-s3-fast", "rendered"),
        ("svd-s4-fast", "rendered"),
    ], [r.message for r in summary.results]
    takes = TakeStore.of_project(project).takes()
    assert sorted(t.record["seed"] for t in takes) == [3, 4]
    for take in takes:
        rec = take.record
        assert rec["generator"] == "levitor-svd" and rec["settings"]["steps"] == 2
        assert rec["options"]["svd"] == str(svd)  # the cluster's model folders were used
        assert rec["frames"] == 4 and rec["size"] == [64, 64]
