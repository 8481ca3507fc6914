"""theme: in coursepack.yaml, overriding the stylesheet safely, compact packs."""
import ctypes
import shutil
import struct
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from pypdf import PdfReader

from coursepack.render import theme_dir

from conftest import CONFIG, DEBATE, SOURCES, run_cli, small_project, write_project

FONTS = theme_dir() / "fonts"


def png(width=40, height=20, rgb=(138, 21, 56)) -> bytes:
    """A small one-colour PNG."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def char_style(pdf_path, page_index, text):
    """(font size, font name) of the first character of `text` on a page, or None."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    textpage = pdf[page_index].get_textpage()
    found = textpage.search(text, match_case=True).get_next()
    if not found:
        return None
    index = found[0]
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, name, 256, ctypes.byref(flags))
    return pdfium_raw.FPDFText_GetFontSize(textpage.raw, index), name.value.decode()


def page_texts(pdf_path):
    return [page.extract_text() for page in PdfReader(pdf_path).pages]


# -- a customised project --------------------------------------------------------

THEMED = dict(CONFIG, theme={  # no school: the logo's alt text is the label "Logo"
    "accent": "#8a1538",
    "logo": "assets/logo.png",
    "base_size": "14pt",
    "fonts": {"body": "assets/fonts/School-Regular.otf", "headings": "Linux Libertine"},
    "footer": "Lincoln High School, World History II",
    "css": ["assets/school.css"],
}, packs=[{"id": "unit", "modules": ["thaw"], "editions": ["student"]}])


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    root = small_project(tmp_path_factory.mktemp("themed") / "proj", **{
        "coursepack.yaml": THEMED,
        "assets/logo.png": png(),
        "assets/fonts/School-Regular.otf": (FONTS / "LinBiolinum_R.otf").read_bytes(),
        # on top of the theme: a rule the theme has (kicker in capitals) changed, and one added
        "assets/school.css": ".kicker { text-transform: none; }\n.chapter-title::after { content: \" (school rule)\"; }\n",
    })
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    return root / "build" / "unit.pdf"


def test_the_logo_is_on_the_cover(themed):
    drawn = [_images_drawn(page) for page in PdfReader(themed).pages]
    assert drawn[0] == 1 and not any(drawn[1:]), drawn


def test_the_footer_is_on_every_page_but_the_cover(themed):
    texts = page_texts(themed)
    assert "Lincoln High School, World History II" not in texts[0]
    assert all("Lincoln High School, World History II" in text for text in texts[1:])


def test_the_project_stylesheet_applies_on_top_of_the_theme(themed):
    text = "\n".join(page_texts(themed))
    assert "The Thaw (school rule)" in text
    assert "Module 1" in text and "MODULE 1" not in text


def test_fonts_come_from_the_project_and_the_bundle(themed):
    texts = page_texts(themed)
    page = next(i for i, text in enumerate(texts) if "In February 1956" in text and "Module 1" in text)
    assert "Project-Body" in char_style(themed, page, "In February 1956")[1]
    assert "Theme-Serif" in char_style(themed, page, "The Secret Speech")[1]  # Linux Libertine for headings


def test_sizes_follow_the_base_size(themed):
    texts = page_texts(themed)
    page = next(i for i, text in enumerate(texts) if "In February 1956" in text and "Module 1" in text)
    body, _ = char_style(themed, page, "In February 1956")
    assert body == pytest.approx(14 * 4 / 3, rel=0.02)  # pdfium reports CSS pixels


@pytest.mark.parametrize("base", ["9pt", "16pt"])  # 14pt: the customised project above
def test_headings_stay_larger_than_body_text_at_every_base_size(tmp_path, base):
    # 16pt also with the other bundled families, named as in the format reference
    fonts = {"body": "Source Serif 4", "headings": "Source Sans 3"} if base == "16pt" else {}
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": dict(
        CONFIG, theme={"base_size": base, "fonts": fonts},
        packs=[{"id": "unit", "modules": ["thaw"], "cover": False, "contents": False}])})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    pdf = root / "build" / "unit.pdf"
    body = char_style(pdf, 0, "In February 1956")[0]
    h1 = char_style(pdf, 0, "The Thaw")[0]
    h2 = char_style(pdf, 0, "The Secret Speech")[0]
    kicker = char_style(pdf, 0, "M O D U L E")[0]  # letter-spaced capitals
    expected = float(base[:-2]) * 4 / 3
    assert body == pytest.approx(expected, rel=0.02)
    assert h1 > h2 > body
    assert kicker < body  # small capitals over the title, scaled too
    assert kicker == pytest.approx(9 / 11.5 * expected, rel=0.05)
    if fonts:
        assert "Source-Serif-4" in char_style(pdf, 0, "In February 1956")[1]
        assert "Source-Sans-3" in char_style(pdf, 0, "The Secret Speech")[1]


def test_bad_theme_values_are_located_problems(tmp_path):
    config = dict(CONFIG, theme={"accent": "#12345", "logo": "assets/logo.png", "base_size": "huge",
                                 "fonts": {"body": "assets/fonts/Broken.ttf", "headings": "No Such Font Family"},
                                 "css": ["assets/missing.css"]})
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config,
                                               "assets/logo.png": b"GIF? no, text",
                                               "assets/fonts/Broken.ttf": b"this is not a font"})
    result = run_cli("check", root)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("coursepack.yaml:")]
    messages = "\n".join(lines)
    assert "accent '#12345' is not a CSS colour" in messages
    assert "logo 'assets/logo.png' is not an image (PNG, JPEG, GIF, WebP or SVG)" in messages
    assert "base_size 'huge' is not a length; write a size such as 12pt" in messages
    assert "font file 'assets/fonts/Broken.ttf' is not a font" in messages
    assert "font 'No Such Font Family' is neither bundled" in messages
    assert "stylesheet 'assets/missing.css' does not exist" in messages
    assert len(lines) == 6
    missing = small_project(tmp_path / "other", **{"coursepack.yaml": dict(CONFIG, theme={"logo": "assets/nope.png"})})
    assert "logo 'assets/nope.png' does not exist" in run_cli("check", missing).output


# -- overriding the stylesheet ---------------------------------------------------------

def test_a_replaced_stylesheet_is_warned_about_and_a_copy_keeps_its_fonts(tmp_path):
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": dict(CONFIG, packs=[{"id": "unit", "modules": ["thaw"]}])})
    (root / "templates" / "css").mkdir(parents=True)
    copy = root / "templates" / "css" / "print.css"
    shutil.copy(theme_dir() / "css" / "print.css", copy)
    assert "replaces the theme" not in run_cli("check", root).output  # an untouched copy replaces nothing
    copy.write_text(copy.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.01em; }\n", encoding="utf-8")
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    assert ("warning: templates/css/print.css replaces the theme's whole stylesheet" in result.output
            and "templates/css/theme.css" in result.output)
    fonts = {font for page in PdfReader(root / "build" / "unit.pdf").pages
             for font in _font_names(page)}
    assert any("Theme-Serif" in font for font in fonts), fonts  # fonts.css and ../fonts/ were found


def _images_drawn(page) -> int:
    """How many image XObjects the page's content draws (resources are shared by pages)."""
    content = page.get_contents().get_data()
    xobjects = page["/Resources"].get("/XObject") or {}
    return sum(content.count(f"{name} Do".encode()) for name, ref in xobjects.items()
               if ref.get_object().get("/Subtype") == "/Image")


def _font_names(page):
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    return {str(font.get_object().get("/BaseFont")) for font in fonts.values()}


# -- compact packs ------------------------------------------------------------------------

def test_a_pack_without_cover_and_contents_starts_with_its_first_module(tmp_path):
    # with templates/css/theme.css, which extends the theme's stylesheet without a warning
    root = small_project(tmp_path / "proj", **{
        "coursepack.yaml": dict(CONFIG, packs=[
            {"id": "week", "title": "Week 1", "modules": ["thaw"], "cover": False, "contents": False,
             "editions": ["student", "teacher"]}]),
        "templates/css/theme.css": ".chapter-title::after { content: \" (extended)\"; }\n"})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert "The Thaw (extended)" in page_texts(root / "build" / "week.pdf")[0]
    for name in ("week.pdf", "week-teacher.pdf"):
        texts = page_texts(root / "build" / name)
        assert "The Thaw" in texts[0] and "MODULE 1" in texts[0], texts[0]
        assert "Contents" not in "\n".join(texts)
        assert all(text.strip() for text in texts)  # no blank page
        assert "Page 1 of" in texts[0]
    assert "Week 1" in page_texts(root / "build" / "week.pdf")[1]  # the running head still names the pack


def test_a_short_table_never_leaves_one_row_alone(tmp_path):
    # On a small page, chapters whose text grows a line at a time: some put their table at a page foot.
    topics = {}
    for number in range(9):
        filler = "\n\n".join(f"Line {k}." for k in range(4 + number))
        rows = "\n".join(f"| T{number}R{row} | cell |" for row in range(3))
        topics[f"content/t{number}.yaml"] = {"kind": "topic", "id": f"t{number}", "title": f"Topic {number}",
                                             "sections": [{"heading": "Text", "body": filler + "\n\n| Row | Cell |\n|---|---|\n" + rows}]}
    root = write_project(tmp_path / "proj", {
        "coursepack.yaml": {"title": "Tables", "page": {"size": "100mm 110mm"},
                            "packs": [{"id": "t", "modules": [f"t{n}" for n in range(9)], "contents": False, "cover": False}]},
        "content/sources.yaml": SOURCES, **topics})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    texts = page_texts(root / "build" / "t.pdf")
    split = 0
    for number in range(9):
        pages = [sum(f"T{number}R{row} " in text for row in range(3)) for text in texts]
        split += sum(1 for count in pages if count) > 1
        assert sorted(count for count in pages if count) == [3], (number, pages)
    assert split == 0


def test_role_cards_that_fill_a_page_leave_no_blank_page(tmp_path):
    long = "\n\n".join(f"Paragraph {n} of a long private briefing that fills most of a page of the sheet." for n in range(10))
    roles = [{"name": f"Person {n}", "side": "pro", "goals": ["Win"], "knows": long} for n in range(4)]
    root = small_project(tmp_path / "proj", **{
        "coursepack.yaml": dict(CONFIG, packs=[{"id": "brief", "modules": ["split"], "layout": "brief", "editions": ["judge"]}]),
        "content/debates/split.yaml": dict(DEBATE, roles=roles)})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    texts = page_texts(root / "build" / "brief-roles.pdf")
    assert all("Person" in text for text in texts), [text[:60] for text in texts]


def test_a_customised_pack_is_still_accessible(themed):
    page = pytest.importorskip("page", reason="the PDF/UA validator: pip install page-validation (test extra)")
    report = page.validate_pdf(themed, profile="ua1")
    assert [f"{failure.rule_id}: {failure.message}" for failure in report.failures] == []


def test_a_font_file_gets_its_weight_whatever_folder_the_command_runs_in(tmp_path, monkeypatch):
    from coursepack import theme
    from coursepack.render import theme_dir

    root = tmp_path / "proj"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "Bold.otf").write_bytes((theme_dir() / "fonts" / "LinBiolinum_RB.otf").read_bytes())
    monkeypatch.chdir(tmp_path)  # not the project folder
    rules: list[str] = []
    theme.font_stack("assets/Bold.otf", "body", "Theme Serif", "en", rules, root)
    assert "font-weight: 700" in rules[0], rules
