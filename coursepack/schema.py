"""JSON Schemas (draft 2020-12) of the files a teacher writes, made from the models.

Editors with a YAML language server (VS Code's YAML extension, Neovim, JetBrains)
use them to suggest keys, show each key's description and underline misspelt keys
as the user types. The schemas are derived from the pydantic models in models.py,
so they cannot drift from what `coursepack check` accepts; a few rules that the
models enforce in validators (a year written as a number, an inline debate
format) are added here.
"""
from __future__ import annotations

import copy
import json
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from .errors import UsageError
from .models import _SAFE_ID as SAFE_ID
from .models import Cite, Debate, DebateFormat, PackConfig, Person, ProjectConfig, TimelineEvent, Topic

DIALECT = "https://json-schema.org/draft/2020-12/schema"

KINDS = {
    "project": "coursepack.yaml, the project file",
    "module": "a topic or debate module under content/",
    "format": "a debate format under formats/",
}

# Fields whose validators also accept numbers, as YAML reads `date: 1955` or `page: 215`.
_ALSO_NUMBERS = {(TimelineEvent, "date"), (Person, "years"), (Cite, "page")}
# Ids that become file names and anchors (models._safe_id), and maps keyed by side keys.
_IDS = {(PackConfig, "id"), (Topic, "id"), (Debate, "id")}
_SIDE_KEYED = {(Debate, "sides"), (DebateFormat, "sides")}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file: `project`, `module` or `format`.

    Returns a JSON-ready dict with `$schema` set to draft 2020-12. Every object
    whose unknown keys are errors has `additionalProperties: false`; choices are
    `enum`s; descriptions come from the models' field docstrings.
    Raises UsageError for an unknown kind."""
    if kind == "project":
        schema = TypeAdapter(ProjectConfig).json_schema()
    elif kind == "module":
        module = Annotated[Union[Topic, Debate], Field(discriminator="kind")]
        schema = TypeAdapter(module).json_schema()
    elif kind == "format":
        schema = TypeAdapter(DebateFormat).json_schema()
    else:
        raise UsageError(f"unknown schema kind '{kind}'; use one of: {', '.join(KINDS)}")
    schema = _adjusted(schema)
    return {"$schema": DIALECT, **schema, "title": f"coursepack: {KINDS[kind]}"}


def schema_text(kind: str) -> str:
    """`schema_for(kind)` as indented JSON text ending in a newline."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def _adjusted(schema: dict) -> dict:
    schema = copy.deepcopy(schema)
    defs = schema.get("$defs", {})
    for model in (Topic, Debate):
        if model.__name__ in defs:
            # `id` may be left out of a module: it defaults to the file name.
            definition = defs[model.__name__]
            definition["required"] = [name for name in definition.get("required", []) if name != "id"]
    if "Debate" in defs:
        format_schema = TypeAdapter(DebateFormat).json_schema(ref_template="#/$defs/{model}")
        for name, definition in format_schema.pop("$defs", {}).items():
            defs.setdefault(name, definition)
        defs.setdefault("DebateFormat", format_schema)
        prop = defs["Debate"]["properties"]["format"]
        description = prop.get("description")
        prop.clear()
        prop.update({"anyOf": [{"type": "string"}, {"$ref": "#/$defs/DebateFormat"}], "default": "classroom"})
        if description:
            prop["description"] = description
    for model, field in _ALSO_NUMBERS | _IDS | _SIDE_KEYED:
        target = defs.get(model.__name__) or (schema if schema.get("title") == model.__name__ else None)
        if not target or field not in target.get("properties", {}):
            continue
        prop = target["properties"][field]
        if (model, field) in _ALSO_NUMBERS:
            _allow_numbers(prop)
        elif (model, field) in _IDS:
            prop["pattern"] = SAFE_ID.pattern
        else:
            prop["propertyNames"] = {"pattern": SAFE_ID.pattern}
    _drop_property_titles(schema)
    return schema


def _allow_numbers(prop: dict) -> None:
    """A string property that also takes a number."""
    if prop.get("type") == "string":
        prop["type"] = ["string", "number"]
        return
    for option in prop.get("anyOf", []):
        if option.get("type") == "string":
            option["type"] = ["string", "number"]


def _drop_property_titles(node: Any) -> None:
    """pydantic titles every property after its name ("Prep Minutes"); editors show the
    key itself, so the titles only repeat it. A `null` default is dropped too: editors
    would insert `key: null` when the key is chosen from the completion list."""
    if isinstance(node, dict):
        for prop in node.get("properties", {}).values():
            if isinstance(prop, dict):
                prop.pop("title", None)
                if "default" in prop and prop["default"] is None:
                    del prop["default"]
        for value in node.values():
            _drop_property_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_property_titles(value)
