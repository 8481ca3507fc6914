"""Every layout and edition a pack can have, declared once, as data.

A layout is how a pack prints (the course pack, the coach's brief, one debater's
packet); an edition is who it prints for (student, teacher, judge). Everything
else asks this module: the model of `coursepack.yaml` takes its allowed values
from here, the checks of a pack read the rules here, the build plans its
outputs from here, and the templates get the `Layout` of the pack they print.

Adding a layout means one `Layout(...)` entry in `LAYOUTS` and one template
(`templates/<id>.html.j2`), with an outline function from outline.py (a new one
when no existing layout's chapters fit); adding a file every pack of some layouts makes
(such as the role sheet) means one `ExtraOutput` in the layouts' `extra_outputs`.

The models import this module, so it reads packs and modules by their fields
(`pack.layout`, `module.kind`) rather than importing the models.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Sequence

from .outline import Chapter, Reader, brief_outline, course_pack_outline, packet_outline
from .validation import suggest

# The layout's template prints a student's personal front pages (cover, own role card)
# for `coursepack packets` whatever the pack's layout; see packet.html.j2.
FRONTS_TEMPLATE = "packet.html.j2"


@dataclass(frozen=True)
class Edition:
    """Who a PDF is printed for.

    `template`: the edition's own template whatever the layout (the judge's), or
    None to print with the layout's. `needs_debate`: a pack with this edition must
    list a debate module. `file_suffix`: added to the pack id to name its PDF.
    """

    id: str
    file_suffix: str
    template: str | None = None
    needs_debate: bool = False


EDITIONS: dict[str, Edition] = {edition.id: edition for edition in (
    Edition("student", file_suffix=""),
    Edition("teacher", file_suffix="-teacher"),
    Edition("judge", file_suffix="-judge", template="judge.html.j2", needs_debate=True),
)}


@dataclass(frozen=True)
class ExtraOutput:
    """A file a pack makes besides its editions, when `wanted(modules)` says so.

    It is written to build/<pack id>-<id>.pdf, printed with `template` as the
    `edition` (the role sheet carries private briefings: the teacher's)."""

    id: str
    template: str
    edition: str
    wanted: Callable[[Sequence[Any]], bool]


def _has_roles(modules: Sequence[Any]) -> bool:
    return any(module.kind == "debate" and module.roles for module in modules)


ROLE_SHEET = ExtraOutput("roles", "roles.html.j2", edition="teacher", wanted=_has_roles)


@dataclass(frozen=True)
class Layout:
    """How a pack prints; `id` is the value of `layout:` in coursepack.yaml.

    template               the layout's template in templates/ (a project may override it)
    outline                its chapters and their headings for a reader (outline.py): what
                           the template prints as the contents and as the body
    label                  the label (coursepack/i18n) of what the cover calls the document
                           (course_pack: "Course pack", "Unterrichtsmaterial")
    editions               the editions a pack of this layout may have
    no_edition_hint        why another edition is refused, and what to do instead
    needs_debate           the pack must list a debate module
    noun                   the layout in messages ("a packet")
    one_side_per_reader    each reader gets one side's case (`side:` on the pack, or a
                           roster's side column chooses it); the others print both sides
    cover_shows_resolution the (personal) cover prints each debate's resolution
    personal_cover         the cover names the student the copy belongs to: `cover: false`
                           is refused
    extra_outputs          files a pack of this layout makes besides its editions
    """

    id: str
    template: str
    outline: Callable[[Sequence[Any], Reader], list[Chapter]]
    label: str
    editions: tuple[str, ...]
    noun: str
    needs_debate: bool = False
    one_side_per_reader: bool = False
    cover_shows_resolution: bool = True
    personal_cover: bool = False
    no_edition_hint: str = ""
    extra_outputs: tuple[ExtraOutput, ...] = (ROLE_SHEET,)


LAYOUTS: dict[str, Layout] = {layout.id: layout for layout in (
    Layout("course-pack", "course-pack.html.j2", course_pack_outline, label="course_pack", noun="a course pack",
           editions=("student", "teacher", "judge"), cover_shows_resolution=False),
    Layout("brief", "brief.html.j2", brief_outline, label="debate_brief", noun="a brief",
           editions=("student", "teacher", "judge")),
    Layout("packet", "packet.html.j2", packet_outline, label="debate_packet", noun="a packet",
           editions=("student", "judge"), needs_debate=True, one_side_per_reader=True, personal_cover=True,
           no_edition_hint="a packet is what one debater takes into the round and has no {edition} edition; "
                           "make a second pack with layout: brief for the coach's copy"),
)}

# The types of `layout:` and `editions:` in coursepack.yaml (models.PackConfig).
LayoutId = Literal[tuple(LAYOUTS)]  # type: ignore[valid-type]
EditionId = Literal[tuple(EDITIONS)]  # type: ignore[valid-type]


def layout_of(pack: Any) -> Layout:
    """The Layout of a pack (a models.PackConfig, whose `layout` the model has checked)."""
    return LAYOUTS[pack.layout]


def template_for(pack: Any, edition: str) -> str:
    """The template that prints `edition` of `pack`: the edition's own, else the layout's."""
    return EDITIONS[edition].template or layout_of(pack).template


def pack_problems(pack: Any, debates: Sequence[Any], complete: bool) -> Iterable[tuple[tuple, str]]:
    """What the layout and editions of `pack` require of it, as (key path inside the
    pack's entry in coursepack.yaml, message) pairs; the path names the offending node
    (the edition in the list, not the list).

    `debates` are the pack's debate modules (with their sides resolved); `complete`
    is false when some module of the pack is missing (reported elsewhere), so that
    "lists no debate" is not said of a pack whose debate merely failed to load."""
    layout = layout_of(pack)
    if not pack.cover and layout.personal_cover:
        others = " and ".join(other.id for other in LAYOUTS.values() if not other.personal_cover)
        yield ("cover",), (f"{layout.noun}'s cover names the student it belongs to; cover: false applies to the "
                           f"{others} layouts")
    for index, edition in enumerate(pack.editions):
        if edition not in layout.editions:
            hint = layout.no_edition_hint or f"{layout.noun} has no {{edition}} edition; use one of {', '.join(layout.editions)}"
            yield ("editions", index), hint.format(edition=edition)
            break
    if complete and not debates:
        if layout.needs_debate:
            yield ("layout",), (f"pack '{pack.id}' is {layout.noun} but lists no debate module; "
                                "add one, or use layout: course-pack")
        else:
            for index, edition in enumerate(pack.editions):
                if EDITIONS[edition].needs_debate:
                    yield ("editions", index), (f"pack '{pack.id}' has a {edition} edition but lists no debate module; "
                                          f"remove '{edition}' or add a debate")
    if pack.side is None:
        return
    if not layout.one_side_per_reader:
        one_sided = [other for other in LAYOUTS.values() if other.one_side_per_reader]
        yield ("side",), (f"'side' chooses the case {' or '.join(other.noun for other in one_sided)} prints; "
                          f"it only applies to layout: {', '.join(other.id for other in one_sided)}")
        return
    for debate in debates:
        if pack.side not in debate.sides:
            yield ("side",), (f"side '{pack.side}' is not a side of debate '{debate.id}'{suggest(pack.side, debate.sides)}; "
                              f"sides: {', '.join(debate.sides)}")

