"""The shipped catalogue: every model the issue names, with licences; bad catalogues refused."""

from __future__ import annotations

import json

import pytest

from levitor_studio.model.errors import InputError
from levitor_studio.model_store.catalog import find_entry, load_catalog, parse_catalog


def test_the_shipped_catalogue_lists_each_model_with_its_licence_and_target() -> None:
    entries = {e.name: e for e in load_catalog()}
    assert list(entries) == [
        "depth-anything-v2-small",
        "depth-anything-v2-base",
        "depth-anything-v2-large",
        "sam-vit-b",
        "sam-vit-l",
        "sam-vit-h",
        "svd-xt",
        "levitor-controlnet",
    ]
    small = entries["depth-anything-v2-small"]
    assert (small.repo, small.licence, small.suggested) == (
        "depth-anything/Depth-Anything-V2-Small-hf",
        "Apache-2.0",
        True,
    )
    assert [f.path for f in small.files] == [
        "config.json",
        "model.safetensors",
        "preprocessor_config.json",
    ]
    assert 99e6 < small.size < 101e6
    assert [e.name for e in entries.values() if e.suggested] == ["depth-anything-v2-small"]
    for name in ("depth-anything-v2-base", "depth-anything-v2-large"):
        assert entries[name].licence == "CC-BY-NC-4.0"
        assert "non-commercial" in entries[name].licence_text()
    for name in ("sam-vit-b", "sam-vit-l", "sam-vit-h"):
        assert (entries[name].licence, entries[name].backend) == ("Apache-2.0", "sam")
        assert entries[name].subpath == entries[name].files[0].path
    svd = entries["svd-xt"]
    assert svd.gated and svd.repo == "stabilityai/stable-video-diffusion-img2vid-xt"
    assert "token" in svd.licence_text() and "Community" in svd.licence
    cn = entries["levitor-controlnet"]
    assert (cn.repo, cn.licence, cn.option, cn.subpath) == (
        "hlwang06/LeviTor",
        "Apache-2.0",
        "controlnet",
        "controlnet",
    )
    assert all(f.path.startswith("controlnet/") for f in cn.files)


def test_a_studio_catalogue_file_replaces_the_shipped_one(tmp_path, monkeypatch) -> None:
    own = tmp_path / "studio.json"
    doc = {"catalogue": 1, "models": [_model("house-depth")]}
    own.write_text(json.dumps(doc))
    monkeypatch.setenv("LEVITOR_STUDIO_MODELS_CATALOG", str(own))
    assert [e.name for e in load_catalog()] == ["house-depth"]
    assert find_entry("house-depth", load_catalog()).repo == "studio/depth"
    with pytest.raises(InputError, match="no model called 'sam-vit-b' in the catalogue"):
        find_entry("sam-vit-b", load_catalog())


def _model(name: str, **changes: object) -> dict[str, object]:
    model: dict[str, object] = {
        "name": name,
        "repo": "studio/depth",
        "licence": "Apache-2.0",
        "source": "https://example.invalid",
        "backend": "depth-anything-v2",
        "option": "model_dir",
        "files": [{"path": "config.json", "size": 10}],
    }
    model.update(changes)
    return model


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (_model("a", repo="nope"), "models[0].repo 'nope': expected owner/name"),
        (_model("a", files=[{"path": "../x", "size": 1}]), "must be a relative path"),
        (_model("a", files=[{"path": "x", "size": -1}]), "files[0].size: must not be negative"),
        (_model("a", files=[]), "files: lists no file"),
        (_model("A b"), "models[0].name 'A b'"),
        (_model("a", licence=None), "models[0].licence: expected str, got None"),
        (_model("a", subpath="../../etc"), "must stay inside the model's folder"),
    ],
)
def test_bad_catalogue_entries_are_named(model: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_catalog(json.dumps({"catalogue": 1, "models": [model]}), "c.json")
    assert message in str(info.value) and str(info.value).startswith("c.json")


def test_a_file_that_is_not_a_catalogue_is_refused() -> None:
    with pytest.raises(InputError, match="not a LeviTor Studio model catalogue"):
        parse_catalog('{"models": []}', "x.json")
    with pytest.raises(InputError, match="x.json: not valid JSON"):
        parse_catalog("{", "x.json")
    twice = {"catalogue": 1, "models": [_model("a"), _model("a")]}
    with pytest.raises(InputError, match="model name 'a' appears twice"):
        parse_catalog(json.dumps(twice), "x.json")
