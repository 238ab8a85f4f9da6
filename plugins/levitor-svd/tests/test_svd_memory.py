"""The memory estimate: weights from safetensors headers, activations per phase."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
from levitor_svd.folders import Layout, Weights, check_folders
from levitor_svd.memory import (
    AUTOCAST_DENOISE_FACTOR,
    DECODE_FACTOR,
    DENOISE_FACTOR,
    GB,
    OVERHEAD,
    component_dtypes,
    estimate,
    largest_unit,
)

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_svd.py"


@pytest.fixture(scope="module")
def real_layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """Header-only files with the real SVD-XT + ControlNet shapes, written by the benchmark."""
    spec = importlib.util.spec_from_file_location("bench_svd", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    layout: Layout = bench.real_size_layout(tmp_path_factory.mktemp("real_headers"))
    return layout


@pytest.fixture(scope="module")
def tiny_counts() -> dict[str, int]:
    """Parameters of the tiny models, counted on the models themselves (not from headers)."""
    from levitor_svd.tiny import build_tiny_components

    parts = build_tiny_components(0)
    return {
        k: sum(p.numel() for p in parts[k].parameters())  # type: ignore[attr-defined]
        for k in ("unet", "vae", "image_encoder", "controlnet")
    }


GIB = 2**30
#: the calibration figures, written out here rather than imported from the code under test
DENOISE_PER_BYTE, AUTOCAST_DENOISE, DECODE_PER_BYTE, CONTEXT = 64.0, 128.0, 14.0, 0.6 * GIB


def test_weights_come_from_headers_and_phases_add_up(tiny_root: Path, tiny_counts) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    assert {k: w.numel() for k, w in layout.weights.items()} == tiny_counts
    e = estimate(layout, frames=4, height=64, width=64, precision="fp16", decode_chunk=2)
    assert e.weights == {k: 2 * n for k, n in tiny_counts.items()}
    everything = 2 * sum(tiny_counts.values())
    denoise = 64.0 * 8 * 2 * 32 * 8 * 8  # 2×4 images, 2 bytes, c0 = 32, 8×8 latents
    assert e.phases["denoise"] == int(everything + denoise + 0.6 * GIB)
    decode = 14.0 * 2 * 64 * 64 * 32 * 2 + 4 * 3 * 64 * 64 * 4  # chunk 2, vae c0 32; fp32 frames
    assert e.phases["decode"] == int(everything + decode + 0.6 * GIB)
    encode = 14.0 * 64 * 64 * 32 * 4  # one frame, upcast to fp32
    assert e.phases["encode"] == int(everything + encode + 0.6 * GIB)
    assert e.peak == max(e.phases.values())
    assert (DENOISE_FACTOR, DECODE_FACTOR, OVERHEAD) == (DENOISE_PER_BYTE, DECODE_PER_BYTE, CONTEXT)
    assert AUTOCAST_DENOISE_FACTOR == AUTOCAST_DENOISE


def test_autocast_keeps_unet_and_controlnet_in_fp32(tiny_root: Path, tiny_counts) -> None:
    assert component_dtypes("autocast") == {
        "unet": "fp32",
        "vae": "fp16",
        "image_encoder": "fp16",
        "controlnet": "fp32",
    }
    assert component_dtypes("autocast", half="bf16")["vae"] == "bf16"
    assert set(component_dtypes("fp16").values()) == {"fp16"}
    with pytest.raises(ValueError, match="precision must be one of autocast, fp16, bf16, fp32"):
        component_dtypes("int8")
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    e = estimate(layout, frames=4, height=64, width=64, precision="autocast", decode_chunk=2)
    c = tiny_counts
    assert e.weights == {
        "unet": 4 * c["unet"],
        "vae": 2 * c["vae"],
        "image_encoder": 2 * c["image_encoder"],
        "controlnet": 4 * c["controlnet"],
    }
    everything = 4 * (c["unet"] + c["controlnet"]) + 2 * (c["vae"] + c["image_encoder"])
    denoise = 128.0 * 8 * 32 * 8 * 8  # bytes are in the autocast factor
    assert e.phases["denoise"] == int(everything + denoise + 0.6 * GIB)
    decode = 14.0 * 2 * 64 * 64 * 32 * 2 + 4 * 3 * 64 * 64 * 4  # the VAE stays fp16
    assert e.phases["decode"] == int(everything + decode + 0.6 * GIB)
    fp32 = estimate(layout, frames=4, height=64, width=64, precision="fp32", decode_chunk=2)
    assert fp32.phases["denoise"] == int(4 * sum(c.values()) + 64.0 * 8 * 4 * 32 * 64 + 0.6 * GIB)


def test_offload_guidance_and_chunking_move_the_right_phase(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    base = estimate(layout, 16, 512, 288, "fp16", decode_chunk=16)
    off = estimate(layout, 16, 512, 288, "fp16", offload="model", decode_chunk=16)
    w = base.weights
    assert base.phases["denoise"] - off.phases["denoise"] == w["vae"] + w["image_encoder"]
    assert base.phases["decode"] - off.phases["decode"] == sum(w.values()) - w["vae"]
    no_cfg = estimate(layout, 16, 512, 288, "fp16", guidance=False, decode_chunk=16)
    act = base.phases["denoise"] - sum(w.values()) - 0.6 * GIB
    assert abs((base.phases["denoise"] - no_cfg.phases["denoise"]) - act / 2) <= 1
    chunk4 = estimate(layout, 16, 512, 288, "fp16", decode_chunk=4)
    assert chunk4.phases["decode"] < base.phases["decode"]
    assert chunk4.phases["denoise"] == base.phases["denoise"]
    assert "GB (encode" in base.describe()


def test_real_svd_xt_activation_figures_match_the_measurement(tiny_root: Path) -> None:
    # The factors reproduce what bench/bench_svd.py measured for the real architecture.
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    unet_cfg = json.loads((layout.svd / "unet/config.json").read_text())
    assert unet_cfg["block_out_channels"][0] == 32  # tiny; the real figures below use 320
    denoise = DENOISE_FACTOR * 32 * 2 * 320 * 64 * 36
    decode = DECODE_FACTOR * 16 * 512 * 288 * 128 * 2
    assert 2.74 <= denoise / GB <= 2.9
    assert 7.85 <= decode / GB <= 7.95
    autocast = AUTOCAST_DENOISE_FACTOR * 32 * 320 * 64 * 36  # measured 2.785 GB
    assert 2.785 <= autocast / GB <= 2.85


def test_sequential_keeps_only_the_largest_parameter_owning_module(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    units = {k: largest_unit(w) for k, w in layout.weights.items()}
    # The tiny UNet's largest owner, found by hand: a module whose weight+bias outweighs others.
    unet = layout.weights["unet"].tensors
    owners: dict[str, int] = {}
    for name, (_dtype, shape) in unet.items():
        owners[name.rsplit(".", 1)[0]] = owners.get(name.rsplit(".", 1)[0], 0) + math.prod(shape)
    assert units["unet"] == max(owners.values()) < layout.weights["unet"].numel() // 10
    seq = estimate(layout, 16, 512, 288, "fp16", offload="sequential", decode_chunk=4)
    model = estimate(layout, 16, 512, 288, "fp16", offload="model", decode_chunk=4)
    assert model.phases["denoise"] - seq.phases["denoise"] == (
        model.weights["unet"]
        + model.weights["controlnet"]
        - 2 * max(units["unet"], units["controlnet"])
    )
    assert seq.phases["decode"] == model.phases["decode"] - model.weights["vae"] + 2 * units["vae"]
    enc = max(units["image_encoder"], units["vae"])
    assert seq.phases["encode"] == model.phases["encode"] - (
        model.weights["image_encoder"] + model.weights["vae"] - 2 * enc
    )
    with pytest.raises(ValueError, match="offload must be one of"):
        estimate(layout, 4, 64, 64, "fp16", offload="disk")  # type: ignore[arg-type]


def test_largest_unit_groups_tensors_by_owner() -> None:
    w = Weights(
        Path("x"),
        (Path("x/m.safetensors"),),
        None,
        {
            "a.weight": ("F16", (10, 4)),
            "a.bias": ("F16", (10,)),
            "b.proj.weight": ("F16", (6, 8)),
            "cls": ("F16", (3,)),
        },
    )
    assert largest_unit(w) == 50  # a: 40 + 10 beats b.proj's 48


@pytest.mark.parametrize(
    ("precision", "offload", "chunk", "peak_gb"),
    [
        ("fp16", "none", 16, 14.0),
        ("fp16", "none", 4, 8.9),
        ("fp16", "model", 16, 8.7),
        ("fp16", "model", 4, 7.5),
        ("fp16", "sequential", 16, 8.5),
        ("fp16", "sequential", 4, 3.5),
        ("autocast", "none", 16, 18.1),
        ("autocast", "none", 4, 13.0),
        ("autocast", "model", 16, 11.6),
        ("autocast", "model", 4, 11.6),
        ("autocast", "sequential", 16, 8.5),
        ("autocast", "sequential", 4, 3.5),
    ],
)
def test_real_svd_xt_estimate_table(
    real_layout, precision: str, offload: str, chunk: int, peak_gb: float
) -> None:
    # docs/benchmarks.md's table: the real architecture's header shapes, 16×288×512, CFG.
    e = estimate(real_layout, 16, 512, 288, precision, True, offload, chunk)  # type: ignore[arg-type]
    assert round(e.peak / GB, 1) == peak_gb


def test_real_svd_xt_autocast_denoise_by_hand(real_layout) -> None:
    counts = {k: w.numel() for k, w in real_layout.weights.items()}
    # SVD-XT's UNet, the temporal VAE, CLIP-H and the released ControlNet (671 tensors)
    assert counts == {
        "unet": 1_524_623_082,
        "vae": 97_742_847,
        "image_encoder": 632_076_800,
        "controlnet": 682_021_537,
    }
    weights = 4 * (1_524_623_082 + 682_021_537) + 2 * (97_742_847 + 632_076_800)
    activations = 128 * 32 * 320 * 64 * 36  # 32 images, c0 320, 64×36 latents
    e = estimate(real_layout, 16, 512, 288, "autocast", True, "none", 16)
    assert e.phases["denoise"] == int(weights + activations + 0.6 * GIB) == 13_950_361_744


def test_real_svd_xt_largest_units(real_layout) -> None:
    mib = {k: round(largest_unit(w) * 2 / 2**20, 1) for k, w in real_layout.weights.items()}
    assert mib == {"unet": 56.3, "vae": 4.5, "image_encoder": 12.5, "controlnet": 28.1}
