"""Validating JSON documents against the shipped JSON Schemas, errors named by key path."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import ValidationError, key_path


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
    validator = Draft202012Validator(schema(schema_name))
    error = best_match(validator.iter_errors(doc))
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
    raise ValidationError(path or "(document)", error.message)


def parse_json(text: bytes | str, what: str) -> Any:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("", f"{what} is not valid JSON ({exc})") from None
