"""Cross-reference rules: what must agree between files, or between parts of one file.

Each rule is a small function that reads the `ProjectFiles` that loader.py
returns and yields the problems it finds, each at the node to fix (the list
item, the key, the value), never at a parent; only what is missing is reported
at the mapping it belongs in. Every rule is listed once, in RULES; to add a
rule, write the function and add it there.

A rule sees only the parts that were read without problems: a module that did
not validate is skipped (its own problems are reported), and when a sources
file could not be read (`files.unreadable_sources`), no citation is called
unknown, because that file's own error is the one to fix.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator, Optional

from . import citations, glyphs, layouts, paths, prose, theme
from .errors import Problem
from .loader import ModuleFile, ProjectFiles
from .models import Debate, Topic
from .validation import suggest
from .yamlio import YamlDocument

Rule = Callable[[ProjectFiles], Iterable[Problem]]
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")


def check(files: ProjectFiles) -> list[Problem]:
    """Every problem every rule finds, in RULES order."""
    return [problem for rule in RULES for problem in rule(files)]


# --- coursepack.yaml ------------------------------------------------------------

def citation_style_known(files: ProjectFiles) -> Iterator[Problem]:
    """coursepack.yaml's citation_style is a bundled CSL style or a .csl file inside the project."""
    config, doc = files.config, files.config_doc
    if config is None:
        return
    try:
        citations.style_path(config.citation_style, files.root)
    except citations.UnknownStyle as exc:
        yield doc.problem(("citation_style",), str(exc))


def pack_ids_unique(files: ProjectFiles) -> Iterator[Problem]:
    """No two packs share an id (ids name the output files); the second is reported."""
    if files.config is None:
        return
    seen: set[str] = set()
    for index, pack in enumerate(files.config.packs):
        if pack.id in seen:
            yield files.config_doc.problem(("packs", index, "id"),
                f"pack id '{pack.id}' is used twice; pack ids name the output files")
        seen.add(pack.id)


def pack_modules_exist(files: ProjectFiles) -> Iterator[Problem]:
    """Every module a pack lists exists (one that failed to read is not called missing)."""
    if files.config is None:
        return
    modules = files.modules_by_id
    for index, pack in enumerate(files.config.packs):
        for position, module_id in enumerate(pack.modules):
            if module_id not in modules and module_id not in files.broken_module_ids:
                yield files.config_doc.problem(("packs", index, "modules", position),
                    f"pack '{pack.id}' lists module '{module_id}', which does not exist{suggest(module_id, modules)}")


def debate_packs(files: ProjectFiles) -> Iterator[Problem]:
    """What each pack's layout and editions require of it (layouts.pack_problems): the
    debates it lists, its side, its cover. "Lists no debate" is not said of a pack one of
    whose modules is missing or broken (reported elsewhere)."""
    if files.config is None:
        return
    modules = {module_id: file.module for module_id, file in files.modules_by_id.items()}
    for index, pack in enumerate(files.config.packs):
        debates = [modules[m] for m in pack.modules if isinstance(modules.get(m), Debate)]
        complete = all(m in modules for m in pack.modules)  # else a missing module was reported
        for key, message in layouts.pack_problems(pack, debates, complete):
            yield files.config_doc.problem(("packs", index) + key, message)


# --- modules, sources, glossary ------------------------------------------------

def module_ids_unique(files: ProjectFiles) -> Iterator[Problem]:
    """No two modules share an id; the later file is reported at its id."""
    first: dict[str, YamlDocument] = {}
    for file in files.valid_modules():
        module_id = file.module.id
        if module_id in first:
            written = isinstance(file.doc.data, dict) and "id" in file.doc.data
            yield file.doc.problem(("id",),
                f"module id '{module_id}'{'' if written else ' (from the file name)'} is already used by "
                f"{first[module_id].path}; give each module its own id"
                + ("" if written else " (add an 'id:' line, or rename the file)"))
        else:
            first[module_id] = file.doc


def source_keys_unique(files: ProjectFiles) -> Iterator[Problem]:
    """No citation key is defined twice, in one sources file or across sources.yaml, .json and .bib;
    the message names the line of both places."""
    first: dict[str, str] = {}
    for source in files.sources:
        if source.key in first:
            yield source.doc.problem(source.at + ("id",),
                f"source key '{source.key}' is defined twice (also at {first[source.key]}); keep one")
        else:
            where = source.doc.where(source.at + ("id",))
            first[source.key] = f"{source.doc.path}:{where.line}:{where.col}"


def prose_citations_known(files: ProjectFiles) -> Iterator[Problem]:
    """Bracketed citations ([@key]) in every text of every module name a source."""
    if files.unreadable_sources:
        return
    keys = files.source_items
    for file in files.modules:
        for at, text in _strings(file.doc.data, ()):
            for key, line_offset, bracketed in prose.find_citations(text):
                if bracketed and key not in keys:
                    yield _inside(file.doc, at, text, line_offset, _unknown_source(key, keys, "citation"), "@" + key)


def prose_images_exist(files: ProjectFiles) -> Iterator[Problem]:
    """Markdown images (![alt](path)) have alt text and name a file inside the project."""
    for file in files.modules:
        for at, text in _strings(file.doc.data, ()):
            for match in _MARKDOWN_IMAGE.finditer(text):
                alt, target = match.group(1).strip(), match.group(2)
                problem = ("an image needs alt text: ![what it shows](path)" if not alt
                           else image_problem(files, target))
                if problem:
                    yield _inside(file.doc, at, text, text.count("\n", 0, match.start()), problem, match.group())


def figures_exist(files: ProjectFiles) -> Iterator[Problem]:
    """A section's figure.image is a file inside the project."""
    for file in files.valid_modules():
        if not isinstance(file.module, Topic):
            continue
        for index, section in enumerate(file.module.sections):
            if section.figure is None:
                continue
            problem = image_problem(files, section.figure.image)
            if problem:
                yield file.doc.problem(("sections", index, "figure", "image"), problem)


def term_sources_known(files: ProjectFiles) -> Iterator[Problem]:
    """A topic's terms and a debate's definitions name known sources."""
    if files.unreadable_sources:
        return
    keys = files.source_items
    for file in files.valid_modules():
        terms_key = "definitions" if isinstance(file.module, Debate) else "terms"
        for index, term in enumerate(getattr(file.module, terms_key)):
            if term.source and term.source not in keys:
                yield file.doc.problem((terms_key, index, "source"), _unknown_source(term.source, keys))


def card_sources_known(files: ProjectFiles) -> Iterator[Problem]:
    """Every card's cite.source, in contentions and rebuttals, names a known source."""
    if files.unreadable_sources:
        return
    keys = files.source_items
    for file, debate in _debates(files):
        places = [(("sides", key, "contentions", index, "cards"), contention.cards)
                  for key, side in debate.sides.items() for index, contention in enumerate(side.contentions)]
        places += [(("rebuttals", index, "cards"), rebuttal.cards) for index, rebuttal in enumerate(debate.rebuttals)]
        for at, cards in places:
            for index, card in enumerate(cards):
                if card.cite.source not in keys:
                    yield file.doc.problem(at + (index, "cite", "source"), _unknown_source(card.cite.source, keys))


def glossary_agrees(files: ProjectFiles) -> Iterator[Problem]:
    """The same term defined twice with different definitions is an error naming both places."""
    places = [(entry.term, entry.doc, entry.at) for entry in files.glossary]
    for file in files.valid_modules():
        if isinstance(file.module, Topic):
            places += [(term, file.doc, ("terms", index)) for index, term in enumerate(file.module.terms)]
    first: dict[str, tuple] = {}
    for term, doc, at in places:
        key = term.sort_key
        if key in first and first[key][0].definition.strip() != term.definition.strip():
            _, other_doc, other_at = first[key]
            yield doc.problem(at,
                f"term '{term.term}' is also defined, differently, at {other_doc.path}:{other_doc.where(other_at).line}; "
                "keep one definition or name the terms apart")
        first.setdefault(key, (term, doc, at))


# --- debates ----------------------------------------------------------------------

def debate_format_known(files: ProjectFiles) -> Iterator[Problem]:
    """A debate's format id names a bundled format or one in the project's formats/."""
    for file, debate in _debates(files):
        if isinstance(debate.format, str) and debate.format not in files.formats:
            yield file.doc.problem(("format",),
                f"unknown debate format '{debate.format}'{suggest(debate.format, files.formats)}; "
                f"available: {', '.join(sorted(files.formats))}")


def sides_match_format(files: ProjectFiles) -> Iterator[Problem]:
    """A debate writes exactly its format's sides: an extra side is named at its key, a
    missing one (when no extra side could be it, misnamed) at 'sides'."""
    for file, debate in _debates(files):
        fmt = files.format_of(file)
        if fmt is None:
            continue
        named = ", ".join(fmt.sides)
        missing = [key for key in fmt.sides if key not in debate.sides]
        extra = [key for key in debate.sides if key not in fmt.sides]
        for key in extra:
            advice = (f"rename it to the missing side {missing[0]}" if len(missing) == 1 else
                      f"rename it to one of the missing sides: {', '.join(missing)}" if missing else
                      "remove it, or choose a format that has this side")
            yield file.doc.problem(("sides", key),
                f"side '{key}' is not a side of format '{fmt.id}' (sides: {named}); {advice}", key=True)
        if missing and not extra:
            what = f"side '{missing[0]}'" if len(missing) == 1 else f"sides {', '.join(missing)}"
            yield file.doc.problem(("sides",),
                f"{what} of format '{fmt.id}' {'is' if len(missing) == 1 else 'are'} missing (sides: {named}); "
                f"add {'it' if len(missing) == 1 else 'each'} with its contentions", key=True)


def contention_ids_unique(files: ProjectFiles) -> Iterator[Problem]:
    """Contention ids are unique in a debate, across its sides (rebuttals name them)."""
    for file, debate in _debates(files):
        seen: dict[str, str] = {}
        for side_key, side in debate.sides.items():
            for index, contention in enumerate(side.contentions):
                if contention.id in seen:
                    yield file.doc.problem(("sides", side_key, "contentions", index, "id"),
                        f"contention id '{contention.id}' is used twice (also on side {seen[contention.id]}); "
                        "rebuttals need unique ids")
                seen[contention.id] = side_key


def rebuttals_answer_contentions(files: ProjectFiles) -> Iterator[Problem]:
    """A rebuttal answers a contention of this debate, from the other side."""
    for file, debate in _debates(files):
        all_ids = [c.id for side in debate.sides.values() for c in side.contentions]
        for index, rebuttal in enumerate(debate.rebuttals):
            answered_side = debate.side_of(rebuttal.answers)
            if answered_side is None:
                yield file.doc.problem(("rebuttals", index, "answers"),
                    f"rebuttal answers '{rebuttal.answers}', which is not a contention id in this debate"
                    f"{suggest(rebuttal.answers, all_ids)}")
                continue
            others = [key for key in debate.sides if key != answered_side]
            if rebuttal.side and rebuttal.side not in others:
                yield file.doc.problem(("rebuttals", index, "side"),
                    f"rebuttal side '{rebuttal.side}' must be the side opposite '{rebuttal.answers}' ({', '.join(others)})")


def cross_examination_sides(files: ProjectFiles) -> Iterator[Problem]:
    """cross_examination's keys are the debate's sides; reported at the key."""
    for file, debate in _debates(files):
        side_keys = _side_keys(files, file)
        for key in debate.cross_examination:
            if key not in side_keys:
                yield file.doc.problem(("cross_examination", key),
                    f"cross_examination side '{key}' is not a side of this debate{suggest(key, side_keys)}; "
                    f"sides: {', '.join(side_keys)}", key=True)


def role_sides(files: ProjectFiles) -> Iterator[Problem]:
    """A role's side is one of the debate's sides."""
    for file, debate in _debates(files):
        side_keys = _side_keys(files, file)
        for index, role in enumerate(debate.roles):
            if role.side and role.side not in side_keys:
                yield file.doc.problem(("roles", index, "side"),
                    f"role '{role.name}' has side '{role.side}'{suggest(role.side, side_keys)}; sides: {', '.join(side_keys)}")


def theme_settings(files: ProjectFiles) -> Iterator[Problem]:
    """`theme:` and `labels:` in coursepack.yaml: colours, files inside the project, fonts,
    sizes, label keys and their placeholders (theme.py); a packet keeps its cover."""
    if files.config is not None:
        yield from theme.problems(files.config, files.config_doc, files.root)


def characters_printable(files: ProjectFiles) -> Iterator[Problem]:
    """Characters that no available font can print: one problem a file, at the first
    one, naming them, the other lines and the fix (glyphs.py)."""
    if files.config is None:
        return
    fonts = glyphs.project_coverage(files.root, files.config.theme)
    docs = [files.config_doc, *(file.doc for file in files.modules), *(source.doc for source in files.sources),
            *(entry.doc for entry in files.glossary)]
    for doc in {id(doc): doc for doc in docs if doc is not None}.values():
        problem = glyphs.document_problems(doc, fonts, _strings(doc.data, ()),
                                           lambda doc, at, text, offset: _inside(doc, at, text, offset, ""))
        if problem:
            yield problem


RULES: tuple[Rule, ...] = (
    # coursepack.yaml
    citation_style_known,
    pack_ids_unique,
    pack_modules_exist,
    debate_packs,
    theme_settings,
    # modules, sources, glossary
    module_ids_unique,
    source_keys_unique,
    prose_citations_known,
    prose_images_exist,
    figures_exist,
    term_sources_known,
    card_sources_known,
    glossary_agrees,
    # debates
    debate_format_known,
    sides_match_format,
    contention_ids_unique,
    rebuttals_answer_contentions,
    cross_examination_sides,
    role_sides,
    # every file
    characters_printable,
)


# --- helpers ------------------------------------------------------------------------

def image_problem(files: ProjectFiles, target: str) -> Optional[str]:
    """Why an image path cannot be used, or None when it is a file inside the project."""
    if target.startswith("data:"):
        return None
    resolved, why = paths.project_file(files.root, target)
    if why in (paths.URL, paths.OUTSIDE):
        return f"image '{target}' is outside the project; copy it into assets/ and give a path like assets/map.png"
    if why == paths.MISSING:
        return f"image '{target}' does not exist (paths are relative to the project folder)"
    if resolved.suffix.lower() not in IMAGE_SUFFIXES and not theme.is_image_file(resolved):
        return f"'{target}' is not an image ({theme.IMAGE_KINDS}); give the path of an image file"
    return None


# A file named like an image is taken as one (a damaged one gets the renderer's warning);
# any other file must be an image by its first bytes: a stylesheet or a text file named
# by mistake is an error of check.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


def _debates(files: ProjectFiles) -> Iterator[tuple[ModuleFile, Debate]]:
    for file in files.valid_modules():
        if isinstance(file.module, Debate):
            yield file, file.module


def _side_keys(files: ProjectFiles, file: ModuleFile) -> list[str]:
    """The sides a debate's parts may name: its format's, or its own when the format is unknown."""
    fmt = files.format_of(file)
    return list(fmt.sides) if fmt else list(file.module.sides)


def _strings(data: Any, at: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, at + (index,))


def _inside(doc: YamlDocument, at: tuple, text: str, line_offset: int, message: str, needle: str = "") -> Problem:
    """A problem on line `line_offset` of a (possibly multi-line) text value, at the column
    where `needle` (the citation, the image) is written on that line if it is found there."""
    pos = doc.where(at)
    if text.endswith("\n"):  # a block scalar (|): its text starts on the line after the indicator
        line, col = pos.line + 1 + line_offset, 1
    elif line_offset:
        line, col = pos.line + line_offset, 1
    else:
        line, col = pos.line, pos.col
    return Problem(doc.path, line, doc.column_of(needle, line, start=col) or col, message)


def _unknown_source(key: str, sources: dict, what: str = "source") -> str:
    hint = suggest(key, sources)
    return f"{what} '{key}' is not in content/sources.yaml{hint}; add it there or fix the key"

