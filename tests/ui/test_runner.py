"""The Qt task runner and the latest-wins preview refresher."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model.errors import InputError
from levitor_studio.tasks.runner import PreviewRefresher, TaskRunner, frozen_copy


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.shutdown()
    assert r.pool.activeThreadCount() == 0


def test_preview_arrives_through_a_signal(qtbot, runner):
    scene = make_scene()
    seen_threads = []

    def render(s, f):
        seen_threads.append(threading.get_ident())
        return np.full((s.height, s.width, 3), f, np.uint8)

    ref = PreviewRefresher(runner, lambda: scene, render)
    with qtbot.waitSignal(ref.ready) as blocker:
        ref.request(5)
    frame, image = blocker.args
    assert frame == 5 and image.shape == (48, 64, 3) and int(image[0, 0, 0]) == 5
    assert seen_threads and seen_threads[0] != threading.get_ident()  # rendered off the GUI thread
    with qtbot.waitSignal(ref.ready) as blocker:
        ref.request(5)  # answered from the cache, no second render
    assert len(seen_threads) == 1 and blocker.args[0] == 5


def test_a_new_request_cancels_the_stale_one(qtbot, runner):
    scene = make_scene()
    gate, started, rendered, shown = threading.Event(), threading.Event(), [], []

    def render(s, f):
        rendered.append(f)
        started.set()
        gate.wait(10)
        return np.full((s.height, s.width, 3), f, np.uint8)

    ref = PreviewRefresher(runner, lambda: scene, render)
    ref.ready.connect(lambda f, _img: shown.append(f))
    ref.request(1)
    qtbot.waitUntil(started.is_set)
    handle = ref._running[0]
    ref.request(2)
    ref.request(3)
    assert handle.state.is_cancelled()
    with qtbot.waitSignal(ref.ready) as blocker:
        gate.set()
    assert blocker.args[0] == 3
    assert rendered == [1, 3]  # 2 was superseded before it started
    assert shown == [3]  # the stale render of 1 never reached the view


def test_results_of_an_older_revision_are_dropped(qtbot, runner):
    scene = make_scene()
    gate, started, shown = threading.Event(), threading.Event(), []

    def render(s, f):
        started.set()
        gate.wait(10)
        return np.full((s.height, s.width, 3), len(s.objects), np.uint8)

    ref = PreviewRefresher(runner, lambda: scene, render)
    ref.ready.connect(lambda f, img: shown.append(int(img[0, 0, 0])))
    ref.request(0)
    qtbot.waitUntil(started.is_set)
    scene.objects.pop()  # an edit while rendering
    ref.invalidate()
    ref.request(0)
    with qtbot.waitSignal(ref.ready):
        gate.set()
    assert shown == [1]  # only the render of the edited scene is shown


def test_exclusive_jobs_run_one_at_a_time(qtbot, runner):
    gate = threading.Event()
    first = runner.submit("generate", lambda task: gate.wait(10), exclusive="generate")
    assert first is not None
    with qtbot.waitSignal(runner.message) as blocker:
        second = runner.submit("generate", lambda task: 1, exclusive="generate")
    assert second is None and "wait for the running task" in blocker.args[0]
    with qtbot.waitSignal(first.finished):
        gate.set()


def test_a_queued_job_waits_for_its_group_and_then_runs(qtbot, runner):
    """A queued group (exports) keeps a request made while one of its jobs runs: it starts,
    in order, when the running one has ended; nothing is refused and nothing is lost."""
    gate, order = threading.Event(), []
    first = runner.submit("export signal", lambda task: gate.wait(10), exclusive="export")
    with qtbot.waitSignal(runner.message) as blocker:
        second = runner.submit(
            "export video", lambda task: order.append("video"), exclusive="export", queue=True
        )
    assert blocker.args == ["export video: starts when export signal has finished"]
    assert first is not None and second is not None and order == []
    assert runner.active() == [first, second]
    with qtbot.waitSignal(second.finished):
        gate.set()
    assert order == ["video"] and runner.active() == []


def test_a_queued_job_cancelled_while_it_waits_never_runs(qtbot, runner):
    gate, ran = threading.Event(), []
    first = runner.submit("export signal", lambda task: gate.wait(10), exclusive="export")
    second = runner.submit("export video", ran.append, exclusive="export", queue=True)
    assert first is not None and second is not None
    second.cancel()
    with qtbot.waitSignal(second.cancelled):
        gate.set()
    assert ran == [] and runner.active() == []


def test_failures_and_cancel_come_back_as_signals(qtbot, runner):
    def bad(task):
        raise InputError("the box is empty")

    handle = runner.submit("segment", bad)
    with qtbot.waitSignal(handle.failed) as blocker:
        pass
    assert blocker.args == ["the box is empty"]

    gate = threading.Event()

    def slow(task):
        gate.wait(10)
        task.check()

    handle = runner.submit("slow", slow)
    handle.cancel()
    with qtbot.waitSignal(handle.cancelled):
        gate.set()


def test_frozen_copy_is_independent_of_later_edits():
    scene = make_scene()
    copy = frozen_copy(scene)
    scene.objects[0].keyframes.append(scene.objects[0].keyframes[0].moved(frame=7))
    scene.objects.pop()
    assert len(copy.objects) == 2 and len(copy.objects[0].keyframes) == 2
    assert copy.same_as(make_scene())


def test_a_worker_bug_keeps_its_traceback_in_the_log_and_shows_one_line(qtbot, runner, private_log):
    def broken_backend(task):
        raise ZeroDivisionError("division by zero\nin layer 3")

    handle = runner.submit("generate", broken_backend)
    with qtbot.waitSignal(handle.failed) as blocker:
        pass
    assert blocker.args == ["ZeroDivisionError: division by zero … (details in Help ▸ Show Log)"]
    text = (private_log / "levitor-studio.log").read_text(encoding="utf-8")
    # logged from the worker (a thread Python did not start, so it is named Dummy-N)
    head = r"ERROR \[Dummy-\d+\] levitor_studio\.tasks\.runner: task 'generate': "
    assert re.search(head + "ZeroDivisionError: division by zero …\nTraceback", text)
    assert 'in broken_backend\n    raise ZeroDivisionError("division by zero\\nin layer 3")' in text
    assert text.rstrip().endswith("ZeroDivisionError: division by zero\nin layer 3")


def test_a_jobs_qt_objects_belong_to_qt_and_go_once_its_worker_returned(qtbot, runner):
    import shiboken6
    from qt_leaks import flush_deletes

    handle = runner.submit("job", lambda task: 7)
    signals = handle.signals
    # owned by Qt (a child of the handle): no Python reference, nor the cycle collector on a
    # worker thread, can delete them
    assert not shiboken6.ownedByPython(signals) and signals.parent() is handle
    with qtbot.waitSignal(handle.ended):
        pass
    assert runner.active() == []
    assert runner.shutdown()  # every worker has returned
    flush_deletes()
    assert not shiboken6.isValid(handle) and not shiboken6.isValid(signals)
