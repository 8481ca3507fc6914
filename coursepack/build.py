"""The build pipeline: load and check everything, render every HTML, then every PDF.

Nothing is written until the whole project has validated and every document
has rendered to HTML, and each PDF replaces the old one atomically, so a
failed build never leaves a half-written or missing file where a good one stood.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .errors import CoursepackError, Problem
from .models import PackConfig
from .project import Project, load_project
from .render import make_environment, render_pack, theme_dir

OUTPUT_DIR = "build"


@dataclass(frozen=True)
class Job:
    """One PDF to make."""

    pack: PackConfig
    edition: str
    path: Path


@dataclass(frozen=True)
class Built:
    path: Path
    pages: int
    warnings: tuple[str, ...] = ()  # what WeasyPrint complained about (CSS it ignored, say)


def check(root: Path) -> Project:
    """Validate the project without rendering anything."""
    return load_project(root)


def build(root: Path, pack_ids: Optional[Iterable[str]] = None) -> list[Built]:
    project = load_project(root)
    jobs = plan(project, pack_ids)
    env = make_environment(project)
    documents = [(job, render_pack(env, project, job.pack, job.edition)) for job in jobs]

    from .pdf import PdfRenderer, RefusedResources  # WeasyPrint is slow to import: only when printing

    renderer = PdfRenderer(allowed_roots=[project.root, theme_dir()])
    built = []
    for job, html in documents:
        try:
            pdf = renderer.render(html, base_url=project.root)
        except RefusedResources as refused:
            raise CoursepackError([Problem(job.path.relative_to(project.root).as_posix(), 0, 0, reason)
                                   for _, reason in refused.refused]) from None
        write_atomic(job.path, pdf)
        built.append(Built(job.path, renderer.page_count, tuple(renderer.warnings)))
    return built


def plan(project: Project, pack_ids: Optional[Iterable[str]] = None) -> list[Job]:
    packs = [project.pack(pack_id) for pack_id in pack_ids] if pack_ids else project.config.packs
    out = project.root / OUTPUT_DIR
    return [Job(pack, edition, out / output_name(pack.id, edition)) for pack in packs for edition in pack.editions]


def output_name(pack_id: str, edition: str) -> str:
    return f"{pack_id}.pdf" if edition == "student" else f"{pack_id}-{edition}.pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
