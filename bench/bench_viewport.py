"""Benchmark of the 3D viewport's re-render time; prints a Markdown table. Also takes the docs'
screenshots of the viewport.

Run: ``.venv/bin/python bench/bench_viewport.py [--repeat N]`` (no display needed: an off-screen
VTK window, the same VTK scene the dock draws). Scenes are synthetic (textured image, ground
plane + far wall depth, two objects, one moving), sized to about 200k and 1M pixels, so the depth
cloud has that many points. "At rest" draws the full cloud, "interacting" the level-of-detail
subset the view shows while the mouse moves it; each render follows a 1° turn of the camera.
"Scrub" moves the playhead one frame (object clouds recomputed) and renders, with the subset as
the widget does until the playhead rests.

``--screenshots DIR`` instead saves the bundled coffee example from each camera preset to
``DIR/viewport-<preset>.png`` (through the widget's ``vtkWindowToImageFilter`` grab).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from timing import median_ms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from levitor_studio.model.keyframes import Keyframe  # noqa: E402
from levitor_studio.model.scene import Scene, SceneObject  # noqa: E402


def synthetic_scene(width: int, height: int) -> Scene:
    rng = np.random.default_rng(0)
    ys, xs = np.mgrid[0:height, 0:width]
    horizon = height // 3
    depth = np.where(ys < horizon, 0.9, 0.9 - 0.85 * (ys - horizon) / (height - horizon))
    depth = np.clip(depth + rng.normal(0, 0.005, depth.shape), 0.01, 1.0).astype(np.float32)
    image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    image[..., 0] = (xs * 255 // width).astype(np.uint8)
    masks = []
    for cx in (width // 3, 2 * width // 3):
        m = np.zeros((height, width), bool)
        m[height // 2 : height // 2 + height // 8, cx - width // 16 : cx + width // 16] = True
        masks.append(m)
    scene = Scene(image=image, depth=depth)
    scene.objects = [
        SceneObject(1, "still", (230, 159, 0), masks[0]),
        SceneObject(
            2,
            "moving",
            (86, 180, 233),
            masks[1],
            [
                Keyframe(0, 2 * width / 3, height * 0.56, 0.4),
                Keyframe(15, width / 2, height * 0.4, 0.6),
            ],
        ),
    ]
    return scene


def measure(window: object, scene: Scene, repeat: int) -> tuple[object, ...]:
    """One table row: build, at-rest, interacting and scrub times for ``scene``."""
    from levitor_studio.ui.viewport3d.pipeline import ViewportPipeline
    from levitor_studio.ui.viewport3d.presets import apply_preset

    start = time.perf_counter()
    pipe = ViewportPipeline(scene, window)
    build = (time.perf_counter() - start) * 1000.0
    apply_preset(pipe, "orbit")
    cam = pipe.renderer.GetActiveCamera()

    def turn() -> None:
        cam.Azimuth(1.0)
        window.Render()

    frames = iter(range(10**9))

    def scrub() -> None:
        pipe.set_frame(next(frames) % scene.frames)
        window.Render()

    for _ in range(3):  # shader compilation and first upload
        turn()
    pipe.set_interacting(True)
    for _ in range(3):
        turn()
    interacting = median_ms(turn, repeat)
    scrubbing = median_ms(scrub, repeat)  # the widget draws the subset while the playhead moves
    pipe.set_interacting(False)
    turn()
    rest = median_ms(turn, repeat)
    n = pipe.background.GetNumberOfPoints() + sum(
        e.cloud.GetNumberOfPoints() for e in pipe.objects.values()
    )
    pipe.detach()
    return (
        f"{scene.width}×{scene.height}",
        n,
        build,
        rest,
        interacting,
        scrubbing,
        pipe.lod_budget,
    )


def bench(repeat: int) -> None:
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401

    from levitor_studio.ui.viewport3d.widget import _offscreen_window

    window = _offscreen_window()
    window.SetOffScreenRendering(1)
    window.SetSize(960, 640)
    rows = [measure(window, synthetic_scene(w, h), repeat) for w, h in ((600, 336), (1344, 768))]
    print(f"render window: {window.GetClassName()}, 960×640; {platform.processor() or 'cpu'}")
    print(window.ReportCapabilities().splitlines()[1:3])
    print(
        "| image | points | build | re-render at rest | interacting (LOD) | scrub + render (LOD) |"
    )
    print("|---|---|---|---|---|---|")
    for size, n, build, rest, inter, scrub, budget in rows:
        print(
            f"| {size} | {n:,} | {build:.0f} ms | {rest:.1f} ms ({1000 / rest:.0f} fps) | "
            f"{inter:.1f} ms ({1000 / inter:.0f} fps, {budget:,} pts) | {scrub:.1f} ms |"
        )


def screenshots(folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from levitor_studio.engine.orbit import orbit_keyframes
    from levitor_studio.model.commands import SetKeyframes
    from levitor_studio.model.project_io import load_project
    from levitor_studio.ui.document import Document
    from levitor_studio.ui.viewport3d import Viewport3DWidget

    app = QApplication.instance() or QApplication([])
    folder.mkdir(parents=True, exist_ok=True)
    scene = load_project(ROOT / "resources" / "examples" / "coffee" / "coffee.levitor")
    doc = Document(scene)
    view = Viewport3DWidget(doc)
    view.show()
    app.processEvents()
    view.render_window.SetSize(900, 560)  # after the label's resize, which sets it too
    doc.set_frame(8)
    view.pipeline.set_interacting(False)  # as when the playhead has rested: the full cloud
    view.toolbar.gain_slider.setValue(-100)  # ×0.5: the coffee depth spans 1/255…1
    view.set_occlusion_tint(True)
    doc.select(scene.objects[0].uid)  # the cup: near the camera, where the action is
    for name in ("image", "top", "side", "orbit"):
        view.set_preset(name)
        if name != "image":
            view.frame_selected()
        _save(view.grab_image(), folder / f"viewport-{name}.png")
    # the orbit tool: A circles B; at this frame A is behind B, tinted where B hides it
    scene = orbit_demo_scene()
    keys = orbit_keyframes(scene, 2, 1, turns=1.0, frame_start=0, frame_end=15)
    SetKeyframes(2, keys).apply(scene)
    doc2 = Document(scene)
    view2 = Viewport3DWidget(doc2)
    view2.show()
    app.processEvents()
    view2.render_window.SetSize(900, 560)
    view2.set_occlusion_tint(True)
    doc2.set_frame(5)
    view2.pipeline.set_interacting(False)
    view2.set_preset("top")
    doc2.select(2)
    view2.frame_selected()
    _save(view2.grab_image(), folder / "viewport-orbit-tool.png")
    view2.set_preset("image")
    _save(view2.grab_image(), folder / "viewport-orbit-tool-image.png")
    view.close()
    view2.close()


def orbit_demo_scene() -> Scene:
    """A far wall (0.9), a floor, box B (depth 0.3) and a small box A beside it."""
    width, height = 384, 256
    ys, xs = np.mgrid[0:height, 0:width]
    horizon = height // 2
    depth = np.where(ys < horizon, 0.9, 0.9 - 0.6 * (ys - horizon) / (height - horizon))
    image = np.zeros((height, width, 3), np.uint8)
    image[..., 0] = 60 + xs * 120 // width
    image[..., 1] = 70 + ys * 100 // height
    image[..., 2] = 110
    b = (abs(xs - 192) < 40) & (abs(ys - 140) < 40)
    a = (abs(xs - 262) < 12) & (abs(ys - 140) < 12)
    image[b] = (230, 159, 0)
    image[a] = (86, 180, 233)
    depth[b] = 0.3
    depth[a] = 0.3
    scene = Scene(image=image, depth=depth.astype(np.float32))
    scene.objects = [
        SceneObject(1, "B", (230, 159, 0), b),
        SceneObject(2, "A", (86, 180, 233), a),
    ]
    return scene


def _save(rgb: np.ndarray, path: Path) -> None:
    from PIL import Image

    Image.fromarray(rgb).save(path)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args()
    if args.screenshots is not None:
        screenshots(args.screenshots)
    else:
        bench(args.repeat)


if __name__ == "__main__":
    main()
