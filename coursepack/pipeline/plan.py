"""Plan: what documents a command makes, as `Job`s, before anything is rendered."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..layouts import EDITIONS, FRONTS_TEMPLATE, LAYOUTS, layout_of, template_for
from ..errors import UsageError
from ..models import PackConfig
from ..project import Project
from ..roster import Student

OUTPUT_DIR = "build"  # inside the project folder
PACKETS_DIR = "packets"  # inside OUTPUT_DIR: build/packets/<pack id>/

# What a job's document is (Job.output): an edition of the pack, an extra output of
# its layout (by the ExtraOutput's id, such as "roles"), or one of the two halves of
# `coursepack packets`: every student's front pages, and a body they share.
EDITION = "edition"
FRONTS = "fronts"
BODY = "body"


@dataclass(frozen=True)
class Job:
    """One document to make: the unit every command's pipeline works on.

    The steps are the same for every job: render its HTML (pipeline/render.py),
    print it (produce.py), finish it (produce.py: page boxes; a booklet imposed
    beside it) and write it (write.py); packets stitch instead (packets.py).

    pack, edition   what is printed, and for whom ("student", "teacher", "judge")
    output          what the document is: EDITION, an ExtraOutput id ("roles"),
                    FRONTS or BODY
    path            the file it is written to; for FRONTS and BODY (which are never
                    written themselves) the folder the packets made from them go to.
                    Problems found while printing the job are reported at this path.
    template        the template that prints it
    side            the one side whose case is printed; None prints every side
    student         the one student it is for (a whole personal packet), if any
    students        FRONTS: whose front pages, in order; front N starts at anchor front-N
    front_pages     BODY: how many blank pages stand in for a student's front pages
    """

    pack: PackConfig
    edition: str
    output: str
    path: Path
    template: str
    side: Optional[str] = None
    student: Optional[Student] = None
    students: tuple[Student, ...] = ()
    front_pages: int = 1

    @property
    def part(self) -> str:
        """What the template prints (packet.html.j2): the whole document, or one half."""
        return self.output if self.output in (FRONTS, BODY) else "whole"


def plan(project: Project, pack_ids: Optional[Iterable[str]] = None,
         editions: Optional[Iterable[str]] = None) -> list[Job]:
    """`coursepack build`: every edition of every pack (or of `pack_ids`), and the
    extra outputs (role sheet...) its layout makes for its modules.

    `editions` keeps only the jobs for those editions (an extra output counts as its
    edition's: the role sheet is the teacher's). Raises UsageError for an unknown pack
    id, a pack named in `pack_ids` with none of `editions`, or no job left at all."""
    pack_ids = list(pack_ids) if pack_ids else None
    jobs = _every_job(project, pack_ids)
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


def _every_job(project: Project, pack_ids: Optional[list[str]]) -> list[Job]:
    packs = [project.pack(pack_id) for pack_id in pack_ids] if pack_ids else project.config.packs
    out = project.root / OUTPUT_DIR
    jobs = []
    for pack in packs:
        layout = layout_of(pack)
        jobs += [Job(pack, edition, EDITION, out / output_name(pack.id, edition), template_for(pack, edition),
                     side=pack.side)
                 for edition in pack.editions]
        modules = [project.modules[module_id] for module_id in pack.modules]
        jobs += [Job(pack, extra.edition, extra.id, out / f"{pack.id}-{extra.id}.pdf", extra.template)
                 for extra in layout.extra_outputs if extra.wanted(modules)]
    return jobs


def output_name(pack_id: str, edition: str) -> str:
    """The file name of an edition: <pack id>.pdf for students, <pack id>-<edition>.pdf else."""
    return f"{pack_id}{EDITIONS[edition].file_suffix}.pdf"


BOOKLET_SUFFIX = "-booklet"  # build/<pack id>-booklet.pdf, a pack's pages imposed for folding (produce.booklet)


def output_suffixes() -> frozenset[str]:
    """Every ending a pack's files in build/ have after the pack id, before ".pdf":
    the editions' ("" for the student's, "-teacher", "-judge"), the extra outputs'
    ("-roles") and the booklet's."""
    return frozenset({edition.file_suffix for edition in EDITIONS.values()}
                     | {f"-{extra.id}" for layout in LAYOUTS.values() for extra in layout.extra_outputs}
                     | {BOOKLET_SUFFIX})


def packets_folder(project: Project, pack: PackConfig) -> Path:
    """Where `coursepack packets` writes a pack's packets."""
    return project.root / OUTPUT_DIR / PACKETS_DIR / pack.id


def fronts_job(project: Project, pack: PackConfig, students: Sequence[Student]) -> Job:
    """Every student's front pages (cover, own role card) in one document: one layout
    instead of one per student."""
    return Job(pack, "student", FRONTS, packets_folder(project, pack), FRONTS_TEMPLATE,
               students=tuple(students))


def body_job(project: Project, pack: PackConfig, side: Optional[str], front_pages: int) -> Job:
    """The pages every student of `side` shares, after `front_pages` stand-in pages."""
    return Job(pack, "student", BODY, packets_folder(project, pack), template_for(pack, "student"),
               side=side, front_pages=front_pages)


def student_job(project: Project, pack: PackConfig, student: Student) -> Job:
    """One student's whole packet, laid out in one piece (what packets stitch together)."""
    return Job(pack, "student", EDITION, packets_folder(project, pack) / f"{student.file_stem}.pdf",
               template_for(pack, "student"), side=reader_side(pack, student), student=student)


def reader_side(pack: PackConfig, student: Optional[Student]) -> Optional[str]:
    """The side whose case a reader's copy prints: theirs (from the roster), else the
    pack's `side`, in a layout that prints one side per reader; else None (every side)."""
    if not layout_of(pack).one_side_per_reader:
        return None
    return (student.side if student else None) or pack.side
