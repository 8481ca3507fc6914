"""Citations and bibliographies in a CSL style, formatted by pandoc's citeproc.

Pandoc (https://pandoc.org, GPL-2.0-or-later) runs as a separate program: the
PyPI package `pypandoc_binary` ships its executable in a wheel. coursepack
starts it once per document (one pack in one edition) and never links to it.

How one document is formatted:

1. While the templates render, every citation is *registered* with the
   document's `Bibliography` and a placeholder (`\\uf8f0`, a random token, `c12`, `\\uf8f1`) stands in
   the HTML: a prose citation as written (`[see @key, p. 5]`, `@key [p. 5]`),
   an evidence card's short cite and full reference, the bibliography entries.
2. `Bibliography.resolve(html)` writes all of them into one Markdown document,
   one fenced div per citation cluster, in the order the templates asked for
   them (so numeric styles number, and note styles shorten, as a reader reads),
   runs `pandoc --citeproc` once, and puts each formatted result in place of its
   placeholder.

Pandoc reads the citation syntax itself (locators with or without a comma,
`-@key`, `@key [-@other, p. 30]`, Markdown in prefixes and suffixes), so
citations print as they do with Pandoc. Raw HTML is off in that document and in
the sources (Markdown in CSL YAML, CSL's HTML subset in CSL JSON), so
everything returned is safe to insert as is.

The bundled styles (`coursepack/styles/*.csl`, from the Citation Style Language
project, CC BY-SA 3.0: each file keeps its licence in `<rights>`) and pandoc's
own CSL locales are used; nothing is fetched at run time.
"""
from __future__ import annotations

import functools
import html
import importlib.util
import json
import re
import secrets
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from . import paths

STYLES_DIR = Path(__file__).parent / "styles"
CITEPROC_DIR = Path(__file__).parent / "citeproc"  # the Lua filter and the card style
CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"

# Former names of bundled styles, as the CSL repository's renamed-styles list has them.
STYLE_ALIASES = {
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "harvard1": "harvard-cite-them-right",
    "mla": "modern-language-association",
}

# Pandoc's Markdown without raw HTML or TeX: `<b>` in a citation's prefix or a
# CSL YAML title prints as text, as it does in coursepack's own Markdown.
PANDOC_MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute"


class CitationError(ValueError):
    """A style that cannot be used, or pandoc failing on a document (the message says what to do)."""


class UnknownStyle(CitationError):
    """A citation style that is neither bundled nor a .csl file in the project."""

    def __init__(self, style: str, message: Optional[str] = None):
        self.style = style
        if message is None:
            from .validation import suggest

            message = (f"unknown citation style '{style}'{suggest(style, available_styles())}; bundled styles: "
                       f"{', '.join(available_styles())}; or give the path of a .csl file inside the project, "
                       "such as styles/my-school.csl")
        super().__init__(message)


def available_styles() -> list[str]:
    """Every bundled style name a project may give as `citation_style`."""
    return sorted({path.stem for path in STYLES_DIR.glob("*.csl")} | set(STYLE_ALIASES))


def style_path(style: str, root: Optional[Path] = None) -> Path:
    """`citation_style` -> the .csl file: a bundled name, or a path relative to the project `root`.

    Raises UnknownStyle for an unknown name, a path outside the project, a missing
    file, or a file that is not a CSL style (its root element must be cs:style)."""
    name = STYLE_ALIASES.get(style, style)
    bundled = STYLES_DIR / f"{name}.csl"
    if "/" not in name and "\\" not in name and not Path(name).suffix:
        if bundled.is_file():
            return bundled
        raise UnknownStyle(style)
    if root is None:
        raise UnknownStyle(style, f"citation style '{style}' is a file path, but there is no project folder to look in")
    path, why = paths.project_file(root, name)
    if why in (paths.URL, paths.OUTSIDE):
        raise UnknownStyle(style, f"citation style '{style}' is outside the project; "
                                  "copy the .csl file into the project (for example styles/) and give that path")
    if why == paths.MISSING:
        raise UnknownStyle(style, f"citation style file '{style}' does not exist "
                                  "(paths are relative to the project folder)")
    if path.suffix != ".csl":
        raise UnknownStyle(style, f"citation style '{style}' is not a .csl file; give a bundled style name "
                                  f"({', '.join(available_styles())}) or the path of a CSL style file")
    _style_class(path)  # raises when it is not a CSL style
    return path


@functools.lru_cache(maxsize=64)
def _style_class_cached(path: str, mtime: float) -> str:
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError, UnicodeDecodeError) as exc:
        raise UnknownStyle(path, f"citation style '{Path(path).name}' cannot be read as XML ({exc}); "
                                 "download the .csl file again") from None
    if root.tag != f"{{{CSL_NAMESPACE}}}style":
        raise UnknownStyle(path, f"'{Path(path).name}' is not a CSL style (its first element must be "
                                 f"<style xmlns=\"{CSL_NAMESPACE}\">)")
    if root.find(f"{{{CSL_NAMESPACE}}}citation") is None:
        raise UnknownStyle(path, f"'{Path(path).name}' is a dependent CSL style or has no <citation>; "
                                 "use the independent style it names as its parent")
    return root.get("class", "in-text")


def _style_class(path: Path) -> str:
    """"in-text" or "note", from the style's root element (cached per file and version)."""
    return _style_class_cached(str(path), path.stat().st_mtime)


@functools.lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc executable shipped by the `pypandoc_binary` wheel (else one on PATH).

    Found without importing pypandoc, whose import runs pandoc to ask its version."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("pandoc", "pandoc.exe"):
            if (Path(folder) / "files" / name).is_file():
                return str(Path(folder) / "files" / name)
    found = shutil.which("pandoc")
    if found:
        return found
    raise CitationError("pandoc was not found; install coursepack with its dependencies "
                        "(pip install pypandoc_binary)")


# Placeholders: private-use characters around the document's random token, a kind and
# a number. Templates only ever escape them (they are not markup), so they reach the
# finished HTML intact; content cannot forge one (it does not know the token).
_OPEN, _CLOSE = "\uf8f0", "\uf8f1"
_NOTE_TEXT = "Cpnotetext"  # stands for the text before a citation inside a footnote


@dataclass
class _Cluster:
    markdown: str  # one line of Pandoc Markdown holding the citation
    card: bool = False  # an evidence card's short cite: formatted again in the card style
    html: str = ""


@dataclass
class _EntriesCall:
    keys: list[str]  # the sources this call lists (cited so far, or those asked for)
    html: list[str] = field(default_factory=list)


class Bibliography:
    """The citations and the bibliography of one document, in one style.

    `sources` maps keys to CSL items (dicts as CSL YAML/JSON writes them); keys in
    `json_keys` are CSL JSON (rich text as CSL's HTML subset), the others CSL YAML
    (Markdown in text fields, as Pandoc reads it). `style` is a bundled style name
    or a .csl path relative to `root`; `language` (a BCP 47 tag) picks the locale.

    Every method that registers a citation returns a placeholder; `resolve` turns
    all placeholders of a finished HTML document into formatted HTML with one
    pandoc run. `warnings` then holds what pandoc's citeproc warned about, in the
    user's words (a source that prints nothing in this style). Raises UnknownStyle
    for an unusable style.
    """

    def __init__(self, sources: dict[str, dict], style: str = "chicago-author-date", language: str = "en",
                 root: Optional[Path] = None, json_keys: Optional[set[str]] = None):
        self.sources = sources
        self.style = style_path(style, root)
        self.language = language or "en"
        self.json_keys = set(json_keys if json_keys is not None else getattr(sources, "json_keys", ()))
        self.is_note_style = _style_class(self.style) == "note"
        self._clusters: list[_Cluster] = []
        self._entries: list[_EntriesCall] = []
        self._cited: dict[str, None] = {}  # keys in the order first cited
        self._nocite: dict[str, None] = {}
        self._reference_keys: list[str] = []  # keys whose full reference a card shows
        self._formatted = 0  # clusters formatted by the last pandoc run
        self._bibliography: dict[str, tuple[str, str]] = {}  # key -> (number, entry) in style order
        self.pandoc_runs = 0
        self.warnings: list[str] = []
        self._token = secrets.token_hex(4)
        self._placeholder = re.compile(f"{_OPEN}{self._token}([cbs])(\\d+)(?:\\.(\\d+))?{_CLOSE}")

    # -- registering -------------------------------------------------------

    def cite(self, markdown: str, keys: list[str], in_note: bool = False, note_start: bool = False) -> str:
        """A citation as written in Pandoc Markdown (`[see @a, p. 5; @b]`, `@a [p. 5]`), citing `keys`.

        `in_note`: the citation stands inside a footnote, so a note style formats it as
        note text, not as a note of its own: as pandoc does, in parentheses unless
        it starts the note (`note_start`). Returns a placeholder."""
        markdown = " ".join(markdown.split())
        if in_note and self.is_note_style:
            markdown = f"^[{markdown}]" if note_start else f"^[{_NOTE_TEXT} {markdown}]"
        return self._register(_Cluster(markdown), keys)

    def short(self, key: str, locator: Optional[str] = None) -> str:
        """An evidence card's short cite, the same in every style: `Conquest 1961, 215`,
        `Taubman 2003a`. Counts as citing `key` here. Returns a placeholder."""
        if locator:  # a card's `page` is a page: "pp. 3-5" reads as pages in every locale
            locator = _PAGE_LABEL.sub("", " ".join(str(locator).split()))
        markdown = f"[@{{{key}}}" + (f", {_escape_markdown(locator)}" if locator else "") + "]"
        return self._register(_Cluster(markdown, card=True), [key])

    def reference(self, key: str) -> str:
        """The full bibliography entry of one source (for evidence cards), without its number.
        Counts as citing `key`. Returns a placeholder."""
        if key not in self._cited:
            self._register(_Cluster(f"[@{{{key}}}]"), [key])
        if key not in self._reference_keys:
            self._reference_keys.append(key)
        return f"{_OPEN}{self._token}s{self._reference_keys.index(key)}{_CLOSE}"

    def entries(self, keys: Optional[list[str]] = None) -> list[str]:
        """Placeholders for the bibliography: one per source cited so far, or per key of
        `keys` (then uncited ones are listed too), in the style's order once resolved."""
        if keys is None:
            wanted = list(self._cited)
        else:
            wanted = list(dict.fromkeys(keys))
            self._nocite.update(dict.fromkeys(key for key in wanted if key not in self._cited))
        call = len(self._entries)
        self._entries.append(_EntriesCall(wanted))
        return [f"{_OPEN}{self._token}b{call}.{index}{_CLOSE}" for index in range(len(wanted))]

    def _register(self, cluster: _Cluster, keys: list[str]) -> str:
        for key in keys:
            if key not in self.sources:
                raise KeyError(f"unknown source key '{key}'")
            self._cited.setdefault(key)
        self._clusters.append(cluster)
        return f"{_OPEN}{self._token}c{len(self._clusters) - 1}{_CLOSE}"

    # -- formatting ----------------------------------------------------------

    def resolve(self, text: str) -> str:
        """`text` with every placeholder replaced by its formatted HTML (one pandoc run
        for everything registered so far). Raises CitationError when pandoc fails."""
        if _OPEN not in text:
            return text
        self.format()

        def replace(match: re.Match) -> str:
            kind, number, index = match.group(1), int(match.group(2)), match.group(3)
            if kind == "c":
                return self._clusters[number].html if number < len(self._clusters) else ""
            if kind == "s":
                key = self._reference_keys[number] if number < len(self._reference_keys) else None
                return self._bibliography.get(key, ("", ""))[1]
            call = self._entries[number] if number < len(self._entries) else None
            return call.html[int(index)] if call and int(index) < len(call.html) else ""

        return self._placeholder.sub(replace, text)

    def format(self) -> None:
        """Run pandoc once over everything registered since the last run (nothing to do: no run)."""
        if self._formatted == len(self._clusters) and all(call.html or not call.keys for call in self._entries):
            return
        document = self._document()
        with tempfile.TemporaryDirectory(prefix="coursepack-cite-") as folder:
            output = self._run_pandoc(document, Path(folder))
        self.pandoc_runs += 1
        clusters = {match.group(1): match.group(2) for match in _DIV.finditer(output)}
        for index, cluster in enumerate(self._clusters):
            content = _unwrap(clusters.get(f"cp{index}", ""), "<p>", "</p>")
            if cluster.markdown.startswith("^["):
                content = _unwrap(content, '<span class="footnote"')
                content = _unwrap(content.removeprefix(_NOTE_TEXT).lstrip(), "<span>")
            cluster.html = content
        self._formatted = len(self._clusters)
        self._bibliography = {html.unescape(match.group(1)): _entry(match.group(2))
                              for match in _ENTRY.finditer(output)}
        order = {key: position for position, key in enumerate(self._bibliography)}
        for call in self._entries:
            keys = sorted((key for key in call.keys if key in order), key=order.__getitem__)
            call.html = [_with_number(*self._bibliography[key]) for key in keys]

    def _document(self) -> str:
        lines = []
        for index, cluster in enumerate(self._clusters):
            lines += [f"::: {{#cp{index}{' .cp-card' if cluster.card else ''}}}", cluster.markdown, ":::", ""]
        return "\n".join(lines)

    def _metadata(self) -> dict:
        yaml_items = [_item(key, item) for key, item in self.sources.items() if key not in self.json_keys]
        meta: dict = {"references": yaml_items, "link-citations": False}
        if self._nocite:
            meta["nocite"] = " ".join(f"@{{{key}}}" for key in self._nocite)
        return meta

    def _run_pandoc(self, document: str, folder: Path) -> str:
        metadata = folder / "metadata.yaml"
        metadata.write_text(yaml.safe_dump(self._metadata(), allow_unicode=True, sort_keys=False), encoding="utf-8")
        command = [pandoc_path(), "--from", PANDOC_MARKDOWN, "--to", "html", "--wrap=none",
                   "--metadata-file", str(metadata), "--metadata", f"lang={self.language}",
                   "--csl", str(self.style), "--citeproc", "--lua-filter", str(CITEPROC_DIR / "filter.lua")]
        json_items = [_item(key, self.sources[key]) for key in self.sources if key in self.json_keys]
        if json_items:
            bibliography = folder / "sources.json"
            bibliography.write_text(json.dumps(json_items, ensure_ascii=False, default=str), encoding="utf-8")
            command += ["--bibliography", str(bibliography)]
        try:
            result = subprocess.run(command, input=document, capture_output=True, text=True, encoding="utf-8",
                                    timeout=600)
        except OSError as exc:
            raise CitationError(f"pandoc could not be started ({exc}); reinstall pypandoc_binary") from None
        except subprocess.TimeoutExpired:
            raise CitationError("pandoc took more than 10 minutes to format the citations; "
                                "split the pack into smaller packs") from None
        if result.returncode != 0:
            message = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
            raise CitationError(f"pandoc could not format the citations in style '{self.style.name}': {message}")
        self.warnings += [warning for line in result.stderr.splitlines() if (warning := self._warning(line))]
        return result.stdout

    def _warning(self, line: str) -> str:
        """A line pandoc wrote on stderr -> a warning for the user, or "" (not citeproc's)."""
        match = _CITEPROC_WARNING.match(line.strip())
        if not match:
            return ""
        unprinted = _NO_PRINTED_FORM.match(match.group(1))
        if unprinted:
            return (f"source '{unprinted.group(1)}' prints nothing in the bibliography in style '{self.style.stem}'; "
                    "give it the fields the style prints (author, title, date), or choose another citation_style")
        return f"pandoc: {match.group(1)}"


_CITEPROC_WARNING = re.compile(r"^\[WARNING\] Citeproc: (.+)$")
_NO_PRINTED_FORM = re.compile(r"^Bibliography entry with no printed form: (\S+)$")


def _item(key: str, item: dict) -> dict:
    """A CSL item as pandoc reads it: with its `id`, dates and numbers as text."""
    result = {name: value for name, value in item.items() if value is not None}
    result["id"] = key
    return result


_PAGE_LABEL = re.compile(r"^(?:pp?\.|pages?|pg\.)\s*(?=\d)", re.IGNORECASE)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!<>|~^@$\"'=:;&%])")


def _escape_markdown(text: str) -> str:
    """Plain text -> Pandoc Markdown that reads as the same text (a card's locator)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


_DIV = re.compile(r'<div id="(cp\d+)"[^>]*>\n?(.*?)\n?</div>', re.DOTALL)
_ENTRY = re.compile(r'<div id="ref-([^"]*)" class="csl-entry"[^>]*>\n?(.*?)\n</div>\n(?=<div id="ref-|</div>)',
                    re.DOTALL)
_LEFT_MARGIN = re.compile(r'^<div class="csl-left-margin">(.*?)</div><div class="csl-right-inline">(.*)</div>$',
                          re.DOTALL)


def _entry(content: str) -> tuple[str, str]:
    """One csl-entry's content -> (number or label in the margin, the entry)."""
    content = content.strip()
    margin = _LEFT_MARGIN.match(content)
    if margin:
        return margin.group(1).strip(), margin.group(2).strip()
    return "", content


def _with_number(number: str, entry: str) -> str:
    return f'<span class="csl-left-margin">{number}</span> {entry}' if number else entry


def _unwrap(content: str, opening: str, closing: str = "</span>") -> str:
    """`content` without one element around all of it (`<p>…</p>`, `<span class="x">…</span>`)."""
    content = content.strip()
    if not (content.startswith(opening) and content.endswith(closing)):
        return content
    start = content.index(">") + 1
    if closing == "</span>":  # the span opened first must be the one closed last
        depth = 0
        for match in re.finditer(r"<span\b|</span>", content):
            depth += 1 if match.group() != "</span>" else -1
            if depth == 0 and match.end() != len(content):
                return content
    return content[start:len(content) - len(closing)]
