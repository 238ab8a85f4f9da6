"""Opt-in checks with a real SAM checkpoint (``LEVITOR_REAL_WEIGHTS=1``, ``LEVITOR_SAM_CHECKPOINT``)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from levitor_sam.backend import SamSegmenter

from levitor_studio.plugin_host.protocols import Prompt

CHECKPOINT = os.environ.get("LEVITOR_SAM_CHECKPOINT", "")

pytestmark = [
    pytest.mark.weights,
    pytest.mark.skipif(
        os.environ.get("LEVITOR_REAL_WEIGHTS") != "1" or not CHECKPOINT,
        reason="real weights are opt-in: LEVITOR_REAL_WEIGHTS=1 LEVITOR_SAM_CHECKPOINT=FILE",
    ),
]


def test_real_sam_selects_a_disc_from_a_box() -> None:
    h, w = 288, 512
    yy, xx = np.mgrid[0:h, 0:w]
    disc = (yy - 150) ** 2 + (xx - 260) ** 2 < 70**2
    image = np.full((h, w, 3), (40, 90, 160), dtype=np.uint8)
    image[disc] = (240, 200, 30)
    sam = SamSegmenter({"checkpoint": CHECKPOINT})
    sam.set_image(image)
    assert sam.variant in ("ViT-B", "ViT-L", "ViT-H")
    best = sam.segment(Prompt(box=(185.0, 75.0, 335.0, 225.0)))[0].mask
    iou = (best & disc).sum() / (best | disc).sum()
    assert iou > 0.9
    labels = sam.automatic(exclude=best)
    assert (labels[best] == 0).all() and (labels[~best] > 0).all()
