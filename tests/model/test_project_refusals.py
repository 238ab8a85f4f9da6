"""Project files the loader must refuse, each with the key path or a one-line reason.

Each test kills a mutant that survived the suite (issue 12 item 9): a missing asset, a depth map
of the wrong shape, and the uncompressed-size (zip bomb) limit at its exact boundary.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model import project_io
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.project_io import load_project, save_project
from levitor_studio.model.scene import snapshot


def _members(tmp_path: Path) -> dict[str, bytes]:
    save_project(make_scene(), tmp_path / "p.levitor")
    with zipfile.ZipFile(tmp_path / "p.levitor") as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "q.levitor"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_missing_mask_asset_is_named_by_its_key_path(tmp_path: Path) -> None:
    members = _members(tmp_path)
    del members["masks/2.png"]
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, members))
    assert str(info.value) == "objects[1].mask: asset 'masks/2.png' is missing from the project"


def test_a_missing_depth_asset_is_named(tmp_path: Path) -> None:
    members = _members(tmp_path)
    del members["depth.npy"]
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, members))
    assert str(info.value) == "depth: asset 'depth.npy' is missing from the project"


@pytest.mark.parametrize("shape", [(48, 72), (56, 64), (48,), (1, 48, 64)])
def test_a_depth_map_of_the_wrong_shape_is_refused(tmp_path: Path, shape: tuple[int, ...]) -> None:
    members = _members(tmp_path)  # the scene is 64 × 48: depth must be (48, 64)
    buf = io.BytesIO()
    np.save(buf, np.full(shape, 0.5, np.float32), allow_pickle=False)
    members["depth.npy"] = buf.getvalue()
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, members))
    assert info.value.path == "depth"


def test_the_uncompressed_size_limit_holds_at_its_boundary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _members(tmp_path)
    path = _write(tmp_path, members)
    total = sum(len(data) for data in members.values())
    monkeypatch.setattr(project_io, "MAX_UNCOMPRESSED", total)
    assert snapshot(load_project(path)) == snapshot(make_scene())  # exactly at the limit: read
    monkeypatch.setattr(project_io, "MAX_UNCOMPRESSED", total - 1)
    with pytest.raises(InputError) as info:
        load_project(path)
    assert str(info.value) == f"{path}: archive expands to more than {total - 1:,} bytes"


def test_the_manifest_stays_as_written(tmp_path: Path) -> None:
    """The fixture's own manifest is valid: the refusals above come from the one edit each."""
    members = _members(tmp_path)
    doc = json.loads(members["manifest.json"])
    assert (doc["depth"], doc["objects"][1]["mask"]) == ("depth.npy", "masks/2.png")
