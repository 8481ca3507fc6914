"""Typed, frozen models of everything a teacher writes (content-format.md).

Field names are the public contract: they are exactly the YAML keys. The
models check shape and single-field rules; checks that need more than one
file (references, glossary conflicts) live in references.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from . import pasted

from .layouts import EditionId, LayoutId

NAMED_PAGE_SIZES = {"letter": (215.9, 279.4), "a4": (210.0, 297.0), "a5": (148.0, 210.0), "legal": (215.9, 355.6),
                    "half-letter": (139.7, 215.9)}
_MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}
_LENGTH = r"\d+(?:\.\d+)?(?:mm|cm|in|pt|px)"
_PAGE_SIZE = re.compile(rf"^{_LENGTH}\s+{_LENGTH}$")
_ONE_LENGTH = re.compile(rf"^(?:0|{_LENGTH})$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Model(BaseModel):
    """Strict about unknown keys, immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False,
                              use_attribute_docstrings=True)  # field docstrings: JSON Schema descriptions


def _safe_id(cls, value: str) -> str:
    """Ids become file names and anchors: keep them plain."""
    if not _SAFE_ID.match(value):
        if pasted.hint(value):  # 'thaw\u00a0' shows as 'thaw ': name what is there
            raise ValueError(f"'{pasted.visible(value)}' is not a usable id: {pasted.hint(value)} "
                             f"({pasted.WHERE_FROM}); retype it with letters, digits, '-', '_' and '.'")
        raise ValueError(
            f"'{value}' is not a usable id: use letters, digits, '-', '_' and '.', starting with a letter or digit")
    return value


class FoundAt(ValueError):
    """Problems a model's own rule found inside it, each at a path relative to the model.

    Raise it from a model_validator so that each problem is reported at the node
    to fix (`("speeches", 1, "side")`) instead of at the whole mapping; validation.py
    looks the paths up. Each finding is (path, message)."""

    def __init__(self, found: list[tuple[tuple, str]]):
        super().__init__("; ".join(message for _, message in found))
        self.found = found


# A side's key (pro, con, gov...): it names the side in packs, rosters, anchors and file names.
SideKey = Annotated[str, AfterValidator(lambda value: _safe_id(None, value))]


def _without_at(cls, value: Optional[str]) -> Optional[str]:
    """A field that names a source may write the key with or without '@'."""
    return value.lstrip("@") if value else value


Text = str  # Markdown prose; rendered by prose.py
Prose = Optional[str]


# --- coursepack.yaml -------------------------------------------------------

class PageSettings(Model):
    size: str = "letter"
    """Paper size: letter, a4, a5, legal, or two lengths with units such as "210mm 297mm" (width, then height)."""
    orientation: Literal["portrait", "landscape"] = "portrait"
    """portrait (default) or landscape, which turns the page so that it is wider than tall."""
    duplex: bool = False
    """Printing on both sides: mirrors the inner and outer margins and adds blank pages so that chapters start on a right-hand page."""
    bleed: str = "0"  # printed area beyond the trimmed page, for a print shop: "3mm", "0.125in"
    """Printed area beyond the trimmed page, for a print shop: a length such as 3mm or 0.125in (default 0: none)."""
    marks: Literal["none", "crop"] = "none"  # crop marks, drawn outside the bleed
    """crop: crop marks drawn outside the bleed, for a print shop; none (default)."""

    @field_validator("bleed", mode="before")
    @classmethod
    def _bleed_length(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value == 0:
            return "0"
        if not isinstance(value, str) or not _ONE_LENGTH.match(value.strip()):
            raise ValueError(f"bleed '{value}' is not a length such as 3mm or 0.125in")
        value = value.strip()
        if _length_mm(value) > 25.4:
            raise ValueError(f"bleed '{value}' is more than an inch; print shops ask for about 3mm (0.125in)")
        return value

    @property
    def bleed_mm(self) -> float:
        """The bleed in mm (0 when there is none)."""
        return _length_mm(self.bleed)

    @field_validator("size")
    @classmethod
    def _known_size(cls, value: str) -> str:
        value = value.strip()
        if value.lower() in NAMED_PAGE_SIZES:
            return value.lower()
        if _PAGE_SIZE.match(value):
            return value
        raise ValueError(
            f"page size '{value}' is not one of letter, a4, a5, legal, half-letter, "
            "nor two lengths such as \"210mm 297mm\"")

    @property
    def named_size(self) -> Optional[str]:
        """The paper's name (letter, a4, a5, legal, half-letter), or None for a size given as two lengths."""
        return self.size if self.size in NAMED_PAGE_SIZES else None

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the page as printed, in mm.

        Two lengths are width and height as written; `landscape` turns the page
        so that it is wider than tall."""
        if self.size in NAMED_PAGE_SIZES:
            width, height = NAMED_PAGE_SIZES[self.size]
        else:
            width, height = (_length_mm(length) for length in self.size.split())
        if self.orientation == "landscape" and width < height:
            width, height = height, width
        return round(width, 2), round(height, 2)


def _length_mm(length: str) -> float:
    """A CSS length written as in coursepack.yaml ("3mm", "0.125in", "0"), in mm."""
    return 0.0 if length == "0" else float(length[:-2]) * _MM_PER_UNIT[length[-2:]]


class PdfSettings(Model):
    """`pdf:` in coursepack.yaml: which PDF standard the files meet."""

    standard: Literal["ua-1", "none"] = "ua-1"  # ua-1: tagged PDF/UA-1 (ISO 14289-1); none: untagged
    """ua-1 (default): a tagged, accessible PDF/UA-1 file (ISO 14289-1); none: untagged."""


class PackConfig(Model):
    id: str
    """The pack's id, also the output file name stem: build/<id>.pdf, build/<id>-teacher.pdf. Letters, digits, '-', '_' and '.'."""
    title: Optional[str] = None
    """The title on the cover and in the PDF's metadata; default: the project's title."""
    modules: list[str] = Field(min_length=1)
    """The ids of the modules the pack prints, in order."""
    editions: list[EditionId] = Field(default=["student"], min_length=1)  # see layouts.py
    """Which editions to print: student (default), teacher (adds answers and teacher notes), judge (ballots; debates only)."""
    layout: LayoutId = "course-pack"  # see layouts.py
    """course-pack (default; for the whole class), brief (for the coach: both cases, rebuttals, flow sheet, ballot) or packet (for one debater)."""
    bibliography: Literal["cited", "all"] = "cited"
    """cited (default): the sources the pack cites; all: every source of the project."""
    side: Optional[str] = None  # packet layout: print this side's case only (a roster row may override it)
    """Packet layout only: print this side's case (a side key such as pro); a roster row's side overrides it."""
    card_text: Literal["full", "read-aloud"] = "full"  # read-aloud: only the highlighted words of each card
    """full (default): each evidence card's whole text; read-aloud: only its ==highlighted== words."""
    role_cards: Literal["sheet", "page"] = "sheet"  # build/<id>-roles.pdf: several cards a page, or one
    """How build/<id>-roles.pdf lays out the role cards: sheet (default; several a page, to cut out) or page (one a page)."""
    ballots: int = Field(default=1, ge=1, le=50)  # ballots in the judge's edition, one a page
    """How many copies of each debate's ballot the judge's edition prints, one a page (default 1)."""
    cover: bool = True
    """false: no cover page; a compact handout starts with its first module (course-pack and brief)."""
    contents: bool = True
    """false: no table of contents."""
    booklet: bool = False  # also write build/<id>-booklet.pdf, imposed for saddle-stitching
    """true: also write build/<id>-booklet.pdf, the pages imposed two to a sheet for folding and stapling."""

    _check_id = field_validator("id")(_safe_id)


class ThemeFonts(Model):
    """The fonts of body text and headings."""

    body: Union[str, list[str], None] = None
    """A bundled family (Linux Libertine, Source Serif 4...), a family installed on the machine,
    a font file inside the project, or a list of the files of one family (regular, bold, italic)."""
    headings: Union[str, list[str], None] = None
    """As body, for headings, labels and running heads (default Linux Biolinum)."""


class ThemeSettings(Model):
    """The look of every document; checked further in theme.py (colours, files, sizes)."""

    accent: Optional[str] = None
    """Any CSS colour, for headings, rules and boxes ("#8a1538", darkred)."""
    logo: Optional[str] = None
    """An image inside the project (PNG, JPEG, GIF, WebP or SVG), printed on every cover."""
    base_size: Optional[str] = None
    """The size of body text (default 11.5pt); every type size of the theme scales with it."""
    fonts: ThemeFonts = ThemeFonts()
    """Fonts: {body, headings}, each a family name or font files."""
    footer: Optional[str] = None
    """Text printed at the foot of every page but covers."""
    css: list[str] = []
    """Stylesheets inside the project, added after the theme's (they extend it)."""

    @field_validator("css", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("base_size", mode="before")
    @classmethod
    def _size_as_text(cls, value: Any) -> Any:
        return f"{value}pt" if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class ProjectConfig(Model):
    title: str
    """The project's title: the default title of every pack."""
    course: Optional[str] = None
    """The course name, printed on covers."""
    author: Optional[str] = None
    """The teacher's name, printed on covers and in the PDFs' metadata."""
    school: Optional[str] = None
    """The school's name, printed on covers."""
    language: str = "en"
    """The content's language as a BCP 47 tag (en, en-GB, de, fr, es...): hyphenation, labels and the PDF's /Lang."""
    page: PageSettings = PageSettings()
    """Paper size, orientation and two-sided printing."""
    citation_style: str = "chicago-author-date"
    """The citation style: a bundled CSL style name such as chicago-author-date, apa or modern-language-association."""
    packs: list[PackConfig] = Field(min_length=1)
    """The PDFs to make: each pack is one PDF per edition, made of the modules it lists."""
    theme: ThemeSettings = ThemeSettings()
    """The look of every document: accent colour, logo, base size, fonts, footer, extra stylesheets."""
    labels: dict[str, Any] = {}
    """Any label of the theme in your own words, over the language's catalogue (coursepack/i18n): key -> text."""
    pdf: PdfSettings = PdfSettings()
    """Which PDF standard the files meet."""

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", value):
            raise ValueError(f"language '{value}' is not a BCP 47 tag such as en, en-GB, fr or de")
        return value


# --- shared pieces ----------------------------------------------------------

class Term(Model):
    term: str
    """The word or phrase defined."""
    definition: Text
    """The definition (Markdown)."""
    source: Optional[str] = None
    """Optional: the key of the source the definition comes from (with or without @)."""

    @property
    def sort_key(self) -> str:
        """Glossary order and identity: accents sort with their base letter, case ignored."""
        decomposed = unicodedata.normalize("NFKD", self.term.strip())
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()

    _strip_at = field_validator("source")(_without_at)


# --- topic modules ----------------------------------------------------------

class Figure(Model):
    image: str
    """The image file, relative to the project folder, such as assets/map.png."""
    alt: str = Field(min_length=1)
    """What the image shows, in words: read aloud by screen readers and required."""
    caption: Prose = None
    """Optional caption printed under the image (Markdown)."""


class Section(Model):
    heading: str
    """The section's heading, listed in the table of contents."""
    body: Text
    """The section's text (Markdown: lists, tables, footnotes, ==highlights==, citations like [@key, p. 5])."""
    figure: Optional[Figure] = None
    """Optional image printed with the section; needs alt text."""


_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:\s*(BCE|BC))?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class TimelineEvent(Model):
    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by BC or BCE; events sort by date."""
    event: Text
    """What happened (Markdown)."""
    display: Optional[str] = None
    """Optional: how the date prints instead ("Spring 1956")."""

    @field_validator("date", mode="before")
    @classmethod
    def _parse_date(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
        match = _DATE.match(value.strip())
        if not match:
            raise ValueError(f"date '{value}' is not YYYY, YYYY-MM or YYYY-MM-DD (a year may be followed by BC)")
        _, month, day, _ = match.groups()
        if month and not 1 <= int(month) <= 12:
            raise ValueError(f"date '{value}' has no month {int(month)}")
        if day and not 1 <= int(day) <= _DAYS_IN_MONTH[int(month) - 1]:
            raise ValueError(f"date '{value}' is impossible: {_MONTHS[int(month) - 1]} has no day {int(day)}")
        year = int(match.group(1))
        if day and int(month) == 2 and int(day) == 29 and not _leap(year):
            raise ValueError(f"date '{value}' is impossible: {year} is not a leap year")
        return value.strip()

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological; a less precise date sorts before more precise ones."""
        year, month, day, era = _DATE.match(self.date).groups()
        signed = -int(year) if era else int(year)
        return (signed, int(month or 0), int(day or 0))

    @property
    def parts(self) -> tuple[int, Optional[int], Optional[int], bool]:
        """(year, month or None, day or None, before the common era)."""
        year, month, day, era = _DATE.match(self.date).groups()
        return int(year), int(month) if month else None, int(day) if day else None, bool(era)

    @property
    def label(self) -> str:
        """The date in English; templates print `event_date(item)`, in the document's language."""
        if self.display:
            return self.display
        year, month, day, era = _DATE.match(self.date).groups()
        text = str(int(year))
        if month:
            text = f"{_MONTHS[int(month) - 1]} {text}"
        if day:
            text = f"{_MONTHS[int(month) - 1]} {int(day)}, {int(year)}"
        return f"{text} {era}" if era else text


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class Person(Model):
    name: str
    """The person's name."""
    years: Optional[str] = None
    """Life dates as text, such as 1894-1971."""
    role: Prose = None
    """Who they were, in a line (Markdown)."""

    @field_validator("years", mode="before")
    @classmethod
    def _years_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Question(Model):
    prompt: Text
    """The question (Markdown)."""
    lines: Optional[int] = Field(default=None, ge=0, le=40)
    """Ruled writing lines under the question in the student edition, 0 to 40."""
    answer: Prose = None
    """The expected answer, printed only in the teacher edition (Markdown)."""


class Topic(Model):
    kind: Literal["topic"]
    """topic: a chapter of background reading."""
    id: str
    """The module's id, used in a pack's modules; default: the file name without .yaml."""
    title: str
    """The chapter's title."""
    summary: Prose = None
    """A paragraph introducing the chapter (Markdown)."""
    objectives: list[Text] = []
    """What students will be able to do, one item each (Markdown)."""
    sections: list[Section] = Field(min_length=1)
    """The chapter's sections, in order: each a heading and a body, optionally a figure."""
    timeline: list[TimelineEvent] = []
    """Dated events; merged into the pack's timeline in date order."""
    people: list[Person] = []
    """The people the chapter introduces."""
    terms: list[Term] = []
    """Key terms, merged into the pack's glossary."""
    questions: list[Question] = []
    """Questions for students, with writing lines and teacher-edition answers."""
    teacher_notes: Prose = None
    """Notes printed only in the teacher edition (Markdown)."""

    _check_id = field_validator("id")(_safe_id)

    @field_validator("timeline")
    @classmethod
    def _chronological(cls, events: list[TimelineEvent]) -> list[TimelineEvent]:
        return sorted(events, key=lambda event: event.sort_key)


# --- debate modules ---------------------------------------------------------

class Cite(Model):
    source: str
    """The source's key in content/sources.yaml (with or without @)."""
    page: Optional[str] = None
    """A locator: a page (215), pages (pp. 3-5), a chapter (ch. 3), a number (no. 84)..."""

    _strip_at = field_validator("source")(_without_at)

    @field_validator("page", mode="before")
    @classmethod
    def _page_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Card(Model):
    tag: Text
    """The claim the evidence supports, in one line."""
    cite: Cite
    """Where the evidence comes from: a source key and a locator."""
    quals: Optional[str] = None
    """The author's qualifications, printed with the citation."""
    text: Text
    """The evidence itself; ==highlighted== words are what is read aloud."""
    paraphrase: bool = False
    """true when the text summarizes the source in the writer's words: it is labelled Summary, not set as a quotation."""


class Contention(Model):
    id: str
    """Unique in the module; rebuttals name it in answers."""
    tag: Text
    """The contention's claim, in one line."""
    argument: Prose = None
    """The debater's own reasoning (Markdown)."""
    cards: list[Card] = []
    """Evidence cards that support the contention."""


class Side(Model):
    label: Optional[str] = None
    """The side's name as printed; default: the format's name for the side."""
    contentions: list[Contention] = Field(min_length=1)
    """The side's case: its contentions, in order."""


class Rebuttal(Model):
    answers: str
    """The id of the contention of the other side that this block answers."""
    side: Optional[str] = None
    """The answering side; default: the side opposite the contention answered."""
    points: list[Text] = []
    """Analytical answers, one each (Markdown)."""
    cards: list[Card] = []
    """Evidence cards that answer the contention."""

    @model_validator(mode="after")
    def _has_content(self) -> "Rebuttal":
        if not self.points and not self.cards:
            raise ValueError("a rebuttal needs at least one of 'points' or 'cards'")
        return self


class Role(Model):
    name: str
    """The person played, as a roster's role column names it."""
    side: Optional[str] = None
    """The side the role debates on, if any."""
    faction: Optional[str] = None
    """The group the role belongs to, printed on the card."""
    goals: list[Text] = []
    """What the role wants to achieve, one each (Markdown)."""
    knows: Prose = None
    """A private briefing, printed only on this role's own card (Markdown)."""


class SpeakerPoints(Model):
    """A range of points a judge may give: `min` to `max` in steps of `step`."""

    min: float
    """The lowest points a judge may give."""
    max: float
    """The highest points a judge may give."""
    step: float = Field(default=0.5, gt=0)
    """The smallest step between point values (0.5 allows 27.5)."""

    @model_validator(mode="after")
    def _a_range(self) -> "SpeakerPoints":
        if self.min >= self.max:
            raise ValueError(f"points run from min to max: min ({self.min:g}) must be less than max ({self.max:g})")
        return self

    @property
    def label(self) -> str:
        """'25–30', as a ballot prints the range."""
        return f"{self.min:g}–{self.max:g}"


class Speech(Model):
    name: str
    """The speech's name as the format calls it ("First Affirmative Constructive")."""
    side: str
    """The side that speaks: one of the format's side keys, or both (a crossfire)."""
    minutes: float = Field(gt=0, le=120)
    """Speaking time in minutes; may be fractional (1.5)."""
    speaker: Optional[int] = Field(default=None, ge=1, le=9)  # which debater of the side (or team) gives it
    """Which debater of the side (or team) gives the speech: 1, 2...; speeches with the same number are one debater's."""
    points: Optional[SpeakerPoints] = None  # this speech's own range (World Schools replies: 30-40)
    """This speech's own points range, below the format's (World Schools replies: 30-40)."""


Ranks = Union[bool, Literal["speakers", "teams"]]


class Ballot(Model):
    """Who the judge scores and how (content-format.md, "Debate formats: ballots as
    tournaments print them"): each debater once (`per-speaker`) or each speech
    (`per-speech`), in `points`; `ranks` of speakers or teams; `team_total`s."""

    score: Literal["per-speaker", "per-speech"] = "per-speaker"
    """per-speaker (default): one ballot line per debater; per-speech: one line per speech (World Schools)."""
    points: Optional[SpeakerPoints] = None
    """The range of points on the ballot: {min, max, step}."""
    ranks: Ranks = False
    """true, speakers or teams: the judge ranks the speakers or the teams (true: teams where the format has teams)."""
    team_total: bool = False
    """true: each side's (or team's) points are added up on the ballot."""


class Team(Model):
    name: str
    """The team's name ("Opening Government")."""
    side: str
    """The side key the team speaks for."""
    speeches: list[str] = []
    """The names of the team's speeches."""


@dataclass(frozen=True)
class BallotRow:
    """One line of a ballot: a debater (per-speaker) or a speech (per-speech).

    `number` is the debater's number in the side or team (0 for a speech line);
    `speeches` the names of the speeches the line scores; `points` its range."""

    number: int
    speeches: tuple[str, ...]
    points: Optional[SpeakerPoints]


@dataclass(frozen=True)
class BallotGroup:
    """A side's (or, with teams, a team's) lines on the ballot."""

    side: str
    team: Optional[str]
    rows: tuple[BallotRow, ...]


class DebateFormat(Model):
    id: str
    """The format's id, as a debate's format names it."""
    name: str
    """The format's full name, printed on time tables and ballots."""
    sides: dict[SideKey, str] = Field(min_length=2)
    """The side keys and their printed names, such as {pro: Affirmative, con: Negative}."""
    prep_minutes: Optional[float] = Field(default=None, ge=0)
    """Preparation time per side, in minutes."""
    speeches: list[Speech] = Field(min_length=1)
    """Every speech in order: name, side and minutes."""
    notes: Prose = None
    """How the format runs, printed with the time table (Markdown)."""
    teams: list[Team] = []
    """Teams within a side, where a side has several (British Parliamentary)."""
    audience_vote: bool = False
    """true: the ballot has a place for the audience's vote."""
    first_side: Optional[str] = None  # the side that speaks first, or `coin` (decided by a coin toss)
    """The side key that speaks first, or coin: a coin toss decides (public forum)."""
    ballot: Optional[Ballot] = None
    """Who the judge scores and how: {score, points, ranks, team_total}."""
    # The ballot's `points`, `ranks` and `team_total` may also be written beside `ballot`;
    # `speaker_points` is the older name of `points` (projects written before ballots).
    points: Optional[SpeakerPoints] = None
    """The same as ballot.points, written beside ballot."""
    ranks: Optional[Ranks] = None
    """The same as ballot.ranks, written beside ballot."""
    team_total: Optional[bool] = None
    """The same as ballot.team_total, written beside ballot."""
    speaker_points: Optional[SpeakerPoints] = None
    """The older name of points: the range of speaker points on the ballot."""
    vocabulary: list[Literal["motion", "points-of-information", "crossfire"]] = []
    """Word sets the theme uses for this format's debates: motion (Motion for Resolved),
    points-of-information (for Cross-examination), crossfire."""

    @model_validator(mode="after")
    def _speech_sides_known(self) -> "DebateFormat":
        allowed = set(self.sides) | {"both"}
        found = [(("speeches", index, "side"),
                  f"speech '{speech.name}' has side '{speech.side}'; use one of {', '.join(sorted(allowed))}")
                 for index, speech in enumerate(self.speeches) if speech.side not in allowed]
        if found:
            raise FoundAt(found)
        return self

    @model_validator(mode="after")
    def _ballot_said_once(self) -> "DebateFormat":
        given = self.ballot.model_fields_set if self.ballot else set()
        for key in ("points", "ranks", "team_total"):
            beside = getattr(self, key)
            if beside is not None and key in given and getattr(self.ballot, key) != beside:
                raise FoundAt([((key,), f"'{key}' is given twice, beside 'ballot' and inside it, with different values; "
                                        "keep one")])
        if self.speaker_points is not None and self._points_given() not in (None, self.speaker_points):
            raise FoundAt([(("speaker_points",), "'speaker_points' (the older name of 'points') and 'points' differ; "
                                                 "keep 'points'")])
        return self

    def _points_given(self) -> Optional[SpeakerPoints]:
        if self.ballot and "points" in self.ballot.model_fields_set:
            return self.ballot.points
        return self.points

    @property
    def scoring(self) -> Ballot:
        """The ballot rules, wherever they were written (inside `ballot`, beside it, or
        as `speaker_points`)."""
        ballot = self.ballot or Ballot()
        given = ballot.model_fields_set
        return Ballot(
            score=ballot.score,
            points=self._points_given() or self.speaker_points,
            ranks=ballot.ranks if "ranks" in given else (self.ranks if self.ranks is not None else False),
            team_total=ballot.team_total if "team_total" in given else bool(self.team_total))

    @property
    def coin_toss(self) -> bool:
        return self.first_side == "coin"

    @property
    def opening_side(self) -> Optional[str]:
        """The side of the first speech: with a coin toss, the first-speaking team's."""
        return next((speech.side for speech in self.speeches if speech.side != "both"), None)

    @property
    def rank_speakers(self) -> bool:
        ranks = self.scoring.ranks
        return ranks == "speakers" or (ranks is True and not self.teams)

    @property
    def rank_teams(self) -> bool:
        ranks = self.scoring.ranks
        return ranks == "teams" or (ranks is True and bool(self.teams))

    def ballot_groups(self) -> list[BallotGroup]:
        """The lines of the ballot, side by side (or team by team): one per debater
        (speeches with the same `speaker` are one debater; without `speaker`, each speech
        is its own), or one per speech for `per-speech` ballots."""
        scoring = self.scoring
        groups = []
        if self.teams:
            parts = [(team.side, team.name, [s for s in self.speeches if s.name in team.speeches and s.side != "both"])
                     for team in self.teams]
        else:
            parts = [(side, None, [s for s in self.speeches if s.side == side]) for side in self.sides]
        for side, team, speeches in parts:
            if scoring.score == "per-speech":
                rows = [BallotRow(0, (s.name,), s.points or scoring.points) for s in speeches]
            else:
                debaters: dict[int, list[Speech]] = {}
                for index, speech in enumerate(speeches, 1):
                    debaters.setdefault(speech.speaker or -index, []).append(speech)
                ordered = sorted(debaters.items(), key=lambda item: item[0] if item[0] > 0 else 100 - item[0])
                rows = [BallotRow(number, tuple(s.name for s in said),
                                  next((s.points for s in said if s.points), None) or scoring.points)
                        for number, (_, said) in enumerate(ordered, 1)]
            groups.append(BallotGroup(side, team, tuple(rows)))
        return groups

    def problems(self) -> list[tuple[tuple, str]]:
        """Format data that does not fit together, each with where it is (a path of keys
        in the format) and what to do: speech points above the format's range, one
        debater scored on two ranges, speaker numbers with gaps, a speaker for a speech
        both sides share, an unknown `first_side`, ranks of teams without teams, a team
        naming a speech the format does not have."""
        found: list[tuple[tuple, str]] = []
        scoring = self.scoring
        if self.first_side is not None and self.first_side != "coin" and self.first_side not in self.sides:
            found.append((("first_side",), f"first_side '{self.first_side}' is not a side of the format; use "
                          f"{', '.join(self.sides)} or coin (a coin toss decides)"))
        numbered = [s for s in self.speeches if s.speaker is not None]
        for index, speech in enumerate(self.speeches):
            at = ("speeches", index)
            if speech.side == "both" and speech.speaker is not None:
                found.append((at + ("speaker",), f"speech '{speech.name}' is for both sides and has no single speaker; "
                              "remove 'speaker'"))
            elif numbered and speech.speaker is None and speech.side != "both":
                found.append((at, f"speech '{speech.name}' names no speaker, but other speeches do; give it "
                              "'speaker: N' (the debater of its side who gives it)"))
            if speech.points and scoring.points and speech.points.max > scoring.points.max:
                found.append((at + ("points",), f"speech '{speech.name}' is scored {speech.points.label}, above the "
                              f"format's range {scoring.points.label}; a speech's range may be lower (as World Schools "
                              "replies, 30–40) but not higher"))
        by_team = {s.name: team.name for team in self.teams for s in self.speeches if s.name in team.speeches}
        groups: dict[tuple, dict[int, int]] = {}
        for index, speech in enumerate(self.speeches):
            if speech.speaker is not None and speech.side != "both":
                groups.setdefault((speech.side, by_team.get(speech.name)), {}).setdefault(speech.speaker, index)
        for (side, team), numbers in groups.items():
            for missing in sorted(set(range(1, max(numbers) + 1)) - set(numbers)):
                higher = min(number for number in numbers if number > missing)
                who = f"team '{team}'" if team else f"the {self.sides.get(side, side)} side"
                found.append((("speeches", numbers[higher], "speaker"),
                              f"speaker {higher} of {who} has a speech, but no speech is given by speaker {missing}; "
                              f"number the speakers of {who} 1 to {len(numbers)}"))
        if scoring.score == "per-speaker":
            for group in self.ballot_groups():
                for row in group.rows:
                    ranges = {s.points or scoring.points for s in self.speeches if s.name in row.speeches}
                    if len(ranges) > 1:
                        index = next(i for i, s in enumerate(self.speeches) if s.name == row.speeches[-1])
                        found.append((("speeches", index, "points"),
                                      f"speeches {', '.join(row.speeches)} are one debater's, scored once on a "
                                      "per-speaker ballot, but have different points; give them one range, or use "
                                      "ballot: {score: per-speech}"))
        if scoring.ranks == "teams" and not self.teams:
            found.append((("ballot", "ranks") if self.ballot and "ranks" in self.ballot.model_fields_set else ("ranks",),
                          "ranks: teams needs 'teams' (which speeches each team gives); or use ranks: speakers"))
        names = {s.name for s in self.speeches}
        for t, team in enumerate(self.teams):
            if team.side not in self.sides:
                found.append((("teams", t, "side"), f"team '{team.name}' has side '{team.side}'; use one of "
                              f"{', '.join(self.sides)}"))
            for n, name in enumerate(team.speeches):
                if name not in names:
                    found.append((("teams", t, "speeches", n), f"team '{team.name}' gives speech '{name}', which the "
                                  "format does not have; use a speech name from 'speeches'"))
        return found


class Debate(Model):
    kind: Literal["debate"]
    """debate: a resolution argued by two sides."""
    id: str
    """The module's id, used in a pack's modules; default: the file name without .yaml."""
    title: str
    """The debate's title."""
    resolution: Text
    """The motion the sides argue (Markdown)."""
    format: Any = "classroom"  # a format id or an inline format; read in loader.py, linked in project.py
    """A format id (classroom, policy, lincoln-douglas, public-forum, british-parliamentary, world-schools, oxford, or one under formats/) or a format written out here; default classroom."""
    background: Prose = None
    """What debaters need to know first (Markdown)."""
    definitions: list[Term] = []
    """The resolution's terms, as both sides are to use them."""
    sides: dict[SideKey, Side] = Field(min_length=1)
    """Each side's case, by the format's side keys (pro, con)."""
    rebuttals: list[Rebuttal] = []
    """Answers to the other side's contentions ("A2" blocks)."""
    cross_examination: dict[str, list[Text]] = {}
    """Questions to ask each side, by side key."""
    roles: list[Role] = []
    """Role cards for a role-play debate, one per person."""
    teacher_notes: Prose = None
    """Notes printed only in the teacher edition (Markdown)."""

    _check_id = field_validator("id")(_safe_id)

    @property
    def side_keys(self) -> list[str]:
        return list(self.sides)

    def side_of(self, contention_id: str) -> Optional[str]:
        for key, side in self.sides.items():
            if any(c.id == contention_id for c in side.contentions):
                return key
        return None

    def rebuttals_for(self, contention_id: str) -> list[Rebuttal]:
        return [r for r in self.rebuttals if r.answers == contention_id]
