"""Print and finish: the HTML of each Job -> a `Printed` PDF -> the bytes to write.

`Printer` is the seam between the pipeline and WeasyPrint. `PdfPrinter` prints
in worker processes; anything with its `print_all` can stand in for it:

- a **build cache** wraps a printer: it looks each document up by its HTML and
  the contents of the files it read last time (`Printed.read`) and prints only
  the documents that changed;
- a **preview server** keeps one printer (and its cache) across builds;
- tests give a fake printer where printing is not what they test.

`finish` is the post-processing step between printing and writing: where a
booklet's imposition goes (pages reordered and placed two to a sheet for
folding). `coursepack packets` stitches instead (pipeline/packets.py).
An HTML edition would skip `produce` and write `render_html`'s output.
"""
from __future__ import annotations

import datetime
import os
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Iterator, Optional, Protocol, Sequence

from ..errors import CoursepackError, Problem
from ..outputs.pdf import PdfRenderer, Printed, source_date  # WeasyPrint itself loads only when printing
from ..project import Project
from ..render import theme_dir
from ..models import PageSettings
from ..outputs.booklet import SHEETS_MM, impose
from ..outputs.prepress import set_bleed_box
from .plan import EDITION, Job


class Printer(Protocol):
    """Prints HTML documents of one project, handing back one Printed each, in order."""

    def print_all(self, documents: Sequence[str]) -> Iterator[Printed]: ...


class PdfPrinter:
    """Prints a project's HTML with WeasyPrint; on several cores, several documents at a time.

    Layout and PDF writing are pure CPU work in WeasyPrint, so separate processes
    (each with its own fonts and URL fetcher) cut a multi-edition build's time
    nearly by the number of cores. Documents may load files inside the project
    folder and the bundled theme, nothing else (outputs/pdf.py).

    The creation date of every PDF is `created`, else SOURCE_DATE_EPOCH (read
    here, so that a bad value is reported before anything is printed), else none.
    `standard` is `pdf.standard` of coursepack.yaml: "ua-1" (tagged PDF/UA-1) or
    "none" (untagged). `workers`: at most this many processes (default: one per core).
    Raises UsageError for a SOURCE_DATE_EPOCH that is not a whole number.
    """

    def __init__(self, root: Path, created: Optional[datetime.datetime] = None, *, standard: str = "ua-1",
                 workers: Optional[int] = None):
        self.roots = [Path(root), theme_dir()]
        self.base_url = Path(root)
        self.created = created or source_date()
        self.standard = standard
        self.workers = workers or os.cpu_count() or 1

    def print_all(self, documents: Sequence[str]) -> Iterator[Printed]:
        workers = min(len(documents), self.workers)
        if workers < 2:
            renderer = PdfRenderer(self.roots, standard=self.standard, fallbacks=_theme_fallback(self.roots))
            for html in documents:
                yield renderer.render(html, self.base_url, created=self.created)
            return
        with ProcessPoolExecutor(workers) as pool:
            yield from pool.map(_print_one, repeat(self.roots), documents, repeat(self.base_url), repeat(self.created),
                                repeat(self.standard))


def _print_one(roots: list[Path], html: str, base_url: Path, created: Optional[datetime.datetime],
               standard: str = "ua-1") -> Printed:
    """One document in a worker process, with a renderer of its own (about 40 ms to set up)."""
    return PdfRenderer(roots, standard=standard, fallbacks=_theme_fallback(roots)).render(html, base_url, created=created)


def _theme_fallback(roots: list[Path]) -> list[tuple[Path, Path]]:
    """A copy of the theme's stylesheet in the project's templates/ keeps its relative
    references (fonts.css, ../fonts/): what the project's templates/ lacks comes from the theme."""
    return [(roots[0] / "templates", theme_dir())]


def produce(project: Project, jobs: Sequence[Job], documents: Sequence[str], printer: Printer) -> Iterator[Printed]:
    """Print `documents` (the HTML of `jobs`, in the same order), yielding each as it is done.

    Raises CoursepackError, naming the job's file, when a document tried to load a
    file outside the project or a network address; nothing of it is written."""
    for job, printed in zip(jobs, printer.print_all(documents)):
        if printed.refused:
            shown = job.path.relative_to(project.root).as_posix()
            raise CoursepackError([Problem(shown, 0, 0, reason) for reason in printed.refused])
        yield printed


def booklet(project: Project, job: Job, printed: Printed) -> Optional[tuple[Path, bytes]]:
    """The booklet a printed job also makes, as (path, bytes), or None.

    A pack with `booklet: true` gets build/<id>-booklet.pdf from its student edition
    (else its first edition): the pages imposed two-up for saddle-stitching, on sheets
    twice the page size (outputs/booklet.py). Raises CoursepackError when the PDF
    cannot be imposed."""
    pack = job.pack
    source = "student" if "student" in pack.editions else pack.editions[0]
    if not (getattr(pack, "booklet", False) and job.output == EDITION and job.edition == source):
        return None
    path = job.path.with_name(f"{pack.id}-booklet.pdf")
    sheet = SHEETS_MM.get(project.config.page.named_size or "")
    try:
        title = f"{pack.title or project.config.title} (booklet)"
        return path, impose(printed.pdf, sheet_mm=sheet, title=title)
    except ValueError as exc:
        raise CoursepackError([Problem(path.relative_to(project.root).as_posix(), 0, 0, str(exc))]) from None


def finish(job: Job, printed: Printed, page: Optional[PageSettings] = None) -> bytes:
    """The bytes to write for a printed job: the post-processing step of `build`.

    With a bleed or crop marks, every page's BleedBox is set to `page.bleed`
    (outputs/prepress.py: WeasyPrint's is at most 10pt); everything else is written
    as printed. The booklet is a
    second file made from the same print (`booklet`)."""
    if page is not None and (page.bleed_mm or page.marks != "none") and printed.pdf:
        return set_bleed_box(printed.pdf, page.bleed_mm)
    return printed.pdf
