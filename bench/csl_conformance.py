"""CSL processor test suite: how many fixtures coursepack's citation path formats as expected.

    python bench/csl_conformance.py PATH/TO/test-suite/processor-tests/humans [-k NAME] [-v]

The fixtures (citation-style-language/test-suite, processor-tests/humans) are not
part of this repository: clone the suite and pass the folder. Each fixture gives a
CSL style, CSL JSON items, the citations to make and the expected output (as
citeproc-js, the reference processor, prints it). Each fixture runs twice:

- coursepack: the citations written in Pandoc's Markdown syntax go through
  coursepack's own path: prose.ProseRenderer (the markdown-it citation rules),
  citations.Bibliography (placeholders, one pandoc run with coursepack's Lua
  filter) and its bibliography entries.
- pandoc: the same Markdown straight through `pandoc --citeproc -t html`.

Both outputs are brought to citeproc-js's HTML conventions (<i>, <b>, small caps
as a style, no links) before comparing, and both pass counts are printed. Modes
other than citation and bibliography, and fixtures that need what Pandoc's
Markdown cannot say (author-only citations, a citation's note number written out,
abbreviation lists, bibliography sections), count as failed for both paths.
Takes a few minutes: two pandoc runs per fixture.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coursepack.citations import Bibliography, pandoc_path  # noqa: E402
from coursepack.prose import ProseRenderer  # noqa: E402

SECTION = re.compile(r">>=+ ([A-Z-]+) =+>>\n?(.*?)\n?<<=+ \1 =+<<", re.DOTALL)

# CSL locator labels -> a term pandoc's en-US locale recognises before a locator
LABELS = {
    "page": "p.", "chapter": "chap.", "section": "sec.", "paragraph": "para.", "line": "l.",
    "volume": "vol.", "book": "bk.", "figure": "fig.", "verse": "v.", "note": "n.", "issue": "no.",
    "part": "pt.", "column": "col.", "folio": "fol.", "opus": "op.", "sub verbo": "s.v.", "sub-verbo": "s.v.",
    "article-locator": "art.", "canon": "c.", "elocation": "loc.", "equation": "eq.", "rule": "r.",
    "scene": "sc.", "table": "tbl.", "title-locator": "tit.", "timestamp": "", "act": "act", "algorithm": "alg.",
    "appendix": "app.", "number": "no.", "supplement": "supp.",
}
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]#<>|~^@$;])")
_RICH_TEXT = [("i", "*", "*"), ("b", "**", "**"), ("sc", "[", "]{.smallcaps}"), ("sup", "^", "^"), ("sub", "~", "~")]


class Unsupported(Exception):
    """A fixture that Pandoc's citation syntax cannot express."""


def read_fixture(path: Path) -> dict:
    return {name: body for name, body in SECTION.findall(path.read_text(encoding="utf-8"))}


def clusters_of(fixture: dict, items: list[dict]) -> list[list[dict]]:
    if "CITATIONS" in fixture:  # citations added one by one; the last addition gives the final order
        steps = json.loads(fixture["CITATIONS"])
        by_id = {step[0].get("citationID"): step[0]["citationItems"] for step in steps}
        citation, before, after = steps[-1]
        order = [pair[0] for pair in before] + [citation.get("citationID")] + [pair[0] for pair in after]
        return [by_id[citation_id] for citation_id in order if citation_id in by_id]
    if "CITATION-ITEMS" in fixture:
        return json.loads(fixture["CITATION-ITEMS"])
    return [[{"id": item["id"]} for item in items]]  # as the suite's runners do: all items in one citation


def escape(text: str) -> str:
    """An affix as CSL JSON writes it (plain text with <i>, <b>, <sc>, <sup>, <sub>) -> Markdown."""
    pieces = re.split(r"(</?(?:i|b|sc|sup|sub)>)", text)
    out = []
    for piece in pieces:
        tag = re.fullmatch(r"<(/?)(i|b|sc|sup|sub)>", piece)
        if tag:
            opening, closing = next((o, c) for name, o, c in _RICH_TEXT if name == tag.group(2))
            out.append(closing if tag.group(1) else opening)
        else:
            out.append(_MARKDOWN_PUNCTUATION.sub(r"\\\1", piece))
    return "".join(out)


def markdown_of(cluster: list[dict], note: bool = False) -> str:
    """One cluster in Pandoc's Markdown: `[see @{id}, {p. 5}, suffix; -@{other}]`."""
    parts = []
    for item in cluster:
        if item.get("author-only"):
            raise Unsupported("author-only")
        text = ""
        if item.get("prefix"):
            text += escape(item["prefix"].strip()) + " "
        text += ("-" if item.get("suppress-author") else "") + f"@{{{item['id']}}}"
        if item.get("locator") not in (None, ""):
            label = LABELS.get(item.get("label", "page"), "p.")
            text += f", {{{label} {item['locator']}}}".replace("{ ", "{")
        if item.get("suffix"):
            suffix = item["suffix"].strip()
            text += ("" if suffix[:1] in ",;." else " ") + escape(suffix)
        parts.append(text)
    return "[" + "; ".join(parts) + "]"


def expected_outputs(fixture: dict) -> list[str]:
    result = fixture["RESULT"]
    if "CITATIONS" in fixture:  # lines like '..[0] text' or '>>[1] text'
        return [re.sub(r"^(?:\.\.|>>)\[\d+\]\s*", "", line) for line in result.splitlines() if line.strip()]
    return result.splitlines()


def bibliography_entries(result: str) -> list[str]:
    body = re.sub(r'^\s*<div class="csl-bib-body">|</div>\s*$', "", result.strip())
    return [entry for entry in re.split(r'<div class="csl-entry">', body)[1:]]


def normalize(text: str) -> str:
    """pandoc's HTML -> citeproc-js's: <i>, <b>, small caps as a style, no links or wrapper spans."""
    text = text.replace("<em>", "<i>").replace("</em>", "</i>").replace("<strong>", "<b>").replace("</strong>", "</b>")
    text = re.sub(r'<span class="smallcaps">(.*?)</span>', r'<span style="font-variant:small-caps;">\1</span>', text)
    text = re.sub(r"<a [^>]*>|</a>", "", text)
    text = re.sub(r"</?div[^>]*>", " ", text)
    text = re.sub(r'<span class="csl-left-margin">(.*?)</span>', r"\1", text)
    text = re.sub(r'<span class="(?:footnote|citation)"[^>]*>(.*)</span>', r"\1", text)
    # bare <span> (pandoc wraps quotations in one) and nocase/nodecor spans vanish
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"<span(?: class=\"(?:nocase|nodecor)\")?>((?:(?!<span).)*?)</span>", r"\1", text)
    text = text.replace("&#39;", "'").replace("&quot;", '"')
    return " ".join(text.split())


def normalize_expected(text: str) -> str:
    text = re.sub(r"</?div[^>]*>", " ", text)
    text = text.replace("&#38;", "&amp;").replace("&#60;", "&lt;").replace("&#62;", "&gt;")
    return " ".join(text.split())


def locale_of(fixture: dict) -> str:
    """The style's default-locale, else en-US: what the suite's expected output is written in."""
    match = re.search(r'default-locale="([^"]+)"', fixture["CSL"])
    return match.group(1) if match else "en-US"


def ours(fixture: dict, items: list[dict], csl: Path, mode: str, folder: Path) -> list[str]:
    sources = {str(item["id"]): item for item in items}
    bibliography = Bibliography(sources, str(csl), locale_of(fixture), root=folder, json_keys=set(sources))
    prose = ProseRenderer(bibliography)
    clusters = clusters_of(fixture, items)
    rendered = [prose.inline(markdown_of(cluster)) for cluster in clusters]
    if mode == "bibliography":
        if "CITATION-ITEMS" not in fixture and "CITATIONS" not in fixture:
            rendered = []
            entries = bibliography.entries(list(sources))
        else:
            entries = bibliography.entries()
        document = bibliography.resolve("\n".join(f"<x>{entry}</x>" for entry in entries))
        return [normalize(entry) for entry in re.findall(r"<x>(.*?)</x>", document, re.DOTALL)]
    document = bibliography.resolve("\n".join(f"<x>{text}</x>" for text in rendered))
    return [normalize(text) for text in re.findall(r"<x>(.*?)</x>", document, re.DOTALL)]


def direct(fixture: dict, items: list[dict], csl: Path, mode: str, folder: Path) -> list[str]:
    clusters = clusters_of(fixture, items)
    only_bibliography = mode == "bibliography" and "CITATION-ITEMS" not in fixture and "CITATIONS" not in fixture
    lines = []
    if only_bibliography:
        keys = " ".join(f"@{{{item['id']}}}" for item in items)
        lines += ["---", f"nocite: '{keys}'", "---", ""]
    else:
        for index, cluster in enumerate(clusters):
            lines += [f"::: {{#c{index}}}", markdown_of(cluster), ":::", ""]
    items_file = folder / "items.json"
    items_file.write_text(json.dumps(items), encoding="utf-8")
    output = subprocess.run([pandoc_path(), "--citeproc", "-f", "markdown", "-t", "html", "--wrap=none",
                             "-M", f"lang={locale_of(fixture)}", "--csl", str(csl), "--bibliography", str(items_file)],
                            input="\n".join(lines), capture_output=True, text=True, check=True).stdout
    notes = {number: content for number, content in re.findall(
        r'<li id="fn(\d+)"><p>(.*?)<a href="#fnref\d+" class="footnote-back"', output, re.DOTALL)}

    def with_notes(text: str) -> str:
        return re.sub(r'<a href="#fn(\d+)" class="footnote-ref"[^>]*><sup>\d+</sup></a>',
                      lambda match: notes.get(match.group(1), ""), text)

    if mode == "bibliography":
        return [normalize(with_notes(entry)) for entry in re.findall(
            r'<div id="ref-[^"]*" class="csl-entry"[^>]*>\n?(.*?)\n</div>\n(?=<div id="ref-|</div>)', output, re.DOTALL)]
    found = dict(re.findall(r'<div id="c(\d+)">\n(.*?)\n</div>', output, re.DOTALL))
    return [normalize(with_notes(re.sub(r"^<p>|</p>$", "", found.get(str(index), ""))))
            for index in range(len(clusters))]


def run(path: Path) -> tuple[str, bool, bool, str]:
    """(fixture name, coursepack passed, pandoc passed, note)"""
    fixture = read_fixture(path)
    mode = fixture.get("MODE", "").strip()
    if mode not in ("citation", "bibliography") or any(
            section in fixture for section in ("BIBENTRIES", "BIBSECTION", "ABBREVIATIONS", "OPTIONS")):
        return path.stem, False, False, f"unsupported: mode {mode or '?'} or section"
    items = json.loads(fixture.get("INPUT", "[]"))
    for index, item in enumerate(items):
        item.setdefault("id", f"item-{index}")
    if mode == "bibliography":
        expected = [normalize_expected(entry) for entry in bibliography_entries(fixture["RESULT"])]
    else:
        # the whole output as one text: a layout may itself print line breaks
        expected = [normalize_expected(" ".join(expected_outputs(fixture)))]
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        csl = folder / "style.csl"
        csl.write_text(fixture["CSL"], encoding="utf-8")
        for path_function in (ours, direct):
            try:
                got = path_function(fixture, items, csl, mode, folder)
            except Unsupported as exc:
                results.append((False, f"unsupported: {exc}"))
                continue
            except Exception as exc:  # a fixture pandoc rejects counts as failed
                results.append((False, f"error: {str(exc)[:120]}"))
                continue
            if mode == "citation":
                got = [" ".join(" ".join(got).split())]
            results.append((got == expected, "" if got == expected else f"got {got!r} expected {expected!r}"))
    return path.stem, results[0][0], results[1][0], results[0][1] or results[1][1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path, help="processor-tests/humans of the CSL test suite")
    parser.add_argument("-k", default="", help="only fixtures whose name contains this")
    parser.add_argument("-v", action="store_true", help="print each failure")
    args = parser.parse_args(argv)
    fixtures = sorted(path for path in args.suite.glob("*.txt") if args.k in path.stem)
    started = time.perf_counter()
    ours_passed = direct_passed = 0
    for path in fixtures:
        name, ours_ok, direct_ok, note = run(path)
        ours_passed += ours_ok
        direct_passed += direct_ok
        if args.v and not (ours_ok and direct_ok):
            print(f"{name}: coursepack {'ok' if ours_ok else 'FAIL'}, pandoc {'ok' if direct_ok else 'FAIL'} {note[:300]}")
    total = len(fixtures)
    print(f"{total} fixtures in {time.perf_counter() - started:.0f} s")
    print(f"coursepack's path: {ours_passed} passed ({100 * ours_passed / max(total, 1):.1f}%)")
    print(f"pandoc directly:   {direct_passed} passed ({100 * direct_passed / max(total, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
