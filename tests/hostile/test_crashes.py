"""Issue 13 items 8-12: inputs that used to crash outside the error path (exit 1 "internal
error") are refused with the project's own error and one line."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile_files import (
    patch_zip_member,
    png_bytes,
    png_chunk,
    write_project,
    write_tracks,
)

from levitor_studio.backends.file_depth import load_depth_file
from levitor_studio.cli import main
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.imaging import read_rgb
from levitor_studio.model.project_io import load_project
from levitor_studio.model.tracks_io import import_tracks

HUGE_INT = "9" * 5000
DEEP = "[" * 3000 + "]" * 3000


def _one_line_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("levitor-studio: error: ") and err.count("\n") == 1
    return err


# -- 8: JSON numbers and nesting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f'{{"format": "levitor-project", "version": {HUGE_INT}}}', "not usable JSON"),
        (f'{{"format": "levitor-project", "objects": {DEEP}}}', "nested too deeply"),
        ('{"a": ' + "[" * 40 + "]" * 40 + "}", "nested too deeply"),
    ],
)
def test_a_manifest_with_a_huge_integer_or_deep_nesting_is_refused(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_project(tmp_path, manifest_text=text.encode())
    with pytest.raises(ValidationError, match=message):
        load_project(path)
    _one_line_exit_2(["info", str(path)], capsys)


@pytest.mark.parametrize("value", [HUGE_INT, DEEP, "1" + "0" * 400])
def test_a_tracks_file_with_a_huge_integer_or_deep_nesting_is_refused(
    value: str, tmp_path: Path
) -> None:
    tracks = write_tracks(tmp_path)
    tracks.write_text(tracks.read_text().replace('"x": 15', f'"x": {value}'))
    with pytest.raises(ValidationError):
        import_tracks(tracks)


def test_an_integer_too_large_for_a_float_names_its_key(tmp_path: Path) -> None:
    tracks = write_tracks(tmp_path)
    tracks.write_text(tracks.read_text().replace('"x": 15', '"x": 1' + "0" * 400))
    with pytest.raises(ValidationError) as info:
        import_tracks(tracks)
    assert str(info.value) == "objects[0].keyframes[0].x: must be a finite number"


# -- 9: zip members --------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["manifest.json", "depth.npy", "image.png"])
@pytest.mark.parametrize(
    "fields",
    [{"method": 99}, {"flags": 1}, {"version": 99}, {"corrupt": 12}],
    ids=["method", "encrypted", "version", "deflate"],
)
def test_damaged_zip_members_are_refused(
    member: str, fields: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_project(tmp_path)
    patch_zip_member(path, member, **fields)
    with pytest.raises(InputError, match="damaged|not a LeviTor project"):
        load_project(path)
    _one_line_exit_2(["info", str(path)], capsys)


# -- 10: .npy assets -------------------------------------------------------------------------


def _npz() -> bytes:
    import io

    buf = io.BytesIO()
    np.savez(buf, depth=np.full((48, 64), 0.5, np.float32))
    return buf.getvalue()


def _npy_header(shape: str, descr: str = "<f4") -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (63 - len(header) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_npz(), "not a plain .npy array"),
        (_npy_header("(48, 64"), "not a plain .npy array"),
        (b"\x93NUMPY\x01\x00\xff\xff{'descr'", "not a plain .npy array"),
        (_npy_header("(1000000, 1000000)"), r"has shape \(1000000, 1000000\)"),
        (_npy_header("(48, 64)", "|O"), "not a plain .npy array|Python objects"),
        (_npy_header("(48, 64)"), "truncated"),
        (_npy_header("(48, 64)", "<i4") + bytes(48 * 64 * 4), "expected floats"),
    ],
    ids=["npz", "header-syntax", "header-length", "terabytes", "objects", "truncated", "ints"],
)
def test_bad_depth_arrays_in_a_project_are_refused(
    data: bytes, message: str, tmp_path: Path
) -> None:
    path = write_project(tmp_path, members={"depth.npy": data})
    with pytest.raises(ValidationError, match=message) as info:
        load_project(path)
    assert info.value.path == "depth"


def test_a_depth_file_declaring_terabytes_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "d.npy"
    path.write_bytes(_npy_header("(1000000, 1000000)"))
    with pytest.raises(InputError, match="declares 4,000,000,000,000 bytes"):
        load_depth_file(path)


def test_an_npz_given_as_a_depth_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.npy"
    path.write_bytes(_npz())
    with pytest.raises(InputError, match="not a plain .npy array"):
        load_depth_file(path)


# -- 11: PNG chunks --------------------------------------------------------------------------


def _png_with(chunk: bytes) -> bytes:
    good = png_bytes(np.zeros((48, 64, 3), np.uint8))
    return good[:33] + chunk + good[33:]  # after the signature and IHDR


@pytest.mark.parametrize(
    "data",
    [
        _png_with(b"\x00\x00\x00\x04tEXtab"),  # truncated chunk, broken CRC
        _png_with(png_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"x" * 2_000_000))),
        _png_with(png_chunk(b"iCCP", b"p\x00\x00" + zlib.compress(b"x" * 2_000_000))),
        png_bytes(np.zeros((48, 64, 3), np.uint8))[:-30],
    ],
    ids=["broken-chunk", "huge-text", "huge-icc", "truncated"],
)
def test_png_chunks_pillow_refuses_are_input_errors(data: bytes, tmp_path: Path) -> None:
    path = write_project(tmp_path, members={"image.png": data})
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert info.value.path == "image"
    (tmp_path / "photo.png").write_bytes(data)
    with pytest.raises(InputError):
        read_rgb(tmp_path / "photo.png")


# -- 12: lone surrogates and NUL -------------------------------------------------------------


@pytest.mark.parametrize("text", ["\ud800", "a\x00b"])
def test_lone_surrogates_and_nul_in_names_are_refused(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(m: dict[str, Any]) -> None:
        m["objects"][0]["name"] = text

    path = write_project(tmp_path, edit)
    with pytest.raises(ValidationError) as info:
        load_project(path)
    assert info.value.path == "objects[0].name"
    _one_line_exit_2(["info", str(path)], capsys)


@pytest.mark.parametrize("text", ["\ud800.png", "photo\x00.png"])
@pytest.mark.parametrize("key", ["image", "mask"])
def test_lone_surrogates_and_nul_in_tracks_paths_are_refused(
    text: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracks = write_tracks(tmp_path)
    doc = json.loads(tracks.read_text())
    if key == "image":
        doc["image"] = text
    else:
        doc["objects"][0]["mask"] = text
    tracks.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as info:
        import_tracks(tracks)
    assert info.value.path == ("image" if key == "image" else "objects[0].mask")
    _one_line_exit_2(["import-tracks", str(tracks), "-o", str(tmp_path / "o.levitor")], capsys)


def test_a_zip_member_name_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = write_project(tmp_path, members={"masks/9.png": b"x"})
    patch_zip_member(path, "masks/9.png", flags=0x800)  # the name is declared UTF-8...
    path.write_bytes(path.read_bytes().replace(b"masks/9.png", b"masks/\xff.png"))  # ...but is not
    with pytest.raises(InputError, match="not a LeviTor project"):
        load_project(path)


def test_a_tracks_path_too_long_for_the_file_system_is_refused(tmp_path: Path) -> None:
    tracks = write_tracks(tmp_path)
    doc = json.loads(tracks.read_text())
    doc["image"] = "x" * 5000  # found by the fuzz test (tracks:1883): OSError ENAMETOOLONG
    tracks.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as info:
        import_tracks(tracks)
    assert info.value.path == "image" and "File name too long" in str(info.value)


def test_a_bug_exits_1_with_one_line_and_its_traceback_in_the_log(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    private_log: Path,
) -> None:
    from levitor_studio import commands_cli

    def broken(args: object) -> int:
        raise ZeroDivisionError("division by zero\nin step 3")

    monkeypatch.delenv("LEVITOR_DEBUG", raising=False)
    monkeypatch.setattr(commands_cli, "cmd_info", broken)
    assert main(["info", str(tmp_path / "p.levitor")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("levitor-studio: internal error: ZeroDivisionError: division by zero")
    assert err.count("\n") == 1 and "Show Log" in err
    text = (private_log / "levitor-studio.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in step 3" in text
