"""Read a project's files into models, each with the document it came from.

Reading is one job: every file on its own, YAML -> plain data with positions ->
validated models. What can be wrong inside one file is reported here (syntax,
unknown keys, wrong types, the shape of a CSL entry). Whether two things agree
(a pack's modules exist, a citation's source is known, a rebuttal answers a
contention, two glossaries agree) is decided by the rules in references.py,
which read the `ProjectFiles` this module returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from .errors import CoursepackError, Problem
from .models import Debate, DebateFormat, ProjectConfig, Term, Topic
from .pasted import WHERE_FROM, names, odd_spaces, visible
from .sources import Sources, item_problems, read_bibtex
from .validation import suggest, validate
from .yamlio import YamlDocument, load_json, load_yaml

PROJECT_FILE = "coursepack.yaml"
CONTENT_DIR = "content"
SPECIAL_CONTENT_FILES = ("sources.yaml", "sources.json", "glossary.yaml")
SOURCE_FILES = ("sources.yaml", "sources.json", "sources.bib")  # all that exist are read
BUNDLED_FORMATS = Path(__file__).parent / "formats"
EMPTY_CONFIG = "file is empty; write at least the project's title and its packs (see the README)"

Module = Union[Topic, Debate]  # a content module of either kind


@dataclass(frozen=True)
class Source:
    """One bibliography entry (a CSL-JSON item) and where it was written."""

    key: str  # the citation key, the item's 'id'
    item: dict
    doc: YamlDocument
    at: tuple  # the item's path inside `doc`


@dataclass(frozen=True)
class ModuleFile:
    """A content module file whose `kind` is known.

    `module` is None when the file did not validate, even leaving out its unknown
    keys (see validation.validate; its problems are reported either way); its text is
    still checked for citations and images. `format` is a debate's
    inline format definition, validated; None for a format id or a broken one."""

    doc: YamlDocument
    module: Optional[Module]
    format: Optional[DebateFormat] = None


@dataclass(frozen=True)
class GlossaryEntry:
    term: Term
    doc: YamlDocument
    at: tuple  # the entry's path inside `doc`


@dataclass
class ProjectFiles:
    """Everything read from a project's files, before any rule that needs two of them.

    Problems found while reading are in `problems`; a part that could not be read
    is missing from the lists (or None), and says so where a rule needs to know:
    `unreadable_sources` names the source files whose entries are unknown, so that
    no citation is reported as unknown because of them."""

    root: Path
    config: Optional[ProjectConfig] = None
    config_doc: Optional[YamlDocument] = None
    sources: list[Source] = field(default_factory=list)  # in file order; a key may repeat
    unreadable_sources: set[str] = field(default_factory=set)  # paths, relative to root
    glossary: list[GlossaryEntry] = field(default_factory=list)  # content/glossary.yaml, when all valid
    formats: dict[str, DebateFormat] = field(default_factory=dict)  # bundled, then the project's own
    modules: list[ModuleFile] = field(default_factory=list)  # in file order; an id may repeat
    broken_module_ids: set[str] = field(default_factory=set)  # ids (or file stems) of modules that failed
    problems: list[Problem] = field(default_factory=list)

    @property
    def source_items(self) -> Sources:
        """CSL items by key; the first definition of a key wins. Items from CSL JSON
        (sources.json, and sources.bib as pandoc converts it) are `json_keys`."""
        items = Sources()
        for source in self.sources:
            if source.key not in items and source.doc.path.endswith((".json", ".bib")):
                items.json_keys.add(source.key)
            items.setdefault(source.key, source.item)
        return items

    def valid_modules(self) -> Iterator[ModuleFile]:
        """The module files that validated, in file order (repeated ids included)."""
        return (file for file in self.modules if file.module is not None)

    @property
    def modules_by_id(self) -> dict[str, ModuleFile]:
        """Validated modules by id; the first file with an id wins."""
        found: dict[str, ModuleFile] = {}
        for file in self.valid_modules():
            found.setdefault(file.module.id, file)
        return found

    def format_of(self, file: ModuleFile) -> Optional[DebateFormat]:
        """A debate's format: its inline definition, or the format its id names (None if unknown)."""
        if file.format is not None:
            return file.format
        name = getattr(file.module, "format", None)
        return self.formats.get(name) if isinstance(name, str) else None


def read_project(root: Path) -> ProjectFiles:
    """Read coursepack.yaml, content/ (modules, sources, glossary) and formats/ under `root`.

    Never raises for the user's content: every problem is in the result's `problems`."""
    reader = _Reader(Path(root).resolve())
    files = reader.files
    files.config_doc = reader.read(files.root / PROJECT_FILE, empty_message=EMPTY_CONFIG)
    if files.config_doc is not None:
        files.config = reader.checked(ProjectConfig, files.config_doc, settings=True)
    reader.read_sources()
    reader.read_glossary()
    reader.read_formats()
    reader.read_modules()
    return files


def read_formats(root: Optional[Path] = None) -> ProjectFiles:
    """Only the debate formats: the bundled ones, then `root`/formats/ (the same id wins over a bundled one)."""
    reader = _Reader(Path(root).resolve() if root else BUNDLED_FORMATS)  # the bundle has no formats/ inside
    reader.read_formats()
    return reader.files


class _Reader:
    """Reads files into `files`, noting each file's problems instead of stopping at the first."""

    def __init__(self, root: Path):
        self.files = ProjectFiles(root)
        self.root = root
        self.problems = self.files.problems

    def rel(self, file: Path) -> str:
        return file.relative_to(self.root).as_posix()

    def read(self, file: Path, *, allow_empty: bool = False, shown_as: Optional[str] = None,
             **options) -> Optional[YamlDocument]:
        """A YAML file, or CSL JSON for a .json file; None (problems noted) when unreadable."""
        shown_as = shown_as or self.rel(file)
        try:
            if file.suffix == ".json":
                return load_json(file, shown_as)
            return load_yaml(file, shown_as, allow_empty=allow_empty, **options)
        except CoursepackError as exc:
            self.problems.extend(exc.problems)
            return None

    def checked(self, model, doc: YamlDocument, data: Any = None, at: tuple = (), *, settings: bool = False):
        result, problems = validate(model, doc, data, at, settings=settings)
        self.problems.extend(problems)
        return result

    def read_sources(self) -> None:
        for name in SOURCE_FILES:
            file = self.root / CONTENT_DIR / name
            if not file.is_file():
                continue
            doc = self.read(file, allow_empty=True) if file.suffix != ".bib" else self.read_bib(file)
            if doc is None:
                self.files.unreadable_sources.add(self.rel(file))
                continue
            if doc.data is None:
                continue
            items, at = doc.data, ()
            if isinstance(items, dict) and "references" in items:
                items, at = items["references"], ("references",)
            if not isinstance(items, list):
                self.problems.append(doc.problem(at, "sources must be a list of references under 'references:' (CSL YAML)"))
                self.files.unreadable_sources.add(self.rel(file))
                continue
            for index, item in enumerate(items):
                key = item.get("id") if isinstance(item, dict) else None
                if not isinstance(key, str) or not key:
                    self.problems.append(doc.problem(at + (index,), "each reference needs an 'id' (the citation key)"))
                    continue
                if any(odd_spaces(key)):  # it could never be cited as written; cited as it shows, it is found
                    self.problems.append(doc.problem(at + (index, "id"),
                        f"source key '{visible(key).strip()}' has {names(key)} in it ({WHERE_FROM}); retype the key"))
                    key = visible(key).strip()
                self.files.sources.append(Source(key, item, doc, at + (index,)))
                for inside, message in item_problems(item):
                    self.problems.append(doc.problem(at + (index,) + inside, message))

    def read_bib(self, file: Path) -> Optional[YamlDocument]:
        """sources.bib as CSL items, each located at its `@type{key,` line; None (problems noted) when unreadable."""
        try:
            return read_bibtex(file, self.rel(file))
        except CoursepackError as exc:
            self.problems.extend(exc.problems)
            return None

    def read_glossary(self) -> None:
        file = self.root / CONTENT_DIR / "glossary.yaml"
        if not file.is_file():
            return
        doc = self.read(file, allow_empty=True)
        if doc is None or doc.data is None:
            return
        if not isinstance(doc.data, list):
            self.problems.append(doc.problem((), "the glossary must be a list of entries, each '- term: ...' "
                                                 "with 'definition: ...' on the next line"))
            return
        # each entry on its own, so that messages point at the entry
        entries = [self.checked(Term, doc, item, at=(index,)) for index, item in enumerate(doc.data)]
        if all(entries):
            self.files.glossary = [GlossaryEntry(term, doc, (index,)) for index, term in enumerate(entries)]

    def read_formats(self) -> None:
        for folder in (BUNDLED_FORMATS, self.root / "formats"):
            if not folder.is_dir():
                continue
            for file in sorted(folder.glob("*.yaml")):
                doc = self.read(file, shown_as=file.name if folder == BUNDLED_FORMATS else self.rel(file))
                fmt = self.checked_format(doc) if doc else None
                if fmt:
                    self.files.formats[fmt.id] = fmt

    def read_modules(self) -> None:
        for file in module_files(self.root / CONTENT_DIR):
            doc = self.read(file)
            if doc is None or not isinstance(doc.data, dict):
                # Reported already or here; a pack that lists it is not told it "does not exist":
                # its id is unknown, the file name is the likeliest.
                self.files.broken_module_ids.add(file.stem)
            if doc is None:
                continue
            if not isinstance(doc.data, dict):
                self.problems.append(doc.problem((), "a module must be a mapping of keys (kind, id, title, ...)"))
                continue
            self.read_module(doc, file.stem)

    def read_module(self, doc: YamlDocument, stem: str) -> None:
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
            self.files.broken_module_ids.add(str(doc.data.get("id", stem)))
            return
        data = dict(doc.data)
        data.setdefault("id", stem)
        module = self.checked(model, doc, data)
        if module is None:  # its problems are reported; a pack that lists it by id or file name is not told more
            self.files.broken_module_ids.update({str(data["id"]), visible(str(data["id"])).strip(), stem})
        fmt = self.inline_format(module, doc) if isinstance(module, Debate) else None
        self.files.modules.append(ModuleFile(doc, module, fmt))

    def checked_format(self, doc: YamlDocument, data: Any = None, at: tuple = ()) -> Optional[DebateFormat]:
        """A format, with its ballot data checked for consistency (DebateFormat.problems).
        An inconsistent format is still returned, so that the debates using it get no
        follow-on "unknown format"; its problems stop the build."""
        fmt = self.checked(DebateFormat, doc, data, at=at)
        if fmt is not None:
            self.problems.extend(doc.problem(at + inside, message) for inside, message in fmt.problems())
        return fmt

    def inline_format(self, debate: Debate, doc: YamlDocument) -> Optional[DebateFormat]:
        """A format written out inside the debate, validated; None for a format id."""
        if isinstance(debate.format, dict):
            return self.checked_format(doc, debate.format, at=("format",))
        if not isinstance(debate.format, str):
            self.problems.append(doc.problem(("format",), "'format' must be a format id (such as classroom) or a format definition"))
        return None


def module_files(content: Path) -> Iterator[Path]:
    """Every .yaml/.yml file under content/, sorted, except the sources and the glossary."""
    if not content.is_dir():
        return
    for file in sorted(content.rglob("*")):
        if file.suffix not in (".yaml", ".yml") or not (file.is_file() or file.is_symlink()):  # a broken link is reported
            continue
        if file.parent == content and file.name in SPECIAL_CONTENT_FILES:
            continue
        yield file
