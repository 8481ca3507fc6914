"""The outline of a document: its chapters and, under each, the headings the
table of contents lists, with their anchors, built once in Python.

A layout's template loops over the outline twice: once for the table of contents
(parts/toc.html.j2) and once for the body (parts/chapters.html.j2), so the two
cannot drift apart. The words (Timeline, The round...) stay in the templates:
an item says what it is (`kind`) and carries the content it shows (a module, a
side, a section's heading); parts/toc.html.j2's `title` macro names it.

Each layout names its outline function in layouts.py. Modules are read by their
fields (`kind`, `id`, `sections`...), as the models define them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence


@dataclass(frozen=True)
class Entry:
    """A heading inside a chapter: a line of the contents and a section of the body.

    kind     section, timeline, people, terms, questions (a topic); resolution, background,
             definitions, case, rebuttals, cross-examination, format (a debate);
             contention (a case); time-table, flow, ballot (the round); answers-to
    anchor   the id of the element it links to
    title    the content's own heading (a section's), when it has one
    module   the module it belongs to
    side     a side key: the case's, or the side whose contention is answered
    number   the contention's number within its side
    tag      the contention's tag (Markdown), for `contention` entries
    """

    kind: str
    anchor: str
    module: Any
    title: str = ""
    side: Optional[str] = None
    number: Optional[int] = None
    tag: Optional[str] = None
    item: Any = None  # what the entry prints: a Section, a Contention


@dataclass(frozen=True)
class Chapter:
    """A chapter: a top-level line of the contents, with its entries under it.

    kind          topic, debate (the course pack's whole debate), overview, case, answers,
                  round, packet-round (a brief's or packet's debate in parts), glossary,
                  timeline, role-cards, bibliography
    anchor        the id of the chapter's element
    module        the module it prints (None for back matter); the contents list the
                  entries of module chapters under them
    number        its number in a numbered contents (the course pack's modules)
    side          case, answers, packet-round: the side printed (None: every side)
    background    a topic printed as background (no objectives, no questions)
    answers       case: the other side's blocks under each contention

    The bibliography chapter is printed only when the document cites something
    (or the pack lists every source: `bibliography: all`).
    """

    kind: str
    anchor: str
    module: Any = None
    entries: tuple[Entry, ...] = ()
    number: Optional[int] = None
    side: Optional[str] = None
    background: bool = False
    answers: bool = True


@dataclass(frozen=True)
class Reader:
    """What an outline depends on besides its modules."""

    edition: str
    side: Optional[str]  # the one side printed (packets), else None
    glossary: Sequence[Any]
    timeline: Sequence[Any]


def _anchor(module, part: str) -> str:
    return f"m-{module.id}-{part}"


def _debates(modules) -> list:
    return [module for module in modules if module.kind == "debate"]


def _topics(modules) -> list:
    return [module for module in modules if module.kind == "topic"]


def _has_cross_examination(module) -> bool:
    return any(module.cross_examination.get(side) for side in module.side_keys)


def topic_entries(module, background: bool = False) -> tuple[Entry, ...]:
    """A topic's sections, then its timeline, people, key terms and (not as background) questions."""
    entries = [Entry("section", _anchor(module, f"s{number}"), module, title=section.heading, item=section)
               for number, section in enumerate(module.sections, 1)]
    for kind, present in (("timeline", module.timeline), ("people", module.people), ("terms", module.terms),
                          ("questions", module.questions and not background)):
        if present:
            entries.append(Entry(kind, _anchor(module, kind), module))
    return tuple(entries)


def debate_entries(module) -> tuple[Entry, ...]:
    """The course pack's debate chapter: everything about the debate, in one chapter."""
    entries = [Entry("resolution", _anchor(module, "resolution"), module)]
    entries += _overview_entries(module)
    entries += [Entry("case", _anchor(module, f"side-{side}"), module, side=side) for side in module.side_keys]
    if module.rebuttals:
        entries.append(Entry("rebuttals", _anchor(module, "rebuttals"), module))
    if _has_cross_examination(module):
        entries.append(Entry("cross-examination", _anchor(module, "cx"), module))
    entries.append(Entry("format", _anchor(module, "format"), module))
    return tuple(entries)


def _overview_entries(module) -> list[Entry]:
    return [Entry(kind, _anchor(module, kind), module) for kind in ("background", "definitions") if getattr(module, kind)]


def _case_entries(module, side: str) -> tuple[Entry, ...]:
    return tuple(Entry("contention", _anchor(module, f"c-{contention.id}"), module, side=side, number=number,
                       tag=contention.tag, item=contention)
                 for number, contention in enumerate(module.sides[side].contentions, 1))


def _answers_entries(module, side: str) -> tuple[Entry, ...]:
    """Every contention of the other sides, to be answered by `side`."""
    return tuple(Entry("answers-to", _anchor(module, f"a2-{contention.id}"), module, side=other, number=number,
                       tag=contention.tag, item=contention)
                 for other in module.side_keys if other != side
                 for number, contention in enumerate(module.sides[other].contentions, 1))


def _round_entries(module, ballot: bool) -> tuple[Entry, ...]:
    entries = [Entry("cross-examination", _anchor(module, "cx"), module)] if _has_cross_examination(module) else []
    entries += [Entry("time-table", _anchor(module, "format"), module), Entry("flow", _anchor(module, "flow"), module)]
    if ballot:
        entries.append(Entry("ballot", _anchor(module, "ballot"), module))
    return tuple(entries)


def _role_cards(reader: Reader, modules) -> list[Chapter]:
    """The teacher's appendix of role cards, when a debate has roles."""
    if reader.edition == "teacher" and any(module.roles for module in _debates(modules)):
        return [Chapter("role-cards", "role-cards")]
    return []


def course_pack_outline(modules: Sequence[Any], reader: Reader) -> list[Chapter]:
    """Every module as a numbered chapter, then the glossary, timeline, role cards and bibliography."""
    chapters = []
    for number, module in enumerate(modules, 1):
        if module.kind == "topic":
            chapters.append(Chapter("topic", f"m-{module.id}", module, topic_entries(module), number=number))
        else:
            chapters.append(Chapter("debate", f"m-{module.id}", module, debate_entries(module), number=number))
    if reader.glossary:
        chapters.append(Chapter("glossary", "glossary"))
    if reader.timeline:
        chapters.append(Chapter("timeline", "timeline"))
    return chapters + _role_cards(reader, modules) + [Chapter("bibliography", "bibliography")]


def _resolutions_and_background(modules: Sequence[Any]) -> list[Chapter]:
    """A brief's and a packet's opening: each debate's resolution, then the topics as background."""
    return ([Chapter("overview", f"m-{debate.id}", debate, tuple(_overview_entries(debate))) for debate in _debates(modules)]
            + [Chapter("topic", f"m-{topic.id}", topic, topic_entries(topic, background=True), background=True)
               for topic in _topics(modules)])


def _every_case(debate) -> list[Chapter]:
    """Each side's case of a debate, with the other sides' blocks under its contentions."""
    return [Chapter("case", _anchor(debate, f"side-{side}"), debate, _case_entries(debate, side), side=side)
            for side in debate.side_keys]


def brief_outline(modules: Sequence[Any], reader: Reader) -> list[Chapter]:
    """The coach's brief: each resolution, topics as background, each side's case with
    the blocks against it, the round; role cards for the teacher; the bibliography."""
    debates = _debates(modules)
    chapters = _resolutions_and_background(modules)
    for debate in debates:
        chapters += _every_case(debate)
        chapters.append(Chapter("round", _anchor(debate, "round"), debate, _round_entries(debate, ballot=True)))
    return chapters + _role_cards(reader, modules) + [Chapter("bibliography", "bibliography")]


def packet_outline(modules: Sequence[Any], reader: Reader) -> list[Chapter]:
    """One debater's packet: the resolution, background, their side's case and the answers
    they have against the other side (without a side, every case with its blocks), the
    round from their seat; the bibliography."""
    debates = _debates(modules)
    side = reader.side
    chapters = _resolutions_and_background(modules)
    for debate in debates:
        if side:
            chapters.append(Chapter("case", _anchor(debate, f"side-{side}"), debate, _case_entries(debate, side),
                                    side=side, answers=False))
            chapters.append(Chapter("answers", _anchor(debate, f"answers-{side}"), debate,
                                    _answers_entries(debate, side), side=side))
        else:
            chapters += _every_case(debate)
        chapters.append(Chapter("packet-round", _anchor(debate, "round"), debate, _round_entries(debate, ballot=False),
                                side=side))
    return chapters + [Chapter("bibliography", "bibliography")]
