"""`coursepack build` and `coursepack check`: the pipeline, one named step a line.

    load -> plan -> render every HTML -> print -> finish -> write

Everything is checked and every document rendered to HTML before the first PDF
is written, so a mistake in the content or the templates stops the build before
any file changes (a document starts printing as soon as its HTML is ready, while
the next is rendered). A file a document may not load (outside the project, on the
network) shows only while printing: the PDFs finished before it are written, each
complete, and none after it. Each PDF replaces the old one atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..errors import CoursepackError, UsageError
from ..project import Project, load_project
from ..render import make_environment, template_syntax_problems
from .plan import plan
from ..outputs.stitch import page_count
from .produce import PdfPrinter, Printer, booklet, finish, has_booklet, open_cache, produce_jobs
from .write import write_if_changed


@dataclass(frozen=True)
class Built:
    """One file of a build: where, its pages, what WeasyPrint complained about (CSS it
    ignored, say), and whether it was written (False: the file held these bytes already)."""

    path: Path
    pages: int
    warnings: tuple[str, ...] = ()
    written: bool = True


def check(root: Path) -> Project:
    """Validate the project without rendering anything (its own templates are parsed,
    not run); raises CoursepackError with every problem."""
    try:
        project = load_project(root)
    except UsageError:
        raise  # no project here: nothing else to look at
    except CoursepackError as error:
        raise CoursepackError(error.problems + template_syntax_problems(Path(root))) from None
    problems = template_syntax_problems(project.root)
    if problems:
        raise CoursepackError(problems)
    return project


def build(root: Path, pack_ids: Optional[Iterable[str]] = None, editions: Optional[Iterable[str]] = None, *,
          printer: Optional[Printer] = None, jobs: Optional[int] = None, cache: bool = True,
          planned: Optional[Callable[[int], None]] = None, done: Optional[Callable[[Built], None]] = None) -> list[Built]:
    """Write the PDFs of every pack of the project in `root` (or of `pack_ids`; only
    `editions` of them when given) into build/.

    `printer` prints the HTML (default: a PdfPrinter printing `jobs` documents at a
    time, default one a core); a test may pass a fake one (see produce.py).
    With `cache`, what is unchanged since the last build is neither printed nor
    written again (pipeline/cache.py). `planned(count)` is called once the files to
    make are known, `done(built)` as each is written, in the order they finish.
    Returns them in the order planned. Raises CoursepackError (exit 1) for problems
    in the content or templates, UsageError (exit 2) for an unknown pack."""
    project = load_project(root)
    work = plan(project, pack_ids, editions)
    if planned:
        planned(len(work) + sum(has_booklet(job) for job in work))
    printer = printer or PdfPrinter(project.root, standard=project.config.pdf.standard, workers=jobs)
    store = open_cache(project, printer, cache)
    built: dict[int, list[Built]] = {}
    try:
        _write_as_printed(project, work, printer, store, built, done)
    except CoursepackError as error:
        error.nothing_written = not any(each.written for files in built.values() for each in files)
        raise
    if store:
        store.prune()
    return [each for index in range(len(work)) for each in built[index]]


def _write_as_printed(project: Project, work, printer: Printer, store, built: dict[int, list[Built]],
                      done: Optional[Callable[[Built], None]]) -> None:
    """Print the jobs, and write each PDF (and its booklet) as soon as it is printed."""
    env = make_environment(project)
    for index, printed in produce_jobs(project, env, work, printer, store):
        job = work[index]
        written = write_if_changed(job.path, finish(printed, project.config.page))
        built[index] = [Built(job.path, printed.pages, printed.warnings, written)]
        imposed = booklet(project, job, printed)
        if imposed:  # a second file from the same print: build/<id>-booklet.pdf
            built[index].append(Built(imposed[0], page_count(imposed[1]), (), write_if_changed(*imposed)))
        if done:
            for each in built[index]:
                done(each)
