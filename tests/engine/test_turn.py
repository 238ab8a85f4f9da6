"""Rotation and stretch on object keys (issue 17 item 2), through the one placement formula.

A pixel is drawn at ``anchor_t + s_t · S_t · Rot(angle_t) · (p − anchor_0)``, ``Rot`` turning
counter-clockwise on screen (y down). Expected values are hand-computed from that formula or are
geometric facts (a turned ellipse's principal axis, its area).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from levitor_studio.engine.placement import Pose, pose
from levitor_studio.engine.preview import render_frame
from levitor_studio.engine.render import render_masks
from levitor_studio.model.keyframes import Easing, Keyframe, interpolate_motion
from levitor_studio.model.scene import Scene, SceneObject

W = H = 160
CX, CY = 80.0, 80.0


def _ellipse(tilt_deg: float) -> np.ndarray:
    """A 100 × 24 px ellipse about (CX, CY), long axis ``tilt_deg`` counter-clockwise on screen."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    a = np.deg2rad(tilt_deg)
    u = (xx - CX) * np.cos(a) - (yy - CY) * np.sin(a)  # along the axis (screen y is down)
    v = (xx - CX) * np.sin(a) + (yy - CY) * np.cos(a)
    return np.asarray((u / 50.0) ** 2 + (v / 12.0) ** 2 <= 1.0)


def _axis_deg(mask: np.ndarray) -> float:
    """Principal-axis direction of a mask in degrees counter-clockwise on screen, in [0, 180)."""
    ys, xs = np.nonzero(mask)
    x, y = xs - xs.mean(), -(ys - ys.mean())  # y up
    angle = 0.5 * np.degrees(np.arctan2(2 * (x * y).mean(), (x * x).mean() - (y * y).mean()))
    return float(angle % 180.0)


def _scene(keys: list[Keyframe], mask: np.ndarray) -> Scene:
    image = np.zeros((H, W, 3), np.uint8)
    image[mask] = (255, 0, 0)
    obj = SceneObject(1, "plank", (255, 0, 0), mask, keys)
    return Scene(image=image, frames=9, objects=[obj])


def test_a_quarter_turn_is_counter_clockwise_on_screen() -> None:
    at = Pose((10.0, 20.0), (10.0, 20.0), 1.0, 0.5, 90.0)
    x, y = at.apply(12.0, 20.0)  # 2 px right of the anchor goes 2 px up (y down)
    assert (float(x), float(y)) == pytest.approx((10.0, 18.0), abs=1e-12)
    ix, iy = at.invert(x, y)
    assert (float(ix), float(iy)) == pytest.approx((12.0, 20.0), abs=1e-12)
    np.testing.assert_allclose(at.matrix(), [[0.0, 1.0, -10.0], [-1.0, 0.0, 30.0]], atol=1e-12)


def test_stretch_then_scale_about_the_anchor() -> None:
    # depth halves (scale 2), stretch [3, 0.5]: (12, 24) - (10, 20) = (2, 4) → (2·3·2, 2·0.5·4)
    path = np.array([[10.0, 20.0, 0.5, 0.0, 1.0, 1.0], [30.0, 40.0, 0.25, 0.0, 3.0, 0.5]])
    at = pose(path, 1)
    x, y = at.apply(12.0, 24.0)
    assert (float(x), float(y)) == (42.0, 44.0)
    assert [float(v) for v in at.invert(42.0, 44.0)] == [12.0, 24.0]


def test_angle_and_stretch_interpolate_like_position() -> None:
    keys = [
        Keyframe(0, 0.0, 0.0, 0.5, Easing.LINEAR),
        Keyframe(4, 8.0, 0.0, 0.5, Easing.LINEAR, angle=90.0, stretch=(2.0, 0.5)),
    ]
    path = interpolate_motion(keys, 6)
    assert path[2].tolist() == [4.0, 0.0, 0.5, 45.0, 1.5, 0.75]
    assert path[5].tolist() == [8.0, 0.0, 0.5, 90.0, 2.0, 0.5]  # holds after the last key


@pytest.mark.parametrize(("frame", "turn"), [(4, 45.0), (8, 90.0)])
def test_a_turned_mask_keeps_its_area_and_turns_its_axis(frame: int, turn: float) -> None:
    mask = _ellipse(20.0)
    keys = [
        Keyframe(0, CX, CY, 0.5, Easing.LINEAR),
        Keyframe(8, CX, CY, 0.5, Easing.LINEAR, angle=90.0),
    ]
    labels, depth = render_masks(_scene(keys, mask))
    drawn = labels[frame] == 1
    assert abs(drawn.sum() - mask.sum()) <= 0.02 * mask.sum()
    assert _axis_deg(mask) == pytest.approx(20.0, abs=0.5)
    assert abs((_axis_deg(drawn) - 20.0 - turn + 90.0) % 180.0 - 90.0) <= 2.0
    # inverse mapping leaves no holes inside the turned card
    assert np.array_equal(ndimage.binary_fill_holes(drawn), drawn)
    assert np.all(depth[frame][drawn] == np.float32(0.5))


def test_a_stretched_card_widens_about_its_anchor() -> None:
    mask = np.zeros((H, W), bool)
    mask[70:90, 60:100] = True  # 40 × 20
    keys = [
        Keyframe(0, CX, CY, 0.5, Easing.LINEAR),
        Keyframe(8, CX, CY, 0.5, Easing.LINEAR, stretch=(1.5, 0.5)),
    ]
    labels, _ = render_masks(_scene(keys, mask))
    ys, xs = np.nonzero(labels[8] == 1)
    # x: 80 ± 1.5·20 = 50…110, y: 80 ± 0.5·10 = 75…85 (pixel centres inside)
    assert (xs.min(), xs.max() + 1, ys.min(), ys.max() + 1) == (50, 110, 75, 85)


def test_the_preview_paints_the_turned_card_where_the_labels_put_it() -> None:
    mask = _ellipse(0.0)
    keys = [
        Keyframe(0, CX, CY, 0.5, Easing.LINEAR),
        Keyframe(8, CX, CY, 0.5, Easing.LINEAR, angle=90.0),
    ]
    scene = _scene(keys, mask)
    labels, _ = render_masks(scene)
    frame = render_frame(scene, 8)
    inner = ndimage.binary_erosion(labels[8] == 1, iterations=2)
    assert inner.sum() > 1000
    # bilinear resampling of the red layer: a grey level of rounding at most
    np.testing.assert_allclose(
        frame[inner], np.broadcast_to([255, 0, 0], frame[inner].shape), atol=1
    )
    # the tips of the lying ellipse are vacated: far from the upright card, no red is left
    assert frame[80, 35].tolist() != [255, 0, 0] and frame[80, 125].tolist() != [255, 0, 0]
