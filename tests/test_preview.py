"""`coursepack preview`, driven as a user would: start it, open the page and a PDF,
save a change, see the served PDF change, make a mistake, fix it, press Ctrl-C."""
import copy
import io
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml
from pypdf import PdfReader

from conftest import CONFIG, DEBATE, SOURCES, TOPIC, small_project, write_project
from coursepack.preview import packs_to_rebuild

TINY = {**CONFIG, "packs": [{"id": "unit", "title": "The Unit", "modules": ["thaw"]}]}


def tiny_project(root):
    topic = copy.deepcopy(TOPIC)
    topic["sections"] = topic["sections"][:1]
    return write_project(root, {"coursepack.yaml": TINY, "content/thaw.yaml": topic,
                                "content/sources.yaml": SOURCES, "rosters/class.csv": "name\nAna\n"})


def get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def raw_get(url_base, path):
    """A request whose path goes on the wire exactly as written (no client-side cleaning)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url_base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def settled(url, after, timeout=120):
    """Poll /status as the page does until a build newer than `after` has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = json.loads(get(url + "status")[1])
        if status["generation"] > after and not status["building"]:
            return status
        time.sleep(0.1)
    raise AssertionError(f"no finished build within {timeout} s")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def preview(tmp_path):
    root = tiny_project(tmp_path / "proj")
    process = subprocess.Popen([sys.executable, "-m", "coursepack", "preview", str(root), "--port", "0", "--no-open"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    assert first.startswith("serving http://127.0.0.1:"), first + process.stderr.read()
    url = first.split()[1]
    yield root, url, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_preview_serves_rebuilds_reports_and_stops(preview):
    root, url, process = preview
    status = settled(url, 0)
    assert status["problems"] == 0
    code, page = get(url)
    assert code == 200 and b'href="/pdf/unit.pdf?v=' in page and b'<iframe src="/pdf/unit.pdf?v=' in page
    assert b'<a href="/?show=unit.pdf" aria-current="page">' in get(url + "?show=unit.pdf")[1]
    shown = get(url + "?show=..%2Fcoursepack.yaml%3Cb%3E")[1]  # not a PDF of the list: the first is shown
    assert b'<iframe src="/pdf/unit.pdf?v=' in shown and b"coursepack.yaml<b>" not in shown
    code, before = get(url + "pdf/unit.pdf")
    assert code == 200 and before.startswith(b"%PDF") and "The Thaw" in pdf_text(before)

    # A saved edit: the served PDF changes, and the page reloads (its generation moves on).
    module = root / "content" / "thaw.yaml"
    data = yaml.safe_load(module.read_text())
    data["title"] = "The Thaw Revised"
    module.write_text(yaml.safe_dump(data, sort_keys=False))
    status = settled(url, status["generation"])
    code, after = get(url + "pdf/unit.pdf")
    assert after != before and "The Thaw Revised" in pdf_text(after)
    page = get(url)[1].decode()
    assert "after a change to content/thaw.yaml" in page
    assert "unit.pdf?v=" in page and "#nameddest=m-thaw" in page  # the frame opens at the chapter edited
    assert "m-thaw" in PdfReader(io.BytesIO(after)).named_destinations

    # A mistake: the page names the place, the server stays up, the last good PDF is served.
    module.write_text(module.read_text().replace("heading:", "headng:", 1))
    status = settled(url, status["generation"])
    assert status["problems"] >= 1  # the misspelt key, and the missing heading
    page = get(url)[1].decode()
    assert "content/thaw.yaml:" in page and "headng" in page and "last good build" in page
    assert get(url + "pdf/unit.pdf")[1] == after

    # Saving a file no PDF uses rebuilds nothing.
    (root / "rosters" / "class.csv").write_text("name\nAna\nBen\n")
    module.write_text(module.read_text().replace("headng:", "heading:", 1))
    status = settled(url, status["generation"])
    assert status["problems"] == 0
    (root / "README.md").write_text("notes")
    status = settled(url, status["generation"])
    page = get(url)[1].decode()
    assert "Checked after a change to README.md" in page, page[page.index("<p id=status>"):][:300]

    # Only files inside build/ are served, however the path is spelt.
    for path in ("/pdf/../coursepack.yaml", "/pdf/%2e%2e/coursepack.yaml", "/pdf/%2E%2E%2Fcoursepack.yaml",
                 "/pdf/..%2f..%2fetc/passwd", "/../coursepack.yaml", "/coursepack.yaml", "/pdf/",
                 "/pdf/%2fetc%2fpasswd", "/pdf/.cache", "/pdf/%ff.pdf", "/pdf/unit.pdf%00"):
        code, body = raw_get(url, path)
        assert code == 404 and b"title:" not in body and b"root:" not in body, path
    # A page elsewhere cannot read the PDFs through a name that resolves to this computer.
    assert get(url + "pdf/unit.pdf", host="attacker.example:80")[0] == 403

    # Ctrl-C stops it cleanly.
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped")
    assert "Traceback" not in err
    assert "content/thaw.yaml: rebuilt 1 PDF(s)" in err


def test_preview_refuses_a_port_in_use_and_an_unknown_pack(tmp_path):
    import socket

    from conftest import run_cli

    root = tiny_project(tmp_path / "proj")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("preview", root, "--port", taken.getsockname()[1], "--no-open")
    assert result.exit_code == 2 and "choose another port with --port" in result.stderr
    result = run_cli("preview", root, "--pack", "unti", "--no-open", "--port", "0")
    assert result.exit_code == 2 and "no pack 'unti'" in result.stderr and "did you mean 'unit'" in result.stderr


def test_packs_to_rebuild_follow_the_changed_file(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "assets/map.png": b"png", "assets/unused.png": b"png",
        "content/thaw.yaml": {**TOPIC, "summary": "A map: ![the map](assets/map.png)"},
        "content/spare.yaml": {**TOPIC, "id": "spare"}, "content/debates/split.yaml": DEBATE})
    assert packs_to_rebuild(root, ["content/thaw.yaml"], []) == ["unit"]
    assert packs_to_rebuild(root, ["content/debates/split.yaml"], []) == ["unit", "brief"]
    assert packs_to_rebuild(root, ["content/debates/split.yaml"], ["brief"]) == ["brief"]
    assert packs_to_rebuild(root, ["content/spare.yaml"], []) == []  # listed by no pack: only checked
    assert packs_to_rebuild(root, ["assets/map.png"], []) == ["unit"]
    assert packs_to_rebuild(root, ["assets/unused.png"], []) == []
    assert packs_to_rebuild(root, ["README.md"], []) == []
    for everything in ("coursepack.yaml", "content/sources.yaml", "templates/base.html.j2", "content/gone.yaml"):
        assert packs_to_rebuild(root, [everything], []) is None, everything
        assert packs_to_rebuild(root, [everything], ["brief"]) == ["brief"], everything


def test_student_editions_are_rebuilt_first(tmp_path):
    from coursepack.preview import build_phases

    config = {**CONFIG, "packs": [
        {"id": "unit", "modules": ["thaw", "split"], "editions": ["student", "teacher"]},
        {"id": "packet", "modules": ["split"], "layout": "packet"},
        {"id": "coach", "modules": ["split"], "editions": ["teacher", "judge"]}]}
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    assert build_phases(root, None) == [(["unit"], ["student"]), (["packet"], ["student", "teacher"]),
                                        (["unit", "coach"], ["teacher", "judge"])]
    assert build_phases(root, ["coach"]) == [(["coach"], ["teacher", "judge"])]
    assert build_phases(root, ["nope"]) == [(["nope"], None)]  # the build names the unknown pack
    (root / "coursepack.yaml").write_text("packs: [")
    assert build_phases(root, None) == [(None, None)]  # the build reports the broken file
