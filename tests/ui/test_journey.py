"""Acceptance journey (issue 14 item 5): one object passes behind another on a real photo.

Through the editor's own widgets and tools, on the bundled public-domain rocket photograph:
a new project from the New Project dialog, both the rocket and a launch tower selected with the
box tool, the tower refined with an exclude click, sent behind the rocket with Edit ▸ Send
Behind…, keyed across it with the key tool, generated with the CPU preview and exported (control
signal and video). The exported label maps are checked exactly against an independent
rasterisation from the masks and keys (scene-model.md: translation about the anchor, nearest
source pixel, visible where the frame-0 scene is farther and no nearer card covers it), and the
generated frames differ exactly there from those of the tower brought in front.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from ui_helpers import click, drag

from levitor_studio.api import image_size
from levitor_studio.engine.signal_export import read_signal_npz
from levitor_studio.model.ordering import STEP
from levitor_studio.ui.image_tools import Tool
from levitor_studio.ui.new_project import NewProjectDialog

ROCKET = Path(__file__).resolve().parents[2] / "resources" / "examples" / "rocket" / "rocket.jpg"
RIGHT = Qt.MouseButton.RightButton
SLOW = 300000  # ms: GrabCut and the preview take seconds each on a loaded 2-core machine


def _new_project(qtbot, window):
    def ask(path):
        dialog = NewProjectDialog(path, image_size(path), window.prefs.backends, window)
        values = dialog.values()  # the dialog's defaults: 512 × 288 crop, 16 frames, segments
        dialog.deleteLater()
        return values

    window.ask_new_project = ask
    window.ask_save_changes = lambda: "discard"
    old = window.doc
    assert window.open_path(ROCKET, ask=False)
    qtbot.waitUntil(lambda: window.doc is not old, timeout=SLOW)
    return window.doc


def _box(qtbot, window, corner0, corner1):
    with qtbot.waitSignal(window.work.objectAdded, timeout=SLOW) as added:
        drag(window.view, corner0, corner1)
    return window.doc.scene.object(added.args[0])


def _expected_card(mask, shift):
    """The object's card at a pure translation ``shift``: nearest source pixel per pixel."""
    h, w = mask.shape
    qy, qx = np.mgrid[0:h, 0:w].astype(np.float64)
    sx = np.floor(qx - shift[0] + 0.5).astype(int)
    sy = np.floor(qy - shift[1] + 0.5).astype(int)
    inside = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
    card = np.zeros_like(mask)
    card[inside] = mask[sy[inside], sx[inside]]
    return card


def test_an_object_passes_behind_another(qtbot, window, tmp_path):
    doc = _new_project(qtbot, window)
    scene = doc.scene
    assert scene.size == (512, 288) and scene.segments is not None and not doc.is_dirty()

    # select both with the box tool: the rocket, then (Esc: nothing selected) the left tower
    window.set_tool(Tool.BOX)
    rocket = _box(qtbot, window, (238, 68), (278, 287))
    window.actions_by_name["deselect"].trigger()
    tower = _box(qtbot, window, (128, 64), (172, 287))
    assert [o.uid for o in scene.objects] == [rocket.uid, tower.uid]

    # refine the tower (selected): an exclude click on the flare the box grabbed at its foot
    window.set_tool(Tool.CLICKS)
    fy, fx = np.nonzero(tower.mask[260:280])
    i = int(np.argmin(fx))  # the flare's glow: the leftmost part of the mask near the foot
    flare = (float(fx[i]) + 2.5, float(fy[i] + 260) + 0.5)
    assert tower.mask[int(flare[1]), int(flare[0])]
    count = doc.undo_stack.count()
    click(window.view, *flare, button=RIGHT)
    qtbot.waitUntil(lambda: doc.undo_stack.count() == count + 1, timeout=SLOW)
    assert not tower.mask[int(flare[1]), int(flare[0])] and len(scene.objects) == 2

    # send the tower behind the rocket: the command, then a click on the rocket
    window.actions_by_name["send_behind"].trigger()
    ys, xs = np.nonzero(rocket.mask)
    click(window.view, float(np.median(xs)) + 0.5, float(np.median(ys)) + 0.5)
    z_rocket, z_tower = scene.rest_depth(rocket), scene.rest_depth(tower)
    assert z_tower == z_rocket * STEP

    # key the tower across the rocket: at the last frame its anchor sits on the rocket
    window.set_tool(Tool.KEY)
    doc.set_frame(15)
    target = (float(np.median(xs)), 220.0)
    click(window.view, *target)
    key = tower.key_at(15)
    assert key is not None and key.z == z_tower
    anchor0 = np.array(tower.centroid())
    end = np.array([key.x, key.y])

    # generate with the CPU preview, then export the control signal and the video
    with qtbot.waitSignal(window.work.generated, timeout=SLOW):
        window.actions_by_name["generate"].trigger()
    frames = window.work.frames
    signal_path, video_path = tmp_path / "journey.npz", tmp_path / "journey.mp4"
    window._ask_output = lambda title, filt: str(signal_path)
    window.export_signal_dialog()
    qtbot.waitUntil(signal_path.exists, timeout=SLOW)
    window._ask_output = lambda title, filt: str(video_path)
    window.last_error = ""
    window.export_video_dialog()
    qtbot.waitUntil(lambda: video_path.exists() or bool(window.last_error), timeout=SLOW)
    assert window.last_error == ""
    labels = read_signal_npz(signal_path).labels
    assert labels.shape == (16, 288, 512)

    # independently: where the tower's card lands each frame, and what hides it
    rocket_id, tower_id = 1, 2
    occluder = scene.depth.copy()
    occluder[rocket.mask | tower.mask] = np.inf  # vacated footprints hide nothing
    overlap_frames = []
    for t in range(16):
        shift = (end - anchor0) * t / 15.0  # two keys: the smooth path is a straight line
        card = _expected_card(tower.mask, shift)
        behind_rocket = card & rocket.mask
        visible = card & ~rocket.mask & (occluder > z_tower)
        assert np.array_equal(labels[t] == tower_id, visible), f"frame {t}"
        assert np.all(labels[t][behind_rocket] == rocket_id), f"frame {t}"
        if behind_rocket.any():
            overlap_frames.append(t)
    assert overlap_frames and overlap_frames[-1] == 15 and len(overlap_frames) >= 4
    hidden = _expected_card(tower.mask, end - anchor0) & rocket.mask
    assert hidden.sum() > 1000  # most of the rocket's width, over the tower's height

    # the tower in front instead: the same frames differ exactly there
    window.actions_by_name["bring_front"].trigger()
    click(window.view, float(np.median(xs)) + 0.5, 120.0)  # the rocket, above the tower's card
    assert scene.rest_depth(tower) == z_rocket / STEP
    with qtbot.waitSignal(window.work.generated, timeout=SLOW):
        window.actions_by_name["generate"].trigger()
    in_front = window.work.frames
    changed = np.any(in_front[15] != frames[15], axis=-1)
    assert changed[hidden].mean() > 0.9
    Image.fromarray(np.concatenate([frames[15], in_front[15]], axis=1)).save(
        tmp_path / "journey-frame15-behind-vs-front.png"
    )


def test_an_export_asked_for_while_another_is_finishing_is_not_lost(
    qtbot, window, tmp_path, monkeypatch
):
    """The journey's race, pinned: the signal's file is in place before its job has ended (the
    worker still has to return and report), so the video export the journey asks for next met
    a running export. It was refused in the status bar and never written; it now waits and runs."""
    import threading

    from levitor_studio.ui import engine_jobs

    gate, written = threading.Event(), engine_jobs.export_signal

    def held(scene, path, task):  # the file is complete and in place; the job has not returned
        result = written(scene, path, task)
        gate.wait(60)
        return result

    monkeypatch.setattr(engine_jobs, "export_signal", held)
    try:
        signal_path, video_path = tmp_path / "held.npz", tmp_path / "held.mp4"
        window._ask_output = lambda title, filt: str(signal_path)
        window.export_signal_dialog()
        qtbot.waitUntil(signal_path.exists, timeout=SLOW)
        window._ask_output = lambda title, filt: str(video_path)
        messages: list[str] = []
        window.runner.message.connect(messages.append)
        window.export_video_dialog()
        assert messages == ["export video: starts when export signal has finished"]
        signal_job, video_job = [h for h in window.runner.active() if not h.quiet]
        assert (signal_job.label, video_job.label) == ("export signal", "export video")
        assert not video_path.exists()
        with qtbot.waitSignal(video_job.finished, timeout=SLOW) as done:
            gate.set()
        assert done.args == [video_path] and video_path.is_file()
        assert read_signal_npz(signal_path).labels.shape[0] == window.doc.scene.frames
    finally:
        gate.set()  # a failing run must not hold the worker until the window closes
