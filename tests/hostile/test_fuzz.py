"""Keep it (issue 13): mutated projects, tracks files, images and signal files either load or
raise the project's own error (:class:`LevitorError`); anything else is an escape.

The mutants are seeded (``fuzz_mutants``), so an escape is reproduced from its ``kind:index``.
The suite runs a small budget (``LEVITOR_FUZZ_MUTANTS``, default 200 over the four kinds);
``make fuzz`` runs 10,000.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fuzz_mutants import (
    image_seeds,
    mutate_bytes,
    mutate_json_text,
    patch_headers,
    project_seed,
    random_npy,
    signal_seed,
    zip_bytes,
)
from hostile_files import EPS, npy_bytes, write_tracks
from PIL import EpsImagePlugin

from levitor_studio.backends.file_depth import load_depth_file
from levitor_studio.engine.signal_export import read_signal_npz
from levitor_studio.model.errors import LevitorError, one_line
from levitor_studio.model.imaging import read_gray, read_mask, read_rgb
from levitor_studio.model.project_io import load_project
from levitor_studio.model.tracks_io import import_tracks

BUDGET = int(os.environ.get("LEVITOR_FUZZ_MUTANTS", "200"))
KINDS = ("project", "tracks", "image", "signal")
Loader = Callable[[], Any]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("seeds")
    tracks_dir = folder / "tracks"
    tracks_dir.mkdir()
    write_tracks(tracks_dir)
    (tracks_dir / "depth.npy").write_bytes(npy_bytes(np.full((48, 64), 0.5, np.float32)))
    doc = json.loads((tracks_dir / "t.json").read_text())
    doc["depth"] = "depth.npy"
    doc["objects"].append(
        {
            "name": "second",
            "mask": "mask.png",
            "keyframes": [{"frame": 5, "x": 30, "y": 20, "z": 0.25}],
        }
    )
    return {
        "project": project_seed(folder),
        "tracks": {p.name: p.read_bytes() for p in tracks_dir.iterdir() if p.name != "t.json"},
        "tracks_doc": doc,
        "images": image_seeds(),
        "signal": signal_seed(folder),
    }


def _other_content(seeds: dict[str, Any], rng: random.Random) -> bytes:
    options = [EPS, random_npy(rng), zip_bytes({"a.npy": random_npy(rng)}), b"", b"\x89PNG"]
    options += list(seeds["images"].values())
    return rng.choice(options)


def _project(seeds: dict[str, Any], rng: random.Random, folder: Path) -> Loader:
    members = dict(seeds["project"])
    op = rng.randrange(10)
    name = rng.choice(sorted(members))
    if op <= 3:
        members["manifest.json"] = mutate_json_text(json.loads(members["manifest.json"]), rng)
    elif op <= 5:
        members[name] = mutate_bytes(members[name], rng)
    elif op == 6:
        members[name] = _other_content(seeds, rng)
    elif op == 7:
        del members[name]
    archive = zip_bytes(members)
    if op == 8:
        archive = mutate_bytes(archive, rng)
    elif op == 9:
        archive = patch_headers(archive, rng)
    path = folder / "p.levitor"
    path.write_bytes(archive)
    return lambda: load_project(path)


def _tracks(seeds: dict[str, Any], rng: random.Random, folder: Path) -> Loader:
    files = dict(seeds["tracks"])
    op = rng.randrange(8)
    text = json.dumps(seeds["tracks_doc"]).encode()
    if op <= 4:
        text = mutate_json_text(json.loads(text), rng)
    elif op <= 6:
        name = rng.choice(sorted(files))
        files[name] = mutate_bytes(files[name], rng)
    else:
        files[rng.choice(sorted(files))] = _other_content(seeds, rng)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "t.json").write_bytes(text)
    return lambda: import_tracks(folder / "t.json")


def _image(seeds: dict[str, Any], rng: random.Random, folder: Path) -> Loader:
    kind = rng.choice(sorted(seeds["images"]))
    data = seeds["images"][kind]
    if rng.random() < 0.9:
        data = mutate_bytes(data, rng)
    path = folder / rng.choice(["img.png", "img.jpg", "img.tif"])
    path.write_bytes(data)
    reader = rng.choice([read_rgb, read_mask, read_gray, load_depth_file])
    return lambda: reader(path)


def _signal(seeds: dict[str, Any], rng: random.Random, folder: Path) -> Loader:
    members = dict(seeds["signal"])
    name = rng.choice(sorted(members))
    op = rng.randrange(7)
    if op <= 2:
        members[name] = mutate_bytes(members[name], rng)
    elif op == 3:
        members[name] = random_npy(rng)
    elif op == 4:
        del members[name]
    archive = zip_bytes(members)
    if op == 5:
        archive = mutate_bytes(archive, rng)
    elif op == 6:
        archive = patch_headers(archive, rng)
    path = folder / "s.npz"
    path.write_bytes(archive)
    return lambda: read_signal_npz(path)


MAKERS = {"project": _project, "tracks": _tracks, "image": _image, "signal": _signal}


@pytest.fixture
def no_ghostscript(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PostScript decoder was reached")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", refuse)
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", refuse)


@pytest.mark.parametrize("kind", KINDS)
def test_every_mutant_loads_or_is_refused(
    kind: str, seeds: dict[str, Any], tmp_path: Path, no_ghostscript: None
) -> None:
    count = max(1, BUDGET // len(KINDS))
    outcomes: Counter[str] = Counter()
    escapes: list[str] = []
    started = time.perf_counter()
    for i in range(count):
        rng = random.Random(f"{kind}:{i}")
        folder = tmp_path / str(i)
        folder.mkdir()
        try:
            MAKERS[kind](seeds, rng, folder)()
            outcomes["loaded"] += 1
        except LevitorError:
            outcomes["refused"] += 1
        except Exception as exc:  # noqa: BLE001 - an escape, reported with its seed
            escapes.append(f"{kind}:{i}: {type(exc).__name__}: {one_line(exc)[:300]}")
        finally:
            shutil.rmtree(folder)
    seconds = time.perf_counter() - started
    print(
        f"\nfuzz {kind}: {count} mutants, {outcomes['loaded']} loaded, "
        f"{outcomes['refused']} refused, {len(escapes)} escapes in {seconds:.1f} s"
    )
    assert escapes == [], "\n".join(escapes)
