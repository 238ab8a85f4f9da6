"""Drag latency as a person sees it: mouse move on a key → the updated preview painted.

Run: ``xvfb-run -a .venv/bin/python bench/bench_drag.py`` (prints a table; under Xvfb the view
paints through a real X server, ``QT_QPA_PLATFORM=offscreen`` works too).

The bundled example (512×288, and the same scene scaled to 1024×576) is opened in the editor.
A key of the moving object is pressed, then dragged one step at a time with synthetic
``QMouseEvent`` moves sent to the image view's viewport: the same path a mouse takes (pyqtgraph's
drag handling, the Select tool, the undo stack, the preview refresher on its worker thread, the
image item). Each step's clock starts before the move is sent and stops at the first paint of
the viewport after the image item received the preview rendered for that step's scene.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("LEVITOR_STUDIO_CONFIG_DIR", tempfile.mkdtemp(prefix="levitor-bench-"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
EXAMPLE = ROOT / "resources" / "examples" / "coffee" / "coffee.levitor"
STEPS = 40


def scaled(scene, factor: int):  # type: ignore[no-untyped-def]
    """The scene at ``factor`` × its size (nearest-neighbour: masks stay masks)."""
    import numpy as np

    from levitor_studio.model.keyframes import Keyframe

    def up(a):  # type: ignore[no-untyped-def]
        return None if a is None else np.repeat(np.repeat(a, factor, axis=0), factor, axis=1)

    objects = [
        replace(
            o,
            mask=up(o.mask),
            keyframes=[
                Keyframe(k.frame, k.x * factor, k.y * factor, k.z, k.ease) for k in o.keyframes
            ],
        )
        for o in scene.objects
    ]
    return replace(
        scene,
        image=up(scene.image),
        depth=up(scene.depth),
        segments=up(scene.segments),
        objects=objects,
    )


def measure(window, steps: int = STEPS) -> list[float]:  # type: ignore[no-untyped-def]
    from paint_clock import PaintClock
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest

    view, doc = window.view, window.doc
    obj = next(o for o in doc.scene.objects if len(o.keyframes) > 1)
    key = obj.keyframes[1]
    doc.set_frame(key.frame)
    vp = view.graphics.viewport()

    def at(x: float, y: float):  # type: ignore[no-untyped-def]
        return view.graphics.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))

    clock = PaintClock(view)
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(vp, left, Qt.KeyboardModifier.NoModifier, at(key.x, key.y))
    latencies = []
    start = at(key.x, key.y)
    for i in range(steps):
        # whole screen pixels, each step to a new place (a sub-pixel move would change nothing)
        pos = start + QPoint(3 + (i % 10) * 3, (i % 3) - 1)
        try:
            latencies.append(clock.measure(lambda p=pos: QTest.mouseMove(vp, p)))
        except RuntimeError as err:
            raise RuntimeError(f"step {i}: {err}") from None
        if os.environ.get("BENCH_DEBUG"):
            print(i, pos, obj.key_at(key.frame), clock.state, file=sys.stderr)
    QTest.mouseRelease(vp, left, Qt.KeyboardModifier.NoModifier, pos)
    clock.close()
    moved = obj.key_at(key.frame)
    if moved is None or moved.x == key.x:
        raise RuntimeError("the drag did not move the key: the events missed it")
    return latencies


def main() -> int:

    from levitor_studio.model.project_io import load_project
    from levitor_studio.ui.app import application
    from levitor_studio.ui.main_window import MainWindow

    application()
    rows = []
    for factor in (1, 2):
        window = MainWindow(viewport3d=False)
        window.resize(1480, 920)
        window.show()
        scene = scaled(load_project(EXAMPLE), factor) if factor > 1 else load_project(EXAMPLE)
        from levitor_studio.ui.document import Document

        window.set_document(Document(scene))
        from PySide6.QtTest import QTest

        QTest.qWaitForWindowExposed(window)
        window.layout().activate()
        QTest.qWait(300)  # the first preview and the view's fit settle before the drag
        lat = measure(window)
        lat_sorted = sorted(lat[3:])  # the first steps build the renderer's caches
        rows.append((scene.height, scene.width, lat_sorted))
        window.ask_save_changes = lambda: "discard"
        window.close()
    print("| size (H×W) | steps | median (ms) | p90 (ms) | worst (ms) |")
    print("|---|---|---|---|---|")
    for h, w, lat in rows:
        p90 = lat[int(0.9 * (len(lat) - 1))]
        median = lat[len(lat) // 2]
        print(f"| {h}×{w} | {len(lat)} | {median:.1f} | {p90:.1f} | {lat[-1]:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
