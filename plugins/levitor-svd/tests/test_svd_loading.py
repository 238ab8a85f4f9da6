"""Weights folders: what is accepted, and the one-line message for everything that is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from levitor_svd.backend import LeviTorSVDGenerator
from levitor_svd.folders import check_folders, read_header
from levitor_svd.loading import load_pipeline

from levitor_studio.model.errors import InputError

# diffusers' Euler scheduler converts a torch tensor with np.array(), which NumPy 2 flags as a
# DeprecationWarning inside diffusers; not our code, and harmless.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def test_fp16_variant_files_are_found_and_read_from_headers(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root / "controlnet")
    assert {k: w.variant for k, w in layout.weights.items()} == {
        "unet": "fp16",
        "vae": "fp16",
        "image_encoder": "fp16",
        "controlnet": None,
    }
    unet = layout.weights["unet"]
    assert unet.files == (tiny_root / "svd/unet/diffusion_pytorch_model.fp16.safetensors",)
    assert unet.tensors["conv_in.weight"] == ("F16", (32, 8, 3, 3))
    assert layout.weights["controlnet"].tensors["conv_in.weight"] == ("F32", (32, 8, 3, 3))


def test_a_folder_holding_controlnet_is_accepted(tiny_root: Path) -> None:
    layout = check_folders(tiny_root / "svd", tiny_root)
    assert layout.controlnet == tiny_root / "controlnet"


def test_pickle_weights_are_refused_with_the_file_named(tiny_copy) -> None:
    svd, cn = tiny_copy()
    (cn / "diffusion_pytorch_model.safetensors").rename(cn / "diffusion_pytorch_model.bin")
    with pytest.raises(InputError, match=r"controlnet/diffusion_pytorch_model\.bin: pickle"):
        check_folders(svd, cn)
    avail = LeviTorSVDGenerator.availability({"svd": str(svd), "controlnet": str(cn)})
    assert not avail.ok and "diffusion_pytorch_model.bin: pickle weights are not loaded" in (
        avail.reason
    )


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        ("svd/vae/config.json", r"svd/vae: config\.json is missing"),
        ("svd/model_index.json", r"svd: model_index\.json is missing"),
        (
            "svd/unet/diffusion_pytorch_model.fp16.safetensors",
            r"svd/unet: diffusion_pytorch_model\.safetensors \(or "
            r"diffusion_pytorch_model\.fp16\.safetensors\) is missing",
        ),
        ("svd/feature_extractor/preprocessor_config.json", r"preprocessor_config\.json is missing"),
        ("controlnet/config.json", r"controlnet: config\.json is missing"),
    ],
)
def test_a_missing_file_is_named(tiny_copy, remove: str, message: str) -> None:
    svd, cn = tiny_copy()
    (svd.parent / remove).unlink()
    with pytest.raises(InputError, match=message):
        check_folders(svd, cn)


def test_a_truncated_safetensors_file_is_named(tiny_copy) -> None:
    svd, cn = tiny_copy()
    (svd / "vae/diffusion_pytorch_model.fp16.safetensors").write_bytes(b"\x01")
    with pytest.raises(InputError, match=r"vae/diffusion_pytorch_model\.fp16\.safetensors: not a"):
        check_folders(svd, cn)


def _edit_config(path: Path, **changes: object) -> None:
    config = json.loads(path.read_text())
    config.update(changes)
    path.write_text(json.dumps(config))


def test_weights_that_do_not_match_config_are_refused_before_loading(tiny_copy) -> None:
    svd, cn = tiny_copy()
    _edit_config(cn / "config.json", conditioning_embedding_out_channels=[16, 16, 16, 32])
    layout = check_folders(svd, cn)
    with pytest.raises(
        InputError,
        match=r"controlnet/diffusion_pytorch_model\.safetensors: tensor "
        r"'controlnet_cond_embedding\.conv_in\.weight' has shape \[8, 3, 3, 3\], but "
        r".*controlnet/config\.json needs \[16, 3, 3, 3\]",
    ):
        load_pipeline(layout, "cpu", "fp32")


def test_a_controlnet_with_extra_or_missing_tensors_is_refused(tiny_copy) -> None:
    svd, cn = tiny_copy()
    _edit_config(cn / "config.json", layers_per_block=2)
    with pytest.raises(InputError, match=r"tensor '.*' and \d+ more missing"):
        load_pipeline(check_folders(svd, cn), "cpu", "fp32")
    _edit_config(cn / "config.json", layers_per_block=1, block_out_channels=[32, 64])
    _edit_config(svd / "unet/config.json", layers_per_block=2)
    with pytest.raises(
        InputError, match=r"unet/diffusion_pytorch_model\.fp16\.safetensors: tensor"
    ):
        load_pipeline(check_folders(svd, cn), "cpu", "fp32")


def test_released_style_controlnet_config_loads_through_the_real_loader(tiny_copy) -> None:
    svd, cn = tiny_copy()
    # The released config.json names the original class; the loader must not care.
    _edit_config(cn / "config.json", _class_name="ControlNetSVDModel")
    pipe = load_pipeline(check_folders(svd, cn, prefer_fp16=False), "cpu", "fp32")
    assert type(pipe.controlnet).__name__ == "LeviTorControlNetModel"
    assert type(pipe.unet).__name__ == "ControlledUNetSpatioTemporalModel"
    header = read_header(cn / "diffusion_pytorch_model.safetensors")
    assert set(pipe.controlnet.state_dict()) == set(header)
    assert {str(p.dtype) for p in pipe.unet.parameters()} == {"torch.float32"}


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"svd": ""}, "set the SVD-XT weights folder"),
        ({"controlnet": "/nonexistent/levitor"}, "ControlNet folder /nonexistent/levitor does not"),
        ({"device": "tpu"}, "device must be one of auto, cuda, cpu, not 'tpu'"),
        ({"decode-chunk": "0"}, "decode-chunk must be auto or a number of frames"),
    ],
)
def test_availability_explains_bad_options(options, reason: str, tiny_root: Path) -> None:
    base = {"svd": str(tiny_root / "svd"), "controlnet": str(tiny_root / "controlnet")}
    avail = LeviTorSVDGenerator.availability({**base, **options})
    assert not avail.ok and reason in avail.reason
    assert LeviTorSVDGenerator.availability(base).ok


def test_every_hub_loader_call_is_local_files_only(tiny_root: Path, monkeypatch) -> None:
    # huggingface_hub reads HF_HUB_OFFLINE once, when it is imported: setting the variable at
    # load time is too late once diffusers is loaded, so each call must say local_files_only.
    from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
    from levitor_svd.controlnet import LeviTorControlNetModel
    from levitor_svd.unet import ControlledUNetSpatioTemporalModel
    from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

    calls: list[tuple[str, object]] = []

    def spy(cls: type, name: str) -> None:
        owner = next(k for k in cls.__mro__ if name in vars(k))
        original = vars(owner)[name].__func__

        def wrapper(klass, *args, **kwargs):
            calls.append((f"{klass.__name__}.{name}", kwargs.get("local_files_only")))
            return original(klass, *args, **kwargs)

        monkeypatch.setattr(owner, name, classmethod(wrapper))

    for cls in (
        ControlledUNetSpatioTemporalModel,
        AutoencoderKLTemporalDecoder,
        LeviTorControlNetModel,
        EulerDiscreteScheduler,
        CLIPVisionModelWithProjection,
        CLIPVisionModelWithProjection.config_class,
        CLIPImageProcessor,
    ):
        spy(cls, "from_pretrained")
    spy(AutoencoderKLTemporalDecoder, "load_config")
    load_pipeline(check_folders(tiny_root / "svd", tiny_root / "controlnet"), "cpu", "fp32")
    outer = [c for c in calls if c[1] is not True]
    assert len(calls) >= 11 and not outer, outer


def test_availability_reports_every_missing_folder(tmp_path: Path) -> None:
    svd, cn = tmp_path / "svd", tmp_path / "controlnet"
    avail = LeviTorSVDGenerator.availability({"svd": str(svd), "controlnet": str(cn)})
    assert not avail.ok
    assert avail.reasons == (
        f"SVD-XT folder {svd} does not exist",
        f"ControlNet folder {cn} does not exist",
    )
    assert avail.reason == "; ".join(avail.reasons)
