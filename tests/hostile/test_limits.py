"""Issue 13 items 13 and 15-20: values the renderer cannot use, corrupt signal files, and a few
hundred bytes that must not take gigabytes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile_files import npy_bytes, patch_zip_member, png_bytes, write_project, write_tracks
from PIL import Image
from scenes import make_scene

from levitor_studio import api
from levitor_studio.cli import main
from levitor_studio.engine.signal import build_signal
from levitor_studio.engine.signal_export import read_signal_npz, write_signal_npz
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.imaging import read_gray, read_rgb
from levitor_studio.model.project_io import load_project
from levitor_studio.model.scene import Scene
from levitor_studio.model.tracks_io import import_tracks

# -- 13: key values the schema allowed but the renderer cannot use --------------------------


@pytest.mark.parametrize(
    ("key", "value"), [("x", 1e19), ("y", -1e19), ("x", 1.8e308), ("z", 5e-324), ("z", 0.003)]
)
def test_unusable_key_values_are_refused_with_their_key_path(
    key: str, value: float, tmp_path: Path
) -> None:
    def edit(m: dict[str, Any]) -> None:
        m["objects"][0]["keyframes"][0][key] = value

    with pytest.raises(ValidationError) as info:
        load_project(write_project(tmp_path, edit))
    assert info.value.path == f"objects[0].keyframes[0].{key}"
    tracks = write_tracks(tmp_path)
    doc = json.loads(tracks.read_text())
    doc["objects"][0]["keyframes"][0][key] = value
    tracks.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as info:
        import_tracks(tracks)
    assert info.value.path == f"objects[0].keyframes[0].{key}"


# -- 15: signal files ------------------------------------------------------------------------


def _signal(tmp_path: Path) -> Path:
    path = tmp_path / "s.npz"
    write_signal_npz(build_signal(make_scene(frames=4)), path)
    return path


def _replace_member(path: Path, name: str, data: bytes | None) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    if data is None:
        del members[name]
    else:
        members[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)


def _header_only(shape: tuple[int, ...], descr: str = "<i4") -> bytes:
    import struct

    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (63 - len(header) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: patch_zip_member(p, "tensor.npy", corrupt=40),
            "tensor is not a plain .npy array .Error -3",
        ),
        (lambda p: p.write_bytes(p.read_bytes()[:-200]), "not a control-signal file"),
        (lambda p: _replace_member(p, "format.npy", npy_bytes(np.array(7))), "format holds int64"),
        (lambda p: _replace_member(p, "version.npy", npy_bytes(np.array("1"))), "version holds"),
        (
            lambda p: _replace_member(
                p, "labels.npy", npy_bytes(np.zeros((4, 48, 64), np.float32))
            ),
            "labels holds float32",
        ),
        (
            lambda p: _replace_member(p, "labels.npy", npy_bytes(np.zeros((48, 64), np.int32))),
            r"labels has shape \(48, 64\)",
        ),
        (
            lambda p: _replace_member(p, "labels.npy", _header_only((100000, 2048, 2048))),
            "labels declares 1,677,721,600,000 bytes of data",
        ),
        (
            lambda p: _replace_member(p, "depth.npy", npy_bytes(np.zeros((4, 48, 63), np.float32))),
            r"depth has shape \(4, 48, 63\), expected \(4, 48, 64\)",
        ),
        (lambda p: _replace_member(p, "points.npy", None), "no points"),
        (
            lambda p: _replace_member(p, "point_offsets.npy", npy_bytes(np.array([0, 1, 2, 3, 9]))),
            "point offsets do not match",
        ),
    ],
    ids=[
        "zlib",
        "eof",
        "format-type",
        "version-type",
        "labels-float",
        "labels-2d",
        "huge",
        "depth-shape",
        "missing",
        "offsets",
    ],
)
def test_corrupt_signal_files_are_input_errors(change: Any, message: str, tmp_path: Path) -> None:
    path = _signal(tmp_path)
    change(path)
    with pytest.raises(InputError, match=message):
        read_signal_npz(path)


def test_members_a_signal_does_not_need_are_not_read(tmp_path: Path) -> None:
    path = _signal(tmp_path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("extra.npy", _header_only((10**9, 10**9)))  # would be terabytes
        zf.writestr("junk.bin", b"\x00" * 10)
    patch_zip_member(path, "junk.bin", method=99)  # unreadable, and never opened
    signal = read_signal_npz(path)
    assert signal.labels.shape == (4, 48, 64)


# -- 16: aspect ratios the working size cannot hold ------------------------------------------


def test_a_one_pixel_wide_strip_is_refused_for_crop_and_letterboxed_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strip = tmp_path / "strip.png"
    strip.write_bytes(png_bytes(np.full((10_000, 1, 3), 200, np.uint8)))
    out = tmp_path / "s.levitor"
    assert main(["new", str(strip), "-o", str(out), "--no-segments", "--fit", "crop"]) == 2
    assert capsys.readouterr().err == (
        "levitor-studio: error: a 1x10000 image is too narrow or too wide to fill 288x512: "
        "use letterbox fit or crop the image first\n"
    )
    assert not out.exists()
    scene = api.new_scene(strip, fit="letterbox")
    assert scene.size == (288, 512)
    assert int((scene.image.sum(axis=2) > 0).sum()) == 512  # one column of the strip, bars beside


# -- 17: segment labels ----------------------------------------------------------------------


def test_a_huge_segment_label_is_renumbered_compactly(tmp_path: Path) -> None:
    seg = np.zeros((48, 64), np.int32)
    seg[:10] = 2**31 - 1
    seg[20:] = 7
    project = write_project(tmp_path, members={"segments.npy": npy_bytes(seg)})
    segments = load_project(project).segments
    assert segments is not None
    expected = np.zeros((48, 64), np.int32)
    expected[:10] = 2
    expected[20:] = 1
    np.testing.assert_array_equal(segments, expected)


@pytest.mark.parametrize(
    ("seg", "message"),
    [
        (np.arange(48 * 64, dtype=np.int64).reshape(48, 64) * 1000, "3,071 static segments"),
        (np.full((48, 64), -3, np.int32), "segment label -3 is negative"),
        (np.arange(48 * 64, dtype=np.uint64).reshape(48, 64) + 2**63, "3,072 static segments"),
    ],
    ids=["too-many", "negative", "uint64"],
)
def test_too_many_or_negative_segments_are_refused(
    seg: np.ndarray, message: str, tmp_path: Path
) -> None:
    project = write_project(tmp_path, members={"segments.npy": npy_bytes(seg)})
    with pytest.raises(ValidationError, match=message) as info:
        load_project(project)
    assert info.value.path == "segments"


# -- 18: frames and size caps ----------------------------------------------------------------


def test_more_frames_than_supported_are_refused_everywhere(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        load_project(write_project(tmp_path, lambda m: m.update(frames=1024)))
    assert info.value.path == "frames"
    with pytest.raises(InputError, match="frames 1024 must be a whole number 2…128"):
        api.new_scene(tmp_path / "photo.png" if False else _photo(tmp_path), frames=1024)


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(np.zeros((48, 64, 3), np.uint8)))
    return path


def test_a_clip_past_the_memory_budget_is_refused_before_rendering() -> None:
    scene = Scene(image=np.zeros((2048, 2048, 3), np.uint8), frames=128)
    with pytest.raises(InputError) as info:
        build_signal(scene)
    assert str(info.value) == (
        "128 frames at 2048x2048 would need about 16.0 GB of memory (at most 4 GB): "
        "use fewer frames or a smaller size"
    )


def test_render_of_a_clip_past_the_budget_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from levitor_studio.model.project_io import save_project

    scene = Scene(image=np.zeros((2048, 2048, 3), np.uint8), frames=128)
    save_project(scene, tmp_path / "big.levitor")
    assert main(["render", str(tmp_path / "big.levitor"), "-o", str(tmp_path / "v.mp4")]) == 2
    assert "would need about 16.0 GB of memory" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.levitor"]


# -- 19: manifest size and object count ------------------------------------------------------


def test_a_manifest_that_inflates_past_the_cap_is_refused_unread(tmp_path: Path) -> None:
    text = b'{"format": "levitor-project"' + b" " * 9_000_000 + b"}"
    path = write_project(tmp_path, manifest_text=text)
    assert path.stat().st_size < 100_000
    with pytest.raises(ValidationError, match="expands to 9,000,029 bytes"):
        load_project(path)


def test_a_million_empty_objects_are_refused_by_count(tmp_path: Path) -> None:
    members: dict[str, bytes] = {}
    path = write_project(tmp_path, lambda m: m.update(objects=[{}] * 1_000_000), members)
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert str(info.value) == "objects: 1,000,000 objects (at most 254)"


def test_an_archive_with_too_many_members_is_refused(tmp_path: Path) -> None:
    path = write_project(tmp_path, members={f"pad/{i}": b"" for i in range(300)})
    with pytest.raises(InputError, match="archive holds 306 members .at most 270."):
        load_project(path)


# -- 20: 16-bit grey images ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_grey_images_are_scaled_not_clipped(fmt: str, tmp_path: Path) -> None:
    values = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
    buf = io.BytesIO()
    Image.fromarray(values).save(buf, format=fmt)
    path = tmp_path / f"grey.{fmt.lower()}"
    path.write_bytes(buf.getvalue())
    rgb = read_rgb(path)
    assert rgb.shape == (1, 4, 3)
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 1, 128, 255])
    assert (rgb[..., 0] == rgb[..., 2]).all()
    np.testing.assert_array_equal(read_gray(path), values)  # depth keeps its 16 bits
