"""Depth Anything folders: layout checks from JSON, variants, and bad weights files."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from levitor_depth_anything.folder import inspect_folder, load_model

from levitor_studio.model.errors import InputError


def _config_only(folder: Path, **changes: object) -> Path:
    from transformers import DepthAnythingConfig

    backbone = changes.pop("backbone", None)
    config = DepthAnythingConfig(backbone_config=backbone, **changes)  # type: ignore[arg-type]
    config.save_pretrained(folder)
    (folder / "model.safetensors").write_bytes(b"")  # present; never read by inspect_folder
    return folder


def test_variants_from_the_backbone_width(tmp_path: Path, tiny_depth_dir: Path) -> None:
    from transformers import Dinov2Config

    small = inspect_folder(_config_only(tmp_path / "s"))  # transformers' default = V2 Small
    assert small.variant == "Small" and small.label == "Depth Anything Small"
    large = Dinov2Config(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16)
    assert inspect_folder(_config_only(tmp_path / "l", backbone=large)).variant == "Large"
    tiny = inspect_folder(tiny_depth_dir)
    assert tiny.variant == "custom"
    assert tiny.weights == tiny_depth_dir / "model.safetensors"
    assert tiny.mean == pytest.approx((0.485, 0.456, 0.406))


def test_processor_statistics_are_read(tmp_path: Path) -> None:
    folder = _config_only(tmp_path / "m")
    (folder / "preprocessor_config.json").write_text(
        json.dumps({"image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.25, 0.25]})
    )
    info = inspect_folder(folder)
    assert (info.mean, info.std) == ((0.5, 0.5, 0.5), (0.25, 0.25, 0.25))
    (folder / "preprocessor_config.json").write_text(json.dumps({"image_mean": [1, 2]}))
    with pytest.raises(InputError, match="image_mean must be three numbers"):
        inspect_folder(folder)


def test_wrong_folders_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no Depth Anything folder chosen"):
        inspect_folder("")
    with pytest.raises(InputError, match="does not exist"):
        inspect_folder(tmp_path / "absent")
    original = tmp_path / "original"
    original.mkdir()
    (original / "depth_anything_v2_vitl.pth").write_bytes(b"x")
    with pytest.raises(InputError, match="original .pth checkpoint"):
        inspect_folder(original)
    other = tmp_path / "bert"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(InputError, match="holds a 'bert' model"):
        inspect_folder(other)
    (other / "config.json").write_text("{not json")
    with pytest.raises(InputError, match="not readable JSON"):
        inspect_folder(other)
    metric = _config_only(tmp_path / "metric", depth_estimation_type="metric", max_depth=20)
    with pytest.raises(InputError, match="metric"):
        inspect_folder(metric)
    bare = _config_only(tmp_path / "bare")
    (bare / "model.safetensors").unlink()
    with pytest.raises(InputError, match="no weights file"):
        inspect_folder(bare)


def test_truncated_weights(tiny_depth_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cut"
    shutil.copytree(tiny_depth_dir, folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-5000])
    with pytest.raises(InputError, match="truncated, damaged"):
        load_model(inspect_folder(folder), "cpu")


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def test_pickle_with_code_is_refused_and_not_run(tiny_depth_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    shutil.copytree(tiny_depth_dir, folder)
    (folder / "model.safetensors").unlink()
    marker = tmp_path / "code-ran"
    import torch

    torch.save({"head.conv1.weight": _Payload(marker)}, folder / "pytorch_model.bin")
    with pytest.raises(InputError, match="pickle with code"):
        load_model(inspect_folder(folder), "cpu")
    assert not marker.exists()


def test_weights_of_another_size_are_refused(
    tiny_depth_dir: Path, tmp_path: Path, save_tiny_model: Callable[..., Path]
) -> None:
    wider = save_tiny_model(tmp_path / "wider", hidden=24)
    folder = tmp_path / "mixed"
    shutil.copytree(tiny_depth_dir, folder)
    shutil.copy(wider / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(InputError, match="(does not fit|do not match) config.json"):
        load_model(inspect_folder(folder), "cpu")


def test_missing_tensors_are_refused(tiny_depth_dir: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    folder = tmp_path / "missing"
    shutil.copytree(tiny_depth_dir, folder)
    state = load_file(folder / "model.safetensors")
    del state["head.conv3.weight"]
    save_file(state, folder / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(InputError, match=r"do not match config.json \(e.g. head.conv3.weight\)"):
        load_model(inspect_folder(folder), "cpu")


def test_availability_names_a_missing_package_and_a_missing_folder(tmp_path, monkeypatch):
    import importlib.util

    from levitor_depth_anything.backend import DepthAnythingEstimator

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "transformers" else real(n, *a)
    )
    avail = DepthAnythingEstimator.availability({"model_dir": str(tmp_path / "da")})
    assert not avail.ok and avail.reasons == (
        "the transformers package is not installed",
        f"Depth Anything folder {tmp_path / 'da'} does not exist",
    )
