"""Editor latency: a keyframe edit → the refreshed preview on screen, and window start-up.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py`` (prints a table). The
example scene is 512×288 (the same pixel count as 288×512); each edit moves a key of the moving
object by a pixel, exactly as a drag step does, and the clock stops when the view shows the new
preview frame (signal delivered on the GUI thread).
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
