"""The theme's words and dates in the document's language (coursepack/i18n)."""
import html as html_lib
import re

import pytest
from pypdf import PdfReader

from coursepack.i18n import LANGUAGES, Labels, catalogue, placeholders
from coursepack.project import load_project
from coursepack.render import make_environment, render_pack

from conftest import CONFIG, DEBATE, run_cli, small_project, write_project

TRANSLATED = [language for language in LANGUAGES if language != "en"]


def test_every_catalogue_has_every_label_with_the_same_placeholders():
    english = catalogue("en")
    for language in TRANSLATED:
        other = catalogue(language)
        assert set(other) == set(english), language
        for key, text in english.items():
            assert placeholders(other[key]) == placeholders(text), (language, key)
            assert other[key].strip(), (language, key)


def test_dates_follow_the_language_through_cldr():
    assert Labels("de").date(1956, 2, 25) == "25. Februar 1956"
    assert Labels("fr").date(1956, 2, 25) == "25 février 1956"
    assert Labels("es").date(1956, 2, 25) == "25 de febrero de 1956"
    assert Labels("en").date(1956, 2, 25) == "February 25, 1956"
    assert Labels("de").date(1961, 8) == "August 1961"
    assert Labels("fr").date(1961, 8) == "août 1961"
    assert Labels("de").date(44, bc=True) == "44 v. Chr."
    assert Labels("en-GB").date(1956, 2, 25) == "25 February 1956"  # regional CLDR data
    assert Labels("xx").date(1956, 2, 25) == "February 25, 1956"  # unknown language: English


def test_regional_tags_use_their_language_and_unknown_languages_english():
    assert Labels("de-AT")("contents") == "Inhalt"
    assert Labels("ko")("contents") == "Contents"
    assert Labels("ko", {"contents": "목차"})("contents") == "목차"


def test_format_word_sets_replace_the_plain_words():
    class Format:
        vocabulary = ["motion", "points-of-information"]

    class Module:
        format = Format()

    assert Labels("en")("resolved", Module()) == "Motion"
    assert Labels("en")("cross_examination", Module()) == "Points of Information"
    assert Labels("en")("resolved") == "Resolved"
    assert Labels("de")("resolved", Module()) == "Antrag"


# -- whole documents ------------------------------------------------------------

GERMAN_TOPIC = {
    "kind": "topic", "id": "tauwetter", "title": "Das Tauwetter",
    "objectives": ["Die Geheimrede erklären"],
    "sections": [{"heading": "Die Geheimrede", "body": "Im Februar 1956 sprach Chruschtschow [@mueller2010, S. 35]."}],
    "timeline": [{"date": "1956-02-25", "event": "Geheimrede"}, {"date": "1961-08", "event": "Mauerbau"}],
    "people": [{"name": "Nikita Chruschtschow", "years": "1894-1971", "role": "Erster Sekretär"}],
    "terms": [{"term": "Tauwetter", "definition": "Die Zeit der Lockerung nach Stalins Tod."}],
    "questions": [{"prompt": "Warum war die Rede geheim?", "lines": 2, "answer": "Sie war nur für Delegierte."}],
    "teacher_notes": "Hinweis",
}
GERMAN_SOURCES = {"references": [{
    "id": "mueller2010", "type": "book", "author": [{"family": "Müller", "given": "Hans"}],
    "title": "Die Geheimrede und ihre Folgen", "publisher": "Beispielverlag", "issued": {"date-parts": [[2010]]}}]}
DATES = {"de": ("25. Februar 1956", "August 1961"), "fr": ("25 février 1956", "août 1961"),
         "es": ("25 de febrero de 1956", "agosto de 1961")}


def _english_words_left(text: str, language: str, keys=None) -> list[str]:
    """English labels (different from the language's own) that appear in `text`."""
    english, own = catalogue("en"), catalogue(language)
    found = []
    for key in keys or english:
        if "." in key or english[key] == own[key]:
            continue
        literal = re.split(r"\{\w+\}", english[key])
        for part in literal:
            part = part.strip(" :·")
            if part in own[key]:  # the same word in both ("Page {page} sur {pages}")
                continue
            if len(part) > 2 and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text):
                found.append(f"{key}: {part!r}")
    return found


def _language_project(root, language):
    return write_project(root, {
        "coursepack.yaml": {"title": "Die Chruschtschow-Jahre", "course": "Geschichte", "language": language,
                            "packs": [{"id": "einheit", "modules": ["tauwetter"], "editions": ["teacher"]}]},
        "content/tauwetter.yaml": GERMAN_TOPIC,
        "content/sources.yaml": GERMAN_SOURCES,
    })


def test_a_german_course_pack_has_no_english_theme_word(tmp_path):
    """The PDF itself, page numbers (from CSS) included; French and Spanish below as HTML."""
    root = _language_project(tmp_path / "de", "de")
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    reader = PdfReader(root / "build" / "einheit-teacher.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    _check_language(text, "de")
    assert text.count("Seite") >= 3 and f"Seite 2 von {len(reader.pages)}" in text


@pytest.mark.parametrize("language", ["fr", "es"])
def test_french_and_spanish_course_packs_have_no_english_theme_word(tmp_path, language):
    html = _html(_language_project(tmp_path / language, language), "einheit", "teacher")
    _check_language(_visible_text(html), language)
    page_of = {"fr": '"Page " counter(page) " sur " counter(pages)', "es": '"Página " counter(page) " de " counter(pages)'}
    assert f"--label-page-of: {page_of[language]};" in html


def _check_language(text, language):
    assert _english_words_left(text, language) == []
    for date in DATES[language]:
        assert date in text
    own = catalogue(language)
    for key in ("contents", "glossary", "timeline", "bibliography", "key_terms", "questions", "answer"):
        assert own[key].upper() in text.upper(), key


def _html(root, pack_id, edition="student"):
    project = load_project(root)
    return html_lib.unescape(render_pack(make_environment(project), project, project.pack(pack_id), edition))


def _visible_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.parametrize("language", TRANSLATED)
def test_debate_documents_in_another_language_have_no_english_theme_word(tmp_path, language):
    config = dict(CONFIG, language=language, packs=CONFIG["packs"] + [
        {"id": "packet", "modules": ["split"], "layout": "packet", "side": "pro"},
        {"id": "judge", "modules": ["split"], "layout": "brief", "editions": ["judge"]}])
    # a format of our own, without the bundled formats' English notes (format data, not theme words)
    mini = {"id": "mini", "name": "Mini", "sides": {"pro": "Ja", "con": "Nein"}, "prep_minutes": 2,
            "speeches": [{"name": "Eins", "side": "pro", "minutes": 3}, {"name": "Zwei", "side": "con", "minutes": 3},
                         {"name": "Drei", "side": "both", "minutes": 2}],
            "speaker_points": {"min": 20, "max": 30}}
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config,
                                               "content/debates/split.yaml": dict(DEBATE, format=mini)})
    for pack, edition in [("unit", "teacher"), ("brief", "student"), ("packet", "student"), ("judge", "judge")]:
        text = _visible_text(_html(root, pack, edition))
        for proper in ("Proposition", "Opposition", "Classroom debate", "First", "Second", "Reply", "Rebuttal",
                       "Molotov", "Mao", "Power and Policy", "Test Unit", "The Unit", "The Split", "The Thaw",
                       "Secret Speech", "Coexistence", "Austrian State Treaty", "Nikita Khrushchev", "Thaw"):
            text = text.replace(proper, " ")  # content and format data, not the theme's words
        text = re.sub(r"Year\s+Event|Both distrusted", " ", text)  # a table and a sentence of the content
        assert _english_words_left(text, language) == [], (pack, edition)


def test_labels_override_any_label_in_html_and_css(tmp_path):
    config = dict(CONFIG, labels={"contents": "Table of Contents", "page_of": "p. {page}/{pages}", "glossary": "Words"})
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    html = _html(root, "unit")
    assert '<h1 class="toc-title">Table of Contents</h1>' in html
    assert '--label-page-of: "p. " counter(page) "/" counter(pages);' in html
    assert ">Words<" in html and ">Glossary<" not in html


def test_world_schools_has_motions_and_points_of_information(tmp_path):
    debate = dict(DEBATE, format="world-schools")
    root = small_project(tmp_path / "proj", **{"content/debates/split.yaml": debate})
    html = _html(root, "brief")
    assert "Motion" in html and "Points of Information" in html
    assert "Resolved" not in html and "Cross-examination" not in html
    assert 'data-bookmark="Motion"' in html  # the PDF outline says Motion too
    classroom = _html(small_project(tmp_path / "other"), "brief")
    assert "Resolved" in classroom and "Cross-examination" in classroom


def test_bad_labels_are_located_problems(tmp_path):
    config = dict(CONFIG, labels={"contnts": "X", "page_of": "{page} {total}", "glossary": "Words {",
                                  "contents": "Contents {}"})
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    result = run_cli("check", root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("coursepack.yaml:") and "unknown label 'contnts' (did you mean 'contents'?)" in line
               for line in lines), result.output
    assert any("label 'page_of' uses {total}, which this label cannot fill in (it can: {page}, {pages})" in line
               for line in lines), result.output
    assert any("label 'glossary' has a { or } that opens or closes nothing" in line for line in lines), result.output
    assert any("label 'contents' uses {}, which this label cannot fill in (it can: none)" in line
               for line in lines), result.output  # an unnamed {} would crash printing


def test_french_sets_a_no_break_space_before_a_colon(tmp_path):
    config = dict(CONFIG, language="fr", packs=CONFIG["packs"] + [{"id": "packet", "modules": ["split"], "layout": "packet"}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    text = _visible_text(re.sub(r"<style>.*?</style>", " ", _html(root, "packet"), flags=re.S))
    assert re.search(r"\w\u00a0:", text)  # "Contre 1 : ...", as French typesetting wants
    assert not re.search(r"\w:\s", text), re.findall(r".{20}\w:\s", text)[:3]
    assert not re.search(r"\w :", text), re.findall(r".{20}\w :", text)[:3]  # the contents too


def test_a_label_the_theme_no_longer_prints_may_still_be_overridden(tmp_path):
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": dict(CONFIG, labels={"no_sources": "Keine Quellen."})})
    result = run_cli("check", root)
    assert result.exit_code == 0, result.output
