"""The memory estimate: weights from safetensors headers, activations per phase."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
from levitor_svd.folders import Layout, Weights, check_folders
from levitor_svd.memory import (
    DECODE_FACTOR,
    DENOISE_FACTOR,
    GB,
    OVERHEAD,
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


def test_weights_come_from_headers_and_phases_add_up(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    counts = {k: w.numel() for k, w in layout.weights.items()}
    header = layout.weights["unet"].tensors
    assert counts["unet"] == sum(math.prod(s) for _, s in header.values())
    e = estimate(layout, frames=4, height=64, width=64, dtype_bytes=2, decode_chunk=2)
    assert e.weights == {k: 2 * n for k, n in counts.items()}
    everything = sum(e.weights.values())
    denoise = DENOISE_FACTOR * 8 * 2 * 32 * 8 * 8  # 2×4 images, c0 = 32, 8×8 latents
    assert e.phases["denoise"] == int(everything + denoise + OVERHEAD)
    decode = DECODE_FACTOR * 2 * 64 * 64 * 32 * 2 + 4 * 3 * 64 * 64 * 4
    assert e.phases["decode"] == int(everything + decode + OVERHEAD)
    assert e.peak == max(e.phases.values())


def test_offload_guidance_and_chunking_move_the_right_phase(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    base = estimate(layout, 16, 512, 288, 2, decode_chunk=16)
    off = estimate(layout, 16, 512, 288, 2, offload="model", decode_chunk=16)
    w = base.weights
    assert base.phases["denoise"] - off.phases["denoise"] == w["vae"] + w["image_encoder"]
    assert base.phases["decode"] - off.phases["decode"] == sum(w.values()) - w["vae"]
    no_cfg = estimate(layout, 16, 512, 288, 2, guidance=False, decode_chunk=16)
    act = base.phases["denoise"] - sum(w.values()) - OVERHEAD
    assert abs((base.phases["denoise"] - no_cfg.phases["denoise"]) - act / 2) <= 1
    chunk4 = estimate(layout, 16, 512, 288, 2, decode_chunk=4)
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


def test_sequential_keeps_only_the_largest_parameter_owning_module(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    units = {k: largest_unit(w) for k, w in layout.weights.items()}
    # The tiny UNet's largest owner, found by hand: a module whose weight+bias outweighs others.
    unet = layout.weights["unet"].tensors
    owners: dict[str, int] = {}
    for name, (_dtype, shape) in unet.items():
        owners[name.rsplit(".", 1)[0]] = owners.get(name.rsplit(".", 1)[0], 0) + math.prod(shape)
    assert units["unet"] == max(owners.values()) < layout.weights["unet"].numel() // 10
    seq = estimate(layout, 16, 512, 288, 2, offload="sequential", decode_chunk=4)
    model = estimate(layout, 16, 512, 288, 2, offload="model", decode_chunk=4)
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
        estimate(layout, 4, 64, 64, 2, offload="disk")  # type: ignore[arg-type]


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
    ("offload", "chunk", "peak_gb"),
    [
        ("none", 16, 14.0),
        ("none", 4, 8.9),
        ("model", 16, 8.7),
        ("model", 4, 7.5),
        ("sequential", 16, 8.5),
        ("sequential", 4, 3.5),
    ],
)
def test_real_svd_xt_estimate_table(real_layout, offload: str, chunk: int, peak_gb: float) -> None:
    # docs/benchmarks.md's table: the real architecture's header shapes, 16×288×512, fp16, CFG.
    e = estimate(real_layout, 16, 512, 288, 2, True, offload, chunk)  # type: ignore[arg-type]
    assert round(e.peak / GB, 1) == peak_gb


def test_real_svd_xt_largest_units(real_layout) -> None:
    mib = {k: round(largest_unit(w) * 2 / 2**20, 1) for k, w in real_layout.weights.items()}
    assert mib == {"unet": 56.3, "vae": 4.5, "image_encoder": 12.5, "controlnet": 28.1}
