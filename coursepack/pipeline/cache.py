"""The build cache in build/.cache/: a PDF is printed again only when something it
is made from changed.

Two kinds of entries, each a file named by a SHA-256 key:

    build/.cache/jobs/<recipe key>   which document a job made last time
    build/.cache/pdfs/<HTML key>     a printed PDF, its pages and warnings, and the
                                     files WeasyPrint read for it, with their hashes

The **recipe key** of a job hashes everything its HTML is made from, without
rendering it: the job (pack, edition, layout, template, side, students...), the
pack's modules as loaded and checked, the project-wide data (coursepack.yaml,
sources, glossary, formats), every file of the templates (the project's and the
bundled theme), coursepack's own code and the versions of the libraries it
renders with, the project folder and the PDFs' creation date. A no-op build
therefore loads and checks the project, hashes, and prints nothing.

The **HTML key** hashes the rendered HTML with the same code, versions, folder
and date. A job whose recipe changed is rendered, and its HTML is looked up
here: an edit that leaves a document's HTML as it was (a module another pack
uses, a comment) prints nothing either.

A PDF entry is used only after checking it all: its header names its own key,
the PDF's length and SHA-256 match, and every file WeasyPrint read (stylesheets,
fonts, images) still has the hash it had. Anything else (a missing, truncated,
foreign or garbage file) is a miss: the document is printed again and the entry
replaced. Entries are written to a temporary file and renamed, so builds running
at the same time never see half an entry. The cache is kept under
`MAX_BYTES`: the entries used least recently go first.

Not covered: fonts installed on the system that WeasyPrint falls back to
without reading them through the project (bundled and @font-face fonts are).
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel

from ..outputs.pdf import Printed
from ..project import Project
from ..render import theme_dir
from .plan import OUTPUT_DIR, Job
from .write import replace_atomically

CACHE_DIR = ".cache"  # inside build/
MAGIC = b"coursepack-cache 1\n"  # changes whenever the entries' shape does
MAX_BYTES = 256 * 1024 * 1024
# The libraries whose versions change the HTML or the PDF coursepack makes.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "pyphen", "jinja2",
             "markupsafe", "markdown-it-py", "mdit-py-plugins", "citeproc-py", "pydantic", "pypdf", "pyyaml")


class BuildCache:
    """The cache of one project's build folder.

    `created` is the creation date written into the PDFs and `printer` names what
    prints them (both part of every key).
    Methods never raise for a damaged cache: a bad entry is a miss, and a cache
    that cannot be written (a read-only folder) only costs the time it would save.
    """

    def __init__(self, project: Project, created: Optional[datetime.datetime] = None, printer: str = "weasyprint"):
        self.project = project
        self.folder = project.root / OUTPUT_DIR / CACHE_DIR
        self._files: dict[Path, Optional[str]] = {}  # this build's file hashes
        self._modules: dict[str, str] = {}
        salt = _hash_of(MAGIC, printer, _code_fingerprint(), json.dumps(_versions()), str(project.root),
                        created.isoformat() if created else "")
        self._salt = salt
        self._project_key: Optional[str] = None

    # -- keys -------------------------------------------------------------------

    def recipe_key(self, job: Job) -> str:
        """The key of everything `job`'s HTML is made from (see the module's docstring)."""
        modules = [self._module_key(module_id) for module_id in job.pack.modules]
        fields = {field.name: _plain(getattr(job, field.name)) for field in dataclasses.fields(job)
                  if field.name != "path"}  # where it goes changes nothing in it
        return _hash_of(self._salt, self._projectwide(), json.dumps(fields, sort_keys=True), *modules)

    def html_key(self, html: str) -> str:
        return _hash_of(self._salt, "html", html)

    # -- reading ------------------------------------------------------------------

    def recall(self, job: Job) -> Optional[Printed]:
        """What `job` printed last time, if nothing it is made from has changed."""
        entry = self._read(self.folder / "jobs" / self.recipe_key(job))
        if entry is None:
            return None
        header, _ = entry
        html_key = header.get("html")
        return self.lookup(html_key) if isinstance(html_key, str) else None

    def lookup(self, html_key: str) -> Optional[Printed]:
        """The PDF printed from the HTML of `html_key`, if its entry is whole and every
        file it read is unchanged."""
        path = self.folder / "pdfs" / html_key
        entry = self._read(path, html_key)
        if entry is None:
            return None
        header, pdf = entry
        try:
            read = [(Path(name), digest) for name, digest in header["read"]]
            if len(pdf) != header["size"] or hashlib.sha256(pdf).hexdigest() != header["sha256"]:
                return None
            if any(self.file_hash(name) != digest for name, digest in read):
                return None
            printed = Printed(pdf, int(header["pages"]), tuple(map(str, header["warnings"])), (),
                              tuple(name for name, _ in read))
        except (KeyError, TypeError, ValueError):
            return None
        _touch(path)
        return printed

    # -- writing ------------------------------------------------------------------

    def store(self, html_key: str, printed: Printed) -> None:
        """Keep what was printed from the HTML of `html_key`. A refused document is never kept."""
        if printed.refused:
            return
        read = [[str(path), self.file_hash(path)] for path in printed.read]
        header = {"key": html_key, "size": len(printed.pdf), "sha256": hashlib.sha256(printed.pdf).hexdigest(),
                  "pages": printed.pages, "warnings": list(printed.warnings), "read": read}
        self._write(self.folder / "pdfs" / html_key, header, printed.pdf)

    def remember(self, job: Job, html_key: str) -> None:
        """Note that `job` made the document of `html_key`, so the next build need not render it."""
        recipe = self.recipe_key(job)
        self._write(self.folder / "jobs" / recipe, {"key": recipe, "html": html_key}, b"")

    def prune(self, max_bytes: int = MAX_BYTES) -> None:
        """Remove the least recently used entries until the cache holds at most `max_bytes`,
        and temporary files a killed build left behind (older than an hour)."""
        entries = []
        for kind in ("pdfs", "jobs"):
            folder = self.folder / kind
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if path.name.endswith(".tmp"):
                    if stat.st_mtime < time.time() - 3600:
                        path.unlink(missing_ok=True)
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

    # -- files ----------------------------------------------------------------------

    def file_hash(self, path: Path) -> Optional[str]:
        """SHA-256 of a file's contents (None when it cannot be read), once per build."""
        path = Path(path)
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._files[path] = None
        return self._files[path]

    def _projectwide(self) -> str:
        """What every document of the project may show: coursepack.yaml, sources, the shared
        glossary, the debate formats (every field of Project), and the templates (the
        project's and the theme)."""
        if self._project_key is None:
            project = self.project
            templates = []
            for folder in (project.template_dir, theme_dir()):
                if folder is None:
                    continue
                for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
                    templates.append(f"{path.relative_to(folder).as_posix()}={self.file_hash(path)}")
            # Every field of the project but its folder (in the salt) and its modules (per
            # pack): a field added later is covered without a change here.
            data = {field.name: _plain(getattr(project, field.name)) for field in dataclasses.fields(project)
                    if field.name not in ("root", "modules")}
            self._project_key = _hash_of(json.dumps(data, sort_keys=True, default=str), "\n".join(templates))
        return self._project_key

    def _module_key(self, module_id: str) -> str:
        if module_id not in self._modules:
            module = self.project.modules.get(module_id)
            self._modules[module_id] = _hash_of(module_id, json.dumps(_plain(module), sort_keys=True))
        return self._modules[module_id]

    def _read(self, path: Path, key: Optional[str] = None) -> Optional[tuple[dict, bytes]]:
        """(header, payload) of an entry whose first lines are ours and name its own key."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(MAGIC):
            return None
        line_end = data.find(b"\n", len(MAGIC))
        if line_end < 0:
            return None
        try:
            header = json.loads(data[len(MAGIC):line_end])
        except ValueError:
            return None
        if not isinstance(header, dict) or header.get("key") != (key or path.name):
            return None
        return header, data[line_end + 1:]

    def _write(self, path: Path, header: dict, payload: bytes) -> None:
        """Write an entry whole or not at all: a temporary file beside it, then a rename."""
        try:
            replace_atomically(path, MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload)
        except OSError:
            pass  # a cache that cannot be written is only slower


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _hash_of(*parts: Any) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def _plain(value: Any) -> Any:
    """`value` as JSON-able data, the same for equal values: models by their fields."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


@lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """A hash of coursepack's own files (code, bundled formats and citation styles), so that
    a changed checkout never reuses what older code printed."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc", ".pyo"))
    return _hash_of(*(f"{p.relative_to(package).as_posix()}={hashlib.sha256(p.read_bytes()).hexdigest()}"
                      for p in files))


@lru_cache(maxsize=None)
def _versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions
