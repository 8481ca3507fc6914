"""`build --edition` with `--pack`, and `build --open`."""
import click

from conftest import run_cli, small_project


def test_edition_and_pack_combine_and_open_shows_the_first_pdf(tmp_path, monkeypatch):
    root = small_project(tmp_path / "proj")
    opened = []
    monkeypatch.setattr(click, "launch", lambda target, **kw: opened.append(target))
    result = run_cli("build", root, "--pack", "unit", "--edition", "teacher", "--open")
    assert result.exit_code == 0, result.output
    # one line per file, in the order they finish
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == ["build/unit-roles.pdf", "build/unit-teacher.pdf"]
    assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ["unit-roles.pdf", "unit-teacher.pdf"]
    assert opened == [str(root / "build" / "unit-teacher.pdf")]


def test_a_pack_without_the_edition_is_a_usage_error(tmp_path):
    root = small_project(tmp_path / "proj")
    result = run_cli("build", root, "--pack", "brief", "--edition", "judge")
    assert result.exit_code == 2
    assert "pack 'brief' has no judge edition; its editions: student" in result.stderr
    assert not (root / "build").exists()
    result = run_cli("build", root, "--edition", "judge")
    assert result.exit_code == 2 and "no pack has a judge edition" in result.stderr
    result = run_cli("build", root, "--edition", "principal")
    assert result.exit_code == 2 and "'principal' is not one of" in result.stderr
