"""The inspector's widgets take their ranges from the one table (``model/limits.py``).

Values written out by hand: steps stop at 1000 (not 500), a seed up to 2⁶³−1 is shown exactly
(not clipped at 2³¹−1), and a key's x / y stop one frame width / height outside the frame.
"""

from __future__ import annotations

import pytest
from scenes import make_scene

from levitor_studio.model.commands import SetGenerationSettings
from levitor_studio.ui.document import Document
from levitor_studio.ui.inspector import Inspector

pytestmark = pytest.mark.gui


def test_widget_ranges_come_from_the_table(qtbot) -> None:
    doc = Document(make_scene())  # 64 × 48
    insp = Inspector(doc)
    qtbot.addWidget(insp)
    assert (insp.g["steps"].minimum(), insp.g["steps"].maximum()) == (1, 1000)
    assert (insp.g["seed"].minimum(), insp.g["seed"].maximum()) == (0, 2**63 - 1)
    assert (insp.g["fps_id"].minimum(), insp.g["fps_id"].maximum()) == (0, 60)
    assert insp.g["guidance_max"].maximum() == 30.0
    assert (insp.g["noise_aug"].decimals(), insp.g["noise_aug"].maximum()) == (3, 1.0)
    # checked fields accept any typing and refuse by their limit (with the reason beside them)
    assert (insp.s_fps.limit.lo, insp.s_fps.limit.hi) == (0.5, 240.0)
    doc.select_key(1, 0)
    assert (insp.k_x.limit.lo, insp.k_x.limit.hi) == (-64.0, 128.0)
    assert (insp.k_y.limit.lo, insp.k_y.limit.hi) == (-48.0, 96.0)


def test_a_large_seed_is_shown_exactly(qtbot) -> None:
    doc = Document(make_scene())
    insp = Inspector(doc)
    qtbot.addWidget(insp)
    assert doc.push(SetGenerationSettings({"seed": 2**63 - 1}))
    assert insp.g["seed"].value() == 2**63 - 1
