"""`coursepack build` end to end: real PDFs opened with pypdf."""
import copy

import pytest
import yaml
from pypdf import PdfReader

from conftest import CONFIG, REPO, TOPIC, run_cli, small_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = small_project(tmp_path_factory.mktemp("built") / "proj")
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    return root


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def outline_titles(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_build_writes_every_edition(built):
    assert sorted(p.name for p in (built / "build").glob("*.pdf")) == [
        "brief-roles.pdf", "brief.pdf", "unit-roles.pdf", "unit-teacher.pdf", "unit.pdf"]


def test_build_reports_pages_and_no_renderer_warnings(tmp_path):
    root = small_project(tmp_path / "proj")
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 0, result.output
    # one line per file, as each is written (in the order they finish)
    assert sorted(line.split(" (")[0] for line in result.stdout.splitlines()) == [
        "wrote build/brief-roles.pdf", "wrote build/brief.pdf"]
    assert "wrote build/brief.pdf (9 pages)" in result.stdout.splitlines()
    assert result.stderr == ""  # WeasyPrint warnings would be printed there


def test_bundled_fonts_are_embedded(built):
    fonts = set()
    for page in PdfReader(built / "build" / "unit.pdf").pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith(("Theme-Serif", "Theme-Sans")) for name in fonts), fonts


def test_student_edition_content_and_structure(built):
    reader = PdfReader(built / "build" / "unit.pdf")
    text = text_of(built / "build" / "unit.pdf")
    assert len(reader.pages) >= 4
    for expected in ("The Unit", "The Secret Speech", "Nikita Khrushchev", "Why did the speech matter?",
                     "Molotov would have kept the alliance.", "Conquest", "Glossary", "Bibliography"):
        assert expected in text, expected
    assert "ANSWER-KEY-TEXT" not in text
    assert "TEACHER-NOTE-TEXT" not in text
    assert "SECRET-BRIEFING" not in text
    titles = outline_titles(reader)
    assert "The Thaw" in titles and "The Secret Speech" in titles and "The Split" in titles


def test_metadata(built):
    meta = PdfReader(built / "build" / "unit.pdf").metadata
    assert meta.title == "The Unit"
    assert meta.author == "Ms. Test"
    lang = PdfReader(built / "build" / "unit.pdf").trailer["/Root"].get("/Lang")
    assert lang == "en"


def test_teacher_edition_has_answers_and_notes(built):
    text = text_of(built / "build" / "unit-teacher.pdf")
    for expected in ("ANSWER-KEY-TEXT", "TEACHER-NOTE-TEXT", "SECRET-BRIEFING", "DEBATE-TEACHER-NOTE"):
        assert expected in text, expected


def test_citations_and_footnotes(built):
    text = text_of(built / "build" / "unit.pdf")
    assert "(Conquest 1961, 12)" in text
    assert "At the Twentieth Party Congress." in text
    assert "Power and Policy in the USSR" in text


def test_brief_has_both_sides_and_rebuttals(built):
    text = text_of(built / "build" / "brief.pdf")
    for expected in ("Shared doctrine", "National interests", "Molotov opposed Tito", "Doctrine did not decide it.",
                     "Why would Mao trust Molotov?"):
        assert expected in text, expected
    assert "SECRET-BRIEFING" not in text


def test_same_input_gives_identical_bytes(built, tmp_path):
    copy_root = small_project(tmp_path / "again")
    assert run_cli("build", copy_root, "--pack", "unit").exit_code == 0
    assert (copy_root / "build" / "unit.pdf").read_bytes() == (built / "build" / "unit.pdf").read_bytes()


def test_content_errors_write_nothing_and_keep_old_pdfs(tmp_path):
    root = small_project(tmp_path / "proj")
    assert run_cli("build", root, "--pack", "brief").exit_code == 0
    before = (root / "build" / "brief.pdf").read_bytes()
    broken = copy.deepcopy(TOPIC)
    broken["title"] = ["not", "text"]
    root = small_project(tmp_path / "proj", **{"content/thaw.yaml": broken})
    result = run_cli("build", root)
    assert result.exit_code == 1
    assert "content/thaw.yaml:4:1: 'title' must be text, not a list" in result.stderr
    assert (root / "build" / "brief.pdf").read_bytes() == before
    assert not (root / "build" / "unit.pdf").exists()
    assert sorted(p.name for p in (root / "build").iterdir() if p.name != ".cache") == ["brief-roles.pdf", "brief.pdf"]  # no temp files


def test_unknown_pack_is_a_usage_error(project):
    result = run_cli("build", project, "--pack", "unti")
    assert result.exit_code == 2
    assert "no pack 'unti' in coursepack.yaml (did you mean 'unit'?)" in result.stderr


def test_duplex_starts_chapters_on_right_hand_pages(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["page"] = {"size": "a5", "duplex": True}
    config["packs"] = [{"id": "unit", "modules": ["thaw", "split"]}]
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    assert run_cli("build", root).exit_code == 0
    reader = PdfReader(root / "build" / "unit.pdf")
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (420, 595)  # A5 in points
    chapter_pages = [i for i, page in enumerate(reader.pages) if page.extract_text().startswith("MODULE")]
    assert len(chapter_pages) == 2
    assert all(i % 2 == 0 for i in chapter_pages)  # page index 0 is a right-hand page
    assert reader.pages[1].extract_text().strip() == ""  # the cover's back is left blank
    assert reader.pages[2].extract_text().startswith("Contents")


def test_example_project_builds(example_built):
    root = example_built
    names = sorted(p.name for p in (root / "build").glob("*.pdf"))
    assert "khrushchev-unit.pdf" in names and "khrushchev-unit-teacher.pdf" in names
    assert "molotov-split-brief.pdf" in names
    assert {"molotov-split-brief-judge.pdf", "molotov-split-brief-roles.pdf", "molotov-packet.pdf"} <= set(names)
    assert len(PdfReader(root / "build" / "khrushchev-unit.pdf").pages) > 15


def test_source_date_epoch_sets_the_pdf_date(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_cli("build", project, "--pack", "brief").exit_code == 0
    assert PdfReader(project / "build" / "brief.pdf").metadata["/CreationDate"] == "D:20231114221320Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    result = run_cli("build", project, "--pack", "brief")
    assert result.exit_code == 2
    assert result.stderr == ("coursepack: SOURCE_DATE_EPOCH='last tuesday' is not a whole number of seconds; "
                             "set it to a Unix time such as 1700000000, or unset it\n")


def test_the_example_in_a_source_checkout_has_no_template_overrides():
    """The repository is the example project and its templates/ is the theme itself:
    building it there must not warn that templates/css/print.css replaces the theme."""
    from coursepack.project import own_templates
    from coursepack.theme import override_warnings

    assert own_templates(REPO) is None
    assert override_warnings(REPO) == []


def test_a_build_folder_that_cannot_be_written_is_a_clear_error(project):
    (project / "build").write_text("a file where the build folder goes")
    result = run_cli("build", project, "--pack", "brief")
    assert result.exit_code == 1
    assert "cannot write this file" in result.stderr and "Traceback" not in result.output
    assert (project / "build").read_text() == "a file where the build folder goes"


def test_a_pack_that_cites_nothing_has_no_bibliography(tmp_path):
    topic = dict(TOPIC, summary="How the Soviet Union changed after 1953.")
    config = dict(CONFIG, packs=[{"id": "unit", "modules": ["thaw"]}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config, "content/thaw.yaml": topic})
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 0, result.output
    reader = PdfReader(root / "build" / "unit.pdf")
    assert "The Thaw" in outline_titles(reader)
    assert "Bibliography" not in outline_titles(reader) and "Bibliography" not in text_of(root / "build" / "unit.pdf")
    config["packs"][0]["bibliography"] = "all"  # every source listed, cited or not
    (root / "coursepack.yaml").write_text(yaml.safe_dump(config))
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    assert "Bibliography" in outline_titles(PdfReader(root / "build" / "unit.pdf"))
