"""Camera moves: label maps, the preview and a timeline scrub, with and without a camera move.

Run: ``xvfb-run -a .venv/bin/python bench/bench_camera.py [--repeat N] [--no-window]`` (prints
a Markdown table; without a display the window part runs with ``QT_QPA_PLATFORM=offscreen``).

Scenes: the bundled coffee example (512×288, 16 frames, a spoon moving behind a cup) and the same
scene scaled ×2 (1024×576), once as authored and once with a camera move over the clip (pan 3°,
tilt −1°, roll 1.5°, a dolly forward of a fifth of the table's distance and a small truck: the
kind of push-in an artist keys). Rows:

* **label maps**: :func:`render_masks`, all 16 frames (median of ``repeat`` runs);
* **preview frame**: one frame of the CPU preview with its static part built (inpainted
  background, layers), each frame 1..15 rendered once per run, median over all of them; "kept":
  the same frames asked again with nothing changed (the renderer keeps camera-moved frames);
* **scrub** (what a person feels): the real main window shows the scene, the playhead moves one
  frame at a time across the clip (``Document.set_frame``, what a timeline drag does) and each
  step's clock stops at the first paint of the image view after it received that frame's
  preview. "cold" edits the camera before every step (its key's dolly nudged by 1e-7, through
  the undo stack as the Camera panel does), so every frame is rendered again on the worker
  thread while the refresher also re-renders the frame the edit was made on: the scrub right
  after an edit. "cached" scrubs again once the refresher has prefetched every frame.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LEVITOR_STUDIO_CONFIG_DIR", tempfile.mkdtemp(prefix="levitor-bench-"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
EXAMPLE = ROOT / "resources" / "examples" / "coffee" / "coffee.levitor"


def camera_scene(factor: int, move: bool):  # type: ignore[no-untyped-def]
    """The coffee example at ``factor`` × its size, with the bench's camera move if ``move``."""
    from bench_drag import scaled

    from levitor_studio.model.camera_track import CameraKey
    from levitor_studio.model.commands import SetCameraKeys
    from levitor_studio.model.project_io import load_project

    scene = load_project(EXAMPLE)
    if factor > 1:
        scene = scaled(scene, factor)
    if move:
        # the table top is at pseudo-depth ≈ 0.005: a dolly of 0.001 is a fifth of the way in
        key = CameraKey(15, pan=3.0, tilt=-1.0, roll=1.5, dolly=0.001, truck=0.0002)
        SetCameraKeys([key]).apply(scene)
    return scene


def engine_rows(repeat: int) -> list[tuple[str, str, float]]:
    from levitor_studio.engine.preview import PreviewRenderer
    from levitor_studio.engine.render import render_masks

    rows = []

    def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0

    def add(what: str, size: str, seconds: list[float]) -> None:
        rows.append((what, size, statistics.median(seconds)))
        print(f"  {what:<44} {size:>9} {rows[-1][2] * 1e3:9.1f} ms", flush=True)

    for factor in (1, 2):
        for move in (False, True):
            scene = camera_scene(factor, move)
            size = f"{scene.width}×{scene.height}"
            what = "camera move" if move else "no camera"
            render_masks(scene)  # lazy imports, first-touch of the arrays
            add(
                f"label maps, 16 frames, {what}",
                size,
                [timed(render_masks, scene) for _ in range(repeat)],
            )
            frame_times: list[float] = []
            for _ in range(repeat):
                renderer = PreviewRenderer(scene)  # static part built (not timed)
                frame_times += [timed(renderer.frame, scene, t) for t in range(1, scene.frames)]
            add(f"preview frame, {what}", size, frame_times)
            if move:  # the same frames again, unchanged: the renderer kept them
                kept = [timed(renderer.frame, scene, t) for t in range(1, scene.frames)]
                add(f"preview frame, {what}, kept", size, kept)
    return rows


def scrub(window, frames: list[int], cold: bool) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds from each frame change to the image view painted with that frame."""
    from dataclasses import replace

    from paint_clock import PaintClock

    from levitor_studio.model.commands import SetCameraKeys

    clock = PaintClock(window.view)
    out = []
    doc = window.doc
    for frame in frames:
        if cold:  # an edit of the camera: every frame changes, nothing cached fits any more
            (last,) = doc.scene.camera
            doc.push(SetCameraKeys([replace(last, dolly=last.dolly + 1e-7)]))
        try:
            out.append(clock.measure(lambda f=frame: window.doc.set_frame(f), 20000))
        except RuntimeError as err:
            raise RuntimeError(f"frame {frame}: {err}") from None
    clock.close()
    return out


def window_rows() -> list[tuple[str, str, list[float]]]:
    from PySide6.QtTest import QTest

    from levitor_studio.ui.app import application
    from levitor_studio.ui.document import Document
    from levitor_studio.ui.main_window import MainWindow

    application()
    rows = []
    for factor in (1, 2):
        scene = camera_scene(factor, True)
        size = f"{scene.width}×{scene.height}"
        window = MainWindow(viewport3d=False)
        window.resize(1480, 920)
        window.show()
        window.set_document(Document(scene))
        QTest.qWaitForWindowExposed(window)
        window.layout().activate()
        QTest.qWait(300)
        last = scene.frames - 1
        path = [*range(1, last + 1), *range(last - 1, -1, -1)]  # there and back
        for cold in (True, False):
            if not cold:  # let the refresher's prefetch fill every frame first
                for _ in range(600):
                    if all(window.preview.cached(f) is not None for f in range(last + 1)):
                        break
                    QTest.qWait(50)
            lat = scrub(window, path, cold)[2:]  # the first steps build the renderer's caches
            rows.append((f"scrub, camera move, {'cold' if cold else 'cached'}", size, lat))
            med = statistics.median(lat)
            print(f"  {rows[-1][0]:<44} {size:>9} {med:9.1f} ms", flush=True)
        window.ask_save_changes = lambda: "discard"
        window.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-window", action="store_true", help="engine rows only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    engine = engine_rows(args.repeat)
    scrubs = [] if args.no_window else window_rows()
    print(f"\nload average at start: {load:.2f} (1 min), {os.cpu_count()} CPUs\n")
    print("| operation | size | median | p90 |")
    print("|---|---|---|---|")
    for what, size, seconds in engine:
        print(f"| {what} | {size} | {seconds * 1e3:.1f} ms | |")
    for what, size, lat in scrubs:
        lat = sorted(lat)
        p90 = lat[int(0.9 * (len(lat) - 1))]
        print(f"| {what} (event → painted) | {size} | {lat[len(lat) // 2]:.1f} ms | {p90:.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
