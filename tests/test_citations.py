"""CSL citations and bibliographies (coursepack.citations), formatted by pandoc's citeproc.

Each test formats one document: everything is registered first, then resolved
with one pandoc run, as a build does.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from coursepack.citations import Bibliography, UnknownStyle, available_styles, style_path

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
if not CASES.is_dir():
    CASES = Path("/work/shared/cases")

SOURCES = {
    "conquest1961": {
        "id": "conquest1961", "type": "book",
        "author": [{"family": "Conquest", "given": "Robert"}],
        "title": "Power and Policy in the USSR",
        "publisher": "St. Martin's Press", "publisher-place": "New York",
        "issued": {"date-parts": [[1961]]},
    },
    "taubman2003": {
        "type": "book",
        "author": [{"family": "Taubman", "given": "William"}],
        "title": "Khrushchev: The Man & His Era",
        "publisher": "W. W. Norton", "publisher-place": "New York",
        "issued": {"date-parts": [["2003"]]},
    },
    "taubman2003b": {
        "type": "article-journal",
        "author": [{"family": "Taubman", "given": "William"}],
        "title": "Another Article", "container-title": "Journal of Examples",
        "issued": {"date-parts": [[2003]]},
    },
    "luthi2008": {
        "type": "article-journal",
        "author": [{"family": "Lüthi", "given": "Lorenz M."}, {"family": "Radchenko", "given": "Sergey"}],
        "title": "The Sino-Soviet Split", "container-title": "Journal of Cold War Studies",
        "volume": 10, "issue": "2", "page": "3-25", "issued": "2008-03",
        "URL": "https://example.org/split?a=1&b=2",
    },
    "anon1999": {"type": "webpage", "title": "An <b>Anonymous</b> Page", "issued": {"raw": "1999"}},
    "mao1960": {"type": "book", "author": [{"family": "毛", "given": "泽东"}], "title": "毛泽东选集",
                "issued": {"date-parts": [[1960]]}, "language": "zh"},
    "sato1970": {"type": "book", "author": [{"family": "佐藤", "given": "栄作"}], "title": "日本の未来",
                 "issued": {"date-parts": [[1970]]}, "language": "ja"},
}


def formatted(bibliography: Bibliography, placeholders: list[str]) -> list[str]:
    """Resolve a document made of these placeholders with one pandoc run."""
    document = bibliography.resolve("\n".join(f"<{index}>{text}</{index}>" for index, text in enumerate(placeholders)))
    assert bibliography.pandoc_runs == 1
    return [document.split(f"<{index}>", 1)[1].split(f"</{index}>", 1)[0] for index in range(len(placeholders))]


# -- styles --------------------------------------------------------------------

def test_bundled_styles_include_the_common_school_styles():
    styles = available_styles()
    for name in ("chicago-author-date", "apa", "modern-language-association", "chicago-note-bibliography",
                 "harvard-cite-them-right", "ieee"):
        assert name in styles


def test_unknown_style_names_close_matches():
    with pytest.raises(UnknownStyle) as error:
        Bibliography(SOURCES, "aap")
    assert "'aap'" in str(error.value) and "did you mean 'apa'" in str(error.value)


def test_a_csl_file_inside_the_project_is_a_style(tmp_path):
    (tmp_path / "styles").mkdir()
    own = tmp_path / "styles" / "school.csl"
    own.write_text((Path(style_path("apa"))).read_text(encoding="utf-8"), encoding="utf-8")
    assert style_path("styles/school.csl", tmp_path) == own.resolve()
    bibliography = Bibliography(SOURCES, "styles/school.csl", root=tmp_path)
    assert formatted(bibliography, [bibliography.cite("[@conquest1961, p. 215]", ["conquest1961"])]) == \
        ["(Conquest, 1961, p. 215)"]


@pytest.mark.parametrize("style, content, message", [
    ("../outside.csl", None, "is outside the project"),
    ("styles/missing.csl", None, "does not exist"),
    ("styles/notes.txt", "text", "is not a .csl file"),
    ("styles/page.csl", "<html><body/></html>", "is not a CSL style"),
    ("styles/broken.csl", "<style", "cannot be read as XML"),
    ("styles/dependent.csl", '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info/></style>',
     "dependent CSL style"),
])
def test_unusable_style_files_are_refused(tmp_path, style, content, message):
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    (tmp_path / "outside.csl").write_text("<style/>", encoding="utf-8")
    if content is not None:
        (project / style).write_text(content, encoding="utf-8")
    with pytest.raises(UnknownStyle) as error:
        style_path(style, project)
    assert message in str(error.value)


# -- chicago author-date ----------------------------------------------------------

def test_chicago_citations_bibliography_and_cards_in_one_pandoc_run():
    b = Bibliography(SOURCES)
    results = formatted(b, [
        b.cite("[@conquest1961, p. 215]", ["conquest1961"]),
        b.cite("[see @luthi2008, chap. 3]", ["luthi2008"]),
        b.cite("[@conquest1961, 3-5, emphasis added]", ["conquest1961"]),
        # two 2003 works of one author: year suffixes, collapsed, in the order written
        b.cite("[@taubman2003b; @taubman2003]", ["taubman2003b", "taubman2003"]),
        b.cite("@taubman2003 [p. 9]", ["taubman2003"]),
        b.short("taubman2003", "pp. 3-5"),
        b.short("luthi2008"),
        b.short("conquest1961", "chap. 3"),
        b.reference("luthi2008"),
        *b.entries(),
    ])
    assert results == [
        "(Conquest 1961, 215)",
        "(see Lüthi and Radchenko 2008, chap. 3)",
        "(Conquest 1961, 3–5, emphasis added)",
        "(Taubman 2003a, 2003b)",
        "Taubman (2003b, 9)",
        "Taubman 2003b, 3–5",
        "Lüthi and Radchenko 2008",
        "Conquest 1961, chap. 3",
        "Lüthi, Lorenz M., and Sergey Radchenko. 2008. <span>“The Sino-Soviet Split.”</span> "
        "<em>Journal of Cold War Studies</em> 10 (2): 3–25. "
        '<a href="https://example.org/split?a=1&amp;b=2">https://example.org/split?a=1&amp;b=2</a>.',
        "Conquest, Robert. 1961. <em>Power and Policy in the USSR</em>. St.\xa0Martin’s Press.",
        results[8],  # Lüthi, as on the card
        "Taubman, William. 2003a. <span>“Another Article.”</span> <em>Journal of Examples</em>.",
        "Taubman, William. 2003b. <em>Khrushchev: The Man &amp; His Era</em>. W. W. Norton.",
    ]
    assert results[10] == results[8]


def test_bibliography_lists_cited_sources_unless_keys_are_given():
    b = Bibliography(SOURCES)
    empty = b.entries()
    b.cite("[@conquest1961]", ["conquest1961"])
    cited = b.entries()
    everything = b.entries(list(SOURCES))
    assert empty == [] and len(cited) == 1 and len(everything) == len(SOURCES)
    results = formatted(b, cited + everything)
    assert results[0].startswith("Conquest")
    # a title standing in for the author is printed once and, from CSL YAML, escaped
    assert "<span>“An &lt;b&gt;Anonymous&lt;/b&gt; Page.”</span> 1999." in results[1]
    # sorted by author; CJK names in the name order of their language, without a comma
    assert [entry[:6] for entry in results[1:]] == [
        "<span>", "Conque", "Lüthi,", "Taubma", "Taubma", "佐藤栄作. ", "毛泽东. 1"]


def test_cjk_names_in_citations():
    b = Bibliography(SOURCES)
    assert formatted(b, [b.cite("[@mao1960; @sato1970, p. 4]", ["mao1960", "sato1970"])]) == ["(毛 1960; 佐藤 1970, 4)"]


def test_german_locale_terms_and_no_english_title_case():
    sources = {"mueller1990": {"type": "book", "author": [{"family": "Müller", "given": "Hans"}],
                               "editor": [{"family": "Schmidt", "given": "Eva"}],
                               "title": "die geschichte der welt", "publisher": "Beck",
                               "issued": {"date-parts": [[1990]]}}}
    german = Bibliography(sources, language="de")
    assert formatted(german, [german.cite("[@mueller1990, S. 4]", ["mueller1990"]), *german.entries()]) == [
        "(Müller 1990, 4)",  # "S." is German for page
        "Müller, Hans. 1990. <em>die geschichte der welt</em>. Herausgegeben von Eva Schmidt. Beck."]


def test_rich_text_in_csl_json_is_formatted_and_other_tags_escaped():
    sources = {"x": {"type": "book", "title": "On <i>Pravda</i> <script>alert(1)</script>",
                     "author": [{"family": "Writer"}], "issued": {"date-parts": [[1990]]}}}
    b = Bibliography(sources, json_keys={"x"})
    entry = formatted(b, b.entries(["x"]))[0]
    assert "<script" not in entry.lower() and "&lt;" in entry
    assert "<em>Pravda</em>" in entry or "<span style=\"font-style:normal;\">Pravda</span>" in entry


# -- other styles ------------------------------------------------------------------

def test_apa_mla_and_ieee():
    apa = Bibliography(SOURCES, "apa")
    assert formatted(apa, [apa.cite("[@luthi2008, chap. 3]", ["luthi2008"]), apa.cite("@luthi2008", ["luthi2008"])]) \
        == ["(Lüthi &amp; Radchenko, 2008, Chapter 3)", "Lüthi &amp; Radchenko (2008)"]  # as pandoc prints it
    mla = Bibliography(SOURCES, "modern-language-association")
    assert formatted(mla, [mla.cite("[@conquest1961, p. 215]", ["conquest1961"]), mla.reference("luthi2008")])[0] \
        == "(Conquest 215)"
    ieee = Bibliography(SOURCES, "ieee")
    results = formatted(ieee, [ieee.cite("[@taubman2003]", ["taubman2003"]),
                               ieee.cite("[@conquest1961, p. 215]", ["conquest1961"]),
                               ieee.reference("conquest1961"), *ieee.entries()])
    assert results[:2] == ["[1]", "[2, p. 215]"]
    assert results[3].startswith('<span class="csl-left-margin">[1]</span> W. Taubman,')
    assert results[4].startswith('<span class="csl-left-margin">[2]</span> R. Conquest,')
    assert results[2].startswith("R. Conquest,")  # cards show no number


def test_note_style():
    b = Bibliography(SOURCES, "chicago-note-bibliography")
    assert b.is_note_style
    first, second = formatted(b, [b.cite("[@conquest1961, p. 215]", ["conquest1961"]),
                                  b.cite("[@conquest1961, p. 216]", ["conquest1961"])])
    assert first == ('<span class="footnote">Robert Conquest, <em>Power and Policy in the USSR</em> '
                     "(St.\xa0Martin’s Press, 1961), 215.</span>")
    assert second == '<span class="footnote">Conquest, <em>Power and Policy in the USSR</em>, 216.</span>'


def test_nothing_registered_runs_no_pandoc():
    b = Bibliography(SOURCES)
    assert b.resolve("<p>no citations</p>") == "<p>no citations</p>"
    assert b.pandoc_runs == 0


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        Bibliography(SOURCES).cite("[@nobody]", ["nobody"])


# -- the shared real-world cases ----------------------------------------------------

@pytest.mark.skipif(not CASES.is_dir(), reason="shared cases not present")
def test_case_03_newspaper_without_edition_circa_date_sorted_by_title():
    items = json.loads((CASES / "03-csl-newspaper-edition-circa" / "content" / "sources.json").read_text())
    sources = {item["id"]: item for item in items}
    b = Bibliography(sources, json_keys=set(sources))
    results = formatted(b, [b.cite("[@times1960; @reporter1961; @cia1963; @circa1957]", list(sources)), *b.entries()])
    assert results[0] == ("(<em>The Example Times</em> 1960; Reporter 1961; Central Intelligence Agency 1963; "
                          "Anonymous [1957?])")
    assert not any("Edition" in entry for entry in results)
    assert results[1:] == [
        "Anonymous. [1957?]. <span>“Undated Presidium Note.”</span> Unpublished manuscript.",
        "Central Intelligence Agency. 1963. <em>The Sino-Soviet Dispute and Its Significance</em>. "
        "Central Intelligence Agency.",
        "Reporter, Ann. 1961. <span>“Another Story.”</span> <em>The Example Post</em>, March 2.",
        "<em>The Example Times</em>. 1960. <span>“Soviet Experts Leave Peking.”</span> August 25.",
    ]


@pytest.mark.skipif(not CASES.is_dir(), reason="shared cases not present")
def test_case_05_pandoc_citation_syntax():
    case = CASES / "05-pandoc-citation-syntax" / "content"
    sources = {item["id"]: item for item in yaml.safe_load((case / "sources.yaml").read_text())["references"]}
    from coursepack.prose import ProseRenderer

    b = Bibliography(sources)
    body = yaml.safe_load((case / "cites.yaml").read_text())["sections"][0]["body"]
    html = b.resolve(ProseRenderer(b).block(body))
    for expected in (
        "The manual’s example (see Petrov 2005, 33–35 and <em>passim</em>; Petrov 2006, chap. 1).",  # 1
        "Locator without a comma (see Petrov 2005, chap. 3; also Petrov and Lee 2007, 34–35).",  # 2
        "Suffix and locator (Petrov 2005, 33, 35–37, and nowhere else).",  # 3
        "Suppressed author in a group (2006, 30; see also Petrov and Lee 2007).",  # 4
        "Author in text: Petrov (2005; 2006, 30; see also Petrov and Lee 2007) says so.",  # 5
        "Markup in the prefix (<em>see</em> Petrov 2005, 32) and suffix (Petrov 2005, 4, <em>emphasis added</em>).",  # 6
        "Same author twice (Petrov 2005, 2006).",  # 7
    ):
        assert expected in html
    assert b.pandoc_runs == 1


def test_markup_in_sources_and_affixes_is_text_and_placeholders_cannot_be_forged():
    sources = {"x": {"type": "book", "title": "A <script>alert(1)</script> *Markdown* title",
                     "author": [{"family": "<img src=x onerror=alert(1)>"}], "issued": {"date-parts": [[1990]]}}}
    from coursepack.prose import ProseRenderer

    b = Bibliography(sources)
    forged = "\uf8f0c0\uf8f1 \uf8f0" + "0" * 8 + "c0\uf8f1"
    html = b.resolve(ProseRenderer(b).inline("[<script>see</script> @x, p. 3] " + forged) + "".join(b.entries()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<em>Markdown</em>" in html  # CSL YAML text is Markdown
    assert forged in html  # content that looks like a placeholder stays as written


def test_a_source_the_style_cannot_print_is_a_warning_naming_it():
    item = {"type": "manuscript", "author": [{"family": "Anonymous"}], "title": "Undated Presidium Note",
            "issued": {"date-parts": [[1957]], "circa": True}}
    b = Bibliography({"circa1957": item, **SOURCES}, style="chicago-notes-bibliography")
    b.resolve("".join([b.cite("[@circa1957]", ["circa1957"]), b.cite("[@conquest1961]", ["conquest1961"]), *b.entries()]))
    assert b.warnings == ["source 'circa1957' prints nothing in the bibliography in style 'chicago-notes-bibliography'; "
                          "give it the fields the style prints (author, title, date), or choose another citation_style"]
    assert Bibliography(SOURCES).warnings == []


def test_the_build_reports_the_warning_also_from_its_cache(tmp_path):
    from conftest import CONFIG, SOURCES as PROJECT_SOURCES, TOPIC, run_cli, small_project

    circa = {"id": "circa1957", "type": "manuscript", "author": [{"family": "Anonymous"}],
             "title": "Undated Presidium Note", "issued": {"date-parts": [[1957]], "circa": True}}
    root = small_project(tmp_path / "proj", **{
        "coursepack.yaml": dict(CONFIG, citation_style="chicago-notes-bibliography", packs=[{"id": "unit", "modules": ["thaw"]}]),
        "content/sources.yaml": {"references": PROJECT_SOURCES["references"] + [circa]},
        "content/thaw.yaml": dict(TOPIC, summary="A note [@circa1957] and a book [@conquest1961]."),
    })
    for _ in range(2):  # printed, then taken from the build cache
        result = run_cli("build", root)
        assert result.exit_code == 0, result.output
        assert "build/unit.pdf: warning: source 'circa1957' prints nothing in the bibliography" in result.stderr
