"""Markdown prose fields -> safe HTML, with Pandoc-style citations.

CommonMark plus tables, footnotes, `==mark==` and typographic quotes and
dashes. Raw HTML is never interpreted (markdown-it's `html` option is off, so
`<script>` prints as text) and unsafe link targets (javascript:, file:, ...)
are refused by markdown-it's link validation. The result is Markup that is
inserted into a template, never rendered as one, so `{{ ... }}` stays text.

Footnotes become `<span class="footnote">` at the point of reference, which
WeasyPrint's `float: footnote` turns into a numbered page footnote; there is no
list of notes at the end. Citations are markdown-it inline rules, so a
citation inside a code span stays code.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, Optional

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

from .citations import Bibliography, CiteItem, parse_locator

# Pandoc's citation key: starts with a letter, digit or _, may hold internal
# punctuation (:.#$%&-+?<>~/) but does not end with it; or anything in braces.
CITATION_KEY = r"(?:\{[^{}\s]+\}|\w+(?:[:.#$%&\-+?<>~/]+\w+)*)"
_KEY_RE = re.compile(CITATION_KEY)
_CLUSTER_ITEM_RE = re.compile(rf"(?P<prefix>.*?)(?P<suppress>-?)@(?P<key>{CITATION_KEY})(?P<rest>.*)", re.DOTALL)
_NARRATIVE_LOCATOR_RE = re.compile(r" \[(?P<locator>[^\[\]@]+)\](?![\[(])")
_LOCATOR_END_RE = re.compile(r",\s*(?=[^\d\s])")  # a comma before a word ends the locator
_NOTE_PUNCTUATION_RE = re.compile(r"[.,;:!?]+")

# Opening and closing quotes, then the inner pair, by language.
QUOTES = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "ru": "«»„“",
    "pl": "„”«»",
    "nl": "‘’“”",
    "sv": "””’’",
}


class ProseRenderer:
    """Renders the prose fields of one document: one bibliography, one language."""

    def __init__(self, bibliography: Optional[Bibliography], known_keys: Optional[set[str]] = None,
                 language: Optional[str] = None):
        self.bibliography = bibliography
        if known_keys is None:
            known_keys = set(bibliography.sources) if bibliography else set()
        self.known_keys = set(known_keys)
        language = language or (bibliography.language if bibliography else "en")
        self._md = _parser(language.split("-")[0].lower())

    def block(self, text: Optional[str]) -> Markup:
        """Markdown -> HTML blocks (paragraphs, lists, tables...)."""
        if text is None:
            return Markup("")
        return Markup(self._md.render(str(text), self._env()))

    def inline(self, text: Optional[str]) -> Markup:
        """One-line Markdown (tags, terms, list items) -> HTML without a wrapping <p>."""
        if text is None:
            return Markup("")
        return Markup(self._md.renderInline(str(text), self._env()).strip())

    def _env(self) -> dict:
        return {"prose": self, "known_keys": self.known_keys}

    # -- called by the render rules ---------------------------------------

    def citation_html(self, token: Token, env: dict) -> str:
        bibliography = self.bibliography
        if bibliography is None:
            return str(escape(token.content))
        items = token.meta["items"]
        if bibliography.is_note_style:
            note = bibliography.cite(items)
            punctuation = token.meta.get("punctuation", "")
            if env.get("in_footnote"):  # already in a note: the citation is part of its text
                return (" " if token.meta["bracketed"] else "") + note.rstrip(".") + punctuation
            author = "" if token.meta["bracketed"] else str(escape(bibliography.authors(items[0].key)))
            return author + punctuation + self.note_html(_capitalized(note), env)
        if token.meta["bracketed"]:
            return bibliography.cite(items)
        return bibliography.cite_narrative(items[0])

    def note_html(self, content: str, env: dict) -> str:
        """A page footnote; inside a footnote, the text in parentheses (notes do not nest)."""
        if not content:
            return ""
        if env.get("in_footnote"):
            return f" ({content})"
        return f'<span class="footnote">{content}</span>'

    def footnote_html(self, footnote_id: int, env: dict) -> str:
        open_notes = env.setdefault("open_notes", set())
        if footnote_id in open_notes:  # a note that calls itself
            return ""
        note = env["footnotes"]["list"][footnote_id]
        if "tokens" in note:  # inline note ^[...]
            paragraphs = [note["tokens"]]
        else:
            body = env.get("footnote_bodies", {}).get(note.get("label"), [])
            paragraphs = [token.children or [] for token in body if token.type == "inline"]
        outer = env.get("in_footnote", False)
        env["in_footnote"] = True
        open_notes.add(footnote_id)
        try:
            content = " ".join(self._md.renderer.render(children, self._md.options, env) for children in paragraphs)
        finally:
            env["in_footnote"] = outer
            open_notes.discard(footnote_id)
        return self.note_html(content.strip(), env)


def _capitalized(html: str) -> str:
    """Chicago notes start with a capital ('See Conquest...'), whatever the citation's prefix."""
    return html[0].upper() + html[1:] if html[:1].islower() else html


def find_citations(text: str) -> list[tuple[str, int, bool]]:
    """Every citation key in a prose field: (key, 0-based line within the text, bracketed).

    Bracketed keys are found whether or not they exist (the validator reports
    unknown ones); bare `@word`s are candidates only: they cite when they name a source.
    """
    env: dict = {"known_keys": None}
    tokens = _parser("en").parse(str(text or ""), env)
    blocks = [*tokens, *(token for body in env.get("footnote_bodies", {}).values() for token in body)]
    found: list[tuple[str, int, bool]] = []
    for block in blocks:
        if block.type == "inline":
            _collect_citations(block.children or [], block.map[0] if block.map else 0, env, found)
    return found


def _collect_citations(children: Iterable[Token], first_line: int, env: dict, found: list) -> None:
    for token in children:
        if token.type == "citation":
            found.extend((item.key, first_line + token.meta["line"], token.meta["bracketed"])
                         for item in token.meta["items"])
        elif token.type == "footnote_ref":
            note = env["footnotes"]["list"][token.meta["id"]]
            _collect_citations(note.get("tokens", []), first_line, env, found)


# -- the parser -----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _parser(language: str) -> MarkdownIt:
    """One markdown-it parser per quote style; everything per document travels in `env`."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": QUOTES.get(language, QUOTES["en"])})
    md.enable(["table", "smartquotes"])
    md.use(footnote_plugin, move_to_end=False)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("emphasis", "mark", _mark_rule)
    md.inline.ruler2.before("emphasis", "mark", _mark_pairs_rule)
    md.core.ruler.after("inline", "footnote_bodies", _collect_footnote_bodies)
    md.core.ruler.before("smartquotes", "dashes", _dashes_rule)
    md.core.ruler.push("detach_footnotes", _detach_footnote_bodies)
    md.add_render_rule("citation", lambda renderer, tokens, idx, options, env: env["prose"].citation_html(tokens[idx], env))
    md.add_render_rule("footnote_ref", lambda renderer, tokens, idx, options, env: env["prose"].footnote_html(tokens[idx].meta["id"], env))
    return md


# -- citations --------------------------------------------------------------------

def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] == "[":
        return _bracketed_citation(state, silent)
    if state.src[state.pos] == "@":
        return _narrative_citation(state, silent)
    return False


def _bracketed_citation(state: StateInline, silent: bool) -> bool:
    """`[see @key, p. 215; @other]`; not `[@key](url)`, which is a link."""
    start = state.pos
    end = _closing_bracket(state.src, start, state.posMax)
    if end < 0 or state.src[end + 1:end + 2] in ("(", "["):
        return False
    items = _cluster_items(state.src[start + 1:end])
    if not items or not _all_known(state, items):
        return False
    state.pos = end + 1
    if silent:
        return True
    note_style = _is_note_style(state)
    if note_style:  # note calls hug the word before them
        state.pending = state.pending.rstrip()
    token = state.push("citation", "", 0)
    token.content = state.src[start:end + 1]
    token.meta = {"items": items, "bracketed": True, "line": state.src.count("\n", 0, start)}
    if note_style:
        _move_punctuation_before_note(state, token)
    return True


def _narrative_citation(state: StateInline, silent: bool) -> bool:
    """`@key argues` or `@key [p. 215] argues`; e-mail addresses and unknown handles stay text."""
    start = state.pos
    if start > 0 and (state.src[start - 1].isalnum() or state.src[start - 1] in "_@.+-"):
        return False
    match = _KEY_RE.match(state.src, start + 1, state.posMax)
    if not match:
        return False
    item = CiteItem(_unbraced(match.group()))
    if not _all_known(state, [item]):
        return False
    end = match.end()
    locator = _NARRATIVE_LOCATOR_RE.match(state.src, end, state.posMax)
    if locator and parse_locator(locator.group("locator"))[0]:
        label, value = parse_locator(locator.group("locator"))
        item = CiteItem(item.key, value, label)
        end = locator.end()
    state.pos = end
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[start:end]
        token.meta = {"items": [item], "bracketed": False, "line": state.src.count("\n", 0, start)}
    return True


def _closing_bracket(src: str, start: int, limit: int) -> int:
    """The `]` closing the bracket at `start`, or -1 (citations hold no brackets of their own)."""
    for position in range(start + 1, limit):
        if src[position] == "]":
            return position
        if src[position] == "[":
            return -1
    return -1


def _cluster_items(content: str) -> Optional[list[CiteItem]]:
    items = []
    for part in content.split(";"):
        match = _CLUSTER_ITEM_RE.fullmatch(part)
        if not match or (match.group("prefix") and not match.group("prefix")[-1].isspace()):
            return None
        locator, label, suffix = _locator_and_suffix(match.group("rest"))
        items.append(CiteItem(_unbraced(match.group("key")), locator, label,
                              match.group("prefix").strip(), suffix, bool(match.group("suppress"))))
    return items


def _locator_and_suffix(rest: str) -> tuple[Optional[str], str, str]:
    """`, pp. 3, 5, emphasis added` -> ("3, 5", "page", ", emphasis added"); free text gets label ''."""
    rest = rest.strip()
    if not rest.startswith(","):
        return None, "page", rest
    text = rest[1:].strip()
    end = _LOCATOR_END_RE.search(text)
    locator, suffix = (text[:end.start()], text[end.start():]) if end else (text, "")
    if not locator:
        return None, "page", suffix
    label, value = parse_locator(locator)
    return (value, label, suffix) if label else (locator, "", suffix)


def _unbraced(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def _all_known(state: StateInline, items: list[CiteItem]) -> bool:
    known = state.env.get("known_keys")
    return known is None or all(item.key in known for item in items)


def _is_note_style(state: StateInline) -> bool:
    prose = state.env.get("prose")
    return bool(prose and prose.bibliography and prose.bibliography.is_note_style)


def _move_punctuation_before_note(state: StateInline, token: Token) -> None:
    """`as he argued [@key].` -> `as he argued.¹`: note calls follow punctuation."""
    punctuation = _NOTE_PUNCTUATION_RE.match(state.src, state.pos, state.posMax)
    if punctuation:
        token.meta["punctuation"] = punctuation.group()
        state.pos = punctuation.end()


# -- footnotes ----------------------------------------------------------------------

_FOOTNOTE_MARKER = "footnote_bodies_follow"


def _collect_footnote_bodies(state: StateCore) -> None:
    """Take footnote definitions out of the text, keeping them in env for the reference points.

    Until the last core rule they stay at the end of the stream, so that
    typographic quotes and dashes reach them as well.
    """
    bodies: dict[str, list[Token]] = {}
    kept: list[Token] = []
    body: Optional[list[Token]] = None
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            body = bodies.setdefault(token.meta["label"], [])
        elif token.type == "footnote_reference_close":
            body = None
        else:
            (kept if body is None else body).append(token)
    state.env["footnote_bodies"] = bodies
    inline_notes = []
    for note in state.env.get("footnotes", {}).get("list", {}).values():
        if "tokens" in note:
            wrapper = Token("inline", "", 0)
            wrapper.children, wrapper.content = note["tokens"], note["content"]
            inline_notes.append(wrapper)
    marker = Token(_FOOTNOTE_MARKER, "", 0)
    state.tokens = kept + [marker] + [token for body in bodies.values() for token in body] + inline_notes


def _detach_footnote_bodies(state: StateCore) -> None:
    for index, token in enumerate(state.tokens):
        if token.type == _FOOTNOTE_MARKER:
            del state.tokens[index:]
            return


# -- ==mark== (after markdown-it-mark) ---------------------------------------

def _mark_rule(state: StateInline, silent: bool) -> bool:
    if silent or state.src[state.pos] != "=":
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        state.push("text", "", 0).content = "="
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = "=="
        state.delimiters.append(Delimiter(marker=ord("="), length=0, token=len(state.tokens) - 1,
                                          end=-1, open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _mark_pairs_rule(state: StateInline) -> None:
    _pair_marks(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair_marks(state, meta["delimiters"])


def _pair_marks(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone_markers = []
    for opener in delimiters:
        if opener.marker != ord("=") or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for index, nesting in ((opener.token, 1), (closer.token, -1)):
            token = state.tokens[index]
            token.type, token.tag, token.nesting, token.markup, token.content = (
                "mark_open" if nesting == 1 else "mark_close", "mark", nesting, "==", "")
        before_closer = state.tokens[closer.token - 1]
        if before_closer.type == "text" and before_closer.content == "=":
            lone_markers.append(closer.token - 1)
    # an odd run '===' leaves one '=' before the closing tag; it belongs after it
    while lone_markers:
        index = lone_markers.pop()
        after = index + 1
        while after < len(state.tokens) and state.tokens[after].type == "mark_close":
            after += 1
        after -= 1
        if after != index:
            state.tokens[index], state.tokens[after] = state.tokens[after], state.tokens[index]


# -- dashes and ellipses --------------------------------------------------------

# markdown-it's `replacements` would also turn '(c)' into '©', which breaks
# lettered answer choices; only dashes and ellipses are wanted.
_TYPOGRAPHY = [
    (re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE), "\\1\u2014"),
    (re.compile(r"(^|\s)--(?=\s|$)", re.MULTILINE), "\\1\u2013"),
    (re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.MULTILINE), "\\1\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
]


def _dashes_rule(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = False
        for token in block.children:
            if token.type == "text" and not in_autolink:
                for pattern, replacement in _TYPOGRAPHY:
                    token.content = pattern.sub(replacement, token.content)
            elif token.type in ("link_open", "link_close") and token.info == "auto":
                in_autolink = token.type == "link_open"
