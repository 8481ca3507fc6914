"""Validate loaded YAML against the models; turn pydantic's errors into Problems.

pydantic reports where in the data a problem is (`loc`); the YamlDocument
knows where that data was written. Messages are rewritten for teachers:
name the field, say what is expected, suggest the key they probably meant.
"""
from __future__ import annotations

import copy
import datetime
import difflib
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from . import pasted
from .errors import Problem
from .yamlio import YamlDocument

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def validate(model: type[M], doc: YamlDocument, data: Any = None, at: tuple = (), *,
             settings: bool = False) -> tuple[Optional[M], list[Problem]]:
    """Validate `data` (default: the whole document) found at path `at` in `doc`:
    (the model, []) or (a model of what is left, or None; the problems).

    With problems, the model returned is the one the data makes without its unknown
    keys (and, with `settings`, without the values that are wrong where a default
    stands in: coursepack.yaml's), when that is all that is wrong; else None. It lets
    the checks across files (sources, images, ids) look at the rest of the file, so
    that one typo does not hide every other problem; the problems still stop a build."""
    data = doc.data if data is None else data
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors()
        return (_without(model, data, errors, settings),
                [problem for error in errors for problem in _problems(doc, model, at, error)])


# Keys the checks across files read (which format a debate follows, which layout a pack
# has...): left out, their defaults would be judged instead, and the problems found with
# them would be problems the user does not have. A file whose mistake is one of these,
# or an unknown key that looks like a misspelling of one, is not salvaged.
_STRUCTURAL = ("id", "kind", "format", "layout", "side", "sides", "modules", "editions", "packs", "speeches")


def _without(model: type[M], data: Any, errors: list[dict], settings: bool) -> Optional[M]:
    """`data` validated once the keys the errors point at are left out, or None."""
    if not all(error["type"] == "extra_forbidden" or (settings and error["type"] != "missing") for error in errors):
        return None
    for error in errors:
        key = str(error["loc"][-1]) if error["loc"] else ""
        if key in _STRUCTURAL or (error["type"] == "extra_forbidden"
                                  and difflib.get_close_matches(key, _STRUCTURAL, n=1, cutoff=0.6)):
            return None
    pruned = copy.deepcopy(data)
    try:
        for error in errors:
            *path, key = error["loc"]
            node = pruned
            for part in path:
                node = node[part]
            if not isinstance(node, dict) or not isinstance(key, str):
                return None
            node.pop(key, None)
        return model.model_validate(pruned)
    except (ValidationError, LookupError, TypeError, ValueError):
        return None


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    invisible = pasted.hint(word)  # 'conquest1961' and 'conquest1961\u00a0' look the same
    if invisible:
        return f" ({invisible}; did you mean '{close[0]}'?)" if close else f" ({invisible})"
    return f" (did you mean '{close[0]}'?)" if close else ""


def _problems(doc: YamlDocument, model: type[BaseModel], at: tuple, error: dict) -> list[Problem]:
    """The problems one pydantic error stands for, each at the node to fix."""
    found = getattr(error.get("ctx", {}).get("error"), "found", None)  # models.FoundAt
    if error["type"] == "value_error" and found:
        return [doc.problem(at + tuple(error["loc"]) + inside, message) for inside, message in found]
    if error["loc"][-1:] == ("[key]",):  # a key of a mapping failed its check (a side key)
        loc = at + tuple(error["loc"][:-1])
        return [doc.problem(loc, str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"],
                            key=True)]
    return [_problem(doc, model, at, error)]


def _yaml_kind(value) -> str:
    if isinstance(value, bool):
        return "yes/no value"
    return "date" if isinstance(value, datetime.date) else "number"


def _problem(doc: YamlDocument, model: type[BaseModel], at: tuple, error: dict) -> Problem:
    loc = at + tuple(error["loc"])
    kind = error["type"]
    name = _field_name(error["loc"])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, error["loc"][:-1])
        hint = suggest(str(error["loc"][-1]), allowed) or (
            f"; allowed here: {', '.join(sorted(allowed))}" if allowed else "")
        return doc.problem(loc, f"unknown key '{error['loc'][-1]}'{hint}", key=True)
    if kind == "missing":
        where = f" in {_field_name(error['loc'][:-1])}" if len(error["loc"]) > 1 else ""
        return doc.problem(loc[:-1], f"missing required field '{name}'{where}")
    if kind in _EXPECTED:
        value = error.get("input")
        mark = pasted.list_mark(value) if kind == "list_type" and isinstance(value, str) else ""
        hint = (f"; its lines start with {mark}, as a list pasted from a word processor does: "
                "start each item with '-' and a space" if mark else "")
        if kind == "string_type" and isinstance(value, (int, float, bool, datetime.date)):
            # YAML reads 1984, 3.5, yes and 1956-02-25 as a number, true/false or a date
            shown = value if isinstance(value, (int, float)) and not isinstance(value, bool) else "..."
            hint = f"; YAML reads it as a {_yaml_kind(value)}: put it in quotes to keep it as text (\"{shown}\")"
        if not any(isinstance(part, str) for part in loc):  # the whole file, or an item of a list
            what = "the file" if not loc else "each item"
            return doc.problem(loc, f"{what} must be {_EXPECTED[kind]}, not {_describe(value)}{hint}")
        return doc.problem(loc, f"'{name}' must be {_EXPECTED[kind]}, not {_describe(value)}{hint}")
    if kind == "literal_error":
        value = error.get("input")
        invisible = f" ({pasted.hint(value)})" if isinstance(value, str) and pasted.hint(value) else ""
        return doc.problem(loc, f"'{name}' must be one of {error['ctx']['expected']}, not {_describe(value)}{invisible}")
    if kind in ("too_short", "list_too_short", "string_too_short"):
        return doc.problem(loc, f"'{name}' must not be empty")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return doc.problem(loc, f"'{name}' {error['msg'].lower().replace('input ', '')}")
    if kind == "value_error":
        return doc.problem(loc, str(error["ctx"]["error"]))
    return doc.problem(loc, f"'{name}': {error['msg']}")


def _field_name(loc: tuple) -> str:
    """The last named key of a location: ('sections', 0, 'heading') -> 'heading'."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "item"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the field is empty)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) < 40 else text[:37] + "..."


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (sub)model that `loc` points into."""
    current: Any = model
    skip_dict_key = False
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        if skip_dict_key:  # a key of dict[str, Model], e.g. the side in sides.pro
            skip_dict_key = False
            continue
        field = getattr(current, "model_fields", {}).get(part)
        current = _model_in(field.annotation) if field else None
        skip_dict_key = field is not None and getattr(field.annotation, "__origin__", None) is dict
    return list(getattr(current, "model_fields", {}) or [])


def _model_in(annotation: Any) -> Optional[type[BaseModel]]:
    """The BaseModel inside Optional[X], list[X] or dict[str, X], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None
