"""Print-shop boxes of a PDF WeasyPrint wrote.

WeasyPrint sets each page's TrimBox to the page (CSS page box) and its MediaBox to
the page plus the CSS bleed, but its BleedBox to at most 10pt (3.5 mm) beyond the
trim, whatever the bleed. With crop marks the CSS bleed is larger than the bleed
asked for (the marks are drawn outside it, see render.page_css), so the BleedBox is
set here to the bleed of coursepack.yaml, exactly.
"""
from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import RectangleObject

from .booklet import MM


def set_bleed_box(pdf: bytes, bleed_mm: float) -> bytes:
    """`pdf` with every page's BleedBox `bleed_mm` beyond its TrimBox on each side
    (never beyond the MediaBox). Written as an incremental update: the rest of the
    file (structure tree, metadata: PDF/UA) is kept byte for byte."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    bleed = bleed_mm * MM
    for page in writer.pages:
        trim, media = page.trimbox, page.mediabox
        page.bleedbox = RectangleObject([
            max(float(trim.left) - bleed, float(media.left)), max(float(trim.bottom) - bleed, float(media.bottom)),
            min(float(trim.right) + bleed, float(media.right)), min(float(trim.top) + bleed, float(media.top))])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
