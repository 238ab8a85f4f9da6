"""Validating JSON documents against the shipped JSON Schemas, errors named by key path.

Stricter than plain JSON Schema in two ways that matter downstream: a ``number`` must be
finite (Python's ``json`` reads ``NaN``, ``Infinity`` and ``1e400``), and an ``integer`` must
be written without a fraction (``16.0`` would reach ``range()`` as a float).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import extend

from .errors import ValidationError, key_path


def _is_number(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return False
    return math.isfinite(instance)


def _is_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _is_number, "integer": _is_integer}
    ),
)


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema from ``resources/schemas/`` (installed as ``levitor_studio.resources``)."""
    # one name per joinpath: Python 3.11's MultiplexedPath (what the frozen app gets) takes one
    folder = resources.files("levitor_studio.resources").joinpath("schemas")
    text = folder.joinpath(name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(doc: Any, schema_name: str) -> None:
    """Raise :class:`ValidationError` naming the first failing key path."""
    check(doc, schema(schema_name))


def check(doc: Any, schema_doc: dict[str, Any]) -> None:
    """:func:`validate` against a schema given as a document (e.g. a sub-schema)."""
    error = best_match(_Validator(schema_doc).iter_errors(doc))
    if error is None:
        return
    path = key_path(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            path = key_path([*error.absolute_path, extra[0]])
            raise ValidationError(path, "unknown key")
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        raise ValidationError(key_path([*error.absolute_path, missing]), "is required")
    if error.validator == "type" and isinstance(error.instance, float):
        if not math.isfinite(error.instance):
            raise ValidationError(
                path or "(document)", f"{error.instance!r}: must be a finite number"
            )
        if error.validator_value == "integer":
            raise ValidationError(
                path or "(document)", f"{error.instance!r}: must be a whole number"
            )
    raise ValidationError(path or "(document)", error.message)


def parse_json(text: bytes | str, what: str) -> Any:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("", f"{what} is not valid JSON ({exc})") from None
