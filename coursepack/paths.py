"""Files a project names in its settings and content (images, a logo, fonts, stylesheets,
a CSL style): each must be a file inside the project folder. One rule, so that every
setting that names a file accepts and refuses the same paths; each caller words its
own message."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

URL = "url"  # scheme:..., such as http://, file:///: not a path inside the project
OUTSIDE = "outside"  # ../ or an absolute path or a symlink leading out of the folder
MISSING = "missing"  # inside, but no such file


def project_file(root: Path, value: str) -> tuple[Path, Optional[str]]:
    """(the file `value` names, None) when it is a file inside the folder `root`; else
    (what it resolves to, why not: URL, OUTSIDE or MISSING). `value` is relative to `root`."""
    if ":" in value.split("/")[0]:
        return Path(value), URL
    root = Path(root).resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        return path, OUTSIDE
    if not path.is_file():
        return path, MISSING
    return path, None
