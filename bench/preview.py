"""Benchmark: from a saved edit to the changed PDF served by `coursepack preview`.

Run from the repository root:  python bench/preview.py [starter|example]
It makes a project with `coursepack new` (the starter, or --example) in a temporary
folder, starts `coursepack preview --port 0 --no-open` as a user would, waits for the
first build, then edits one module's title and times, through HTTP only, how long
until the page's status reports the rebuild and the served PDF has the new title.
Not part of the test suite: timings vary by machine.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
CASES = {  # project -> (module edited, the PDF looked at)
    "starter": ("content/topics/ratification.yaml", "ratification-unit.pdf"),
    "example": ("content/topics/khrushchev-foreign-policy.yaml", "khrushchev-unit.pdf"),
}


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def wait(url: str, after: int) -> dict:
    while True:
        status = json.loads(get(url + "status"))
        if status["generation"] > after and not status["building"]:
            return status
        time.sleep(0.05)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def main(which: str = "starter") -> None:
    module, pdf = CASES[which]
    env = {"PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "unit"
        subprocess.run([sys.executable, "-m", "coursepack", "new", str(root)] + (["--example"] if which == "example" else []),
                       check=True, capture_output=True, env=env)
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "coursepack", "preview", str(root), "--port", "0", "--no-open"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        url = process.stdout.readline().split()[1]
        status = wait(url, 0)
        print(f"{which}: first build of every pack served after {time.monotonic() - started:.1f} s")
        for attempt in range(3):
            file = root / module
            title = f"Edited title {attempt}"
            lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
            lines = [f"title: {title}\n" if line.startswith("title:") else line for line in lines]
            seen = json.loads(get(url + "status"))["version"]
            saved = time.monotonic()
            file.write_text("".join(lines), encoding="utf-8")
            while True:  # as the page does: poll the status, reload when the PDFs changed
                now = json.loads(get(url + "status"))
                if now["version"] != seen:
                    break
                time.sleep(0.1)
            served = time.monotonic() - saved
            assert title in pdf_text(get(url + "pdf/" + pdf)), "the served PDF did not change"
            status = wait(url, status["generation"])
            print(f"{which}: edit {attempt + 1} of {module}: the changed {pdf} served {served:.1f} s after saving, "
                  f"every edition rebuilt after {time.monotonic() - saved:.1f} s")
        process.terminate()
        _, log = process.communicate(timeout=60)
        print("preview log:", *[line for line in log.splitlines() if line], sep="\n  ")


if __name__ == "__main__":
    main(*sys.argv[1:])
