"""Sources files as people export them (CSL YAML, CSL JSON, BibTeX) and a project's own CSL style,
through `coursepack check` and `coursepack build`."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from coursepack.citations import STYLES_DIR
from conftest import CONFIG, DEBATE, TOPIC, run_cli, small_project

BIB = """\
% Exported by Better BibTeX
@comment{jabref-meta: databaseType:biblatex;}

@book{taubman2003,
  author = {Taubman, William},
  title = {Khrushchev: The Man and His Era},
  publisher = {W. W. Norton},
  date = {2003},
}

@article{taubman2003b,
  author = {Taubman, William},
  title = {{Another} Article},
  journaltitle = {Journal of Examples},
  year = {2003},
}

@book{mao1960,
  author = {{毛泽东}},
  title = {Selected Works},
  year = {1960},
}
"""


def check_lines(root) -> tuple[int, list[str]]:
    result = run_cli("check", root)
    return result.exit_code, [line for line in result.stderr.splitlines() if not line.endswith("no PDF was written.")]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def bib_project(tmp_path_factory):
    """sources.yaml and sources.bib side by side, a prose citation of each, a card from the .bib."""
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["body"] = ("Khrushchev spoke [@taubman2003; @taubman2003b] and [@conquest1961, p. 3] "
                                    "and [@mao1960].")
    debate = copy.deepcopy(DEBATE)
    debate["sides"]["pro"]["contentions"][0]["cards"][0]["cite"] = {"source": "taubman2003b", "page": "pp. 3-5"}
    config = copy.deepcopy(CONFIG)
    config["packs"] = [{"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "editions": ["student"]}]
    root = small_project(tmp_path_factory.mktemp("bib"), **{"content/sources.bib": BIB, "content/thaw.yaml": topic,
                                                           "content/debates/split.yaml": debate,
                                                           "coursepack.yaml": config})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    return root


def test_a_bib_file_next_to_the_yaml_one_is_read(bib_project):
    result = run_cli("check", bib_project)
    assert result.exit_code == 0 and "4 sources" in result.stdout
    text = pdf_text(bib_project / "build" / "unit.pdf")
    # year suffixes across both files, CJK name without comma, card short cite from the .bib
    assert "(Taubman 2003b, 2003a)" in text
    assert "(Conquest 1961, 3)" in text and "(毛泽东 1960)" in text
    assert "Taubman 2003a, 3–5" in text
    last_page = PdfReader(bib_project / "build" / "unit.pdf").pages[-1].extract_text()
    for entry in ("Conquest, Robert. 1961.", "Taubman, William. 2003a. “Another Article.”",
                  "Taubman, William. 2003b. Khrushchev: The Man and His Era. W. W. Norton.", "毛泽东. 1960."):
        assert entry in " ".join(last_page.split()), entry


def test_a_key_in_two_files_names_both_places(tmp_path):
    bib = BIB + "\n@book{conquest1961,\n  title = {Again},\n  year = {1961},\n}\n"
    code, lines = check_lines(small_project(tmp_path, **{"content/sources.bib": bib}))
    assert code == 1
    assert lines == ["content/sources.bib:24:1: source key 'conquest1961' is defined twice "
                     "(also at content/sources.yaml:2:7); keep one"]


@pytest.mark.parametrize("bib, expected", [
    ("@book{open,\n  title = {Never closed,\n  year = {1999},\n}\n",
     "content/sources.bib:1:1: the entry '@book' starting here is never closed; add the missing '}'"),
    ("@book{,\n  title = {No key},\n}\n", "content/sources.bib:1:1: the entry '@book' has no citation key"),
    ("@book{twice, title={A}}\n\n@book{twice, title={B}}\n",
     "content/sources.bib:3:1: source key 'twice' is defined twice (also at content/sources.bib:1:1); keep one"),
    ("@book{ok, title={A}}\n@book{bad, title = {x} year = {1}}\n", "content/sources.bib:2:24: not valid BibTeX"),
])
def test_an_unreadable_bib_file_is_located(tmp_path, bib, expected):
    code, lines = check_lines(small_project(tmp_path, **{"content/sources.bib": bib}))
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(expected), lines


def test_a_project_with_its_own_csl_style_builds(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["citation_style"] = "styles/school.csl"
    config["packs"] = [{"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "editions": ["student"]}]
    root = small_project(tmp_path, **{"coursepack.yaml": config,
                                      "styles/school.csl": (STYLES_DIR / "ieee.csl").read_text(encoding="utf-8")})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    text = pdf_text(root / "build" / "unit.pdf")
    assert "[1, p. 12]" in text  # the summary's citation, numbered as IEEE numbers it
    assert "[1]" in text and "R. Conquest, Power and Policy in the USSR" in text


@pytest.mark.parametrize("style, message", [
    ("../school.csl", "citation style '../school.csl' is outside the project"),
    ("styles/missing.csl", "citation style file 'styles/missing.csl' does not exist"),
    ("coursepack.yaml", "citation style 'coursepack.yaml' is not a .csl file"),
])
def test_a_style_path_that_cannot_be_used_is_reported_at_its_line(tmp_path, style, message):
    config = copy.deepcopy(CONFIG)
    config["citation_style"] = style
    code, lines = check_lines(small_project(tmp_path / "project", **{"coursepack.yaml": config}))
    assert code == 1
    assert lines[0].startswith("coursepack.yaml:18:17: " + message), lines


def test_unknown_key_in_a_multi_line_citation_is_reported_at_its_line(tmp_path):
    topic = """\
        kind: topic
        id: thaw
        title: The Thaw
        sections:
          - heading: One
            body: |
              First line.

              Second [see @conquest1961, p. 3;
              also @nobody2000, p. 4].
        """
    code, lines = check_lines(small_project(tmp_path, **{"content/thaw.yaml": topic}))
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("content/thaw.yaml:10:12: citation 'nobody2000'"), lines


def test_one_pandoc_run_per_document(tmp_path, monkeypatch):
    import subprocess

    from coursepack import citations

    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        if command and command[0] == citations.pandoc_path():
            calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(citations.subprocess, "run", counting_run)
    config = copy.deepcopy(CONFIG)
    config["packs"] = [{"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "editions": ["student"]}]
    root = small_project(tmp_path, **{"coursepack.yaml": config})
    from coursepack.project import load_project
    from coursepack.render import make_environment, render_pack

    project = load_project(root)
    html = render_pack(make_environment(project), project, project.pack("unit"), "student")
    assert len(calls) == 1
    assert "(Conquest 1961, 12)" in html and "Conquest 1961, 215" in html and "\uf8f0" not in html
    json.dumps(calls)  # plain arguments, no shell


def test_a_date_with_month_or_day_zero_is_a_problem_not_a_crash():
    from coursepack.sources import item_problems

    for parts, what in (([[1961, 0, 5]], "month 0"), ([[1961, 0]], "month 0"), ([[1961, 5, 0]], "day 0 of month 5")):
        problems = list(item_problems({"id": "x", "type": "book", "title": "t", "issued": {"date-parts": parts}}))
        assert [message for _, message in problems] == [
            f"'issued' has no such date ({what}); date-parts are [year, month, day]: months 1-12 "
            "(21-24 for spring to winter), days as the month has"]
