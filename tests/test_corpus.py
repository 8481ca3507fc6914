"""The bad-input corpus: every kind of mistake a teacher can make, and the exact message for it.

Each case is a small project (the conftest project with some files replaced) and the
exact lines `coursepack check` prints on stderr, as `path:line:col: message`. Every
case must end with exit code 1 and those lines: never a traceback, never a hang.
A few cases also go through `coursepack build`, which must report the same and
write nothing. This file is the one place that lists every mistake with its
message; when a message changes, change it here (and in the README if quoted there).
Roster mistakes (a missing `name` column, an unknown side or role, a side that contradicts
the role, blank rows, a BOM, another encoding) are in tests/test_packets.py, beside the
`coursepack packets` command that reads rosters.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest
import yaml

from conftest import CONFIG, DEBATE, SOURCES, TOPIC, run_cli, small_project

M = "content/thaw.yaml"
D = "content/debates/split.yaml"
DELETE = object()


def changed(data, path, value):
    """A copy of `data` with the value at `path` replaced (or deleted with DELETE)."""
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


def topic_text(extra_lines: str) -> str:
    """A minimal valid topic module (lines 1-5), then `extra_lines` from line 6 on."""
    return "kind: topic\ntitle: The Thaw\nsections:\n  - heading: One\n    body: Text\n" + extra_lines


# Nine levels of ten aliases each: a billion x's if expanded.
BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x, x]"]
                 + [f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]" for n, p in zip("bcdefghi", "abcdefgh")]) + "\n"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict  # path in the project -> content (text, bytes, or data written as YAML)
    expected: list  # the exact stderr lines, without the closing "N problems found" line

    def __str__(self):
        return self.name


CASES = [
    # --- YAML syntax ---
    Case('syntax-colon-in-value', {M: "kind: topic\ntitle: The Thaw: a new era\nsections: [{heading: h, body: b}]\n"}, [
        'content/thaw.yaml:2:16: YAML syntax error: unexpected \':\' in a value; put the value in quotes ("...") or use a block (|)',
    ]),
    Case('syntax-unclosed-quote', {M: 'kind: topic\ntitle: "The Thaw\nsections:\n  - heading: x\n    body: y\n'}, [
        'content/thaw.yaml:2:8: YAML syntax error: the quote that starts this text is never closed; end the text '
        'with the same quote mark, or remove this one',
    ]),
    Case('syntax-unclosed-list', {M: "kind: topic\ntitle: T\nobjectives: [Explain, Compare\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:4:9: YAML syntax error: a [list] is not closed with ']', or an item contains ':' (quote it)",
    ]),
    Case('syntax-text-after-quote', {M: 'kind: topic\ntitle: "The Thaw" and after\nsections: [{heading: h, body: b}]\n'}, [
        'content/thaw.yaml:2:19: YAML syntax error: text continues after a closing quote or bracket; put the whole value in quotes ("...") or use a block (|)',
    ]),
    Case('syntax-value-starts-with-at', {M: topic_text("summary: @conquest1961 argues that it mattered.\n")}, [
        'content/thaw.yaml:6:10: YAML syntax error: a value cannot start with \'@\'; put the whole value in quotes ("@...")',
    ]),
    Case('syntax-value-starts-with-star', {M: topic_text("objectives:\n  - *Explain* the Secret Speech\n")}, [
        'content/thaw.yaml:7:5: YAML syntax error: a value cannot start with \'*\'; put the whole value in quotes ("*...")',
    ]),
    Case('syntax-two-documents', {M: topic_text("---\nkind: topic\n")}, [
        'content/thaw.yaml:6:1: more than one YAML document in the file (a line with ---); keep one per file',
    ]),
    Case('syntax-indentation', {M: "kind: topic\ntitle: T\nsections:\n  - heading: x\n  body: y\n"}, [
        'content/thaw.yaml:5:3: YAML syntax error: indentation does not line up: keys of one mapping must start in the same column',
    ]),
    Case('tab-indentation', {M: "kind: topic\ntitle: T\nsections:\n\t- heading: x\n\t  body: y\n"}, [
        'content/thaw.yaml:4:1: tab character in indentation; indent with spaces only',
    ]),
    Case('duplicate-key', {M: topic_text("title: Again\n")}, [
        "content/thaw.yaml:6:1: duplicate key 'title' (first written on line 2); remove one of them",
    ]),
    Case('duplicate-key-nested', {M: "kind: topic\ntitle: T\nsections:\n  - heading: x\n    body: y\n    heading: z\n"}, [
        "content/thaw.yaml:6:5: duplicate key 'heading' (first written on line 4); remove one of them",
    ]),
    # --- keys ---
    Case('unknown-key-did-you-mean', {M: topic_text("sumary: One paragraph.\nteacher_note: x\n")}, [
        "content/thaw.yaml:6:1: unknown key 'sumary' (did you mean 'summary'?)",
        "content/thaw.yaml:7:1: unknown key 'teacher_note' (did you mean 'teacher_notes'?)",
    ]),
    Case('unknown-key-nested', {M: "kind: topic\ntitle: T\nsections:\n  - heading: x\n    bdy: y\n"}, [
        "content/thaw.yaml:4:5: missing required field 'body' in sections",
        "content/thaw.yaml:5:5: unknown key 'bdy' (did you mean 'body'?)",
    ]),
    Case('unknown-key-no-suggestion', {M: topic_text("colour: red\n")}, [
        "content/thaw.yaml:6:1: unknown key 'colour'; allowed here: id, kind, objectives, people, questions, sections, summary, teacher_notes, terms, timeline, title",
    ]),
    Case('unknown-key-config', {"coursepack.yaml": changed(CONFIG, ("packs", 1, "layot"), "brief")}, [
        "coursepack.yaml:18:3: unknown key 'layot' (did you mean 'layout'?)",
    ]),
    Case('unknown-key-card', {D: changed(DEBATE, ("sides", "pro", "contentions", 0, "cards", 0, "cite", "pgae"), "3")}, [
        "content/debates/split.yaml:17:11: unknown key 'pgae' (did you mean 'page'?)",
    ]),
    Case('missing-required-fields', {M: "kind: topic\nsections:\n  - body: Text\ntimeline:\n  - {event: No date}\n"}, [
        "content/thaw.yaml:1:1: missing required field 'title'",
        "content/thaw.yaml:3:5: missing required field 'heading' in sections",
        "content/thaw.yaml:5:5: missing required field 'date' in timeline",
    ]),
    Case('missing-kind', {M: "title: The Thaw\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:1:1: missing required field 'kind' (topic or debate)",
    ]),
    Case('missing-card-fields', {D: changed(DEBATE, ("sides", "pro", "contentions", 0, "cards", 0), {"tag": "t"})}, [
        "content/debates/split.yaml:13:9: missing required field 'cite' in cards",
        "content/debates/split.yaml:13:9: missing required field 'text' in cards",
    ]),
    Case('missing-config-fields', {"coursepack.yaml": "course: History\n"}, [
        "coursepack.yaml:1:1: missing required field 'packs'",
        "coursepack.yaml:1:1: missing required field 'title'",
    ]),
    Case('empty-list', {M: "kind: topic\ntitle: T\nsections: []\n"}, [
        "content/thaw.yaml:3:11: 'sections' must not be empty",
    ]),
    Case('rebuttal-without-points', {D: changed(DEBATE, ("rebuttals", 0, "points"), DELETE)}, [
        "content/debates/split.yaml:25:3: a rebuttal needs at least one of 'points' or 'cards'",
    ]),
    # --- types ---
    Case('wrong-types', {M: "kind: topic\ntitle: [The, Thaw]\nsections: {heading: x}\nquestions:\n  - prompt: Why?\n    lines: many\n"}, [
        "content/thaw.yaml:2:8: 'title' must be text, not a list",
        "content/thaw.yaml:3:11: 'sections' must be a list (lines starting with '- ', or [a, b]), not a mapping",
        "content/thaw.yaml:6:12: 'lines' must be a whole number, not 'many'",
    ]),
    Case('wrong-type-empty-value', {M: "kind: topic\ntitle:\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:2:7: 'title' must be text, not nothing (the field is empty)",
    ]),
    Case('text-that-yaml-reads-as-a-number', {M: "kind: topic\ntitle: 1984\nsections: [{heading: 1956, body: b}]\n"}, [
        "content/thaw.yaml:2:8: 'title' must be text, not 1984; YAML reads it as a number: put it in quotes to keep it as text (\"1984\")",
        "content/thaw.yaml:3:22: 'heading' must be text, not 1956; YAML reads it as a number: put it in quotes to keep it as text (\"1956\")",
    ]),
    Case('number-out-of-range', {M: topic_text("questions:\n  - prompt: Why?\n    lines: 99\n")}, [
        "content/thaw.yaml:8:12: 'lines' should be less than or equal to 40",
    ]),
    Case('number-too-long', {M: topic_text("questions:\n  - prompt: Why?\n    lines: " + "9" * 5000 + "\n")}, [
        'content/thaw.yaml:8:12: the number 999999999999... has too many digits; write a smaller number, or quote it as text',
    ]),
    Case('syntax-question-mark-in-flow', {M: topic_text("questions:\n  - {prompt: Why did it happen?, lines: 6}\n")}, [
        'content/thaw.yaml:7:31: YAML syntax error: a \'?\' inside [...] or {...} ends the text early; put that text in quotes ("Why did it happen?")',
    ]),
    Case('kind-misspelt', {M: "kind: topc\ntitle: T\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:1:7: 'kind' must be topic or debate, not 'topc' (did you mean 'topic'?)",
    ]),
    Case('file-is-a-list', {"coursepack.yaml": "- title: Test Unit\n- packs: []\n"}, [
        'coursepack.yaml:1:1: the file must be a mapping of keys to values, not a list',
    ]),
    Case('module-is-text', {M: "The Thaw\n"}, [
        'content/thaw.yaml:1:1: a module must be a mapping of keys (kind, id, title, ...)',
    ]),
    Case('choice-misspelt', {"coursepack.yaml": changed(CONFIG, ("packs", 0, "editions"), ["student", "techer"])}, [
        "coursepack.yaml:13:5: 'editions' must be one of 'student', 'teacher' or 'judge', not 'techer'",
    ]),
    Case('bad-id', {"coursepack.yaml": changed(CONFIG, ("packs", 1, "id"), "../brief")}, [
        "coursepack.yaml:14:7: '../brief' is not a usable id: use letters, digits, '-', '_' and '.', starting with a letter or digit",
    ]),
    Case('bad-page-size', {"coursepack.yaml": changed(CONFIG, ("page",), {"size": "tabloidish"})}, [
        'coursepack.yaml:19:9: page size \'tabloidish\' is not one of letter, a4, a5, legal, half-letter, nor two lengths such as "210mm 297mm"',
    ]),
    Case('bad-language', {"coursepack.yaml": changed(CONFIG, ("language",), "English")}, [
        "coursepack.yaml:4:11: language 'English' is not a BCP 47 tag such as en, en-GB, fr or de",
    ]),
    # --- dates ---
    Case('impossible-dates', {M: topic_text("timeline:\n  - {date: 1962-13-45, event: a}\n  - {date: 1961-02-29, event: b}\n"
                                      "  - {date: 1962-04-31, event: c}\n  - {date: last week, event: d}\n  - {date: 1962-00, event: e}\n")}, [
        "content/thaw.yaml:7:12: date '1962-13-45' has no month 13",
        "content/thaw.yaml:8:12: date '1961-02-29' is impossible: 1961 is not a leap year",
        "content/thaw.yaml:9:12: date '1962-04-31' is impossible: April has no day 31",
        "content/thaw.yaml:10:12: date 'last week' is not YYYY, YYYY-MM or YYYY-MM-DD (a year may be followed by BC)",
        "content/thaw.yaml:11:12: date '1962-00' has no month 0",
    ]),
    # --- files ---
    Case('empty-module', {M: ""}, [
        "content/thaw.yaml: file is empty; write the module's content or delete the file",
    ]),
    Case('comment-only-module', {M: "# to do\n"}, [
        "content/thaw.yaml: file is empty; write the module's content or delete the file",
    ]),
    Case('empty-config', {"coursepack.yaml": ""}, [
        "coursepack.yaml: file is empty; write at least the project's title and its packs (see the README)",
    ]),
    Case('binary-garbage', {M: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"}, [
        'content/thaw.yaml: file is binary, not YAML text',
    ]),
    Case('not-utf8-latin1', {M: "kind: topic\ntitle: Caf\xe9 society\n".encode("latin-1")}, [
        'content/thaw.yaml:2:11: file is not UTF-8 text; save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)',
    ]),
    Case('not-utf8-after-accents', {M: "kind: topic\ntitle: Été à Moscou \xe9\n".encode("utf-8").replace(b"\xc3\xa9\n", b"\xe9\n")}, [
        'content/thaw.yaml:2:21: file is not UTF-8 text; save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)',
    ]),
    Case('utf16', {M: "kind: topic\ntitle: T\n".encode("utf-16")}, [
        'content/thaw.yaml: file is saved as UTF-16, not UTF-8; save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)',
    ]),
    Case('control-character-pasted', {M: "kind: topic\ntitle: The\x0cThaw\nsections: [{heading: h, body: b}]\n"}, [
        'content/thaw.yaml:2:11: the file contains the invisible control character U+000C; delete it (it often comes with text pasted from a PDF or a word processor)',
    ]),
    Case('escaped-nul-and-surrogate', {M: 'kind: topic\ntitle: "The\\0Thaw"\nsections: [{heading: "\\ud83d", body: b}]\n'}, [
        'content/thaw.yaml:2:8: text contains the invisible control character U+0000; remove it (or the escape that writes it)',
        'content/thaw.yaml:3:22: text contains \\ud83d, half of a character pair, which is not a character on its own; write the character itself instead of an escape',
    ]),
    Case('alias-bomb', {M: BOMB}, [
        'content/thaw.yaml:3:4: YAML aliases expand to too much data; write the content out instead of using * references',
    ]),
    Case('merge-key', {M: "kind: topic\ntitle: T\nbase: &b {heading: h}\nsections:\n  - <<: *b\n    body: b\n"}, [
        'content/thaw.yaml:5:5: YAML merge keys (<<) are not supported; write the fields out',
    ]),
    Case('python-tag', {M: topic_text("summary: !!python/object/apply:os.system [ls]\n")}, [
        'content/thaw.yaml:6:10: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system; write plain text, numbers, lists and mappings',
    ]),
    Case('deep-nesting', {M: topic_text("summary: " + "[" * 60 + "]" * 60 + "\n")}, [
        'content/thaw.yaml:6:60: nesting deeper than 50 levels; simplify the structure',
    ]),
    Case('huge-file', {M: "kind: topic\ntitle: T\nsections:\n  - heading: h\n    body: " + "x" * (5 * 1024 * 1024) + "\n"}, [
        'content/thaw.yaml: file is 5121 KiB, over the limit of 5120 KiB (5 MiB) for one file: split it into several modules',
    ]),
    Case('huge-sources', {"content/sources.yaml": "references: []\n" + "#" * (6 * 1024 * 1024) + "\n"}, [
        'content/sources.yaml: file is 6145 KiB, over the limit of 5120 KiB (5 MiB) for one file: export only the references this project cites',
    ]),
    # --- pasted from a word processor: characters that look like a space, or like nothing ---
    Case('nbsp-as-indentation', {M: topic_text("teacher_notes:\n\u00a0\u00a0 Notes pasted from Word.\n")}, [
        'content/thaw.yaml:7:1: a non-breaking space (U+00A0) in the indentation (typical of text pasted from a word processor); YAML indents with ordinary spaces only: retype the indentation with the space bar',
    ]),
    Case('nbsp-before-key', {M: topic_text("people:\n  - name: Anna Example\n    \u00a0 role: Pasted role\n")}, [
        "content/thaw.yaml:8:5: key 'role' has a non-breaking space (U+00A0) before it (typical of text pasted from a word processor); retype the spaces before 'role' with the space bar, so that it lines up with the keys it belongs with",
    ]),
    Case('nbsp-inside-key', {M: topic_text("teacher\u00a0notes: x\n")}, [
        "content/thaw.yaml:6:8: key 'teacher notes' has a non-breaking space (U+00A0) inside it (typical of text pasted from a word processor); retype the key with ordinary characters",
    ]),
    Case('nbsp-after-colon', {M: "kind: topic\ntitle:\u00a0The Thaw\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:2:7: a non-breaking space (U+00A0) after 'title:' (typical of text pasted from a word processor); YAML needs an ordinary space after the ':' of a key: delete it and type a space",
    ]),
    Case('nbsp-after-dash', {M: topic_text("objectives:\n  -\u00a0Explain the thaw\n  - Compare\n")}, [
        "content/thaw.yaml:7:4: a non-breaking space (U+00A0) after '-' (typical of text pasted from a word processor), so this is text, not a list item; YAML needs an ordinary space after the '-': delete it and type a space",
    ]),
    Case('narrow-nbsp-before-colon', {M: topic_text("summary\u202f: A French colon.\n")}, [
        "content/thaw.yaml:6:8: key 'summary' has a narrow non-breaking space (U+202F) after it (typical of text pasted from a word processor); delete it",
    ]),
    Case('figure-space-as-indentation', {M: topic_text("people:\n  - name: A\n\u2007\u2007\u2007 role: b\n")}, [
        "content/thaw.yaml:8:1: key 'role' has a figure space (U+2007) before it (typical of text pasted from a word processor); retype the spaces before 'role' with the space bar, so that it lines up with the keys it belongs with",
    ]),
    Case('zero-width-space-in-key', {M: topic_text("sum\u200bmary: x\n")}, [
        "content/thaw.yaml:6:4: key 'summary' has a zero-width space (U+200B) inside it (typical of text pasted from a word processor); retype the key with ordinary characters",
    ]),
    Case('byte-order-mark-inside-file', {M: topic_text("\ufeffsummary: x\n")}, [
        "content/thaw.yaml:6:1: key 'summary' has a zero-width no-break space (U+FEFF, a byte-order mark inside the text) before it (typical of text pasted from a word processor); delete it",
    ]),
    Case('curly-quoted-key', {M: topic_text("\u201csummary\u201d: x\n")}, [
        'content/thaw.yaml:6:1: key “summary” is in curly quotes (typical of text pasted from a word processor), which YAML reads as part of the key; write it without quotes: summary',
    ]),
    Case('curly-quoted-value-with-colon', {M: topic_text("summary: \u201cThe Thaw: a new era\u201d\n")}, [
        'content/thaw.yaml:6:19: YAML syntax error: unexpected \':\' in a value; curly quotes (“...”, typical of a word processor) do not quote in YAML: use straight quotes ("...") or a block (|)',
    ]),
    Case('nbsp-in-id', {M: "kind: topic\nid: thaw\u00a0\ntitle: T\nsections: [{heading: h, body: b}]\n"}, [
        "content/thaw.yaml:2:5: 'thaw ' is not a usable id: it contains a non-breaking space (U+00A0), which does not show (typical of text pasted from a word processor); retype it with letters, digits, '-', '_' and '.'",
    ]),
    Case('nbsp-in-source-key', {D: changed(DEBATE, ("sides", "pro", "contentions", 0, "cards", 0, "cite", "source"), "conquest1961\u00a0")}, [
        "content/debates/split.yaml:15:19: source 'conquest1961\xa0' is not in content/sources.yaml (it contains a non-breaking space (U+00A0), which does not show; did you mean 'conquest1961'?); add it there or fix the key",
    ]),
    Case('json-duplicate-key', {"content/sources.json": '[\n  {"id": "taubman2003",\n   "type": "book",\n   "id": "t2003"}\n]\n'}, [
        "content/sources.json:4:4: duplicate key 'id' (first written on line 2); remove one of them",
    ]),
    Case('en-dash-list-of-mappings', {M: "kind: topic\ntitle: T\nsections:\n  \u2013 heading: One\n    body: Text\n  \u2013 heading: Two\n    body: Text\n"}, [
        "content/thaw.yaml:4:3: an en dash (U+2013) where a list item's '-' goes (typical of a list pasted from a word processor); a YAML list item starts with '-' (the minus key) and a space: retype it",
    ]),
    Case('bulleted-list', {M: topic_text("objectives:\n  \u2022 Explain the thaw\n  \u2022 Compare\n")}, [
        "content/thaw.yaml:7:3: 'objectives' must be a list (lines starting with '- ', or [a, b]), not '• Explain the thaw • Compare'; its lines start with a bullet (U+2022), as a list pasted from a word processor does: start each item with '-' and a space",
    ]),
    Case('nbsp-in-source-definition', {"content/sources.yaml": {"references": [dict(SOURCES["references"][0], id="conquest1961\u00a0")]}}, [
        "content/sources.yaml:2:7: source key 'conquest1961' has a non-breaking space (U+00A0) in it (typical of text pasted from a word processor); retype the key",
    ]),
    Case('nbsp-after-a-choice', {"coursepack.yaml": changed(CONFIG, ("packs", 1, "layout"), "brief\u00a0")}, [
        "coursepack.yaml:17:11: 'layout' must be one of 'course-pack', 'brief' or 'packet', not 'brief\\xa0' (it contains a non-breaking space (U+00A0), which does not show)",
    ]),
    Case('json-escaped-control-character', {"content/sources.json": '[\n  {"id": "taubman2003",\n   "type": "book",\n   "title": "Khrushchev\\u0007"}\n]\n'}, [
        'content/sources.json:4:13: text contains the invisible control character U+0007; remove it (or the escape that writes it)',
    ]),
    # --- dangling references ---
    Case('dangling-module', {"coursepack.yaml": changed(CONFIG, ("packs", 0, "modules"), ["thaw", "splt"])}, [
        "coursepack.yaml:10:5: pack 'unit' lists module 'splt', which does not exist (did you mean 'split'?)",
    ]),
    Case('dangling-card-source', {D: changed(DEBATE, ("sides", "pro", "contentions", 0, "cards", 0, "cite", "source"), "@conquest1916")}, [
        "content/debates/split.yaml:15:19: source 'conquest1916' is not in content/sources.yaml (did you mean 'conquest1961'?); add it there or fix the key",
    ]),
    Case('dangling-definition-source', {D: changed(DEBATE, ("definitions",), [{"term": "Split", "definition": "A break.", "source": "luethy2008"}])}, [
        "content/debates/split.yaml:44:11: source 'luethy2008' is not in content/sources.yaml; add it there or fix the key",
    ]),
    Case('dangling-citation', {M: changed(TOPIC, ("summary",), "As Conquest shows [@conquets1961, p. 12].")}, [
        "content/thaw.yaml:4:29: citation 'conquets1961' is not in content/sources.yaml (did you mean 'conquest1961'?); add it there or fix the key",
    ]),
    Case('dangling-citation-in-block', {M: topic_text("teacher_notes: |\n  First line.\n\n  Second line [see @nobody2000; @conquest1961].\n")}, [
        "content/thaw.yaml:9:20: citation 'nobody2000' is not in content/sources.yaml; add it there or fix the key",
    ]),
    Case('dangling-contention', {D: changed(DEBATE, ("rebuttals", 0, "answers"), "ideolgy")}, [
        "content/debates/split.yaml:25:12: rebuttal answers 'ideolgy', which is not a contention id in this debate (did you mean 'ideology'?)",
    ]),
    Case('dangling-role-side', {D: changed(DEBATE, ("roles", 0, "side"), "aff")}, [
        "content/debates/split.yaml:35:9: role 'Molotov' has side 'aff'; sides: pro, con",
    ]),
    Case('dangling-cross-examination-side', {D: changed(DEBATE, ("cross_examination",), {"pro": ["?"], "neg": ["?"]})}, [
        "content/debates/split.yaml:31:3: cross_examination side 'neg' is not a side of this debate; sides: pro, con",
    ]),
    Case('dangling-format', {D: changed(DEBATE, ("format",), "polcy")}, [
        "content/debates/split.yaml:5:9: unknown debate format 'polcy' (did you mean 'policy'?); available: british-parliamentary, classroom, lincoln-douglas, oxford, policy, public-forum, world-schools",
    ]),
    Case('dangling-packet-side', {"coursepack.yaml": changed(CONFIG, ("packs", 1), {"id": "packet", "modules": ["split"], "layout": "packet", "side": "neg"})}, [
        "coursepack.yaml:18:9: side 'neg' is not a side of debate 'split'; sides: pro, con",
    ]),
    Case('dangling-image-figure', {M: changed(TOPIC, ("sections", 0, "figure"), {"image": "assets/berlin.png", "alt": "The wall"})}, [
        "content/thaw.yaml:14:12: image 'assets/berlin.png' does not exist (paths are relative to the project folder)",
    ]),
    Case('dangling-image-markdown', {M: changed(TOPIC, ("sections", 1, "body"), "![The wall](assets/berlin.png)")}, [
        "content/thaw.yaml:14:10: image 'assets/berlin.png' does not exist (paths are relative to the project folder)",
    ]),
    Case('dangling-citation-style', {"coursepack.yaml": changed(CONFIG, ("citation_style",), "chicago-autor-date")}, [
        "coursepack.yaml:18:17: unknown citation style 'chicago-autor-date' (did you mean 'chicago-author-date'?); bundled styles: apa, chicago-author-date, chicago-author-date-17th-edition, chicago-note-bibliography, chicago-notes-bibliography, harvard-cite-them-right, harvard1, ieee, mla, modern-language-association; or give the path of a .csl file inside the project, such as styles/my-school.csl",
    ]),
    Case('glossary-term-conflict', {"content/glossary.yaml": [{"term": "thaw", "definition": "Ice melting."}]}, [
        "content/thaw.yaml:31:3: term 'Thaw' is also defined, differently, at content/glossary.yaml:1; keep one definition or name the terms apart",
    ]),
    Case('glossary-entry-incomplete', {"content/glossary.yaml": [{"term": "Détente"}]}, [
        "content/glossary.yaml:1:3: missing required field 'definition'",
    ]),
    # --- sides and formats ---
    Case('sides-do-not-match-format', {D: changed(DEBATE, ("sides",), {"pro": DEBATE["sides"]["pro"], "neg": DEBATE["sides"]["con"]})}, [
        "content/debates/split.yaml:19:3: side 'neg' is not a side of format 'classroom' (sides: pro, con); rename it to the missing side con",
    ]),
    Case('speech-minutes-zero', {D: changed(DEBATE, ("format",), {"id": "mine", "name": "Mine", "sides": {"pro": "P", "con": "C"},
                                  "speeches": [{"name": "First", "side": "pro", "minutes": 0}]})}, [
        "content/debates/split.yaml:14:14: 'minutes' should be greater than 0",
    ]),
    Case('sides-missing-one', {D: changed(DEBATE, ("sides", "con"), DELETE)}, [
        "content/debates/split.yaml:6:1: side 'con' of format 'classroom' is missing (sides: pro, con); add it with its contentions",
    ]),
    Case('rebuttal-on-wrong-side', {D: changed(DEBATE, ("rebuttals", 0, "side"), "pro")}, [
        "content/debates/split.yaml:28:9: rebuttal side 'pro' must be the side opposite 'ideology' (con)",
    ]),
    Case('inline-format-speech-side', {D: changed(DEBATE, ("format",), {"id": "mine", "name": "Mine", "sides": {"pro": "P", "con": "C"},
                                       "speeches": [{"name": "First", "side": "pro", "minutes": 4}, {"name": "Second", "side": "opp", "minutes": 4}]})}, [
        "content/debates/split.yaml:16:11: speech 'Second' has side 'opp'; use one of both, con, pro",
    ]),
    Case('side-key-with-space', {D: changed(DEBATE, ("sides",), {"pro side": DEBATE["sides"]["pro"], "con": DEBATE["sides"]["con"]})}, [
        "content/debates/split.yaml:7:3: 'pro side' is not a usable id: use letters, digits, '-', '_' and '.', starting with a letter or digit",
    ]),
    Case('format-side-key-with-space', {D: changed(DEBATE, ("format",), {"id": "mine", "name": "Mine", "sides": {"pro": "P", "the con": "C"},
                                        "speeches": [{"name": "First", "side": "pro", "minutes": 4}]})}, [
        "content/debates/split.yaml:10:5: 'the con' is not a usable id: use letters, digits, '-', '_' and '.', starting with a letter or digit",
    ]),
    # --- images ---
    Case('image-without-alt-figure', {M: changed(TOPIC, ("sections", 0, "figure"), {"image": "assets/map.png"}), "assets/map.png": b"\x89PNG"}, [
        "content/thaw.yaml:14:5: missing required field 'alt' in figure",
    ]),
    Case('image-empty-alt-figure', {M: changed(TOPIC, ("sections", 0, "figure"), {"image": "assets/map.png", "alt": ""}), "assets/map.png": b"\x89PNG"}, [
        "content/thaw.yaml:15:10: 'alt' must not be empty",
    ]),
    Case('image-without-alt-markdown', {M: changed(TOPIC, ("sections", 1, "body"), "A map: ![](assets/map.png)"), "assets/map.png": b"\x89PNG"}, [
        'content/thaw.yaml:14:17: an image needs alt text: ![what it shows](path)',
    ]),
    Case('image-outside-project', {M: changed(TOPIC, ("sections", 1, "body"), "![A](../secret.png) ![B](/etc/hostname) ![C](file:///etc/passwd) ![D](http://127.0.0.1/x.png)")}, [
        "content/thaw.yaml:14:10: image '../secret.png' is outside the project; copy it into assets/ and give a path like assets/map.png",
        "content/thaw.yaml:14:30: image '/etc/hostname' is outside the project; copy it into assets/ and give a path like assets/map.png",
        "content/thaw.yaml:14:50: image 'file:///etc/passwd' is outside the project; copy it into assets/ and give a path like assets/map.png",
        "content/thaw.yaml:14:75: image 'http://127.0.0.1/x.png' is outside the project; copy it into assets/ and give a path like assets/map.png",
    ]),
    # --- sources ---
    Case('sources-not-a-list', {"content/sources.yaml": "references: Conquest 1961\n"}, [
        "content/sources.yaml:1:13: sources must be a list of references under 'references:' (CSL YAML)",
    ]),
    Case('sources-broken-entries', {"content/sources.yaml": {"references": [
         {"id": "conquest1961", "type": "bok", "author": "Robert Conquest", "title": ["Power"], "issued": 1961},
         {"type": "book", "title": "No key"}]}}, [
        "content/sources.yaml:3:9: 'bok' is not a CSL type (did you mean 'book'?); use book, article-journal, chapter, webpage, ...",
        "content/sources.yaml:4:11: 'author' must be a list of names such as [{family: Conquest, given: Robert}]",
        "content/sources.yaml:6:3: 'title' must be text, not a list",
        'content/sources.yaml:7:11: \'issued\' must look like {date-parts: [[1961]]} or [[1961, 5, 15]], or {raw: "1961"}',
        "content/sources.yaml:8:3: each reference needs an 'id' (the citation key)",
    ]),
    Case('sources-impossible-dates', {"content/sources.yaml": {"references": [
         {"id": "conquest1961", "type": "book", "title": "Power", "issued": {"date-parts": [[2010, 13, 45]]}},
         {"id": "other", "type": "book", "title": "Other", "issued": {"date-parts": [[1957, 6, 31]]},
          "accessed": {"date-parts": [[2001, 22]]}}]}}, [
        "content/sources.yaml:6:5: 'issued' has no such date (month 13); date-parts are [year, month, day]: months 1-12 (21-24 for spring to winter), days as the month has",
        "content/sources.yaml:14:5: 'issued' has no such date (day 31 of month 6); date-parts are [year, month, day]: months 1-12 (21-24 for spring to winter), days as the month has",
    ]),
    Case('sources-defined-twice', {"content/sources.json": json.dumps(SOURCES["references"], indent=2)}, [
        "content/sources.json:3:11: source key 'conquest1961' is defined twice (also at content/sources.yaml:2:7); keep one",
    ]),
    Case('sources-json-syntax', {"content/sources.json": '[{"id": "x",}]'}, [
        'content/sources.json:1:13: not valid JSON: Expecting property name enclosed in double quotes',
    ]),
    Case('duplicate-id-from-file-name', {"content/units/thaw.yaml": changed(TOPIC, ("id",), DELETE)}, [
        "content/units/thaw.yaml:1:1: module id 'thaw' (from the file name) is already used by content/thaw.yaml; give each module its own id (add an 'id:' line, or rename the file)",
    ]),
    Case('duplicate-ids', {"content/copy.yaml": TOPIC, "coursepack.yaml": changed(CONFIG, ("packs", 1, "id"), "unit")}, [
        "content/thaw.yaml:2:5: module id 'thaw' is already used by content/copy.yaml; give each module its own id",
        "coursepack.yaml:14:7: pack id 'unit' is used twice; pack ids name the output files",
    ]),
]

BY_NAME = {case.name: case for case in CASES}
# The same mistakes through `build`: it checks first and writes nothing.
BUILD_CASES = ["syntax-colon-in-value", "tab-indentation", "binary-garbage", "alias-bomb", "huge-file",
               "dangling-citation", "dangling-image-markdown", "image-outside-project", "sides-do-not-match-format"]


def expected_stderr(case: Case) -> list[str]:
    summary = [f"{len(case.expected)} problems found; no PDF was written."] if len(case.expected) > 1 else []
    return case.expected + summary


def test_case_names_are_unique():
    assert len(BY_NAME) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_reports_the_exact_problem(tmp_path, case):
    root = small_project(tmp_path / "proj", **case.files)
    result = run_cli("check", root)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_stderr(case)


@pytest.mark.parametrize("name", BUILD_CASES)
def test_build_reports_the_same_and_writes_nothing(tmp_path, name):
    case = BY_NAME[name]
    root = small_project(tmp_path / "proj", **case.files)
    result = run_cli("build", root)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == expected_stderr(case)
    assert not (root / "build").exists()


def test_byte_order_marks_are_accepted(tmp_path):
    """Windows editors save UTF-8 with a BOM: not a mistake."""
    files = {name: b"\xef\xbb\xbf" + yaml.safe_dump(data, allow_unicode=True).encode()
             for name, data in {"coursepack.yaml": CONFIG, M: TOPIC, D: DEBATE, "content/sources.yaml": SOURCES}.items()}
    files["content/sources.json"] = b"\xef\xbb\xbf" + json.dumps([{"id": "taubman2003", "type": "book",
                                                                   "title": "Khrushchev"}]).encode()
    result = run_cli("check", small_project(tmp_path / "proj", **files))
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok: 2 modules, 2 packs, 2 sources\n"
