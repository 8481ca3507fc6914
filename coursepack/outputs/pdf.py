"""HTML to PDF with WeasyPrint: the only module that imports weasyprint.

WeasyPrint is imported inside functions, because importing it costs about half a
second and `coursepack check` never renders.

Every file the document loads (stylesheets, images, fonts) goes through one URL
fetcher, which serves files inside the allowed folders and ``data:`` URLs and
refuses everything else without touching the network. WeasyPrint only logs a
failed fetch and carries on, so the renderer collects the refusals and hands
them back with the document (see `Printed`): the caller decides what a refusal
means for the file it was making.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import logging
import mimetypes
import os
import pathlib
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..errors import UsageError


# `pdf.standard` in coursepack.yaml -> WeasyPrint's pdf_variant
PDF_VARIANTS = {"ua-1": "pdf/ua-1", "none": None}


class RefusedResource(Exception):
    """The document tried to load a URL it may not: raised inside the fetcher."""

    def __init__(self, url: str, reason: str):
        super().__init__(reason)
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Printed:
    """What printing one HTML document gave.

    pdf       the PDF's bytes (empty when anything was refused)
    pages     its number of pages
    warnings  WeasyPrint's warnings and errors, as logged (CSS it ignored, say)
    refused   why each refused URL was refused, one sentence each, naming the URL
    read      every local file the document loaded (stylesheets, fonts, images),
              resolved: what a build cache must watch
    """

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    read: tuple[pathlib.Path, ...] = ()


class PdfRenderer:
    """Prints HTML strings to PDF (a `Printed` each).

    Holds one FontConfiguration and one URL fetcher, reused for every document, so
    @font-face files are loaded once. Not thread-safe: use one per thread or process.

    ``standard`` is the `pdf.standard` of coursepack.yaml: ``"ua-1"`` writes tagged
    PDF/UA-1 (ISO 14289-1: structure tree, /MarkInfo, /Lang, DisplayDocTitle, alt
    text), ``"none"`` untagged PDF.
    """

    def __init__(self, allowed_roots: list[pathlib.Path], *, standard: str = "ua-1",
                 fallbacks: list[tuple[pathlib.Path, pathlib.Path]] = ()):
        """`fallbacks`: (folder, other) pairs; a missing file under `folder` is looked up
        at the same place under `other` (a copied stylesheet's fonts.css and fonts/
        come from the theme)."""
        from weasyprint.text.fonts import FontConfiguration

        if standard not in PDF_VARIANTS:
            raise ValueError(f"unknown PDF standard {standard!r}; use one of {', '.join(PDF_VARIANTS)}")
        self.variant = PDF_VARIANTS[standard]
        _describe_links_by_their_text()

        self.allowed_roots = [pathlib.Path(root).resolve() for root in allowed_roots]
        self._fetcher = _make_fetcher(self.allowed_roots, [(pathlib.Path(a).resolve(), pathlib.Path(b).resolve())
                                                           for a, b in fallbacks])
        self._font_config = FontConfiguration()

    def render(
        self,
        html: str,
        base_url: pathlib.Path,
        *,
        created: datetime.datetime | None = None,
    ) -> Printed:
        """Print ``html``; relative URLs resolve against ``base_url``.

        Title, author, description, keywords and language come from the HTML
        (<title>, <meta name=...>, <html lang>). The creation date is ``created``,
        else <meta name="dcterms.created">, else SOURCE_DATE_EPOCH, else a fixed
        date, so the same input always gives the same bytes.

        A document that tried to load anything outside the allowed roots comes
        back with ``refused`` set and no PDF; nothing is raised for it.
        """
        from weasyprint import HTML

        self._fetcher.refused.clear()
        self._fetcher.read.clear()
        with _captured_warnings() as warnings, _fewer_collections():
            document = HTML(
                string=html,
                # The trailing slash makes relative URLs resolve inside the folder.
                base_url=pathlib.Path(base_url).resolve().as_uri() + "/",
                url_fetcher=self._fetcher,
            # The variant goes to both calls: render() lays out the tags (marked
            # content), write_pdf() writes the structure tree and metadata.
            ).render(font_config=self._font_config, pdf_variant=self.variant)
            metadata = document.metadata
            if created is not None:
                metadata.created = _w3c_date(created)
            elif metadata.created is None and source_date() is not None:
                metadata.created = _w3c_date(source_date())
            if metadata.modified is None:
                metadata.modified = metadata.created
            # pdf_identifier=True: the /ID is an MD5 of the content, so it is
            # stable (the default writes no /ID at all).
            pdf = document.write_pdf(pdf_identifier=True, pdf_variant=self.variant)
        # Checked after writing: <link rel=attachment> files are fetched only then.
        refused = tuple(reason for _, reason in self._fetcher.refused)
        return Printed(b"" if refused else pdf, len(document.pages), tuple(warnings), refused,
                       tuple(dict.fromkeys(self._fetcher.read)))


def _describe_links_by_their_text() -> None:
    """Give each link annotation of a tagged PDF its link's text as description.

    WeasyPrint 70 writes the target as a tagged link's /Contents ("m-thaw-s1", or
    a URL), which a screen reader reads out instead of the words of the link; PDF/UA
    (ISO 14289-1, 7.18.5) asks for a description of the link. WeasyPrint's own
    add_links() is wrapped: after it has made the annotations, the description
    becomes the text of the <a> element, whitespace collapsed (the target stays
    when the link has no text).

    Markup inside a link (``<a><em>Pravda</em></a>``) gets a second annotation from
    WeasyPrint, which it tags under the inner element rather than under the Link
    (a PDF/UA failure). The <a> box's own annotation already covers the inner
    box, so in a tagged PDF the inner one is dropped from the page.

    Installed once per process; untagged PDFs (no /Contents) are left as they are.
    """
    import pydyf
    import weasyprint.pdf as weasyprint_pdf

    original = weasyprint_pdf.add_links
    if getattr(original, "describes_links_by_text", False):
        return

    def add_links(links_and_anchors, *args, **kwargs):
        original(links_and_anchors, *args, **kwargs)
        links, _anchors = links_and_anchors
        # Markup inside a link (<em>) gets an annotation of its own: describe it
        # with the whole link's text, found through the target they share.
        texts = {}
        for _type, target, _rectangle, box in links:
            element = getattr(box, "element", None)
            if element is not None and element.tag == "a":
                texts.setdefault(target, " ".join("".join(element.itertext()).split()))
        page = args[2] if len(args) > 2 else kwargs.get("page")
        for _type, target, _rectangle, box in links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is None or "Contents" not in annotation:
                continue  # untagged, or not a link annotation
            element = getattr(box, "element", None)
            inner = element is None or element.tag != "a"
            if inner and target in texts and page is not None and "Annots" in page:
                # Inside an <a> on this page, whose annotation covers it.
                page["Annots"] = pydyf.Array(ref for ref in page["Annots"] if ref != annotation.reference)
                box.link_annotation = None
                continue
            if texts.get(target):
                annotation["Contents"] = pydyf.String(texts[target])

    add_links.describes_links_by_text = True
    weasyprint_pdf.add_links = add_links


def _make_fetcher(roots: list[pathlib.Path], fallbacks=()):
    """Build the fetcher; a function, because its base class lives in weasyprint."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Serves files inside ``roots`` and data: URLs; refuses everything else."""

        def __init__(self):
            super().__init__()
            self.refused: list[tuple[str, str]] = []  # (url, why), each once
            self.read: list[pathlib.Path] = []  # the files served, in order

        def fetch(self, url, headers=None):
            try:
                scheme = urlsplit(url).scheme.lower()
                if scheme == "data":
                    return super().fetch(url, headers)
                if scheme == "file":
                    return self._fetch_file(url)
                raise RefusedResource(
                    url,
                    f"{url}: network access is not allowed; put the file in assets/",
                )
            except RefusedResource as refusal:
                if (refusal.url, refusal.reason) not in self.refused:
                    self.refused.append((refusal.url, refusal.reason))
                raise

        def _fetch_file(self, url):
            parts = urlsplit(url)
            # urllib would hand file://host/... to FTP: only local files are files.
            if parts.netloc not in ("", "localhost"):
                raise RefusedResource(url, f"{url}: files on other hosts are not allowed")
            path = pathlib.Path(unquote(parts.path))
            for folder, other in fallbacks:
                if not path.exists() and path.is_relative_to(folder) and (other / path.relative_to(folder)).is_file():
                    path = other / path.relative_to(folder)
            real = path.resolve()
            if not any(real.is_relative_to(root) for root in roots):
                shown = _shown(path, roots)
                # A link inside the project that leads out names both ends.
                reason = (
                    f"{shown} is outside the project folder"
                    if real == pathlib.Path(os.path.abspath(path))
                    else f"{shown} points to {real}, outside the project folder"
                )
                raise RefusedResource(url, reason)
            content_type, _ = mimetypes.guess_type(real.name)
            headers = {"Content-Type": content_type or "application/octet-stream"}
            self.read.append(real)
            return URLFetcherResponse(url, real.open("rb"), headers)

    return ProjectFetcher()


def _shown(path: pathlib.Path, roots: list[pathlib.Path]) -> str:
    """The path as a user would write it: relative to a root if it lies in one."""
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return str(path)


def preload() -> None:
    """Import WeasyPrint now (about half a second), so that a printing process pays
    for it while the HTML is still being rendered, not with its first document."""
    import weasyprint  # noqa: F401


def source_date() -> datetime.datetime | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention; without it the PDF
    carries no date at all ("now" would make every build differ)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds; "
                         "set it to a Unix time such as 1700000000, or unset it") from None


def _w3c_date(date: datetime.datetime) -> str:
    """The form WeasyPrint's metadata expects; a naive date is taken as UTC."""
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.timezone.utc)
    return date.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _fewer_collections():
    """Run Python's cycle collector less often while a document is laid out and written.

    WeasyPrint allocates millions of small objects per document, nearly all freed by
    reference counting; at the default thresholds (700, 10, 10) the collector runs
    thousands of times looking for cycles. At (20000, 10, 10) the example's course
    pack and packet print in about 10% less CPU time, for about 15 MB more memory
    (measured: 4.5-4.7 s against 4.9-5.3 s for the two, three runs each)."""
    old = gc.get_threshold()
    gc.set_threshold(20000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*old)


@contextlib.contextmanager
def _captured_warnings():
    """Collect WeasyPrint's log messages (warning and above) from this thread."""
    messages: list[str] = []
    handler = _ListHandler(messages)
    # The logger is global: keep only records from the thread that renders.
    thread = threading.get_ident()
    handler.addFilter(lambda record: record.thread == thread)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
