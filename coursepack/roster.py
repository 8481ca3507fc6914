"""A class roster (CSV from a spreadsheet) -> the students to print packets for.

Rules (content-format.md, "Rosters"): a header row; UTF-8 with or without a
byte-order mark; comma or semicolon delimited; `name` required; `side`, `role`,
`period` and any other columns optional; blank rows skipped. Every problem
names the row (its line in the file) and is collected, not just the first.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import CoursepackError, Problem
from .models import Debate, Role
from .validation import suggest

MAX_ROSTER_BYTES = 1024 * 1024  # a class list is a few kilobytes; a megabyte is surely the wrong file
MAX_STUDENTS = 500  # a year group; every packet of a combined file is held in memory once


@dataclass(frozen=True)
class Student:
    row: int  # the line of the file the row starts on (the header is line 1)
    name: str
    period: Optional[str] = None
    side: Optional[str] = None  # a side key of the debate (pro, con...)
    role: Optional[Role] = None
    debate: Optional[Debate] = None  # the debate `role` belongs to
    fields: dict[str, str] = field(default_factory=dict)  # every column, by lower-case header

    @property
    def file_stem(self) -> str:
        return f"{self.row}-{safe_file_name(self.name)}"


def safe_file_name(name: str) -> str:
    """A name any file system and e-mail client accepts: accents dropped, other
    letters kept, everything else a single '-'."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem = re.sub(r"[^\w]+|_", "-", unicodedata.normalize("NFC", plain)).strip("-")
    return stem[:60].rstrip("-") or "student"


def load_roster(path: Path, shown: str, debates: list[Debate]) -> list[Student]:
    """The students of a roster file, checked against the pack's debates."""
    text = _read_text(path, shown)
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(_rows(text, delimiter))
    except csv.Error as exc:
        raise CoursepackError([Problem(shown, 0, 0, f"cannot read the CSV ({exc}); export it again from the spreadsheet")]) from None
    if not rows:
        raise CoursepackError([Problem(shown, 0, 0, "the roster is empty; it needs a header row with a 'name' column")])
    header_line, header = rows[0]
    columns = [cell.strip().lower() for cell in header]
    problems = _header_problems(shown, header_line, columns)
    if problems:
        raise CoursepackError(problems)
    students: list[Student] = []
    matcher = _Matcher(debates)
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank rows, as spreadsheets leave them, are skipped
        student = _student(shown, line, columns, cells, matcher, problems)
        if student:
            students.append(student)
    if not students and not problems:
        problems.append(Problem(shown, 0, 0, "the roster has a header row but no students"))
    if len(students) > MAX_STUDENTS:
        problems.append(Problem(shown, 0, 0, f"the roster has {len(students)} students; the limit is {MAX_STUDENTS}"))
    if problems:
        raise CoursepackError(problems)
    return students


def _read_text(path: Path, shown: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_ROSTER_BYTES:
            raise CoursepackError([Problem(shown, 0, 0,
                f"the file is {size // 1024} KiB; a roster is at most {MAX_ROSTER_BYTES // 1024} KiB; is this the right file?")])
        data = path.read_bytes()
    except OSError as exc:
        raise CoursepackError([Problem(shown, 0, 0, f"cannot read the roster: {exc.strerror or exc}")]) from None
    if b"\x00" in data:
        raise CoursepackError([Problem(shown, 0, 0,
            "this is not a CSV text file (it holds binary data); export the roster from the spreadsheet as CSV")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CoursepackError([Problem(shown, line, 1,
            "this line is not UTF-8 text; save the roster as 'CSV UTF-8' (Excel) or choose UTF-8 when exporting")]) from None


def _rows(text: str, delimiter: str):
    """(line the row starts on, cells) for every row, blank ones included."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def _header_problems(shown: str, line: int, columns: list[str]) -> list[Problem]:
    problems = []
    if "name" not in columns:
        found = ", ".join(c for c in columns if c) or "nothing"
        problems.append(Problem(shown, line, 1,
            f"the header row has no 'name' column{suggest('name', columns)}; it has: {found}. "
            "The first row must name the columns, one of them 'name'"))
    seen = set()
    for column in columns:
        if column and column in seen:
            problems.append(Problem(shown, line, 1, f"column '{column}' appears twice in the header row; rename one"))
        seen.add(column)
    return problems


class _Matcher:
    """Finds sides (by key or label) and roles (by name) the way a teacher types them."""

    def __init__(self, debates: list[Debate]):
        self.sides: dict[str, str] = {}
        self.side_names: list[str] = []
        self.side_choices: list[str] = []  # as the error message lists them: "pro (Proposition)"
        self.roles: dict[str, tuple[Role, Debate]] = {}
        for debate in debates:
            for key, side in debate.sides.items():
                for spelling in (key, side.label or key):
                    self.sides.setdefault(_folded(spelling), key)
                if key not in self.side_names:
                    self.side_names.append(key)
                    self.side_choices.append(f"{key} ({side.label})" if side.label and side.label != key else key)
            for role in debate.roles:
                self.roles.setdefault(_folded(role.name), (role, debate))
        for key, words in _SIDE_WORDS.items():  # after the debate's own labels, which win
            if key in self.side_names:
                for word in words:
                    self.sides.setdefault(word, key)

    def side(self, value: str) -> Optional[str]:
        return self.sides.get(_folded(value))

    def role(self, value: str) -> Optional[tuple[Role, Debate]]:
        return self.roles.get(_folded(value))


# What teachers call the two sides, whatever the format: a roster made for one format
# still works with another.
_SIDE_WORDS = {
    "pro": ("affirmative", "aff", "proposition", "prop", "government", "gov", "for"),
    "con": ("negative", "neg", "opposition", "opp", "against"),
}


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _student(shown: str, line: int, columns: list[str], cells: list[str], matcher: _Matcher,
             problems: list[Problem]) -> Optional[Student]:
    extra = [cell for cell in cells[len(columns):] if cell.strip()]
    if extra:
        problems.append(Problem(shown, line, 1,
            f"row {line} has {len(cells)} cells but the header names {len(columns)} columns; "
            "add a header for the extra column or remove it"))
        return None
    values = {column: cell.strip() for column, cell in zip(columns, cells) if column}
    name = values.get("name", "")
    if not name:
        problems.append(Problem(shown, line, 1, f"row {line} has no name; fill in the name or delete the row"))
        return None
    side = role = debate = None
    if values.get("side"):
        side = matcher.side(values["side"])
        if side is None:
            choices = sorted(set(matcher.sides))
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): side '{values['side']}' is not a side of this debate"
                f"{suggest(values['side'].casefold(), choices)}; use one of: {', '.join(matcher.side_choices)}"))
            return None
    if values.get("role"):
        found = matcher.role(values["role"])
        if found is None:
            names = [role.name for role, _ in matcher.roles.values()]
            listed = f"; roles: {', '.join(names)}" if names else "; the debate defines no roles"
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): role '{values['role']}' is not a role in the debate{suggest(values['role'], names)}{listed}"))
            return None
        role, debate = found
        if role.side and side and role.side != side:
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): side '{values['side']}' contradicts role '{role.name}', which is on side "
                f"'{role.side}'; correct the side or the role, or leave the side empty"))
            return None
        side = side or role.side
    return Student(row=line, name=name, period=values.get("period") or None, side=side, role=role,
                   debate=debate, fields=values)
