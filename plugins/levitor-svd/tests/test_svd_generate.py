"""End to end on the CPU: tiny folders → the real loader → pipeline → frames; seed, cancel, memory."""

from __future__ import annotations

import numpy as np
import pytest
from levitor_svd import backend as backend_module
from levitor_svd.backend import LeviTorSVDGenerator

from levitor_studio.model.errors import BackendUnavailable, Cancelled, InputError
from levitor_studio.plugin_host.host import create_backend
from levitor_studio.tasks.state import TaskState

# diffusers' Euler scheduler converts a torch tensor with np.array(), which NumPy 2 flags as a
# DeprecationWarning inside diffusers; not our code, and harmless.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def test_generate_returns_uint8_frames_and_records_the_take(generator, make_request) -> None:
    request = make_request(seed=7)
    progress: list[tuple[float, str]] = []
    task = TaskState(on_progress=lambda f, m: progress.append((f, m)))
    frames = generator.generate(request, task)
    assert frames.shape == (4, 64, 64, 3) and frames.dtype == np.uint8
    assert frames.std() > 1.0  # decoded pictures, not a constant fill
    assert [m for _, m in progress] == ["loading LeviTor weights", "step 1/2", "step 2/2", "done"]
    assert progress[-1][0] == 1.0
    record = request.extra["levitor-svd"]
    assert record["seed"] == 7 and record["num_inference_steps"] == 2
    assert record["fps"] == 6 and record["motion_bucket_id"] == 100
    assert record["min_guidance_scale"] == 1.0 and record["max_guidance_scale"] == 3.0
    assert record["controlnet_cond_scale"] == 1.0 and record["noise_aug_strength"] == 0.02
    assert (record["device"], record["dtype"], record["offload"]) == ("cpu", "fp32", "none")
    assert (record["precision"], record["context_order"]) == ("fp32", "levitor")
    assert record["device_name"] == "cpu" and record["low_memory"] is False
    assert record["weights"] == dict.fromkeys(
        ("unet", "vae", "image_encoder", "controlnet"), "fp32"
    )


def test_same_seed_same_frames_other_seed_or_control_other_frames(generator, make_request) -> None:
    first = generator.generate(make_request(seed=7))
    again = generator.generate(make_request(seed=7))
    other_seed = generator.generate(make_request(seed=8))
    moved = generator.generate(make_request(seed=7, shift=8))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other_seed)
    # The control tensor reaches the model: moving the bump changes the frames.
    assert np.abs(first.astype(int) - moved.astype(int)).max() > 0


def test_cancel_after_the_first_step_stops_before_the_second(generator, make_request) -> None:
    messages: list[str] = []
    task = TaskState()

    def on_progress(fraction: float, message: str) -> None:
        messages.append(message)
        if message == "step 1/3":
            task.cancel()

    task._on_progress = on_progress
    with pytest.raises(Cancelled):
        generator.generate(make_request(steps=3), task)
    assert messages == ["loading LeviTor weights", "step 1/3"]
    assert generator._pipe.interrupt is True
    # The next run resets the flag and completes.
    assert generator.generate(make_request(steps=2)).shape == (4, 64, 64, 3)


def test_cancel_before_loading_loads_nothing(options, make_request) -> None:
    fresh = LeviTorSVDGenerator(options)
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        fresh.generate(make_request(), task)
    assert fresh._pipe is None


def test_a_run_that_cannot_fit_is_refused_before_loading(options, make_request, monkeypatch):
    monkeypatch.setattr(backend_module, "free_memory", lambda device: 200 * 1024**2)
    fresh = LeviTorSVDGenerator(options)
    with pytest.raises(BackendUnavailable, match=r"not enough memory on cpu: this run needs about"):
        fresh.generate(make_request())
    assert fresh._pipe is None


def test_attention_slicing_gives_the_same_frames(options, generator, make_request) -> None:
    from diffusers.models.attention_processor import SlicedAttnProcessor

    sliced = LeviTorSVDGenerator({**options, "attention-slicing": "on"})
    a = sliced.generate(make_request(seed=3)).astype(int)
    b = generator.generate(make_request(seed=3)).astype(int)
    assert np.abs(a - b).max() <= 1  # the same maths in another order: rounding only
    assert sliced.last_record["low_memory"] is True

    def slices(model) -> dict[str, int]:
        return {
            name.removesuffix(".transformer_blocks.0.attn1.processor"): p.slice_size
            for name, p in model.attn_processors.items()
            if isinstance(p, SlicedAttnProcessor)
        }

    # Off by default. On: only the spatial self-attentions, one image (= heads rows) per slice;
    # by hand from TINY_UNET: heads 2 at the top level, 4 in the mid block.
    assert slices(generator._pipe.unet) == slices(generator._pipe.controlnet) == {}
    assert slices(sliced._pipe.unet) == {
        "down_blocks.0.attentions.0": 2,
        "mid_block.attentions.0": 4,
        "up_blocks.1.attentions.0": 2,
        "up_blocks.1.attentions.1": 2,
    }
    assert slices(sliced._pipe.controlnet) == {
        "down_blocks.0.attentions.0": 2,
        "mid_block.attentions.0": 4,
    }


def test_bad_requests_and_cpu_fp16_are_refused(options, generator, make_request) -> None:
    request = make_request()
    request.conditioning = request.conditioning[:, :, :32]
    with pytest.raises(InputError, match=r"conditioning must be \(F, 3, 64, 64\)"):
        generator.generate(request)
    for precision in ("fp16", "autocast"):
        with pytest.raises(
            InputError, match=f"^precision={precision} needs a CUDA GPU; use precision=fp32 on"
        ):
            LeviTorSVDGenerator({**options, "device": "cpu", "precision": precision}).generate(
                make_request()
            )
    # the option's former name still works
    with pytest.raises(InputError, match="^precision=fp16 needs a CUDA GPU"):
        LeviTorSVDGenerator({**options, "device": "cpu", "dtype": "fp16"}).generate(make_request())


def test_the_host_creates_it_from_its_entry_point(options) -> None:
    made = create_backend("generator", "levitor-svd", options)
    assert type(made).__name__ == "LeviTorSVDGenerator"
    with pytest.raises(BackendUnavailable, match="levitor-svd: set LeviTor's controlnet folder"):
        create_backend("generator", "levitor-svd", {"svd": options["svd"]})


def test_decode_chunk_splits_vae_decoding(options, make_request) -> None:
    chunked = LeviTorSVDGenerator({**options, "decode-chunk": "2"})
    chunked.generate(make_request())
    vae = chunked._pipe.vae
    sizes: list[int] = []
    original = vae.decode

    def counting(latents, *args, **kwargs):
        sizes.append(int(latents.shape[0]))
        return original(latents, *args, **kwargs)

    vae.decode = counting
    frames = chunked.generate(make_request())
    assert sizes == [2, 2] and frames.shape == (4, 64, 64, 3)
    assert chunked.last_record["decode_chunk"] == 2


def test_auto_decode_chunk_shrinks_only_when_memory_is_short(
    options, make_request, monkeypatch
) -> None:
    from levitor_svd.folders import check_folders
    from levitor_svd.memory import estimate

    layout = check_folders(options["svd"], options["controlnet"], prefer_fp16=False)
    four, two = (estimate(layout, 4, 64, 64, "fp32", True, "none", c).peak for c in (4, 2))
    assert two < four
    monkeypatch.setattr(backend_module, "free_memory", lambda device: (two + four) // 2)
    short = LeviTorSVDGenerator(options)
    assert short.generate(make_request()).shape == (4, 64, 64, 3)
    assert short.last_record["decode_chunk"] == 2
    monkeypatch.setattr(backend_module, "free_memory", lambda device: four)
    roomy = LeviTorSVDGenerator(options)
    roomy.generate(make_request())
    assert roomy.last_record["decode_chunk"] == 4


def car_scene(segments: np.ndarray | None = None):
    """A 64×64, 4-frame scene with one moving car, and its request from the app's own chain."""
    from levitor_studio.api import build_request
    from levitor_studio.model.keyframes import Keyframe
    from levitor_studio.model.scene import GenerationSettings, Scene, SceneObject

    rng = np.random.default_rng(1)
    mask = np.zeros((64, 64), bool)
    mask[24:40, 12:28] = True
    car = SceneObject(
        1, "car", (230, 159, 0), mask, [Keyframe(0, 20, 32, 0.4), Keyframe(3, 44, 28, 0.5)]
    )
    scene = Scene(
        image=rng.integers(0, 256, (64, 64, 3), dtype=np.uint8),
        frames=4,
        depth=np.full((64, 64), 0.8, np.float32),
        objects=[car],
        segments=segments,
        settings=GenerationSettings(generator="levitor-svd", seed=5, steps=2),
    )
    return scene, build_request(scene)  # masks → points → tensor


def test_a_scene_through_the_engine_tensor_to_frames(generator, options) -> None:
    from levitor_studio.api import take_record

    scene, request = car_scene()
    cond = request.conditioning
    assert cond.shape == (4, 3, 64, 64) and cond[:, 0].max() > 200.0  # resized bumps
    assert set(np.unique(cond[:, 1])) >= {0.0, 1.0}  # the car's id reaches the tensor
    frames = generator.generate(request)
    assert frames.shape == (4, 64, 64, 3) and frames.dtype == np.uint8
    assert request.extra["levitor-svd"]["seed"] == 5
    # the take file states how it was computed
    backend = take_record(scene, "levitor-svd", options, request)["backend"]["levitor-svd"]
    assert {k: backend[k] for k in ("device", "dtype", "precision", "context_order")} == {
        "device": "cpu",
        "dtype": "fp32",
        "precision": "fp32",
        "context_order": "levitor",
    }


def test_a_scene_with_300_static_segments_generates(generator) -> None:
    segments = (1 + np.arange(64 * 64) * 300 // (64 * 64)).reshape(64, 64).astype(np.int32)
    assert segments.max() == 300
    _scene, request = car_scene(segments)
    ids = request.conditioning[:, 1]
    # ids past 255 were remapped into the channel, not wrapped to 0 or clipped away
    assert ids.max() == 255.0 and len(np.unique(ids)) > 150
    frames = generator.generate(request)
    assert frames.shape == (4, 64, 64, 3) and frames.dtype == np.uint8
