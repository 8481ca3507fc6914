"""Text in any script prints: CJK through the Noto fallback, Arabic and Hebrew shaped,
and a character no font has is one located problem (coursepack/glyphs.py)."""
import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from coursepack import glyphs

from conftest import SOURCES, run_cli, write_project

SPLIT = {
    "kind": "topic", "id": "split-names", "title": "Leaders of the Split (中苏交恶)",
    "summary": "Mao Zedong (毛泽东) met Nikita Khrushchev in Beijing (北京).",
    "sections": [{"heading": "Who was who", "body": "Zhou Enlai (周恩来) was premier.\n\n"
                                                    "| Name | Chinese |\n|---|---|\n| Mao Zedong | 毛泽东 |\n| Liu Shaoqi | 刘少奇 |\n"}],
    "people": [{"name": "Mao Zedong (毛泽东)", "years": "1893-1976"}],
    "terms": [{"term": "修正主义 (revisionism)", "definition": "Beijing's charge against Soviet policy."}],
}
DEBATE = {
    "kind": "debate", "id": "split", "title": "Could the Split Have Been Avoided?",
    "resolution": "The split was avoidable.", "format": "public-forum",
    "sides": {"pro": {"contentions": [{"id": "a", "tag": "Personalities"}]},
              "con": {"contentions": [{"id": "b", "tag": "Interests"}]}},
}
CONFIG = {"title": "The Sino-Soviet Alliance", "language": "en",
          "packs": [{"id": "split", "modules": ["split-names"]},
                    {"id": "packet", "modules": ["split"], "layout": "packet", "contents": False}]}


def fonts_of(pdf_path, text):
    """The font names of every character of `text` wherever it is found in the PDF."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    names = set()
    for page in pdf:
        textpage = page.get_textpage()
        search = textpage.search(text, match_case=True)
        while (found := search.get_next()):
            for index in range(found[0], found[0] + found[1]):
                buffer = ctypes.create_string_buffer(256)
                flags = ctypes.c_int()
                pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
                names.add(buffer.value.decode())
    return names


def test_chinese_and_korean_names_print_after_the_set_up(tmp_path):
    assert "中" in glyphs.coverage() and "김" in glyphs.coverage(), (
        "no CJK font installed: run scripts/install-system-deps.sh (it installs fonts-noto-cjk)")
    root = write_project(tmp_path / "proj", {
        "coursepack.yaml": CONFIG, "content/split-names.yaml": SPLIT, "content/split.yaml": DEBATE,
        "content/sources.yaml": SOURCES,
        "rosters/class.csv": "name,period,side\n王小明 (Wang Xiaoming),3,pro\n김민지,3,con\n"})
    result = run_cli("build", root, "--pack", "split")
    assert result.exit_code == 0, result.output
    pdf = root / "build" / "split.pdf"
    for text in ("中苏交恶", "毛泽东", "刘少奇", "修正主义", "北京"):  # title, running head, contents, table, glossary
        fonts = fonts_of(pdf, text)
        assert fonts and all("CJK" in name for name in fonts), (text, fonts)
    result = run_cli("packets", "packet", "--roster", root / "rosters" / "class.csv", "--project", root)
    assert result.exit_code == 0, result.output
    for name, stem in (("王小明", "02-王小明-Wang-Xiaoming"), ("김민지", "03-김민지")):
        fonts = fonts_of(root / "build" / "packets" / "packet" / f"{stem}.pdf", name)
        assert fonts and all("CJK" in font for font in fonts), (name, fonts)


def _unprintable() -> str:
    """A character that no font on this machine has (scripts the set-up installs no font for)."""
    fonts = glyphs.coverage()
    for char in "\U00013000\U00012000\U0001E900\U00011400\U000108E0":  # hieroglyph, cuneiform, Adlam, Newa, Hatran
        if char not in fonts:
            return char
    pytest.fail("every candidate character has a font on this machine: add a rarer one")


def test_a_character_no_font_has_is_one_located_problem(tmp_path):
    char = _unprintable()
    topic = (f"kind: topic\nid: t\ntitle: Signs {char}\nsections:\n"
             f"  - heading: One\n    body: |\n      First line.\n      A sign: {char}{char} and again {char}.\n"
             f"  - heading: Two\n    body: Once more {char}.\n")
    root = write_project(tmp_path / "proj", {
        "coursepack.yaml": {"title": "T", "packs": [{"id": "p", "modules": ["t"]}]},
        "content/t.yaml": topic, "content/sources.yaml": SOURCES})
    for command in ("check", "build"):
        result = run_cli(command, root)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert lines[0].startswith("content/t.yaml:3:8: no font on this machine can print " + char)
        assert f"U+{ord(char):04X}" in lines[0] and "here and on lines 8, 10" in lines[0]
        assert "theme: fonts" in lines[0] and "apt-get install" in lines[0]
    assert not (root / "build" / "p.pdf").exists()


def test_a_roster_name_no_font_has_is_one_problem_at_its_row(tmp_path):
    char = _unprintable()
    root = write_project(tmp_path / "proj", {
        "coursepack.yaml": CONFIG, "content/split-names.yaml": SPLIT, "content/split.yaml": DEBATE,
        "content/sources.yaml": SOURCES, "rosters/class.csv": f"name,side\nAnna,pro\n{char} Sign,con\n"})
    result = run_cli("packets", "packet", "--roster", root / "rosters" / "class.csv", "--project", root)
    assert result.exit_code == 1
    assert result.output.startswith(f"rosters/class.csv:3:1: no font on this machine can print {char}"), result.output


def test_arabic_and_hebrew_are_shaped_and_run_right_to_left(tmp_path):
    topic = {"kind": "topic", "id": "t", "title": "Scripts",
             "sections": [{"heading": "Right to left", "body": "بببب\n\nب ب ب ب\n\nשלום עולם"}]}
    root = write_project(tmp_path / "proj", {
        "coursepack.yaml": {"title": "T", "packs": [{"id": "p", "modules": ["t"], "cover": False, "contents": False}]},
        "content/t.yaml": topic, "content/sources.yaml": SOURCES})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    textpage = pdfium.PdfDocument(str(root / "build" / "p.pdf"))[0].get_textpage()

    def boxes(text):
        start, count = textpage.search(text).get_next()
        return [textpage.get_charbox(index) for index in range(start, start + count)]

    joined = boxes("بببب")  # initial, medial, medial, final forms
    apart = [box for box in boxes("ب ب ب ب") if box[2] > box[0]]
    width = max(box[2] for box in joined) - min(box[0] for box in joined)
    assert width < 0.8 * sum(box[2] - box[0] for box in apart)  # joined forms are narrower than isolated ones
    hebrew = boxes("שלום")
    assert hebrew[0][0] > hebrew[-1][0]  # the first letter is the rightmost
    assert "DejaVu" in " ".join(fonts_of(root / "build" / "p.pdf", "بببب")) or \
        "Noto" in " ".join(fonts_of(root / "build" / "p.pdf", "بببب"))


def test_every_bundled_face_has_the_characters_checked_without_reading_fonts():
    """glyphs.BUNDLED_BASICS are taken as printable without reading a font: every
    bundled face must really have them."""
    from coursepack.render import theme_dir

    faces = sorted((theme_dir() / "fonts").glob("Lin*.otf"))
    assert len(faces) == 6
    for face in faces:
        codes = {low for low, _ in glyphs._file_ranges(str(face))}
        assert not [char for char in glyphs.BUNDLED_BASICS if ord(char) not in codes], face.name
