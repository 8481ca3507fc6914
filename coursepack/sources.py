"""Checks for bibliography entries (CSL-JSON items, as Zotero and Pandoc write them).

CSL has many optional fields and we pass them through untouched; we only check
the few whose wrong shape would print a wrong citation without any complaint.
"""
from __future__ import annotations

from typing import Any, Iterator

from .validation import suggest

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
