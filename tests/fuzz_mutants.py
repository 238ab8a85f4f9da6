"""A seeded mutator for the fuzz test (importable as ``fuzz_mutants``): projects, tracks files,
images and signal files, each mutant reproducible from ``(kind, index)``.

Mutations work at three levels: the JSON document (values swapped for hostile ones, keys
dropped or added, subtrees duplicated), the bytes of a member or file (flips, truncation,
insertions, interesting integers), and the container (zip header fields, the archive's bytes).
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from hostile_files import EPS, npy_bytes, png_bytes, project_members
from PIL import Image
from scenes import make_scene

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1,
    2,
    16.0,
    "16",
    1e19,
    -1e19,
    1.8e308,
    5e-324,
    2**31 - 1,
    2**63,
    -(2**63) - 1,
    float("nan"),
    float("inf"),
    "",
    "\x00",
    "\ud800",
    "\x1b]0;pwned\x07\x1b[2J",
    "../../../../etc/hostname",
    "/etc/hostname",
    "image.png",
    "masks/1.png",
    "depth.npy",
    "x" * 5000,
    [],
    {},
    json.loads("[" * 40 + "]" * 40),
    [0, 0],
    [64, 48],
    [2048, 2048],
    [1, 10_000],
    {"frame": 0, "x": 1, "y": 1, "z": 0.5},
]
INTERESTING_INTS = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000, 99]


# -- JSON ------------------------------------------------------------------------------------


def _slots(doc: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in ``doc``."""
    out: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def mutate_doc(doc: Any, rng: random.Random) -> Any:
    """One structural change to a JSON document (in place where possible)."""
    slots = _slots(doc)
    if not slots:
        return rng.choice(HOSTILE_VALUES)
    node, key = rng.choice(slots)
    op = rng.randrange(6)
    if op <= 2:
        node[key] = json.loads(json.dumps(rng.choice(HOSTILE_VALUES)))
    elif op == 3:
        del node[key]
    elif op == 4:
        if isinstance(node, dict):
            node[rng.choice(["extra", "\x1b[2J", "\ud800", "objects", "size"])] = rng.choice(
                HOSTILE_VALUES
            )
        else:
            node.extend([node[key]] * rng.choice([1, 2, 300]))
    else:
        other_node, other_key = rng.choice(slots)
        node[key] = json.loads(json.dumps(other_node[other_key]))
    return doc


def mutate_json_text(doc: Any, rng: random.Random) -> bytes:
    """A mutated document serialised, sometimes with a text-level change on top."""
    for _ in range(rng.choice([1, 1, 2, 3])):
        doc = mutate_doc(doc, rng)
    text = json.dumps(doc)
    op = rng.randrange(8)
    if op == 0:
        text = text[: rng.randrange(len(text) + 1)]
    elif op == 1:
        at = rng.randrange(len(text) + 1)
        text = (
            text[:at] + rng.choice(["9" * 5000, "[" * 3000, "\\ud800", "\\u0000", "}"]) + text[at:]
        )
    elif op == 2:
        text = text.replace("16", "9" * rng.choice([20, 400, 5000]), 1)
    return text.encode("utf-8", "surrogatepass")


# -- bytes -----------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flips, truncation, insertions or interesting integers somewhere in ``data``."""
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4])):
        op = rng.randrange(5)
        at = rng.randrange(len(buf) + 1) if buf else 0
        if op == 0 and buf:
            for _ in range(rng.randrange(1, 9)):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            del buf[at:]
        elif op == 2:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 32)))
        elif op == 3 and len(buf) >= 4:
            at = min(at, len(buf) - 4)
            fmt = rng.choice([">I", "<I", ">H", "<H"])
            value = rng.choice(INTERESTING_INTS) & (0xFFFF if "H" in fmt else 0xFFFFFFFF)
            struct.pack_into(fmt, buf, at, value)
        elif buf:
            end = min(len(buf), at + rng.randrange(1, 64))
            buf[at:end] = bytes(end - at)
    return bytes(buf)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def patch_headers(archive: bytes, rng: random.Random) -> bytes:
    """Set a random header field (method, flags, version, sizes) of a random member."""
    buf = bytearray(archive)
    starts = [i for i in range(len(buf) - 4) if buf[i : i + 2] == b"PK" and buf[i + 2] in (1, 3)]
    if not starts:
        return archive
    at = rng.choice(starts)
    central = buf[at + 2] == 1
    fields = (
        {"version": 6, "flags": 8, "method": 10, "csize": 20, "usize": 24}
        if central
        else {"version": 4, "flags": 6, "method": 8, "csize": 18, "usize": 22}
    )
    field = rng.choice(list(fields))
    offset = at + fields[field]
    if field in ("csize", "usize"):
        struct.pack_into("<I", buf, offset, rng.choice(INTERESTING_INTS) & 0xFFFFFFFF)
    else:
        value = rng.choice([1, 8, 99, 0x800, 0xFFFF, 14, 63, 20, 45])
        struct.pack_into("<H", buf, offset, value)
    return bytes(buf)


# -- seeds -----------------------------------------------------------------------------------


def image_seeds() -> dict[str, bytes]:
    """Small valid files of every allowed format, plus 16-bit and palette PNGs and an EPS."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
    seeds = {"eps": EPS, "png16": png_bytes(np.arange(192, dtype=np.uint16).reshape(12, 16))}
    seeds["png"] = png_bytes(rgb)
    seeds["palette"] = png_bytes(rgb[..., 0] // 64, optimize=True)
    for fmt in ("JPEG", "GIF", "BMP", "TIFF", "WEBP"):
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format=fmt)
        seeds[fmt.lower()] = buf.getvalue()
    return seeds


def project_seed(folder: Path) -> dict[str, bytes]:
    return project_members(folder)


def signal_seed(folder: Path) -> dict[str, bytes]:
    """The members of a valid 3-frame signal file."""
    from levitor_studio.engine.signal import build_signal
    from levitor_studio.engine.signal_export import write_signal_npz

    path = folder / "seed.npz"
    write_signal_npz(build_signal(make_scene(frames=3)), path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    path.unlink()
    return members


def random_npy(rng: random.Random) -> bytes:
    dtype = rng.choice(["<f4", "<i4", "<u8", "|b1", "<U3", "<c8", "<f8"])
    shape = tuple(rng.choice([0, 1, 3, 4, 48, 64]) for _ in range(rng.randrange(0, 5)))
    return npy_bytes(np.zeros(shape, dtype=dtype))
