"""Characters that come with text pasted from a word processor, a web page or a PDF.

They look like an ordinary space (or like nothing at all), so a message that only
quotes the text shows two identical words. Messages name them instead: a
non-breaking space (U+00A0) is what Word puts after a number, before a French
colon, or wherever its formatting marks were on; smart quotes replace straight ones
as they are typed. Names follow the Unicode character names.
"""
from __future__ import annotations

from typing import Iterator

# Characters that show as a space of some width, or as nothing, by their name in messages
# (which of them take no room at all: ZERO_WIDTH).
ODD_SPACES: dict[str, str] = {
    "\u00a0": "a non-breaking space (U+00A0)",
    "\u2000": "an en quad space (U+2000)",
    "\u2001": "an em quad space (U+2001)",
    "\u2002": "an en space (U+2002)",
    "\u2003": "an em space (U+2003)",
    "\u2004": "a three-per-em space (U+2004)",
    "\u2005": "a four-per-em space (U+2005)",
    "\u2006": "a six-per-em space (U+2006)",
    "\u2007": "a figure space (U+2007)",
    "\u2008": "a punctuation space (U+2008)",
    "\u2009": "a thin space (U+2009)",
    "\u200a": "a hair space (U+200A)",
    "\u202f": "a narrow non-breaking space (U+202F)",
    "\u205f": "a medium mathematical space (U+205F)",
    "\u3000": "an ideographic space (U+3000)",
    "\u200b": "a zero-width space (U+200B)",
    "\u200c": "a zero-width non-joiner (U+200C)",
    "\u200d": "a zero-width joiner (U+200D)",
    "\u2060": "a word joiner (U+2060)",
    "\ufeff": "a zero-width no-break space (U+FEFF, a byte-order mark inside the text)",
    "\u00ad": "a soft hyphen (U+00AD)",
}
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb"  # “ ” ‘ ’ „ ‚ « »
WHERE_FROM = "typical of text pasted from a word processor"
# What a word processor's bulleted or dashed list puts where YAML's list item has '-'.
LIST_MARKS: dict[str, str] = {
    "\u2013": "an en dash (U+2013)",
    "\u2014": "an em dash (U+2014)",
    "\u2010": "a hyphen (U+2010)",
    "\u2212": "a minus sign (U+2212)",
    "\u2022": "a bullet (U+2022)",
    "\u00b7": "a middle dot (U+00B7)",
    "\u25e6": "a white bullet (U+25E6)",
    "\u25aa": "a small black square (U+25AA)",
}


def list_mark(text: str) -> str:
    """The name of the word processor's list mark that `text` starts with (followed by a space), or ''."""
    if text[:1] in LIST_MARKS and (text[1:2] == " " or text[1:2] in ODD_SPACES):
        return LIST_MARKS[text[0]]
    return ""


def odd_spaces(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every odd space or invisible character in `text`."""
    for index, char in enumerate(text):
        if char in ODD_SPACES:
            yield index, char


def names(text: str) -> str:
    """The odd characters in `text`, named once each in order: 'a non-breaking space (U+00A0)'."""
    found = list(dict.fromkeys(char for _, char in odd_spaces(text)))
    return " and ".join(ODD_SPACES[char] for char in found)


def visible(text: str) -> str:
    """`text` as a person would retype it: odd spaces as spaces, invisible characters removed."""
    return "".join("" if char in ZERO_WIDTH else " " if char in ODD_SPACES else char for char in text)


def hint(word: str) -> str:
    """'' or, for a word with an odd character in it, what it contains (for messages)."""
    return f"it contains {names(word)}, which does not show" if any(odd_spaces(word)) else ""
