"""The build cache (build/.cache/): unchanged PDFs are neither printed nor written again,
and a damaged cache is never trusted. Every test checks the bytes a user gets."""
from __future__ import annotations

import copy
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import REPO, TOPIC, run_cli, small_project, write_project
from coursepack.pipeline.build import build
from coursepack.pipeline.produce import PdfPrinter

def pdfs(root) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "build").glob("*.pdf"))}


def reports(result) -> dict[str, str]:
    """{file: "wrote" or "unchanged"} from the lines `build` prints."""
    lines = [line.split(" ", 2) for line in result.stdout.splitlines()]
    return {name: verb for verb, name, _ in lines}


class CountingPrinter(PdfPrinter):
    """A real printer that counts the documents it prints."""

    def __init__(self, root):
        super().__init__(root, workers=1)
        self.printed: list[str] = []

    def print_each(self, documents):
        documents = list(documents)  # may be a generator rendering them
        self.printed += documents
        yield from super().print_each(documents)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The brief and its role sheet built without any cache, one process: the bytes to expect."""
    root = small_project(tmp_path_factory.mktemp("cache") / "proj")
    result = run_cli("build", root, "--pack", "brief", "--no-cache", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert not (root / "build" / ".cache").exists()  # --no-cache writes none either
    return pdfs(root)


@pytest.fixture
def cached(tmp_path, reference):
    """A project built once with the cache: same bytes as without it."""
    root = small_project(tmp_path / "proj")
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 0, result.output
    assert pdfs(root) == reference
    return root


def test_a_second_build_prints_and_writes_nothing(cached, reference):
    before = {path.name: path.stat().st_mtime_ns for path in (cached / "build").glob("*.pdf")}
    printer = CountingPrinter(cached)
    built = build(cached, ["brief"], printer=printer)
    assert printer.printed == []
    assert [b.written for b in built] == [False, False]
    assert [b.pages for b in built] == [len(PdfReader(cached / "build" / b.path.name).pages) for b in built]
    assert {path.name: path.stat().st_mtime_ns for path in (cached / "build").glob("*.pdf")} == before
    result = run_cli("build", cached, "--pack", "brief")
    assert reports(result) == {"build/brief.pdf": "unchanged", "build/brief-roles.pdf": "unchanged"}
    assert pdfs(cached) == reference


def test_a_deleted_pdf_comes_back_from_the_cache_without_printing(cached, reference):
    (cached / "build" / "brief.pdf").unlink()
    printer = CountingPrinter(cached)
    built = build(cached, ["brief"], printer=printer)
    assert printer.printed == [] and [b.written for b in built] == [True, False]
    assert pdfs(cached) == reference


def damage_deleted(cache):
    import shutil
    shutil.rmtree(cache)


def damage_every_way(cache):
    """One PDF entry truncated, the other with its header intact and one byte of the PDF
    changed (only the content hash tells), the job entries swapped (each a foreign entry
    under another key's name), and garbage under a key-like name."""
    truncated, tampered = sorted((cache / "pdfs").iterdir())
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    data = bytearray(tampered.read_bytes())
    data[-10] ^= 0xFF
    tampered.write_bytes(bytes(data))
    first, second = sorted((cache / "jobs").iterdir())
    contents = first.read_bytes(), second.read_bytes()
    first.write_bytes(contents[1])
    second.write_bytes(contents[0])
    (cache / "pdfs" / ("0" * 64)).write_bytes(os.urandom(5000))


@pytest.mark.parametrize("damage", [damage_deleted, damage_every_way])
def test_a_damaged_cache_is_ignored_and_rebuilt(cached, reference, damage):
    for pdf in (cached / "build").glob("*.pdf"):
        pdf.unlink()  # so that a trusted bad entry would show in the output
    damage(cached / "build" / ".cache")
    printer = CountingPrinter(cached)
    build(cached, ["brief"], printer=printer)
    assert len(printer.printed) == 2  # both printed again: nothing damaged was trusted
    assert pdfs(cached) == reference
    printer = CountingPrinter(cached)
    build(cached, ["brief"], printer=printer)
    assert printer.printed == []  # and the entries were replaced by good ones


def test_garbage_in_every_entry_is_ignored(cached, reference):
    for entry in (cached / "build" / ".cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(os.urandom(entry.stat().st_size))
    (cached / "build" / "brief.pdf").unlink()
    printer = CountingPrinter(cached)
    build(cached, ["brief"], printer=printer)
    assert len(printer.printed) == 2 and pdfs(cached) == reference


def test_one_role_sheet_for_packs_listing_the_same_debate_and_an_edit_rebuilds_only_its_pack(tmp_path):
    root = small_project(tmp_path / "proj")
    printer = CountingPrinter(root)
    build(root, printer=printer)
    assert len(printer.printed) == 4  # unit, unit-teacher, brief, and one role sheet for both packs
    files = pdfs(root)
    assert files["unit-roles.pdf"] == files["brief-roles.pdf"]
    # thaw is in the unit only: the brief is neither rendered again nor printed
    topic = copy.deepcopy(TOPIC)
    topic["summary"] = "An edited summary."
    write_project(root, {"content/thaw.yaml": topic})
    printer = CountingPrinter(root)
    built = {b.path.name: b.written for b in build(root, printer=printer)}
    assert built == {"unit.pdf": True, "unit-teacher.pdf": True, "unit-roles.pdf": False,
                     "brief.pdf": False, "brief-roles.pdf": False}
    # the unit's role sheet was rendered again (its pack changed) but came out the same: not printed
    assert len(printer.printed) == 2 and all("An edited summary." in html for html in printer.printed)


def test_a_changed_stylesheet_or_image_prints_again(cached, reference):
    """Files WeasyPrint reads are part of the key: the project's own stylesheet, an image."""
    css = (REPO / "templates" / "css" / "print.css").read_text()
    write_project(cached, {"templates/css/print.css": css + "\nh1 { color: #a00; }\n"})
    printer = CountingPrinter(cached)
    built = build(cached, ["brief"], printer=printer)
    assert len(printer.printed) == 2 and all(b.written for b in built)
    assert pdfs(cached) != reference
    (cached / "templates").rename(cached / "unused-templates")
    printer = CountingPrinter(cached)
    build(cached, ["brief"], printer=printer)
    assert printer.printed == []  # the theme's stylesheet again: the first build's entries
    assert pdfs(cached) == reference


def test_builds_running_at_once_share_the_cache_safely(tmp_path, reference):
    root = small_project(tmp_path / "proj")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "coursepack", "build", str(root), "--pack", "brief"]
    running = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for process in running:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert pdfs(root) == reference
    assert not [p for p in (root / "build").rglob("*.tmp")]
    printer = CountingPrinter(root)
    build(root, ["brief"], printer=printer)
    assert printer.printed == [] and pdfs(root) == reference
