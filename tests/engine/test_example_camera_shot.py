"""The bundled camera-move shot (issue 17: "the bundled example gains a shot that uses a camera
move"): ``coffee-camera.tracks.json`` loads with its camera track, and in its label maps the
near cup slides further than the table behind it, by ``f · truck / z`` for each depth.

The expected shifts are written out here from ``scene-model.md`` § Camera (pinhole with the
principal point at the image centre, vertical field of view ``fov``): a camera that trucks by
``t`` moves a pixel at depth ``z`` by ``−f t / z`` along x, and one that also dollies by ``d``
scales it about the centre by ``z / (z − d)``. Far (``z = 1``) stays where it is.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scenes import EXAMPLE

from levitor_studio import api
from levitor_studio.engine import render_masks
from levitor_studio.model.camera_track import CameraKey

SHOT = EXAMPLE / "coffee-camera.tracks.json"
TRUCK, DOLLY = -0.0005, 0.001  # the shot's keys: truck by frame 7, then a push-in by frame 15


@pytest.fixture(scope="module")
def shot():
    scene = api.load(SHOT)
    labels, _depth = render_masks(scene)
    focal = (scene.height / 2.0) / math.tan(math.radians(scene.fov) / 2.0)
    return scene, labels, focal


def test_the_shot_is_the_coffee_example_with_a_camera_move(shot):
    scene, _labels, _f = shot
    plain = json.loads((EXAMPLE / "coffee.tracks.json").read_text())
    doc = json.loads(SHOT.read_text())
    assert doc["version"] == 2 and doc["objects"] == plain["objects"]
    assert scene.camera == [
        CameraKey(0),
        CameraKey(7, truck=TRUCK),
        CameraKey(15, truck=TRUCK, dolly=DOLLY),
    ]
    assert [o.name for o in scene.objects] == ["cup", "spoon"]


def _edges(row: np.ndarray, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """``(x, left id, right id)`` where the id changes between x − 1 and x, for lo < x < hi."""
    xs = np.nonzero(row[lo + 1 : hi] != row[lo : hi - 1])[0] + lo + 1
    return [(int(x), int(row[x - 1]), int(row[x])) for x in xs]


def test_the_near_cup_moves_more_than_the_table_by_the_depth_ratio(shot):
    scene, labels, f = shot
    depth = scene.depth_map()
    cup = scene.objects[0]
    z_cup = float(np.median(depth[cup.mask]))  # no keys: it rests at its median depth
    first_static = len(scene.objects) + 1
    cup_shift = -f * TRUCK / z_cup
    # the cup (id 1, a flat card) at frame 7: every row's left edge moved by f·t/z_cup, to the
    # pixel the splat rounds to; a near outline may grow by a pixel (camera_move's 2 × 2 splat
    # lets the row above land here where nothing nearer does), hence 1.5 px
    rows = [r for r in range(0, 232, 8) if cup.mask[r].any()]
    for r in rows:
        x0 = int(np.argmax(labels[0, r] == 1))
        x7 = int(np.argmax(labels[7, r] == 1))
        assert abs(x7 - (x0 + cup_shift)) <= 1.5, (r, x0, x7, cup_shift)
    # the table right and left of the cup: each edge between two static segments moved by
    # f·t/z of its own row; the far table above the horizon (z = 1) did not move at all
    checked = []
    for r in range(0, scene.height, 4):
        for lo, hi in ((20, 130), (400, 505)):
            for x, a, b in _edges(labels[0, r], lo, hi):
                if min(a, b) < first_static or depth[r, x - 1] != depth[r, x]:
                    continue
                z = float(depth[r, x])
                shift = 0.0 if z >= 1.0 else -f * TRUCK / z
                if not 2 <= x + shift <= scene.width - 2:
                    continue  # it left the frame
                moved = [e[0] for e in _edges(labels[7, r], 0, scene.width) if e[1:] == (a, b)]
                assert moved, (r, x, a, b)
                best = min(moved, key=lambda m: abs(m - (x + shift)))
                assert abs(best - (x + shift)) <= 1.5, (r, x, z, shift, best)
                checked.append((z, shift, best - x))
    near = [c for c in checked if c[0] < 1.0]
    far = [c for c in checked if c[0] >= 1.0]
    assert len(near) >= 10 and len(far) >= 10
    assert all(moved == 0 for _z, _s, moved in far)
    # the ratio the depths imply, measured: cup shift / table shift = z_table / z_cup
    for z, _shift, moved in near:
        if moved >= 5:  # far enough from zero for a ±1.5 px measurement to give a ratio
            lo, hi = (cup_shift - 1.5) / (moved + 1.5), (cup_shift + 1.5) / (moved - 1.5)
            assert lo <= z / z_cup <= hi, (z, moved)
    assert max(c[0] for c in near) / z_cup > 3.0  # some table rows lie 3× deeper than the cup


def test_the_push_in_scales_the_cup_about_the_centre(shot):
    scene, labels, f = shot
    cup = scene.objects[0]
    z = float(np.median(scene.depth_map()[cup.mask]))
    cx, cy = scene.width / 2.0, scene.height / 2.0
    s = z / (z - DOLLY)
    ys, xs = np.nonzero(cup.mask)
    left = cx + s * (xs.min() - cx) - f * TRUCK / (z - DOLLY)
    right = cx + s * (xs.max() - cx) - f * TRUCK / (z - DOLLY)
    bottom = cy + s * (ys.max() - cy)
    ys15, xs15 = np.nonzero(labels[15] == 1)
    assert abs(xs15.min() - left) <= 1.0 and abs(xs15.max() - right) <= 1.5
    assert abs(ys15.max() - bottom) <= 1.5 and ys15.min() == 0  # the top leaves the frame


def _best_shift(moved: np.ndarray, source: np.ndarray, ys, xs, tol: int) -> int:
    """The whole-pixel x shift that best carries ``source``'s pixels ``(ys, xs)`` onto
    ``moved`` (the share of pixels within ``tol`` levels in every channel)."""
    scores = []
    for k in range(0, 48):
        ok = xs + k < moved.shape[1]
        a = moved[ys[ok], xs[ok] + k].astype(int)
        b = source[ys[ok], xs[ok]].astype(int)
        scores.append(float((np.abs(a - b) <= tol).all(-1).mean()))
    return int(np.argmax(scores))


def test_the_preview_shows_the_parallax(shot):
    """Frame 7 of the preview: the cup's picture slid by round(f·t/z_cup), each table row by
    round(f·t/z_row), copied pixel for pixel; the far table above the horizon stayed."""
    from scipy import ndimage

    from levitor_studio.engine import render_frame
    from levitor_studio.engine.render import static_labels

    scene, _labels, f = shot
    frame = render_frame(scene, 7)
    depth, image = scene.depth_map(), scene.image
    cup = scene.objects[0].mask
    z_cup = float(np.median(depth[cup]))
    ys, xs = np.nonzero(ndimage.binary_erosion(cup, iterations=3))  # away from the soft edge
    # the moving spoon makes the frame a composite: the cup's colours round by a level or two
    assert _best_shift(frame, image, ys, xs, tol=2) == round(-f * TRUCK / z_cup) == 28
    static = static_labels(scene) > len(scene.objects)
    shifts = {}
    for r in (40, 110, 130, 160, 200, 250, 280):
        cols = np.arange(400, 505)
        cols = cols[static[r, cols]]
        z = float(depth[r, cols[0]])
        assert (depth[r, cols] == z).all()
        expected = 0 if z >= 1.0 else round(-f * TRUCK / z)
        k = _best_shift(frame, image, np.full(cols.shape, r), cols, tol=0)
        assert k == expected, (r, z, k, expected)
        ok = cols + k < scene.width
        assert (frame[r, cols[ok] + k] == image[r, cols[ok]]).all()  # copied exactly
        shifts[z] = k
    assert shifts[1.0] == 0 and sorted(shifts.values()) == [0, 3, 7, 13, 22, 32, 38]
