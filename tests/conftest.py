"""Shared helpers: write a small project into tmp_path and run the CLI on it."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from coursepack.__main__ import main

REPO = Path(__file__).resolve().parent.parent

# Subprocesses the tests start (python -m coursepack ...) import this checkout too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current templates (review the diff)")


TOPIC = {
    "kind": "topic",
    "id": "thaw",
    "title": "The Thaw",
    "summary": "How the Soviet Union changed after 1953 [@conquest1961, p. 12].",
    "objectives": ["Explain the Secret Speech"],
    "sections": [
        {"heading": "The Secret Speech", "body": "In February 1956 Khrushchev spoke against ==Stalin==.[^1]\n\n[^1]: At the Twentieth Party Congress."},
        {"heading": "Coexistence", "body": "| Year | Event |\n|---|---|\n| 1955 | Geneva |\n"},
    ],
    "timeline": [
        {"date": "1956-02-25", "event": "Secret Speech"},
        {"date": 1955, "event": "Austrian State Treaty"},
    ],
    "people": [{"name": "Nikita Khrushchev", "years": "1894-1971", "role": "First Secretary"}],
    "terms": [{"term": "Thaw", "definition": "The relaxation after Stalin's death."}],
    "questions": [{"prompt": "Why did the speech matter?", "lines": 3, "answer": "ANSWER-KEY-TEXT"}],
    "teacher_notes": "TEACHER-NOTE-TEXT",
}

DEBATE = {
    "kind": "debate",
    "id": "split",
    "title": "The Split",
    "resolution": "Molotov would have kept the alliance.",
    "format": "classroom",
    "sides": {
        "pro": {"contentions": [{"id": "ideology", "tag": "Shared doctrine", "argument": "Both distrusted Tito.",
                                 "cards": [{"tag": "Molotov opposed Tito", "cite": {"source": "conquest1961", "page": "215"},
                                            "text": "He ==opposed the reconciliation==.", "paraphrase": True}]}]},
        "con": {"contentions": [{"id": "interests", "tag": "National interests", "argument": "Borders and bombs."}]},
    },
    "rebuttals": [{"answers": "ideology", "points": ["Doctrine did not decide it."]}],
    "cross_examination": {"pro": ["Why would Mao trust Molotov?"], "con": ["What about 1958?"]},
    "roles": [{"name": "Molotov", "side": "pro", "faction": "Old guard", "goals": ["Win"], "knows": "SECRET-BRIEFING"}],
    "teacher_notes": "DEBATE-TEACHER-NOTE",
}

SOURCES = {"references": [{
    "id": "conquest1961", "type": "book", "author": [{"family": "Conquest", "given": "Robert"}],
    "title": "Power and Policy in the USSR", "publisher": "St. Martin's Press",
    "publisher-place": "New York", "issued": {"date-parts": [[1961]]}}]}

CONFIG = {
    "title": "Test Unit",
    "course": "History",
    "author": "Ms. Test",
    "language": "en",
    "packs": [
        {"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "editions": ["student", "teacher"]},
        {"id": "brief", "modules": ["split"], "layout": "brief"},
    ],
}


def write_project(root: Path, files: dict) -> Path:
    """Write files (text as given, anything else as YAML) under root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root


def small_project(root: Path, **overrides) -> Path:
    files = {
        "coursepack.yaml": CONFIG,
        "content/thaw.yaml": TOPIC,
        "content/debates/split.yaml": DEBATE,
        "content/sources.yaml": SOURCES,
    }
    files.update(overrides)
    return write_project(root, {k: v for k, v in files.items() if v is not None})


def run_cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    return small_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def example_built(tmp_path_factory):
    """The bundled example project, built once per test worker for the tests that look at its PDFs
    (under umask 022, the usual one, so file modes can be checked)."""
    from coursepack.scaffold import copy_example

    root = copy_example(tmp_path_factory.mktemp("example") / "example")
    mask = os.umask(0o022)
    try:
        result = run_cli("build", root)
    finally:
        os.umask(mask)
    assert result.exit_code == 0, result.output
    return root

