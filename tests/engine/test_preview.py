"""The CPU preview: rest frames are the source, moved objects are cut-outs, occlusion, overlay."""

from __future__ import annotations

import numpy as np
import pytest
from engine_scenes import H, W, disc, keys, pole_scene, rect, scene_with
from scenes import make_scene

from levitor_studio.backends.preview import PreviewGenerator
from levitor_studio.engine.overlay import draw_points, id_colour, point_radius
from levitor_studio.engine.preview import PreviewRenderer, render_frame, render_preview
from levitor_studio.model.errors import Cancelled, InputError
from levitor_studio.model.scene import SceneObject
from levitor_studio.plugin_host.protocols import GenerationRequest
from levitor_studio.tasks.state import TaskState

RED = np.array([230, 20, 20])


def test_frame_zero_is_the_source_image() -> None:
    scene, _ = pole_scene()
    still = SceneObject(2, "still", (0, 0, 255), rect(44, 30, 56, 40), [])
    scene.objects.append(still)
    frame = render_frame(scene, 0)
    np.testing.assert_array_equal(frame, scene.image)
    # a frame where a later-moving object has not started yet is the source too
    z0 = float(np.float32(0.9))  # the rest depth: the median of the float32 depth map
    late = scene_with([SceneObject(1, "late", (1, 2, 3), disc(20, 24, 5), keys((5, 40, 24, z0)))])
    late.objects[0].keyframes.insert(0, keys((3, 20, 24, z0))[0])
    np.testing.assert_array_equal(render_frame(late, 2), late.image)


def test_moved_object_is_a_cut_out_over_an_inpainted_background() -> None:
    scene, _ = pole_scene()
    frame = render_frame(scene, 8)  # the disc now sits at (52, 24), past the pole
    assert np.abs(frame[24, 52].astype(int) - RED).max() <= 2  # its centre is the disc colour
    assert np.abs(frame[24, 12].astype(int) - RED).max() > 100  # its old place is background
    far = np.ones((H, W), bool)
    far[10:39, :26] = False  # around the old footprint
    far[10:39, 38:] = False  # around the new position
    np.testing.assert_array_equal(frame[far], scene.image[far])
    # the inpainted hole continues its surroundings: close to the ring around it
    hole = scene.objects[0].mask
    ring = disc(12, 24, 8) & ~disc(12, 24, 6)
    diff = frame[hole].mean(axis=0) - scene.image[ring].mean(axis=0)
    assert np.abs(diff).max() < 25


def test_object_is_hidden_where_the_scene_is_nearer() -> None:
    scene, pole = pole_scene()
    frame = render_frame(scene, 4)  # disc centred on x = 32, behind the pole (x 30..35)
    inside = pole & disc(32, 24, 4)
    assert inside.sum() > 0
    np.testing.assert_array_equal(frame[inside], scene.image[inside])
    # visible left of the pole (one pixel inside the disc's soft edge), then right of it
    assert np.abs(frame[24, 28].astype(int) - RED).max() <= 20
    assert np.abs(render_frame(scene, 5)[24, 39].astype(int) - RED).max() <= 20


def test_nearer_object_is_composited_on_top() -> None:
    image = np.full((H, W, 3), 128, np.uint8)
    a, b = rect(5, 20, 15, 30), rect(45, 20, 55, 30)
    image[a] = (255, 0, 0)
    image[b] = (0, 0, 255)

    def centre_colour(z_a: float, z_b: float) -> np.ndarray:
        scene = scene_with(
            [
                SceneObject(1, "a", (1, 1, 1), a, keys((0, 9.5, 24.5, 0.3), (8, 30, 25, z_a))),
                SceneObject(2, "b", (2, 2, 2), b, keys((0, 49.5, 24.5, 0.3), (8, 30, 25, z_b))),
            ],
            image=image,
        )
        return render_frame(scene, 8)[25, 30].astype(int)

    assert np.array_equal(centre_colour(0.2, 0.25), [255, 0, 0])
    assert np.array_equal(centre_colour(0.25, 0.2), [0, 0, 255])


def test_clip_matches_single_frames_and_reports_progress() -> None:
    scene, _ = pole_scene()
    seen: list[float] = []
    partial: list[int] = []
    task = TaskState(
        on_progress=lambda f, _m: seen.append(f), on_partial=lambda p: partial.append(p[0])
    )
    clip = render_preview(scene, task=task)
    assert clip.shape == (9, H, W, 3) and clip.dtype == np.uint8
    renderer = PreviewRenderer(scene)
    for t in range(9):
        np.testing.assert_array_equal(clip[t], renderer.frame(scene, t))
    assert seen[-1] == 1.0 and partial == list(range(9))
    with pytest.raises(IndexError):
        render_frame(scene, 9)


def test_cancel_stops_the_clip() -> None:
    scene, _ = pole_scene()
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        render_preview(scene, task=task)


def test_overlay_colour_per_id_and_size_by_depth() -> None:
    scene, _ = pole_scene()
    base = np.zeros((H, W, 3), np.uint8)
    near = draw_points(base.copy(), [[20, 20, 1, 255]], scene)
    far = draw_points(base.copy(), [[20, 20, 1, 10]], scene)
    assert np.array_equal(near[20, 20], scene.objects[0].color)
    assert (near.any(axis=2)).sum() > (far.any(axis=2)).sum()
    assert point_radius(255) > point_radius(10) >= point_radius(0)
    assert id_colour(5) != id_colour(6) and id_colour(1, scene) == scene.objects[0].color
    outside = draw_points(base.copy(), [[-5, 200, 2, 100]], scene)
    assert not outside.any()
    drawn = render_frame(scene, 0, points=[[24, 12, 1, 100]])
    assert np.array_equal(drawn[24, 12], scene.objects[0].color)


def test_preview_generator_renders_from_the_scene() -> None:
    scene, _ = pole_scene()
    assert PreviewGenerator.availability({}).ok
    request = GenerationRequest(
        first_frame=scene.image,
        conditioning=np.zeros((9, 3, H, W), np.float32),
        settings=scene.settings,
        fps=scene.fps,
        scene=scene,
    )
    frames = PreviewGenerator({}).generate(request)
    np.testing.assert_array_equal(frames, render_preview(scene))
    points = [[[24, 12 + 5 * t, 1, 100]] for t in range(9)]
    request.signal = {"points": points}
    overlaid = PreviewGenerator({"overlay": "1"}).generate(request)
    assert np.array_equal(overlaid[3, 24, 27], scene.objects[0].color)
    request.signal = {"points": points[:4]}
    with pytest.raises(InputError, match="point lists"):
        PreviewGenerator({"overlay": "1"}).generate(request)
    request.scene = None
    with pytest.raises(InputError, match="needs the scene"):
        PreviewGenerator({}).generate(request)


def test_objects_with_empty_masks_are_skipped_by_the_preview() -> None:
    scene, _ = pole_scene()
    scene.objects.append(SceneObject(2, "empty", (0, 0, 0), np.zeros((H, W), bool), []))
    np.testing.assert_array_equal(render_frame(scene, 0), scene.image)
    assert (
        render_frame(scene, 8)[24, 52].tolist() == render_frame(pole_scene()[0], 8)[24, 52].tolist()
    )


def test_engine_package_surface() -> None:
    import levitor_studio.engine as engine

    assert engine.render_frame is render_frame and engine.render_preview is render_preview
    for name in ("render_masks", "placements", "export_frames", "PinholeCamera", "draw_points"):
        assert name in engine.__all__ and callable(getattr(engine, name))
    with pytest.raises(AttributeError):
        _ = engine.no_such_function


def test_overlay_request_flag_is_read_as_a_switch() -> None:
    from levitor_studio.api import build_request
    from levitor_studio.backends.preview import PreviewGenerator

    scene = make_scene()
    request = build_request(scene)
    request.extra["overlay"] = "0"  # a string switch, as options arrive from files and the CLI
    plain = PreviewGenerator({}).generate(request)
    request.extra["overlay"] = "on"
    assert not np.array_equal(plain, PreviewGenerator({}).generate(request))
