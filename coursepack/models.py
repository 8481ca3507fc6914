"""Typed, frozen models of everything a teacher writes (content-format.md).

Field names are the public contract: they are exactly the YAML keys. The
models check shape and single-field rules; checks that need more than one
file (references, glossary conflicts) live in references.py.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal, Optional

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

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


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
    orientation: Literal["portrait", "landscape"] = "portrait"
    duplex: bool = False
    bleed: str = "0"  # printed area beyond the trimmed page, for a print shop: "3mm", "0.125in"
    marks: Literal["none", "crop"] = "none"  # crop marks, drawn outside the bleed

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


class PackConfig(Model):
    id: str
    title: Optional[str] = None
    modules: list[str] = Field(min_length=1)
    editions: list[EditionId] = Field(default=["student"], min_length=1)  # see layouts.py
    layout: LayoutId = "course-pack"  # see layouts.py
    bibliography: Literal["cited", "all"] = "cited"
    side: Optional[str] = None  # packet layout: print this side's case only (a roster row may override it)
    card_text: Literal["full", "read-aloud"] = "full"  # read-aloud: only the highlighted words of each card
    role_cards: Literal["sheet", "page"] = "sheet"  # build/<id>-roles.pdf: several cards a page, or one
    booklet: bool = False  # also write build/<id>-booklet.pdf, imposed for saddle-stitching

    _check_id = field_validator("id")(_safe_id)


class ProjectConfig(Model):
    title: str
    course: Optional[str] = None
    author: Optional[str] = None
    school: Optional[str] = None
    language: str = "en"
    page: PageSettings = PageSettings()
    citation_style: str = "chicago-author-date"
    packs: list[PackConfig] = Field(min_length=1)
    pdf: PdfSettings = PdfSettings()

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", value):
            raise ValueError(f"language '{value}' is not a BCP 47 tag such as en, en-GB, fr or de")
        return value


# --- shared pieces ----------------------------------------------------------

class Term(Model):
    term: str
    definition: Text
    source: Optional[str] = None

    @property
    def sort_key(self) -> str:
        """Glossary order and identity: accents sort with their base letter, case ignored."""
        decomposed = unicodedata.normalize("NFKD", self.term.strip())
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()

    _strip_at = field_validator("source")(_without_at)


# --- topic modules ----------------------------------------------------------

class Figure(Model):
    image: str
    alt: str = Field(min_length=1)
    caption: Prose = None


class Section(Model):
    heading: str
    body: Text
    figure: Optional[Figure] = None


_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:\s*(BCE|BC))?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class TimelineEvent(Model):
    date: str
    event: Text
    display: Optional[str] = None

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
    def label(self) -> str:
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
    years: Optional[str] = None
    role: Prose = None

    @field_validator("years", mode="before")
    @classmethod
    def _years_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Question(Model):
    prompt: Text
    lines: Optional[int] = Field(default=None, ge=0, le=40)
    answer: Prose = None


class Topic(Model):
    kind: Literal["topic"]
    id: str
    title: str
    summary: Prose = None
    objectives: list[Text] = []
    sections: list[Section] = Field(min_length=1)
    timeline: list[TimelineEvent] = []
    people: list[Person] = []
    terms: list[Term] = []
    questions: list[Question] = []
    teacher_notes: Prose = None

    _check_id = field_validator("id")(_safe_id)

    @field_validator("timeline")
    @classmethod
    def _chronological(cls, events: list[TimelineEvent]) -> list[TimelineEvent]:
        return sorted(events, key=lambda event: event.sort_key)


# --- debate modules ---------------------------------------------------------

class Cite(Model):
    source: str
    page: Optional[str] = None

    _strip_at = field_validator("source")(_without_at)

    @field_validator("page", mode="before")
    @classmethod
    def _page_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Card(Model):
    tag: Text
    cite: Cite
    quals: Optional[str] = None
    text: Text
    paraphrase: bool = False


class Contention(Model):
    id: str
    tag: Text
    argument: Prose = None
    cards: list[Card] = []


class Side(Model):
    label: Optional[str] = None
    contentions: list[Contention] = Field(min_length=1)


class Rebuttal(Model):
    answers: str
    side: Optional[str] = None
    points: list[Text] = []
    cards: list[Card] = []

    @model_validator(mode="after")
    def _has_content(self) -> "Rebuttal":
        if not self.points and not self.cards:
            raise ValueError("a rebuttal needs at least one of 'points' or 'cards'")
        return self


class Role(Model):
    name: str
    side: Optional[str] = None
    faction: Optional[str] = None
    goals: list[Text] = []
    knows: Prose = None


class Speech(Model):
    name: str
    side: str
    minutes: float = Field(gt=0, le=120)


class SpeakerPoints(Model):
    min: float
    max: float
    step: float = 0.5


class Team(Model):
    name: str
    side: str
    speeches: list[str] = []


class DebateFormat(Model):
    id: str
    name: str
    sides: dict[SideKey, str] = Field(min_length=2)
    prep_minutes: Optional[float] = Field(default=None, ge=0)
    speeches: list[Speech] = Field(min_length=1)
    notes: Prose = None
    teams: list[Team] = []
    audience_vote: bool = False
    speaker_points: Optional[SpeakerPoints] = None

    @model_validator(mode="after")
    def _speech_sides_known(self) -> "DebateFormat":
        allowed = set(self.sides) | {"both"}
        found = [(("speeches", index, "side"),
                  f"speech '{speech.name}' has side '{speech.side}'; use one of {', '.join(sorted(allowed))}")
                 for index, speech in enumerate(self.speeches) if speech.side not in allowed]
        if found:
            raise FoundAt(found)
        return self


class Debate(Model):
    kind: Literal["debate"]
    id: str
    title: str
    resolution: Text
    format: Any = "classroom"  # a format id or an inline format; read in loader.py, linked in project.py
    background: Prose = None
    definitions: list[Term] = []
    sides: dict[SideKey, Side] = Field(min_length=1)
    rebuttals: list[Rebuttal] = []
    cross_examination: dict[str, list[Text]] = {}
    roles: list[Role] = []
    teacher_notes: Prose = None

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
