"""The vendored reference fixtures are the shared originals, byte for byte.

``tests/reference/SHA256SUMS`` records the digests of ``../shared/reference/`` (the output of
the public LeviTor code, ``levitor-reference.md`` §5–§7), taken when the copies were vendored.
The vendored files are checked against those digests in every checkout, CI clones included; the
shared originals are checked against the same digests wherever they are present (beside the
checkout, or at ``$LEVITOR_SHARED_REFERENCE``), so a changed original is noticed too.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from scenes import REFERENCE, ROOT

NAMES = [
    "levitor_controlnet_state_dict.json",
    "levitor_heatmap_reference.npz",
    "levitor_kmeans_reference.npz",
]


def _recorded() -> dict[str, str]:
    lines = (REFERENCE / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shared() -> Path | None:
    for folder in (os.environ.get("LEVITOR_SHARED_REFERENCE"), ROOT.parent / "shared" / "reference"):
        if folder and Path(folder).is_dir():
            return Path(folder)
    return None


def test_every_vendored_fixture_has_a_recorded_digest() -> None:
    assert sorted(_recorded()) == sorted(NAMES)
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in _recorded().values())


@pytest.mark.parametrize("name", NAMES)
def test_vendored_reference_matches_the_recorded_digest(name: str) -> None:
    assert _sha256(REFERENCE / name) == _recorded()[name]


@pytest.mark.parametrize("name", NAMES)
def test_shared_original_matches_the_recorded_digest(name: str) -> None:
    shared = _shared()
    if shared is None:
        pytest.skip("no shared reference folder here: the recorded digests stand in for it")
    assert _sha256(shared / name) == _recorded()[name]
