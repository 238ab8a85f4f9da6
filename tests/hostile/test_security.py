"""Issue 13 items 1-3: no decoder outside the allow-list, no terminal injection, no path
escaping the tracks file's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile_files import EPS, png_bytes, write_project, write_tracks
from PIL import EpsImagePlugin

from levitor_studio.backends.file_depth import load_depth_file
from levitor_studio.cli import main
from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.imaging import read_gray, read_mask, read_rgb
from levitor_studio.model.project_io import load_project
from levitor_studio.model.tracks_io import import_tracks

ALLOWED = "not a PNG/JPEG/WebP/TIFF/BMP/GIF image"


@pytest.fixture
def no_ghostscript(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Pillow ever reaches the PostScript decoder."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Ghostscript was started")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", refuse)
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", refuse)


@pytest.mark.parametrize("reader", [read_rgb, read_gray, read_mask, load_depth_file])
def test_postscript_named_png_is_never_decoded(
    reader: Any, tmp_path: Path, no_ghostscript: None
) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(EPS)
    with pytest.raises(InputError) as info:
        reader(path)
    assert str(info.value) == f"{path}: {ALLOWED}"


@pytest.mark.parametrize("member", ["image.png", "masks/1.png"])
def test_postscript_inside_a_project_is_never_decoded(
    member: str, tmp_path: Path, no_ghostscript: None
) -> None:
    path = write_project(tmp_path, members={member: EPS})
    with pytest.raises(ValidationError) as info:
        load_project(path)
    key = "image" if member == "image.png" else "objects[0].mask"
    assert info.value.path == key
    assert str(info.value) == f"{key}: asset {member!r}: not a PNG image"


def test_a_project_asset_must_be_png_even_if_the_format_is_allowed_for_photos(
    tmp_path: Path,
) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buf, format="BMP")
    with pytest.raises(ValidationError, match=r"^image: asset 'image.png': not a PNG image"):
        load_project(write_project(tmp_path, members={"image.png": buf.getvalue()}))


def test_postscript_image_in_a_tracks_file_is_never_decoded(
    tmp_path: Path, no_ghostscript: None
) -> None:
    tracks = write_tracks(tmp_path)
    (tmp_path / "photo.png").write_bytes(EPS)
    with pytest.raises(InputError, match=ALLOWED):
        import_tracks(tracks)


def test_new_from_postscript_exits_2_with_one_line(
    tmp_path: Path, no_ghostscript: None, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.png").write_bytes(EPS)
    assert main(["new", str(tmp_path / "x.png"), "-o", str(tmp_path / "o.levitor")]) == 2
    err = capsys.readouterr().err
    assert err == f"levitor-studio: error: {tmp_path / 'x.png'}: {ALLOWED}\n"


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\r\n"
ESCAPED = "\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil\\x0d\\x0a"


def test_info_escapes_control_characters_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(m: dict[str, Any]) -> None:
        m["source_name"] = HOSTILE
        m["settings"]["generator"] = HOSTILE
        m["objects"][0]["name"] = HOSTILE

    path = write_project(tmp_path, edit)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\u202e" not in out
    assert f"image     {ESCAPED} fitted to 64x48" in out
    assert f"generator {ESCAPED}  seed" in out
    assert f"  #1 '{ESCAPED}' id 1" in out


def test_an_unknown_key_is_escaped_and_the_error_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_project(tmp_path, lambda m: m.update({HOSTILE: 1}))
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"levitor-studio: error: {ESCAPED}: unknown key\n"


@pytest.mark.parametrize("where", ["image", "mask"])
@pytest.mark.parametrize("form", ["dotdot", "absolute"])
def test_tracks_paths_outside_the_tracks_folder_are_refused(
    where: str, form: str, tmp_path: Path
) -> None:
    inner = tmp_path / "shared"
    inner.mkdir()
    tracks = write_tracks(inner)
    secret = tmp_path / "secret.png"
    source = inner / ("photo.png" if where == "image" else "mask.png")
    secret.write_bytes(source.read_bytes())
    name = "../secret.png" if form == "dotdot" else str(secret)
    doc = json.loads(tracks.read_text())
    if where == "image":
        doc["image"] = name
    else:
        doc["objects"][0]["mask"] = name
    tracks.write_text(json.dumps(doc))
    key = "image" if where == "image" else "objects[0].mask"
    with pytest.raises(ValidationError) as info:
        import_tracks(tracks)
    assert info.value.path == key
    assert str(info.value) == (
        f"{key}: {name!r} is outside the tracks file's folder (allow it with --allow-outside-paths)"
    )
    scene = import_tracks(tracks, allow_outside_paths=True)
    assert scene.objects[0].area() == 100


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "shared"
    inner.mkdir()
    tracks = write_tracks(inner)
    (tmp_path / "secret.png").write_bytes((inner / "photo.png").read_bytes())
    (inner / "link.png").symlink_to(tmp_path / "secret.png")
    doc = json.loads(tracks.read_text())
    doc["image"] = "link.png"
    tracks.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="'link.png' is outside the tracks file's folder"):
        import_tracks(tracks)


def test_the_command_line_flag_allows_outside_paths(tmp_path: Path) -> None:
    inner = tmp_path / "shared"
    inner.mkdir()
    tracks = write_tracks(inner)
    (tmp_path / "photo.png").write_bytes(png_bytes(np.full((48, 64, 3), 9, np.uint8)))
    doc = json.loads(tracks.read_text())
    doc["image"] = "../photo.png"
    tracks.write_text(json.dumps(doc))
    out = tmp_path / "o.levitor"
    assert main(["import-tracks", str(tracks), "-o", str(out)]) == 2
    assert not out.exists()
    assert main(["import-tracks", str(tracks), "-o", str(out), "--allow-outside-paths"]) == 0
    assert (load_project(out).image == 9).all()
