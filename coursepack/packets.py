"""`coursepack packets`: one personalized packet per student of a roster.

A class set costs little more than one packet: the pages every student of a
side shares (the body) are laid out once per side, only each student's front
pages (cover, own role card) are laid out per student, and pypdf puts them
together. The body is laid out with as many stand-in pages as a front has, so
its page numbers and table of contents are right in every stitched packet.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import assemble
from .build import OUTPUT_DIR, print_documents, write_atomic
from .errors import CoursepackError, Problem, UsageError
from .models import Debate
from .project import Project, load_project
from .render import make_environment, render_pack
from .roster import Student, load_roster

PACKETS_DIR = "packets"


@dataclass(frozen=True)
class Packet:
    student: Student
    path: Path
    pages: int


@dataclass(frozen=True)
class PacketsResult:
    packets: list[Packet]
    combined: Optional[Path]
    combined_pages: int
    warnings: tuple[str, ...]


def make_packets(root: Path, pack_id: str, roster: Path, *, combined: bool = False,
                 force: bool = False) -> PacketsResult:
    project = load_project(root)
    pack = project.pack(pack_id)
    if pack.layout != "packet":
        raise UsageError(f"pack '{pack.id}' has layout {pack.layout}; personalized packets need a pack with "
                         "layout: packet in coursepack.yaml")
    debates = [project.modules[m] for m in pack.modules if isinstance(project.modules[m], Debate)]
    students = load_roster(roster, _shown(project, roster), debates)

    folder = project.root / OUTPUT_DIR / PACKETS_DIR / pack.id
    targets = [folder / f"{student.file_stem}.pdf" for student in students]
    combined_path = folder.parent / f"{pack.id}.pdf" if combined else None
    _refuse_to_overwrite(project, targets + ([combined_path] if combined_path else []), force)

    env = make_environment(project)
    fronts = [render_pack(env, project, pack, "student", student=student, part="front") for student in students]
    printed_fronts = list(print_documents(project, fronts, targets))
    warnings = {w for printed in printed_fronts for w in printed.warnings}

    # One body per (side, number of front pages); most classes need two or three.
    variants = sorted({(student.side or pack.side or "", front.pages)
                       for student, front in zip(students, printed_fronts)})
    bodies_html = [render_pack(env, project, pack, "student", side=side or None, part="body", front_pages=pages)
                   for side, pages in variants]
    bodies = dict(zip(variants, print_documents(project, bodies_html, [folder] * len(variants))))
    warnings |= {w for printed in bodies.values() for w in printed.warnings}

    title = pack.title or debates[0].title
    packets, files = [], []
    for student, front, target in zip(students, printed_fronts, targets):
        body = bodies[(student.side or pack.side or "", front.pages)]
        pdf = assemble.stitch(front.pdf, body.pdf, front.pages, title=f"{title}: {student.name}")
        files.append(pdf)
        packets.append(Packet(student, target, body.pages))  # the front replaced as many stand-in pages
    for packet, pdf in zip(packets, files):
        write_atomic(packet.path, pdf)
    combined_pages = 0
    if combined_path:
        whole = assemble.combine(files, title=f"{title}: all packets", duplex=project.config.page.duplex)
        write_atomic(combined_path, whole)
        combined_pages = assemble.page_count(whole)
    return PacketsResult(packets, combined_path, combined_pages, tuple(sorted(warnings)))


def _shown(project: Project, path: Path) -> str:
    """A roster inside the project is named relative to it, as every other file is."""
    resolved = Path(path).resolve()
    return resolved.relative_to(project.root).as_posix() if resolved.is_relative_to(project.root) else str(path)


def _refuse_to_overwrite(project: Project, paths: list[Path], force: bool) -> None:
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        shown = [path.relative_to(project.root).as_posix() for path in existing]
        listed = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        raise CoursepackError([Problem(shown[0], 0, 0,
            f"already exists ({len(shown)} of the files to write do: {listed}); nothing was written. "
            "Add --force to replace them, or move them away first")])
