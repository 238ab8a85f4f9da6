"""Editor latency: a keyframe edit → the refreshed preview on screen, window start-up, playback.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py`` (prints a table). The
example scene is 512×288 (the same pixel count as 288×512); each edit moves a key of the moving
object by a pixel, exactly as a drag step does, and the clock stops when the view shows the new
preview frame (signal delivered on the GUI thread).

Playback presses play on the transport's :class:`Playback` timer and counts the frames the image
view actually shows (``sigImageChanged`` with a new playhead frame) against the frames due at the
scene's fps over a few loops: dropped = due − shown. It is measured right after an edit (the
refresher's cache is empty and fills while playing) and again with every frame cached.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LEVITOR_STUDIO_CONFIG_DIR", tempfile.mkdtemp(prefix="levitor-bench-"))
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "coffee" / "coffee.levitor"


def main(edits: int = 40) -> int:
    t0 = time.perf_counter()
    from PySide6.QtCore import QEventLoop, QTimer

    from levitor_studio.ui.app import application
    from levitor_studio.ui.main_window import MainWindow

    application()
    window = MainWindow(viewport3d=False)
    window.open_path(EXAMPLE, ask=False)
    window.show()
    shown = time.perf_counter() - t0
    torch_loaded = "torch" in sys.modules

    from levitor_studio.model.commands import MoveKeyframe

    doc = window.doc
    spoon = next(o for o in doc.scene.objects if o.keyframes)
    key = spoon.keyframes[1]
    doc.set_frame(key.frame)
    merge = doc.gesture_key("bench")
    latencies = []
    for i in range(edits):
        loop = QEventLoop()
        done = []
        conn = window.preview.ready.connect(
            lambda f, _img, done=done, loop=loop: (done.append(f), loop.quit())
        )
        QTimer.singleShot(5000, loop.quit)
        start = time.perf_counter()
        k = spoon.key_at(key.frame)
        doc.push(MoveKeyframe(spoon.uid, key.frame, k.moved(x=k.x + (1 if i % 2 else -1))), merge)
        if not done:
            loop.exec()
        latencies.append((time.perf_counter() - start) * 1000)
        window.preview.ready.disconnect(conn)
    rows = [play(window, fps, state) for fps in (8.0, 24.0) for state in ("after edit", "cached")]
    window.ask_save_changes = lambda: "discard"
    window.close()
    lat = sorted(latencies[3:])  # the first edits build the renderer's caches
    print("| measure | value |")
    print("|---|---|")
    print(f"| window shown after import (s) | {shown:.2f} |")
    print(f"| torch imported at start-up | {torch_loaded} |")
    print(f"| edit → preview shown, median (ms) | {statistics.median(lat):.1f} |")
    print(f"| edit → preview shown, p90 (ms) | {lat[int(0.9 * (len(lat) - 1))]:.1f} |")
    print(f"| edits measured | {len(lat)} |")
    print()
    print("| playback | fps | playhead steps | shown / due | dropped | worst interval (ms) |")
    print("|---|---|---|---|---|---|")
    for fps, state, steps, shown_n, due, worst in rows:
        print(
            f"| {state} | {fps:g} | {steps} | {shown_n} / {due} | {due - shown_n} "
            f"| {worst:.0f} (nominal {1000 / fps:.0f}) |"
        )
    return 0


def play(window, fps: float, state: str, loops: int = 3) -> tuple[float, str, int, int, int, float]:
    """Play ``loops`` loops at ``fps``: playhead steps, frames shown, frames due, worst gap (ms).

    Steps < due means the timer fell behind; shown < steps means the preview missed frames.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    from levitor_studio.model.commands import MoveKeyframe, SetSceneTiming

    doc, preview = window.doc, window.preview
    if abs(doc.scene.fps - fps) > 1e-9:
        doc.push(SetSceneTiming(fps=fps))
    doc.set_frame(0)
    if state == "cached":
        wait_until(lambda: all(preview.cached(f) is not None for f in range(doc.scene.frames)))
    else:  # a one-pixel key move, as a drag step: the cache is dropped, playback starts cold
        obj = next(o for o in doc.scene.objects if o.keyframes)
        k = obj.keyframes[-1]
        doc.push(MoveKeyframe(obj.uid, k.frame, k.moved(x=k.x + 1)))
    wait_until(lambda: preview.cached(0) is not None)  # what the artist sees before pressing play
    shown: list[float] = []
    last = [doc.frame]

    def on_image() -> None:
        if doc.frame != last[0]:  # a re-emit of the frame already on screen is not a new frame
            last[0] = doc.frame
            shown.append(time.perf_counter())

    steps: list[int] = []
    conn = window.view.frame_item.sigImageChanged.connect(on_image)
    step_conn = doc.frameChanged.connect(steps.append)
    playback = window.timeline.playback
    playback.loop = True
    due = loops * doc.scene.frames
    loop = QEventLoop()
    start = time.perf_counter()
    playback.toggle()
    # half a frame of grace after the last due frame, so timer jitter is not counted as a drop
    QTimer.singleShot(int((due + 0.5) * 1000 / fps), loop.quit)
    loop.exec()
    playback.toggle()
    window.view.frame_item.sigImageChanged.disconnect(conn)
    doc.frameChanged.disconnect(step_conn)
    gaps = [b - a for a, b in zip([start, *shown], shown, strict=False)]
    return fps, state, len(steps), len(shown), due, max(gaps, default=float("inf")) * 1000


def wait_until(ready, timeout_s: float = 30.0) -> None:
    """Run the event loop until ``ready()`` (the refresher renders on its worker thread)."""
    from PySide6.QtCore import QCoreApplication

    end = time.perf_counter() + timeout_s
    while not ready() and time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.002)


if __name__ == "__main__":
    sys.exit(main())
