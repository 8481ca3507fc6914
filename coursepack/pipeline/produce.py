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
from .plan import Job


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
    Raises UsageError for a SOURCE_DATE_EPOCH that is not a whole number.
    """

    def __init__(self, root: Path, created: Optional[datetime.datetime] = None):
        self.roots = [Path(root), theme_dir()]
        self.base_url = Path(root)
        self.created = created or source_date()

    def print_all(self, documents: Sequence[str]) -> Iterator[Printed]:
        workers = min(len(documents), os.cpu_count() or 1)
        if workers < 2:
            renderer = PdfRenderer(self.roots)
            for html in documents:
                yield renderer.render(html, self.base_url, created=self.created)
            return
        with ProcessPoolExecutor(workers) as pool:
            yield from pool.map(_print_one, repeat(self.roots), documents, repeat(self.base_url), repeat(self.created))


def _print_one(roots: list[Path], html: str, base_url: Path, created: Optional[datetime.datetime]) -> Printed:
    """One document in a worker process, with a renderer of its own (about 40 ms to set up)."""
    return PdfRenderer(roots).render(html, base_url, created=created)


def produce(project: Project, jobs: Sequence[Job], documents: Sequence[str], printer: Printer) -> Iterator[Printed]:
    """Print `documents` (the HTML of `jobs`, in the same order), yielding each as it is done.

    Raises CoursepackError, naming the job's file, when a document tried to load a
    file outside the project or a network address; nothing of it is written."""
    for job, printed in zip(jobs, printer.print_all(documents)):
        if printed.refused:
            shown = job.path.relative_to(project.root).as_posix()
            raise CoursepackError([Problem(shown, 0, 0, reason) for reason in printed.refused])
        yield printed


def finish(job: Job, printed: Printed) -> bytes:
    """The bytes to write for a printed job: the post-processing step of `build`.

    Every edition is written as printed today; imposition (a booklet) transforms
    `printed.pdf` here, chosen by the job."""
    return printed.pdf
