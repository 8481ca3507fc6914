"""CSL citations and bibliographies (coursepack.citations)."""
from __future__ import annotations

import pytest

from coursepack.citations import (Bibliography, CiteItem, UnknownStyle, available_styles,
                                  locale_name, parse_locator)

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
    "luthi2008": {
        "type": "article-journal",
        "author": [{"family": "Lüthi", "given": "Lorenz M."}, {"family": "Radchenko", "given": "Sergey"}],
        "title": "The Sino-Soviet Split", "container-title": "Journal of Cold War Studies",
        "volume": 10, "issue": "2", "page": "3-25", "issued": "2008-03",
        "URL": "https://example.org/split?a=1&b=2",
    },
    "anon1999": {"type": "webpage", "title": "An <b>Anonymous</b> Page", "issued": {"raw": "1999"}},
}


def bib(style="chicago-author-date", language="en"):
    return Bibliography(SOURCES, style, language)


# -- styles --------------------------------------------------------------------

def test_bundled_styles_include_the_common_school_styles():
    styles = available_styles()
    for name in ("chicago-author-date", "apa", "modern-language-association", "chicago-note-bibliography",
                 "harvard-cite-them-right", "ieee"):
        assert name in styles


def test_unknown_style_names_close_matches():
    with pytest.raises(UnknownStyle) as error:
        Bibliography(SOURCES, "aap")
    assert "'aap'" in str(error.value) and "did you mean apa" in str(error.value)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("language, expected", [
    ("en", "en-US"), ("en-GB", "en-GB"), ("en-gb", "en-GB"), ("fr", "fr-FR"), ("de-AT", "de-AT"),
    ("pt-BR", "pt-BR"), ("xx", "en-US"), ("", "en-US"),
])
def test_language_tags_map_to_citeproc_locales(language, expected):
    assert locale_name(language) == expected


# -- locators --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("p. 215", ("page", "215")),
    ("pp. 3-5", ("page", "3-5")),
    ("215", ("page", "215")),
    ("xiv", ("page", "xiv")),
    ("ch. 3", ("chapter", "3")),
    ("chapter 4", ("chapter", "4")),
    ("art. 2", ("article-locator", "2")),
    ("§ 4", ("section", "4")),
    ("vol. 2", ("volume", "2")),
    ("introduction", (None, "introduction")),
    ("preface", (None, "preface")),
])
def test_parse_locator(text, expected):
    assert parse_locator(text) == expected


# -- chicago author-date ----------------------------------------------------------

def test_chicago_in_text_citations():
    b = bib()
    assert b.cite([CiteItem("conquest1961", "215")]) == "(Conquest 1961, 215)"
    assert b.cite([CiteItem("conquest1961"), CiteItem("taubman2003")]) == "(Conquest 1961; Taubman 2003)"
    assert b.cite([CiteItem("luthi2008", "3", "chapter", prefix="see")]) == "(see Lüthi and Radchenko 2008, chap. 3)"
    assert b.cite([CiteItem("conquest1961", "3-5", suffix=", emphasis added")]) == "(Conquest 1961, 3–5, emphasis added)"
    assert b.cite([CiteItem("conquest1961", "introduction", "")]) == "(Conquest 1961, introduction)"


def test_chicago_narrative_and_suppressed_author():
    b = bib()
    assert b.cite_narrative(CiteItem("conquest1961")) == "Conquest (1961)"
    assert b.cite_narrative(CiteItem("conquest1961", "215")) == "Conquest (1961, 215)"
    assert b.cite([CiteItem("taubman2003", suppress_author=True)]) == "(2003)"


def test_chicago_bibliography_lists_cited_sources_sorted_with_full_names():
    b = bib()
    b.cite([CiteItem("taubman2003")])
    b.cite([CiteItem("conquest1961", "215")])
    assert b.entries() == [
        # CMOS 18th edition no longer prints the place of publication
        "Conquest, Robert. 1961. <i>Power and Policy in the USSR</i>. St. Martin's Press.",
        "Taubman, William. 2003. <i>Khrushchev: The Man &amp; His Era</i>. W. W. Norton.",
    ]


def test_chicago_17th_edition_keeps_the_place():
    b = bib("chicago-author-date-17th-edition")
    assert b.reference("conquest1961") == \
        "Conquest, Robert. 1961. <i>Power and Policy in the USSR</i>. New York: St. Martin's Press."


def test_article_punctuation_inside_quotes_page_range_and_escaped_url():
    entry = bib().reference("luthi2008")
    assert entry == ("Lüthi, Lorenz M., and Sergey Radchenko. 2008. “The Sino-Soviet Split.” "
                     "<i>Journal of Cold War Studies</i> 10 (2): 3–25. https://example.org/split?a=1&amp;b=2.")


def test_british_locale_keeps_punctuation_outside_quotes():
    assert "‘The Sino-Soviet Split’." in bib(language="en-GB").reference("luthi2008")


def test_a_title_standing_in_for_the_author_is_printed_once_and_escaped():
    entry = bib().reference("anon1999")
    assert entry == "“An &lt;b&gt;Anonymous&lt;/b&gt; Page.” 1999."


def test_bibliography_is_limited_to_cited_keys_unless_keys_are_given():
    b = bib()
    assert b.entries() == []
    b.cite([CiteItem("conquest1961")])
    assert len(b.entries()) == 1
    everything = b.entries(list(SOURCES))
    assert len(everything) == 4
    # by author; citeproc-py sorts a source without author after the others
    assert [entry[:8] for entry in everything] == ["Conquest", "Lüthi, L", "Taubman,", "“An &lt;"]


def test_reference_counts_as_cited():
    b = bib()
    b.reference("taubman2003")
    assert [entry.split(",")[0] for entry in b.entries()] == ["Taubman"]


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        bib().cite([CiteItem("nobody")])


# -- other styles ------------------------------------------------------------------

def test_apa():
    b = bib("apa")
    assert b.cite([CiteItem("conquest1961", "215")]) == "(Conquest, 1961, p. 215)"
    assert b.cite([CiteItem("luthi2008", "3", "chapter")]) == "(Lüthi &amp; Radchenko, 2008, Chapter 3)"
    assert b.cite_narrative(CiteItem("luthi2008")) == "Lüthi and Radchenko (2008)"
    assert b.entries() == [
        "Conquest, R. (1961). <i>Power and Policy in the USSR</i>. St. Martin's Press.",
        "Lüthi, L. M., &amp; Radchenko, S. (2008). The Sino-Soviet Split. <i>Journal of Cold War Studies</i>, "
        "<i>10</i>(2), 3–25. https://example.org/split?a=1&amp;b=2",
    ]


def test_mla_cites_author_and_page_without_title():
    b = bib("modern-language-association")
    assert b.cite([CiteItem("conquest1961", "215")]) == "(Conquest 215)"
    assert b.cite_narrative(CiteItem("conquest1961", "215")) == "Conquest (215)"
    assert "pp. 3–25" in b.reference("luthi2008")


def test_ieee_numbers_sources_in_citation_order():
    b = bib("ieee")
    assert b.cite([CiteItem("taubman2003")]) == "[1]"
    assert b.cite([CiteItem("conquest1961", "215")]) == "[2, p. 215]"
    assert b.cite_narrative(CiteItem("conquest1961")) == "Conquest [2]"
    entries = b.entries()
    assert entries[0].startswith('<span class="csl-left-margin">[1]</span> W. Taubman,')
    assert entries[1].startswith('<span class="csl-left-margin">[2]</span> R. Conquest,')
    assert not b.reference("conquest1961").startswith("<span")  # cards show no number


def test_note_style_renders_full_then_short_notes():
    b = bib("chicago-note-bibliography")
    assert b.is_note_style
    assert b.cite([CiteItem("conquest1961", "215")]) == \
        "Robert Conquest, <i>Power and Policy in the USSR</i> (St. Martin's Press, 1961), 215."
    assert b.cite([CiteItem("conquest1961", "216")]) == "Conquest, <i>Power and Policy in the USSR</i>, 216."


# -- style-free helpers ----------------------------------------------------------

def test_short_cite_for_cards():
    b = bib("ieee")
    assert b.short("conquest1961", "215") == "Conquest 1961, 215"
    assert b.short("conquest1961", "p. 215") == "Conquest 1961, 215"
    assert b.short("conquest1961", "ch. 3") == "Conquest 1961, ch. 3"
    assert b.short("luthi2008") == "Lüthi and Radchenko 2008"
    assert b.short("anon1999") == "An <b>Anonymous</b> Page 1999"  # plain text: the template escapes it


def test_sources_in_loose_shapes_do_not_break_formatting():
    sources = {
        "a": {"type": "book", "author": {"family": "Solo"}, "title": "One", "issued": 1970, "unknown-field": [1]},
        "b": {"title": "No type, no date", "editor": ["Literal Name"]},
    }
    b = Bibliography(sources)
    assert b.cite([CiteItem("a")]) == "(Solo 1970)"
    assert b.short("b") == "Literal Name n.d."
    assert len(b.entries(["a", "b"])) == 2


def test_output_is_deterministic():
    def run():
        b = bib("apa")
        cites = [b.cite([CiteItem(key)]) for key in ("taubman2003", "conquest1961", "luthi2008")]
        return cites, b.entries(), b.entries(list(SOURCES))
    assert run() == run()


# -- editors, translators and organizations standing in for the author (cs:substitute) --

SUBSTITUTES = {
    "zickel1991": {
        "type": "book", "editor": [{"family": "Zickel", "given": "Raymond E."}],
        "title": "Soviet Union: A Country Study", "edition": "2",
        "publisher": "Federal Research Division, Library of Congress", "publisher-place": "Washington, DC",
        "issued": {"date-parts": [[1991]]},
    },
    "pevear2007": {"type": "book", "translator": [{"family": "Pevear", "given": "Richard"}],
                   "title": "Old Tales", "publisher": "Knopf", "issued": 2007},
    "loc2001": {"type": "report", "author": [{"literal": "Library of Congress"}], "title": "Annual Report",
                "publisher": "Library of Congress", "issued": 2001},
    "marx1887": {"type": "book", "author": [{"family": "Marx", "given": "Karl"}],
                 "editor": [{"family": "Engels", "given": "Friedrich"}],
                 "translator": [{"family": "Moore", "given": "Samuel"}],
                 "title": "Capital", "publisher": "Swan Sonnenschein", "issued": 1887},
}


def test_chicago_editor_in_place_of_author_takes_the_author_form_and_is_not_repeated():
    b = Bibliography(SUBSTITUTES)
    assert b.cite([CiteItem("zickel1991")]) == "(Zickel 1991)"
    assert b.cite_narrative(CiteItem("zickel1991", "5")) == "Zickel (1991, 5)"
    assert b.entries() == [
        "Zickel, Raymond E., ed. 1991. <i>Soviet Union: A Country Study</i>. 2nd ed. "
        "Federal Research Division, Library of Congress."]
    # the same source again: suppression lasts for one entry only
    assert b.reference("zickel1991") == b.entries()[0]


def test_chicago_translator_organization_and_secondary_contributors():
    b = Bibliography(SUBSTITUTES)
    assert b.cite([CiteItem("pevear2007")]) == "(Pevear 2007)"
    assert b.cite([CiteItem("loc2001")]) == "(Library of Congress 2001)"
    assert b.reference("pevear2007") == "Pevear, Richard, trans. 2007. <i>Old Tales</i>. Knopf."
    assert b.reference("loc2001") == "Library of Congress. 2001. <i>Annual Report</i>. Library of Congress."
    # with an author, editor and translator are printed after the title as before
    assert b.reference("marx1887") == ("Marx, Karl. 1887. <i>Capital</i>. Edited by Friedrich Engels. "
                                       "Translated by Samuel Moore. Swan Sonnenschein.")


def test_editor_in_place_of_author_sorts_under_the_editor():
    b = Bibliography({**SUBSTITUTES, **SOURCES})
    entries = b.entries(["zickel1991", "conquest1961", "pevear2007"])
    assert [entry.split(",")[0] for entry in entries] == ["Conquest", "Pevear", "Zickel"]


def test_apa_editor_and_translator_in_place_of_author():
    b = Bibliography(SUBSTITUTES, "apa")
    assert b.cite([CiteItem("zickel1991")]) == "(Zickel, 1991)"
    assert b.reference("zickel1991") == ("Zickel, R. E. (Ed.). (1991). <i>Soviet Union: A Country Study</i> "
                                         "(2nd ed.). Federal Research Division, Library of Congress.")
    # a translator is not an APA author: the title moves up, the translator is printed once
    assert b.reference("pevear2007") == "<i>Old Tales</i> (R. Pevear, Trans.). (2007). Knopf."
    assert b.reference("marx1887") == \
        "Marx, K. (1887). <i>Capital</i> (F. Engels, Ed.; S. Moore, Trans.). Swan Sonnenschein."
    assert b.reference("loc2001") == "Library of Congress. (2001). <i>Annual Report</i>. Library of Congress."


def test_apa_labels_are_title_cased_only_in_english():
    assert "(Ed.)" in Bibliography(SUBSTITUTES, "apa").reference("zickel1991")
    assert "(éd.)" in Bibliography(SUBSTITUTES, "apa", "fr").reference("zickel1991")


def test_mla_editor_in_place_of_author():
    b = Bibliography(SUBSTITUTES, "modern-language-association")
    assert b.cite([CiteItem("zickel1991", "5")]) == "(Zickel 5)"
    assert b.reference("zickel1991") == ("Zickel, Raymond E., editor. <i>Soviet Union: A Country Study</i>. "
                                         "2nd ed., Federal Research Division, Library of Congress, 1991.")
    assert b.reference("pevear2007") == "Pevear, Richard, translator. <i>Old Tales</i>. Knopf, 2007."


def test_chicago_notes_editor_in_place_of_author():
    b = Bibliography(SUBSTITUTES, "chicago-note-bibliography")
    assert b.cite([CiteItem("zickel1991")]) == ("Raymond E. Zickel, ed., <i>Soviet Union: A Country Study</i>, "
                                                "2nd ed. (Federal Research Division, Library of Congress, 1991).")


def test_short_cite_page_ranges_take_an_en_dash():
    from coursepack.citations import Bibliography

    bib = Bibliography({"c": {"id": "c", "type": "book", "title": "T", "author": [{"family": "Conquest"}],
                              "issued": {"date-parts": [[1961]]}}})
    assert bib.short("c", "pp. 3-5") == "Conquest 1961, 3–5"
    assert bib.short("c", "215") == "Conquest 1961, 215"
    assert bib.short("c", "ch. 3") == "Conquest 1961, ch. 3"
