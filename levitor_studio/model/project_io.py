"""The ``.levitor`` project file: one zip holding ``manifest.json`` plus PNG / ``.npy`` assets.

Saving is atomic and keeps the previous save as ``<name>.levitor.bak``. Loading refuses
archives whose member names escape the archive, validates the manifest against
``resources/schemas/project-v1.schema.json`` and then every cross-field rule (size a multiple of
8, keys inside the clip, unique ids, asset shapes), naming the failing key path. ``.npy``
assets are read with ``allow_pickle=False``. Older manifests pass through :data:`MIGRATIONS`.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from .._version import __version__
from .atomic import atomic_write
from .camera_track import camera_keys_from_json
from .errors import InputError, ValidationError
from .image_files import PNG_ONLY, load_image, to_mask, to_rgb
from .keyframes import Keyframe
from .limits import check_key_xy
from .npy_safe import ZIP_ERRORS, read_member, read_npy
from .scene import GenerationSettings, Scene, SceneObject
from .segments import compact_segments
from .validation import parse_json, validate

FORMAT = "levitor-project"
#: 2 added a key's optional ``angle`` and ``stretch`` (issue 17); version 1 files migrate
VERSION = 2
MANIFEST = "manifest.json"
#: refuse archives larger than this when uncompressed (zip bombs)
MAX_UNCOMPRESSED = 1_000_000_000
#: the largest manifest read (a 254-object, 128-frame project needs about 4 MB)
MAX_MANIFEST_BYTES = 8_000_000
#: the largest asset member read (a 2048×2048 float depth map is 16 MB)
MAX_MEMBER_BYTES = 64_000_000
#: most objects in a project (the control signal's instance ids are 8-bit, 0 meaning none)
MAX_OBJECTS = 254
#: most members an archive may hold (one mask per object plus a few assets)
MAX_MEMBERS = MAX_OBJECTS + 16
#: the largest working size a project may declare (as :func:`imaging.check_size` allows)
MAX_WORKING_PIXELS = 2048 * 2048


#: ``MIGRATIONS[n]`` turns a version-``n`` manifest into version ``n + 1``
def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds optional key fields (angle 0, stretch [1, 1] when absent)."""
    return {**doc, "version": 2}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


# -- writing ---------------------------------------------------------------------------------


def _png_bytes(array: NDArray[Any]) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _npy_bytes(array: NDArray[Any]) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def manifest_of(scene: Scene) -> dict[str, Any]:
    """The JSON manifest describing ``scene`` (asset names as stored in the archive)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "size": [scene.width, scene.height],
        "frames": int(scene.frames),
        "fps": float(scene.fps),  # plain floats: a numpy scalar would not serialise
        "fov": float(scene.fov),
        "fit": scene.fit,
        "source_name": scene.source_name,
        "image": "image.png",
        "depth": None if scene.depth is None else "depth.npy",
        "segments": None if scene.segments is None else "segments.npy",
        "settings": scene.settings.to_json(),
        "camera": [k.to_json() for k in scene.camera],
        "objects": [
            {
                "uid": o.uid,
                "name": o.name,
                "color": [int(c) for c in o.color],
                "mask": f"masks/{o.uid}.png",
                "locked": o.locked,
                "points_ratio": o.points_ratio,
                "parent": o.parent,
                "keyframes": [k.to_json() for k in o.keyframes],
            }
            for o in scene.objects
        ],
    }


def save_project(scene: Scene, path: str | os.PathLike[str]) -> None:
    """Write ``scene`` to ``path`` atomically, keeping the previous file as ``.bak``."""
    manifest = manifest_of(scene)
    members: dict[str, bytes] = {MANIFEST: json.dumps(manifest, indent=2).encode("utf-8")}
    members["image.png"] = _png_bytes(scene.image)
    if scene.depth is not None:
        members["depth.npy"] = _npy_bytes(scene.depth.astype(np.float32))
    if scene.segments is not None:
        members["segments.npy"] = _npy_bytes(scene.segments.astype(np.int32))
    for o in scene.objects:
        members[f"masks/{o.uid}.png"] = _png_bytes(o.mask.astype(np.uint8) * 255)
    with atomic_write(path, backup=True) as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)


# -- reading ---------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not (p.is_absolute() or ".." in p.parts or name.startswith("/") or ":" in name)


class _Archive:
    def __init__(self, zf: zipfile.ZipFile, path: Path) -> None:
        self.zf = zf
        self.path = path
        self.names = set(zf.namelist())

    def read(self, name: str, key: str, max_bytes: int = MAX_MEMBER_BYTES) -> bytes:
        if name not in self.names:
            raise ValidationError(key, f"asset {name!r} is missing from the project")
        return read_member(self.zf, name, _asset_error(key, name), max_bytes)

    def image(self, name: str, key: str, size: tuple[int, int]) -> Image.Image:
        """Decode a PNG asset (nothing but PNG is tried), refusing one whose declared size is
        not ``size`` = (W, H) before decoding, so a small member cannot expand into gigabytes
        of pixels (a bomb inside the zip)."""
        return load_image(self.read(name, key), _asset_error(key, name), PNG_ONLY, size=size)

    def npy(self, name: str, key: str, kinds: str, shape: tuple[int, int]) -> NDArray[Any]:
        """A plain ``.npy`` asset of ``shape``; the header is checked before anything else."""
        fail = _asset_error(key, name)
        return read_npy(
            self.read(name, key), fail, kinds=kinds, shape=shape, max_bytes=MAX_MEMBER_BYTES
        )


def _asset_error(key: str, name: str) -> Callable[[str], InputError]:
    return lambda message: ValidationError(key, f"asset {name!r}: {message}")


def load_project(path: str | os.PathLike[str]) -> Scene:
    """Read and validate a ``.levitor`` file; raises :class:`InputError` on any problem."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        zf = zipfile.ZipFile(p)
    except ZIP_ERRORS:
        raise InputError(f"{p}: not a LeviTor project (not a zip archive, or truncated)") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"{p}: archive holds {len(infos):,} members (at most {MAX_MEMBERS})")
        for info in infos:
            if not _safe_member(info.filename):
                raise InputError(
                    f"{p}: refusing archive member {info.filename!r} (escapes the archive)"
                )
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
            raise InputError(f"{p}: archive expands to more than {MAX_UNCOMPRESSED:,} bytes")
        archive = _Archive(zf, p)
        doc = parse_json(archive.read(MANIFEST, MANIFEST, MAX_MANIFEST_BYTES), MANIFEST)
        doc = migrate(doc)
        objects = doc.get("objects")
        if isinstance(objects, list) and len(objects) > MAX_OBJECTS:
            raise ValidationError("objects", f"{len(objects):,} objects (at most {MAX_OBJECTS})")
        validate(doc, "project-v1.schema.json")
        return _scene_from_manifest(doc, archive)


def migrate(doc: Any) -> Any:
    """Bring an older manifest up to :data:`VERSION`; refuse newer ones."""
    if not isinstance(doc, dict):
        raise ValidationError("", "manifest must be a JSON object")
    version = doc.get("version")
    if isinstance(version, int) and version > VERSION:
        raise ValidationError(
            "version", f"made by a newer LeviTor Studio (file {version}, this {VERSION})"
        )
    while isinstance(version, int) and version < VERSION and version in MIGRATIONS:
        doc = MIGRATIONS[version](doc)
        version = doc.get("version")
    return doc


def _check_parents(objects: list[SceneObject]) -> None:
    """Every parent names an object of the file, and no object follows itself round a cycle."""
    by_uid = {o.uid: o for o in objects}
    for i, obj in enumerate(objects):
        seen = {obj.uid}
        uid = obj.parent
        while uid is not None:
            if uid not in by_uid:
                raise ValidationError(f"objects[{i}].parent", f"no object has id {uid}")
            if uid in seen:
                raise ValidationError(f"objects[{i}].parent", "parents form a cycle")
            seen.add(uid)
            uid = by_uid[uid].parent


def _scene_from_manifest(doc: dict[str, Any], archive: _Archive) -> Scene:
    w, h = doc["size"]
    if w % 8 or h % 8:
        raise ValidationError("size", f"{w}x{h}: width and height must be multiples of 8")
    if w * h > MAX_WORKING_PIXELS:
        raise ValidationError("size", f"{w}x{h} is too large (at most 2048×2048 pixels)")
    frames = doc["frames"]
    image = to_rgb(archive.image(doc["image"], "image", (w, h)), _asset_error("image", "image"))
    depth = None
    if doc["depth"] is not None:
        depth = archive.npy(doc["depth"], "depth", "f", (h, w))
        if not (np.all(depth > 0) and np.all(depth <= 1)):
            raise ValidationError("depth", "depth values must be in (0, 1]")
        depth = depth.astype(np.float32)
    segments = None
    if doc["segments"] is not None:
        segments = compact_segments(archive.npy(doc["segments"], "segments", "iu", (h, w)))
    try:
        settings = GenerationSettings(**doc["settings"])
    except TypeError as exc:
        raise ValidationError("settings", str(exc)) from None
    if settings.guidance_min > settings.guidance_max:
        raise ValidationError("settings.guidance_min", "must not exceed guidance_max")

    objects: list[SceneObject] = []
    seen: set[int] = set()
    for i, od in enumerate(doc["objects"]):
        where = f"objects[{i}]"
        if od["uid"] in seen:
            raise ValidationError(f"{where}.uid", f"id {od['uid']} is used twice")
        seen.add(od["uid"])
        fail = _asset_error(f"{where}.mask", od["mask"])
        mask = to_mask(archive.image(od["mask"], f"{where}.mask", (w, h)), fail)
        keys = []
        frames_seen: set[int] = set()
        for j, kd in enumerate(od["keyframes"]):
            if kd["frame"] >= frames:
                raise ValidationError(
                    f"{where}.keyframes[{j}].frame",
                    f"{kd['frame']} is outside the clip (0…{frames - 1})",
                )
            if kd["frame"] in frames_seen:
                raise ValidationError(
                    f"{where}.keyframes[{j}].frame", "two keyframes on this frame"
                )
            frames_seen.add(kd["frame"])
            check_key_xy(kd["x"], kd["y"], w, h, f"{where}.keyframes[{j}]")
            keys.append(Keyframe.from_json(kd))
        objects.append(
            SceneObject(
                uid=od["uid"],
                name=od["name"],
                color=(od["color"][0], od["color"][1], od["color"][2]),
                mask=mask,
                keyframes=sorted(keys, key=lambda k: k.frame),
                locked=od.get("locked", False),
                points_ratio=od.get("points_ratio"),
                parent=od.get("parent"),
            )
        )
    _check_parents(objects)
    return Scene(
        image=image.astype(np.uint8),
        frames=frames,
        fps=float(doc["fps"]),
        fov=float(doc["fov"]),
        depth=depth,
        objects=objects,
        segments=segments,
        settings=settings,
        source_name=doc.get("source_name", ""),
        fit=doc["fit"],
        camera=camera_keys_from_json(doc.get("camera", []), frames),
    )
