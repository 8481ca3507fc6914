"""`coursepack build` and `coursepack check`: the pipeline, one named step a line.

    load -> plan -> render every HTML -> print -> finish -> write

Everything is checked and every document rendered to HTML before the first PDF
is printed, so a mistake anywhere stops the build before any file changes; each
PDF then replaces the old one atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..project import Project, load_project
from ..render import make_environment
from .plan import plan
from .produce import PdfPrinter, Printer, finish, produce
from .render import render_html
from .write import write_atomic


@dataclass(frozen=True)
class Built:
    """One file a build wrote: where, its pages, and what WeasyPrint complained about (CSS it ignored, say)."""

    path: Path
    pages: int
    warnings: tuple[str, ...] = ()


def check(root: Path) -> Project:
    """Validate the project without rendering anything; raises CoursepackError with every problem."""
    return load_project(root)


def build(root: Path, pack_ids: Optional[Iterable[str]] = None, *, printer: Optional[Printer] = None) -> list[Built]:
    """Write the PDFs of every pack of the project in `root` (or of `pack_ids`) into build/.

    `printer` prints the HTML (default: a PdfPrinter); a cache or a preview server
    passes its own (see produce.py). Raises CoursepackError (exit 1) for problems in
    the content or templates, UsageError (exit 2) for an unknown pack."""
    project = load_project(root)
    jobs = plan(project, pack_ids)
    env = make_environment(project)
    documents = [render_html(env, project, job) for job in jobs]
    printer = printer or PdfPrinter(project.root)
    built = []
    for job, printed in zip(jobs, produce(project, jobs, documents, printer)):
        write_atomic(job.path, finish(job, printed))
        built.append(Built(job.path, printed.pages, printed.warnings))
    return built
