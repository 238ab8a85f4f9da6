"""Camera orbit about a point (issue 17 item 1): the pivot stays on its pixel, parallax about it.

Expected values come from the geometry written out here, not from the module under test: a
pivot on the optical axis at depth ``d``, orbited by ``θ`` from the rest camera, puts the camera
at ``c = (−d sin θ, 0, d (1 − cos θ))`` looking ``θ`` to the right; a point on the axis at depth
``z`` then projects to ``x' = cx + f sin θ (d − z) / (d + (z − d) cos θ)`` (nearer than the pivot:
right; farther: left). Tolerances: 1e-9 px and 1e-12 in depth (floating point only).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, reproject
from levitor_studio.engine.camera_orbit import Pivot, object_pivot, orbit_camera_keys
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.scene import Scene

W, H, FOV = 128, 96, 50.0
F = (H / 2) / math.tan(math.radians(FOV) / 2)


def _scene(frames: int = 16, camera: list[CameraKey] | None = None) -> Scene:
    image = np.zeros((H, W, 3), np.uint8)
    depth = np.full((H, W), 0.8, np.float32)
    return Scene(image=image, frames=frames, depth=depth, camera=camera or [])


def _seen(scene: Scene, t: int, x: float, y: float, z: float) -> tuple[float, float, float]:
    at = CameraPose.of_row(scene.camera_path()[t])
    nx, ny, nz = reproject(PinholeCamera.of_scene(scene), at, x, y, z)
    return float(nx), float(ny), float(nz)


def test_the_pivot_stays_on_its_pixel_and_depth_on_every_frame_of_the_orbit() -> None:
    before = [
        CameraKey(0),
        CameraKey(3, pan=8.0, tilt=-4.0, roll=2.0, dolly=0.05, truck=-0.03, pedestal=0.02),
        CameraKey(14, pan=-5.0, dolly=0.1),
    ]
    scene = _scene(camera=before)
    pivot = Pivot(90.3, 30.7, 0.42)
    start_seen = _seen(scene, 3, pivot.x, pivot.y, pivot.z)
    keys = orbit_camera_keys(scene, pivot, 35.0, 3, 12)
    assert [k.frame for k in keys] == [0, *range(3, 13), 14]
    assert keys[0] == before[0] and keys[-1] == before[2]  # outside the range: kept
    assert keys[1] == CameraKey(3, 8.0, -4.0, 2.0, 0.05, -0.03, 0.02, Easing.LINEAR)
    SetCameraKeys(keys).apply(scene)
    for t in range(3, 13):
        key = keys[t - 2]
        assert (key.tilt, key.roll, key.pedestal) == (-4.0, 2.0, 0.02)  # only pan and x/z move
        assert list(scene.camera_path()[t]) == key.values()  # interpolation: the key itself
        x, y, z = _seen(scene, t, pivot.x, pivot.y, pivot.z)
        assert x == pytest.approx(start_seen[0], abs=1e-9)
        assert y == pytest.approx(start_seen[1], abs=1e-9)
        assert z == pytest.approx(start_seen[2], abs=1e-12)
    assert keys[10].pan == pytest.approx(8.0 + 35.0, abs=1e-12)


def test_a_nearer_point_moves_opposite_to_a_farther_one_as_the_geometry_says() -> None:
    scene = _scene(frames=9)
    d, theta = 0.5, 20.0
    keys = orbit_camera_keys(scene, Pivot(W / 2, H / 2, d), theta, 0, 8, Easing.LINEAR)
    s, c = math.sin(math.radians(theta)), math.cos(math.radians(theta))
    end = keys[-1]
    assert (end.pan, end.truck, end.dolly) == pytest.approx((theta, -d * s, d * (1 - c)), abs=1e-12)
    SetCameraKeys(keys).apply(scene)
    for z, side in ((0.3, 1.0), (0.8, -1.0)):
        x, y, _ = _seen(scene, 8, W / 2, H / 2, z)
        expected = W / 2 + F * s * (d - z) / (d + (z - d) * c)
        assert x == pytest.approx(expected, abs=1e-9)
        assert y == pytest.approx(H / 2, abs=1e-9)
        assert math.copysign(1.0, x - W / 2) == side
    # halfway (linear easing): half the angle
    assert keys[4].pan == pytest.approx(theta / 2, abs=1e-12)


def test_an_orbit_past_the_pan_limit_is_refused_with_the_largest_angle_that_fits() -> None:
    scene = _scene(frames=11)
    with pytest.raises(InputError) as err:
        orbit_camera_keys(scene, Pivot(W / 2, H / 2, 0.5), 200.0, 0, 10, Easing.LINEAR)
    assert str(err.value) == (
        "An orbit of 200° would take the camera's pan to 200 at frame 10, outside "
        "-180…180: the largest orbit that fits is 180°"
    )
    assert scene.camera == []
    keys = orbit_camera_keys(scene, Pivot(W / 2, H / 2, 0.5), -180.0, 0, 10, Easing.LINEAR)
    assert keys[-1].pan == -180.0


def test_the_refusal_shows_the_value_that_is_outside_not_a_rounded_one_that_fits() -> None:
    """A 400° ease-in-out orbit first leaves ±180 by a fraction of a degree: the message said
    'pan to 180 … outside -180…180' (rounded to 4 digits), which reads as if it fitted."""
    scene = _scene(frames=16)
    with pytest.raises(InputError) as err:
        orbit_camera_keys(scene, Pivot(W / 2, H / 2, 0.5), 400.0, 0, 15)
    text = str(err.value)
    shown = float(text.split("pan to ")[1].split(" at frame")[0])
    assert abs(shown) > 180.0


def test_a_huge_orbit_is_refused_at_once_with_the_largest_angle_that_fits() -> None:
    """The search for the largest fitting angle stepped 0.1° up to the angle asked for
    (1e9° asked for a 10¹⁰-element array); no orbit past 360° fits the ±180° pan limit."""
    scene = _scene(frames=11)
    with pytest.raises(InputError) as err:
        orbit_camera_keys(scene, Pivot(W / 2, H / 2, 0.5), 1e9, 0, 10, Easing.LINEAR)
    assert str(err.value).endswith("the largest orbit that fits is 180°")


def _dolly(phi_deg: float, px: float, pz: float) -> float:
    """c_z of an orbit by φ from the rest camera about (px, ·, pz): pz − (−sin φ px + cos φ pz)."""
    a = math.radians(phi_deg)
    return pz - (-math.sin(a) * px + math.cos(a) * pz)


def test_an_orbit_that_drives_the_camera_too_far_names_the_largest_angle_that_fits() -> None:
    scene = _scene(frames=19)
    z = 0.99
    px = (W - W / 2) * z / F  # the pivot on the right edge, near the far plane
    with pytest.raises(InputError) as err:
        orbit_camera_keys(scene, Pivot(float(W), H / 2, z), 180.0, 0, 18, Easing.LINEAR)
    text = str(err.value)
    first_bad = next(i for i in range(19) if _dolly(10.0 * i, px, z) > 2.0)
    assert text.startswith(
        # 2.018: two decimals are the fewest that still read as outside -2…2
        f"An orbit of 180° would take the camera's dolly to {_dolly(10.0 * first_bad, px, z):.2f}"
        f" at frame {first_bad}, outside -2…2: the largest orbit that fits is "
    )
    best = float(text.rsplit(" ", 1)[1].rstrip("°"))

    def fits(angle: float) -> bool:
        return all(_dolly(angle * i / 18, px, z) <= 2.0 for i in range(19))

    assert fits(best) and not fits(best + 0.1)
    assert orbit_camera_keys(scene, Pivot(float(W), H / 2, z), best, 0, 18, Easing.LINEAR)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((Pivot(10, 10, 0.5), 30.0, 5, 5), "the orbit's frames 5…5 must be increasing and inside"),
        ((Pivot(10, 10, 0.5), 30.0, 0, 16), "the orbit's frames 0…16 must be increasing and"),
        ((Pivot(10, 10, 0.5), 0.0, 0, 15), "the orbit's angle 0.0 must be a non-zero number"),
        ((Pivot(10, 10, 1.0), 30.0, 0, 15), "the pivot's depth 1 must be nearer than the far"),
    ],
)
def test_wrong_orbits_are_refused_in_one_line(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InputError, match="^" + message.replace("(", r"\(")):
        orbit_camera_keys(_scene(), *args)  # type: ignore[arg-type]


def test_the_object_pivot_is_its_anchor_at_the_start_frame_and_the_orbit_undoes_in_one_step() -> (
    None
):
    scene = make_scene()
    assert object_pivot(scene, 1, 0) == Pivot(14.5, 14.5, 0.5)
    assert object_pivot(scene, 1, 15) == Pivot(40.0, 20.0, 0.25)
    keys = orbit_camera_keys(scene, object_pivot(scene, 1, 0), 15.0, 0, 15)
    undo = SetCameraKeys(keys).apply(scene)
    assert len(scene.camera) == 16
    undo.apply(scene)
    assert scene.camera == []
