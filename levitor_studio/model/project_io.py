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
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from .._version import __version__
from .atomic import atomic_write
from .errors import InputError, ValidationError
from .keyframes import Easing, Keyframe
from .scene import GenerationSettings, Scene, SceneObject
from .validation import parse_json, validate

FORMAT = "levitor-project"
VERSION = 1
MANIFEST = "manifest.json"
#: refuse archives larger than this when uncompressed (zip bombs)
MAX_UNCOMPRESSED = 2_000_000_000
#: the largest working size a project may declare (as :func:`imaging.check_size` allows)
MAX_WORKING_PIXELS = 2048 * 2048

#: ``MIGRATIONS[n]`` turns a version-``n`` manifest into version ``n + 1``
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


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
        "objects": [
            {
                "uid": o.uid,
                "name": o.name,
                "color": [int(c) for c in o.color],
                "mask": f"masks/{o.uid}.png",
                "visible": o.visible,
                "locked": o.locked,
                "points_ratio": o.points_ratio,
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

    def read(self, name: str, key: str) -> bytes:
        if name not in self.names:
            raise ValidationError(key, f"asset {name!r} is missing from the project")
        try:
            return self.zf.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"{self.path}: asset {name!r} is damaged ({exc})") from None

    def image(self, name: str, key: str, mode: str, size: tuple[int, int]) -> NDArray[Any]:
        """Decode a PNG asset, refusing one whose declared size is not ``size`` = (W, H).

        The size is checked from the header before decoding, so a small compressed member
        cannot expand into gigabytes of pixels (a bomb inside the zip).
        """
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(self.read(name, key)))
            with img:
                if img.size != size:
                    w, h = img.size
                    raise ValidationError(
                        key, f"asset {name!r} is {w}x{h}, the scene is {size[0]}x{size[1]}"
                    )
                return np.asarray(img.convert(mode))
        except (
            OSError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as exc:
            raise ValidationError(key, f"asset {name!r} is not a readable PNG ({exc})") from None

    def npy(self, name: str, key: str) -> NDArray[Any]:
        try:
            arr: NDArray[Any] = np.load(io.BytesIO(self.read(name, key)), allow_pickle=False)
            return arr
        except (ValueError, OSError, EOFError) as exc:
            raise ValidationError(
                key, f"asset {name!r} is not a plain .npy array ({exc})"
            ) from None


def load_project(path: str | os.PathLike[str]) -> Scene:
    """Read and validate a ``.levitor`` file; raises :class:`InputError` on any problem."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError(f"{p}: not a LeviTor project (not a zip archive, or truncated)") from None
    with zf:
        infos = zf.infolist()
        for info in infos:
            if not _safe_member(info.filename):
                raise InputError(
                    f"{p}: refusing archive member {info.filename!r} (escapes the archive)"
                )
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
            raise InputError(f"{p}: archive expands to more than {MAX_UNCOMPRESSED:,} bytes")
        archive = _Archive(zf, p)
        doc = parse_json(archive.read(MANIFEST, MANIFEST), MANIFEST)
        doc = migrate(doc)
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


def _scene_from_manifest(doc: dict[str, Any], archive: _Archive) -> Scene:
    w, h = doc["size"]
    if w % 8 or h % 8:
        raise ValidationError("size", f"{w}x{h}: width and height must be multiples of 8")
    if w * h > MAX_WORKING_PIXELS:
        raise ValidationError("size", f"{w}x{h} is too large (at most 2048×2048 pixels)")
    frames = doc["frames"]
    image = archive.image(doc["image"], "image", "RGB", (w, h))
    depth = None
    if doc["depth"] is not None:
        depth = archive.npy(doc["depth"], "depth")
        if depth.shape != (h, w) or depth.dtype.kind != "f":
            raise ValidationError("depth", f"depth map must be a float array of shape ({h}, {w})")
        if not (np.all(depth > 0) and np.all(depth <= 1)):
            raise ValidationError("depth", "depth values must be in (0, 1]")
        depth = depth.astype(np.float32)
    segments = None
    if doc["segments"] is not None:
        segments = archive.npy(doc["segments"], "segments")
        if segments.shape != (h, w) or segments.dtype.kind not in "iu":
            raise ValidationError(
                "segments", f"segment map must be an integer array of shape ({h}, {w})"
            )
        segments = segments.astype(np.int32)
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
        mask = archive.image(od["mask"], f"{where}.mask", "L", (w, h))
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
            keys.append(
                Keyframe(kd["frame"], kd["x"], kd["y"], kd["z"], Easing(kd.get("ease", "smooth")))
            )
        objects.append(
            SceneObject(
                uid=od["uid"],
                name=od["name"],
                color=(od["color"][0], od["color"][1], od["color"][2]),
                mask=mask > 0,
                keyframes=sorted(keys, key=lambda k: k.frame),
                visible=od.get("visible", True),
                locked=od.get("locked", False),
                points_ratio=od.get("points_ratio"),
            )
        )
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
    )
