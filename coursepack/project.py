"""Find a project, load every file in it, and resolve the references between them.

`load_project` either returns a fully checked Project or raises one
CoursepackError carrying every problem found in every file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from . import citations, layouts, prose
from .errors import CoursepackError, Problem, UsageError
from .models import Debate, DebateFormat, ProjectConfig, Term, Topic
from .sources import item_problems
from .validation import suggest, validate
from .yamlio import YamlDocument, load_json, load_yaml

PROJECT_FILE = "coursepack.yaml"
CONTENT_DIR = "content"
SPECIAL_CONTENT_FILES = ("sources.yaml", "sources.json", "glossary.yaml")
BUNDLED_FORMATS = Path(__file__).parent / "formats"
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")

Module = Union[Topic, Debate]  # a content module of either kind


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    modules: dict[str, Module]  # by id, in file order
    sources: dict[str, dict]  # CSL-JSON items by id
    glossary: list[Term]  # the shared glossary (content/glossary.yaml)
    formats: dict[str, DebateFormat]

    @property
    def template_dir(self) -> Optional[Path]:
        folder = self.root / "templates"
        return folder if folder.is_dir() else None

    def pack(self, pack_id: str):
        for pack in self.config.packs:
            if pack.id == pack_id:
                return pack
        ids = [p.id for p in self.config.packs]
        raise UsageError(f"no pack '{pack_id}' in {PROJECT_FILE}{suggest(pack_id, ids)}; packs: {', '.join(ids)}")


def find_project(start: Optional[Path] = None) -> Path:
    """The folder holding coursepack.yaml: `start` itself or, without it, the cwd or a parent."""
    if start is not None:
        start = Path(start)
        if (start / PROJECT_FILE).is_file():
            return start.resolve()
        raise UsageError(f"no {PROJECT_FILE} in {start}; run 'coursepack build' inside a project folder or pass its path")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise UsageError(f"no {PROJECT_FILE} found in {here} or any parent folder; run this inside a project folder or pass its path")


def load_project(root: Path) -> Project:
    loader = _Loader(Path(root).resolve())
    project = loader.load()
    if loader.problems:
        raise CoursepackError(loader.problems)
    return project


def available_formats(root: Optional[Path] = None) -> list[DebateFormat]:
    """The bundled debate formats and, for a project, its own formats/ (which win on the same id)."""
    loader = _Loader(Path(root).resolve() if root else BUNDLED_FORMATS)  # the bundle has no formats/ inside
    formats = loader.load_formats()
    if loader.problems:
        raise CoursepackError(loader.problems)
    return list(formats.values())


class _Loader:
    """Collects problems from every file instead of stopping at the first."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.broken_module_ids: set[str] = set()  # modules with errors of their own: not "missing"

    # -- reading files ---------------------------------------------------

    def read(self, file: Path, *, allow_empty: bool = False, **options) -> Optional[YamlDocument]:
        """A YAML file, or CSL JSON for a .json file; None (problems noted) when unreadable."""
        try:
            if file.suffix == ".json":
                return load_json(file, self.rel(file))
            return load_yaml(file, self.rel(file), allow_empty=allow_empty, **options)
        except CoursepackError as exc:
            self.problems.extend(exc.problems)
            return None

    def rel(self, file: Path) -> str:
        return file.relative_to(self.root).as_posix()

    def checked(self, model, doc: YamlDocument, data: Any = None, at: tuple = ()):
        result, problems = validate(model, doc, data, at)
        self.problems.extend(problems)
        return result

    # -- the whole project -------------------------------------------------

    def load(self) -> Optional[Project]:
        config_doc = self.read(self.root / PROJECT_FILE, empty_message=(
            "file is empty; write at least the project's title and its packs (see the README)"))
        config = self.checked(ProjectConfig, config_doc) if config_doc else None
        sources = self.load_sources()
        glossary = self.load_glossary()
        formats = self.load_formats()
        modules, docs = self.load_modules(sources)
        resolved: dict[str, Module] = {}
        for module_id, module in modules.items():
            resolved[module_id] = self.resolve_module(module, docs[module_id], sources, formats)
        if config:
            self.check_config(config, config_doc, modules)
        self.check_glossary(glossary, modules, docs)
        if not config:
            return None
        return Project(self.root, config, resolved, sources, glossary[0] if glossary else [], formats)

    def load_sources(self) -> dict[str, dict]:
        sources: dict[str, dict] = {}
        where: dict[str, str] = {}
        for name in ("sources.yaml", "sources.json"):
            file = self.root / CONTENT_DIR / name
            if not file.is_file():
                continue
            doc = self.read(file, allow_empty=True)
            if doc is None:
                sources = _EveryKey(sources)
                continue
            if doc.data is None:
                continue
            items, at = doc.data, ()
            if isinstance(items, dict) and "references" in items:
                items, at = items["references"], ("references",)
            if not isinstance(items, list):
                self.problems.append(doc.problem(at, "sources must be a list of references under 'references:' (CSL YAML)"))
                sources = _EveryKey(sources)
                continue
            for index, item in enumerate(items):
                key = item.get("id") if isinstance(item, dict) else None
                if not isinstance(key, str) or not key:
                    self.problems.append(doc.problem(at + (index,), "each reference needs an 'id' (the citation key)"))
                elif key in where:
                    self.problems.append(doc.problem(at + (index, "id"),
                        f"source key '{key}' is defined twice (also in {where[key]}); keep one"))
                else:
                    sources[key] = item
                    where[key] = self.rel(file)
                    for inside, message in item_problems(item):
                        self.problems.append(doc.problem(at + (index,) + inside, message))
        return sources

    def load_glossary(self) -> Optional[tuple[list[Term], YamlDocument]]:
        file = self.root / CONTENT_DIR / "glossary.yaml"
        if not file.is_file():
            return None
        doc = self.read(file, allow_empty=True)
        if doc is None or doc.data is None:
            return None
        if not isinstance(doc.data, list):
            self.problems.append(doc.problem((), "the glossary must be a list of entries, each '- term: ...' "
                                                 "with 'definition: ...' on the next line"))
            return None
        # each entry on its own, so that messages point at the entry
        entries = [self.checked(Term, doc, item, at=(index,)) for index, item in enumerate(doc.data)]
        return (entries, doc) if all(entries) else None

    def load_formats(self) -> dict[str, DebateFormat]:
        formats: dict[str, DebateFormat] = {}
        for folder in (BUNDLED_FORMATS, self.root / "formats"):
            if not folder.is_dir():
                continue
            for file in sorted(folder.glob("*.yaml")):
                shown = file.name if folder == BUNDLED_FORMATS else self.rel(file)
                try:
                    doc = load_yaml(file, shown)
                except CoursepackError as exc:
                    self.problems.extend(exc.problems)
                    continue
                fmt = self.checked(DebateFormat, doc)
                if fmt:
                    formats[fmt.id] = fmt
        return formats

    def load_modules(self, sources: dict) -> tuple[dict[str, Module], dict[str, YamlDocument]]:
        modules: dict[str, Module] = {}
        docs: dict[str, YamlDocument] = {}
        for file in _module_files(self.root / CONTENT_DIR):
            doc = self.read(file)
            if doc is None or not isinstance(doc.data, dict):
                # Reported already or here; a pack that lists it is not told it "does not exist":
                # its id is unknown, the file name is the likeliest.
                self.broken_module_ids.add(file.stem)
            if doc is None:
                continue
            if not isinstance(doc.data, dict):
                self.problems.append(doc.problem((), "a module must be a mapping of keys (kind, id, title, ...)"))
                continue
            kind = doc.data.get("kind")
            model = {"topic": Topic, "debate": Debate}.get(kind) if isinstance(kind, str) else None
            if model is None:
                if kind is None:
                    message = "missing required field 'kind' (topic or debate)"
                elif isinstance(kind, str):
                    message = f"'kind' must be topic or debate, not '{kind}'{suggest(kind, ['topic', 'debate'])}"
                else:
                    message = "'kind' must be the word topic or debate"
                self.problems.append(doc.problem(("kind",) if kind is not None else (), message))
                self.broken_module_ids.add(str(doc.data.get("id", file.stem)))
                continue
            data = dict(doc.data)
            data.setdefault("id", file.stem)
            self.check_prose(doc, sources)
            module = self.checked(model, doc, data)
            if module is None:
                self.broken_module_ids.add(str(data["id"]))
                if not isinstance(data["id"], str):  # 'id: 12' is reported; packs may list the file name
                    self.broken_module_ids.add(file.stem)
                continue
            if module.id in modules:
                first = docs[module.id]
                self.problems.append(doc.problem(("id",),
                    f"module id '{module.id}' is already used by {first.path}; give each module its own id"))
                continue
            modules[module.id] = module
            docs[module.id] = doc
        return modules, docs

    # -- cross-references --------------------------------------------------

    def check_config(self, config: ProjectConfig, doc: YamlDocument, modules: dict[str, Module]) -> None:
        if config.citation_style not in citations.available_styles():
            self.problems.append(doc.problem(("citation_style",),
                f"unknown citation style '{config.citation_style}'{suggest(config.citation_style, citations.available_styles())}; "
                f"bundled styles: {', '.join(citations.available_styles())}"))
        seen: set[str] = set()
        for index, pack in enumerate(config.packs):
            if pack.id in seen:
                self.problems.append(doc.problem(("packs", index, "id"), f"pack id '{pack.id}' is used twice; pack ids name the output files"))
            seen.add(pack.id)
            for position, module_id in enumerate(pack.modules):
                if module_id not in modules and module_id not in self.broken_module_ids:
                    self.problems.append(doc.problem(("packs", index, "modules", position),
                        f"pack '{pack.id}' lists module '{module_id}', which does not exist{suggest(module_id, modules)}"))
            debates = [modules[m] for m in pack.modules if isinstance(modules.get(m), Debate)]
            complete = all(m in modules for m in pack.modules)  # else a missing module was reported
            self.check_debate_pack(pack, doc, ("packs", index), debates, complete)

    def check_debate_pack(self, pack, doc: YamlDocument, at: tuple, debates: list[Debate], complete: bool) -> None:
        """What the pack's layout and editions require of it (layouts.py)."""
        for key, message in layouts.pack_problems(pack, debates, complete):
            self.problems.append(doc.problem(at + key, message))

    def resolve_module(self, module: Module, doc: YamlDocument, sources: dict, formats: dict) -> Module:
        terms_key = "definitions" if isinstance(module, Debate) else "terms"
        for index, term in enumerate(getattr(module, terms_key)):
            if term.source and term.source not in sources:
                self.problems.append(doc.problem((terms_key, index, "source"), _unknown_source(term.source, sources)))
        if isinstance(module, Topic):
            self.check_figures(module, doc)
            return module
        return self.resolve_debate(module, doc, sources, formats)

    def check_prose(self, doc: YamlDocument, sources: dict) -> None:
        """Citations and Markdown images in every text of a module."""
        for at, text in _strings(doc.data, ()):
            for key, line_offset, bracketed in prose.find_citations(text):
                if bracketed and key not in sources:
                    self.problems.append(_inside(doc, at, text, line_offset, _unknown_source(key, sources, "citation")))
            for match in _MARKDOWN_IMAGE.finditer(text):
                alt, target = match.group(1).strip(), match.group(2)
                problem = "an image needs alt text: ![what it shows](path)" if not alt else self.image_problem(target)
                if problem:
                    self.problems.append(_inside(doc, at, text, text.count("\n", 0, match.start()), problem))

    def image_problem(self, target: str) -> Optional[str]:
        """Why an image path cannot be used, or None when it is a file inside the project."""
        if target.startswith("data:"):
            return None
        resolved = (self.root / target).resolve()
        if ":" in target.split("/")[0] or not resolved.is_relative_to(self.root):
            return f"image '{target}' is outside the project; copy it into assets/ and give a path like assets/map.png"
        if not resolved.is_file():
            return f"image '{target}' does not exist (paths are relative to the project folder)"
        return None

    def check_figures(self, topic: Topic, doc: YamlDocument) -> None:
        for index, section in enumerate(topic.sections):
            if section.figure is None:
                continue
            problem = self.image_problem(section.figure.image)
            if problem:
                self.problems.append(doc.problem(("sections", index, "figure", "image"), problem))

    def resolve_debate(self, debate: Debate, doc: YamlDocument, sources: dict, formats: dict) -> Debate:
        fmt = self.resolve_format(debate, doc, formats)
        sides = debate.sides
        if fmt is not None:
            if set(debate.sides) != set(fmt.sides):
                self.problems.append(doc.problem(("sides",),
                    f"the sides must be exactly the format's sides: {', '.join(fmt.sides)} (format '{fmt.id}'); found {', '.join(debate.sides)}"))
            sides = {key: side.model_copy(update={"label": side.label or fmt.sides.get(key, key)})
                     for key, side in debate.sides.items()}
        side_keys = list(fmt.sides) if fmt else list(debate.sides)
        self.check_contentions(debate, doc, sources)
        rebuttals = self.resolve_rebuttals(debate, doc, sources)
        for key in debate.cross_examination:
            if key not in side_keys:
                self.problems.append(doc.problem(("cross_examination", key),
                    f"cross_examination side '{key}' is not a side of this debate{suggest(key, side_keys)}; sides: {', '.join(side_keys)}", key=True))
        for index, role in enumerate(debate.roles):
            if role.side and role.side not in side_keys:
                self.problems.append(doc.problem(("roles", index, "side"),
                    f"role '{role.name}' has side '{role.side}'{suggest(role.side, side_keys)}; sides: {', '.join(side_keys)}"))
        update = {"sides": sides, "rebuttals": rebuttals}
        if fmt is not None:
            update["format"] = fmt
        return debate.model_copy(update=update)

    def resolve_format(self, debate: Debate, doc: YamlDocument, formats: dict) -> Optional[DebateFormat]:
        if isinstance(debate.format, dict):
            return self.checked(DebateFormat, doc, debate.format, at=("format",))
        if not isinstance(debate.format, str):
            self.problems.append(doc.problem(("format",), "'format' must be a format id (such as classroom) or a format definition"))
            return None
        if debate.format not in formats:
            self.problems.append(doc.problem(("format",),
                f"unknown debate format '{debate.format}'{suggest(debate.format, formats)}; available: {', '.join(sorted(formats))}"))
            return None
        return formats[debate.format]

    def check_contentions(self, debate: Debate, doc: YamlDocument, sources: dict) -> None:
        seen: dict[str, str] = {}
        for side_key, side in debate.sides.items():
            for index, contention in enumerate(side.contentions):
                at = ("sides", side_key, "contentions", index)
                if contention.id in seen:
                    self.problems.append(doc.problem(at + ("id",),
                        f"contention id '{contention.id}' is used twice (also on side {seen[contention.id]}); rebuttals need unique ids"))
                seen[contention.id] = side_key
                self.check_cards(contention.cards, doc, at + ("cards",), sources)

    def check_cards(self, cards, doc: YamlDocument, at: tuple, sources: dict) -> None:
        for index, card in enumerate(cards):
            if card.cite.source not in sources:
                self.problems.append(doc.problem(at + (index, "cite", "source"), _unknown_source(card.cite.source, sources)))

    def resolve_rebuttals(self, debate: Debate, doc: YamlDocument, sources: dict) -> list:
        resolved = []
        all_ids = [c.id for side in debate.sides.values() for c in side.contentions]
        for index, rebuttal in enumerate(debate.rebuttals):
            at = ("rebuttals", index)
            self.check_cards(rebuttal.cards, doc, at + ("cards",), sources)
            answered_side = debate.side_of(rebuttal.answers)
            if answered_side is None:
                self.problems.append(doc.problem(at + ("answers",),
                    f"rebuttal answers '{rebuttal.answers}', which is not a contention id in this debate{suggest(rebuttal.answers, all_ids)}"))
                resolved.append(rebuttal)
                continue
            others = [key for key in debate.sides if key != answered_side]
            if rebuttal.side and rebuttal.side not in others:
                self.problems.append(doc.problem(at + ("side",),
                    f"rebuttal side '{rebuttal.side}' must be the side opposite '{rebuttal.answers}' ({', '.join(others)})"))
            side = rebuttal.side or (others[0] if len(others) == 1 else None)
            resolved.append(rebuttal.model_copy(update={"side": side}))
        return resolved

    def check_glossary(self, shared, modules: dict[str, Module], docs: dict[str, YamlDocument]) -> None:
        """The same term defined twice with different definitions is an error naming both places."""
        places = []  # (term, document, path in it)
        if shared:
            terms, doc = shared
            places += [(term, doc, (index,)) for index, term in enumerate(terms)]
        for module_id, module in modules.items():
            if isinstance(module, Topic):
                places += [(term, docs[module_id], ("terms", index)) for index, term in enumerate(module.terms)]
        first: dict[str, tuple] = {}
        for term, doc, at in places:
            key = term.sort_key
            if key in first and first[key][0].definition.strip() != term.definition.strip():
                _, other_doc, other_at = first[key]
                self.problems.append(doc.problem(at,
                    f"term '{term.term}' is also defined, differently, at {other_doc.path}:{other_doc.where(other_at).line}; "
                    "keep one definition or name the terms apart"))
            first.setdefault(key, (term, doc, at))


class _EveryKey(dict):
    """The sources of a project whose sources file could not be read: that file's own
    error is the one to fix, so no citation is reported as unknown ("in" is always true)."""

    def __contains__(self, key) -> bool:
        return True


def _module_files(content: Path) -> Iterator[Path]:
    if not content.is_dir():
        return
    for file in sorted(content.rglob("*")):
        if file.suffix not in (".yaml", ".yml") or not file.is_file():
            continue
        if file.parent == content and file.name in SPECIAL_CONTENT_FILES:
            continue
        yield file


def _strings(data: Any, at: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, at + (index,))


def _inside(doc: YamlDocument, at: tuple, text: str, line_offset: int, message: str) -> Problem:
    """A problem on line `line_offset` of a (possibly multi-line) text value."""
    pos = doc.where(at)
    if text.endswith("\n"):  # a block scalar (|): its text starts on the line after the indicator
        return Problem(doc.path, pos.line + 1 + line_offset, 1, message)
    if line_offset:
        return Problem(doc.path, pos.line + line_offset, 1, message)
    return Problem(doc.path, pos.line, pos.col, message)


def _unknown_source(key: str, sources: dict, what: str = "source") -> str:
    hint = suggest(key, sources)
    return f"{what} '{key}' is not in content/sources.yaml{hint}; add it there or fix the key"
