"""A batch job file (``JOB.toml``) and the shots it expands to.

The job is read with :mod:`tomllib`, validated against ``resources/schemas/batch-v1.schema.json``
(every error names its key path, e.g. ``scenes[1].seeds[0]``), and expanded to shots: every
scene × each of its seeds × each settings override. Paths are relative to the job file. Each
override is checked with the model's own setting rules before anything runs, so a bad value stops
the job at once with its key path instead of failing one shot an hour in. Shots are plain frozen
dataclasses, so they travel to Ray workers unchanged.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..model.errors import InputError, ValidationError
from ..model.validation import validate

SCHEMA = "batch-v1.schema.json"
DEFAULT_OUTPUT = "renders"


@dataclass(frozen=True)
class Shot:
    """One video to make: a project at one seed with one settings override."""

    name: str
    project: str  # absolute path of the .levitor file
    seed: int
    override: str  # the override's name ("" for none)
    settings: dict[str, Any]  # setting changes besides the seed (the override's values)
    generator: str
    options: dict[str, str]
    output: str  # absolute path of the shot's MP4

    def with_options(self, options: dict[str, str]) -> Shot:
        return replace(self, options=options)


@dataclass
class Job:
    """A parsed job: its shots, output folder and where the models are per cluster."""

    path: Path
    output: Path
    shots: list[Shot]
    models_ray: dict[str, str] = field(default_factory=dict)

    def for_ray(self) -> list[Shot]:
        """The shots with the model folders as the Ray workers see them."""
        return [s.with_options({**s.options, **self.models_ray}) for s in self.shots]


def load_job(path: str | os.PathLike[str]) -> Job:
    """Read, validate and expand ``JOB.toml``; raises :class:`InputError` with a key path."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not valid TOML ({exc})") from None
    try:
        validate(doc, SCHEMA)
        return _expand(doc, p)
    except ValidationError as exc:
        raise InputError(f"{p}: {exc}") from None


def _expand(doc: dict[str, Any], path: Path) -> Job:
    from ..model.commands import SetGenerationSettings
    from ..model.project_io import load_project
    from ..model.scene import Scene

    base = path.resolve().parent
    output = (base / doc.get("output", DEFAULT_OUTPUT)).resolve()
    models = doc.get("models", {})
    options = {**doc.get("options", {}), **models.get("local", {})}
    overrides = doc.get("overrides", [{"name": ""}])
    import numpy as np

    probe = Scene(image=np.zeros((8, 8, 3), np.uint8))
    for i, ov in enumerate(overrides):
        values = {k: v for k, v in ov.items() if k != "name"}
        # the model's own range rules: each value alone (its key path), then all together
        for where, changes in [*((f"overrides[{i}].{k}", {k: v}) for k, v in values.items()),
                               (f"overrides[{i}]", values)]:  # fmt: skip
            try:
                SetGenerationSettings(changes).apply(Scene(image=probe.image))
            except InputError as exc:
                message = exc.message if isinstance(exc, ValidationError) else str(exc)
                raise ValidationError(where, message) from None
    names: set[str] = set()
    shots: list[Shot] = []
    for i, sd in enumerate(doc["scenes"]):
        project = (base / sd["project"]).resolve()
        if not project.is_file():
            raise ValidationError(f"scenes[{i}].project", f"{project}: no such file")
        if project.suffix.lower() != ".levitor":
            raise ValidationError(f"scenes[{i}].project", "must be a .levitor project")
        scene_name = sd.get("name", project.stem)
        seeds = sd.get("seeds", doc.get("seeds"))
        generator = doc.get("generator")
        if seeds is None or generator is None:
            settings = load_project(project).settings
            seeds = seeds or [settings.seed]
            generator = generator or settings.generator
        for seed in seeds:
            for ov in overrides:
                name = "-".join(x for x in (scene_name, f"s{seed}", ov["name"]) if x)
                if name in names:
                    raise ValidationError(f"scenes[{i}]", f"shot {name!r} would be made twice")
                names.add(name)
                shots.append(
                    Shot(
                        name=name,
                        project=str(project),
                        seed=int(seed),
                        override=ov["name"],
                        settings={k: v for k, v in ov.items() if k != "name"},
                        generator=generator,
                        options=dict(options),
                        output=str(output / f"{name}.mp4"),
                    )
                )
    return Job(path=path, output=output, shots=shots, models_ray=dict(models.get("ray", {})))
