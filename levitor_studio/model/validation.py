"""Validating JSON documents against the shipped JSON Schemas, errors named by key path.

Stricter than plain JSON Schema in two ways that matter downstream: a ``number`` must be
finite (Python's ``json`` reads ``NaN``, ``Infinity`` and ``1e400``), and an ``integer`` must
be written without a fraction (``16.0`` would reach ``range()`` as a float).
"""

from __future__ import annotations

import json
import math
import sys
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import extend

from .errors import ValidationError, key_path, one_line


def _is_number(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return False
    if isinstance(instance, int):  # math.isfinite(10**400) raises OverflowError
        return -sys.float_info.max <= instance <= sys.float_info.max
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
    if error.validator == "type" and isinstance(error.instance, int | float):
        if isinstance(error.instance, int) and not isinstance(error.instance, bool):
            if error.validator_value == "number":
                raise ValidationError(path or "(document)", "must be a finite number")
        if not math.isfinite(error.instance):
            raise ValidationError(
                path or "(document)", f"{error.instance!r}: must be a finite number"
            )
        if error.validator_value == "integer":
            raise ValidationError(
                path or "(document)", f"{error.instance!r}: must be a whole number"
            )
    message = error.message
    if len(message) > _MAX_MESSAGE:  # jsonschema quotes the whole offending value
        message = message[: _MAX_MESSAGE - 1] + "…"
    raise ValidationError(path or "(document)", message)


#: deepest nesting a document may have (ours need 5); Python's parser gives up near 1,000
MAX_DEPTH = 32
#: most characters of a validation message (the offending value is quoted in it)
_MAX_MESSAGE = 200


def parse_json(text: bytes | str, what: str) -> Any:
    """Parse JSON, refusing what would crash later steps with a one-line error.

    Beyond syntax errors: integers longer than Python's 4,300-digit conversion limit, nesting
    deeper than :data:`MAX_DEPTH`, and strings holding lone surrogates or NUL characters
    (which cannot be encoded, printed or used as paths).
    """
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("", f"{what} is not valid JSON ({exc})") from None
    except RecursionError:
        raise ValidationError("", f"{what} is nested too deeply") from None
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits()
        raise ValidationError("", f"{what} is not usable JSON ({one_line(exc)})") from None
    _check_tree(doc, what)
    return doc


def _check_tree(doc: Any, what: str) -> None:
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        node, where = stack.pop()
        if len(where) > MAX_DEPTH:
            raise ValidationError(key_path(where[:MAX_DEPTH]), f"{what} is nested too deeply")
        if isinstance(node, dict):
            for k, v in node.items():
                _check_text(k, (*where, k))
                stack.append((v, (*where, k)))
        elif isinstance(node, list):
            stack.extend((v, (*where, i)) for i, v in enumerate(node))
        elif isinstance(node, str):
            _check_text(node, where)


def _check_text(text: str, where: tuple[str | int, ...]) -> None:
    if "\x00" in text:
        raise ValidationError(key_path(where) or "(document)", "text holds a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            key_path(where) or "(document)", "text holds a lone surrogate (not valid Unicode)"
        ) from None
