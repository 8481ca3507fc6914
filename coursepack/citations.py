"""Citations and bibliographies in a CSL style, formatted with citeproc-py.

The styles ship inside the package (`coursepack/styles/*.csl`, from the
Citation Style Language project, CC BY-SA 3.0: each file keeps its licence in
`<rights>`); nothing is fetched at run time.

citeproc-py 0.11 leaves a few parts of CSL out that the bundled styles use.
The fixes are collected at the end of this module ("citeproc-py gaps"); each
says which output it repairs. Everything returned as HTML is safe to insert
as is: source data is escaped, only the style's own markup (<i>, <b>, ...) is
kept.
"""
from __future__ import annotations

import datetime
import difflib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import citeproc
from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                      CitationStylesStyle, Locator, formatter)
from citeproc.model import ConditionFailed, FormatNumber, If, Label, Name, Names, Substitute
from citeproc.source.json import CiteProcJSON

STYLES_DIR = Path(__file__).parent / "styles"

# Former names of bundled styles, as the CSL repository's renamed-styles list has them.
STYLE_ALIASES = {
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "harvard1": "harvard-cite-them-right",
    "mla": "modern-language-association",
}


class UnknownStyle(ValueError):
    """A citation style that is not bundled."""

    def __init__(self, style: str):
        self.style = style
        close = _close_matches(style, available_styles())
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        super().__init__(f"unknown citation style '{style}'{hint} "
                         f"(bundled styles: {', '.join(available_styles())})")


def available_styles() -> list[str]:
    """Every style name a project may give as `citation_style`."""
    return sorted({path.stem for path in STYLES_DIR.glob("*.csl")} | set(STYLE_ALIASES))


def _close_matches(name: str, choices: list[str]) -> list[str]:
    containing = [choice for choice in choices if name.lower() in choice]
    similar = difflib.get_close_matches(name.lower(), choices, n=3, cutoff=0.6)
    return list(dict.fromkeys(similar + containing))[:3]


@dataclass(frozen=True)
class CiteItem:
    """One source in a citation: `[see @key, p. 215, emphasis added]`."""

    key: str
    locator: Optional[str] = None
    label: str = "page"  # a CSL locator term: page, chapter, section, ...
    prefix: str = ""  # plain text
    suffix: str = ""  # plain text
    suppress_author: bool = False  # Pandoc's `[-@key]`: only the year (and locator)


# Locator labels as writers abbreviate them -> CSL locator terms.
_LOCATOR_LABELS = {
    "page": ("p", "p.", "pp", "pp.", "pg", "pg.", "page", "pages"),
    "chapter": ("ch", "ch.", "chap", "chap.", "chaps.", "chapter", "chapters"),
    "article-locator": ("art", "art.", "arts.", "article", "articles"),
    "section": ("sec", "sec.", "secs.", "section", "sections", "§", "§§"),
    "paragraph": ("para", "para.", "paras.", "paragraph", "paragraphs", "¶", "¶¶"),
    "volume": ("vol", "vol.", "vols.", "volume", "volumes"),
    "book": ("bk", "bk.", "bks.", "book", "books"),
    "part": ("pt", "pt.", "pts.", "part", "parts"),
    "figure": ("fig", "fig.", "figs.", "figure", "figures"),
    "table": ("tbl", "tbl.", "table", "tables"),
    "line": ("l.", "ll.", "line", "lines"),
    "note": ("n.", "nn.", "note", "notes"),
    "verse": ("v.", "vv.", "verse", "verses"),
    "column": ("col", "col.", "cols.", "column", "columns"),
    "appendix": ("app", "app.", "appendix", "appendices"),
    "folio": ("fol", "fol.", "fols.", "folio", "folios"),
    "issue": ("no", "no.", "nos.", "issue", "issues"),
    "sub-verbo": ("s.v.", "s.vv.", "sub verbo"),
}
_LABEL_OF = {spelling: label for label, spellings in _LOCATOR_LABELS.items() for spelling in spellings}
_LOCATOR_RE = re.compile(
    r"(?P<label>" + "|".join(sorted(map(re.escape, _LABEL_OF), key=len, reverse=True)) + r")"
    r"(?:\s+|(?<=[.§¶]))(?P<value>\S.*)", re.IGNORECASE | re.DOTALL)
_NUMBER = r"(?:\d+[a-z]?|m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_NUMBER_LIKE = re.compile(rf"(?=\w){_NUMBER}(?:\s*[-–—,&]\s*(?=\w){_NUMBER})*", re.IGNORECASE)


def parse_locator(text) -> tuple[Optional[str], str]:
    """A locator as written -> (CSL label, value).

    "p. 215" -> ("page", "215"); "ch. 3" -> ("chapter", "3"); a bare number or
    range means pages. Free text ("introduction") comes back as (None, text):
    there is no label for it, so it is printed as written.
    """
    text = " ".join(str(text).split())
    match = _LOCATOR_RE.fullmatch(text)
    if match:
        return _LABEL_OF[match.group("label").lower()], match.group("value")
    if _NUMBER_LIKE.fullmatch(text):
        return "page", text
    return None, text


class Bibliography:
    """The citations and the bibliography of one document, in one style.

    Keys are the source ids as the project writes them. Every key passed to
    `cite`, `cite_narrative` or `reference` is counted as cited, in that order
    (numeric styles number the sources in it).
    """

    def __init__(self, sources: dict[str, dict], style: str = "chicago-author-date", language: str = "en"):
        self.sources = sources
        self.style_name = STYLE_ALIASES.get(style, style)
        path = STYLES_DIR / f"{self.style_name}.csl"
        if not path.is_file():
            raise UnknownStyle(style)
        self.language = language
        # citeproc lower-cases ids; neutral ids keep 'Smith2000' and 'smith2000' apart
        self._ids = {key: f"ref{index}" for index, key in enumerate(sources)}
        self._source = CiteProcJSON([_csl_item(self._ids[key], item) for key, item in sources.items()])
        self._style = CitationStylesStyle(str(path), locale=locale_name(language), validate=False)
        _mark_left_margin(self._style)
        self._punctuation_in_quote = str(self._style.root.get_locale_option("punctuation-in-quote")).lower() == "true"
        # one processor for in-text citations: it numbers sources and tracks ibid/subsequent positions
        self._citing = CitationStylesBibliography(self._style, self._source, formatter.html)
        # full entries by key: one source's entry never changes, and citeproc takes ~20 ms
        # to make one, which a brief with thousands of evidence cards would pay for each card
        self._references: dict[str, str] = {}

    @property
    def is_note_style(self) -> bool:
        """True for styles whose citations belong in footnotes (Chicago notes)."""
        return self._style.root.get("class") == "note"

    def cite(self, items: list[CiteItem]) -> str:
        """HTML of one citation cluster, e.g. `(Conquest 1961, 215; Taubman 2003)`."""
        citation = Citation([self._citeproc_item(item) for item in items])
        self._citing.register(citation)
        rendered = self._finish(self._citing.cite(citation, _unknown_item))
        if len(items) == 1 and items[0].suppress_author:
            parts = self._split_author(rendered, items[0].key)
            if parts and parts[1]:
                return rendered[0] + parts[1] + rendered[-1]
        return rendered

    def cite_narrative(self, item: CiteItem) -> str:
        """HTML for `@key argues`: `Conquest (1961, 215)`; `Conquest [1]` in numeric styles."""
        rendered = self.cite([item])
        parts = self._split_author(rendered, item.key)
        if parts is None:
            return f"{html.escape(self.authors(item.key))} {rendered}"
        author, rest = parts
        author = author.replace(" &amp; ", " and ")  # APA: '&' only inside parentheses
        return f"{author} ({rest})" if rest else author

    def short(self, key: str, locator: Optional[str] = None) -> str:
        """Plain text for evidence cards, the same in every style: `Conquest 1961, 215`.

        Registers the source as cited, so the bibliography lists it."""
        self._citing.register(Citation([CitationItem(self._ids[key])]))
        text = f"{self.authors(key)} {self._year(key)}".strip()
        if locator:
            label, value = parse_locator(locator)
            if label == "page":  # a page range takes an en dash: 3-5 -> 3–5
                text += ", " + re.sub(r"(?<=\d)\s*[-‐‑]+\s*(?=\d)", "–", value)
            else:
                text += ", " + " ".join(str(locator).split())
        return text

    def authors(self, key: str) -> str:
        """Surnames: `Conquest`, `Conquest and Taubman`, `Conquest et al.`; the title when no one is named."""
        item = self.sources[key]
        names = next((item[role] for role in ("author", "editor", "translator") if item.get(role)), [])
        surnames = [_surname(name) for name in _as_list(names)]
        surnames = [name for name in surnames if name]
        if not surnames:
            return str(item.get("title-short") or item.get("title") or key)
        if len(surnames) == 1:
            return surnames[0]
        if len(surnames) == 2:
            return f"{surnames[0]} {self._term('and', 'and')} {surnames[1]}"
        return f"{surnames[0]} {self._term('et-al', 'et al.')}"

    def reference(self, key: str) -> str:
        """HTML of the full bibliography entry of one source (for evidence cards), without its number."""
        self._citing.register(Citation([CitationItem(self._ids[key])]))
        if key not in self._references:
            single = CitationStylesBibliography(self._style, self._source, formatter.html)
            single.register(Citation([CitationItem(self._ids[key])]))
            entries = single.bibliography()
            self._references[key] = self._finish(_LEFT_MARGIN_RE.sub("", str(entries[0]))) if entries else ""
        return self._references[key]

    def entries(self, keys: Optional[list[str]] = None) -> list[str]:
        """HTML bibliography entries in the style's order: the sources cited so far, or `keys`."""
        cited = [self._key_of[citeproc_id] for citeproc_id in self._citing.keys]
        if keys is not None:
            wanted = set(keys)
            # cited sources first, so that numeric styles keep the numbers used in the text
            cited = [key for key in cited if key in wanted] + [key for key in keys if key not in cited]
        bibliography = CitationStylesBibliography(self._style, self._source, formatter.html)
        bibliography.register(Citation([CitationItem(self._ids[key]) for key in dict.fromkeys(cited)]))
        bibliography.sort()
        return [self._finish(str(entry), entry=True) for entry in bibliography.bibliography()]

    # -- helpers -----------------------------------------------------------

    @property
    def _key_of(self) -> dict[str, str]:
        return {citeproc_id: key for key, citeproc_id in self._ids.items()}

    def _citeproc_item(self, item: CiteItem) -> CitationItem:
        if item.key not in self._ids:
            raise KeyError(f"unknown source key '{item.key}'")
        extra = {}
        suffix = item.suffix
        if item.locator and item.label:
            extra["locator"] = Locator(item.label, item.locator)
        elif item.locator:  # free text: printed as written after the source
            suffix = f", {item.locator}{item.suffix}"
        if item.prefix.strip():
            extra["prefix"] = html.escape(item.prefix.strip(), quote=False) + " "
        if suffix.strip():
            suffix = suffix.rstrip()
            extra["suffix"] = html.escape(suffix if suffix[0] in " ,;:." else " " + suffix, quote=False)
        return CitationItem(self._ids[item.key], **extra)

    def _finish(self, rendered: str, entry: bool = False) -> str:
        """citeproc output -> safe, tidy HTML."""
        text = str(rendered).translate(_UNESCAPE)
        text = _BARE_AMPERSAND.sub("&amp;", text)
        if self._punctuation_in_quote:
            text = _DOUBLED_STOP.sub(r"\1”", text)
            text = _PUNCTUATION_AFTER_QUOTE.sub(r"\1”", text)
        if entry:
            text = _LEFT_MARGIN_RE.sub(r'<span class="csl-left-margin">\1</span> ', text)
        return _LEFT_MARGIN_RE.sub(r"\1", text)

    def _split_author(self, rendered: str, key: str) -> Optional[tuple[str, str]]:
        """`(Conquest 1961, 215)` -> ("Conquest", "1961, 215"); None when the cite does not start with the author."""
        if not (rendered.startswith("(") and rendered.endswith(")")):
            return None
        inner = rendered[1:-1]
        year = self._year(key)
        if year and year in inner and not inner.startswith(year):
            author, rest = inner.split(year, 1)
            return author.rstrip(" ,"), year + rest
        names = html.escape(self.authors(key), quote=False)
        for spelling in (names, names.replace(" and ", " &amp; ")):
            if inner.startswith(spelling):
                return spelling, inner[len(spelling):].lstrip(" ,")
        return None

    def _year(self, key: str) -> str:
        issued = _csl_date(self.sources[key].get("issued"))
        if issued and issued.get("date-parts"):
            return str(issued["date-parts"][0][0])
        if issued and issued.get("literal"):
            return str(issued["literal"])
        return self._term("no date", "n.d.", form="short")

    def _term(self, name: str, default: str, form: Optional[str] = None) -> str:
        return str(self._style.root.get_single_term(name, form=form) or default)


def _unknown_item(item) -> None:
    raise KeyError(f"unknown source '{item.key}'")


# -- locales -----------------------------------------------------------------

def locale_name(language: str) -> str:
    """A BCP 47 tag -> the citeproc-py locale that fits best: en -> en-US, en-GB, fr -> fr-FR; else en-US."""
    locales_dir = Path(citeproc.LOCALES_PATH)
    parts = (language or "en").replace("_", "-").split("-")
    base = parts[0].lower()
    candidates = []
    if len(parts) > 1:
        rest = [part.title() if len(part) == 4 else part.upper() for part in parts[1:]]
        candidates.append("-".join([base, *rest]))
        candidates.append(f"{base}-{rest[-1]}")
    candidates.append(_primary_dialects().get(base, base))
    return next((name for name in candidates if (locales_dir / f"locales-{name}.xml").is_file()), "en-US")


def _primary_dialects() -> dict[str, str]:
    with open(Path(citeproc.LOCALES_PATH) / "locales.json", encoding="utf-8") as file:
        return json.load(file)["primary-dialects"]


# -- source data -> what citeproc-py accepts ---------------------------------

# Source text is escaped before citeproc sees it (it would print '<' and '&' raw);
# private-use stand-ins survive its processing and become entities at the end.
_ESCAPE = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
_UNESCAPE = str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"})
_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
_DATE_TEXT = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _csl_item(citeproc_id: str, item: dict) -> dict:
    """One CSL-JSON item as written by a user -> the subset citeproc-py understands."""
    result = {"id": citeproc_id, "type": str(item.get("type") or "document")}
    for variable, value in item.items():
        python_name = variable.replace("-", "_")
        if python_name not in citeproc.VARIABLES or value is None:
            continue
        if python_name in citeproc.NAMES:
            result[variable] = [_csl_name(name) for name in _as_list(value)]
        elif python_name in citeproc.DATES:
            date = _csl_date(value)
            if date:
                result[variable] = date
        elif isinstance(value, (str, int, float)):
            result[variable] = str(value).translate(_ESCAPE)
    return result


def _csl_name(name) -> dict:
    if not isinstance(name, dict):
        return {"literal": str(name).translate(_ESCAPE)}
    return {part: str(name[part]).translate(_ESCAPE) for part in _NAME_PARTS if name.get(part)}


def _csl_date(value) -> Optional[dict]:
    """A CSL date in any of the shapes people write: {date-parts}, {literal}, {raw}, 1961, '1961-05', a date."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {"date-parts": [[value.year, value.month, value.day]]}
    if isinstance(value, (int, str)):
        value = {"raw": str(value)}
    if not isinstance(value, dict):
        return None
    if value.get("date-parts"):
        parts = [[_as_int(part) for part in date] for date in _as_list(value["date-parts"]) if date]
        return {"date-parts": parts} if parts and all(isinstance(part, int) for date in parts for part in date) else None
    raw = str(value.get("raw") or "").strip()
    dates = [_DATE_TEXT.match(piece.strip()) for piece in raw.split("/")] if raw else []
    if dates and all(dates):
        return {"date-parts": [[int(part) for part in match.groups() if part] for match in dates]}
    literal = value.get("literal") or raw
    return {"literal": str(literal).translate(_ESCAPE)} if literal else None


def _as_int(part):
    try:
        return int(part)
    except (TypeError, ValueError):
        return part


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _surname(name) -> str:
    if not isinstance(name, dict):
        return str(name)
    family = " ".join(str(name[part]) for part in ("non-dropping-particle", "family") if name.get(part))
    return family or str(name.get("literal") or "")


# -- citeproc-py gaps ----------------------------------------------------------

# Numbered bibliographies ("[1] R. Conquest, ...") put the number in a margin
# column (CSL `second-field-align`, `display="left-margin"`); citeproc-py runs it
# into the text. The number is marked at load time and becomes a span (or is
# dropped for a single reference).
_LEFT_MARGIN_OPEN, _LEFT_MARGIN_CLOSE = "\ue010", "\ue011"
_LEFT_MARGIN_RE = re.compile(f"{_LEFT_MARGIN_OPEN}(.*?){_LEFT_MARGIN_CLOSE}", re.DOTALL)

# en-US puts periods and commas inside closing quotes (CSL punctuation-in-quote).
_PUNCTUATION_AFTER_QUOTE = re.compile(r"”([.,])")
_DOUBLED_STOP = re.compile(r"([.?!])”\.")


def _mark_left_margin(style: CitationStylesStyle) -> None:
    namespaces = {"cs": "http://purl.org/net/xbiblio/csl"}
    marked = style.root.xpath("cs:bibliography/cs:layout//*[@display='left-margin']", namespaces=namespaces)
    if not marked and style.root.xpath("cs:bibliography[@second-field-align]", namespaces=namespaces):
        marked = style.root.xpath("cs:bibliography/cs:layout/*[1]", namespaces=namespaces)
    for element in marked:
        element.set("prefix", _LEFT_MARGIN_OPEN + element.get("prefix", ""))
        element.set("suffix", element.get("suffix", "") + _LEFT_MARGIN_CLOSE)


def _patch_citeproc() -> None:
    """Teach citeproc-py 0.11 the CSL features the bundled styles rely on."""
    if getattr(Name, "_coursepack_patched", False):
        return
    Name._coursepack_patched = True

    initialize = Name.initialize

    def initialize_unless_disabled(self, given, mark, context):
        # CSL 1.0.1 initialize="false": Chicago and MLA print 'Robert', not 'R.'
        if _inherited(self, context, "initialize") == "false":
            return given
        return initialize(self, given, mark, context)

    render_if = If.render

    def render_if_without_disambiguation(self, item, context=None, delimiter="", **kwargs):
        # citeproc-py treats disambiguate="true" as always true, so MLA printed
        # a title in every citation; no cite here is ever being disambiguated.
        if self.get("disambiguate") == "true" and self.get("match", "all") == "all":
            raise ConditionFailed
        return render_if(self, item, context=context, delimiter=delimiter, **kwargs)

    format_last_page = FormatNumber._format_last_page

    def format_last_page_same_length(self, first, last):
        # CSL shortens a range only when both ends have as many digits ('3-25' stays,
        # citeproc-py's minimal-two printed '3-5')
        return format_last_page(self, first, last) if len(first) == len(last) else last

    repress = Substitute.add_to_repressed_list

    def repress_substituted_title(self, child, context):
        # a title standing in for a missing author is not printed a second time
        # ('"Anonymous Page." 1999. "Anonymous Page."'); citeproc-py only represses
        # variables named directly in cs:substitute, not inside its macros
        repress(self, child, context)
        if child.get("variable") is None and _prints_title(child, set()):
            context.get_layout().repressed.setdefault(_CSL_TEXT, []).append("title")

    render_substitute = Substitute.render

    def render_substitute_marked(self, item, context=None, **kwargs):
        # lets the names printed by a substitute, also through its macros, know it
        layout = (context if context is not None else self).get_layout()
        layout.coursepack_substituting = layout.__dict__.get("coursepack_substituting", 0) + 1
        try:
            return render_substitute(self, item, context=context, **kwargs)
        finally:
            layout.coursepack_substituting -= 1

    process_names = Names.process

    def process_names_substituting(self, item, names_context=None, context=None, **kwargs):
        # cs:substitute (CSL 1.0.2): a bare cs:names standing in for a missing author
        # takes the cs:name, cs:et-al and cs:label of the cs:names it replaces, and
        # the name variables a substitute prints are suppressed for the rest of the
        # entry. citeproc-py did the first only for direct children of cs:substitute,
        # not inside a cs:choose (where Chicago and MLA put editor and translator), and
        # never suppressed names: an editor-only book came out as '(R. E. Zickel 1991)'
        # and 'R. E. Zickel. 1991. ... 2nd ed. Edited by Raymond E. Zickel. ...'
        stands_in_for = self.xpath_search("./ancestor::cs:substitute[1]/parent::cs:names")
        if names_context is None and stands_in_for and self.name is None:
            names_context = stands_in_for[0]
        layout = (context if context is not None else self).get_layout()
        repressed = _repressed(layout)
        variables = self.get("variable", "")
        roles = [role for role in variables.split() if role not in repressed.get(_CSL_NAMES, ())]
        self.set("variable", " ".join(roles))  # a suppressed variable counts as empty
        try:
            text = process_names(self, item, names_context=names_context, context=context, **kwargs)
        finally:
            self.set("variable", variables)
        if text and layout.__dict__.get("coursepack_substituting"):
            repressed.setdefault(_CSL_NAMES, []).extend(role for role in roles if role in item.reference)
        return text

    def label_in_locale_case(self, text):
        # text-case="title" on a label was never applied (citeproc-py passes no
        # language, and title case is for English only): APA's '(ed.)' for '(Ed.)'.
        # A label is a term of the output locale, so that locale's language counts.
        if text:
            return self.wrap(self.format(self.case(self.strip_periods(text), _locale_language(self))))
        return None

    Name.initialize = initialize_unless_disabled
    Names.process = process_names_substituting
    Substitute.render = render_substitute_marked
    Label.markup = label_in_locale_case
    Substitute.add_to_repressed_list = repress_substituted_title
    If.render = render_if_without_disambiguation
    If._is_numeric = _is_numeric
    FormatNumber._format_last_page = format_last_page_same_length


_NUMERIC = re.compile(r"^\s*[a-z]*\d+[a-z]*(?:\s*[-–&,]\s*[a-z]*\d+[a-z]*)*\s*$", re.IGNORECASE)


def _is_numeric(self, item) -> list[bool]:
    """CSL is-numeric, including the locator ('215', '3-5'); APA and Chicago label numeric locators only."""
    results = []
    for variable in self.get("is-numeric").split():
        if variable == "locator":
            value = item.locator.identifier if item.has_locator else None
        else:
            value = item.reference.get(variable.replace("-", "_"))
        results.append(value is not None and bool(_NUMERIC.match(str(value))))
    return results


_CSL = "{http://purl.org/net/xbiblio/csl}"
_CSL_TEXT = _CSL + "text"
_CSL_NAMES = _CSL + "names"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _repressed(layout) -> dict:
    """The variables suppressed in the entry being rendered (citeproc-py's `Layout.repressed`)."""
    if not isinstance(getattr(layout, "repressed", None), dict):
        layout.repressed = {}  # outside a citation or bibliography layout render
    return layout.repressed


def _locale_language(element) -> str:
    """'en' for en-US output: the language of the first locale that says which it is."""
    for locale in getattr(element.get_root(), "locales", None) or ():
        if locale.get(_XML_LANG):
            return locale.get(_XML_LANG)[:2]
    return "en"


def _prints_title(element, seen_macros: set) -> bool:
    for node in element.iter(_CSL_TEXT):
        if node.get("variable") == "title":
            return True
        macro = node.get("macro")
        if macro and macro not in seen_macros:
            seen_macros.add(macro)
            if _prints_title(node.get_macro(macro), seen_macros):
                return True
    return False


def _inherited(element, context, option: str) -> Optional[str]:
    """An inheritable name option: on cs:name, else on cs:citation / cs:bibliography, else on cs:style."""
    if element.get(option) is not None:
        return element.get(option)
    scope = (context if context is not None else element).xpath_search(
        "./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    for holder in (*scope, element.getroottree().getroot()):
        if holder.get(option) is not None:
            return holder.get(option)
    return None


_patch_citeproc()
