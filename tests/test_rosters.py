"""Rosters as school systems export them (content-format.md, "Additions: Rosters"), and
the packet fixes a class finds: a topic-only course pack, file names in class order,
packets of an earlier roster, singular counts, read-aloud cards at body size.

The files in tests/fixtures/rosters/ are the exports of shared cases 06, 07 and 08
(Canvas, PowerSchool, Google Classroom, Excel "Unicode Text", a Sheets TSV, an ANSI CSV).
"""
import copy
import ctypes
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CONFIG, DEBATE, run_cli, small_project
from test_packets import PACKET_PACK, packet_project, texts

FIXTURES = Path(__file__).parent / "fixtures" / "rosters"


def read(root, name, content=None):
    """The students and notes of a roster in the small packet project."""
    from coursepack.project import load_project
    from coursepack.roster import read_roster

    path = root / name
    if content is not None:
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    project = load_project(root)
    return read_roster(path, name, [project.modules["split"]])


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = packet_project(tmp_path_factory.mktemp("rosters") / "proj")
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, root / fixture.name)
    return root


# ---------------------------------------------------------------- reading the exports

@pytest.mark.parametrize("name, expected", [
    # Canvas: "Student" holds "Last, First"; "Section" is the class; row 2 is "Points Possible"
    ("canvas-gradebook.csv", [(3, "Thi Minh Anh Nguyen", "History 10 - Period 3"), (4, "Sean O'Brien", "History 10 - Period 3"),
                              (5, "Layla Al-Farsi", "History 10 - Period 3")]),
    ("canvas-header-renamed.csv", [(3, "Thi Minh Anh Nguyen", "History 10 - Period 3"),
                                   (4, "Sean O'Brien", "History 10 - Period 3"), (5, "Layla Al-Farsi", "History 10 - Period 3")]),
    ("powerschool.csv", [(2, "Ana Garcia", "3")]),
    # Google Classroom: last name first in the file, "First Last" on the cover
    ("classroom.csv", [(2, "Thị Minh Anh Nguyễn", None), (3, "Seán O'Brien", None), (4, "Layla Al-Farsi", None),
                       (5, "José García-Márquez", None)]),
    ("unicode-text.txt", [(2, "Chloé Martin", "3"), (3, "Jürgen Weiß", "3")]),  # UTF-16 with BOM, tabs
    ("sheets.tsv", [(2, "Chloé Martin", "3"), (3, "Jürgen Weiß", "3")]),
])
def test_school_exports_give_one_student_per_real_student(root, name, expected):
    roster = read(root, name)
    assert [(s.row, s.name, s.period) for s in roster.students] == expected


def test_canvas_notes_say_what_was_skipped_and_not_used(root):
    notes = [str(note) for note in read(root, "canvas-gradebook.csv").notes]
    assert notes == [
        "canvas-gradebook.csv:2:1: note: row 2 ('Points Possible') is the gradebook's points row, not a student; skipped",
        "canvas-gradebook.csv:1:1: note: reading the name from 'Student', the period from 'Section'; not used: 'ID', "
        "'SIS User ID', 'SIS Login ID', 'Debate Prep (1234567)', 'Current Score' (templates can show them as student.fields)"]


def test_sides_from_tsv_and_utf16(root):
    assert [s.side for s in read(root, "unicode-text.txt").students] == ["pro", "con"]
    assert [s.side for s in read(root, "sheets.tsv").students] == ["pro", "con"]


def test_windows_1252_keeps_its_clear_message(root):
    from coursepack.errors import CoursepackError

    with pytest.raises(CoursepackError) as caught:
        read(root, "semicolon-ansi.csv")
    assert [str(p) for p in caught.value.problems] == [
        "semicolon-ansi.csv:2:1: this line is not UTF-8 text; save the roster as 'CSV UTF-8' (Excel) "
        "or choose UTF-8 when exporting"]


def test_german_headers_and_sides(root):
    roster = read(root, "de.csv", "Name;Klasse;Seite;Rolle\nJürgen Weiß;10b;Pro;\nAnna Schmidt;10b;Contra;\n"
                                  "Lena Vogel;10b;dafür;Lazar Kaganovich\n")
    assert [(s.name, s.period, s.side) for s in roster.students] == [
        ("Jürgen Weiß", "10b", "pro"), ("Anna Schmidt", "10b", "con"), ("Lena Vogel", "10b", "pro")]
    assert roster.students[2].role.name == "Lazar Kaganovich"
    assert roster.notes == []  # every column used


@pytest.mark.parametrize("content, expected", [
    ("Nom;Prénom;Classe;Côté\nMartin;Chloé;2nde B;contre\n", ("Chloé Martin", "2nde B", "con")),  # Nom = surname
    ("Name,Vorname,Kurs\nWeiß,Jürgen,GK 2\n", ("Jürgen Weiß", "GK 2", None)),  # Name beside Vorname = surname
    ("Nombre,Apellidos,Grupo,Lado\nJosé,García Márquez,3A,en contra\n", ("José García Márquez", "3A", "con")),
    ("Given Name,Family Name,Class,Position\nKofi,Mensah,P4,Aff\n", ("Kofi Mensah", "P4", "pro")),
    ("  Student_Name , PERIOD \n\"Okafor, Ben\",2\n", ("Ben Okafor", "2", None)),  # case, spacing, punctuation
])
def test_headers_in_other_words_and_languages(root, content, expected):
    (student,) = read(root, "other.csv", content).students
    assert (student.name, student.period, student.side) == expected


def test_not_students_are_skipped_with_a_note(root):
    roster = read(root, "gaps.csv", "name,period,side\nAna,1,pro\n,1,con\nStudent, Test,1,\nBen,1,con\n".replace(
        "Student, Test", '"Student, Test"'))
    assert [s.name for s in roster.students] == ["Ana", "Ben"]
    assert [str(n) for n in roster.notes] == [
        "gaps.csv:3:1: note: row 3 has no name (only period, side); skipped, as it is not a student",
        "gaps.csv:4:1: note: row 4 ('Student, Test') is the gradebook's test student, not a student; skipped"]


def test_blank_rows_between_students_are_skipped_with_one_note(root):
    roster = read(root, "blanks.csv", "name,period\nAna,1\n\nBen,1\n,\n  ,  \nCara,1\n\n\n")
    assert [s.name for s in roster.students] == ["Ana", "Ben", "Cara"]
    # the empty rows after the last student are what a spreadsheet leaves: no note for them
    assert [str(n) for n in roster.notes] == ["blanks.csv:3:1: note: rows 3, 5 and 6 are blank; skipped"]


def test_names_keep_what_is_not_last_first(root):
    from coursepack.roster import person_name

    assert person_name("", "", "Nguyen, Thi Minh Anh") == "Thi Minh Anh Nguyen"
    assert person_name("", "", "King, Martin, Jr.") == "King, Martin, Jr."  # two commas: as written
    assert person_name("", "", "  Ana   García ") == "Ana García"
    assert person_name(" Seán ", "O'Brien", "ignored") == "Seán O'Brien"


# ---------------------------------------------------------------- packets from the exports

def test_canvas_export_gives_packets_named_as_a_teacher_writes(root):
    result = run_cli("packets", "packet", "--roster", root / "canvas-gradebook.csv", "--project", root)
    assert result.exit_code == 0, result.output
    folder = root / "build" / "packets" / "packet"
    assert sorted(p.name for p in folder.iterdir()) == [
        "03-Thi-Minh-Anh-Nguyen.pdf", "04-Sean-O-Brien.pdf", "05-Layla-Al-Farsi.pdf"]
    assert "NAME Thi Minh Anh Nguyen PERIOD History 10 - Period 3" in texts(folder / "03-Thi-Minh-Anh-Nguyen.pdf")[0]
    assert "canvas-gradebook.csv:2:1: note: row 2 ('Points Possible')" in result.stderr
    assert "wrote 3 packets into build/packets/packet/" in result.output

    # another roster into the same folder: the earlier class's packets are named, never mixed in silently
    result = run_cli("packets", "packet", "--roster", root / "powerschool.csv", "--project", root, "--combined")
    assert result.exit_code == 0, result.output
    assert ("build/packets/packet: note: 3 packets of an earlier roster are also in this folder (03-Thi-Minh-Anh-Nguyen.pdf, "
            "04-Sean-O-Brien.pdf, 05-Layla-Al-Farsi.pdf) and not part of this class set; delete them, or run again "
            "with --force to remove them") in result.stderr.splitlines()
    assert "wrote 1 packet into" in result.output
    combined = PdfReader(root / "build" / "packets" / "packet.pdf")
    assert [item.title for item in combined.outline] == ["Split Packet: Ana Garcia"]  # only this roster
    result = run_cli("packets", "packet", "--roster", root / "powerschool.csv", "--project", root, "--force")
    assert result.exit_code == 0, result.output
    assert "note: removed 3 packets of an earlier roster" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["02-Ana-Garcia.pdf"]


def test_roster_is_checked_before_refusing_to_overwrite(tmp_path):
    root = packet_project(tmp_path / "proj", **{"roster.csv": "name,side\nAna,left\n"})
    target = root / "build" / "packets" / "packet" / "02-Ana.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"an older packet")
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("roster.csv:2:1: row 2 (Ana): side 'left' is not a side of this debate")
    assert "already exists" not in result.stderr and target.read_bytes() == b"an older packet"


def test_xlsx_roster_with_german_headers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klasse 10b"
    for row in (["Name", "Vorname", "Klasse", "Seite", "Rolle"],
                ["Weiß", "Jürgen", 10, "Pro", None],
                [None, None, None, None, None],
                ["Nguyễn", "Thị Minh Anh", 10, "Contra", "Nikita Khrushchev"],
                ["Okafor", "Ben", 10.0, None, None]):
        sheet.append(row)
    book.create_sheet("Notizen").append(["nicht", "gelesen"])  # only the first sheet is the roster
    root = packet_project(tmp_path / "proj")
    book.save(root / "klasse.xlsx")
    result = run_cli("packets", "packet", "--roster", root / "klasse.xlsx", "--project", root)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["klasse.xlsx:3:1: note: row 3 is blank; skipped"]  # every column used
    folder = root / "build" / "packets" / "packet"
    assert sorted(p.name for p in folder.iterdir()) == ["02-Jurgen-Weiß.pdf", "04-Thi-Minh-Anh-Nguyen.pdf", "05-Ben-Okafor.pdf"]
    assert "NAME Jürgen Weiß PERIOD 10 SIDE Proposition" in texts(folder / "02-Jurgen-Weiß.pdf")[0]
    nguyen = texts(folder / "04-Thi-Minh-Anh-Nguyen.pdf")
    assert "NAME Thị Minh Anh Nguyễn PERIOD 10 SIDE Opposition ROLE Nikita Khrushchev" in nguyen[0]
    assert "SECRET-KHRUSHCHEV" in nguyen[1]


def test_xlsx_problems_name_the_sheet_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in (["Student", "Side"], ["Ana", "pro"], ["Ben", "sideways"]):
        book.active.append(row)
    root = packet_project(tmp_path / "proj")
    book.save(root / "class.xlsx")
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_cli("packets", "packet", "--roster", root / "class.xlsx", "--project", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("class.xlsx:3:1: row 3 (Ben): side 'sideways' is not a side of this debate")
    result = run_cli("packets", "packet", "--roster", root / "broken.xlsx", "--project", root)
    assert result.exit_code == 1 and result.stderr.startswith("broken.xlsx: cannot read this as an Excel workbook")
    assert "Traceback" not in result.output


def test_a_topic_only_course_pack_personalizes(tmp_path):
    config = dict(CONFIG, packs=[{"id": "unit", "title": "The Unit", "modules": ["thaw"]}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config, "content/debates/split.yaml": None,
                                               "roster.csv": "Student Name,Period\n\"Okafor, Ben\",2\n"})
    result = run_cli("packets", "unit", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 0, result.output
    assert "wrote 1 packet into build/packets/unit/" in result.output
    pages = texts(root / "build" / "packets" / "unit" / "02-Ben-Okafor.pdf")
    assert pages[0].startswith("COURSE PACK") and "NAME Ben Okafor PERIOD 2 ROLE" in pages[0]
    assert "SIDE" not in pages[0]  # no debate, no side
    assert any("The Secret Speech" in page for page in pages)


# ---------------------------------------------------------------- read-aloud cards

def _sizes(pdf: Path, words: str) -> set:
    """Font sizes (pt, as printed) of the text runs that contain `words`."""
    sizes = set()

    def visit(text, cm, tm, font, size):
        if words in text:
            sizes.add(round(size * abs(tm[3]) * abs(cm[3]), 1))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def _colours(pdf: Path, words: str) -> set:
    """Fill colours (r, g, b) of the characters of `words`, wherever they print."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    colours = set()
    for page in pdfium.PdfDocument(str(pdf)):
        textpage = page.get_textpage()
        searcher = textpage.search(words)
        found = searcher.get_next()
        while found:
            start, count = found
            for index in range(start, start + count):
                r, g, b, a = (ctypes.c_uint() for _ in range(4))
                raw.FPDFText_GetFillColor(textpage, index, *(ctypes.byref(v) for v in (r, g, b, a)))
                colours.add((r.value, g.value, b.value))
            found = searcher.get_next()
    return colours


def test_read_aloud_prints_at_body_size_with_an_ellipsis_where_it_starts_mid_sentence(tmp_path):
    debate = copy.deepcopy(DEBATE)
    debate["sides"]["pro"]["contentions"][0]["cards"][0].update(
        paraphrase=False, text="In 1957 he ==opposed the reconciliation with Tito== at every meeting.")
    packs = [dict(PACKET_PACK, side="pro", card_text="read-aloud")]
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": dict(CONFIG, packs=packs),
                                               "content/debates/split.yaml": debate})
    assert run_cli("build", root).exit_code == 0
    pdf = root / "build" / "packet.pdf"
    text = "\n".join(texts(pdf))
    assert "… opposed the reconciliation with Tito …" in text and "at every meeting" not in text
    # the same size and colour as the argument above it, body text (today 8.5pt grey)
    assert _sizes(pdf, "opposed the reconciliation") == _sizes(pdf, "Both distrusted Tito") == {11.5}
    assert _colours(pdf, "reconciliation") == _colours(pdf, "distrusted") == {(27, 27, 27)}
