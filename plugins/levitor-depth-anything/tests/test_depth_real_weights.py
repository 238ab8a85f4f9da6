"""Opt-in checks with a real Depth Anything folder (``LEVITOR_REAL_WEIGHTS=1``,
``LEVITOR_DEPTH_ANYTHING_DIR``)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from levitor_depth_anything.backend import DepthAnythingEstimator

from levitor_studio.model.depth_units import Z_MIN

FOLDER = os.environ.get("LEVITOR_DEPTH_ANYTHING_DIR", "")

pytestmark = [
    pytest.mark.weights,
    pytest.mark.skipif(
        os.environ.get("LEVITOR_REAL_WEIGHTS") != "1" or not FOLDER,
        reason="real weights are opt-in: LEVITOR_REAL_WEIGHTS=1 LEVITOR_DEPTH_ANYTHING_DIR=DIR",
    ),
]


def test_real_depth_anything_sees_a_ground_plane_recede() -> None:
    # a checkerboard floor in perspective: rows lower in the image are nearer
    h, w = 288, 512
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    horizon = 80.0
    below = np.maximum(yy - horizon, 1.0)
    u, v = (xx - w / 2) / below * 40, 4000.0 / below
    floor = ((np.floor(u / 10) + np.floor(v / 10)) % 2) * 180 + 40
    image = np.where(yy < horizon, 200.0, floor)
    image = np.repeat(image[..., None], 3, axis=2).astype(np.uint8)
    est = DepthAnythingEstimator({"model_dir": FOLDER})
    z = est.estimate(image)
    assert est.variant in ("Small", "Base", "Large", "Giant")
    assert z.shape == (h, w) and z.min() == np.float32(Z_MIN)
    assert np.median(z[250:]) < np.median(z[120:150])  # the floor near the bottom is nearer
