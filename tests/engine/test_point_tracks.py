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


def test_a_point_behind_the_camera_is_invisible_there_and_holds_its_last_pixel() -> None:
    """A push-in past a point's depth leaves it without a pixel: it is hidden on those frames
    and keeps the position of the last frame it had one (Wan-Move and ATI want a number there;
    the exported scene used to be refused as a whole, even after the editor's own Push In)."""
    from levitor_studio.model.camera_track import CameraKey

    scene = _scene()
    scene.camera = [CameraKey(0), CameraKey(15, dolly=0.6, ease=Easing.LINEAR)]
    tracks = point_tracks(scene, per_region=5)
    assert np.isfinite(tracks.xy).all()
    runner = np.flatnonzero(tracks.ids == 1)
    # the runner and the post (0.5, 0.25) go behind the camera once the dolly passes their depth:
    # dolly_t = 0.04 t, so from t = 13 (0.52) and t = 7 (0.28); the table (0.9) never does
    for ids, first_behind in ((1, 13), (2, 7)):
        mine = np.flatnonzero(tracks.ids == ids)
        assert not tracks.visible[first_behind:, mine].any()
        for t in range(first_behind, scene.frames):
            assert tracks.xy[t, mine].tolist() == tracks.xy[first_behind - 1, mine].tolist()
        assert np.isfinite(tracks.xy[first_behind - 1, mine]).all()
    table = np.flatnonzero(tracks.ids == 3)
    assert table.size == 5 and tracks.visible[0, table].any()
    assert runner.size == 5
    assert scene.camera_path()[0].tolist() == [0.0] * 6  # why frame 0 always has a pixel

