"""Print and finish: the HTML of each Job -> a `Printed` PDF -> the bytes to write.

`Printer` is the seam between the pipeline and WeasyPrint. `PdfPrinter` prints
in worker processes; anything with its `print_all` can stand in for it:

- a **build cache** wraps a printer: it looks each document up by its HTML and
  the contents of the files it read last time (`Printed.read`) and prints only
  the documents that changed;
- a **preview server** could keep one printer across builds (today it calls
  `build()`, which makes its own printer and opens the cache each time);
- tests give a fake printer where printing is not what they test.

Between printing and writing, `finish` sets a printed page's boxes (bleed), and
`booklet` imposes a pack's pages two to a sheet for folding, as a second file.
`coursepack packets` stitches instead (pipeline/packets.py).
An HTML edition would skip printing and write `render_html`'s output.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import heapq
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Protocol, Sequence

from ..errors import CoursepackError, Problem
from ..outputs.pdf import PdfRenderer, Printed, preload, source_date  # WeasyPrint itself loads only when printing
from ..project import Project
from ..render import theme_dir, warnings_in
from ..models import PageSettings
from ..outputs.booklet import SHEETS_MM, impose
from ..outputs.prepress import set_bleed_box
from .cache import BuildCache
from .plan import BOOKLET_SUFFIX, EDITION, Job
from .render import render_html


class Printer(Protocol):
    """Prints HTML documents of one project, handing back one Printed each, in order.

    A printer may also have `print_each(documents)`, yielding (index, Printed) as each
    is done, and a `cache_id` naming what it prints with: only a printer with one
    has its PDFs kept in the build cache (a test's fake printer has none)."""

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
        self.workers = workers or os.cpu_count() or 1  # how many documents at a time, at most
        self._pool: Optional[ProcessPoolExecutor] = None  # started early by warm()
        self._pool_size = 0

    def warm(self, count: int) -> None:
        """Start the worker processes for `count` documents now: each imports WeasyPrint
        (about half a second), while the HTML is still being rendered."""
        workers = min(count, self.workers)
        if workers >= 2 and self._pool is None:
            self._pool, self._pool_size = ProcessPoolExecutor(workers, initializer=_warm_worker), workers
            for _ in range(workers):
                self._pool.submit(int)  # processes start when there is work for them

    def close(self) -> None:
        """Stop the worker processes warm() started, if print_each did not."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    @property
    def cache_id(self) -> str:
        """What the build cache keys this printer's PDFs by, besides their HTML."""
        return f"weasyprint standard={self.standard}"

    def print_all(self, documents: Sequence[str]) -> Iterator[Printed]:
        """One Printed per document, in order, each as soon as it and those before it are done."""
        done: dict[int, Printed] = {}
        following = 0
        for index, printed in self.print_each(documents):
            done[index] = printed
            while following in done:
                yield done.pop(following)
                following += 1

    def print_each(self, documents: Iterable[str]) -> Iterator[tuple[int, Printed]]:
        """(index, Printed) of each document as soon as it is printed.

        `documents` may be a generator that renders them: with the worker processes
        started (warm), each document starts printing as soon as it arrives and a
        worker is free, so laying out the first overlaps rendering the rest. Of the
        documents waiting for a worker, the longest goes first, so that a large pack
        does not keep one core busy at the end while the others idle. Nothing is
        handed back before the last document has arrived."""
        if self._pool is None:
            documents = list(documents)
            if len(documents) >= 2 and self.workers >= 2:
                self.warm(len(documents))
        if self._pool is None:
            yield from self._print_here(documents)
            return
        pool, self._pool = self._pool, None
        try:
            yield from _schedule(self._pool_size, documents,
                                 lambda html: pool.submit(_print_one, self.roots, html, self.base_url, self.created,
                                                          self.standard))
        except BaseException:
            # A template mistake in a later document, a refused file, Ctrl-C: nobody will
            # use the documents still being laid out, so do not wait for them.
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(cancel_futures=True)

    def _print_here(self, documents: Sequence[str]) -> Iterator[tuple[int, Printed]]:
        """In this process, one after the other, the longest first (one core, or one document)."""
        if not documents:
            return  # not even a renderer: starting one costs WeasyPrint's import
        renderer = PdfRenderer(self.roots, standard=self.standard, fallbacks=_theme_fallback(self.roots))
        for index in sorted(range(len(documents)), key=lambda index: len(documents[index]), reverse=True):
            yield index, renderer.render(documents[index], self.base_url, created=self.created)


def _schedule(workers: int, documents: Iterable[str],
              submit: Callable[[str], Future]) -> Iterator[tuple[int, Printed]]:
    """Feed `documents` to `workers` processes as they arrive, at most one each at a time
    (a document queued in the pool could no longer be overtaken by a longer one);
    yield (index, Printed) once every document has arrived, as each is done."""
    waiting: list[tuple[int, int, str]] = []  # heap of (-length, index, html)
    running: dict[Future, int] = {}
    finished: list[tuple[int, Printed]] = []

    def start_waiting() -> None:
        while waiting and len(running) < workers:
            _, index, html = heapq.heappop(waiting)
            running[submit(html)] = index

    for index, html in enumerate(documents):
        heapq.heappush(waiting, (-len(html), index, html))
        for future in [future for future in running if future.done()]:
            finished.append((running.pop(future), future.result()))
        start_waiting()
    yield from finished
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            index = running.pop(future)
            yield index, future.result()
        start_waiting()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now, whatever they are doing. (Python 3.14 has
    ProcessPoolExecutor.terminate_workers(); before it, the processes are only
    reachable through the pool's `_processes`.)"""
    if hasattr(pool, "terminate_workers"):
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


_renderers: dict[tuple, PdfRenderer] = {}  # a worker process's renderer, kept for its next document


def _print_one(roots: list[Path], html: str, base_url: Path, created: Optional[datetime.datetime],
               standard: str = "ua-1") -> Printed:
    """One document in a worker process, by the renderer the process keeps (its fonts
    are loaded once, not for every document)."""
    key = (tuple(roots), standard)
    if key not in _renderers:
        _renderers[key] = PdfRenderer(roots, standard=standard, fallbacks=_theme_fallback(roots))
    return _renderers[key].render(html, base_url, created=created)


def _warm_worker() -> None:
    """A worker process's first step: import WeasyPrint before its first document."""
    preload()


def _theme_fallback(roots: list[Path]) -> list[tuple[Path, Path]]:
    """A copy of the theme's stylesheet in the project's templates/ keeps its relative
    references (fonts.css, ../fonts/): what the project's templates/ lacks comes from the theme."""
    return [(roots[0] / "templates", theme_dir())]


def produce_jobs(project: Project, env, jobs: Sequence[Job], printer: Printer,
                 cache: Optional[BuildCache] = None) -> Iterator[tuple[int, Printed]]:
    """Render and print `jobs`, yielding (index in `jobs`, Printed) as each is done.

    With a `cache`, a job whose recipe is unchanged is neither rendered nor printed,
    and one whose HTML came out as before is not printed; the others are printed
    and kept. A document starts printing as soon as its HTML is rendered, while
    the next is rendered; nothing is handed on before every job is rendered (or
    recalled), so a mistake in a template stops the command before any file changes.

    Raises CoursepackError for a template mistake, and for documents that tried to
    load a file outside the project or a network address: once the printing under
    way is done, naming each such job's file (whichever finished first); nothing
    printed after the first refusal is handed on to be written."""
    done: dict[int, Printed] = {}
    for index, job in enumerate(jobs):
        recalled = cache.recall(job) if cache else None
        if recalled is not None:
            done[index] = recalled
    missing = [index for index in range(len(jobs)) if index not in done]
    if missing and hasattr(printer, "warm"):
        printer.warm(len(missing))  # the printing processes start while the HTML is rendered
    try:
        yield from _render_and_print(project, env, jobs, printer, cache, done, missing)
    finally:
        if hasattr(printer, "close"):
            printer.close()


def _render_and_print(project: Project, env, jobs: Sequence[Job], printer: Printer, cache: Optional[BuildCache],
                      done: dict[int, Printed], missing: list[int]) -> Iterator[tuple[int, Printed]]:
    keys: dict[int, str] = {}
    same: dict[str, list[int]] = {}  # identical documents are printed once (the role sheet of packs that list the same debate)
    unique: list[str] = []
    rendered_all = False

    def rendered() -> Iterator[str]:
        """The HTML of each job that must be printed, as soon as it is rendered. A job
        whose template fails does not stop the others from being rendered, so that every
        template mistake is reported at once (and nothing is handed on)."""
        nonlocal rendered_all
        mistakes: list[Problem] = []
        # The largest file of the last build first: the longest to print is likely the
        # same again, and rendered first it is also the first to start printing.
        for index in sorted(missing, key=lambda index: -_last_size(jobs[index].path)):
            try:
                html = render_html(env, project, jobs[index])
            except CoursepackError as error:
                mistakes += error.problems
                continue
            if mistakes:
                continue  # nothing more to print: the command stops once every job is rendered
            key = keys[index] = cache.html_key(html) if cache else ""
            printed = cache.lookup(key) if cache else None
            if printed is not None:
                cache.remember(jobs[index], key)
                done[index] = printed
            elif html in same:
                same[html].append(index)
            else:
                same[html] = [index]
                unique.append(html)
                yield html
        if mistakes:
            raise CoursepackError(mistakes)
        rendered_all = True

    each = getattr(printer, "print_each", None)
    printing = each(rendered()) if each else enumerate(printer.print_all(list(rendered())))
    refused: list[tuple[int, str]] = []  # (job, why): once any, nothing more is handed on
    held: list[tuple[int, Printed]] = []  # printed before the last document was rendered

    def handed_on() -> Iterator[tuple[int, Printed]]:
        """What was recalled, then what `held` holds: kept in the cache, each job named."""
        yield from done.items()
        done.clear()
        for position, printed in held:
            indices = same[unique[position]]
            printed = dataclasses.replace(printed, warnings=warnings_in(unique[position]) + printed.warnings)
            if printed.refused or refused:
                refused.extend((index, reason) for index in indices for reason in printed.refused)
                continue
            if cache:
                cache.store(keys[indices[0]], printed)
            for index in indices:
                if cache:
                    cache.remember(jobs[index], keys[index])
                yield index, printed
        held.clear()

    for position, printed in printing:
        held.append((position, printed))
        if rendered_all:  # until then, a template mistake in a later job must stop the command before any file changes
            yield from handed_on()
    yield from handed_on()  # a printer that handed everything back before asking for the last document; or nothing printed
    if refused:  # every refused document named, whichever finished first
        raise CoursepackError([Problem(jobs[index].path.relative_to(project.root).as_posix(), 0, 0, reason)
                               for index, reason in sorted(refused)])


def _last_size(path: Path) -> int:
    """The size in bytes of the file a job wrote last time (0 when there is none)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def open_cache(project: Project, printer: Printer, enabled: bool = True) -> Optional[BuildCache]:
    """The build cache for `printer`'s PDFs, or None: when `enabled` is false (--no-cache)
    or the printer has no `cache_id` (nothing it prints may stand for a real PDF)."""
    printer_id = getattr(printer, "cache_id", None)
    if not enabled or not printer_id:
        return None
    return BuildCache(project, getattr(printer, "created", None), printer_id)


def booklet(project: Project, job: Job, printed: Printed) -> Optional[tuple[Path, bytes]]:
    """The booklet a printed job also makes, as (path, bytes), or None.

    A pack with `booklet: true` gets build/<id>-booklet.pdf from its student edition
    (else its first edition): the pages imposed two-up for saddle-stitching, on sheets
    twice the page size (outputs/booklet.py). Raises CoursepackError when the PDF
    cannot be imposed."""
    pack = job.pack
    if not has_booklet(job):
        return None
    path = job.path.with_name(f"{pack.id}{BOOKLET_SUFFIX}.pdf")
    sheet = SHEETS_MM.get(project.config.page.named_size or "")
    try:
        title = f"{pack.title or project.config.title} (booklet)"
        return path, impose(printed.pdf, sheet_mm=sheet, title=title)
    except ValueError as exc:
        raise CoursepackError([Problem(path.relative_to(project.root).as_posix(), 0, 0, str(exc))]) from None


def has_booklet(job: Job) -> bool:
    """Whether printing `job` also makes its pack's booklet (see `booklet`)."""
    pack = job.pack
    source = "student" if "student" in pack.editions else pack.editions[0]
    return bool(pack.booklet and job.output == EDITION and job.edition == source)


def finish(printed: Printed, page: Optional[PageSettings] = None) -> bytes:
    """The bytes to write for a printed job: the post-processing step of `build`.

    With a bleed or crop marks, every page's BleedBox is set to `page.bleed`
    (outputs/prepress.py: WeasyPrint's is at most 10pt); everything else is written
    as printed. The booklet is a
    second file made from the same print (`booklet`)."""
    if page is not None and (page.bleed_mm or page.marks != "none") and printed.pdf:
        return set_bleed_box(printed.pdf, page.bleed_mm)
    return printed.pdf
