"""Minimal hostile files made by the tests (importable as ``hostile_files``)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from scenes import make_scene

from levitor_studio.model.project_io import save_project

#: an Encapsulated PostScript file: Pillow would hand it to Ghostscript if it were tried
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\nnewpath 0 0 moveto showpage\n%%EOF\n"


def png_bytes(array: np.ndarray, **save: Any) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG", **save)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def project_members(tmp_path: Path) -> dict[str, bytes]:
    """The members of a small valid project (64×48, two objects, depth, segments)."""
    scene = make_scene()
    scene.segments = (np.arange(64 * 48, dtype=np.int32).reshape(48, 64) // 700).astype(np.int32)
    path = tmp_path / "valid.levitor"
    save_project(scene, path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    path.unlink()
    (tmp_path / "valid.levitor.bak").unlink(missing_ok=True)
    return members


def write_project(
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None] | None = None,
    members: dict[str, bytes] | None = None,
    name: str = "p.levitor",
    manifest_text: bytes | None = None,
) -> Path:
    """A project with its manifest edited and members replaced or added."""
    parts = project_members(tmp_path)
    manifest = json.loads(parts["manifest.json"])
    if edit is not None:
        edit(manifest)
    parts["manifest.json"] = manifest_text or json.dumps(manifest).encode("utf-8")
    parts.update(members or {})
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
    return path


def write_tracks(tmp_path: Path, doc: dict[str, Any] | None = None, **changes: Any) -> Path:
    """A tracks file beside a 64×48 image and one mask (``changes`` update the document)."""
    image = np.zeros((48, 64, 3), np.uint8)
    image[..., 0] = np.arange(64, dtype=np.uint8)[None, :] * 3
    (tmp_path / "photo.png").write_bytes(png_bytes(image))
    mask = np.zeros((48, 64), np.uint8)
    mask[10:20, 10:20] = 255
    (tmp_path / "mask.png").write_bytes(png_bytes(mask))
    base = {
        "format": "levitor-tracks",
        "version": 1,
        "image": "photo.png",
        "size": [64, 48],
        "frames": 16,
        "objects": [
            {
                "name": "box",
                "mask": "mask.png",
                "keyframes": [{"frame": 0, "x": 15, "y": 15, "z": 0.5}],
            }
        ],
    }
    base.update(doc or {})
    base.update(changes)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(base))
    return path


def patch_zip_member(path: Path, name: str, **fields: int) -> None:
    """Rewrite header fields of member ``name`` in both its local and central headers.

    ``method`` (compression), ``flags`` (bit 0: encrypted) and ``version`` (needed to
    extract) are the fields a hostile archive plays with; ``corrupt`` flips its data bytes.
    """
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        central = zf.start_dir  # the first central header
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    while True:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name.encode():
            break
        extra, comment = struct.unpack_from("<HH", data, central + 30)
        central += 46 + name_len + extra + comment
    offsets = {"version": (local + 4, central + 6), "flags": (local + 6, central + 8)}
    offsets["method"] = (local + 8, central + 10)
    for field, value in fields.items():
        if field == "corrupt":
            name_len, extra = struct.unpack_from("<HH", data, local + 26)
            start = local + 30 + name_len + extra
            for i in range(start + 2, start + 2 + value):
                data[i] ^= 0x5A
            continue
        for at in offsets[field]:
            struct.pack_into("<H", data, at, value)
    path.write_bytes(bytes(data))
