"""The part that scripts/cli_reference.py and scripts/format_reference.py share: a
section of a Markdown page between two marker comments is generated, and `--check`
says whether the page is current (the tests call `updated` the same way)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable


def replace_section(page: str, start: str, end: str, body: str, name: str) -> str:
    """`page` with the text between the markers `start` and `end` replaced by `body`.

    Raises ValueError, naming the page `name`, when a marker is missing."""
    if start not in page or end not in page:
        raise ValueError(f"{name} lacks the markers {start!r} and {end!r}")
    before, rest = page.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{body}{end}{after}"


def run(path: Path, updated: Callable[[str], str], what: str, script: str) -> None:
    """Rewrite `path` with `updated`, or with --check exit 1 when it is out of date."""
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in sys.argv[1:]:
        if new != text:
            sys.exit(f"{path.name}'s {what} is out of date: run python scripts/{script}")
    else:
        path.write_text(new, encoding="utf-8")
