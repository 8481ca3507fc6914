"""Print production: booklets imposed for saddle-stitching, bleed and crop marks,
the half-letter size. Booklet pages are identified by their content streams."""
from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import CONFIG, run_cli, small_project
from coursepack.outputs.booklet import MM, impose, saddle_stitch_order


def test_saddle_stitch_order():
    assert saddle_stitch_order(0) == []
    assert saddle_stitch_order(1) == [(None, 0), (None, None)]
    assert saddle_stitch_order(4) == [(3, 0), (1, 2)]
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # padded with blanks at the end: 10 pages on 3 sheets
    assert saddle_stitch_order(10) == [(None, 0), (1, None), (9, 2), (3, 8), (7, 4), (5, 6)]
    # every page exactly once, whatever the count
    for count in range(1, 41):
        placed = [n for side in saddle_stitch_order(count) for n in side if n is not None]
        assert sorted(placed) == list(range(count))


def numbered_pdf(count: int, landscape: tuple[int, ...] = ()) -> bytes:
    """`count` A5 pages with 3 mm bleed and crop marks; pages in `landscape` turned."""
    from weasyprint import HTML

    pages = "".join(f"<p{' class=land' if n in landscape else ''}>{n + 1}</p>" for n in range(count))
    html = ("<style>@page { size: 148mm 210mm; bleed: 12mm; marks: crop } @page land { size: 210mm 148mm }"
            ".land { page: land } p { font-size: 90pt; break-after: page; margin: 0 }</style>" + pages)
    return HTML(string=html).write_pdf()


def sides(booklet: bytes, original: bytes) -> list[tuple]:
    """Which original page (0-based) each half of each sheet side shows, found by its
    content, and where: the centre of its clipped box on the sheet."""
    pages = {page.get_contents().get_data(): number for number, page in enumerate(PdfReader(io.BytesIO(original)).pages)}
    reader = PdfReader(io.BytesIO(booklet))
    found = []
    for sheet in reader.pages:
        half = float(sheet.mediabox.width) / 2
        slots = [None, None]
        matrix = None
        for operands, operator in ContentStream(sheet.get_contents(), reader).operations:
            if operator == b"cm":
                matrix = [float(v) for v in operands]
            elif operator == b"Do":
                form = sheet["/Resources"]["/XObject"][operands[0]].get_object()
                left, bottom, right, top = (float(v) for v in form["/BBox"])
                a, b, c, d, e, f = matrix
                x = a * (left + right) / 2 + c * (bottom + top) / 2 + e
                slots[0 if x < half else 1] = pages[form.get_data()]
        found.append(tuple(slots))
    return found


def test_imposed_pages_sit_in_saddle_stitch_order_on_twice_the_page():
    original = numbered_pdf(10, landscape=(9,))
    booklet = impose(original, sheet_mm=(297, 210), title="Ten pages (booklet)")

    assert sides(booklet, original) == [(None, 0), (1, None), (9, 2), (3, 8), (7, 4), (5, 6)]
    reader = PdfReader(io.BytesIO(booklet))
    assert {(round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM)) for p in reader.pages} == {(297, 210)}
    assert reader.metadata.title == "Ten pages (booklet)"
    # each page is clipped to its trim box: no bleed, no crop marks on the sheet
    forms = [form.get_object() for sheet in reader.pages for form in sheet["/Resources"]["/XObject"].values()]
    assert {tuple(round(float(v) / MM) for v in form["/BBox"]) for form in forms} == {(0, 0, 148, 210), (0, 0, 210, 148)}


def test_default_sheet_is_twice_the_page_and_too_small_a_sheet_is_refused():
    original = numbered_pdf(4)
    reader = PdfReader(io.BytesIO(impose(original)))
    assert len(reader.pages) == 2
    assert (round(float(reader.pages[0].mediabox.width) / MM), round(float(reader.pages[0].mediabox.height) / MM)) == (296, 210)
    with pytest.raises(ValueError, match="cannot hold two pages"):
        impose(original, sheet_mm=(210, 148))


@pytest.fixture(scope="module")
def a5_booklet(tmp_path_factory):
    config = copy.deepcopy(CONFIG)
    config["page"] = {"size": "a5", "duplex": True, "bleed": "3mm", "marks": "crop"}
    config["packs"] = [{"id": "unit", "title": "The Unit", "modules": ["thaw", "split"], "booklet": True}]
    root = small_project(tmp_path_factory.mktemp("booklet") / "proj", **{"coursepack.yaml": config})
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    return root, result.output


def test_a5_pack_with_booklet_writes_the_booklet_on_a4(a5_booklet):
    root, output = a5_booklet
    pages = len(PdfReader(root / "build" / "unit.pdf").pages)
    booklet = PdfReader(root / "build" / "unit-booklet.pdf")
    assert len(booklet.pages) == 2 * -(-pages // 4)  # two sides a sheet, a sheet every 4 pages
    assert "wrote build/unit-booklet.pdf" in output
    for sheet in booklet.pages:
        assert (round(float(sheet.mediabox.width) / MM), round(float(sheet.mediabox.height) / MM)) == (297, 210)
    assert sides(open(root / "build" / "unit-booklet.pdf", "rb").read(),
                 open(root / "build" / "unit.pdf", "rb").read())[0] == (None if pages % 4 else pages - 1, 0)


def test_bleed_and_crop_marks_put_the_trim_box_inside_a_larger_media_box(a5_booklet):
    root, _ = a5_booklet
    for page in PdfReader(root / "build" / "unit.pdf").pages:
        trim = [round(float(v) / MM, 1) for v in page.trimbox]
        media = [round(float(v) / MM, 1) for v in page.mediabox]
        bleed = [round(float(v) / MM, 1) for v in page.bleedbox]
        assert trim[2] - trim[0] in (148.0, 210.0)  # the flow sheet is landscape
        # 3 mm bleed, then 3 mm clear, then 6 mm crop marks: 12 mm beyond the trim
        assert [t - m for t, m in zip(trim[:2], media[:2])] == [12.0, 12.0]
        assert [m - t for t, m in zip(trim[2:], media[2:])] == [12.0, 12.0]
        assert [t - b for t, b in zip(trim[:2], bleed[:2])] == [3.0, 3.0]  # the BleedBox is the bleed asked for
        assert [b - t for t, b in zip(trim[2:], bleed[2:])] == [3.0, 3.0]


def test_print_ready_pdf_stays_pdf_ua(a5_booklet):
    page = pytest.importorskip("page")
    root, _ = a5_booklet
    for name in ("unit.pdf", "unit-roles.pdf"):
        assert page.validate_pdf(root / "build" / name, profile="ua1").failures == []


def test_half_letter_is_a_named_size(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["page"] = {"size": "half-letter"}
    config["packs"] = [{"id": "brief", "modules": ["split"], "layout": "brief", "booklet": True}]
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config, "content/thaw.yaml": None})
    assert run_cli("build", root, "--pack", "brief").exit_code == 0
    page = PdfReader(root / "build" / "brief.pdf").pages[0]
    assert (round(float(page.mediabox.width) / 72, 2), round(float(page.mediabox.height) / 72, 2)) == (5.5, 8.5)
    sheet = PdfReader(root / "build" / "brief-booklet.pdf").pages[0]
    assert (round(float(sheet.mediabox.width) / 72, 2), round(float(sheet.mediabox.height) / 72, 2)) == (11.0, 8.5)


@pytest.mark.parametrize("page, message", [
    ({"bleed": "3"}, "bleed '3' is not a length such as 3mm or 0.125in"),
    ({"bleed": "2in"}, "more than an inch"),
    ({"marks": "cross"}, "marks"),
])
def test_bad_print_settings_are_located(tmp_path, page, message):
    config = copy.deepcopy(CONFIG)
    config["page"] = page
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert "coursepack.yaml:" in result.output and message in result.output, result.output
