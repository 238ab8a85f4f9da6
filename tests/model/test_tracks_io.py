from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from levitor_studio.api import import_tracks
from levitor_studio.backends.grabcut import GrabCutSegmenter
from levitor_studio.backends.heuristic_depth import HeuristicDepth
from levitor_studio.model.errors import ValidationError
from levitor_studio.model.scene import snapshot
from levitor_studio.model.tracks_io import export_tracks


def _import(path: Path) -> Any:
    return import_tracks(path, segmenter=GrabCutSegmenter(), depth_estimator=HeuristicDepth())


def test_example_imports_with_two_objects(example_dir: Path) -> None:
    scene = _import(example_dir / "coffee.tracks.json")
    assert scene.size == (512, 288) and scene.frames == 16
    assert [o.name for o in scene.objects] == ["cup", "spoon"]
    assert scene.depth is not None and scene.segments is not None
    taken = scene.objects[0].mask | scene.objects[1].mask
    assert not np.any(scene.segments[taken])  # static segments never cover an object
    # the spoon's keys pass behind the cup: deeper than the cup's rest depth in the middle
    cup, spoon = scene.objects
    assert spoon.key_at(6).z > scene.rest_depth(cup) > spoon.key_at(0).z


def test_import_export_import_is_identical(example_dir: Path, tmp_path: Path) -> None:
    first = _import(example_dir / "coffee.tracks.json")
    written = export_tracks(first, tmp_path / "shot.json")
    assert written[-1] == tmp_path / "shot.json"
    second = _import(tmp_path / "shot.json")
    assert snapshot(second) == snapshot(first)


def _tracks(tmp_path: Path, example_dir: Path, **obj: Any) -> Path:
    shutil.copy(example_dir / "coffee.png", tmp_path / "coffee.png")
    shutil.copy(example_dir / "cup.png", tmp_path / "cup.png")
    doc = json.loads((example_dir / "coffee.tracks.json").read_text())
    doc["objects"] = [{"name": "x", "keyframes": [], **obj}]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    return path


def test_box_and_clicks_resolve_through_the_segmenter(tmp_path: Path, example_dir: Path) -> None:
    box = _import(_tracks(tmp_path, example_dir, box=[150, 0, 352, 232])).objects[0].mask
    assert box.any() and not box[:, :140].any() and not box[240:].any()
    clicks = _import(_tracks(tmp_path, example_dir, clicks=[[250, 100, 1], [450, 250, 0]])).objects[
        0
    ]
    assert clicks.mask[100, 250] and not clicks.mask[250, 450]


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        ({"mask": "cup.png", "box": [0, 0, 10, 10]}, "objects[0]"),
        ({"box": [0, 0, 10, 10], "clicks": [[1, 1, 1]]}, "objects[0]"),
        ({"mask": "cup.png", "speed": 3}, "objects[0].speed"),
        (
            {"mask": "cup.png", "keyframes": [{"frame": 0, "x": 1, "y": 1, "z": 2}]},
            "objects[0].keyframes[0].z",
        ),
        (
            {"mask": "cup.png", "keyframes": [{"frame": 16, "x": 1, "y": 1, "z": 0.5}]},
            "objects[0].keyframes[0].frame",
        ),
        ({"mask": "missing.png"}, "objects[0].mask"),
        (
            {"mask": "coffee.png"},
            "objects[0].mask",
        ),  # the source image as a mask: wrong size? no, source size
    ],
)
def test_bad_tracks_name_the_key(
    tmp_path: Path, example_dir: Path, obj: dict[str, Any], path: str
) -> None:
    if obj.get("mask") == "coffee.png":
        from PIL import Image

        Image.new("L", (100, 80), 255).save(tmp_path / "small.png")
        obj = {"mask": "small.png"}
    with pytest.raises(ValidationError) as info:
        _import(_tracks(tmp_path, example_dir, **obj))
    assert info.value.path == path


def test_reading_a_tracks_file_returns_data_and_runs_no_backend(
    example_dir: Path, tmp_path: Path
) -> None:
    """Issue 12 item 5: prompts and a null depth stay unresolved until the API layer."""
    from levitor_studio.model.tracks_io import import_tracks as read_only_import
    from levitor_studio.model.tracks_io import load_tracks

    doc = json.loads((example_dir / "coffee.tracks.json").read_text())
    for name in ("coffee.png", "spoon.png"):
        shutil.copy(example_dir / name, tmp_path / name)
    doc["objects"][0] = {"name": "cup", "box": [140, 0, 360, 240], "keyframes": []}
    (tmp_path / "t.json").write_text(json.dumps(doc))
    tracks = load_tracks(tmp_path / "t.json")
    cup, spoon = tracks.objects
    assert (cup.where, cup.box, cup.mask) == ("objects[0]", (140, 0, 360, 240), None)
    assert spoon.mask is not None and spoon.mask.shape == (288, 512) and spoon.box is None
    assert tracks.depth is None  # "depth": null is not estimated while reading
    assert [k.frame for k in spoon.keyframes] == [0, 6, 11, 15]
    with pytest.raises(ValidationError) as info:
        read_only_import(tmp_path / "t.json")
    assert str(info.value) == "objects[0]: box and clicks need a segmenter"
    scene = import_tracks(tmp_path / "t.json", segmenter=GrabCutSegmenter())
    assert scene.objects[0].mask[107, 246] and not scene.objects[0].mask[280, 5]
    assert scene.depth is None  # no estimator given
