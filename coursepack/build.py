"""The build pipeline: load and check everything, render every HTML, then every PDF.

Nothing is written until the whole project has validated and every document
has rendered to HTML, and each PDF replaces the old one atomically, so a
failed build never leaves a half-written or missing file where a good one stood.
"""
from __future__ import annotations

import glob
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .errors import CoursepackError, Problem, UsageError
from .models import PackConfig
from .pdf import PdfRenderer, RefusedResources, source_date  # WeasyPrint itself loads only when printing
from .project import Project, load_project
from .render import make_environment, render_pack, template_for, theme_dir

OUTPUT_DIR = "build"


@dataclass(frozen=True)
class Job:
    """One PDF to make."""

    pack: PackConfig
    edition: str
    path: Path
    template: str


@dataclass(frozen=True)
class Built:
    path: Path
    pages: int
    warnings: tuple[str, ...] = ()  # what WeasyPrint complained about (CSS it ignored, say)


def check(root: Path) -> Project:
    """Validate the project without rendering anything."""
    return load_project(root)


def build(root: Path, pack_ids: Optional[Iterable[str]] = None,
          editions: Optional[Iterable[str]] = None) -> list[Built]:
    """Build the PDFs of `pack_ids` (default: every pack), only `editions` of them when given."""
    project = load_project(root)
    jobs = plan(project, pack_ids, editions)
    env = make_environment(project)
    documents = [render_pack(env, project, job.pack, job.edition, template=job.template) for job in jobs]
    built = []
    for job, printed in zip(jobs, print_documents(project, documents, [job.path for job in jobs])):
        write_atomic(job.path, printed.pdf)
        built.append(Built(job.path, printed.pages, printed.warnings))
    return built


def print_documents(project: Project, documents: list[str], paths: list[Path]) -> Iterator["Printed"]:
    """Print HTML documents of `project`; a refused resource (a file outside the
    project, a network address) is an error naming the PDF it was for."""
    created = source_date()  # read before any work, so a bad value is reported at once
    for path, printed in zip(paths, print_pdfs([project.root, theme_dir()], project.root, documents, created)):
        if printed.refused:
            raise CoursepackError([Problem(path.relative_to(project.root).as_posix(), 0, 0, reason)
                                   for reason in printed.refused])
        yield printed


@dataclass(frozen=True)
class Printed:
    """One rendered PDF, as a worker process hands it back."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    refused: tuple[str, ...]  # why resources were refused; when any, `pdf` is empty


def print_pdfs(allowed_roots: list[Path], base_url: Path, documents: list[str],
               created: Optional[datetime] = None) -> Iterator[Printed]:
    """Render HTML documents to PDF, in order; on several cores, several at a time.

    Layout and PDF writing are pure CPU work in WeasyPrint, so separate processes
    (each with its own fonts and URL fetcher) cut a multi-edition build's time
    nearly by the number of cores."""
    workers = min(len(documents), os.cpu_count() or 1)
    if workers < 2:
        _start_printer(allowed_roots)
        yield from (_print(html, base_url, created) for html in documents)
        return
    count = len(documents)
    with ProcessPoolExecutor(workers, initializer=_start_printer, initargs=(allowed_roots,)) as pool:
        yield from pool.map(_print, documents, [base_url] * count, [created] * count)


_printer = None  # this process's PdfRenderer


def _start_printer(allowed_roots: list[Path]) -> None:
    global _printer
    _printer = PdfRenderer(allowed_roots=allowed_roots)


def _print(html: str, base_url: Path, created: Optional[datetime]) -> Printed:
    try:
        pdf = _printer.render(html, base_url=base_url, created=created)
    except RefusedResources as refused:
        return Printed(b"", 0, (), tuple(reason for _, reason in refused.refused))
    return Printed(pdf, _printer.page_count, tuple(_printer.warnings), ())


def plan(project: Project, pack_ids: Optional[Iterable[str]] = None,
         editions: Optional[Iterable[str]] = None) -> list[Job]:
    """Every edition of every pack, and the cut-out role cards of packs whose debates have roles.

    `editions` keeps only those editions (the role cards belong to the teacher's); a pack
    named in `pack_ids` without any of them, or no job left at all, is a UsageError."""
    pack_ids = list(pack_ids) if pack_ids else None
    jobs = _all_jobs(project, pack_ids)
    if not editions:
        return jobs
    wanted = set(editions)
    shown = " or ".join(sorted(wanted))
    kept = [job for job in jobs if job.edition in wanted]
    for pack_id in pack_ids or ():
        if not any(job.pack.id == pack_id for job in kept):
            editions_of = ", ".join(project.pack(pack_id).editions)
            raise UsageError(f"pack '{pack_id}' has no {shown} edition; its editions: {editions_of}")
    if not kept:
        raise UsageError(f"no pack has a {shown} edition; add it to a pack's editions in coursepack.yaml")
    return kept


def _all_jobs(project: Project, pack_ids: Optional[Iterable[str]] = None) -> list[Job]:
    packs = [project.pack(pack_id) for pack_id in pack_ids] if pack_ids else project.config.packs
    out = project.root / OUTPUT_DIR
    jobs = []
    for pack in packs:
        jobs += [Job(pack, edition, out / output_name(pack.id, edition), template_for(pack, edition))
                 for edition in pack.editions]
        if any(getattr(project.modules[m], "roles", None) for m in pack.modules):
            jobs.append(Job(pack, "teacher", out / f"{pack.id}-roles.pdf", "roles.html.j2"))
    return jobs


def output_name(pack_id: str, edition: str) -> str:
    return f"{pack_id}.pdf" if edition == "student" else f"{pack_id}-{edition}.pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A build killed mid-write (SIGKILL, power cut) leaves its temporary file behind.
    # The name carries the writer's process id: remove those whose writer is gone,
    # never one that another build running right now is still writing.
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        writer = stale.name[len(path.name) + 2:].split(".")[0]
        if not (writer.isdigit() and _running(int(writer))):
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
