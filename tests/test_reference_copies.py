from __future__ import annotations

import pytest
from scenes import REFERENCE, ROOT

SHARED = ROOT.parent / "shared" / "reference"
NAMES = [
    "levitor_controlnet_state_dict.json",
    "levitor_heatmap_reference.npz",
    "levitor_kmeans_reference.npz",
]


@pytest.mark.parametrize("name", NAMES)
def test_vendored_reference_equals_the_shared_original(name: str) -> None:
    if not SHARED.is_dir():
        pytest.skip("no ../shared/reference beside this checkout (CI clone): nothing to compare")
    assert (REFERENCE / name).read_bytes() == (SHARED / name).read_bytes()
