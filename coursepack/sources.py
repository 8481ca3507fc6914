"""Reading the sources files, and checks for their entries (CSL items, as Zotero and Pandoc write them).

CSL has many optional fields and we pass them through untouched; we only check
the few whose wrong shape would print a wrong citation without any complaint.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .errors import CoursepackError, Problem
from .validation import suggest
from .yamlio import load_json, load_yaml, read_text

CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)
NAME_FIELDS = ("author", "editor", "translator", "container-author", "collection-editor",
               "editorial-director", "interviewer", "recipient", "director", "illustrator")
DATE_FIELDS = ("issued", "accessed", "original-date", "event-date", "submitted")
TEXT_FIELDS = ("title", "container-title", "collection-title", "publisher", "publisher-place",
               "edition", "volume", "issue", "page", "URL", "DOI", "genre", "medium", "note")


def item_problems(item: dict) -> Iterator[tuple[tuple, str]]:
    """(path inside the item, message) for each field that would print wrongly."""
    kind = item.get("type")
    if kind is None:
        yield (), f"source '{item['id']}' needs a 'type' (book, article-journal, chapter, webpage, ...)"
    elif kind not in CSL_TYPES:
        yield ("type",), f"'{kind}' is not a CSL type{suggest(str(kind), CSL_TYPES)}; use book, article-journal, chapter, webpage, ..."
    if not item.get("title"):
        yield (), f"source '{item['id']}' needs a 'title'"
    for field in TEXT_FIELDS:
        if isinstance(item.get(field), (dict, list)):
            yield (field,), f"'{field}' must be text, not a {'list' if isinstance(item[field], list) else 'mapping'}"
    for field in NAME_FIELDS:
        if field in item:
            yield from _name_problems(field, item[field])
    for field in DATE_FIELDS:
        if field in item and not _valid_date(item[field]):
            yield (field,), (f"'{field}' must look like {{date-parts: [[1961]]}} or [[1961, 5, 15]], "
                             "or {raw: \"1961\"}")


def _name_problems(field: str, names: Any) -> Iterator[tuple[tuple, str]]:
    if not isinstance(names, list):
        yield (field,), f"'{field}' must be a list of names such as [{{family: Conquest, given: Robert}}]"
        return
    for index, name in enumerate(names):
        if not isinstance(name, dict) or not (name.get("family") or name.get("literal")):
            yield (field, index), (f"each name in '{field}' needs 'family' (and usually 'given'), "
                                   "or 'literal' for an organization")
        else:
            for part in ("family", "given", "literal"):
                if isinstance(name.get(part), (dict, list)):
                    yield (field, index, part), f"'{part}' in '{field}' must be text"


def _valid_date(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if "raw" in value or "literal" in value:
        return isinstance(value.get("raw", value.get("literal")), (str, int))
    parts = value.get("date-parts")
    return (isinstance(parts, list) and bool(parts)
            and all(isinstance(part, list) and 1 <= len(part) <= 3
                    and all(isinstance(n, int) or (isinstance(n, str) and n.isdigit()) for n in part)
                    for part in parts))


# -- reading the sources files ------------------------------------------------------

SOURCE_FILES = ("sources.yaml", "sources.json", "sources.bib")  # read in this order, all that exist


class Sources(dict):
    """CSL items by citation key, from every sources file of a project.

    `json_keys`: the keys whose items are CSL JSON (from sources.json, or converted
    from sources.bib by pandoc); text in them may hold CSL's HTML subset (<i>, <b>,
    <sup>, ...). The others come from CSL YAML, where text is Markdown, as Pandoc reads it.
    `places`: key -> "file:line" where it is defined, for messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.json_keys: set[str] = set()
        self.places: dict[str, str] = {}


class EveryKey(Sources):
    """The sources of a project whose sources file could not be read: that file's own
    error is the one to fix, so no citation is reported as unknown ("in" is always true)."""

    def __contains__(self, key) -> bool:
        return True


def load_sources(content: Path, rel: Callable[[Path], str], problems: list[Problem]) -> Sources:
    """Every reference in content/sources.yaml (CSL YAML), sources.json (CSL JSON) and
    sources.bib (BibTeX/BibLaTeX, as Zotero and Better BibTeX export it).

    Problems (unreadable file, missing id, a key defined twice, even across files,
    fields of the wrong shape) are appended to `problems` with file:line:col; a file
    that cannot be read makes the result an EveryKey, so that no citation is then
    reported as unknown as well."""
    sources = Sources()
    readable = True
    for name in SOURCE_FILES:
        file = content / name
        if not file.is_file():
            continue
        try:
            if file.suffix == ".bib":
                found = _read_bibtex(file, rel(file))
            else:
                found = _read_csl(file, rel(file), problems)
        except CoursepackError as exc:
            problems.extend(exc.problems)
            readable = False
            continue
        if found is None:
            readable = False
            continue
        for key, item, place, is_json in found:
            if key in sources.places:
                problems.append(Problem(*_split_place(place),
                    f"source key '{key}' is defined twice (also at {sources.places[key]}); keep one"))
                continue
            sources[key] = item
            sources.places[key] = place
            if is_json:
                sources.json_keys.add(key)
    if not readable:
        every = EveryKey(sources)
        every.json_keys, every.places = sources.json_keys, sources.places
        return every
    return sources


def _split_place(place: str) -> tuple[str, int, int]:
    path, line, col = place.rsplit(":", 2)
    return path, int(line), int(col)


def _read_csl(file: Path, shown: str, problems: list[Problem]) -> Optional[list]:
    """(key, item, place, is_json) for each item of a CSL YAML or CSL JSON file; None if unusable."""
    doc = load_json(file, shown) if file.suffix == ".json" else load_yaml(file, shown, allow_empty=True)
    if doc.data is None:
        return []
    items, at = doc.data, ()
    if isinstance(items, dict) and "references" in items:
        items, at = items["references"], ("references",)
    if not isinstance(items, list):
        problems.append(doc.problem(at, "sources must be a list of references under 'references:' (CSL YAML)"))
        return None
    found = []
    for index, item in enumerate(items):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, (str, int)) or key == "" or isinstance(key, bool):
            problems.append(doc.problem(at + (index,), "each reference needs an 'id' (the citation key)"))
            continue
        key = str(key)
        position = doc.where(at + (index, "id"))
        found.append((key, item, f"{shown}:{position.line}:{position.col}", file.suffix == ".json"))
        for inside, message in item_problems(item):
            problems.append(doc.problem(at + (index,) + inside, message))
    return found


_BIB_ENTRY_START = re.compile(r"@\s*(\w+)\s*([{(])")
_BIB_NOT_ENTRIES = ("comment", "string", "preamble")


def _read_bibtex(file: Path, shown: str) -> list:
    """(key, CSL item, place, True) for each entry of a BibTeX/BibLaTeX file.

    Entries are located by their `@type{key,` line here; pandoc (`-f biblatex -t
    csljson`) converts them. Raises CoursepackError naming file:line for an entry
    that is never closed, has no key, or repeats a key, and for what pandoc rejects."""
    text = read_text(file, shown)
    places: dict[str, str] = {}
    problems: list[Problem] = []
    position = 0
    while True:
        match = _BIB_ENTRY_START.search(text, position)
        if not match:
            break
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        end = _bib_entry_end(text, match.end(), "}" if match.group(2) == "{" else ")")
        if end < 0:
            problems.append(Problem(shown, line, col, f"the entry '@{match.group(1)}' starting here is never closed; "
                                                      f"add the missing '{'}' if match.group(2) == '{' else ')'}' "
                                                      "(or remove a '{' too many)"))
            break
        position = end
        if match.group(1).lower() in _BIB_NOT_ENTRIES:
            continue
        key_match = re.match(r"\s*([^,\s{}()]+)\s*,", text[match.end():end])
        if not key_match:
            problems.append(Problem(shown, line, col, f"the entry '@{match.group(1)}' has no citation key; "
                                                      f"write it as @{match.group(1)}{{key, ...}}"))
            continue
        key = key_match.group(1)
        if key in places:
            problems.append(Problem(shown, line, col, f"source key '{key}' is defined twice (also at {places[key]}); "
                                                      "keep one"))
            continue
        places[key] = f"{shown}:{line}:{col}"
    if problems:
        raise CoursepackError(problems)
    items = {str(item.get("id")): item for item in _bibtex_to_csl(file, shown)}
    return [(key, items.get(key, {"id": key, "type": "document"}), place, True) for key, place in places.items()]


def _bib_entry_end(text: str, start: int, closing: str) -> int:
    """The index after the bracket closing an entry whose body starts at `start`; -1 if never closed."""
    depth = 1
    opening = "{" if closing == "}" else "("
    for index in range(start, len(text)):
        char = text[index]
        if char == "{" or char == opening:
            depth += 1
        elif char == "}" or char == closing:
            depth -= 1
            if depth == 0:
                return index + 1
    return -1


_PANDOC_ERROR_AT = re.compile(r'Error at "[^"]*" \(line (\d+), column (\d+)\):\s*(.*)', re.DOTALL)


def _bibtex_to_csl(file: Path, shown: str) -> list[dict]:
    from .citations import CitationError, pandoc_path

    try:
        result = subprocess.run([pandoc_path(), "--from", "biblatex", "--to", "csljson", str(file)],
                                capture_output=True, text=True, encoding="utf-8", timeout=300)
    except (OSError, CitationError) as exc:
        raise CoursepackError([Problem(shown, 0, 0, f"cannot read BibTeX: pandoc could not be started ({exc})")]) from None
    if result.returncode != 0:
        located = _PANDOC_ERROR_AT.search(result.stderr)
        if located:
            message = " ".join(located.group(3).split("\n")[0].split())
            raise CoursepackError([Problem(shown, int(located.group(1)), int(located.group(2)),
                                           f"not valid BibTeX: {message}")])
        raise CoursepackError([Problem(shown, 0, 0, f"not valid BibTeX: {' '.join(result.stderr.split())}")])
    try:
        items = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        items = []
    return [item for item in items if isinstance(item, dict)]
