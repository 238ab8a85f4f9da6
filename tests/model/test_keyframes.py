from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from levitor_original import original_path

from levitor_studio.model.keyframes import Easing, Keyframe, interpolate


@pytest.mark.parametrize("clicks", [2, 4, 6, 16])
def test_evenly_spaced_smooth_keys_reproduce_the_original_pchip(clicks: int) -> None:
    rng = np.random.default_rng(clicks)
    pts = [tuple(p) for p in rng.uniform([0, 0, 0.05], [288, 512, 1.0], (clicks, 3))]
    step = 15 // (clicks - 1)
    keys = [Keyframe(i * step, *p) for i, p in enumerate(pts)]
    np.testing.assert_allclose(interpolate(keys, 16), original_path(pts, 16), rtol=0, atol=1e-9)


def test_holds_before_first_and_after_last_key() -> None:
    path = interpolate([Keyframe(4, 10, 20, 0.5), Keyframe(8, 30, 40, 0.25, Easing.LINEAR)], 12)
    assert (path[:5] == [10, 20, 0.5]).all()
    assert (path[8:] == [30, 40, 0.25]).all()
    np.testing.assert_allclose(path[6], [20, 30, 0.375])


def test_easings_shape_the_segment() -> None:
    def mid(ease: Easing) -> float:
        return float(
            interpolate([Keyframe(0, 0, 0, 0.5, ease), Keyframe(10, 100, 0, 0.5)], 11)[2, 0]
        )

    assert mid(Easing.LINEAR) == pytest.approx(20.0)
    assert mid(Easing.HOLD) == 0.0
    assert mid(Easing.EASE_IN) < 20.0 < mid(Easing.EASE_OUT)
    assert mid(Easing.EASE_IN_OUT) == pytest.approx(100 * (0.04 * (3 - 0.4)))
    path = interpolate([Keyframe(0, 0, 0, 0.5, Easing.EASE_IN_OUT), Keyframe(10, 100, 0, 0.5)], 11)
    np.testing.assert_allclose(path[:, 0] + path[::-1, 0], 100.0)  # symmetric


@pytest.mark.parametrize(
    ("ease", "expected"),
    [
        # x over frames 0…4 from 0 to 64: u = t/4, x = 64 · f(u), written out by hand
        (Easing.LINEAR, [0.0, 16.0, 32.0, 48.0, 64.0]),
        (Easing.EASE_IN, [0.0, 1.0, 8.0, 27.0, 64.0]),  # u³
        (Easing.EASE_OUT, [0.0, 37.0, 56.0, 63.0, 64.0]),  # 1 − (1 − u)³
        (Easing.EASE_IN_OUT, [0.0, 10.0, 32.0, 54.0, 64.0]),  # u² (3 − 2u)
        (Easing.HOLD, [0.0, 0.0, 0.0, 0.0, 64.0]),
    ],
)
def test_each_easing_follows_its_exact_curve(ease: Easing, expected: list[float]) -> None:
    path = interpolate([Keyframe(0, 0.0, 8.0, 0.5, ease), Keyframe(4, 64.0, 8.0, 0.5)], 5)
    assert path[:, 0].tolist() == expected
    assert path[:, 1].tolist() == [8.0] * 5


keys_strategy = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.integers(-50_000, 50_000).map(lambda v: v / 100),  # pixel positions, 0.01 px steps
        st.integers(1, 1000).map(lambda v: v / 1000),
        st.sampled_from(list(Easing)),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
)


@settings(max_examples=150, deadline=None)
@given(keys_strategy)
def test_no_easing_overshoots_its_keys(raw: list[tuple[int, float, float, Easing]]) -> None:
    keys = sorted((Keyframe(f, x, x, z, e) for f, x, z, e in raw), key=lambda k: k.frame)
    path = interpolate(keys, 31)
    for k in keys:
        np.testing.assert_array_equal(path[k.frame], [k.x, k.y, k.z])
    for a, b in zip(keys, keys[1:], strict=False):
        seg = path[a.frame : b.frame + 1]
        lo = np.minimum([a.x, a.y, a.z], [b.x, b.y, b.z]) - 1e-9
        hi = np.maximum([a.x, a.y, a.z], [b.x, b.y, b.z]) + 1e-9
        assert np.all(seg >= lo) and np.all(seg <= hi)


def test_rejects_unsorted_or_empty_keys() -> None:
    with pytest.raises(ValueError):
        interpolate([], 4)
    with pytest.raises(ValueError):
        interpolate([Keyframe(3, 0, 0, 0.5), Keyframe(1, 0, 0, 0.5)], 4)
