"""Tagged PDF/UA-1 output, checked with an independent validator (page-validation,
a Rust implementation of the ISO 14289-1 rules) and by reading the tags with pypdf.

Each project is built once (module fixtures); the tests look at the files."""
from __future__ import annotations

import copy
import os
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from conftest import DEBATE, TOPIC, run_cli, small_project

page = pytest.importorskip("page", reason="the PDF/UA validator: pip install page-validation (test extra)")

FIGURE_ALT = "Map of Europe in 1956: the Warsaw Pact states shaded, Austria neutral"
INLINE_ALT = "The Kremlin seen from the Moskva river"


def png(width: int = 40, height: int = 30) -> bytes:
    """A small grey RGB PNG, written by hand so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def small_built(tmp_path_factory):
    """Figures (a section figure and a Markdown image), a Markdown table, footnotes,
    citations, a debate with cards and rebuttals, role cards; every layout."""
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["figure"] = {"image": "assets/map.png", "alt": FIGURE_ALT,
                                      "caption": "Europe after the *Austrian State Treaty*."}
    topic["sections"][1]["body"] += (f"\n\n![{INLINE_ALT}](assets/map.png)\n\n"
                                     "See the [*Pravda* editorial of 1956](https://example.org/pravda).\n")
    debate = copy.deepcopy(DEBATE)
    debate["sides"]["con"]["contentions"][0]["cards"] = [{
        "tag": "Interests decided", "cite": {"source": "conquest1961", "page": "300"},
        "text": "Borders and the bomb, ==not doctrine, split the allies==, in this account."}]
    config = {
        "title": "Test Unit", "course": "History", "author": "Ms. Test", "language": "en-GB",
        "packs": [
            {"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "editions": ["student", "teacher"]},
            {"id": "brief", "modules": ["thaw", "split"], "layout": "brief", "editions": ["student", "judge"]},
            {"id": "packet", "modules": ["split"], "layout": "packet"},
        ],
    }
    root = small_project(tmp_path_factory.mktemp("a11y") / "proj", **{
        "coursepack.yaml": config, "content/thaw.yaml": topic, "content/debates/split.yaml": debate,
        "assets/map.png": png()})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    return root


def failures(path: Path) -> list[str]:
    report = page.validate_pdf(path, profile="ua1")
    return [f"{path.name}: {failure.rule_id}: {failure.message}" for failure in report.failures]


def pdfs(root: Path) -> list[Path]:
    found = sorted((root / "build").glob("*.pdf"))
    assert found
    return found


def test_every_pdf_of_the_example_passes_pdf_ua_1(example_built):
    names = [path.name for path in pdfs(example_built)]
    assert len(names) == 9, names
    assert [problem for path in pdfs(example_built) for problem in failures(path)] == []


def test_every_pdf_of_a_project_with_figures_tables_notes_and_debate_passes(small_built):
    names = {path.name for path in pdfs(small_built)}
    assert {"unit.pdf", "unit-teacher.pdf", "unit-roles.pdf", "brief.pdf", "brief-judge.pdf",
            "packet.pdf"} <= names
    assert [problem for path in pdfs(small_built) for problem in failures(path)] == []


def struct_elements(reader: PdfReader):
    """Every structure element of the tagged PDF, depth first: (type, element)."""
    def walk(node):
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return
        if "/S" in node:
            yield str(node["/S"]), node
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []):
            if not isinstance(kid, int):
                yield from walk(kid)
    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"])


def test_figure_alt_text_reaches_the_pdf(small_built):
    reader = PdfReader(small_built / "build" / "unit.pdf")
    alts = [str(element.get("/Alt")) for kind, element in struct_elements(reader) if kind == "/Figure"]
    assert alts == [FIGURE_ALT, INLINE_ALT]


def test_document_title_language_and_marking(small_built):
    root = PdfReader(small_built / "build" / "unit-teacher.pdf").trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/Lang"] == "en-GB"
    reader = PdfReader(small_built / "build" / "unit-teacher.pdf")
    assert reader.metadata.title == "The Unit (Teacher edition)"
    assert b"pdfuaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_tables_have_header_cells_and_lists_have_items(small_built):
    reader = PdfReader(small_built / "build" / "unit.pdf")
    kinds = [kind for kind, _ in struct_elements(reader)]
    # the Markdown table, the topic's timeline, the pack's timeline, the time table
    assert kinds.count("/Table") == 4
    assert kinds.count("/TH") >= 2 * 4
    # the glossary, key terms and people are lists of items, not of wrapper divisions
    assert "/LI" in kinds and "/LBody" in kinds


def test_headings_in_order_and_each_one_a_bookmark(small_built):
    reader = PdfReader(small_built / "build" / "brief.pdf")
    levels = [int(kind[2]) for kind, _ in struct_elements(reader) if kind in {f"/H{n}" for n in range(1, 7)}]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels

    def walk(items, depth=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield item.title, depth
    outline = list(walk(reader.outline))
    titles = [title for title, _ in outline]
    # the cover's title, the contents, a chapter, a contention (h2 in the brief), a
    # cross-examination heading (h3)
    for expected in ("Test Unit", "Contents", "Proposition case", "Proposition 1 Shared doctrine",
                     "Questions to ask the Proposition"):
        assert expected in titles, (expected, titles)
    assert dict(outline)["Questions to ask the Proposition"] == 3
    # one bookmark per heading, plus the resolution box (bookmarked without a heading)
    assert len(outline) == len(levels) + titles.count("Resolution")


def test_links_are_described_by_their_text(small_built):
    reader = PdfReader(small_built / "build" / "unit.pdf")
    descriptions = [annotation.get_object().get("/Contents") for pdf_page in reader.pages
                    for annotation in pdf_page.get("/Annots", [])
                    if annotation.get_object()["/Subtype"] == "/Link"]
    assert "The Secret Speech" in descriptions and "Glossary" in descriptions
    assert not [text for text in descriptions if text.startswith("m-")]
    # a link with formatting inside is one annotation, described by all its words
    assert descriptions.count("Pravda editorial of 1956") == 1


def test_read_aloud_words_are_marked_in_the_text(small_built):
    text = "\n".join(p.extract_text() for p in PdfReader(small_built / "build" / "brief.pdf").pages)
    assert "⟦not doctrine, split the allies⟧" in " ".join(text.split())


def test_untagged_when_the_project_asks(tmp_path):
    config = {"title": "Plain", "packs": [{"id": "brief", "modules": ["split"], "layout": "brief"}],
              "pdf": {"standard": "none"}}
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config, "content/thaw.yaml": None})
    assert run_cli("build", root, "--pack", "brief").exit_code == 0
    catalog = PdfReader(root / "build" / "brief.pdf").trailer["/Root"]
    assert "/StructTreeRoot" not in catalog and "/MarkInfo" not in catalog


def test_pdfs_are_readable_by_others_under_umask_022(example_built):
    modes = {path.name: oct(path.stat().st_mode & 0o777) for path in pdfs(example_built)}
    assert set(modes.values()) == {"0o644"}, modes


def test_written_files_follow_the_umask(tmp_path):
    from coursepack.pipeline.write import write_atomic
    for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(mask)
        try:
            write_atomic(tmp_path / "out.pdf", b"%PDF-1.7")
        finally:
            os.umask(old)
        assert (tmp_path / "out.pdf").stat().st_mode & 0o777 == mode, oct(mask)
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left
