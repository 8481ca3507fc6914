"""`coursepack new`: a starter project that builds at once, and never overwrites."""
import json

import pytest
from pypdf import PdfReader

from conftest import run_cli


def snapshot(root):
    """Every file under root with its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    """`coursepack new my-unit` then `coursepack build` inside it, as a teacher would."""
    root = tmp_path_factory.mktemp("new") / "my-unit"
    made = run_cli("new", root)
    assert made.exit_code == 0, made.output
    built = run_cli("build", root)
    assert built.exit_code == 0, built.output
    return root, made, built


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_new_writes_a_project_that_builds(starter):
    root, made, built = starter
    assert "wrote 12 files" in made.stdout and "coursepack build" in made.stdout
    for name in ("coursepack.yaml", "README.md", "content/sources.yaml", "content/topics/ratification.yaml",
                 "content/debates/new-york-1788.yaml", "rosters/class.csv", "assets/ratification-votes.png",
                 ".coursepack/module.schema.json", ".vscode/settings.json"):
        assert (root / name).is_file(), name
    written = [line.split()[1] for line in built.stdout.splitlines() if line.startswith("wrote ")]
    assert sorted(written) == sorted([  # one line per file, in the order they finish
        "build/ratification-unit.pdf", "build/ratification-unit-teacher.pdf",
        "build/ratification-unit-roles.pdf", "build/debate-packet.pdf", "build/debate-packet-roles.pdf"])
    assert built.stderr == ""  # no renderer warnings either


def test_starter_pdf_holds_every_kind_of_content(starter):
    root, _, _ = starter
    unit = root / "build" / "ratification-unit.pdf"
    text = text_of(unit)
    for expected in ("The Fight over Ratification", "Federalists and Anti-Federalists",  # sections
                     "Timeline", "James Madison", "Key terms", "Questions",  # timeline, people, terms, questions
                     "Should New York Ratify?", "Only a stronger union", "Ambition must be made",  # debate, cards
                     "Cross-examination", "Glossary", "Articles of Confederation",  # shared glossary
                     "Bibliography", "Ratification: The People Debate the Constitution"):
        assert expected in text, expected
    assert "The actual vote" not in text  # teacher notes stay in the teacher edition
    images = [name for page in PdfReader(unit).pages
              for name, obj in page["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images, "the chart in assets/ is printed"
    assert "The actual vote" in text_of(root / "build" / "ratification-unit-teacher.pdf")


def test_starter_roster_matches_the_debate(starter):
    """Every row of the class list is a student with a known side and role (printing one
    packet per student is tested in test_packets; here the roster itself is checked)."""
    from coursepack.project import load_project
    from coursepack.roster import read_roster

    root, _, _ = starter
    project = load_project(root)
    students = read_roster(root / "rosters" / "class.csv", "rosters/class.csv", [project.modules["new-york-1788"]]).students
    assert len(students) == 8
    assert {s.role.name for s in students if s.role} >= {"Alexander Hamilton", "Melancton Smith"}


def test_new_again_refuses_without_touching_a_file(starter):
    root, _, _ = starter
    before = snapshot(root)
    result = run_cli("new", root)
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert "nothing was written" in result.stderr and "--force" in result.stderr
    assert snapshot(root) == before


def test_force_replaces_only_the_starters_files(tmp_path):
    root = tmp_path / "unit"
    (root / ".vscode").mkdir(parents=True)
    (root / "notes.txt").write_text("mine")
    (root / "coursepack.yaml").write_text("title: My own\n")
    (root / ".vscode" / "settings.json").write_text(json.dumps({"editor.fontSize": 15}))
    refused = run_cli("new", root)
    assert refused.exit_code == 2 and "--force would replace 2 of its files" in refused.stderr
    result = run_cli("new", root, "--force")
    assert result.exit_code == 0, result.output
    assert "replaced 2: coursepack.yaml, .vscode/settings.json" in result.stdout
    assert (root / "notes.txt").read_text() == "mine"
    assert "title: Ratifying the Constitution" in (root / "coursepack.yaml").read_text()
    settings = json.loads((root / ".vscode" / "settings.json").read_text())
    assert settings["editor.fontSize"] == 15  # the teacher's own settings are kept
    assert "./.coursepack/project.schema.json" in settings["yaml.schemas"]
    assert not list(root.rglob("*.tmp"))


def test_new_refuses_a_file(tmp_path):
    (tmp_path / "unit").write_text("x")
    result = run_cli("new", tmp_path / "unit")
    assert result.exit_code == 2 and "is a file" in result.stderr


def test_example_is_copied_and_checks(tmp_path):
    root = tmp_path / "example"
    result = run_cli("new", root, "--example")
    assert result.exit_code == 0, result.output
    assert (root / "content" / "debates" / "molotov-split.yaml").is_file()
    assert (root / "rosters" / "period-3.csv").is_file()
    assert (root / "assets" / "presidium-vote-1957.png").is_file()  # the figure its reforms topic shows
    assert not (root / "tests").exists() and not (root / "build").exists()
    checked = run_cli("check", root)
    assert checked.exit_code == 0, checked.output


def test_modules_name_their_schema(starter):
    root, _, _ = starter
    for module in (root / "content").rglob("*.yaml"):
        first = module.read_text().splitlines()[0]
        if module.parent.name == "content":  # sources and glossary are not modules
            assert "yaml-language-server" not in first
        else:
            assert first == "# yaml-language-server: $schema=../../.coursepack/module.schema.json"


def test_no_project_suggests_new(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("build")
    assert result.exit_code == 2 and "coursepack new" in result.stderr


def test_force_leaves_editor_settings_with_comments_alone(tmp_path):
    root = tmp_path / "unit"
    (root / ".vscode").mkdir(parents=True)
    settings = '{\n  // my font\n  "editor.fontSize": 15\n}\n'
    (root / ".vscode" / "settings.json").write_text(settings)
    result = run_cli("new", root, "--force")
    assert result.exit_code == 0, result.output
    assert (root / ".vscode" / "settings.json").read_text() == settings
    assert "not plain JSON and was left as it is" in result.stderr
    assert (root / "coursepack.yaml").is_file()


def test_the_next_step_can_be_pasted_into_a_shell(tmp_path):
    import shlex

    root = tmp_path / "my unit (2026)"
    result = run_cli("new", root)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("next: "))
    assert shlex.split(line.split("&&")[0])[1:] == ["cd", str(root)]


def test_forcing_a_new_project_over_another_names_the_content_it_left(tmp_path):
    root = tmp_path / "unit"
    assert run_cli("new", root).exit_code == 0
    result = run_cli("new", root, "--example", "--force")
    assert result.exit_code == 0, result.output
    assert ("note: left alone: 2 content files that the new project does not have "
            "(content/debates/new-york-1788.yaml, content/topics/ratification.yaml)") in result.stderr
    assert (root / "content" / "topics" / "ratification.yaml").is_file()  # nothing of the user's is deleted
