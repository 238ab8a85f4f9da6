"""The tracks file (``scene-model.md``): a small JSON that scripts write and read.

Version 2 adds a key's ``angle`` and ``stretch``, an object's ``parent`` (another object's name)
and the ``camera`` track; version 1 files read unchanged, and a scene that uses none of these is
written as version 1. Reading validates against ``resources/schemas/tracks-v<N>.schema.json``
(unknown keys are errors, every error names its key path), reads the image and fits it to the working size, reads each
object's ``mask`` file and the depth file, and returns that data (:class:`Tracks`). Nothing is
estimated here: ``box`` / ``clicks`` prompts, a null ``depth`` and the static segments are
resolved through backends by the API layer (:func:`levitor_studio.api.import_tracks`). Export
writes the JSON plus the image, masks and depth beside it, so import → export → import gives an
identical scene.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from .atomic import Stage, staged
from .camera_track import CameraKey, camera_keys_from_json
from .depth_files import load_depth_file
from .errors import InputError, ValidationError, one_line, printable
from .imaging import default_size, fit_image, fit_mask, read_mask, read_rgb
from .keyframes import Keyframe
from .limits import check_key_xy
from .scene import PALETTE, Scene, SceneObject
from .validation import parse_json, validate

FORMAT = "levitor-tracks"


def read_tracks(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse and schema-validate a tracks file; returns the document."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    doc = parse_json(p.read_bytes(), p.name)
    version = doc.get("version") if isinstance(doc, dict) else None
    validate(doc, "tracks-v2.schema.json" if version == 2 else "tracks-v1.schema.json")
    assert isinstance(doc, dict)
    return doc


@dataclass
class TrackedObject:
    """One object as the file gives it: a mask read from its file, or a prompt to resolve."""

    where: str  # its key path, ``objects[2]``, for errors
    name: str
    keyframes: list[Keyframe]
    mask: NDArray[np.bool_] | None = None
    box: tuple[float, float, float, float] | None = None
    clicks: list[tuple[float, float, int]] | None = None
    parent: str | None = None  # another object's name (version 2)


@dataclass
class Tracks:
    """A tracks file's data at the working size; :meth:`scene` makes the scene."""

    image: NDArray[np.uint8]
    frames: int
    fps: float
    depth: NDArray[np.float32] | None  # None: the file asks for an estimate
    objects: list[TrackedObject]
    camera: list[CameraKey] = field(default_factory=list)

    def scene(
        self,
        masks: Sequence[NDArray[np.bool_] | None] | None = None,
        depth: NDArray[np.float32] | None = None,
    ) -> Scene:
        """The scene; ``masks[i]`` stands in for object ``i``'s prompt, ``depth`` for a null one.

        Raises
        ------
        ValidationError
            For a prompt object left without a mask, or an empty mask, naming the object.
        """
        objects = []
        uids = _parent_uids(self.objects)
        for i, obj in enumerate(self.objects):
            mask = obj.mask if obj.mask is not None else (masks[i] if masks else None)
            if mask is None:
                raise ValidationError(obj.where, "box and clicks need a segmenter")
            if not mask.any():
                raise ValidationError(obj.where, "the object's mask is empty")
            color = PALETTE[i % len(PALETTE)]
            objects.append(
                SceneObject(
                    i + 1,
                    obj.name,
                    color,
                    np.asarray(mask, bool),
                    list(obj.keyframes),
                    parent=uids[i],
                )
            )
        return Scene(
            image=self.image,
            frames=self.frames,
            fps=self.fps,
            depth=self.depth if self.depth is not None else depth,
            objects=objects,
            camera=list(self.camera),
        )


def _parent_uids(objects: Sequence[TrackedObject]) -> list[int | None]:
    """Each object's parent as a uid (``i + 1``); refuses unknown or ambiguous names, cycles."""
    by_name: dict[str, int] = {}
    for i, obj in enumerate(objects):
        by_name.setdefault(obj.name, i)
    out: list[int | None] = []
    for obj in objects:
        if obj.parent is None:
            out.append(None)
            continue
        if obj.parent not in by_name:
            raise ValidationError(f"{obj.where}.parent", f"no object is named {obj.parent!r}")
        if sum(o.name == obj.parent for o in objects) > 1:
            raise ValidationError(f"{obj.where}.parent", f"two objects are named {obj.parent!r}")
        out.append(by_name[obj.parent] + 1)
    for i, obj in enumerate(objects):
        seen, j = {i}, out[i]
        while j is not None:
            if j - 1 in seen:
                raise ValidationError(f"{obj.where}.parent", "parents form a cycle")
            seen.add(j - 1)
            j = out[j - 1]
    return out


def load_tracks(path: str | os.PathLike[str], allow_outside_paths: bool = False) -> Tracks:
    """Read a tracks file and the files it names; prompts and a null depth stay unresolved.

    ``allow_outside_paths`` accepts file names that lead outside the tracks file's folder
    (absolute, ``..``, symbolic links); refused by default with :class:`OutsidePathError`.
    """
    p = Path(path)
    doc = read_tracks(p)
    base = _Folder(p.parent, allow_outside_paths)
    source = read_rgb(base(doc["image"], "image"))
    src_h, src_w = source.shape[:2]
    w, h = doc.get("size") or default_size(src_w, src_h)
    if w % 8 or h % 8:
        raise ValidationError("size", f"{w}x{h}: width and height must be multiples of 8")
    frames = doc.get("frames", 16)
    objects = [
        _tracked_object(od, f"objects[{i}]", base, (w, h), (src_w, src_h), frames)
        for i, od in enumerate(doc["objects"])
    ]
    spec = doc.get("depth")
    return Tracks(
        image=fit_image(source, (w, h), "crop"),
        frames=frames,
        fps=float(doc.get("fps", 8)),
        depth=None if spec is None else _depth(spec, base, (w, h), (src_w, src_h)),
        objects=objects,
        camera=camera_keys_from_json(doc.get("camera", []), frames),
    )


def import_tracks(path: str | os.PathLike[str], allow_outside_paths: bool = False) -> Scene:
    """A scene from a tracks file whose objects all give mask files (nothing is estimated).

    Files with ``box`` / ``clicks`` prompts or a null depth need backends:
    :func:`levitor_studio.api.import_tracks`.
    """
    return load_tracks(path, allow_outside_paths).scene()


def outside_paths(path: str | os.PathLike[str]) -> list[str]:
    """The file names a tracks file gives that lead outside its folder (what to ask about)."""
    p = Path(path)
    folder = _Folder(p.parent, allow_outside=False)
    found = []
    for name in _named_files(read_tracks(p)):
        try:
            folder(name, "")
        except OutsidePathError:
            found.append(name)
        except ValidationError:
            pass  # a missing file is reported by the import itself
    return found


def input_files(path: str | os.PathLike[str]) -> list[Path]:
    """Every file a tracks file reads (itself included), resolved: what outputs must not hit."""
    p = Path(path)
    return [p, *((p.parent / name).resolve() for name in _named_files(read_tracks(p)))]


class OutsidePathError(ValidationError):
    """A tracks file names a file outside its own folder (the editor asks before allowing)."""


class _Folder:
    """The tracks file's folder, resolving the file names it holds."""

    def __init__(self, path: Path, allow_outside: bool) -> None:
        self.path = path
        self.allow_outside = allow_outside

    def __call__(self, rel: str, key: str) -> Path:
        return _resolve(self.path, rel, key, self.allow_outside)


def _resolve(base: Path, rel: str, key: str, allow_outside: bool = False) -> Path:
    """``rel`` resolved against the tracks file's folder; paths that are absolute or lead out
    of it (``..``, symbolic links) are refused unless ``allow_outside``, so a shared tracks
    file cannot pull an arbitrary readable image into a project."""
    try:
        target = (base / rel).resolve()
        exists = target.is_file()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a loop
        raise ValidationError(key, f"{printable(repr(rel))}: {one_line(exc)}") from None
    inside = not Path(rel).is_absolute() and target.is_relative_to(base.resolve())
    if not (inside or allow_outside):
        raise OutsidePathError(
            key,
            f"{printable(repr(rel))} is outside the tracks file's folder "
            "(allow it with --allow-outside-paths)",
        )
    if not exists:
        raise ValidationError(key, f"file {printable(repr(rel))} not found next to the tracks file")
    return target


def _tracked_object(
    od: dict[str, Any],
    where: str,
    base: _Folder,
    size: tuple[int, int],
    src_size: tuple[int, int],
    frames: int,
) -> TrackedObject:
    w, h = size
    keys = []
    for j, kd in enumerate(od["keyframes"]):
        if kd["frame"] >= frames:
            raise ValidationError(
                f"{where}.keyframes[{j}].frame",
                f"{kd['frame']} is outside the clip (0…{frames - 1})",
            )
        check_key_xy(kd["x"], kd["y"], w, h, f"{where}.keyframes[{j}]")
        keys.append(Keyframe.from_json(kd))
    if len({k.frame for k in keys}) != len(keys):
        raise ValidationError(f"{where}.keyframes", "two keyframes on the same frame")
    obj = TrackedObject(where, od["name"], sorted(keys, key=lambda k: k.frame))
    obj.parent = od.get("parent")
    if "box" in od:
        x0, y0, x1, y1 = od["box"]
        if not (x1 > x0 and y1 > y0):
            raise ValidationError(f"{where}.box", "needs x0 < x1 and y0 < y1")
        obj.box = (x0, y0, x1, y1)
    elif "clicks" in od:
        obj.clicks = [(c[0], c[1], int(c[2])) for c in od["clicks"]]
    else:
        mask = read_mask(base(od["mask"], f"{where}.mask"))
        if mask.shape == (src_size[1], src_size[0]) and mask.shape != (h, w):
            mask = fit_mask(mask, size)
        elif mask.shape != (h, w):
            raise ValidationError(
                f"{where}.mask",
                f"mask is {mask.shape[1]}x{mask.shape[0]}; expected the working size {w}x{h} "
                f"or the image size {src_size[0]}x{src_size[1]}",
            )
        if not mask.any():
            raise ValidationError(where, "the object's mask is empty")
        obj.mask = np.asarray(mask, dtype=bool)
    return obj


def _depth(
    spec: str, base: _Folder, size: tuple[int, int], src_size: tuple[int, int]
) -> NDArray[np.float32]:
    w, h = size
    depth = load_depth_file(base(spec, "depth"))
    if depth.shape == (src_size[1], src_size[0]) and depth.shape != (h, w):
        depth = fit_image(depth, size, "crop", fill=1.0)
    elif depth.shape != (h, w):
        raise ValidationError(
            "depth",
            f"depth map is {depth.shape[1]}x{depth.shape[0]}; expected {w}x{h} or the image size",
        )
    return np.clip(depth, 1.0 / 255.0, 1.0).astype(np.float32)


def asset_paths(scene: Scene, path: str | os.PathLike[str]) -> list[Path]:
    """The files :func:`export_tracks` writes beside ``path`` for ``scene`` (JSON excluded)."""
    p = Path(path)
    stem = p.name[: -len(".json")] if p.name.endswith(".json") else p.name
    names = ["image.png"] + (["depth.npy"] if scene.depth is not None else [])
    names += [f"mask-{o.uid}.png" for o in scene.objects]
    return [p.with_name(f"{stem}.{name}") for name in names]


def colliding_assets(scene: Scene, path: str | os.PathLike[str]) -> list[Path]:
    """Existing files an export would replace that are not the assets of the tracks file
    already at ``path`` (a re-export replaces its own assets without asking)."""
    own: set[Path] = set()
    if Path(path).is_file():
        try:
            own = {Path(path).parent / f for f in _named_files(read_tracks(path))}
        except InputError:
            own = set()
    return [a for a in asset_paths(scene, path) if a.exists() and a not in own]


def _named_files(doc: dict[str, Any]) -> list[str]:
    names = [doc["image"], doc.get("depth")] + [od.get("mask") for od in doc["objects"]]
    return [n for n in names if isinstance(n, str)]


def export_tracks(
    scene: Scene, path: str | os.PathLike[str], overwrite: bool = False
) -> list[Path]:
    """Write ``scene`` as a tracks file plus its assets beside it; returns the files written.

    All files are staged and renamed into place together at the end, so a failure leaves none
    of them. Existing files that are not this tracks file's own assets are refused unless
    ``overwrite``.
    """
    p = Path(path)
    names = [o.name for o in scene.objects]
    for o in scene.objects:
        if o.parent is not None and names.count(scene.object(o.parent).name) > 1:
            raise InputError(
                f"object {printable(o.name)!r} follows {printable(scene.object(o.parent).name)!r}, "
                "a name two objects share: rename one (the tracks file names parents)"
            )
    if not overwrite:
        taken = colliding_assets(scene, p)
        if taken:
            raise InputError(
                f"{printable(str(taken[0]))} already exists and is not part of this tracks file "
                "(choose another name, or overwrite it)"
            )
    stem = p.name[: -len(".json")] if p.name.endswith(".json") else p.name
    written: list[Path] = []
    with staged() as stage:
        _export(scene, p, stem, written, stage)
    return written


def tracks_version(scene: Scene) -> int:
    """2 when the scene uses rotation, stretch, parents or the camera; else 1."""
    uses_v2 = bool(scene.camera) or any(
        o.parent is not None or any(k.turns for k in o.keyframes) for o in scene.objects
    )
    return 2 if uses_v2 else 1


def _export(scene: Scene, p: Path, stem: str, written: list[Path], stage: Stage) -> None:
    def asset(name: str, data: bytes) -> str:
        target = p.with_name(f"{stem}.{name}")
        with stage.open(target) as fh:
            fh.write(data)
        written.append(target)
        return target.name

    import io

    def png(arr: NDArray[Any]) -> bytes:
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="PNG")
        return buf.getvalue()

    image_name = asset("image.png", png(scene.image))
    depth_name = None
    if scene.depth is not None:
        buf = io.BytesIO()
        np.save(buf, scene.depth.astype(np.float32), allow_pickle=False)
        depth_name = asset("depth.npy", buf.getvalue())
    objects = []
    for o in scene.objects:
        mask_name = asset(f"mask-{o.uid}.png", png(o.mask.astype(np.uint8) * 255))
        od: dict[str, Any] = {
            "name": o.name,
            "mask": mask_name,
            "keyframes": [k.to_json() for k in o.keyframes],
        }
        if o.parent is not None:
            od["parent"] = scene.object(o.parent).name
        objects.append(od)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": tracks_version(scene),
        "image": image_name,
        "size": [scene.width, scene.height],
        "frames": scene.frames,
        "fps": scene.fps,
        "depth": depth_name,
        "objects": objects,
    }
    if scene.camera:
        doc["camera"] = [k.to_json() for k in scene.camera]
    with stage.open(p) as fh:
        fh.write(json.dumps(doc, indent=2).encode("utf-8"))
    written.append(p)
