"""Point tracks (issue 17 item 6, core): positions are the placement of each point's pixel, and
visibility is 0 exactly on the frames where the engine's label maps hide that pixel."""

from __future__ import annotations

import numpy as np

from levitor_studio.engine.placement import object_pose
from levitor_studio.engine.point_tracks import point_tracks, resample
from levitor_studio.engine.render import render_masks
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject

W, H = 96, 64


def _scene() -> Scene:
    runner = np.zeros((H, W), bool)
    runner[28:36, 4:12] = True  # runs right at depth 0.5 ...
    post = np.zeros((H, W), bool)
    post[16:48, 44:52] = True  # ... behind a post at 0.25
    objects = [
        SceneObject(
            1,
            "runner",
            (255, 0, 0),
            runner,
            [Keyframe(0, 8.0, 32.0, 0.5, Easing.LINEAR), Keyframe(15, 88.0, 32.0, 0.5)],
        ),
        SceneObject(2, "post", (0, 255, 0), post, [Keyframe(0, 48.0, 32.0, 0.25)]),
    ]
    segments = np.ones((H, W), np.int32)
    image = np.zeros((H, W, 3), np.uint8)
    return Scene(
        image=image,
        frames=16,
        depth=np.full((H, W), 0.9, np.float32),
        objects=objects,
        segments=segments,
    )


def test_a_point_passing_behind_a_nearer_object_is_hidden_exactly_where_the_labels_hide_it() -> (
    None
):
    scene = _scene()
    tracks = point_tracks(scene, per_region=5)
    labels, _ = render_masks(scene)
    runner = np.flatnonzero(tracks.ids == 1)
    assert runner.size == 5
    # raster indices round(linspace(0, 63, 5)) = 0, 16, 32, 47, 63 of the 8 × 8 block at (4, 28)
    src = np.array([(4, 28), (4, 30), (4, 32), (11, 33), (11, 35)])
    for t in range(scene.frames):
        at = object_pose(scene, scene.object(1), t)
        x, y = at.apply(src[:, 0].astype(float), src[:, 1].astype(float))
        assert tracks.xy[t, runner].tolist() == np.stack([x, y], 1).tolist()
        qx, qy = np.floor(x + 0.5).astype(int), np.floor(y + 0.5).astype(int)
        inside = (qx >= 0) & (qx < W)
        shown = np.zeros(5, bool)
        shown[inside] = labels[t, qy[inside], qx[inside]] == 1
        assert tracks.visible[t, runner].tolist() == shown.tolist()
    hidden_frames = {t for t in range(16) if not tracks.visible[t, runner[2]]}
    assert hidden_frames and len(hidden_frames) < 16  # it does pass behind the post
    assert tracks.visible[:, tracks.ids == 2].all()  # the post is never hidden


def test_resampling_keeps_source_frames_exact_and_scales_pixel_centres() -> None:
    tracks = point_tracks(_scene(), per_region=3)
    out = resample(tracks, 31, (192, 128))  # every other sample is a source frame
    assert out.xy.shape == (31, tracks.xy.shape[1], 2)
    assert out.xy[2].tolist() == ((tracks.xy[1] + 0.5) * 2.0 - 0.5).tolist()
    mid = ((tracks.xy[0] + tracks.xy[1]) / 2 + 0.5) * 2.0 - 0.5
    np.testing.assert_allclose(out.xy[1], mid, rtol=0, atol=1e-12)
    assert out.visible[4].tolist() == tracks.visible[2].tolist()
