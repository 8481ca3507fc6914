"""Booklets: pages imposed two to a side of a sheet, in saddle-stitch order.

Printed on both sides of each sheet ("flip on short edge"), the stack folded in half
and stapled on the fold, the sheets read as the original pages in order. The page
count is padded with blank pages to a multiple of four (one sheet holds four pages).

A sheet side of a booklet of N pages (0-based page numbers, N a multiple of 4):

    sheet i, front:  left N-1-2i   right 2i
    sheet i, back:   left 2i+1     right N-2-2i

so the first side holds the back cover (left) and the front cover (right).

Only pypdf is used: each page's trim box (the page as cut, without bleed or crop
marks) becomes a form XObject, clipped to the trim box by its bounding box, and is
placed in its half of the sheet; a page of another orientation (a landscape flow
sheet in a portrait booklet) is turned a quarter and scaled to fit. The booklet is
for printing: it keeps neither tags, links nor outline.
"""
from __future__ import annotations

import io
import math
from typing import Optional, Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           RectangleObject)

from .stitch import copy_info

MM = 72 / 25.4  # PDF points per millimetre

# The sheet a booklet of a named page size is printed on: the next paper size up
# (landscape), as copiers stock it. An A5 pair is 296 mm wide on a 297 mm A4 sheet;
# the pages are centred. Other page sizes get a sheet of exactly twice the page.
SHEETS_MM = {"a5": (297.0, 210.0), "half-letter": (279.4, 215.9), "letter": (431.8, 279.4), "a4": (420.0, 297.0)}


def saddle_stitch_order(page_count: int) -> list[tuple[Optional[int], Optional[int]]]:
    """The (left, right) page of each sheet side, in printing order (front of the first
    sheet, its back, front of the second...). Page numbers are 0-based; None is a blank
    page added to reach a multiple of four. A booklet of no pages has no sides."""
    total = math.ceil(page_count / 4) * 4

    def page(number: int) -> Optional[int]:
        return number if number < page_count else None

    sides = []
    for sheet in range(total // 4):
        sides.append((page(total - 1 - 2 * sheet), page(2 * sheet)))
        sides.append((page(2 * sheet + 1), page(total - 2 - 2 * sheet)))
    return sides


def impose(pdf: bytes, sheet_mm: Optional[tuple[float, float]] = None, title: Optional[str] = None) -> bytes:
    """The booklet of `pdf`: its pages two-up in saddle-stitch order (see the module).

    `sheet_mm`: (width, height) of the landscape sheet in mm; by default twice the
    first page's trim box wide. Each page's trim box is centred in its half of the
    sheet. `title` becomes the document title (else the original's). Raises
    ValueError for a PDF without pages, or a sheet too small for two pages side by
    side of the first page's size.
    """
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    if not pages:
        raise ValueError("a booklet needs at least one page")
    first = _trim(pages[0])
    slot_w, slot_h = float(first.width), float(first.height)
    sheet_w, sheet_h = (sheet_mm[0] * MM, sheet_mm[1] * MM) if sheet_mm else (2 * slot_w, slot_h)
    if sheet_w + 0.5 < 2 * slot_w or sheet_h + 0.5 < slot_h:
        raise ValueError(f"a sheet of {sheet_w / MM:.0f} x {sheet_h / MM:.0f} mm cannot hold two pages of "
                         f"{slot_w / MM:.0f} x {slot_h / MM:.0f} mm side by side")
    margin_x, margin_y = (sheet_w - 2 * slot_w) / 2, (sheet_h - slot_h) / 2

    writer = PdfWriter()
    forms: dict[int, object] = {}  # page number -> its form XObject in the writer
    for left, right in saddle_stitch_order(len(pages)):
        side = writer.add_blank_page(sheet_w, sheet_h)
        resources = DictionaryObject()
        content = []
        for slot, number in enumerate((left, right)):
            if number is None:
                continue
            if number not in forms:
                forms[number] = writer._add_object(_form(pages[number]).clone(writer))
            name = NameObject(f"/P{number}")
            resources[name] = forms[number]
            matrix = _fit(_trim(pages[number]), slot_w, slot_h, margin_x + slot * slot_w, margin_y)
            content.append(f"q {' '.join(f'{v:.4f}' for v in matrix)} cm {name} Do Q")
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): resources})
        stream = DecodedStreamObject()
        stream.set_data("\n".join(content).encode("ascii"))
        side[NameObject("/Contents")] = writer._add_object(stream.flate_encode())

    copy_info(reader, writer, title)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _trim(page) -> RectangleObject:
    """The page as cut: its TrimBox (which defaults to the CropBox, then the MediaBox)."""
    return page.trimbox


def _form(page) -> DecodedStreamObject:
    """The page's content as a form XObject clipped to its trim box (the BBox clips)."""
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    trim = _trim(page)
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (trim.left, trim.bottom, trim.right, trim.top)),
    })
    if "/Resources" in page:
        form[NameObject("/Resources")] = page["/Resources"]
    return form.flate_encode()


def _fit(trim: RectangleObject, slot_w: float, slot_h: float, x: float, y: float) -> Sequence[float]:
    """The matrix (a b c d e f) that puts `trim` centred in the slot at (x, y): turned a
    quarter (counter-clockwise) when its orientation differs, scaled down if it is larger."""
    w, h = float(trim.width), float(trim.height)
    turned = (w > h) != (slot_w > slot_h)
    fit_w, fit_h = (h, w) if turned else (w, h)
    scale = min(1.0, slot_w / fit_w, slot_h / fit_h)
    dx = x + (slot_w - fit_w * scale) / 2
    dy = y + (slot_h - fit_h * scale) / 2
    left, bottom = float(trim.left), float(trim.bottom)
    if not turned:
        return (scale, 0, 0, scale, dx - left * scale, dy - bottom * scale)
    # (u, v) -> (-(v - bottom), u - left) * scale, moved right by the turned width
    return (0, scale, -scale, 0, dx + (h + bottom) * scale, dy - left * scale)
