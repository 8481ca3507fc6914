"""`coursepack packets`: one personalized packet per student of a roster.

Any pack can be personalized: a `packet` prints each debater's side; a course
pack or brief gets each student's cover and role card in front of the student
edition.

A class set costs little more than one packet: the pages every student of a
side shares (the body) are laid out once per side, only each student's front
pages (cover, own role card) are laid out per student, and pypdf puts them
together. The body is laid out with as many stand-in pages as a front has, so
its page numbers and table of contents are right in every stitched packet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .. import glyphs
from ..errors import CoursepackError, Problem, first_few
from ..models import Debate
from ..outputs import stitch
from ..project import Project, load_project
from ..render import make_environment, project_labels
from ..roster import Student, read_roster
from .plan import Job, body_job, fronts_job, packets_folder, reader_side
from ..outputs.pdf import Printed
from .produce import PdfPrinter, Printer, open_cache, produce_jobs
from .write import refuse_to_overwrite, write_atomic


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
    notes: tuple[Problem, ...] = ()  # rows skipped, columns not used, packets of an earlier roster


def make_packets(root: Path, pack_id: str, roster: Path, *, combined: bool = False,
                 force: bool = False, printer: Optional[Printer] = None, jobs: Optional[int] = None,
                 cache: bool = True) -> PacketsResult:
    """Write one packet per student of `roster` into build/packets/<pack id>/, and with
    `combined` all of them in build/packets/<pack id>.pdf.

    Raises CoursepackError for problems in the content, templates or roster, and
    when files to write exist already and `force` is false (nothing is written then);
    UsageError for an unknown pack. `printer`, `jobs` and `cache` as for build(): the
    fronts and bodies a class set printed before are taken from the build cache."""
    project = load_project(root)
    pack = project.pack(pack_id)
    debates = [project.modules[m] for m in pack.modules if isinstance(project.modules[m], Debate)]
    shown = _shown(project, roster)
    read = read_roster(roster, shown, debates)
    students, notes = read.students, list(read.notes)
    unprintable = glyphs.lines_problem(shown, [(s.row, f"{s.name} {s.period or ''}") for s in students],
                                       glyphs.project_coverage(project.root, project.config.theme))
    if unprintable:  # names that would print as empty boxes on the covers (see glyphs.py)
        raise CoursepackError([unprintable])

    folder = packets_folder(project, pack)
    targets = [folder / f"{student.file_stem}.pdf" for student in students]
    combined_path = folder.parent / f"{pack.id}.pdf" if combined else None
    refuse_to_overwrite(project.root, targets + ([combined_path] if combined_path else []), force)
    leftovers = _earlier_packets(folder, targets)

    env = make_environment(project)
    # Untagged: stitching keeps the pages but not the structure tree (see stitch.py), so
    # tagging the fronts and bodies would only cost time (about a tenth of printing).
    printer = printer or PdfPrinter(project.root, standard="none", workers=jobs)
    store = open_cache(project, printer, cache)

    # Every student's front (cover, own role card) in one document: one layout
    # instead of one per student. Each front starts at its own anchor, front-N.
    # One body per (side, pages standing in for the front): a front is its cover and,
    # with a role, the role card; in duplex a front fills whole sheets. Guess the
    # fronts' lengths so that fronts and bodies are laid out side by side, then check.
    # Each packet is stitched as soon as its front and body are printed, while the other
    # bodies are still being laid out; all are written once every part is printed and checked.
    sheet = 2 if project.config.page.duplex else 1
    guessed = sorted({_body_key(pack, student, 2 if student.role else 1, sheet) for student in students})
    title = pack.title or (debates[0].title if debates else project.config.title)
    words = project_labels(project).texts
    bodies: dict[tuple[str, int], Printed] = {}
    stitched: dict[int, tuple[bytes, Packet]] = {}  # by the student's place in the roster
    checked: set[tuple[str, int]] = set()
    warnings: set[str] = set()
    stitcher: Optional[stitch.Stitcher] = None
    spans: list[tuple[int, int]] = []
    keys: list[tuple[str, int]] = []

    def stitch_ready() -> None:
        """Stitch every packet whose front and body are printed and that is not stitched yet."""
        for number, (student, span, target, key) in enumerate(zip(students, spans, targets, keys)):
            if number in stitched or key not in bodies:
                continue
            body = bodies[key]
            stitched[number] = (stitcher.stitch(span, body.pdf, title=f"{title}{words['colon']} {student.name}"),
                                Packet(student, target, body.pages))  # the front replaced as many stand-in pages

    def take(key: Optional[tuple[str, int]], printed: Printed) -> None:
        nonlocal stitcher, spans, keys
        warnings.update(printed.warnings)
        if key is None:  # the fronts
            stitcher = stitch.Stitcher(printed.pdf)
            spans = stitcher.front_spans([f"front-{number}" for number in range(1, len(students) + 1)])
            keys = [_body_key(pack, student, end - start, sheet) for student, (start, end) in zip(students, spans)]
        else:
            bodies[key] = printed
        if stitcher is None:
            return
        for key in set(bodies) - checked:
            checked.add(key)
            if not stitcher.blank(bodies[key].pdf, range(1, key[1])):
                raise CoursepackError([Problem("templates", 0, 0,
                    "the templates leave no blank pages after the cover for each student's own pages; an overridden "
                    "cover or layout template must call stand_in_pages() from parts/cover.html.j2 after its cover")])
        stitch_ready()

    work = [None] + guessed  # None: the fronts
    for index, printed in produce_jobs(project, env, [_job(project, pack, students, key) for key in work], printer, store):
        take(work[index], printed)
    missing = sorted(set(keys) - set(bodies))  # a role card longer than a page
    for index, printed in produce_jobs(project, env, [_job(project, pack, students, key) for key in missing], printer, store):
        take(missing[index], printed)

    packets = []
    for number in range(len(students)):  # nothing is written before every part is printed and checked
        pdf, packet = stitched[number]
        write_atomic(packet.path, pdf)
        packets.append(packet)
    combined_pages = 0
    if combined_path:
        whole = stitch.combine([stitched[number][0] for number in range(len(students))],
                               title=f"{title}{words['colon']} {words['all_packets']}", duplex=project.config.page.duplex)
        write_atomic(combined_path, whole)
        combined_pages = stitch.page_count(whole)
    if leftovers:
        notes.append(_leftovers_note(project, folder, leftovers, force))
    if store:
        store.prune()
    return PacketsResult(packets, combined_path, combined_pages, tuple(sorted(warnings)), tuple(notes))


_PACKET_FILE = re.compile(r"^\d+-.+\.pdf$")


def _earlier_packets(folder: Path, targets: list[Path]) -> list[Path]:
    """Packet files in the folder that this roster does not write: an earlier roster's."""
    if not folder.is_dir():
        return []
    keep = {target.name for target in targets}
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and _PACKET_FILE.match(path.name) and path.name not in keep)


def _leftovers_note(project: Project, folder: Path, leftovers: list[Path], force: bool) -> Problem:
    """With --force the earlier roster's packets are removed; without, they are named."""
    shown = folder.relative_to(project.root).as_posix()
    listed = first_few(path.name for path in leftovers)
    count = f"{len(leftovers)} packet{'s' if len(leftovers) != 1 else ''}"
    if force:
        for path in leftovers:
            path.unlink(missing_ok=True)
        return Problem(shown, 0, 0, f"note: removed {count} of an earlier roster ({listed})")
    return Problem(shown, 0, 0,
        f"note: {count} of an earlier roster {'are' if len(leftovers) != 1 else 'is'} also in this folder ({listed}) "
        "and not part of this class set; delete them, or run again with --force to remove them")


def _body_key(pack, student: Student, front_pages: int, sheet: int) -> tuple[str, int]:
    """Which body a student's packet uses: their side (only a layout that prints one side
    per reader differs by side; a course pack or brief is the same for everyone), and
    the pages their front takes, in whole sheets."""
    return reader_side(pack, student) or "", -(-front_pages // sheet) * sheet


def _job(project: Project, pack, students: list[Student], key: Optional[tuple[str, int]]) -> Job:
    """The fronts (key None), or the body of a (side, front pages) key."""
    if key is None:
        return fronts_job(project, pack, students)
    side, front_pages = key
    return body_job(project, pack, side or None, front_pages)


def _shown(project: Project, path: Path) -> str:
    """A roster inside the project is named relative to it, as every other file is."""
    resolved = Path(path).resolve()
    return resolved.relative_to(project.root).as_posix() if resolved.is_relative_to(project.root) else str(path)
