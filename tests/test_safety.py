"""Confinement, nothing lost, and limits: what content can reach, and what survives a crash.

- No network: a local listener records every connection; a project whose templates,
  CSS, fonts and Markdown point at it must fail with a clear message and open no connection.
- Only files inside the project or the bundled theme: `file:` URLs, absolute paths,
  `../` and symlinks that lead out are refused with a message naming them.
- Unsafe link schemes in Markdown are dropped.
- A build killed mid-way leaves every previous PDF intact (or a complete new one), and
  the next build removes the temporary files it left.
- Large and pathological input completes or fails clearly (no timing assertions).
"""
from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CONFIG, DEBATE, REPO, TOPIC, run_cli, small_project, write_project
from coursepack.citations import Bibliography
from coursepack.prose import ProseRenderer


# -- no network ------------------------------------------------------------------

class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, address = self.server.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(address)
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_the_listener_does_record_connections(listener):
    """The instrument works: a real connection is counted (so zero below means zero)."""
    socket.create_connection(("127.0.0.1", listener.port)).close()
    for _ in range(50):
        if listener.connections:
            break
        time.sleep(0.02)
    assert len(listener.connections) == 1


def test_build_opens_no_network_connection(tmp_path, listener):
    """Template override, stylesheet, @font-face and @import all point at the listener."""
    override = """\
        {% extends "base/course-pack.html.j2" %}
        {% block head %}
        <link rel="stylesheet" href="URL_CSS">
        <style>
          @font-face { font-family: Remote; src: url(URL_FONT) }
          body { font-family: Remote }
        </style>
        {% endblock %}
        """
    css = (REPO / "templates" / "css" / "print.css").read_text()
    root = small_project(tmp_path / "proj", **{
        "templates/course-pack.html.j2": override.replace("URL_CSS", listener.url("extra.css"))
                                                 .replace("URL_FONT", listener.url("font.otf")),
        # the project's own print.css replaces the theme's
        "templates/css/print.css": f"@import url({listener.url('import.css')});\n"
                                   f"h1 {{ background: url({listener.url('bg.png')}) }}\n" + css,
    })
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    for name in ("extra.css", "font.otf", "import.css", "bg.png"):
        assert f"build/unit.pdf: {listener.url(name)}: network access is not allowed; put the file in assets/" in lines
    assert "Traceback" not in result.output
    assert not (root / "build" / "unit.pdf").exists()
    assert listener.connections == []


def test_network_image_in_markdown_is_an_error_before_rendering(tmp_path, listener):
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["body"] = f"![A map]({listener.url('map.png')})"
    root = small_project(tmp_path / "proj", **{"content/thaw.yaml": topic})
    result = run_cli("build", root)
    assert result.exit_code == 1
    assert result.stderr == (f"content/thaw.yaml:9:10: image '{listener.url('map.png')}' is outside the project; "
                             "copy it into assets/ and give a path like assets/map.png\n")
    assert listener.connections == []


# -- only files inside the project or the theme --------------------------------------

@pytest.fixture
def outside(tmp_path):
    """A secret file next to the project, and the project."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not really")
    return secret


@pytest.mark.parametrize("target", ["../secret.png", "assets/../../secret.png", "ABSOLUTE", "FILE_URL", "assets/link.png"])
def test_images_that_lead_out_of_the_project_are_refused_by_check(tmp_path, outside, target):
    root = tmp_path / "proj"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "link.png").symlink_to(outside)
    target = {"ABSOLUTE": str(outside), "FILE_URL": outside.as_uri()}.get(target, target)
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["figure"] = {"image": target, "alt": "A secret"}
    small_project(root, **{"content/thaw.yaml": topic})
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert result.stderr == (f"content/thaw.yaml:14:12: image '{target}' is outside the project; "
                             "copy it into assets/ and give a path like assets/map.png\n")


def test_stylesheets_that_lead_out_of_the_project_are_refused_by_build(tmp_path, outside):
    """Templates are trusted code, but even they print only what is in the project or theme."""
    root = tmp_path / "proj"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "link.png").symlink_to(outside)
    css = (REPO / "templates" / "css" / "print.css").read_text()
    small_project(root, **{"templates/css/print.css": (
        f"h1 {{ background: url(../../secret.png) }}\n"
        f"h2 {{ background: url({outside}) }}\n"
        f"h3 {{ background: url({outside.as_uri()}) }}\n"
        f"p {{ background: url(../../assets/link.png) }}\n") + css})
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1, result.output
    assert f"build/unit.pdf: {outside} is outside the project folder" in result.stderr.splitlines()
    assert f"build/unit.pdf: assets/link.png points to {outside}, outside the project folder" in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert not (root / "build").exists() or not list((root / "build").glob("*.pdf"))


@pytest.fixture(scope="module")
def prose():
    return ProseRenderer(Bibliography({}))


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java&#x73;cript:alert(1)",
    "javascript&colon;alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd", "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "DATA:text/html;base64,PHNjcmlwdD4=",
])
def test_unsafe_link_schemes_are_dropped(prose, url):
    """markdown-it's validateLink refuses javascript:, vbscript:, file: and data: (except raster images),
    after decoding entities; the link text stays, the target goes."""
    for html in (prose.inline(f"[click]({url})"), prose.inline(f"<{url}>"), prose.block(f"[click]({url})")):
        assert "href" not in html.replace("&amp;", "&"), html
        assert "javascript:" not in html.lower() or "href" not in html


@pytest.mark.parametrize("url", ["https://example.org/a?b=c", "mailto:ms.rivera@school.org", "#glossary"])
def test_ordinary_links_stay(prose, url):
    assert f'href="{url}"' in prose.inline(f"[here]({url})")


# -- nothing lost ---------------------------------------------------------------------

def _build_process(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH="1700000000")
    return subprocess.Popen([sys.executable, "-m", "coursepack", "build", str(root), *args], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _pdfs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "build").glob("*.pdf"))}


def test_killed_build_leaves_every_pdf_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = small_project(tmp_path / "proj")
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    old = _pdfs(root)
    assert len(old) >= 2

    topic = copy.deepcopy(TOPIC)
    topic["title"] = "The Thaw, revised"
    write_project(root, {"content/thaw.yaml": topic})
    snapshots, killed_while_running = [], 0
    for delay in (None, 0.8):  # None: kill the moment anything in build/ changes
        process = _build_process(root, "--pack", "unit")
        start, deadline = time.monotonic(), time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if delay is None and (any(p.name.endswith(".tmp") for p in (root / "build").iterdir())
                                  or _pdfs(root) != old):
                break
            if delay is not None and time.monotonic() - start >= delay:
                break
            time.sleep(0.002)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the build and its printing workers
            killed_while_running += 1
        process.wait(timeout=30)
        snapshots.append(_pdfs(root))

    # A build that is not interrupted gives the new PDFs, and leaves no temporary file.
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    new = _pdfs(root)
    assert new["unit.pdf"] != old["unit.pdf"]
    assert not [p.name for p in (root / "build").iterdir() if p.name.endswith(".tmp")]
    for snapshot in snapshots:
        assert set(snapshot) == set(old)  # nothing went missing
        for name, data in snapshot.items():
            assert data in (old[name], new[name]), f"{name} is neither the old PDF nor a complete new one"
    # The first kill waits for the first change in build/, while more PDFs are still to come.
    assert killed_while_running >= 1


def test_next_build_removes_temporary_files_a_killed_build_left(tmp_path):
    root = small_project(tmp_path / "proj")
    build = root / "build"
    build.mkdir()
    stale = [build / ".unit.pdf.k3j4_x.tmp", build / ".brief.pdf.0a9b8c.tmp"]
    for path in stale:
        path.write_bytes(b"%PDF-1.7 half a file")
    mine = [build / "notes.tmp", build / ".unit.pdf.tmp", build / "draft.pdf"]  # not written by coursepack
    for path in mine:
        path.write_bytes(b"the user's")
    assert run_cli("build", root).exit_code == 0
    assert not any(path.exists() for path in stale)
    assert all(path.read_bytes() == b"the user's" for path in mine)


def test_a_build_running_at_the_same_time_keeps_its_temporary_file(tmp_path):
    root = small_project(tmp_path / "proj")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # another writer, alive
    try:
        (root / "build").mkdir()
        theirs = root / "build" / f".unit.pdf.{other.pid}.a1b2c3.tmp"
        theirs.write_bytes(b"%PDF-1.7 being written")
        assert run_cli("build", root, "--pack", "unit").exit_code == 0
        assert theirs.read_bytes() == b"%PDF-1.7 being written"
    finally:
        other.kill()
        other.wait()


def test_a_failed_build_keeps_the_old_pdfs(tmp_path):
    root = small_project(tmp_path / "proj")
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    old = _pdfs(root)
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["body"] = "Now cites [@nobody2000]."
    write_project(root, {"content/thaw.yaml": topic})
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1
    assert _pdfs(root) == old
    assert sorted(p.name for p in (root / "build").iterdir() if p.name != ".cache") == sorted(old)  # no temporary files either


def test_a_refused_resource_keeps_the_old_pdfs(tmp_path):
    """Failing while printing (not while checking) is just as safe."""
    root = small_project(tmp_path / "proj")
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    old = _pdfs(root)
    css = (REPO / "templates" / "css" / "print.css").read_text()
    write_project(root, {"templates/css/print.css": "h1 { background: url(/etc/hostname) }\n" + css})
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1
    assert "build/unit.pdf: /etc/hostname is outside the project folder" in result.stderr.splitlines()
    assert _pdfs(root) == old
    assert sorted(p.name for p in (root / "build").iterdir() if p.name != ".cache") == sorted(old)


# -- limits and load ------------------------------------------------------------------

def test_a_large_project_checks(tmp_path):
    """A hundred modules and a thousand evidence cards: `check` completes with everything counted."""
    files, module_ids = {}, []
    for index in range(100):
        topic = copy.deepcopy(TOPIC)
        topic["id"] = f"topic-{index}"
        topic["terms"] = [{"term": f"Term {index}", "definition": "A definition."}]
        files[f"content/unit-{index // 10}/topic-{index}.yaml"] = topic
        module_ids.append(topic["id"])
    debate = copy.deepcopy(DEBATE)
    card = debate["sides"]["pro"]["contentions"][0]["cards"][0]
    debate["sides"]["pro"]["contentions"] = [
        {"id": f"c{index}", "tag": f"Contention {index}", "cards": [copy.deepcopy(card) for _ in range(10)]}
        for index in range(100)]
    debate["rebuttals"][0]["answers"] = "c0"
    files["content/debates/split.yaml"] = debate
    config = copy.deepcopy(CONFIG)
    config["packs"][0]["modules"] = module_ids + ["split"]
    files["coursepack.yaml"] = config
    root = small_project(tmp_path / "proj", **{**files, "content/thaw.yaml": None})
    result = run_cli("check", root)
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok: 101 modules, 2 packs, 1 source\n"


def test_a_paragraph_just_under_the_size_limit_loads(tmp_path):
    """4 MB of text in one field is read (the 5 MiB limit is per file); over it, see test_corpus."""
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["body"] = "word " * 800_000
    root = small_project(tmp_path / "proj", **{"content/thaw.yaml": topic})
    result = run_cli("check", root)
    assert result.exit_code == 0, result.output
