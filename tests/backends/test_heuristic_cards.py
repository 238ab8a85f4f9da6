"""The ground-plane heuristic stands objects that touch no ground where they belong (issue 14).

Scenes of 288 rows: the default horizon is at row 0.35 · 287 = 100.45, and the ground's
disparity rises linearly from 8 there to 255 at row 287 (rounded per row).
"""

from __future__ import annotations

import numpy as np
import pytest

from levitor_studio.backends.heuristic_depth import (
    HORIZON_DISPARITY,
    NEARER,
    HeuristicDepth,
    ground_disparity,
    ground_plane_depth,
)
from levitor_studio.model.errors import InputError

H, W = 288, 320


def box(y0, y1, x0, x1):
    m = np.zeros((H, W), bool)
    m[y0:y1, x0:x1] = True
    return m


def ground(row, horizon=0.35):
    line = horizon * (H - 1)
    return float(np.rint(8.0 + (row - line) / (H - 1 - line) * (255.0 - 8.0)))


def card(z, mask):
    values = np.unique(z[mask])
    assert values.size == 1, "a card is flat"
    return float(values[0])


def test_the_ground_rows_are_the_documented_ramp():
    g = ground_disparity(H)
    assert g[100] == 1.0 and g[101] == ground(101) and g[287] == 255.0
    assert all(g[r] == ground(r) for r in range(101, H))


def test_an_object_standing_on_the_floor_is_a_card_at_its_contact_row():
    dog = box(180, 261, 60, 200)  # bottom row 260, nothing under it
    z = ground_plane_depth(H, W, [dog])
    assert card(z, dog) == pytest.approx(1.0 / ground(260))


def test_an_object_cut_off_by_the_bottom_edge_is_nearest():
    truck = box(150, H, 0, 120)
    assert card(ground_plane_depth(H, W, [truck]), truck) == pytest.approx(1.0 / 255.0)


def test_a_held_bowl_is_just_in_front_of_the_person_holding_it():
    person = box(40, 270, 100, 200)
    bowl = box(150, 180, 130, 170)
    person &= ~bowl  # the person's mask leaves the bowl out, as a segmenter gives it
    z = ground_plane_depth(H, W, [person, bowl])
    d_person = ground(269)
    assert card(z, person) == pytest.approx(1.0 / d_person)
    assert card(z, bowl) == pytest.approx(1.0 / (d_person * NEARER))
    assert card(z, bowl) < card(z, person) < 1.0


def test_a_person_standing_behind_a_dog_is_just_behind_it_not_far():
    dog = box(150, 261, 40, 240)
    person = box(30, 150, 110, 170)  # feet hidden by the dog; bottom row 149, above no floor
    z = ground_plane_depth(H, W, [person, dog])
    d_dog = ground(260)
    assert card(z, dog) == pytest.approx(1.0 / d_dog)
    assert card(z, person) == pytest.approx(NEARER / d_dog)
    assert card(z, dog) < card(z, person) < 0.1


def test_a_hanging_lamp_touching_nothing_sits_at_the_horizon_not_far():
    lamp = box(5, 40, 150, 170)
    z = ground_plane_depth(H, W, [lamp])
    assert card(z, lamp) == pytest.approx(1.0 / HORIZON_DISPARITY)
    assert z[5, 0] == 1.0  # the sky beside it stays far


def test_chains_resolve_a_bowl_held_by_a_person_standing_behind_a_dog():
    dog = box(150, 261, 40, 240)
    person = box(30, 150, 110, 170)
    bowl = box(80, 100, 125, 155)
    person &= ~bowl
    z = ground_plane_depth(H, W, [bowl, person, dog])
    assert card(z, bowl) == pytest.approx(1.0 / (ground(260) / NEARER * NEARER))
    assert card(z, dog) <= card(z, bowl) < card(z, person)


def test_the_horizon_is_an_option():
    depth = HeuristicDepth({"horizon": "0.5"})
    z = depth.estimate(np.zeros((H, W, 3), np.uint8))
    assert z[143, 0] == 1.0 and z[144, 0] < 1.0  # 0.5 · 287 = 143.5
    with pytest.raises(InputError, match=r"horizon='1.2': expected a fraction in \(0, 1\)"):
        HeuristicDepth({"horizon": "1.2"})
    with pytest.raises(InputError, match="horizon='low': expected a number"):
        HeuristicDepth({"horizon": "low"})


def test_the_horizon_is_read_back_from_a_ground_plane_map():
    from levitor_studio.backends.heuristic_depth import horizon_of

    for horizon in (0.35, 0.5, 0.2):
        z = ground_plane_depth(H, W, [box(5, 40, 150, 170)], horizon)
        back = horizon_of(z)
        # the line is read back between the same two rows: the same rows are far
        assert np.floor(back * (H - 1)) == np.floor(horizon * (H - 1))
        again = ground_plane_depth(H, W, [box(5, 40, 150, 170)], back)
        assert np.array_equal(again == 1.0, z == 1.0)
    assert horizon_of(np.full((H, W), 0.3, np.float32)) is None  # not a ground-plane map
    assert horizon_of(None) is None
