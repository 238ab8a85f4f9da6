"""The camera's artist units (model/camera_units.py): subject depth, dolly %, truck/pedestal px."""

from __future__ import annotations

import math

import numpy as np
import pytest

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, reproject
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.camera_units import (
    CameraUnits,
    focal_px,
    subject_depth,
    subject_description,
)
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject

W, H = 64, 48


def _depth() -> np.ndarray:
    """Rows 0-23 far (1.0), 24-37 at 0.5, 38-47 at 0.125: the median of all is 0.75, of the
    pixels nearer than far 0.5."""
    d = np.ones((H, W), np.float32)
    d[24:38] = 0.5
    d[38:] = 0.125
    return d


def _box(y0: int, y1: int) -> np.ndarray:
    m = np.zeros((H, W), bool)
    m[y0:y1, 10:20] = True
    return m


def _scene(depth: np.ndarray | None, objects: list[SceneObject]) -> Scene:
    return Scene(image=np.zeros((H, W, 3), np.uint8), depth=depth, objects=objects)


def test_the_subject_is_the_nearest_objects_rest_depth() -> None:
    keyed = SceneObject(1, "keyed", (1, 2, 3), _box(0, 5), [Keyframe(0, 12.0, 2.0, 0.3)])
    on_near_rows = SceneObject(2, "near", (1, 2, 3), _box(40, 45))  # rests at 0.125
    assert subject_depth(_scene(_depth(), [keyed])) == pytest.approx(0.3, abs=0)
    assert subject_depth(_scene(_depth(), [keyed, on_near_rows])) == 0.125
    assert subject_description(_scene(_depth(), [keyed, on_near_rows])) == (
        "'near', the nearest object"
    )


def test_without_objects_the_subject_is_the_median_depth_nearer_than_far() -> None:
    assert subject_depth(_scene(_depth(), [])) == 0.5
    assert subject_depth(_scene(np.ones((H, W), np.float32), [])) == 1.0
    assert subject_depth(_scene(None, [])) == 1.0
    assert subject_description(_scene(_depth(), [])) == (
        "the median depth of the photograph (no objects)"
    )
    assert subject_description(_scene(None, [])) == (
        "the far plane (no objects, no depth nearer than far: only turns show)"
    )
    # no depth map: objects rest at REST_DEPTH_WITHOUT_MAP
    assert subject_depth(_scene(None, [SceneObject(1, "o", (1, 2, 3), _box(0, 5))])) == 0.5


def test_focal_length_is_the_3d_views_pinhole() -> None:
    assert focal_px(48, 50.0) == PinholeCamera(64, 48, 50.0).focal
    units = CameraUnits.of_scene(_scene(_depth(), []))
    assert units == CameraUnits(0.5, PinholeCamera(W, H, 50.0).focal)


def test_dolly_percent_of_the_way_to_the_subject() -> None:
    units = CameraUnits(0.25, 200.0)
    assert units.to_stored("dolly", 50.0) == 0.125
    assert units.to_stored("dolly", 30.0) == 0.075
    assert units.to_stored("dolly", -100.0) == -0.25
    assert units.to_artist("dolly", 0.125) == 50.0
    assert units.to_artist("dolly", -0.25) == -100.0


def test_truck_and_pedestal_are_pixels_the_subject_slides() -> None:
    units = CameraUnits(0.25, 200.0)
    assert units.to_stored("truck", 40.0) == 0.05
    assert units.to_stored("pedestal", -80.0) == -0.1
    assert units.to_artist("truck", 0.05) == 40.0
    assert units.to_artist("pedestal", -0.1) == -80.0
    assert units.to_stored("pan", 12.5) == 12.5 and units.to_artist("roll", -3.0) == -3.0


def test_the_engine_moves_the_subject_as_the_artist_units_say() -> None:
    cam = PinholeCamera(W, H, 50.0)
    units = CameraUnits(0.04, cam.focal)  # a real photo's object depth
    x, y = np.array([40.0, 40.0]), np.array([30.0, 30.0])
    z = np.array([0.04, 0.08])  # the subject and a point twice as far
    cx, cy = cam.centre

    dolly = units.key(5, {"dolly": 30.0})
    nx, ny, nz = reproject(cam, CameraPose.of_row(dolly.values()), x, y, z)
    assert nz[0] == pytest.approx(0.04 * 0.7, rel=1e-12)
    assert (nx[0] - cx) / (x[0] - cx) == pytest.approx(1 / 0.7, rel=1e-12)  # 1.43× larger
    assert (nx[1] - cx) / (x[1] - cx) == pytest.approx(0.08 / (0.08 - 0.012), rel=1e-12)

    truck = units.key(5, {"truck": 40.0, "pedestal": -20.0})
    nx, ny, _ = reproject(cam, CameraPose.of_row(truck.values()), x, y, z)
    assert nx[0] == pytest.approx(x[0] - 40.0, abs=1e-9)  # camera right: subject 40 px left
    assert ny[0] == pytest.approx(y[0] + 20.0, abs=1e-9)  # camera up: subject 20 px down
    assert nx[1] == pytest.approx(x[1] - 20.0, abs=1e-9)  # twice as far: half the parallax


def test_a_key_from_artist_values_and_its_description() -> None:
    units = CameraUnits(0.25, 200.0)
    key = units.key(8, {"pan": 10.0, "dolly": 30.0, "truck": 40.0}, Easing.LINEAR)
    assert key == CameraKey(8, pan=10.0, dolly=0.075, truck=0.05, ease=Easing.LINEAR)
    assert units.artist_values(key) == {
        "pan": 10.0,
        "tilt": 0.0,
        "roll": 0.0,
        "dolly": 30.0,
        "truck": 40.0,
        "pedestal": 0.0,
    }
    assert units.describe(key) == "pan 10.0° · dolly 30.0 % · truck 40.0 px"
    assert units.describe(CameraKey(0)) == "the photograph's camera (all zero)"


def test_out_of_range_artist_values_are_refused_in_artist_units() -> None:
    units = CameraUnits(0.25, 200.0)  # the model's ±2 is ±800 % and ±1600 px here
    assert units.artist_range("dolly") == (-800.0, 800.0)
    assert units.check("dolly", 800.0) == 2.0
    with pytest.raises(InputError) as err:
        units.check("dolly", 1000.0)
    assert str(err.value) == "camera dolly 1000.0 % must be -800.0…800.0 %"
    with pytest.raises(InputError) as err:
        units.key(3, {"truck": -1600.5})
    assert str(err.value) == "camera truck -1600.5 px must be -1600.0…1600.0 px"
    with pytest.raises(InputError) as err:
        units.check("pan", 190.0)
    assert str(err.value) == "camera pan 190.0° must be -180.0…180.0°"
    with pytest.raises(InputError) as err:
        units.check("tilt", math.nan)
    assert str(err.value) == "camera tilt must be a number"
