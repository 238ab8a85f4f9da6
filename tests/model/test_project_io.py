from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.model.errors import InputError, ValidationError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.project_io import load_project, manifest_of, save_project
from levitor_studio.model.scene import Scene, snapshot


def _rich_scene() -> Scene:
    scene = make_scene()
    scene.segments = (
        np.arange(scene.width * scene.height, dtype=np.int32).reshape(scene.height, -1) % 5
    )
    scene.objects[0].keyframes.append(Keyframe(7, 3.25, 9.5, 0.75, Easing.EASE_IN_OUT))
    scene.objects[0].keyframes.sort(key=lambda k: k.frame)
    scene.objects[1].points_ratio = 0.5
    scene.source_name = "photo.jpg"
    return scene


def test_round_trip_is_identical(tmp_path: Path) -> None:
    scene = _rich_scene()
    save_project(scene, tmp_path / "p.levitor")
    assert snapshot(load_project(tmp_path / "p.levitor")) == snapshot(scene)


def test_saving_again_keeps_the_previous_file_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.levitor"
    first = _rich_scene()
    save_project(first, path)
    second = _rich_scene()
    second.objects[0].name = "renamed"
    save_project(second, path)
    assert load_project(path).objects[0].name == "renamed"
    assert load_project(tmp_path / "p.levitor.bak").objects[0].name == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.levitor", "p.levitor.bak"]


def test_a_save_killed_midway_leaves_the_previous_project_loadable(tmp_path: Path) -> None:
    path = tmp_path / "p.levitor"
    save_project(_rich_scene(), path)
    script = f"""
import os, zipfile
from scenes import make_scene
from levitor_studio.model import project_io
real = zipfile.ZipFile.writestr
def die(self, name, data, *a, **k):
    real(self, name, data, *a, **k)
    if name.startswith("masks/"):
        os._exit(9)   # killed in the middle of writing the archive
zipfile.ZipFile.writestr = die
scene = make_scene(); scene.objects[0].name = "half-written"
project_io.save_project(scene, {str(path)!r})
"""
    env_path = str(Path(__file__).resolve().parents[1])
    proc = subprocess.run([sys.executable, "-c", script], env={"PYTHONPATH": env_path}, check=False)
    assert proc.returncode == 9
    assert load_project(path).objects[0].name == "a"


def _write(
    tmp_path: Path,
    manifest: dict[str, Any],
    extra: dict[str, bytes] | None = None,
    base: Scene | None = None,
) -> Path:
    """A project whose manifest was edited (assets from a valid save)."""
    good = tmp_path / "good.levitor"
    save_project(base or make_scene(), good)
    bad = tmp_path / "bad.levitor"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            if info.filename != "manifest.json":
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("manifest.json", json.dumps(manifest))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return bad


def _manifest() -> dict[str, Any]:
    return manifest_of(make_scene())


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda m: m.update(colour=1), "colour"),
        (lambda m: m["objects"][0].update(shape="x"), "objects[0].shape"),
        (lambda m: m.update(frames="16"), "frames"),
        (
            lambda m: m["objects"][0]["keyframes"][1].update(frame=16),
            "objects[0].keyframes[1].frame",
        ),
        (lambda m: m["objects"][0]["keyframes"][1].update(z=1.5), "objects[0].keyframes[1].z"),
        (lambda m: m["objects"][0]["keyframes"][0].update(z=0), "objects[0].keyframes[0].z"),
        (lambda m: m.update(size=[60, 48]), "size"),
        (lambda m: m["objects"][1].update(uid=1), "objects[1].uid"),
        (lambda m: m["settings"].update(steps=0), "settings.steps"),
        (lambda m: m.pop("fps"), "fps"),
        # json.dumps writes NaN / Infinity, which Python's json module reads back by default
        (
            lambda m: m["objects"][0]["keyframes"][0].update(x=float("nan")),
            "objects[0].keyframes[0].x",
        ),
        (
            lambda m: m["objects"][0]["keyframes"][0].update(z=float("nan")),
            "objects[0].keyframes[0].z",
        ),
        (lambda m: m.update(fps=float("inf")), "fps"),
        (lambda m: m["settings"].update(control_scale=float("nan")), "settings.control_scale"),
        (lambda m: m.update(frames=16.0), "frames"),  # a float frame count breaks range()
        (lambda m: m["settings"].update(seed=2**64), "settings.seed"),
        (lambda m: m.update(size=[4096, 4096]), "size"),  # each side fits; the area does not
    ],
)
def test_bad_manifests_name_the_failing_key(tmp_path: Path, edit: Any, path: str) -> None:
    manifest = _manifest()
    edit(manifest)
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, manifest))
    assert info.value.path == path
    assert str(info.value).startswith(path + ": ")


def test_a_member_escaping_the_archive_is_refused(tmp_path: Path) -> None:
    bad = _write(tmp_path, _manifest(), {"../x": b"evil"})
    with pytest.raises(InputError, match=r"'\.\./x'.*escapes"):
        load_project(bad)


def test_a_pickled_npy_is_refused(tmp_path: Path) -> None:
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    bad = tmp_path / "p.levitor"
    scene = make_scene()
    save_project(scene, bad)
    manifest = manifest_of(scene)
    bad = _write(tmp_path, manifest)
    with zipfile.ZipFile(bad, "a") as zf:
        with pytest.warns(UserWarning):  # zipfile warns about the duplicate name on purpose
            zf.writestr("depth.npy", buf.getvalue())
    with pytest.raises(ValidationError, match="depth"):
        load_project(bad)


def test_wrong_mask_size_is_named(tmp_path: Path) -> None:
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(png, format="PNG")
    manifest = _manifest()
    manifest["objects"][0]["mask"] = "masks/small.png"
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, manifest, {"masks/small.png": png.getvalue()}))
    assert info.value.path == "objects[0].mask"


def test_an_image_larger_than_the_manifest_says_is_refused_before_decoding(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # a header declaring 9000×9000 RGB (243 MB decoded; under PIL's own bomb limit), no data
    ihdr = struct.pack(">IIBBBBB", 9000, 9000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    manifest = _manifest()
    manifest["image"] = "big.png"
    with pytest.raises(ValidationError) as info:
        load_project(_write(tmp_path, manifest, {"big.png": bomb}))
    assert info.value.path == "image"
    assert "is 9000x9000, the scene is 64x48" in str(info.value)  # refused from the header


def test_numpy_scalars_in_keys_and_timing_save_as_plain_json(tmp_path: Path) -> None:
    scene = make_scene()
    scene.objects[0].keyframes[1] = Keyframe(
        np.int64(9), np.float32(2.5), np.float64(3.0), np.float32(0.5)
    )
    scene.fps = np.float32(12.0)  # type: ignore[assignment]
    save_project(scene, tmp_path / "p.levitor")
    loaded = load_project(tmp_path / "p.levitor")
    assert loaded.objects[0].keyframes[1] == Keyframe(9, 2.5, 3.0, 0.5)
    assert loaded.fps == 12.0


@pytest.mark.parametrize("content", [b"", b"not a zip at all", None])
def test_truncated_or_non_zip_files_are_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "p.levitor"
    if content is None:
        save_project(make_scene(), path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match="not a LeviTor project"):
        load_project(path)


def test_a_newer_version_is_refused_with_a_message(tmp_path: Path) -> None:
    manifest = _manifest()
    manifest["version"] = 7
    with pytest.raises(ValidationError, match="newer"):
        load_project(_write(tmp_path, manifest))


def test_an_exif_rotated_photo_is_read_upright(tmp_path: Path) -> None:
    from PIL import Image

    from levitor_studio.model.imaging import read_rgb

    wide = np.zeros((20, 40, 3), np.uint8)
    wide[:, :20] = 255  # left half white
    img = Image.fromarray(wide)
    exif = img.getexif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    img.save(tmp_path / "phone.jpg", exif=exif, quality=95)
    upright = read_rgb(tmp_path / "phone.jpg")
    assert upright.shape == (40, 20, 3)  # portrait, as a viewer shows it
    assert upright[:20].mean() > 200 and upright[20:].mean() < 50  # white half now on top


def test_saved_files_get_normal_permissions(tmp_path: Path) -> None:
    import os
    import stat

    save_project(make_scene(), tmp_path / "p.levitor")
    mode = stat.S_IMODE((tmp_path / "p.levitor").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_hiding_is_not_saved_and_an_older_files_visible_flag_is_ignored(tmp_path: Path) -> None:
    # visibility is view state (model.view_state); projects saved before that carry the flag
    assert "visible" not in manifest_of(make_scene())["objects"][0]
    manifest = _manifest()
    manifest["objects"][1]["visible"] = False
    loaded = load_project(_write(tmp_path, manifest))
    assert snapshot(loaded) == snapshot(make_scene())
    manifest["objects"][1]["visible"] = "no"  # still checked: a wrong type is a named error
    with pytest.raises(ValidationError, match=r"^objects\[1\]\.visible: "):
        load_project(_write(tmp_path, manifest))
