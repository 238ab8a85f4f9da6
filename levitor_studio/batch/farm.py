"""Shots as Ray tasks on a cluster: ``levitor-studio batch JOB.toml --ray auto|ADDRESS``.

Ray is an optional extra (``pip install 'levitor-studio[farm]'``); without it ``--ray`` says
how to install it. Each shot is one Ray task that asks for one GPU (``--gpus-per-shot``), or one
CPU for the CPU ``preview`` generator, and runs :func:`~levitor_studio.batch.run.run_shot` with
the model folders the job gives for the cluster (``[models.ray]``). Ray does the scheduling, and
retries a task whose worker or node died (``max_retries``). A retried shot is made exactly once:
takes are written atomically, and a retry that finds the take a dead attempt finished skips it.
Results stream back as they finish (``ray.wait``). Ctrl+C cancels every remaining task
(``ray.cancel``), lists them as cancelled, and the batch can be resumed later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..model.errors import LevitorError
from .job import Job, Shot
from .run import CANCELLED, FAILED, Progress, ShotResult, Summary, run_shot

INSTALL = "pip install 'levitor-studio[farm]'"
#: how often Ray runs a shot again after its worker or node died
MAX_RETRIES = 3
#: generators that run on the CPU: their tasks ask for a CPU, not a GPU
CPU_GENERATORS = frozenset({"preview"})


class FarmUnavailable(LevitorError):
    """Ray is not installed, or the cluster cannot be reached."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise FarmUnavailable(f"--ray needs Ray, which is not installed here: {INSTALL}") from None
    return ray


def resources(shot: Shot, gpus_per_shot: float | None) -> dict[str, float]:
    """What one shot's task asks Ray for."""
    if shot.generator in CPU_GENERATORS:
        return {"num_cpus": 1, "num_gpus": 0}
    gpus = 1.0 if gpus_per_shot is None else gpus_per_shot
    if not gpus >= 0:
        raise FarmUnavailable(f"--gpus-per-shot {gpus_per_shot}: must be 0 or more")
    return {"num_cpus": 1, "num_gpus": gpus}


def _task(shot: Shot, shot_fn: Callable[..., ShotResult]) -> ShotResult:
    import ray

    return shot_fn(shot, node=ray.get_runtime_context().get_node_id())


def connect(address: str) -> bool:
    """Connect this process to the cluster; True if it was not connected before."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    try:
        ray.init(
            address=address,
            logging_level=logging.WARNING,
            log_to_driver=False,
            configure_logging=False,
        )
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise FarmUnavailable(f"cannot reach the Ray cluster at {address!r} ({exc})") from None
    return True


def run_ray(
    job: Job,
    address: str,
    gpus_per_shot: float | None = None,
    on_result: Callable[[ShotResult], None] | None = None,
    shots: Sequence[Shot] | None = None,
    shot_fn: Callable[..., ShotResult] = run_shot,
    max_retries: int = MAX_RETRIES,
) -> Summary:
    """Run the shots as Ray tasks on the cluster at ``address`` (``auto``: the local one).

    ``on_result`` sees each result as it arrives; ``shot_fn`` runs one shot on a worker
    (:func:`run_shot`; tests wrap it). A KeyboardInterrupt, in ``on_result`` or while waiting,
    cancels the remaining tasks.
    """
    ray = import_ray()
    from ray.exceptions import RayError

    todo = list(job.for_ray() if shots is None else shots)
    asks = [resources(s, gpus_per_shot) for s in todo]
    connected_here = connect(address)
    summary = Summary(where=f"ray {address}")
    progress = Progress(len(todo))
    started = time.perf_counter()
    pending: dict[Any, Shot] = {}
    try:
        remote = ray.remote(max_retries=max_retries, retry_exceptions=False)(_task)
        for shot, ask in zip(todo, asks, strict=True):
            pending[remote.options(**ask, name=f"shot {shot.name}").remote(shot, shot_fn)] = shot
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    shot = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except RayError as exc:  # retries used up, or the task itself crashed
                        message = str(exc).strip().splitlines()[0][:200]
                        result = ShotResult(
                            shot.name, shot.project, shot.seed, shot.override, FAILED,
                            message=message,
                        )  # fmt: skip
                    summary.results.append(result)
                    progress.step(result)
                    if on_result is not None:
                        on_result(result)
        except KeyboardInterrupt:
            for ref in pending:
                ray.cancel(ref, force=True)  # a killed task leaves no half take behind
            for ref, shot in pending.items():  # wait until each is gone: none runs on after us
                try:
                    result = ray.get(ref)  # it finished before the cancel reached it
                except RayError:
                    result = ShotResult(
                        shot.name, shot.project, shot.seed, shot.override, CANCELLED
                    )
                summary.results.append(result)
    finally:
        if connected_here:
            ray.shutdown()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
