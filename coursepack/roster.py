"""A class roster, as school systems export it -> the students to print packets for.

Rules (content-format.md, "Rosters" and "Additions: Rosters"):

- A CSV or TSV text file (UTF-8, with or without a byte-order mark, or UTF-16 with a
  byte-order mark, as Excel's "Unicode Text" is), comma, semicolon or tab separated
  (detected from the header line), or an Excel workbook (`.xlsx`: the first sheet, read
  with openpyxl). The first non-blank row names the columns.
- Headers are matched without regard to case, accents, spacing and punctuation, in
  English, German, French and Spanish (`Student Name`, `Nom`, `Klasse`, `Seite`...).
- The name comes from a name column (`name`, `student`, `student name`, `full name`...) or
  from first and last name columns (`first name`/`given name` + `last name`/`surname`/
  `family name`); a name written "Last, First" (Canvas, PowerSchool) prints "First Last".
- Rows that are not students (blank names, Canvas's "Points Possible" row and test
  student) are skipped with a note; columns that are not used are named in a note.

Every problem names the row (its line in the file, or its row in the sheet) and is
collected, not just the first.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime
import io
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
_MAX_SHEET_ROWS = 2000  # rows read from a workbook (a sheet may claim a million)
_MAX_SHEET_COLUMNS = 200


@dataclass(frozen=True)
class Student:
    row: int  # the line of the file (or row of the sheet) the row starts on; the header is line 1
    name: str  # as a teacher writes it: "First Last"
    period: Optional[str] = None
    side: Optional[str] = None  # a side key of the debate (pro, con...)
    role: Optional[Role] = None
    debate: Optional[Debate] = None  # the debate `role` belongs to
    fields: dict[str, str] = field(default_factory=dict)  # every column, by folded header ("student name")
    number_width: int = 1  # digits of the row number in file names, so that they sort in class order

    @property
    def file_stem(self) -> str:
        """`<row number>-<safe name>`, the row number zero-padded to the roster's widest."""
        return f"{self.row:0{self.number_width}d}-{safe_file_name(self.name)}"


@dataclass(frozen=True)
class Roster:
    """The students of a roster and the notes about what was skipped or not used."""

    students: list[Student]
    notes: list[Problem]  # each message starts with "note: "


def safe_file_name(name: str) -> str:
    """A name any file system and e-mail client accepts: accents dropped, other
    letters kept, everything else a single '-'."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem = re.sub(r"[^\w]+|_", "-", unicodedata.normalize("NFC", plain)).strip("-")
    return stem[:60].rstrip("-") or "student"


def read_roster(path: Path, shown: str, debates: list[Debate]) -> Roster:
    """The students of a roster file (CSV, TSV or .xlsx), checked against the pack's debates.

    `shown` is the file's name in messages. Raises CoursepackError with every problem
    found, each naming the row."""
    data = _read_bytes(path, shown)
    if path.suffix.lower() in (".xlsx", ".xlsm") or _is_workbook(data):
        rows = _sheet_rows(data, shown)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise CoursepackError([Problem(shown, 0, 0,
            "this is an old Excel workbook (.xls); open it in the spreadsheet and save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8'")])
    else:
        rows = _text_rows(_decode(data, shown), shown)
    return _roster(shown, rows, debates)


# -- reading ---------------------------------------------------------------------

def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_ROSTER_BYTES:
            raise CoursepackError([Problem(shown, 0, 0,
                f"the file is {size // 1024} KiB; a roster is at most {MAX_ROSTER_BYTES // 1024} KiB; is this the right file?")])
        return path.read_bytes()
    except OSError as exc:
        raise CoursepackError([Problem(shown, 0, 0, f"cannot read the roster: {exc.strerror or exc}")]) from None


def _is_workbook(data: bytes) -> bool:
    """An .xlsx workbook under another name (a zip archive holding xl/workbook.xml)."""
    import zipfile

    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _decode(data: bytes, shown: str) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CoursepackError([Problem(shown, 0, 0,
                f"the file says it is UTF-16 text (Excel's 'Unicode Text') but byte {exc.start} is not; "
                "export the roster from the spreadsheet again, as 'CSV UTF-8'")]) from None
        return text.lstrip("\ufeff")
    if b"\x00" in data:
        if data[:4] == b"PK\x03\x04":
            what = "a zip archive, not an Excel workbook"
        elif len(data) > 3 and (data[1::2].count(0) > len(data) // 4 or data[0::2].count(0) > len(data) // 4):
            what = "UTF-16 text without a byte-order mark"
        else:
            what = "binary data"
        raise CoursepackError([Problem(shown, 0, 0,
            f"this is not a CSV text file (it holds {what}); export the roster from the spreadsheet as "
            "'CSV UTF-8' or save it as .xlsx")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CoursepackError([Problem(shown, line, 1,
            "this line is not UTF-8 text; save the roster as 'CSV UTF-8' (Excel) or choose UTF-8 when exporting")]) from None


def _text_rows(text: str, shown: str) -> list[tuple[int, list[str]]]:
    """(line the row starts on, cells) for every row, blank ones included; the delimiter
    (tab, semicolon or comma) is the one the header line uses most, outside quotes."""
    lines = text.splitlines(keepends=True)
    header = next((line for line in lines if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    delimiter = max(("\t", ";", ","), key=lambda d: (unquoted.count(d), d == ","))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CoursepackError([Problem(shown, reader.line_num or line, 1,
            f"cannot read this row ({exc}); export the roster again from the spreadsheet")]) from None
    return rows


def _sheet_rows(data: bytes, shown: str) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of the first sheet of an .xlsx workbook."""
    import zipfile

    try:
        import openpyxl
    except ImportError:  # a declared dependency; only a broken installation lacks it
        raise CoursepackError([Problem(shown, 0, 0,
            "reading .xlsx rosters needs the openpyxl package (pip install openpyxl); or save the sheet as 'CSV UTF-8'")]) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise CoursepackError([Problem(shown, 0, 0,
            f"cannot read this as an Excel workbook ({type(exc).__name__}: {exc}); open it in the spreadsheet and "
            "save it again as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'")]) from None
    try:
        if not book.worksheets:
            return []
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_row=_MAX_SHEET_ROWS,
                                                        max_col=_MAX_SHEET_COLUMNS), 1):
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            rows.append((number, cells))
        return rows
    finally:
        book.close()


def _cell_text(value) -> str:
    """A cell as it shows in the sheet: 3 not 3.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# -- headers ---------------------------------------------------------------------

def fold(text: str) -> str:
    """A header or value as it is compared: accents dropped, case ignored, any run of
    spaces and punctuation a single space ("Student_Name " -> "student name")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


# The usual headers of each column a roster uses, folded, in English, German, French and
# Spanish. "name" is the whole name, unless a first- or last-name column stands beside it
# (German "Name" + "Vorname", French "Nom" + "Prénom": the surname; Spanish "Nombre" +
# "Apellidos": the given name).
_HEADERS = {
    "name": ("name", "names", "student", "students", "student name", "full name", "student full name",
             "name of student", "pupil", "pupil name", "learner", "display name",
             "schuler", "schueler", "schulerin", "schuelerin", "schuler in", "vollstandiger name",
             "nom", "nom complet", "eleve", "nom de l eleve", "etudiant",
             "nombre", "nombre completo", "alumno", "alumna", "estudiante", "nombre del alumno"),
    "first": ("first name", "firstname", "first", "given name", "given names", "givenname", "forename",
              "preferred name", "vorname", "vornamen", "prenom", "prenoms", "nombres", "nombre de pila"),
    "last": ("last name", "lastname", "last", "surname", "family name", "familyname",
             "nachname", "familienname", "nom de famille", "apellido", "apellidos"),
    "period": ("period", "class", "class period", "section", "homeroom", "form", "group", "class group",
               "klasse", "kurs", "gruppe", "stunde", "lerngruppe",
               "classe", "groupe", "periode", "clase", "grupo", "periodo", "seccion", "curso"),
    "side": ("side", "position", "stance", "debate side", "seite", "standpunkt", "partei",
             "cote", "camp", "lado", "postura", "bando"),
    "role": ("role", "character", "part", "persona", "debate role", "rolle", "figur",
             "personnage", "rol", "papel", "personaje"),
}
_HEADER_USE = {folded: use for use, words in _HEADERS.items() for folded in words}
_USE_NAMES = {"name": "the name", "first": "the first name", "last": "the last name",
              "period": "the period", "side": "the side", "role": "the role"}


@dataclass
class _Columns:
    """Which column (index) holds what."""

    headers: list[str]  # as written
    use: dict[str, int] = field(default_factory=dict)  # name/first/last/period/side/role -> index

    def value(self, cells: list[str], use: str) -> str:
        index = self.use.get(use)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def _columns(shown: str, line: int, headers: list[str]) -> tuple[_Columns, list[Problem]]:
    """Which column holds the name (or first and last name), period, side and role."""
    problems: list[Problem] = []
    columns = _Columns([h.strip() for h in headers])
    seen: dict[str, str] = {}
    for index, header in enumerate(columns.headers):
        folded = fold(header)
        if not folded:
            continue
        if folded in seen:
            problems.append(Problem(shown, line, 1,
                f"column '{header}' appears twice in the header row (also as '{seen[folded]}'); rename one"
                if seen[folded] != header else f"column '{header}' appears twice in the header row; rename one"))
            continue
        seen[folded] = header
        use = _HEADER_USE.get(folded)
        if use and use not in columns.use:
            columns.use[use] = index
    use = columns.use
    if "first" in use and "last" not in use and "name" in use:
        use["last"] = use.pop("name")  # Name + Vorname, Nom + Prénom: the name column holds the surname
    elif "last" in use and "first" not in use and "name" in use:
        use["first"] = use.pop("name")  # Nombre + Apellidos
    if "first" in use and "last" in use:
        use.pop("name", None)
    if "name" not in use and not ("first" in use and "last" in use):
        problems.append(Problem(shown, line, 1, _no_name_message(columns)))
    return columns, problems


def _no_name_message(columns: _Columns) -> str:
    found = ", ".join(f"'{h}'" for h in columns.headers if h) or "nothing"
    use = columns.use
    if "first" in use:
        return (f"the header row has a first-name column ('{columns.headers[use['first']]}') but no last-name column; "
                f"it has: {found}. Add a 'last name' column, or name a column of whole names 'name'")
    if "last" in use:
        return (f"the header row has a last-name column ('{columns.headers[use['last']]}') but no first-name column; "
                f"it has: {found}. Add a 'first name' column, or name a column of whole names 'name'")
    for header in columns.headers:
        part = _name_part(fold(header)) if header else None
        if part:  # 'student_first', 'Given': half a name; calling it 'name' would print half names
            other = "last" if part == "first" else "first"
            return (f"the header row has no column for the students' whole names; '{header}' looks like a {part}-name "
                    f"column: call it '{part} name' and add a '{other} name' column, or give a column of whole "
                    f"names the header 'name'; it has: {found}")
    close = [h for h in columns.headers if h and suggest(fold(h), ["name", "student", "student name", "full name"])]
    hint = f" ('{close[0]}' looks like a misspelling of 'name')" if close else ""
    return (f"the header row has no column for the students' names{hint}; it has: {found}. "
            "The first row must name the columns: call the column of whole names 'name' (or 'student', 'full name'), "
            "or use two columns 'first name' and 'last name'")


def _name_part(folded: str) -> Optional[str]:
    """'first' or 'last' when a header that is none of the usual ones still names half of
    a name ("student first", "surname of pupil"); else None."""
    words = set(folded.split())
    for part in ("first", "last"):
        if any(word in words or (" " in word and word in folded) for word in _HEADERS[part] if word != "nom"):
            return part
    return None


# -- rows ------------------------------------------------------------------------

# Rows a gradebook adds that are not students: Canvas's "Points Possible" row (and the
# "Muted" row of older exports) and its "Test Student".
_NOT_STUDENTS = {"points possible": "the gradebook's points row", "muted": "the gradebook's muted-assignments row",
                 "test student": "the gradebook's test student", "student test": "the gradebook's test student"}


def person_name(first: str, last: str, whole: str) -> str:
    """The name as a teacher writes it on a cover: "First Last".

    A whole name written "Last, First" (one comma, as Canvas and PowerSchool export it)
    is turned round; "Last, First, Jr." and names without a comma are kept as written."""
    if first or last:
        return " ".join(" ".join(part.split()) for part in (first, last) if part)
    whole = " ".join(whole.split())
    if whole.count(",") == 1:
        family, given = (part.strip() for part in whole.split(","))
        if family and given:
            return f"{given} {family}"
    return whole


def _roster(shown: str, rows: list[tuple[int, list[str]]], debates: list[Debate]) -> Roster:
    notes: list[Problem] = []
    rows = list(rows)
    while rows and not any(cell.strip() for cell in rows[0][1]):
        rows.pop(0)  # blank lines above the header
    if not rows:
        raise CoursepackError([Problem(shown, 0, 0, "the roster is empty; it needs a header row naming the columns "
                                                    "('name', or 'first name' and 'last name'; 'period', 'side', 'role')")])
    header_line, header = rows[0]
    columns, problems = _columns(shown, header_line, header)
    if problems:
        raise CoursepackError(problems)
    matcher = _Matcher(debates)
    students: list[Student] = []
    used_columns: set[int] = set(columns.use.values())
    blank: list[int] = []  # rows with nothing in them, between students
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            blank.append(line)
            continue
        extra = [cell for cell in cells[len(columns.headers):] if cell.strip()]
        if extra:
            problems.append(Problem(shown, line, 1,
                f"row {line} has {len(cells)} cells but the header names {len(columns.headers)} columns; "
                "add a header for the extra column or remove it"))
            continue
        whole = columns.value(cells, "name")
        name = person_name(columns.value(cells, "first"), columns.value(cells, "last"), whole)
        if not name:
            filled = [columns.headers[i] or f"column {i + 1}" for i, cell in enumerate(cells)
                      if cell.strip() and i < len(columns.headers)]
            notes.append(Problem(shown, line, 1, f"note: row {line} has no name (only {', '.join(filled)}); "
                                                 "skipped, as it is not a student"))
            continue
        reason = _NOT_STUDENTS.get(fold(whole or name))
        if reason:
            notes.append(Problem(shown, line, 1, f"note: row {line} ('{whole.strip() or name}') is {reason}, "
                                                 "not a student; skipped"))
            continue
        student = _student(shown, line, columns, cells, name, matcher, problems)
        if student:
            students.append(student)
    last = max((line for line, cells in rows[1:] if any(cell.strip() for cell in cells)), default=0)
    blank = [line for line in blank if line < last]  # the empty rows a spreadsheet leaves at the end are no news
    if blank:
        shown_rows = [str(line) for line in blank[:5]] + ([f"{len(blank) - 5} more"] if len(blank) > 5 else [])
        listed = " and ".join(filter(None, [", ".join(shown_rows[:-1]), shown_rows[-1]]))
        notes.append(Problem(shown, blank[0], 1, f"note: {'row' if len(blank) == 1 else 'rows'} {listed} "
                                                 f"{'is' if len(blank) == 1 else 'are'} blank; skipped"))
    if not students and not problems:
        problems.append(Problem(shown, 0, 0, "the roster has a header row but no students"))
    if len(students) > MAX_STUDENTS:
        problems.append(Problem(shown, 0, 0, f"the roster has {len(students)} students; the limit is {MAX_STUDENTS}"))
    if problems:
        raise CoursepackError(problems)
    unused = [h for i, h in enumerate(columns.headers) if h and i not in used_columns]
    if unused:
        notes.append(Problem(shown, header_line, 1,
            f"note: reading {_columns_read(columns)}; not used: {', '.join(repr(h) for h in unused)} "
            "(templates can show them as student.fields)"))
    width = max(2, len(str(max(s.row for s in students))))
    students = [dataclasses.replace(student, number_width=width) for student in students]
    return Roster(students, notes)


def _columns_read(columns: _Columns) -> str:
    """'the name from 'Student', the period from 'Section'' and so on, in the header's order."""
    read = sorted(columns.use.items(), key=lambda item: item[1])
    return ", ".join(f"{_USE_NAMES[use]} from '{columns.headers[index]}'" for use, index in read)


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
                    self.sides.setdefault(fold(spelling), key)
                if key not in self.side_names:
                    self.side_names.append(key)
                    self.side_choices.append(f"{key} ({side.label})" if side.label and side.label != key else key)
            for role in debate.roles:
                self.roles.setdefault(fold(role.name), (role, debate))
        for key, words in _SIDE_WORDS.items():  # after the debate's own labels, which win
            if key in self.side_names:
                for word in words:
                    self.sides.setdefault(fold(word), key)

    def side(self, value: str) -> Optional[str]:
        return self.sides.get(fold(value))

    def role(self, value: str) -> Optional[tuple[Role, Debate]]:
        return self.roles.get(fold(value))


# What teachers call the two sides, whatever the format and in en, de, fr, es: a roster
# made for one format still works with another.
_SIDE_WORDS = {
    "pro": ("affirmative", "aff", "proposition", "prop", "government", "gov", "for",
            "dafür", "dafuer", "für", "regierung", "befürworter", "pour", "gouvernement",
            "a favor", "favor", "afirmativo", "afirmativa", "gobierno", "proposición"),
    "con": ("negative", "neg", "opposition", "opp", "against",
            "contra", "dagegen", "gegen", "gegner", "contre", "négatif", "negatif",
            "en contra", "negativo", "negativa", "oposición"),
}


def _student(shown: str, line: int, columns: _Columns, cells: list[str], name: str, matcher: _Matcher,
             problems: list[Problem]) -> Optional[Student]:
    values = {fold(header): cell.strip() for header, cell in zip(columns.headers, cells) if fold(header)}
    side_text, role_text = columns.value(cells, "side"), columns.value(cells, "role")
    side = role = debate = None
    if side_text:
        side = matcher.side(side_text)
        if side is None:
            choices = sorted(set(matcher.sides))
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): side '{side_text}' is not a side of this debate"
                f"{suggest(fold(side_text), choices)}; use one of: {', '.join(matcher.side_choices) or 'no sides: the pack has no debate'}"))
            return None
    if role_text:
        found = matcher.role(role_text)
        if found is None:
            names = [role.name for role, _ in matcher.roles.values()]
            listed = f"; roles: {', '.join(names)}" if names else "; the debate defines no roles"
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): role '{role_text}' is not a role in the debate{suggest(role_text, names)}{listed}"))
            return None
        role, debate = found
        if role.side and side and role.side != side:
            problems.append(Problem(shown, line, 1,
                f"row {line} ({name}): side '{side_text}' contradicts role '{role.name}', which is on side "
                f"'{role.side}'; correct the side or the role, or leave the side empty"))
            return None
        side = side or role.side
    return Student(row=line, name=name, period=columns.value(cells, "period") or None, side=side, role=role,
                   debate=debate, fields=values)
