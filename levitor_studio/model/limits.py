"""The value ranges of everything a person, a script or a file can set: one table.

Every bounded number of the scene lives here once. The JSON schemas in ``resources/schemas/``
carry the same bounds (``tests/model/test_limits.py`` checks them against this table, and
``python -m levitor_studio.model.limits`` prints any disagreement), the edit commands refuse
values outside them with :meth:`Limit.check`'s one-line message, and the inspector takes each
widget's range, decimals and step from here. NaN and infinities are outside every range.

Why these numbers:

* ``steps`` ≤ 1000: the SVD scheduler is trained on 1000 timesteps, so more inference steps
  than that only repeat timesteps (and cost minutes for nothing).
* ``seed`` < 2⁶³: ``torch.Generator.manual_seed`` takes any 64-bit value; a signed 64-bit
  integer is what every JSON reader and numpy keep exactly. The inspector uses a large-integer
  spin box, so a seed from another tool is never clipped.
* Keyframe ``x`` / ``y`` stay within one frame's width / height of the frame
  (``[-W, 2W] × [-H, 2H]``): an object dragged or orbited further is invisible for the whole
  clip, and values like 1e19 overflow the renderer's pixel arithmetic. The schema, which does
  not know the size, bounds them by the largest frame.
* Keyframe ``z`` ≥ 1/255: the control signal writes ``round(1 / z)`` into an 8-bit channel.
* Keyframe ``angle`` within ±3600° (ten turns either way: enough for any spin in a clip of
  at most 128 frames, and far from where degrees lose precision).
* Camera pan / tilt / roll within ±180° (any view direction), dolly / truck / pedestal within
  ±2 pseudo-depth units (twice the distance to the far plane).
* Keyframe ``stretch`` 0.05…20 per axis: a card thinner than 1/20 of itself gives the control
  signal no points, and 20× is beyond any frame's margin for a visible object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError, ValidationError


@dataclass(frozen=True)
class Limit:
    """A closed (or left-open) range ``lo … hi``, whole numbers only when ``integer``."""

    lo: float
    hi: float
    integer: bool = False
    lo_open: bool = False
    #: what a widget shows: digits after the point and the arrow-key step
    decimals: int = 0
    step: float = 1.0

    def contains(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if self.integer:
            if not isinstance(value, int | np.integer):
                return False
        elif not isinstance(value, int | float | np.integer | np.floating):
            return False
        if not math.isfinite(value):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        return bool(above and value <= self.hi)

    def describe(self) -> str:
        """``"a whole number 1…1000"``, ``"in (0, 10]"``, ``"0…1"``."""
        lo, hi = _fmt(self.lo), _fmt(self.hi)
        if self.lo_open:
            return f"in ({lo}, {hi}]"
        return f"a whole number {lo}…{hi}" if self.integer else f"{lo}…{hi}"

    def check(self, value: Any, what: str) -> Any:
        """``value`` if it lies in the range, else :class:`InputError` naming ``what``."""
        if not self.contains(value):
            shown = (
                repr(float(value)) if self.integer and isinstance(value, float) else _show(value)
            )
            raise InputError(f"{what} {shown} must be {self.describe()}")
        return int(value) if self.integer else float(value)

    def widget_range(self) -> tuple[float, float]:
        """The smallest and largest value a spin box with :attr:`decimals` can show inside."""
        lo = self.lo + 10.0**-self.decimals if self.lo_open else self.lo
        return lo, self.hi

    def schema(self) -> dict[str, Any]:
        """The JSON Schema keywords that state this range."""
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        lo: int | float = int(self.lo) if self.integer else self.lo
        hi: int | float = int(self.hi) if self.integer else self.hi
        out["exclusiveMinimum" if self.lo_open else "minimum"] = lo
        out["maximum"] = hi
        return out


def _fmt(v: float) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.4g}"


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return repr(value)


#: the largest working width or height, and the largest working area
MAX_SIDE = 4096
MAX_PIXELS = 2048 * 2048
SIDE = Limit(8, MAX_SIDE, integer=True)

#: LeviTor generates 16 frames and SVD-XT was trained on up to 25; 128 leaves room for the
#: preview and other generators (issue 13: 1,024 frames took 4.3 GB before anything ran)
FRAMES = Limit(2, 128, integer=True)
FPS = Limit(0.5, 240, decimals=1)
FOV = Limit(1, 170, decimals=1)

#: how far outside the frame a key may sit, as a fraction of the frame's width / height
KEY_MARGIN = 1.0
#: a key's x / y as the schema states it, not knowing the size: the largest frame's margins
KEY_COORD = Limit(-KEY_MARGIN * MAX_SIDE, (1 + KEY_MARGIN) * MAX_SIDE, decimals=1)
#: pseudo-depth of a key: (0, 1] as the contract says, from 1/255 as the 8-bit channel needs
DEPTH = Limit(1.0 / 255.0, 1.0, decimals=3, step=0.01)
COLOR_COMPONENT = Limit(0, 255, integer=True)
#: in-plane rotation of a key, degrees counter-clockwise on screen
ANGLE = Limit(-3600, 3600, decimals=1)
#: a key's x / y stretch factor
STRETCH = Limit(0.05, 20, decimals=2, step=0.05)
#: a camera key's pan / tilt / roll, degrees
CAMERA_ANGLE = Limit(-180, 180, decimals=1)
#: a camera key's dolly / truck / pedestal, pseudo-depth units (the far plane is at 1)
CAMERA_SHIFT = Limit(-2, 2, decimals=3, step=0.01)
#: every bounded field of a camera key
CAMERA_KEY: dict[str, Limit] = {
    "pan": CAMERA_ANGLE,
    "tilt": CAMERA_ANGLE,
    "roll": CAMERA_ANGLE,
    "dolly": CAMERA_SHIFT,
    "truck": CAMERA_SHIFT,
    "pedestal": CAMERA_SHIFT,
}
POINTS_RATIO = Limit(0, 10, lo_open=True, decimals=2, step=0.1)

#: every bounded :class:`~levitor_studio.model.scene.GenerationSettings` field
SETTINGS: dict[str, Limit] = {
    "seed": Limit(0, 2**63 - 1, integer=True),
    "steps": Limit(1, 1000, integer=True),
    "motion_bucket": Limit(1, 255, integer=True),
    "control_scale": Limit(0, 10, decimals=2, step=0.1),
    "points_ratio": POINTS_RATIO,
    "guidance_min": Limit(0, 30, decimals=2, step=0.1),
    "guidance_max": Limit(0, 30, decimals=2, step=0.1),
    "noise_aug": Limit(0, 1, decimals=3, step=0.01),
    "fps_id": Limit(0, 60, integer=True),
}


def key_xy(width: int, height: int) -> tuple[Limit, Limit]:
    """The x and y ranges of a key in a ``width × height`` scene: ``[-W, 2W] × [-H, 2H]``."""
    return (
        Limit(-KEY_MARGIN * width, (1 + KEY_MARGIN) * width, decimals=1),
        Limit(-KEY_MARGIN * height, (1 + KEY_MARGIN) * height, decimals=1),
    )


def check_key_xy(x: Any, y: Any, width: int, height: int, where: str = "") -> None:
    """Refuse a key position outside :func:`key_xy`, naming ``where`` (a key path) if given."""
    lx, ly = key_xy(width, height)
    for name, value, limit in (("x", x, lx), ("y", y, ly)):
        if limit.contains(value):
            continue
        message = (
            f"{_show(value)} is outside the frame's margin ({limit.describe()} "
            f"for a {width}×{height} scene)"
        )
        if where:
            raise ValidationError(f"{where}.{name}", message)
        raise InputError(f"keyframe {name} {message}")


_PROJECT = "project-v1.schema.json"
_OBJECT = "/properties/objects/items/properties"

#: (schema file, JSON pointer inside it, limit): where the schemas state each range
SCHEMA_BOUNDS: tuple[tuple[str, str, Limit], ...] = (
    ("project-v1.schema.json", "/properties/size/items", SIDE),
    ("project-v1.schema.json", "/properties/frames", FRAMES),
    ("project-v1.schema.json", "/properties/fps", FPS),
    ("project-v1.schema.json", "/properties/fov", FOV),
    *(
        ("project-v1.schema.json", f"/properties/settings/properties/{name}", limit)
        for name, limit in SETTINGS.items()
    ),
    (_PROJECT, f"{_OBJECT}/color/items", COLOR_COMPONENT),
    (_PROJECT, f"{_OBJECT}/points_ratio", POINTS_RATIO),
    *(
        (_PROJECT, f"{_OBJECT}/keyframes/items/properties/{c}", lim)
        for c, lim in (("x", KEY_COORD), ("y", KEY_COORD), ("z", DEPTH))
    ),
    (_PROJECT, f"{_OBJECT}/keyframes/items/properties/angle", ANGLE),
    (_PROJECT, f"{_OBJECT}/keyframes/items/properties/stretch/items", STRETCH),
    *((_PROJECT, f"/properties/camera/items/properties/{c}", lim) for c, lim in CAMERA_KEY.items()),
    *(
        ("tracks-v2.schema.json", f"/$defs/camera_key/properties/{c}", lim)
        for c, lim in CAMERA_KEY.items()
    ),
    *(
        ("tracks-v2.schema.json", f"/$defs/keyframe/properties/{c}", lim)
        for c, lim in (
            ("x", KEY_COORD),
            ("y", KEY_COORD),
            ("z", DEPTH),
            ("angle", ANGLE),
        )
    ),
    ("tracks-v2.schema.json", "/$defs/keyframe/properties/stretch/items", STRETCH),
    ("tracks-v1.schema.json", "/properties/size/items", SIDE),
    ("tracks-v1.schema.json", "/properties/frames", FRAMES),
    ("tracks-v1.schema.json", "/properties/fps", FPS),
    *(
        ("tracks-v1.schema.json", f"/$defs/keyframe/properties/{c}", lim)
        for c, lim in (("x", KEY_COORD), ("y", KEY_COORD), ("z", DEPTH))
    ),
)


def schema_disagreements() -> list[str]:
    """Every place where a shipped schema states a range other than this table's."""
    from .validation import schema

    bounds = ("type", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
    out = []
    for name, pointer, limit in SCHEMA_BOUNDS:
        node: Any = schema(name)
        for part in pointer.strip("/").split("/"):
            node = node[part]
        stated = {k: node[k] for k in bounds if k in node}
        wanted = limit.schema()
        if isinstance(stated.get("type"), list) and wanted["type"] in stated["type"]:
            stated["type"] = wanted["type"]  # e.g. ["number", "null"]: the range is the same
        if stated != wanted:
            out.append(f"{name}#{pointer}: schema says {stated}, the table {wanted}")
    return out


if __name__ == "__main__":  # pragma: no cover - a maintainer's check
    problems = schema_disagreements()
    print("\n".join(problems) or "schemas agree with the table")
    raise SystemExit(1 if problems else 0)
