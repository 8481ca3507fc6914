"""Valid projects other than the example: every one must build cleanly and look right.

Each fixture builds one real project through the CLI (module-scoped, so the whole file
stays fast); the tests read the PDFs with pypdf.
"""
import copy
import io
import re
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import DEBATE, SOURCES, TOPIC, run_cli, write_project

FORMATS = ["policy", "lincoln-douglas", "public-forum", "british-parliamentary", "world-schools", "oxford", "classroom"]
MM = 72 / 25.4

MIN_TOPIC = {"kind": "topic", "title": "Bare Topic", "sections": [{"heading": "Only Section", "body": "Body text."}]}
MIN_DEBATE = {"kind": "debate", "title": "Bare Debate", "resolution": "This house would act.",
              "sides": {"pro": {"contentions": [{"id": "a", "tag": "Pro tag"}]},
                        "con": {"contentions": [{"id": "b", "tag": "Con tag"}]}}}
INLINE_FORMAT = {"id": "classroom-3v3", "name": "Inline three a side", "sides": {"pro": "Proposition", "con": "Opposition"},
                 "prep_minutes": 5, "speeches": [{"name": "Opening Proposition", "side": "pro", "minutes": 4},
                                                 {"name": "Opening Opposition", "side": "con", "minutes": 4},
                                                 {"name": "Open Crossfire", "side": "both", "minutes": 1.5}]}
MINE_FORMAT = {"id": "mine", "name": "Our club format", "sides": {"pro": "For", "con": "Against"},
               "speeches": [{"name": "Speech For", "side": "pro", "minutes": 3},
                            {"name": "Speech Against", "side": "con", "minutes": 3}]}


def build(root, files):
    write_project(root, files)
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr  # no WeasyPrint warnings, no unexpected error
    return root / "build"


def pages(path) -> list[str]:
    """Each page's text, white space folded (names wrap inside narrow table cells)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def size_mm(page) -> tuple[int, int]:
    return round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)


def flow_pages(path) -> list[str]:
    return [text for text in pages(path) if "Flow sheet" in text and "Contents" not in text]


def debate_in(fmt, module_id):
    debate = copy.deepcopy(DEBATE)
    debate.update(id=module_id, title=f"Debate in {module_id}", format=fmt)
    return debate


# ---------------------------------------------------------------- minimal content

@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    """Only required fields, no format (classroom), no sources file, no citations."""
    return build(tmp_path_factory.mktemp("minimal"), {
        "coursepack.yaml": {"title": "Bare Project", "packs": [
            {"id": "unit", "modules": ["bare-topic", "bare-debate"], "editions": ["student", "teacher"]},
            {"id": "brief", "modules": ["bare-topic", "bare-debate"], "layout": "brief"},
            {"id": "topic-brief", "modules": ["bare-topic"], "layout": "brief"}]},
        "content/bare-topic.yaml": MIN_TOPIC,
        "content/bare-debate.yaml": MIN_DEBATE,
    })


def test_minimal_modules_build_every_layout(minimal):
    assert sorted(p.name for p in minimal.glob("*.pdf")) == ["brief.pdf", "topic-brief.pdf", "unit-teacher.pdf", "unit.pdf"]
    text = "\n".join(pages(minimal / "unit.pdf"))
    for expected in ("Bare Project", "Only Section", "This house would act.", "Pro tag", "Con tag", "Classroom debate"):
        assert expected in text, expected
    brief = "\n".join(pages(minimal / "brief.pdf"))
    assert "First Proposition" in brief and "Ballot" in brief


def test_brief_of_topics_only_has_no_round(minimal):
    text = "\n".join(pages(minimal / "topic-brief.pdf"))
    assert "Only Section" in text
    assert "Flow sheet" not in text and "Ballot" not in text


# ---------------------------------------------------------------- formats

@pytest.fixture(scope="module")
def formats(tmp_path_factory):
    """One brief holding a debate in every bundled format, an inline one and a project one."""
    files = {f"content/{fmt}.yaml": debate_in(fmt, fmt) for fmt in FORMATS}
    files["content/inline.yaml"] = debate_in(INLINE_FORMAT, "inline")
    files["content/mine.yaml"] = debate_in("mine", "mine")
    files["formats/mine.yaml"] = MINE_FORMAT
    files["content/sources.yaml"] = SOURCES
    files["coursepack.yaml"] = {"title": "Formats", "packs": [
        {"id": "brief", "modules": FORMATS + ["inline", "mine"], "layout": "brief"}]}
    root = tmp_path_factory.mktemp("formats")
    out = build(root, files)
    return out / "brief.pdf"


def format_speeches(fmt):
    from coursepack.project import BUNDLED_FORMATS
    import yaml
    if isinstance(fmt, dict):
        return [s["name"] for s in fmt["speeches"]]
    data = MINE_FORMAT if fmt == "mine" else yaml.safe_load((BUNDLED_FORMATS / f"{fmt}.yaml").read_text())
    return [s["name"] for s in data["speeches"]]


def test_one_flow_sheet_page_per_debate_with_a_column_per_speech(formats):
    sheets = flow_pages(formats)
    assert len(sheets) == len(FORMATS) + 2  # each flow sheet fits on one page
    for text, fmt in zip(sheets, FORMATS + [INLINE_FORMAT, "mine"]):
        for name in format_speeches(fmt):
            assert name in text, (fmt, name)


def test_flow_sheets_are_landscape(formats):
    reader = PdfReader(formats)
    for page in reader.pages:
        width, height = size_mm(page)
        if "Flow sheet" in page.extract_text() and "Contents" not in page.extract_text():
            assert (width, height) == (279, 216)
        else:
            assert (width, height) == (216, 279)


# What each bundled format's ballot says, from "Round" to "Reason for decision": one line
# per debater (LD, public forum, policy, BP, classroom) or per speech (World Schools), with
# separate cells for the name and the points (the cells print no text), the format's ranges,
# ranks, totals, and the coin-toss box of public forum.
BALLOTS = {
    "lincoln-douglas": "Debater Name Points (25–30) AFFIRMATIVE Affirmative debater Affirmative Constructive (AC), "
                       "First Affirmative Rebuttal (1AR), Second Affirmative Rebuttal (2AR) NEGATIVE Negative debater "
                       "Negative Constructive (NC), Negative Rebuttal (NR) Decision: the winning side is Affirmative Negative",
    "public-forum": "Spoke first (after the coin toss): Pro Con Debater Name Points (25–30) Rank (1–4) PRO Speaker 1 "
                    "Constructive, Summary Speaker 2 Rebuttal, Final Focus CON Speaker 1 Constructive, Summary Speaker 2 "
                    "Rebuttal, Final Focus Decision: the winning side is Pro Con",
    "policy": "Debater Name Points (25–30) Rank (1–4) AFFIRMATIVE Speaker 1 1AC, 1AR Speaker 2 2AC, 2AR NEGATIVE "
              "Speaker 1 1NC, 1NR Speaker 2 2NC, 2NR Decision: the winning side is Affirmative Negative",
    "world-schools": "Speech Name Points PROPOSITION First Proposition 60–80 Second Proposition 60–80 Third Proposition "
                     "60–80 Proposition Reply 30–40 Total, Proposition OPPOSITION First Opposition 60–80 Second Opposition "
                     "60–80 Third Opposition 60–80 Opposition Reply 30–40 Total, Opposition Decision: the winning side is "
                     "Proposition Opposition (the side with the higher total)",
    "british-parliamentary": "Debater Name Points (50–100) Rank (1–4) OPENING GOVERNMENT (Government) Prime Minister "
                             "Deputy Prime Minister Total, Opening Government OPENING OPPOSITION (Opposition) Leader of "
                             "the Opposition Deputy Leader of the Opposition Total, Opening Opposition CLOSING GOVERNMENT "
                             "(Government) Member of the Government Government Whip Total, Closing Government CLOSING "
                             "OPPOSITION (Opposition) Member of the Opposition Opposition Whip Total, Closing Opposition "
                             "Decision: rank the teams in the Rank cells, 1 (first) to 4; the ranks must agree with the "
                             "totals",
    "classroom": "Debater Name Points (1–10) PROPOSITION Speaker 1 First Proposition, Proposition Closing Statement "
                 "Speaker 2 Second Proposition Speaker 3 Third Proposition Total, Proposition OPPOSITION Speaker 1 First "
                 "Opposition, Opposition Closing Statement Speaker 2 Second Opposition Speaker 3 Third Opposition Total, "
                 "Opposition Decision: the winning side is Proposition Opposition (the side with the higher total)",
    "oxford": "Debater Name PROPOSITION First Proposition Second Proposition Proposition Summation OPPOSITION First "
              "Opposition Second Opposition Opposition Summation Decision: the winning side is Proposition Opposition "
              "Audience vote before the debate: Proposition Opposition Undecided Audience vote after the debate: "
              "Proposition Opposition Undecided",
}


def test_ballots(formats):
    ballots = [text for text in pages(formats) if "Ballot" in text and "Reason for decision" in text]
    assert len(ballots) == len(FORMATS) + 2  # each on one page
    by_format = dict(zip(FORMATS + ["inline", "mine"], ballots))
    for fmt, expected in BALLOTS.items():
        text = by_format[fmt]
        assert text.startswith(f"Ballot Debate in {fmt} · "), fmt
        body = text[text.index("Round Room Judge ") + len("Round Room Judge "):text.index(" Reason for decision")]
        assert body == expected, fmt
    assert "For" in by_format["mine"] and "Against" in by_format["mine"]


def test_coin_toss_formats_name_the_first_and_second_speaking_team(formats):
    """Public forum: a coin toss decides the order; nothing assumes that Pro speaks first."""
    text = next(t for t in pages(formats) if "Time table" in t and "First-speaking team" in t)
    assert "1 Constructive First-speaking team 4 2 Constructive Second-speaking team 4 3 First Crossfire Both 3" in text
    assert "A coin toss decides which team speaks first. First-speaking team: Pro Con" in text
    assert "Pro Constructive" not in "\n".join(pages(formats))
    flow = next(t for t in flow_pages(formats) if "Final Focus" in t)
    assert "Constructive First-speaking team · 4 min Constructive Second-speaking team · 4 min" in flow
    assert "First-speaking team: Pro Con" in flow


def format_data(fmt):
    from coursepack.project import BUNDLED_FORMATS
    import yaml
    if isinstance(fmt, dict):
        return fmt
    return MINE_FORMAT if fmt == "mine" else yaml.safe_load((BUNDLED_FORMATS / f"{fmt}.yaml").read_text())


def test_time_table_of_every_format_lists_speeches_sides_and_minutes(formats):
    tables = [text for text in pages(formats) if "Time table" in text and "Total speaking time" in text]
    assert len(tables) == len(FORMATS) + 2
    for text, fmt in zip(tables, FORMATS + [INLINE_FORMAT, "mine"]):
        data = format_data(fmt)
        first = next(speech["side"] for speech in data["speeches"] if speech["side"] != "both")
        for number, speech in enumerate(data["speeches"], 1):
            side = data["sides"].get(speech["side"], "Both")
            if data.get("first_side") == "coin" and speech["side"] != "both":  # public forum
                side = "First-speaking team" if speech["side"] == first else "Second-speaking team"
            assert f"{number} {speech['name']} {side} {speech['minutes']:g}" in text, (fmt, speech)
        total = sum(speech["minutes"] for speech in data["speeches"])
        assert f"Total speaking time {total:g}" in text, fmt


def test_inline_format_time_table(formats):
    text = "\n".join(pages(formats))
    assert "Inline three a side" in text and "Our club format" in text
    assert "1.5" in text  # fractional minutes


# ---------------------------------------------------------------- paper

@pytest.mark.parametrize("page, expected", [
    ({"size": "letter"}, (216, 279)),
    ({"size": "a4", "duplex": True}, (210, 297)),
    ({"size": "a5"}, (148, 210)),
    ({"size": "legal"}, (216, 356)),
    ({"size": "210mm 297mm"}, (210, 297)),
    ({"size": "a4", "orientation": "landscape"}, (297, 210)),
])
def test_page_sizes(tmp_path, page, expected):
    out = build(tmp_path, {"coursepack.yaml": {"title": "P", "page": page, "packs": [{"id": "p", "modules": ["bare-topic"]}]},
                           "content/bare-topic.yaml": MIN_TOPIC})
    assert {size_mm(p) for p in PdfReader(out / "p.pdf").pages} == {expected}


@pytest.fixture(scope="module")
def small_paper(tmp_path_factory):
    """Statement paper (5.5 x 8.5 in, not a named size) and A4 written as landscape lengths."""
    built = {}
    for name, page in {"statement": {"size": "5.5in 8.5in"}, "wide": {"size": "297mm 210mm"}}.items():
        built[name] = build(tmp_path_factory.mktemp(name), {
            "coursepack.yaml": {"title": "P", "page": page, "packs": [
                {"id": "brief", "modules": ["policy", "british-parliamentary"], "layout": "brief"}]},
            "content/policy.yaml": debate_in("policy", "policy"),
            "content/british-parliamentary.yaml": debate_in("british-parliamentary", "british-parliamentary"),
            "content/sources.yaml": SOURCES,
        }) / "brief.pdf"
    return built


def test_flow_sheet_fills_one_landscape_page_of_any_paper(small_paper):
    for name, landscape in (("statement", (216, 140)), ("wide", (297, 210))):
        reader = PdfReader(small_paper[name])
        flow = [page for page in reader.pages if "Flow sheet" in page.extract_text() and "Contents" not in page.extract_text()]
        assert len(flow) == 2, name  # one page each: the writing row fits below the column heads
        assert {size_mm(page) for page in flow} == {landscape}, name
        assert "2AR" in flow[0].extract_text() and "Whip" in flow[1].extract_text()


def test_ballot_fits_small_paper(small_paper):
    ballot = next(t for t in pages(small_paper["statement"]) if t.startswith("Ballot Debate in policy"))
    assert "2AR" in ballot and "Reason for decision" in ballot and "Judge’s signature" in ballot


# ---------------------------------------------------------------- rich content

@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    image = io.BytesIO()
    Image.new("RGB", (40, 25), (200, 120, 60)).save(image, "PNG")
    topic = copy.deepcopy(TOPIC)
    topic["title"] = LONG_TITLE
    topic["timeline"] = [{"date": "1961-08-13", "event": "Wall"}, {"date": "44 BC", "event": "Caesar"},
                         {"date": 1961, "event": "Year only"}, {"date": "1961-08", "event": "Month only"},
                         {"date": "1962", "event": "Crisis", "display": "Autumn 1962"}]
    topic["questions"] = [{"prompt": "Zero lines?", "lines": 0}, {"prompt": "Forty lines?", "lines": 40}]
    topic["sections"].append({"heading": "A figure", "body": "See it.",
                              "figure": {"image": "assets/fig.png", "alt": "An orange block", "caption": "An *orange* block"}})
    topic["sections"].append({"heading": "Wide", "body": "| " + " | ".join(f"Head {i}" for i in range(12)) + " |\n|"
                              + "---|" * 12 + "\n| " + " | ".join(f"v{i}" for i in range(12)) + " |\n"})
    topic["sections"].append({"heading": "Long words", "body": "https://example.com/" + "x" * 150})
    debate = copy.deepcopy(DEBATE)
    debate["roles"] = [{"name": "Bare Role"}, {"name": "Goal Role", "goals": ["Speak"]}]
    debate["rebuttals"] = [{"answers": "ideology", "cards": [
        {"tag": "Only a card", "cite": {"source": "conquest1961", "page": "pp. 3-5"}, "text": "Quoted ==words==.", "paraphrase": False}]}]
    debate["cross_examination"] = {"con": ["Only con question?"]}
    return build(tmp_path_factory.mktemp("rich"), {
        "coursepack.yaml": {"title": "Rich", "language": "de", "packs": [
            {"id": "unit", "title": LONG_TITLE, "modules": ["thaw", "split"], "editions": ["student", "teacher"],
             "bibliography": "all"},
            {"id": "brief", "modules": ["split"], "layout": "brief"}]},
        "content/thaw.yaml": topic,
        "content/split.yaml": debate,
        "content/sources.json": json.dumps(SOURCES["references"] + [{
            "id": "uncited2000", "type": "book", "title": "Never Cited", "author": [{"family": "Nobody", "given": "A."}],
            "issued": {"date-parts": [[2000]]}}]),
        "assets/fig.png": image.getvalue(),
    })


LONG_TITLE = ("A Very Long Title About the Consequences of the Twentieth Party Congress "
              "for the International Communist Movement and Its Satellites in Eastern Europe")


def test_rich_topic_content(rich):
    text = "\n".join(pages(rich / "unit.pdf"))
    for expected in ("44 v. Chr.", "August 1961", "13. August 1961", "Autumn 1962", "An orange block", "Head 11",
                     "Never Cited", "Conquest", "Forty lines?"):
        assert expected in text, expected
    # The year-only date prints as the bare year beside its event (not "August 1961", not a citation's year).
    assert re.search(r"(?<!August )(?<!\. )\b1961\s+Year only", text), "year-only date"
    assert text.index("44 v. Chr.") < text.index("Year only") < text.index("Month only") < text.index("Wall")
    reader = PdfReader(rich / "unit.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert any("/XObject" in page["/Resources"] for page in reader.pages)  # the figure


def test_long_question_starts_right_after_the_previous_one(rich):
    page = next(t for t in pages(rich / "unit.pdf") if "Zero lines?" in t)
    assert "Forty lines?" in page


def test_debate_variants(rich):
    teacher = "\n".join(pages(rich / "unit-teacher.pdf"))
    assert "Bare Role" in teacher and "Goal Role" in teacher
    assert "Only a card" in teacher and "Conquest 1961, 3–5" in teacher
    assert "Only con question?" in teacher
    assert "Questions to ask the Proposition" not in teacher
