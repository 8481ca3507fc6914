"""Markdown prose fields to safe HTML (coursepack.prose)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from coursepack.citations import Bibliography
from coursepack.prose import ProseRenderer, find_citations

SOURCES = {
    "conquest1961": {
        "type": "book", "author": [{"family": "Conquest", "given": "Robert"}],
        "title": "Power and Policy in the USSR", "publisher": "St. Martin's Press",
        "issued": {"date-parts": [[1961]]},
    },
    "taubman2003": {
        "type": "book", "author": [{"family": "Taubman", "given": "William"}],
        "title": "Khrushchev", "publisher": "W. W. Norton", "issued": {"date-parts": [[2003]]},
    },
}


@pytest.fixture
def prose():
    return ProseRenderer(Bibliography(SOURCES, "chicago-author-date"))


def test_returns_markup_and_handles_none(prose):
    assert isinstance(prose.block("*x*"), Markup)
    assert prose.block(None) == "" and prose.inline(None) == ""


def test_inline_has_no_paragraph(prose):
    assert prose.inline("A *term*") == "A <em>term</em>"
    assert prose.block("A *term*") == "<p>A <em>term</em></p>\n"


def test_tables(prose):
    html = prose.block("| Year | Event |\n|---|---|\n| 1955 | Geneva |\n")
    assert "<table>" in html and "<th>Year</th>" in html and "<td>Geneva</td>" in html


def test_mark(prose):
    assert prose.inline("read ==this part== aloud") == "read <mark>this part</mark> aloud"
    assert prose.inline("a == b") == "a == b"


def test_typography(prose):
    assert prose.inline('"Quoted" and \'single\'') == "“Quoted” and ‘single’"
    assert prose.inline("1953--1964 -- and --- then...") == "1953–1964 – and — then…"
    assert prose.inline("answers (a), (b), (c)") == "answers (a), (b), (c)"  # no © here


def test_quotes_follow_the_language():
    assert ProseRenderer(None, language="de").inline('"Tauwetter"') == "„Tauwetter“"
    assert ProseRenderer(None, language="fr").inline('"dégel"') == "«\u202fdégel\u202f»"


def test_footnotes_become_page_footnotes_in_place(prose):
    html = prose.block("Khrushchev spoke.[^1] Then more.\n\n[^1]: At the *Twentieth* Congress.\n")
    assert html == ('<p>Khrushchev spoke.<span class="footnote">At the <em>Twentieth</em> Congress.</span>'
                    " Then more.</p>\n")
    assert "footnotes" not in html and "<hr" not in html


def test_raw_html_is_printed_as_text(prose):
    html = prose.block("<script>alert(1)</script> and <b>bold</b>")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_template_syntax_stays_literal(prose):
    assert prose.inline("{{ 7*7 }} {% if x %}") == "{{ 7*7 }} {% if x %}"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:x", "file:///etc/passwd",
                                 "data:text/html;base64,PHNjcmlwdD4="])
def test_unsafe_links_are_dropped(prose, url):
    assert prose.inline(f"[click *here*]({url})") == "click <em>here</em>"  # the words stay, not the Markdown
    assert prose.inline(f"![a map]({url})") == "a map"
    assert "href" not in prose.inline(f"<{url}>")


def test_safe_links_stay(prose):
    assert prose.inline("[site](https://example.org)") == '<a href="https://example.org">site</a>'


# -- citations -------------------------------------------------------------------
# Citations are placeholders until the document is done; Bibliography.resolve formats
# them all with one pandoc run, so the cases of a test share one document.

CITATIONS = [
    ("[@conquest1961, p. 215]", "(Conquest 1961, 215)"),
    ("[@conquest1961, pp. 3-5]", "(Conquest 1961, 3–5)"),
    ("[@conquest1961, chap. 3]", "(Conquest 1961, chap. 3)"),
    ("[@conquest1961, 215]", "(Conquest 1961, 215)"),
    ("[@conquest1961; @taubman2003]", "(Conquest 1961; Taubman 2003)"),
    ("[see @conquest1961, chap. 3]", "(see Conquest 1961, chap. 3)"),
    ("[@conquest1961, pp. 3, 5, emphasis added]", "(Conquest 1961, 3, 5, emphasis added)"),
    ("[-@taubman2003]", "(2003)"),
    ("@conquest1961 argues", "Conquest (1961) argues"),
    ("@conquest1961 [p. 215] argues", "Conquest (1961, 215) argues"),
    ("(@conquest1961)", "(Conquest (1961))"),
    # locators without a comma, Markdown in prefix and suffix (Pandoc's manual)
    ("[@conquest1961 p. 33-35]", "(Conquest 1961, 33–35)"),
    ("[*see* @conquest1961, p. 4, *emphasis added*]", "(<em>see</em> Conquest 1961, 4, <em>emphasis added</em>)"),
    ("[@conquest1961, pp. 33-35 and *passim*]", "(Conquest 1961, 33–35 and <em>passim</em>)"),
    # one citation: the author in the text, the rest in parentheses
    ("@conquest1961 [-@taubman2003, p. 30; see also @taubman2003]",
     "Conquest (1961; 2003, 30; see also Taubman 2003)"),
    ("<b>[@conquest1961]</b>", "&lt;b&gt;(Conquest 1961)&lt;/b&gt;"),
    ("[<b>see</b> @conquest1961]", "(&lt;b&gt;see&lt;/b&gt; Conquest 1961)"),
]


def test_citations_print_as_pandoc_prints_them():
    bibliography = Bibliography(SOURCES, "chicago-author-date")
    prose = ProseRenderer(bibliography)
    rendered = [prose.inline(text) for text, _ in CITATIONS]
    assert all("Conquest" not in html for html in rendered)  # placeholders until resolved
    assert [bibliography.resolve(html) for html in rendered] == [expected for _, expected in CITATIONS]
    assert bibliography.pandoc_runs == 1


def test_inline_footnote_with_citation(prose):
    html = prose.inline('It fell.^[See "Conquest" [@conquest1961, p. 5].]')
    assert prose.bibliography.resolve(html) == 'It fell.<span class="footnote">See “Conquest” (Conquest 1961, 5).</span>'


@pytest.mark.parametrize("text", [
    "write to ms.rivera@school.org today",
    "follow @lincolnhigh on the board",
    "[@nobody, p. 3] is unknown",
])
def test_text_that_is_not_a_citation_survives(text):
    html = ProseRenderer(Bibliography(SOURCES)).inline(text)
    assert "Conquest 1961" not in html
    assert "@" in html


def test_citation_in_code_span_is_left_alone(prose):
    assert prose.inline("`[@conquest1961]` and `@conquest1961`") == \
        "<code>[@conquest1961]</code> and <code>@conquest1961</code>"


def test_without_bibliography_citations_are_literal():
    assert ProseRenderer(None).inline("as [@conquest1961, p. 5] shows") == "as [@conquest1961, p. 5] shows"
    assert ProseRenderer(None, known_keys={"conquest1961"}).inline("@conquest1961 says") == "@conquest1961 says"


def test_cited_sources_reach_the_bibliography():
    bibliography = Bibliography(SOURCES)
    ProseRenderer(bibliography).block("As @taubman2003 shows.")
    entries = bibliography.entries()
    assert len(entries) == 1
    assert [bibliography.resolve(entry).split(",")[0] for entry in entries] == ["Taubman"]


def test_note_style_puts_citations_in_footnotes_after_punctuation():
    bibliography = Bibliography(SOURCES, "chicago-note-bibliography")
    prose = ProseRenderer(bibliography)
    texts = [prose.inline("as he argued [see @conquest1961, p. 215]."),
             prose.inline("@taubman2003 disagrees"),
             # a citation that starts a line of a YAML block scalar: no space before the note
             prose.block("as he argued\n[@taubman2003, 5]; later"),
             prose.inline("Noted.^[As he said [@conquest1961, 9].]")]
    assert [bibliography.resolve(html) for html in texts] == [
        'as he argued.<span class="footnote">See Robert Conquest, <em>Power and Policy in the USSR</em> '
        "(St.\xa0Martin’s Press, 1961), 215.</span>",  # pandoc's smart typography: no break after St.
        'William Taubman<span class="footnote"><em>Khrushchev</em> (W. W. Norton, 2003).</span> disagrees',
        '<p>as he argued;<span class="footnote">Taubman, <em>Khrushchev</em>, 5.</span> later</p>\n',
        # inside a note, pandoc puts a citation that follows text in parentheses
        'Noted.<span class="footnote">As he said (Conquest, <em>Power and Policy in the USSR</em>, 9).</span>',
    ]


def test_find_citations_reports_keys_with_lines():
    text = "First line.\n\nSecond [@a, p. 3; @b]\nthird @c and `@d` and me@x.org\n\n[^1]: Note [@e].\n\nRef.[^1]"
    assert find_citations(text) == [("a", 2, True), ("b", 2, True), ("c", 3, False), ("e", 5, True)]
    # a citation over two lines of a block scalar: each key on its own line
    assert find_citations("x [see @a,\np. 3; @b]") == [("a", 0, True), ("b", 1, True)]
    # the author in the text, more sources in the bracket after it
    assert find_citations("@a [-@b, p. 30; see also @c]") == [("a", 0, False), ("b", 0, True), ("c", 0, True)]


def test_find_citations_sees_unknown_bracketed_keys():
    assert find_citations("see [@nobody]") == [("nobody", 0, True)]
    assert find_citations("mail ms.rivera@school.org") == []


# -- properties --------------------------------------------------------------------

markdownish = st.lists(st.sampled_from(list("ab <>/=*_`[]()@;:,.!^\n-\"'{}%&#|\\") +
                                      ["script", "javascript:", "@conquest1961", "[^1]", "[^1]: ", "<script>"]),
                       max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(markdownish, st.text(max_size=80)))
def test_random_text_never_raises_nor_yields_script(text):
    prose = ProseRenderer(Bibliography(SOURCES))
    for html in (prose.block(text), prose.inline(text)):
        assert "<script" not in html.lower()
    find_citations(text)


def test_a_footnote_that_calls_itself_ends(prose):
    assert prose.block("[^1]: see[^1]\n\ntext[^1]") == '<p>text<span class="footnote">see</span></p>\n'
