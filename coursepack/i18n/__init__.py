"""The theme's words and dates in the document's language.

Every word the theme prints comes from one catalogue of labels: `en.yaml`,
`de.yaml`, `fr.yaml` and `es.yaml` beside this file, one key a label, the same
keys in every language (`en.yaml` is the reference). `labels:` in
coursepack.yaml overrides any label. A language without a catalogue uses the
English labels; a regional tag (`de-AT`) uses its language's (`de`).

A label may hold placeholders, `{n}` or `{side}`, filled in when it prints.
Debate formats differ in their words as well as their language: a format's
`vocabulary` names word sets (`motion`, `points-of-information`, `crossfire`),
and a key written `motion.resolved` in a catalogue replaces `resolved` for the
debates of such a format.

Dates are formatted by Babel from the Unicode CLDR data, for any language CLDR
knows (not only those with a catalogue).
"""
from __future__ import annotations

import datetime
import functools
import string
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml
from markupsafe import Markup

CATALOGUE_DIR = Path(__file__).parent
LANGUAGES = ("en", "de", "fr", "es")  # languages with a complete catalogue
DEFAULT = "en"


@functools.lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    """The bundled labels of one language with a catalogue (a copy is not made: do not change it)."""
    with open(CATALOGUE_DIR / f"{language}.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(key): str(value) for key, value in data.items()}


def catalogue_language(language: str) -> str:
    """The catalogue for a BCP 47 tag: the language itself, its base language, or English."""
    tag = language.replace("_", "-").lower()
    base = tag.split("-")[0]
    return base if base in LANGUAGES else DEFAULT


def placeholders(text: str) -> set[str]:
    """The {names} a label fills in; an unnamed {} or a {0} counts too (as '' or '0'), so
    that a label using one is refused: only named values are ever filled in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Labels:
    """The labels and the date format of one document language.

    `labels(key, module=None, **values)` is the text of `key` with its
    placeholders filled in; with a debate `module`, its format's word sets are
    tried first. Raises KeyError for a key no catalogue has.
    """

    def __init__(self, language: str = DEFAULT, overrides: Optional[Mapping[str, str]] = None):
        self.language = language
        base = catalogue(catalogue_language(language))
        self.texts: dict[str, str] = {**catalogue(DEFAULT), **base, **dict(overrides or {})}

    def __call__(self, key: str, module: Any = None, **values: Any) -> Markup:
        """HTML-safe text: the label escaped, the values escaped unless they are Markup."""
        return Markup.escape(self.texts[self.key_for(key, module)]).format(**values)

    def key_for(self, key: str, module: Any = None) -> str:
        """The catalogue key that prints for `key` in `module` (a debate, or None)."""
        if key not in self.texts:
            raise KeyError(f"no label '{key}' in the catalogue (coursepack/i18n/{DEFAULT}.yaml)")
        fmt = getattr(module, "format", None)
        for word_set in getattr(fmt, "vocabulary", None) or ():
            if f"{word_set}.{key}" in self.texts:
                return f"{word_set}.{key}"
        return key

    # -- CSS ---------------------------------------------------------------

    def css_content(self, key: str, counters: Mapping[str, str]) -> str:
        """A label as the value of a CSS `content` property: its text as strings, its
        placeholders named in `counters` as CSS counters (`page` -> counter(page))."""
        parts = []
        for literal, name, _, _ in string.Formatter().parse(self.texts[key]):
            if literal:
                parts.append(css_string(literal))
            if name:
                parts.append(counters[name] if name in counters else css_string("{" + name + "}"))
        return " ".join(parts) or '""'

    # -- dates -------------------------------------------------------------

    def date(self, year: int, month: Optional[int] = None, day: Optional[int] = None, bc: bool = False) -> str:
        """A date as the document's language writes it: "25. Februar 1956", "février 1956",
        "44 a. C.". Before the common era the year is written with the locale's
        abbreviated era (CLDR)."""
        locale = babel_locale(self.language)
        from babel.dates import format_date, format_skeleton

        if month and day:
            text = format_date(datetime.date(max(year, 1), month, day), "long", locale=locale)
        elif month:
            text = format_skeleton("yMMMM", datetime.date(max(year, 1), month, 1), locale=locale)
        elif year >= 1:
            text = format_skeleton("y", datetime.date(year, 1, 1), locale=locale)
        else:
            text = str(year)
        if bc:
            text = f"{text} {locale.eras['abbreviated'][0]}"
        return text


@functools.lru_cache(maxsize=None)
def babel_locale(language: str):
    """The Babel locale of a BCP 47 tag, or of its base language, or English."""
    from babel import Locale, UnknownLocaleError

    for tag in (language.replace("-", "_"), language.split("-")[0]):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(DEFAULT)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


# Labels the theme no longer prints; `labels:` may still name them (they are ignored).
# no_sources: "No sources are cited in this pack." (a pack that cites nothing has no bibliography now)
RETIRED = frozenset({"no_sources"})


def label_problems(overrides: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(key, message) for each entry of `labels:` that cannot be used."""
    from ..validation import suggest

    reference = catalogue(DEFAULT)
    for key, text in overrides.items():
        if key in RETIRED:
            continue  # a project written for an earlier version still checks
        if key not in reference:
            yield key, (f"unknown label '{key}'{suggest(str(key), reference)}; "
                        f"the labels are listed in docs/content-format.md (\"Labels\")")
            continue
        if not isinstance(text, str):
            yield key, f"label '{key}' must be text"
            continue
        try:
            extra = placeholders(text) - placeholders(reference[key])
        except ValueError:
            yield key, f"label '{key}' has a {{ or }} that opens or closes nothing; write {{{{ or }}}} for a brace"
            continue
        if extra:
            allowed = ", ".join("{" + name + "}" for name in sorted(placeholders(reference[key]))) or "none"
            yield key, (f"label '{key}' uses {', '.join('{' + name + '}' for name in sorted(extra))}, "
                        f"which this label cannot fill in (it can: {allowed})")
