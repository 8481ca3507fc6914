"""Put PDFs together with pypdf: a student's own front pages in front of the
shared body, and every packet of a class into one print-ready file.

Rendering is the expensive part (about a second a packet); stitching pages
that were rendered once costs a few milliseconds, and pypdf keeps the body's
outline, its internal links and their destinations.
"""
from __future__ import annotations

import hashlib
import io
from typing import Iterable, Optional

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject


class Stitcher:
    """Puts each student's front pages (from the one document of all fronts) in front
    of the body laid out for them. Each PDF is parsed once: many students share a body."""

    def __init__(self, fronts: bytes):
        self.fronts = PdfReader(io.BytesIO(fronts))
        self.fronts_bytes = fronts
        self.bodies: dict[bytes, PdfReader] = {}  # bytes hash once, so the lookup is cheap

    def front_spans(self, anchors: list[str]) -> list[tuple[int, int]]:
        """(first page, end) of each front, found by the anchor it starts at."""
        destinations = self.fronts.named_destinations
        starts = [self.fronts.get_destination_page_number(destinations[name]) for name in anchors]
        return list(zip(starts, starts[1:] + [len(self.fronts.pages)]))

    def blank(self, body: bytes, pages: Iterable[int]) -> bool:
        reader = self._reader(body)
        return all(not reader.pages[number].extract_text().strip() for number in pages)

    def stitch(self, span: tuple[int, int], body: bytes, title: Optional[str] = None) -> bytes:
        """Pages `span` of the fronts, then the body after as many stand-in pages."""
        start, end = span
        body_reader = self._reader(body)
        writer = PdfWriter()
        writer.append(self.fronts, pages=(start, end), import_outline=False)
        writer.append(body_reader, pages=(end - start, len(body_reader.pages)))
        _copy_document_info(body_reader, writer, title)
        return _finished(writer, [self.fronts_bytes, str(span).encode(), body])

    def _reader(self, body: bytes) -> PdfReader:
        if body not in self.bodies:
            self.bodies[body] = PdfReader(io.BytesIO(body))
        return self.bodies[body]


def combine(packets: list[bytes], title: str, duplex: bool) -> bytes:
    """One file of many packets (their PDFs' bytes), each under its own bookmark; with
    duplex, a blank page after an odd-length packet so that the next starts on a fresh sheet."""
    writer = PdfWriter()
    first_reader = None
    for number, pdf in enumerate(packets, 1):
        reader = PdfReader(io.BytesIO(pdf))
        first_reader = first_reader or reader
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        name = reader.metadata.title if reader.metadata and reader.metadata.title else f"Packet {number}"
        writer.add_outline_item(title=name, page_number=start)
        if duplex and len(reader.pages) % 2:
            last = writer.pages[-1]
            writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)
    if first_reader is not None:
        _copy_document_info(first_reader, writer, title)
    return _finished(writer, packets)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def copy_info(reader: PdfReader, writer: PdfWriter, title: Optional[str]) -> None:
    """The document information (title, author, subject, dates...) of the PDF WeasyPrint
    wrote, with `title` instead of its own when given."""
    info = {key: value for key, value in (reader.metadata or {}).items() if isinstance(value, str)}
    if title:
        info["/Title"] = title
    writer.add_metadata(info)


def _copy_document_info(reader: PdfReader, writer: PdfWriter, title: Optional[str]) -> None:
    """Title, author, language and the rest come from the body WeasyPrint wrote."""
    copy_info(reader, writer, title)
    language = reader.trailer["/Root"].get("/Lang")
    if language:
        writer._root_object[NameObject("/Lang")] = TextStringObject(str(language))
    writer.page_mode = "/UseOutlines"


def _finished(writer: PdfWriter, inputs: Iterable[bytes]) -> bytes:
    """The PDF's bytes, with a file identifier derived from the inputs, so that the
    same input gives the same file (pypdf has no public setter for /ID)."""
    hashed = hashlib.md5()
    for data in inputs:
        hashed.update(data)
    identifier = ByteStringObject(hashed.digest())
    writer._ID = ArrayObject([identifier, identifier])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
