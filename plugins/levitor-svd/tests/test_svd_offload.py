"""Sequential CPU offload: the option, the plan that picks it, and a real offloaded run."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from levitor_svd import backend as backend_module
from levitor_svd.backend import LeviTorSVDGenerator
from levitor_svd.folders import check_folders
from levitor_svd.memory import estimate
from levitor_svd.pipeline import LeviTorSVDPipeline

from levitor_studio.model.errors import BackendUnavailable, InputError

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _peaks(options: dict[str, str], chunk: int) -> dict[str, int]:
    layout = check_folders(options["svd"], options["controlnet"], prefer_fp16=False)
    return {
        o: estimate(layout, 4, 64, 64, "fp32", True, o, chunk).peak for o in ("model", "sequential")
    }


def _on_fake_cuda(gen: LeviTorSVDGenerator, monkeypatch, free: int) -> list[object]:
    """Make ``gen`` plan for CUDA with ``free`` bytes, running the offloaded pipeline on the CPU.

    The spy runs diffusers' real ``enable_sequential_cpu_offload`` with the CPU as the execution
    device; diffusers names it ``cpu:0``, and on that device name torch's ``Parameter.to`` returns
    a plain tensor that accelerate cannot move back to meta, so the hooks are pointed at ``cpu``
    (on CUDA the name and the device agree and nothing needs changing).
    """
    calls: list[object] = []
    real = LeviTorSVDPipeline.enable_sequential_cpu_offload

    def spy(pipe: LeviTorSVDPipeline, gpu_id: int | None = None, device: object = None) -> None:
        calls.append(device)
        real(pipe, device="cpu")
        for model in pipe.components.values():
            if isinstance(model, torch.nn.Module):
                for sub in model.modules():
                    hook = getattr(sub, "_hf_hook", None)
                    if getattr(hook, "execution_device", None) is not None:
                        hook.execution_device = torch.device("cpu")

    def no_model_offload(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("model offload was chosen")

    monkeypatch.setattr(LeviTorSVDPipeline, "enable_sequential_cpu_offload", spy)
    monkeypatch.setattr(LeviTorSVDPipeline, "enable_model_cpu_offload", no_model_offload)
    monkeypatch.setattr(backend_module, "free_memory", lambda device: free)
    monkeypatch.setattr(gen, "_device_and_precision", lambda: ("cuda", "fp32"))
    return calls


def test_the_plan_picks_sequential_when_only_it_fits(options, make_request, monkeypatch) -> None:
    peaks = _peaks(options, 4)
    assert peaks["sequential"] < peaks["model"]
    gen = LeviTorSVDGenerator({**options, "decode-chunk": "4"})
    calls = _on_fake_cuda(gen, monkeypatch, peaks["sequential"])
    gen.generate(make_request())
    assert calls == ["cuda"]
    assert gen.last_record["offload"] == "sequential"
    assert gen.last_record["memory_estimate_gb"] == round(peaks["sequential"] / 1024**3, 2)


def test_sequentially_offloaded_run_gives_the_same_frames(
    options, generator, make_request, monkeypatch
) -> None:
    gen = LeviTorSVDGenerator({**options, "offload": "sequential"})
    calls = _on_fake_cuda(gen, monkeypatch, 10**12)
    frames = gen.generate(make_request(seed=7))
    assert calls == ["cuda"]
    pipe = gen._pipe
    # Every model, the ControlNet included, is hooked and keeps its weights off the device.
    hooked = {
        name: (hasattr(m, "_hf_hook"), {p.device.type for p in m.parameters()})
        for name, m in pipe.components.items()
        if isinstance(m, torch.nn.Module)
    }
    assert hooked == dict.fromkeys(("vae", "image_encoder", "unet", "controlnet"), (True, {"meta"}))
    # The pipeline's own tensors follow the execution device, not ``pipe.device`` (meta).
    assert pipe.device.type == "meta" and pipe._execution_device == torch.device("cpu")
    assert np.array_equal(frames, generator.generate(make_request(seed=7)))


def test_too_little_memory_even_for_sequential_is_refused(options, make_request, monkeypatch):
    gen = LeviTorSVDGenerator({**options, "offload": "model", "decode-chunk": "4"})
    _on_fake_cuda(gen, monkeypatch, _peaks(options, 4)["sequential"])
    with pytest.raises(BackendUnavailable, match=r"not enough memory on cuda: .* try offload=seq"):
        gen.generate(make_request())
    assert gen._pipe is None


def test_a_bad_offload_value_is_one_line(options) -> None:
    with pytest.raises(
        InputError, match=r"^offload must be one of auto, none, model, sequential, "
    ):
        LeviTorSVDGenerator({**options, "offload": "disk"})
    avail = LeviTorSVDGenerator.availability({**options, "offload": "disk"})
    assert not avail.ok and "\n" not in avail.reason and "'disk'" in avail.reason


def test_availability_with_sequential_does_not_import_torch(options) -> None:
    code = (
        "import sys; from levitor_svd.backend import LeviTorSVDGenerator as G; "
        f"a = G.availability({{**{options!r}, 'offload': 'sequential'}}); "
        "print(a.ok, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
