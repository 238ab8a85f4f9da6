"""The orbit never writes keys outside the frame's margins (issue 15 item 1).

An artist orbited a bowl around a dog resting at an ordinary photo depth (first frame 1, depth
radius 30-40 px): the bowl, farther than the dog, got keys thousands of pixels above the frame.
Refusals must say what to change, in full.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.orbit import orbit_keyframes
from levitor_studio.model.commands import SetKeyframes
from levitor_studio.model.errors import InputError
from levitor_studio.model.limits import DEPTH, key_xy
from levitor_studio.model.scene import Scene, SceneObject

W, H = 512, 288


def dog_and_bowl(z_dog: float = 0.006, z_bowl: float = 0.012) -> Scene:
    """A dog (uid 1, centroid (254.5, 149.5)) and a bowl on the floor right of it (uid 2,
    centroid (329.5, 249.5)), both at ordinary photo depths, before a wall at 0.02."""
    depth = np.full((H, W), 0.02, np.float32)
    dog = np.zeros((H, W), bool)
    dog[110:190, 210:300] = True
    bowl = np.zeros((H, W), bool)
    bowl[238:262, 310:350] = True
    depth[dog], depth[bowl] = z_dog, z_bowl
    scene = Scene(image=np.zeros((H, W, 3), np.uint8), frames=16, depth=depth)
    scene.objects = [
        SceneObject(uid=1, name="dog", color=(230, 159, 0), mask=dog),
        SceneObject(uid=2, name="bowl", color=(86, 180, 233), mask=bowl),
    ]
    return scene


@pytest.mark.parametrize("depth_radius", [30.0, 35.0, 40.0])
def test_bowl_orbits_the_dog_inside_the_frame(depth_radius):
    scene = dog_and_bowl()
    keys = orbit_keyframes(scene, 2, 1, frame_start=1, depth_radius=depth_radius)
    assert [k.frame for k in keys] == list(range(1, 16))
    f = PinholeCamera.of_scene(scene).focal
    z_dog = float(np.float32(0.006))  # the depth map's value
    for k in keys:
        assert 0 <= k.x <= W and 0 <= k.y <= H, k
        assert (
            z_dog * (1 - depth_radius / f) - 1e-12 <= k.z <= z_dog * (1 + depth_radius / f) + 1e-12
        )
    # the orbit starts at the bowl's height in the image (no vertical jump); in 3D it is an
    # ellipse about the dog: sideways radius the bowl's distance from the dog in the image
    # (75 px at the dog's depth), depth radius as given
    assert keys[0].y == pytest.approx(249.5, abs=1e-9)
    cam = PinholeCamera.of_scene(scene)
    dog = cam.unproject(254.5, 149.5, z_dog)
    per_px = z_dog / f
    for k in keys:
        p = cam.unproject(k.x, k.y, k.z) - dog
        ellipse = (p[0] / (75.0 * per_px)) ** 2 + (p[2] / (depth_radius * per_px)) ** 2
        assert ellipse == pytest.approx(1.0, abs=1e-9)
    SetKeyframes(2, keys).apply(scene)  # the model takes them


def test_automatic_orbit_that_cannot_fit_says_what_to_change():
    scene = dog_and_bowl()
    with pytest.raises(InputError) as err:
        orbit_keyframes(scene, 2, 1, frame_start=1)
    assert str(err.value) == (
        "the orbit passes behind the camera at frame 9: give a radius of at most 75 px and a "
        "depth radius of at most 75 px"
    )
    keys = orbit_keyframes(scene, 2, 1, 75.0, frame_start=1, depth_radius=75.0)  # the advice works
    assert len(keys) == 15
    with pytest.raises(InputError) as err:
        orbit_keyframes(scene, 2, 1, frame_start=0)
    assert str(err.value) == (
        "the orbit passes behind the camera at frame 9: bowl (depth 0.012) cannot circle dog "
        "from where it rests; set the first frame to 1 or later and give a radius of at most "
        "75 px and a depth radius of at most 75 px"
    )


def test_frame_zero_refusal_names_the_remedy():
    with pytest.raises(InputError) as err:
        orbit_keyframes(dog_and_bowl(), 2, 1, 30.0, frame_start=0, depth_radius=30.0)
    assert str(err.value) == (
        "frame 0 shows the source image, so an orbit from frame 0 must start where bowl is: "
        "leave radius, depth radius and start angle automatic, or set the first frame to 1 or later"
    )


def test_no_orbit_ever_writes_a_key_outside_the_margins():
    lx, ly = key_xy(W, H)
    written = refused = 0
    for z_dog, z_bowl, radius, depth_radius, start, first in itertools.product(
        (0.004, 0.006, 0.5),
        (0.004, 0.012, 0.25),
        (None, 10.0, 600.0),
        (None, 30.0, 400.0),
        (None, 90.0, 270.0),
        (0, 1),
    ):
        scene = dog_and_bowl(z_dog, z_bowl)
        try:
            keys = orbit_keyframes(
                scene, 2, 1, radius, start, 1.0, first, depth_radius=depth_radius
            )
        except InputError as exc:
            assert "\n" not in str(exc)
            refused += 1
            continue
        written += 1
        for k in keys:
            assert lx.contains(k.x) and ly.contains(k.y) and DEPTH.contains(k.z), k
    assert written > 40 and refused > 40
