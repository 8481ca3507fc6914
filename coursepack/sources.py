"""Reading the sources files, and checks for their entries (CSL items, as Zotero and Pandoc write them).

CSL has many optional fields and we pass them through untouched; we only check
the few whose wrong shape would print a wrong citation without any complaint.
"""
from __future__ import annotations

import calendar
import functools

import json
import re
import subprocess
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import CoursepackError, Problem
from .validation import suggest
from .yamlio import Position, YamlDocument, read_text

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
        elif field in item and _impossible_date(item[field]):
            yield (field,), (f"'{field}' has no such date ({_impossible_date(item[field])}); date-parts are "
                             "[year, month, day]: months 1-12 (21-24 for spring to winter), days as the month has")


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


def _impossible_date(value: dict) -> str:
    """What is impossible in a valid-looking date's parts ("month 13"), or ""."""
    for part in value.get("date-parts") or []:
        numbers = [int(n) for n in part]
        year, month, day = (numbers + [0, 0])[:3]
        if len(numbers) > 1 and not (1 <= month <= 12 or 21 <= month <= 24):  # CSL numbers the seasons 21-24
            return f"month {month}"
        if len(numbers) > 2 and (month > 12 or not 1 <= day <= calendar.monthrange(year if 1 <= year <= 9999 else 2000, month)[1]):
            return f"day {day} of month {month}"
    return ""


# -- BibTeX and the CSL JSON it becomes ------------------------------------------------

class Sources(dict):
    """CSL items by citation key, from every sources file of a project.

    `json_keys`: the keys whose items are CSL JSON (from sources.json, or converted
    from sources.bib by pandoc); text in them may hold CSL's HTML subset (<i>, <b>,
    <sup>, ...). The others come from CSL YAML, where text is Markdown, as Pandoc reads it."""

    def __init__(self, *args, json_keys: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.json_keys: set[str] = set(json_keys)


def read_bibtex(file: Path, shown: str) -> YamlDocument:
    """A BibTeX/BibLaTeX file (as Zotero and Better BibTeX export it) as CSL items.

    The result is a list of CSL JSON items (pandoc converts the file: `--from biblatex
    --to csljson`), with the position of each entry's `@type{key,` line recorded for
    the path (index,) and (index, "id"), so that messages point at the entry.
    Raises CoursepackError, located at file:line:col, for an entry that is never closed,
    has no key or repeats a key in the file, and for what pandoc rejects."""
    text = read_text(file, shown)
    entries: list[tuple[str, Position]] = []
    places: dict[str, Position] = {}
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
            problems.append(Problem(shown, line, col, f"source key '{key}' is defined twice (also at "
                                                      f"{shown}:{places[key].line}:{places[key].col}); keep one"))
            continue
        places[key] = Position(line, col)
        entries.append((key, places[key]))
    if problems:
        raise CoursepackError(problems)
    converted = {str(item.get("id")): item for item in json.loads(_bibtex_to_csl(text, shown))}
    doc = YamlDocument(shown, [converted.get(key, {"id": key, "type": "document"}) for key, _ in entries])
    for index, (_, position) in enumerate(entries):
        doc.values[(index,)] = doc.values[(index, "id")] = position
    return doc


_BIB_ENTRY_START = re.compile(r"@\s*(\w+)\s*([{(])")
_BIB_NOT_ENTRIES = ("comment", "string", "preamble")


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


_PANDOC_ERROR_AT = re.compile(r'Error at (?:"[^"]*" )?\(line (\d+), column (\d+)\):\s*(.*)', re.DOTALL)


@functools.lru_cache(maxsize=8)
def _bibtex_to_csl(text: str, shown: str) -> str:
    """The CSL JSON (a list of item objects, as text) pandoc makes of BibTeX `text`. Kept
    per process: a preview loads the project for every build it runs, and the file seldom
    changes. Raises CoursepackError, located where pandoc says, for BibTeX it cannot read."""
    from .citations import CitationError, pandoc_path

    try:
        result = subprocess.run([pandoc_path(), "--from", "biblatex", "--to", "csljson"], input=text,
                                capture_output=True, text=True, encoding="utf-8", timeout=300)
    except (OSError, CitationError) as exc:
        raise CoursepackError([Problem(shown, 0, 0, f"cannot read BibTeX: pandoc could not be started ({exc})")]) from None
    except subprocess.TimeoutExpired:
        raise CoursepackError([Problem(shown, 0, 0, "reading this BibTeX file took more than 5 minutes; "
                                                    "export only the references the project cites")]) from None
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
    return json.dumps([item for item in items if isinstance(item, dict)] if isinstance(items, list) else [])
