"""`coursepack schema KIND`: JSON Schemas that accept what `check` accepts and reject
misspelt keys, as an editor's YAML language server would apply them."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO, run_cli
from coursepack.loader import SPECIAL_CONTENT_FILES
from coursepack.yamlio import load_yaml

STARTER = REPO / "coursepack" / "starter"
FORMATS = REPO / "coursepack" / "formats"


@pytest.fixture(scope="module")
def validators():
    found = {}
    for kind in ("project", "module", "format"):
        result = run_cli("schema", kind)
        assert result.exit_code == 0, result.output
        schema = json.loads(result.stdout)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)
        found[kind] = Draft202012Validator(schema)
    return found


def modules(root: Path):
    content = root / "content"
    return [f for f in sorted(content.rglob("*.yaml"))
            if not (f.parent == content and f.name in SPECIAL_CONTENT_FILES)]


def data(file: Path):
    """The file as coursepack reads it (YAML 1.2 core: dates stay text, as in editors)."""
    return load_yaml(file, file.name).data


def errors(validator, value) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]


def test_every_example_and_starter_file_is_valid(validators):
    files = modules(REPO) + modules(STARTER)
    assert len(files) >= 5
    for file in files:
        assert errors(validators["module"], data(file)) == [], file
    for file in (REPO / "coursepack.yaml", STARTER / "coursepack.yaml"):
        assert errors(validators["project"], data(file)) == [], file
    for file in sorted(FORMATS.glob("*.yaml")):
        assert errors(validators["format"], data(file)) == [], file


@pytest.mark.parametrize("path, key", [
    ((), "sumary"),  # a topic's own key
    (("sections", 0), "heding"),
    (("timeline", 0), "evnt"),
])
def test_a_misspelt_topic_key_is_rejected(validators, path, key):
    topic = data(REPO / "content" / "topics" / "khrushchev-reforms.yaml")
    target = topic
    for step in path:
        target = target[step]
    target[key] = "x"
    assert any(key in message for message in errors(validators["module"], topic))


def test_a_misspelt_debate_key_and_a_wrong_choice_are_rejected(validators):
    debate = data(REPO / "content" / "debates" / "molotov-split.yaml")
    debate["sides"]["pro"]["contentions"][0]["cards"][0]["qauls"] = "x"
    assert any("qauls" in message for message in errors(validators["module"], debate))
    debate = data(REPO / "content" / "debates" / "molotov-split.yaml")
    debate["kind"] = "debait"
    assert errors(validators["module"], debate)
    project = data(REPO / "coursepack.yaml")
    project["packs"][0]["layout"] = "booklet"
    assert any("booklet" in message for message in errors(validators["project"], project))
    project = data(REPO / "coursepack.yaml")
    project["tilte"] = project.pop("title")
    found = errors(validators["project"], project)
    assert any("tilte" in message for message in found) and any("'title' is a required" in m for m in found)


def test_what_yaml_reads_as_numbers_is_allowed_where_coursepack_allows_it(validators):
    topic = {"kind": "topic", "title": "T", "sections": [{"heading": "H", "body": "B"}],
             "timeline": [{"date": 1955, "event": "E"}], "people": [{"name": "N", "years": 1900}]}
    assert errors(validators["module"], topic) == []  # and no `id`: it defaults to the file name
    topic["questions"] = [{"prompt": "Q", "lines": 41}]
    assert errors(validators["module"], topic)


def test_an_inline_format_is_checked_as_a_format(validators):
    debate = data(REPO / "content" / "debates" / "molotov-split.yaml")
    debate["format"] = {"id": "mine", "name": "Mine", "sides": {"pro": "A", "con": "B"},
                        "speeches": [{"name": "One", "side": "pro", "minutes": 3}]}
    assert errors(validators["module"], debate) == []
    debate["format"]["speeches"][0]["minuets"] = 3
    assert any("minuets" in message for message in errors(validators["module"], debate))


def test_unknown_kind_is_a_usage_error():
    result = run_cli("schema", "roster")
    assert result.exit_code == 2 and "project" in result.stderr


def undescribed(node, path=""):
    """Properties without a description, as /$defs/Model/field paths."""
    missing = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{path}/{name}")
        for key, value in node.items():
            missing += undescribed(value, f"{path}/{key}" if key != "properties" else path)
    elif isinstance(node, list):
        for value in node:
            missing += undescribed(value, path)
    return missing


@pytest.mark.parametrize("kind", ["project", "module", "format"])
def test_every_field_is_described_and_every_choice_listed(kind):
    from coursepack.schema import schema_for

    schema = schema_for(kind)
    assert undescribed(schema) == [], "write a docstring under each of these fields in coursepack/models.py"
    text = json.dumps(schema)
    choice = {"project": '"enum": ["course-pack", "brief", "packet"]',  # a pack's layout
              "module": '"const": "topic"',  # the kind of a module
              "format": '"minProperties": 2'}[kind]  # a format names at least two sides
    assert choice in text
    assert '"additionalProperties": false' in text


def test_the_field_reference_in_the_docs_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("format_reference", REPO / "scripts" / "format_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (REPO / "docs" / "content-format.md").read_text(encoding="utf-8")
    assert module.updated(page) == page, "run: python scripts/format_reference.py"
    assert "| `card_text` | `full` \\| `read-aloud` | `full` |" in page


def test_ids_and_side_keys_must_be_plain(validators):
    topic = {"kind": "topic", "id": "week 1", "title": "T", "sections": [{"heading": "H", "body": "B"}]}
    assert any("week 1" in message for message in errors(validators["module"], topic))
    debate = data(REPO / "content" / "debates" / "molotov-split.yaml")
    debate["sides"]["pro side"] = debate["sides"].pop("pro")
    assert any("pro side" in message for message in errors(validators["module"], debate))
    project = data(REPO / "coursepack.yaml")
    project["packs"][0]["id"] = "../unit"
    assert any("../unit" in message for message in errors(validators["project"], project))
