"""A safe YAML loader that remembers where every key and value sits.

PyYAML composes the node tree (which carries line/column marks); we build
plain Python values from it ourselves so that we can reject what a teacher's
file should never contain (duplicate keys, tab indentation, alias bombs,
absurd nesting) and record a location for every path into the document.
Scalars follow the YAML 1.2 core schema: only `true`/`false` are booleans
(so `language: no` stays the text "no") and dates stay text for the models
to check.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import pasted
from .errors import CoursepackError, Problem

MAX_DEPTH = 50  # nesting deeper than any real content module
MAX_ALIAS_NODES = 10_000  # nodes reachable through aliases (billion-laughs guard)
MAX_FILE_BYTES = 5 * 1024 * 1024  # a content module is text a person wrote

EMPTY_MODULE = "file is empty; write the module's content or delete the file"

DocPath = tuple  # a path into the document: keys and list indexes


@dataclass
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class YamlDocument:
    """Plain data plus where each part of it was written."""

    path: str  # relative to the project, for messages
    data: Any
    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)
    text: str = field(default="", repr=False)  # the source, to find a word inside a value

    def column_of(self, needle: str, line: int, *, start: int = 1) -> Optional[int]:
        """The 1-based column where `needle` is written on `line`, from column `start`; None if it is not there."""
        if not needle or not 1 <= line <= len(self._lines):
            return None
        index = self._lines[line - 1].find(needle, max(start - 1, 0))
        return index + 1 if index >= 0 else None

    @functools.cached_property
    def _lines(self) -> list[str]:
        """The source's lines, split once (a check may ask for a column on every line)."""
        return self.text.split("\n")

    def where(self, at: DocPath, *, key: bool = False) -> Position:
        """The closest recorded position for `at`, walking up to a parent."""
        table = self.keys if key else self.values
        if at in table:
            return table[at]
        while at:
            at = at[:-1]
            if at in self.values:
                return self.values[at]
        return Position(1, 1)

    def problem(self, at: DocPath, message: str, *, key: bool = False) -> Problem:
        pos = self.where(at, key=key)
        return Problem(self.path, pos.line, pos.col, message)


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema scalars: null, true/false, ints, floats, text."""


_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                yaml.composer.Composer, _CoreResolver):
    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)
        self.depth = -1  # of the node being composed; the document's top node is at 0

    def compose_node(self, parent, index):
        """PyYAML's, which recurses once a level: stop at MAX_DEPTH, where the node starts,
        before Python's recursion limit does (which knows no line)."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_text(file: Path, shown_as: str) -> str:
    """Read a UTF-8 file (a byte-order mark is allowed) or explain what is wrong."""
    try:
        raw = file.read_bytes()
    except OSError as exc:  # permissions, a folder where a file should be, a failing disk
        raise CoursepackError([Problem(shown_as, 0, 0,
            f"cannot read this file ({exc.strerror or exc}); check that it exists and that you may read it")]) from None
    if len(raw) > MAX_FILE_BYTES:
        advice = ("export only the references this project cites" if Path(shown_as).name.startswith("sources.")
                  else "split it into several modules")
        raise CoursepackError([Problem(shown_as, 0, 0,
            f"file is {-(-len(raw) // 1024)} KiB, over the limit of {MAX_FILE_BYTES // 1024} KiB "
            f"({MAX_FILE_BYTES // 1024 // 1024} MiB) for one file: {advice}")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # what Windows Notepad calls "Unicode"
        raise CoursepackError([Problem(shown_as, 0, 0,
            "file is saved as UTF-16, not UTF-8; save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)")])
    if b"\x00" in raw:  # text files never hold NUL bytes: an image, a document, a zip...
        raise CoursepackError([Problem(shown_as, 0, 0, "file is binary, not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[line_start: exc.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        raise CoursepackError([Problem(shown_as, line, col,
            "file is not UTF-8 text; save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)")]) from None
    return text


def load_yaml(file: Path, shown_as: str, *, allow_empty: bool = False,
              empty_message: str = EMPTY_MODULE) -> YamlDocument:
    """Load one YAML file into plain data with positions, or raise CoursepackError."""
    text = read_text(file, shown_as)
    return parse_yaml(text, shown_as, allow_empty=allow_empty, empty_message=empty_message)


def load_json(file: Path, shown_as: str) -> YamlDocument:
    """Load CSL JSON (as Zotero exports it); positions come from reading it as YAML."""
    text = read_text(file, shown_as)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise CoursepackError([Problem(shown_as, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")]) from None
    except ValueError as exc:  # a duplicate key
        raise CoursepackError(_json_problems_placed(text, shown_as) or [Problem(shown_as, 0, 0, str(exc))]) from None
    bad = [problem for problem in map(_bad_text_problem, _texts(data)) if problem]
    if bad:  # JSON escapes (\u0000, \ud800) can write what a text file cannot hold
        raise CoursepackError(_json_problems_placed(text, shown_as) or [Problem(shown_as, 0, 0, bad[0])])
    try:
        # JSON is YAML, except that tabs may indent it: in valid JSON a tab is only whitespace
        doc = parse_yaml(text.replace("\t", " "), shown_as)
        if doc.data == data:
            return doc
    except CoursepackError:
        pass
    return YamlDocument(shown_as, data)  # no positions: messages point at the file


def _json_problems_placed(text: str, shown_as: str) -> list[Problem]:
    """The same problems (a duplicate key, an escaped control character) found by reading the
    JSON as YAML, which knows their lines; empty if that reading finds none with a line."""
    try:
        parse_yaml(text.replace("\t", " "), shown_as)
    except CoursepackError as exc:
        if all(problem.line for problem in exc.problems):
            return exc.problems
    return []


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}' in a JSON object; remove one of them")
        result[key] = value
    return result


def _texts(data: Any):
    """Every string in plain data, keys included."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(key)
            yield from _texts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _texts(value)


# The characters YAML forbids in a file; escapes ("\0", "\ud800") can still write them.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def _bad_text_problem(text: str) -> Optional[str]:
    """Why a text value cannot be printed, or None."""
    found = _NON_PRINTABLE.search(text)
    if not found:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return (f"text contains \\u{code:04x}, half of a character pair, which is not a character on its own; "
                "write the character itself instead of an escape")
    return (f"text contains the invisible control character U+{code:04X}; "
            "remove it (or the escape that writes it)")


def parse_yaml(text: str, shown_as: str, *, allow_empty: bool = False,
               empty_message: str = EMPTY_MODULE) -> YamlDocument:
    try:
        node = _Composer(text).get_single_node()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, written into the file
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise CoursepackError([Problem(shown_as, line, col,
            f"the file contains the invisible control character U+{exc.character:04X}; delete it "
            "(it often comes with text pasted from a PDF or a word processor)")]) from None
    except yaml.MarkedYAMLError as exc:
        raise CoursepackError(_pasted_space_problems(text, shown_as, exc)
                              or [_syntax_problem(exc, shown_as, text)]) from None
    except _TooDeep as exc:
        raise CoursepackError([_too_deep(shown_as, exc.mark.line + 1, exc.mark.column + 1)]) from None
    except yaml.YAMLError as exc:  # errors without a mark (rare)
        raise CoursepackError([Problem(shown_as, 0, 0, f"not valid YAML: {exc}")]) from None
    doc = YamlDocument(shown_as, None, text=text)
    if node is None:
        if allow_empty:
            return doc
        raise CoursepackError([Problem(shown_as, 0, 0, empty_message)])
    builder = _Builder(doc)
    doc.data = builder.build(node, (), 0)
    if builder.problems:
        raise CoursepackError(builder.problems)
    return doc


# PyYAML's wording for the commonest slips, rewritten for people who are not parser writers.
_PLAIN_SYNTAX = (
    ("mapping values are not allowed here",
     "unexpected ':' in a value; put the value in quotes (\"...\") or use a block (|)"),
    ("expected <block end>",
     "indentation does not line up: keys of one mapping must start in the same column"),
    ("could not find expected ':'",
     "a line has no ':' after its key, or text runs on without quotes"),
    ("expected ',' or ']'", "a [list] is not closed with ']', or an item contains ':' (quote it)"),
    ("expected ',' or '}'", "a {mapping} is not closed with '}'"),
)


def _too_deep(shown_as: str, line: int, col: int) -> Problem:
    return Problem(shown_as, line, col, f"nesting deeper than {MAX_DEPTH} levels; simplify the structure")


# Where YAML needs an ordinary space: the indentation (spaces, and the '-' of list items),
# and after the ':' that ends a key. An odd space there breaks the structure.
_ODD = "[" + "".join(pasted.ODD_SPACES) + "]"
_INDENTATION = re.compile(rf"^(?:[ \t]|{_ODD}|-(?=[ \t]|{_ODD}))*")
_AFTER_KEY = re.compile(rf"^[ \t]*(?:-[ \t]+)*[^\s:#'\"\[\]{{}}][^:#]*:(?={_ODD})")


def _pasted_space_problems(text: str, shown_as: str, exc: yaml.MarkedYAMLError) -> list[Problem]:
    """When a syntax error comes from what a word processor pastes where YAML needs its own
    characters (an odd space in the indentation or after a key's ':', an en dash or a bullet
    where a list item's '-' goes): a problem naming it, on each line up to the error that has
    one. Empty when the file fails just the same with those characters made YAML's own."""
    mark = exc.problem_mark or exc.context_mark
    error_line = mark.line + 1 if mark else text.count("\n") + 1
    lines = text.split("\n")
    found: list[tuple[int, int, str]] = []  # (line, col, message), 1-based
    fixed = list(lines)
    for number, line in enumerate(lines[:error_line], start=1):
        indentation = _INDENTATION.match(line).group()
        odd = [index for index, char in enumerate(indentation) if char in pasted.ODD_SPACES]
        after_key = _AFTER_KEY.match(line)
        if odd:
            found.append((number, odd[0] + 1, f"{pasted.ODD_SPACES[line[odd[0]]]} in the indentation "
                          f"({pasted.WHERE_FROM}); YAML indents with ordinary spaces only: "
                          "retype the indentation with the space bar"))
            fixed[number - 1] = pasted.visible(indentation) + line[len(indentation):]
        elif pasted.list_mark(line[len(indentation):]):
            col = len(indentation) + 1
            found.append((number, col, f"{pasted.list_mark(line[col - 1:])} where a list item's '-' goes "
                          "(typical of a list pasted from a word processor); a YAML list item starts with "
                          "'-' (the minus key) and a space: retype it"))
            fixed[number - 1] = line[:col - 1] + "- " + pasted.visible(line[col + 1:])
        elif after_key:
            end = after_key.end()
            found.append((number, end + 1, f"{pasted.ODD_SPACES[line[end]]} after "
                          f"'{after_key.group().strip(' ' + chr(9) + '-')}' ({pasted.WHERE_FROM}); YAML needs an "
                          "ordinary space after the ':' of a key: delete it and type a space"))
            fixed[number - 1] = line[:end] + " " + line[end + 1:]
    if not found:
        return []
    try:
        _Composer("\n".join(fixed)).get_single_node()
    except yaml.MarkedYAMLError as again:
        again_mark = again.problem_mark or again.context_mark
        if not (mark and again_mark and (again_mark.line, again_mark.column) > (mark.line, mark.column)):
            return []  # not the cause: the same error, or an earlier one
    except (yaml.YAMLError, _TooDeep):
        return []
    return [Problem(shown_as, number, col, message) for number, col, message in found]


def _syntax_problem(exc: yaml.MarkedYAMLError, shown_as: str, source: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    text = str(exc)
    problem = exc.problem or ""
    if "'\\t'" in text or "\t" in problem:
        return Problem(shown_as, line, col, "tab character in indentation; indent with spaces only")
    if "expected a single document" in text:
        return Problem(shown_as, line, col, "more than one YAML document in the file (a line with ---); keep one per file")
    start = re.match(r"found character '(.)' that cannot start any token", problem)
    if start or (problem.startswith("expected alphabetic or numeric character") and "alias" in (exc.context or "")):
        char = start.group(1) if start else "*"
        if not start and exc.context_mark:  # point at the '*' that starts the value
            line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        return Problem(shown_as, line, col,
            f"YAML syntax error: a value cannot start with '{char}'; put the whole value in quotes (\"{char}...\")")
    alias = re.match(r"found undefined alias '(.*)'", problem)
    if alias:
        return Problem(shown_as, line, col,
            f"YAML syntax error: a value starting with '*' is a reference to an '&' anchor, and there is no "
            f"&{alias.group(1)}; put the whole value in quotes (\"*{alias.group(1)}...\")")
    if re.match(r"expected ',' or '[]}]', but got '\?'", problem):  # YAML 1.1, as PyYAML reads it
        return Problem(shown_as, line, col,
            "YAML syntax error: a '?' inside [...] or {...} ends the text early; "
            "put that text in quotes (\"Why did it happen?\")")
    if problem == "expected <block end>, but found '<scalar>'":
        return Problem(shown_as, line, col,
            "YAML syntax error: text continues after a closing quote or bracket; "
            "put the whole value in quotes (\"...\") or use a block (|)")
    if problem == "mapping values are not allowed here" and mark and any(
            quote in source.split("\n")[mark.line][:mark.column] for quote in pasted.CURLY_QUOTES):
        return Problem(shown_as, line, col,
            "YAML syntax error: unexpected ':' in a value; curly quotes (\u201c...\u201d, typical of a word "
            "processor) do not quote in YAML: use straight quotes (\"...\") or a block (|)")
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        # PyYAML notices at the end of the file; the quote to close is where the text starts.
        return Problem(shown_as, exc.context_mark.line + 1, exc.context_mark.column + 1,
                       "YAML syntax error: the quote that starts this text is never closed; end the text "
                       "with the same quote mark, or remove this one")
    for pyyaml_words, plain in _PLAIN_SYNTAX:
        if pyyaml_words in text:
            return Problem(shown_as, line, col, f"YAML syntax error: {plain}")
    return Problem(shown_as, line, col,
                   f"YAML syntax error: {exc.problem or 'not valid YAML'}; check the indentation and quoting here or on the line above")


_PLAIN_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float")}
_PLAIN_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _Builder:
    """Turns composed nodes into plain values, recording every position."""

    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.alias_nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, at: DocPath, depth: int) -> Any:
        pos = Position(node.start_mark.line + 1, node.start_mark.column + 1)
        self.doc.values[at] = pos
        if depth > MAX_DEPTH:
            raise CoursepackError([Problem(self.doc.path, pos.line, pos.col,
                f"nesting deeper than {MAX_DEPTH} levels; simplify the structure")])
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, pos)
        if node.tag not in _PLAIN_COLLECTION_TAGS:  # !!python/object/apply [...], !!set {...}, !custom
            self.problems.append(Problem(self.doc.path, pos.line, pos.col,
                f"unsupported YAML tag {node.tag}; write plain text, numbers, lists and mappings"))
            return None
        if id(node) in self.seen:  # reached again: through an alias
            self.alias_nodes += _size(node)
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise CoursepackError([Problem(self.doc.path, pos.line, pos.col,
                    "YAML aliases expand to too much data; write the content out instead of using * references")])
        self.seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, at + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.mapping(node, at, depth)

    def mapping(self, node: yaml.MappingNode, at: DocPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_pos = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.doc.path, key_pos.line, key_pos.col,
                    "a key must be plain text, not a list or mapping"))
                continue
            key = str(key_node.value)
            bad = _bad_text_problem(key)
            if bad:
                self.problems.append(Problem(self.doc.path, key_pos.line, key_pos.col, bad))
                continue
            pasted_problem = self.pasted_key(key_node, key)
            if pasted_problem:
                self.problems.append(pasted_problem)
                continue
            if key == "<<":
                self.problems.append(Problem(self.doc.path, key_pos.line, key_pos.col,
                    "YAML merge keys (<<) are not supported; write the fields out"))
                continue
            if key in result:
                first = self.doc.keys[at + (key,)]
                self.problems.append(Problem(self.doc.path, key_pos.line, key_pos.col,
                    f"duplicate key '{key}' (first written on line {first.line}); remove one of them"))
                continue
            self.doc.keys[at + (key,)] = key_pos
            result[key] = self.build(value_node, at + (key,), depth + 1)
        return result

    def pasted_key(self, node: yaml.ScalarNode, key: str) -> Optional[Problem]:
        """A key with an odd space (a non-breaking space...) or in curly quotes, at that character."""
        start = node.start_mark
        if key[:1] in pasted.CURLY_QUOTES and key[-1:] in pasted.CURLY_QUOTES:
            return Problem(self.doc.path, start.line + 1, start.column + 1,
                f"key {key} is in curly quotes ({pasted.WHERE_FROM}), which YAML reads as part of the key; "
                f"write it without quotes: {key[1:-1]}")
        odd = [index for index, _ in pasted.odd_spaces(key)]
        if not odd:
            return None
        written = self.doc.text[start.index:node.end_mark.index]
        char = key[odd[0]]
        at = start.index + max(written.find(char), 0)  # where the character is in the file
        line = self.doc.text.count("\n", 0, at) + 1
        col = at - (self.doc.text.rfind("\n", 0, at) + 1) + 1
        shown = pasted.visible(key).strip()
        where = ("before it" if not key[:odd[0]].strip() else
                 "after it" if not key[odd[0]:].strip("".join(pasted.ODD_SPACES) + " \t") else "inside it")
        lead = key[:len(key) - len(key.lstrip("".join(pasted.ODD_SPACES) + " \t"))]
        takes_room = where == "before it" and any(char not in pasted.ZERO_WIDTH for char in lead)
        fix = (f"retype the spaces before '{shown}' with the space bar, so that it lines up with the keys it belongs with"
               if takes_room else "delete it" if where != "inside it" else
               "retype the key with ordinary characters")
        return Problem(self.doc.path, line, col,
            f"key '{shown}' has {pasted.names(key)} {where} ({pasted.WHERE_FROM}); {fix}")

    def scalar(self, node: yaml.ScalarNode, pos: Position) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            bad = _bad_text_problem(node.value)
            if bad:
                self.problems.append(Problem(self.doc.path, pos.line, pos.col, bad))
                return ""
            if node.style is None and node.value[:1] == "-" and node.value[1:2] in pasted.ODD_SPACES:
                self.problems.append(Problem(self.doc.path, pos.line, pos.col + 1,
                    f"{pasted.ODD_SPACES[node.value[1]]} after '-' ({pasted.WHERE_FROM}), so this is text, "
                    "not a list item; YAML needs an ordinary space after the '-': delete it and type a space"))
                return ""
            return node.value
        if node.tag in _PLAIN_SCALAR_TAGS:
            try:
                return self.constructor.construct_object(node)
            except ValueError:  # Python refuses to read integers of more than 4300 digits
                self.problems.append(Problem(self.doc.path, pos.line, pos.col,
                    f"the number {node.value[:12]}... has too many digits; write a smaller number, or quote it as text"))
                return None
        self.problems.append(Problem(self.doc.path, pos.line, pos.col,
            f"unsupported YAML tag {node.tag}; write plain text, numbers, lists and mappings"))
        return None


def _size(node: yaml.Node) -> int:
    """Number of nodes under `node`, counted up to the alias bound."""
    count, stack = 0, [node]
    while stack and count <= MAX_ALIAS_NODES:
        current = stack.pop()
        count += 1
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
    return count
