"""Debate packets: the packet layout, the judge's edition, role cards, and
`coursepack packets` for a whole class from a roster (content-format.md, "Rosters")."""
import copy
import io
import re

import pytest
from pypdf import PdfReader

from conftest import CONFIG, DEBATE, run_cli, small_project, write_project

ROLES = [
    {"name": "Vyacheslav Molotov", "side": "pro", "goals": ["Win the vote"], "knows": "SECRET-MOLOTOV"},
    {"name": "Lazar Kaganovich", "side": "pro", "knows": "SECRET-KAGANOVICH"},
    {"name": "Nikita Khrushchev", "side": "con", "faction": "First Secretary", "knows": "SECRET-KHRUSHCHEV"},
    {"name": "Anastas Mikoyan", "side": "con", "knows": "SECRET-MIKOYAN"},
    {"name": "Swing Voter", "knows": "SECRET-SWING"},
]
SECRETS = [role["knows"] for role in ROLES]
PACKET_PACK = {"id": "packet", "title": "Split Packet", "modules": ["split"], "layout": "packet"}


def debate_with_roles():
    debate = copy.deepcopy(DEBATE)
    debate["roles"] = ROLES
    debate["sides"]["con"]["contentions"][0]["cards"] = [{
        "tag": "Borders mattered more", "cite": {"source": "conquest1961", "page": 300},
        "text": "Unread preamble. ==The border clashes decided it.== Unread middle. ==Moscow would not yield.== Unread end."}]
    debate["rebuttals"].append({"answers": "interests", "points": ["PRO-ANSWER-TO-INTERESTS"]})
    return debate


def packet_project(root, packs=None, **files):
    config = dict(CONFIG, packs=packs or [PACKET_PACK])
    return small_project(root, **{"coursepack.yaml": config, "content/debates/split.yaml": debate_with_roles(), **files})


def texts(source) -> list[str]:
    reader = PdfReader(source if not isinstance(source, bytes) else io.BytesIO(source))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def roster(rows, header="name,period,side,role", bom=False, delimiter=","):
    lines = [header.replace(",", delimiter)] + [delimiter.join(row) for row in rows]
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "") + text


CLASS = [(f"Student {n:02d}", "3", "pro" if n % 2 else "con", "") for n in range(1, 21)] + [
    ("Ana García", "3", "", "Vyacheslav Molotov"),
    ("Ben Okafor", "3", "", "nikita  khrushchev"),  # case and spacing as a teacher types them
    ("Chloé Martin", "4", "Opposition", "Anastas Mikoyan"),  # a side by its label
    ("Kofi Mensah", "4", "", "Swing Voter"),
]


# ---------------------------------------------------------------- a whole class

@pytest.fixture(scope="module")
def class_set(tmp_path_factory):
    root = packet_project(tmp_path_factory.mktemp("class") / "proj",
                          **{"roster.csv": roster(CLASS, bom=True)})
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--combined", "--project", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return root, result


def test_one_packet_per_student_and_a_combined_file(class_set):
    root, result = class_set
    folder = root / "build" / "packets" / "packet"
    files = sorted(folder.glob("*.pdf"))  # the names sort in class order
    assert len(files) == 24
    assert [p.name for p in files[:2]] == ["02-Student-01.pdf", "03-Student-02.pdf"]
    assert files[-4].name == "22-Ana-Garcia.pdf" and files[-2].name == "24-Chloe-Martin.pdf"
    assert "wrote 24 packets into build/packets/packet/" in result.output
    combined = root / "build" / "packets" / "packet.pdf"
    reader = PdfReader(combined)
    assert len(reader.pages) == sum(len(PdfReader(f).pages) for f in files)  # not duplex: no blank pages
    assert [item.title for item in reader.outline][:2] == ["Split Packet: Student 01", "Split Packet: Student 02"]
    assert f"({len(reader.pages)} pages)" in result.output


def test_cover_names_the_student_their_period_side_and_role(class_set):
    root, _ = class_set
    folder = root / "build" / "packets" / "packet"
    cover = texts(folder / "22-Ana-Garcia.pdf")[0]
    assert "NAME Ana García PERIOD 3 SIDE Proposition ROLE Vyacheslav Molotov" in cover
    cover = texts(folder / "24-Chloe-Martin.pdf")[0]
    assert "NAME Chloé Martin PERIOD 4 SIDE Opposition ROLE Anastas Mikoyan" in cover
    cover = texts(folder / "03-Student-02.pdf")[0]
    assert "NAME Student 02 PERIOD 3 SIDE Opposition ROLE Ms. Test" in cover


def test_each_student_sees_only_their_own_role_briefing(class_set):
    root, _ = class_set
    folder = root / "build" / "packets" / "packet"
    expected = {"22-Ana-Garcia.pdf": "SECRET-MOLOTOV", "23-Ben-Okafor.pdf": "SECRET-KHRUSHCHEV",
                "24-Chloe-Martin.pdf": "SECRET-MIKOYAN", "25-Kofi-Mensah.pdf": "SECRET-SWING"}
    for path in folder.glob("*.pdf"):
        text = "\n".join(texts(path))
        shown = [secret for secret in SECRETS if secret in text]
        assert shown == ([expected[path.name]] if path.name in expected else []), path.name
        if path.name in expected:
            assert "Only you know" in texts(path)[1]  # the card faces the cover
    combined = "\n".join(texts(root / "build" / "packets" / "packet.pdf"))
    assert [combined.count(secret) for secret in SECRETS] == [1, 0, 1, 1, 1]  # nobody plays Kaganovich


def test_a_debater_gets_their_side_and_the_answers_to_the_other(class_set):
    root, _ = class_set
    folder = root / "build" / "packets" / "packet"
    pro = "\n".join(texts(folder / "02-Student-01.pdf"))
    con = "\n".join(texts(folder / "03-Student-02.pdf"))
    swing = "\n".join(texts(folder / "25-Kofi-Mensah.pdf"))
    assert "Proposition case" in pro and "Opposition case" not in pro
    assert "Opposition case" in con and "Proposition case" not in con
    assert "Proposition case" in swing and "Opposition case" in swing  # no side: both cases
    # pro's blocks against con's contention, not con's blocks against pro
    assert "PRO-ANSWER-TO-INTERESTS" in pro and "Doctrine did not decide it." not in pro
    assert "Doctrine did not decide it." in con and "PRO-ANSWER-TO-INTERESTS" not in con
    assert "ANSWERS TO OPPOSITION 1: National interests" in pro
    # cross-examination from their seat
    assert "Questions to ask the Opposition What about 1958?" in pro
    assert "Questions to expect Why would Mao trust Molotov?" in pro
    for text in (pro, con, swing):
        assert "Flow sheet" in text and "First Proposition" in text
        assert "Ballot" not in text
        assert "TEACHER-NOTE" not in text and "DEBATE-TEACHER-NOTE" not in text


def test_stitched_packet_numbers_its_pages_like_one_document(class_set):
    root, _ = class_set
    pages = texts(root / "build" / "packets" / "packet" / "22-Ana-Garcia.pdf")
    total = len(pages)
    assert f"Page 3 of {total}" in pages[2]
    assert f"Page {total} of {total}" in pages[-1]
    assert "Page" not in pages[1]  # the role card page is not numbered


def test_stitched_packet_keeps_outline_and_links(class_set):
    root, _ = class_set
    reader = PdfReader(root / "build" / "packets" / "packet" / "22-Ana-Garcia.pdf")
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline
               if not isinstance(item, list)}
    assert "Proposition case" in outline and "Bibliography" in outline
    case_page = outline["Proposition case"]
    assert "Proposition case" in reader.pages[case_page].extract_text()
    destinations = reader.named_destinations
    links = [annot.get_object()["/Dest"] for annot in reader.pages[2]["/Annots"]
             if annot.get_object().get("/Subtype") == "/Link"]
    assert links and all(str(dest) in destinations for dest in links)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Split Packet: Ana García"


def test_stitched_packet_matches_rendering_it_whole(class_set):
    """The shortcut (shared pages laid out once) must print what a full layout prints."""
    from coursepack.pipeline.plan import student_job
    from coursepack.pipeline.produce import PdfPrinter, produce_jobs
    from coursepack.project import load_project
    from coursepack.render import make_environment
    from coursepack.roster import read_roster

    root, _ = class_set
    project = load_project(root)
    pack = project.pack("packet")
    students = read_roster(root / "roster.csv", "roster.csv", [project.modules["split"]]).students
    ana = next(s for s in students if s.name == "Ana García")
    job = student_job(project, pack, ana)
    _, whole = next(produce_jobs(project, make_environment(project), [job], PdfPrinter(project.root)))
    whole = whole.pdf
    assert texts(whole) == texts(root / "build" / "packets" / "packet" / f"{ana.file_stem}.pdf")


def test_existing_packets_are_kept_without_force(class_set):
    root, _ = class_set
    target = root / "build" / "packets" / "packet" / "02-Student-01.pdf"
    before = target.read_bytes()
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 1
    assert "build/packets/packet/02-Student-01.pdf: already exists (24 of the files to write do" in result.stderr
    assert "--force" in result.stderr
    assert target.read_bytes() == before


def test_force_replaces_packets(tmp_path):
    root = packet_project(tmp_path / "proj", **{"roster.csv": roster([("Ana", "1", "pro", "")])})
    target = root / "build" / "packets" / "packet" / "02-Ana.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"an older packet")
    assert run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root).exit_code == 1
    assert target.read_bytes() == b"an older packet"
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root, "--force")
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_duplex_combined_file_starts_each_packet_on_a_fresh_sheet(tmp_path):
    config = dict(CONFIG, page={"size": "a5", "duplex": True}, packs=[PACKET_PACK])
    root = packet_project(tmp_path / "proj", **{"coursepack.yaml": config, "roster.csv": roster(
        [("Ana", "1", "pro", ""), ("Ben", "1", "", "Nikita Khrushchev"), ("Cy", "1", "con", "")])})
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root, "--combined")
    assert result.exit_code == 0, result.output
    combined = PdfReader(root / "build" / "packets" / "packet.pdf")
    starts = [combined.get_destination_page_number(item) for item in combined.outline]
    assert len(starts) == 3 and all(start % 2 == 0 for start in starts)  # page 1, 3, 5...: right-hand pages
    pages = [" ".join(page.extract_text().split()) for page in combined.pages]
    assert [pages[start].startswith("DEBATE PACKET") for start in starts] == [True, True, True]


# ---------------------------------------------------------------- roster mistakes

@pytest.mark.parametrize("content, expected", [
    (roster([("Ana", "1", "pro", "")], header="id,period,side,role"),
     "roster.csv:1:1: the header row has no column for the students' names; it has: 'id', 'period', 'side', 'role'. "
     "The first row must name the columns: call the column of whole names 'name' (or 'student', 'full name'), "
     "or use two columns 'first name' and 'last name'"),
    (roster([("Ana", "1", "pro", "")], header="nmae,period,side,role"),
     "roster.csv:1:1: the header row has no column for the students' names ('nmae' looks like a misspelling of "
     "'name'); it has: 'nmae', 'period', 'side', 'role'. The first row must name the columns: call the column of "
     "whole names 'name' (or 'student', 'full name'), or use two columns 'first name' and 'last name'"),
    (roster([("Ana", "1", "pro", "")], header="student_first,period,side,role"),  # half a name: never "call it name"
     "roster.csv:1:1: the header row has no column for the students' whole names; 'student_first' looks like a "
     "first-name column: call it 'first name' and add a 'last name' column, or give a column of whole names the "
     "header 'name'; it has: 'student_first', 'period', 'side', 'role'"),
    (roster([("Okafor", "1", "pro", "")], header="Last Name,period,side,role"),  # never "rename it to name"
     "roster.csv:1:1: the header row has a last-name column ('Last Name') but no first-name column; it has: "
     "'Last Name', 'period', 'side', 'role'. Add a 'first name' column, or name a column of whole names 'name'"),
    (roster([("Ana", "1", "pro", ""), ("Ben", "1", "left", "")]),
     "roster.csv:3:1: row 3 (Ben): side 'left' is not a side of this debate; "
     "use one of: pro (Proposition), con (Opposition)"),
    (roster([("Ana", "1", "", "Molotv")]),
     "roster.csv:2:1: row 2 (Ana): role 'Molotv' is not a role in the debate; roles: Vyacheslav Molotov, "
     "Lazar Kaganovich, Nikita Khrushchev, Anastas Mikoyan, Swing Voter"),
    (roster([("Ana", "1", "con", "Vyacheslav Molotov")]),
     "roster.csv:2:1: row 2 (Ana): side 'con' contradicts role 'Vyacheslav Molotov', which is on side 'pro'; "
     "correct the side or the role, or leave the side empty"),
    (roster([("Ana", "1", "pro", "", "extra")]),
     "roster.csv:2:1: row 2 has 5 cells but the header names 4 columns; add a header for the extra column or remove it"),
    ("name,Name\nAna,Ana\n", "roster.csv:1:1: column 'Name' appears twice in the header row (also as 'name'); rename one"),
    ("", "roster.csv: the roster is empty; it needs a header row naming the columns ('name', or 'first name' and "
         "'last name'; 'period', 'side', 'role')"),
    ("name,side\n\n", "roster.csv: the roster has a header row but no students"),
    ("name,side\nAna,pro\nJos\xe9,con\n".encode("latin-1"),
     "roster.csv:3:1: this line is not UTF-8 text; save the roster as 'CSV UTF-8' (Excel) or choose UTF-8 when exporting"),
    (b"PK\x03\x04\x00\x00binary", "roster.csv: this is not a CSV text file (it holds a zip archive, not an Excel "
     "workbook); export the roster from the spreadsheet as 'CSV UTF-8' or save it as .xlsx"),
    (b"\x00\x01\x02binary", "roster.csv: this is not a CSV text file (it holds binary data); "
     "export the roster from the spreadsheet as 'CSV UTF-8' or save it as .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "roster.csv: this is an old Excel workbook (.xls); open it in the "
     "spreadsheet and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'"),
])
def test_bad_rosters_name_the_row(tmp_path, content, expected):
    root = packet_project(tmp_path / "proj", **{"roster.csv": content})
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert not (root / "build" / "packets").exists()


def test_roster_reports_every_bad_row_at_once(tmp_path):
    root = packet_project(tmp_path / "proj", **{"roster.csv": roster(
        [("Ana", "1", "left", ""), ("Ben", "1", "", "Nobody"), ("Cy", "1", "pro", "")])})
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 1
    assert [line.split(":")[1] for line in result.stderr.splitlines()[:2]] == ["2", "3"]
    assert "2 problems found" in result.stderr


def test_semicolons_bom_blank_rows_and_quoted_names(tmp_path):
    from coursepack.project import load_project
    from coursepack.roster import read_roster

    root = packet_project(tmp_path / "proj")
    path = root / "roster.csv"
    path.write_text('\ufeffName;Period;Side;Role;Email\n"Smith; Jo";2;Pro;;jo@example.org\n;;;;\n\n'
                    'Lee;2;;Lazar Kaganovich;\nKim;3;Negative;;\n', encoding="utf-8")
    project = load_project(root)
    students = read_roster(path, "roster.csv", [project.modules["split"]]).students
    assert [(s.row, s.name, s.period, s.side) for s in students] == [
        (2, "Smith; Jo", "2", "pro"), (5, "Lee", "2", "pro"), (6, "Kim", "3", "con")]  # Negative: another format's word
    assert students[0].fields["email"] == "jo@example.org"
    assert students[1].role.name == "Lazar Kaganovich"
    assert [s.file_stem for s in students] == ["02-Smith-Jo", "05-Lee", "06-Kim"]


def test_safe_file_names():
    from coursepack.roster import safe_file_name

    assert safe_file_name("Chloé Martin") == "Chloe-Martin"
    assert safe_file_name("../../etc/passwd") == "etc-passwd"
    assert safe_file_name("王芳") == "王芳"
    assert safe_file_name("  ***  ") == "student"


def test_a_student_named_like_a_windows_device_gets_a_usable_file_name():
    """CON, NUL, COM1... cannot be file names on Windows; the row number in front keeps
    every packet's name usable whatever the student is called."""
    from coursepack.roster import Student

    for name in ("CON", "nul", "COM1", "LPT9", "PRN"):
        stem = Student(row=7, name=name, number_width=2).file_stem
        assert stem == f"07-{name}", stem


def test_a_course_pack_can_be_personalized_too(tmp_path):
    root = packet_project(tmp_path / "proj", packs=[{"id": "unit", "title": "The Unit", "modules": ["thaw", "split"]}],
                          **{"roster.csv": roster([("Ana", "1", "", "Vyacheslav Molotov"), ("Ben", "2", "con", "")])})
    result = run_cli("packets", "unit", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 0, result.output
    ana = texts(root / "build" / "packets" / "unit" / "02-Ana.pdf")
    ben = texts(root / "build" / "packets" / "unit" / "03-Ben.pdf")
    assert ana[0].startswith("COURSE PACK") and "NAME Ana PERIOD 1 SIDE Proposition ROLE Vyacheslav Molotov" in ana[0]
    assert "SECRET-MOLOTOV" in ana[1] and not any("SECRET" in page for page in ben)
    # after the front, the same course pack (Ana's role card page shifts her page numbers by one)
    assert len(ana) == len(ben) + 1
    assert ana[2].startswith("Contents") and ben[1].startswith("Contents")
    assert [re.sub(r"\d+", "#", page) for page in ana[3:]] == [re.sub(r"\d+", "#", page) for page in ben[2:]]
    assert "Proposition case" in "".join(ben) and "Opposition case" in "".join(ben)
    assert f"Page {len(ana)} of {len(ana)}" in ana[-1]


def test_packets_usage_errors(tmp_path):
    root = packet_project(tmp_path / "proj", **{"roster.csv": roster([("Ana", "1", "pro", "")])})
    result = run_cli("packets", "nope", "--roster", root / "roster.csv", "--project", root)
    assert result.exit_code == 2 and "no pack 'nope'" in result.stderr
    result = run_cli("packets", "packet", "--roster", root / "missing.csv", "--project", root)
    assert result.exit_code == 1 and "missing.csv: cannot read the roster" in result.stderr


# ---------------------------------------------------------------- build: packet, judge, roles, read-aloud

@pytest.fixture(scope="module")
def debate_build(tmp_path_factory):
    packs = [
        dict(PACKET_PACK, id="generic"),
        dict(PACKET_PACK, id="pro-packet", side="pro", card_text="read-aloud"),
        {"id": "brief", "modules": ["split"], "layout": "brief", "editions": ["student", "judge"]},
        {"id": "one-a-page", "modules": ["split"], "layout": "brief", "role_cards": "page"},
    ]
    root = packet_project(tmp_path_factory.mktemp("debate") / "proj", packs=packs)
    result = run_cli("build", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return root / "build"


def test_build_writes_judge_editions_and_role_sheets(debate_build):
    assert sorted(p.name for p in debate_build.glob("*.pdf")) == [
        "brief-judge.pdf", "brief-roles.pdf", "brief.pdf", "generic-roles.pdf", "generic.pdf",
        "one-a-page-roles.pdf", "one-a-page.pdf", "pro-packet-roles.pdf", "pro-packet.pdf"]


def test_packet_without_a_roster_has_a_blank_cover_and_both_cases(debate_build):
    pages = texts(debate_build / "generic.pdf")
    assert "NAME PERIOD SIDE ROLE" in pages[0]
    text = "\n".join(pages)
    assert "Proposition case" in text and "Opposition case" in text
    assert not any(secret in text for secret in SECRETS)


def test_read_aloud_prints_only_the_highlighted_words(debate_build):
    text = "\n".join(texts(debate_build / "pro-packet.pdf"))
    assert "Proposition case" in text and "Opposition case" not in text
    assert "opposed the reconciliation" in text  # pro's card
    assert "Unread" not in text  # the con card is not in a pro packet at all
    brief = "\n".join(texts(debate_build / "brief.pdf"))
    assert "Unread preamble." in brief  # full text elsewhere


def test_read_aloud_card(tmp_path):
    packs = [dict(PACKET_PACK, side="con", card_text="read-aloud")]
    root = packet_project(tmp_path / "proj", packs=packs)
    assert run_cli("build", root).exit_code == 0
    text = "\n".join(texts(root / "build" / "packet.pdf"))
    assert "The border clashes decided it. … Moscow would not yield." in text
    assert "Unread" not in text
    assert "Conquest 1961, 300" in text  # the cite stays


def test_judge_edition_has_rules_and_ballot_not_cases(debate_build):
    text = "\n".join(texts(debate_build / "brief-judge.pdf"))
    for expected in ("JUDGE’S EDITION", "Molotov would have kept the alliance.", "the rules", "Ballot",
                     "Reason for decision", "Flow sheet", "First Proposition"):
        assert expected in text, expected
    for case_text in ("Shared doctrine", "Both distrusted Tito.", "opposed the reconciliation", "Doctrine did not decide it."):
        assert case_text not in text, case_text
    assert not any(secret in text for secret in SECRETS)


def test_role_sheet_has_every_card_with_its_briefing(debate_build):
    text = "\n".join(texts(debate_build / "brief-roles.pdf"))
    assert all(secret in text for secret in SECRETS)
    pages = texts(debate_build / "one-a-page-roles.pdf")
    assert len(pages) == len(ROLES)
    assert [sum(secret in page for secret in SECRETS) for page in pages] == [1] * len(ROLES)
    student = "\n".join(texts(debate_build / "brief.pdf"))
    assert not any(secret in student for secret in SECRETS)


# ---------------------------------------------------------------- configuration mistakes

@pytest.mark.parametrize("pack, node, expected", [  # node: the text the problem points at
    ("{id: p, modules: [split], layout: packet, editions: [student, teacher]}", "teacher",
     "a packet is what one debater takes into the round and has no teacher edition; "
     "make a second pack with layout: brief for the coach's copy"),
    ("{id: p, modules: [split], layout: packet, side: left}", "left",
     "side 'left' is not a side of debate 'split'; sides: pro, con"),
    ("{id: p, modules: [split], side: pro}", "pro}",
     "'side' chooses the case a packet prints; it only applies to layout: packet"),
    ("{id: p, modules: [thaw], layout: packet}", "packet",
     "pack 'p' is a packet but lists no debate module; add one, or use layout: course-pack"),
    ("{id: p, modules: [thaw], editions: [judge]}", "judge",
     "pack 'p' has a judge edition but lists no debate module; remove 'judge' or add a debate"),
])
def test_pack_mistakes(tmp_path, pack, node, expected):
    config = f"title: Test\npacks:\n  - {pack}\n"
    root = packet_project(tmp_path / "proj", **{"coursepack.yaml": config})
    result = run_cli("check", root)
    assert result.exit_code == 1
    column = len("  - ") + pack.index(node) + 1  # 1-based
    assert result.stderr.splitlines() == [f"coursepack.yaml:3:{column}: {expected}"]


# ---------------------------------------------------------------- coursepack formats

def test_formats_lists_every_bundled_format_with_its_speeches(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside any project
    result = run_cli("formats")
    assert result.exit_code == 0, result.output
    for fmt in ("policy", "lincoln-douglas", "public-forum", "british-parliamentary", "world-schools", "oxford", "classroom"):
        assert any(line.startswith(fmt + "  ") for line in result.output.splitlines()), fmt
    assert "policy  Policy debate (cross-examination) (pro: Affirmative, con: Negative; prep 8 min a side)\n" \
           "  ballot: per-speaker, points 25–30 in steps of 0.1, ranks speakers\n" \
           "   1. 1AC (Affirmative, 8 min, speaker 1)\n   2. CX of 1AC (both sides, 3 min)\n" in result.output
    assert "Grand Crossfire (both sides, 3 min)" in result.output
    assert "public-forum  Public Forum debate (pro: Pro, con: Con; prep 3 min a side)\n" \
           "  ballot: per-speaker, points 25–30 in steps of 0.5, ranks speakers\n" \
           "  first side: a coin toss decides\n" in result.output
    assert "world-schools  World Schools debate (pro: Proposition, con: Opposition; no prep in the round)\n" \
           "  ballot: per-speech, points 60–80 in steps of 1, team totals\n" in result.output
    assert "   8. Proposition Reply (Proposition, 4 min, points 30–40)\n" in result.output
    assert "  ballot: per-speaker, points 50–100 in steps of 1, ranks teams, team totals\n" \
           "  team: Opening Government (Government): Prime Minister, Deputy Prime Minister\n" in result.output


def test_formats_includes_the_projects_own_and_reports_bad_ones(tmp_path):
    own = {"id": "club", "name": "Club format", "sides": {"pro": "For", "con": "Against"},
           "speeches": [{"name": "Opening For", "side": "pro", "minutes": 2.5}]}
    root = small_project(tmp_path / "proj", **{"formats/club.yaml": own})
    result = run_cli("formats", root)
    assert result.exit_code == 0
    assert "club  Club format (pro: For, con: Against; no prep in the round)\n  ballot: per-speaker, no points\n" \
           "   1. Opening For (For, 2.5 min)" in result.output
    bad = dict(own, speeches=[{"name": "Opening", "side": "middle", "minutes": 2}])
    write_project(root, {"formats/club.yaml": bad})
    result = run_cli("formats", root)
    assert result.exit_code == 1
    assert "formats/club.yaml:" in result.stderr and "speech 'Opening' has side 'middle'" in result.stderr


def test_packets_are_reproducible(tmp_path):
    root = packet_project(tmp_path / "proj", **{"roster.csv": roster([("Ana", "1", "", "Vyacheslav Molotov"),
                                                                     ("Ben", "1", "con", "")])})
    args = ("packets", "packet", "--roster", root / "roster.csv", "--project", root, "--combined", "--force")
    assert run_cli(*args).exit_code == 0
    folder = root / "build" / "packets"
    first = {path: path.read_bytes() for path in folder.rglob("*.pdf")}
    assert run_cli(*args).exit_code == 0
    assert len(first) == 3 and all(path.read_bytes() == data for path, data in first.items())


def test_an_overridden_cover_without_stand_in_pages_is_reported(tmp_path):
    from conftest import REPO

    cover = (REPO / "templates" / "parts" / "cover.html.j2").read_text(encoding="utf-8")
    root = packet_project(tmp_path / "proj", **{
        "templates/parts/cover.html.j2": cover.replace('<div class="front-placeholder"></div>', ""),
        # students without a role have one-page fronts, whose bodies pass: nothing may be written for them either
        "roster.csv": roster([("Bo", "1", "pro", ""), ("Cy", "1", "con", ""), ("Ana", "1", "", "Vyacheslav Molotov")])})
    result = run_cli("packets", "packet", "--roster", root / "roster.csv", "--project", root, "--jobs", "4")
    assert result.exit_code == 1
    assert "must call stand_in_pages() from parts/cover.html.j2" in result.stderr
    assert not list((root / "build").rglob("*.pdf"))
