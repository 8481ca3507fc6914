"""Markdown prose fields -> safe HTML, with Pandoc-style citations.

CommonMark plus tables, footnotes, `==mark==` and typographic quotes and
dashes. Raw HTML is never interpreted (markdown-it's `html` option is off, so
`<script>` prints as text) and a link whose target markdown-it's link
validation refuses (javascript:, file:, ...) keeps its text and loses its
target. The result is Markup that is inserted into a template, never rendered
as one, so `{{ ... }}` stays text.

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
from markdown_it.common.normalize_url import validateLink
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

from .citations import Bibliography

# Pandoc's citation key (citeKey): starts with a letter, digit or _, may hold single
# internal punctuation (:.#$%&-+?<>~/) followed by a letter or digit, and "//"; or
# anything without spaces in braces: @{a key}.
CITATION_KEY = r"(?:\{[^{}\s]+\}|\w(?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*)"
_KEY_RE = re.compile(CITATION_KEY)
_CLUSTER_ITEM_RE = re.compile(rf"(?P<prefix>.*?)(?P<suppress>-?)@(?P<key>{CITATION_KEY})(?P<rest>.*)", re.DOTALL)
_FOLLOWING_BRACKET_RE = re.compile(r"[ \t]*(?:\n[ \t]*)?\[")  # Pandoc's spnl, then '['
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

    def citation_html(self, token: Token, env: dict, starts_text: bool = False) -> str:
        """A placeholder for the citation, formatted by pandoc when the document is done
        (see citations.Bibliography); without a bibliography, the citation as written.
        `starts_text`: nothing comes before it in its paragraph (or footnote)."""
        if self.bibliography is None:
            return str(escape(token.content))
        in_note = bool(env.get("in_footnote"))
        placeholder = self.bibliography.cite(token.content, token.meta["keys"], in_note=in_note,
                                             note_start=starts_text)
        return (token.meta.get("space_before", "") if in_note else "") + placeholder

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
            found.extend((key, first_line + line, bracketed) for key, line, bracketed in token.meta["key_lines"])
        elif token.type == "footnote_ref":
            note = env["footnotes"]["list"][token.meta["id"]]
            _collect_citations(note.get("tokens", []), first_line, env, found)


# -- the parser -----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _parser(language: str) -> MarkdownIt:
    """One markdown-it parser per quote style; everything per document travels in `env`."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": QUOTES.get(language, QUOTES["en"])})
    md.enable(["table", "smartquotes"])
    md.validateLink = lambda url: True  # parse every link; _unsafe_targets_dropped then unlinks the unsafe ones
    md.use(footnote_plugin, move_to_end=False)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("emphasis", "mark", _mark_rule)
    md.inline.ruler2.before("emphasis", "mark", _mark_pairs_rule)
    md.core.ruler.after("inline", "footnote_bodies", _collect_footnote_bodies)
    md.core.ruler.after("inline", "unsafe_targets", _unsafe_targets_dropped)
    md.core.ruler.before("smartquotes", "dashes", _dashes_rule)
    md.core.ruler.push("detach_footnotes", _detach_footnote_bodies)
    md.add_render_rule("citation", lambda renderer, tokens, idx, options, env: env["prose"].citation_html(
        tokens[idx], env, starts_text=not "".join(token.content for token in tokens[:idx]).strip()))
    md.add_render_rule("footnote_ref", lambda renderer, tokens, idx, options, env: env["prose"].footnote_html(tokens[idx].meta["id"], env))
    return md


def _unsafe_targets_dropped(state: StateCore) -> None:
    """A link whose target markdown-it's own validation refuses (javascript:, vbscript:,
    file:, data: other than raster images; checked after entities are decoded) prints
    its text without the link; such an image prints its alt text. (With that validation
    in the parser, the whole `[text](javascript:...)` would print as typed.)"""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        unlinked: list[bool] = []  # for each open link: was it dropped?
        for token in block.children:
            if token.type == "link_open":
                unlinked.append(not validateLink(token.attrGet("href") or ""))
                if unlinked[-1]:
                    continue
            elif token.type == "link_close" and unlinked and unlinked.pop():
                continue
            elif token.type == "image" and not validateLink(token.attrGet("src") or ""):
                alt = Token("text", "", 0)
                alt.content = token.content
                kept.append(alt)
                continue
            kept.append(token)
        block.children = kept


# -- citations --------------------------------------------------------------------
#
# The rules below find where a citation starts and ends and which keys it cites,
# following the grammar of Pandoc's Markdown reader (Text.Pandoc.Readers.Markdown:
# normalCite, textualCite, bareloc, citeKey). What is inside (prefixes, locators,
# suffixes) is left to pandoc, which receives the citation as written.

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
    keys = _cite_list(state.src, start + 1, end)
    if not keys or not _all_known(state, keys):
        return False
    end += 1
    note_style = _is_note_style(state)
    if note_style:  # a note call follows punctuation: pandoc moves it, so it goes along
        punctuation = _NOTE_PUNCTUATION_RE.match(state.src, end, state.posMax)
        end = punctuation.end() if punctuation else end
    state.pos = end
    if silent:
        return True
    # note calls hug the word before them, also across a line break (inside a
    # footnote, where the citation is text, the space comes back when rendered)
    space = _strip_space_before(state) if note_style else ""
    _push_citation(state, start, end, keys)
    state.tokens[-1].meta["space_before"] = space
    return True


def _narrative_citation(state: StateInline, silent: bool) -> bool:
    """`@key argues`, `@key [p. 215] argues`, `@key [-@other, p. 30; see also @third]`;
    e-mail addresses and unknown handles stay text."""
    start = state.pos
    if start > 0 and (state.src[start - 1].isalnum() or state.src[start - 1] in "_@.+-"):
        return False
    match = _KEY_RE.match(state.src, start + 1, state.posMax)
    if not match:
        return False
    keys = [(_unbraced(match.group()), match.start(), False)]
    if not _all_known(state, keys):
        return False
    end = match.end()
    following = _FOLLOWING_BRACKET_RE.match(state.src, end, state.posMax)
    if following:  # Pandoc's textualCite: a bracket after the key belongs to the citation
        opening = following.end() - 1
        closing = _closing_bracket(state.src, opening, state.posMax)
        if closing > 0 and state.src[closing + 1:closing + 2] not in ("(", "[") \
                and state.src[opening + 1:opening + 2] != "^":
            more = _cite_list(state.src, opening + 1, closing, first_may_be_suffix=True)
            if more is not None and _all_known(state, more):
                keys += more
                end = closing + 1
    state.pos = end
    if not silent:
        _push_citation(state, start, end, keys)
    return True


def _push_citation(state: StateInline, start: int, end: int, keys: list) -> None:
    token = state.push("citation", "", 0)
    token.content = state.src[start:end]
    token.meta = {"keys": [key for key, _, _ in keys],
                  "key_lines": [(key, state.src.count("\n", 0, at), in_bracket) for key, at, in_bracket in keys]}


def _closing_bracket(src: str, start: int, limit: int) -> int:
    """The `]` closing the bracket at `start`, or -1. Brackets inside may nest (a span
    `[See]{.smallcaps}` in a prefix), but not hold a citation of their own."""
    depth = 0
    position = start + 1
    while position < limit:
        char = src[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return position
            depth -= 1
        elif char == "@" and depth > 0:
            return -1
        position += 1
    return -1


def _cite_list(src: str, start: int, end: int, first_may_be_suffix: bool = False) -> Optional[list]:
    """The keys of `src[start:end]` read as Pandoc's citation list (`see @a, p. 5; -@b`), as
    (key, position, True); None when it is not one. With `first_may_be_suffix`, the first
    part may be a suffix without a key (`@key [p. 5; @other]`)."""
    keys = []
    position = start
    for index, part in enumerate(src[start:end].split(";")):
        match = _CLUSTER_ITEM_RE.fullmatch(part)
        prefix = match.group("prefix") if match else ""
        if not match or (prefix and (prefix[-1].isalnum() or prefix[-1] in "_@")):
            if not (index == 0 and first_may_be_suffix and "@" not in part):
                return None
        else:
            keys.append((_unbraced(match.group("key")), position + match.start("key"), True))
        position += len(part) + 1
    return keys if keys or first_may_be_suffix else None


def _unbraced(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def _all_known(state: StateInline, keys: list) -> bool:
    known = state.env.get("known_keys")
    return known is None or all(key in known for key, _, _ in keys)


def _is_note_style(state: StateInline) -> bool:
    prose = state.env.get("prose")
    return bool(prose and prose.bibliography and prose.bibliography.is_note_style)


def _strip_space_before(state: StateInline) -> str:
    """No space, and no line break of a YAML block scalar, before a note call; " " when
    there was some."""
    stripped = state.pending.rstrip()
    space = " " if stripped != state.pending else ""
    state.pending = stripped
    if state.pending:
        return space
    while state.tokens and state.tokens[-1].type == "softbreak":
        state.tokens.pop()
        space = " "
    if state.tokens and state.tokens[-1].type == "text":
        stripped = state.tokens[-1].content.rstrip()
        space = " " if stripped != state.tokens[-1].content else space
        state.tokens[-1].content = stripped
    return space


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
