"""SAM checkpoints: variant detection from shapes, safe loading, clear messages for bad files."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import torch
from levitor_sam.checkpoint import SamArch, arch_from_shapes, build_sam, load_sam, read_state_dict
from segment_anything import sam_model_registry

from levitor_studio.model.errors import InputError


def _shapes(model: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


@pytest.mark.parametrize(
    ("registry_name", "variant", "embed", "depth", "heads", "global_idx"),
    [
        ("vit_b", "ViT-B", 768, 12, 12, (2, 5, 8, 11)),
        ("vit_l", "ViT-L", 1024, 24, 16, (5, 11, 17, 23)),
        ("vit_h", "ViT-H", 1280, 32, 16, (7, 15, 23, 31)),
    ],
)
def test_released_variants_are_detected_from_shapes(
    registry_name: str,
    variant: str,
    embed: int,
    depth: int,
    heads: int,
    global_idx: tuple[int, ...],
) -> None:
    with torch.device("meta"):  # the real architectures, without allocating their weights
        reference = sam_model_registry[registry_name]()
    arch = arch_from_shapes(_shapes(reference))
    assert arch.variant == variant
    assert (arch.embed_dim, arch.depth, arch.num_heads) == (embed, depth, heads)
    assert arch.global_attn_indexes == global_idx
    assert (arch.img_size, arch.window_size, arch.prompt_dim) == (1024, 14, 256)
    with torch.device("meta"):
        rebuilt = build_sam(arch)
    assert _shapes(rebuilt) == _shapes(reference)


def test_tiny_arch_round_trips_through_a_checkpoint(
    tiny_sam_checkpoint: Path, tiny_arch: SamArch
) -> None:
    model, arch = load_sam(tiny_sam_checkpoint)
    assert arch == tiny_arch
    assert arch.variant == "custom"
    saved = torch.load(tiny_sam_checkpoint, weights_only=True)
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, saved[name]), name
    assert model.pixel_mean.flatten().tolist() == pytest.approx([123.675, 116.28, 103.53])
    assert not model.training


def test_nested_model_key_is_unwrapped(
    tiny_sam_checkpoint: Path, tiny_arch: SamArch, tmp_path: Path
) -> None:
    nested = tmp_path / "nested.pth"
    torch.save({"model": torch.load(tiny_sam_checkpoint, weights_only=True), "epoch": 3}, nested)
    assert load_sam(nested)[1] == tiny_arch


class _Payload:
    """Unpickling this would create a directory: the proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def test_pickle_with_code_is_refused_and_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.pth"
    with path.open("wb") as f:
        pickle.dump({"image_encoder.pos_embed": _Payload(marker)}, f)
    with pytest.raises(InputError, match="pickle with code"):
        read_state_dict(path)
    assert not marker.exists()


def test_truncated_checkpoint(tiny_sam_checkpoint: Path, tmp_path: Path) -> None:
    data = tiny_sam_checkpoint.read_bytes()
    cut = tmp_path / "cut.pth"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or not a PyTorch file"):
        load_sam(cut)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"weight": torch.zeros(2, 2), "bias": torch.zeros(2)}, "not a Segment Anything"),
        ({"model": {"image_encoder.trunk.patch_embed.proj.weight": torch.zeros(1)}}, "SAM 2"),
        ({"vision_encoder.patch_embed.projection.weight": torch.zeros(1)}, "Hugging Face"),
        ({"image_encoder.patch_embed.seq.0.c.weight": torch.zeros(1)}, "MobileSAM"),
        ({"step": 3}, "no tensors"),
    ],
)
def test_other_models_checkpoints(content: dict[str, object], message: str, tmp_path: Path) -> None:
    path = tmp_path / "other.pth"
    torch.save(content, path)
    with pytest.raises(InputError, match=message):
        load_sam(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such checkpoint"):
        load_sam(tmp_path / "absent.pth")
    (tmp_path / "empty.pth").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_sam(tmp_path / "empty.pth")


def test_inconsistent_shapes_are_reported(tiny_sam_checkpoint: Path, tmp_path: Path) -> None:
    state = torch.load(tiny_sam_checkpoint, weights_only=True)
    state["mask_decoder.iou_token.weight"] = torch.zeros(1, 7)
    path = tmp_path / "bad.pth"
    torch.save(state, path)
    with pytest.raises(InputError, match="does not match a custom SAM"):
        load_sam(path)


def test_availability_names_a_missing_package_and_a_missing_checkpoint(tmp_path, monkeypatch):
    import importlib.util

    from levitor_sam.backend import SamSegmenter

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "segment_anything" else real(n, *a)
    )
    avail = SamSegmenter.availability({"checkpoint": str(tmp_path / "sam.pth")})
    assert not avail.ok and avail.reasons == (
        "the segment-anything package is not installed",
        f"SAM checkpoint {tmp_path / 'sam.pth'} does not exist",
    )
