"""`coursepack new`: write a starter project (or the bundled example) into a folder.

The starter lives in the package (coursepack/starter/), so an installed
coursepack carries it; the example is the repository's own project, which the
wheel carries as coursepack/example/ (see pyproject.toml). Nothing the user
already has is overwritten: a folder that exists and is not empty is refused,
and with `force` only the starter's own files are replaced, each atomically.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .loader import CONTENT_DIR, SPECIAL_CONTENT_FILES
from .pipeline.write import write_atomic
from .schema import KINDS, schema_text

PACKAGE = Path(__file__).resolve().parent
STARTER = PACKAGE / "starter"
# The example: inside a wheel, coursepack/example/; in a source checkout, the repository itself.
EXAMPLE_PARTS = ("coursepack.yaml", "content", "rosters", "assets", "formats")
SCHEMA_DIR = ".coursepack"
SETTINGS = ".vscode/settings.json"
_MODELINE = "# yaml-language-server: $schema="
_IGNORED = {"__pycache__", ".DS_Store"}


@dataclass
class Created:
    """What `create_project` did; paths are relative to `root`, with forward slashes."""

    root: Path
    written: list[str] = field(default_factory=list)  # new files
    replaced: list[str] = field(default_factory=list)  # files that existed (only with force)
    notes: list[str] = field(default_factory=list)  # what was left alone, and why


def create_project(path: Path, *, example: bool = False, force: bool = False) -> Created:
    """Write the starter project (or, with `example`, the bundled example) into `path`.

    `path` may not exist yet; if it exists it must be an empty folder, unless `force`
    is given: then the starter's own files are written over and every other file in
    the folder is left as it is. Also writes the JSON Schemas into .coursepack/ and
    the editor settings that map them to the project's files (.vscode/settings.json;
    module files get a `# yaml-language-server: $schema=` first line).
    Raises UsageError (nothing written) when the folder is not empty and not `force`,
    when `path` is a file, or when the example is not available."""
    path = Path(path)
    files = _project_files(example)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file; give the name of a new folder, such as my-unit")
    existing = sorted(p.relative_to(path).as_posix() for p in path.iterdir()) if path.is_dir() else []
    if existing and not force:
        clashes = [name for name in files if (path / name).exists()]
        detail = (f"; --force would replace {len(clashes)} of its files ({_listing(clashes)}) "
                  "and leave the others alone") if clashes else \
                 "; --force adds the starter's files and leaves the others alone"
        raise UsageError(f"{path} already exists and is not empty ({_listing(existing)}); "
                         f"nothing was written. Choose a new folder name{detail}")
    created = Created(path.resolve())
    settings = path / SETTINGS
    if settings.exists():
        merged = _merged_settings(settings)
        if merged is None:
            created.notes.append(f"{SETTINGS} is not plain JSON and was left as it is; add the "
                                 f"'yaml.schemas' entry of a new project by hand")
            files.pop(SETTINGS)
        else:
            files[SETTINGS] = merged
    for name, data in files.items():
        target = path / name
        (created.replaced if target.exists() else created.written).append(name)
        write_atomic(target, data)
    others = sorted(name for name in (p.relative_to(path).as_posix() for p in (path / "content").rglob("*"))
                    if name.endswith((".yaml", ".yml", ".json", ".bib")) and name not in files) if existing else []
    if others:  # an earlier project's content stays, and the new coursepack.yaml does not list it
        created.notes.append(f"left alone: {len(others)} content file{'s' if len(others) != 1 else ''} that the new "
                             f"project does not have ({_listing(others)}); `coursepack check` reports any that do not "
                             "fit it: delete them for a clean start")
    return created


def _project_files(example: bool) -> dict[str, bytes]:
    """Every file of the new project, by relative path."""
    if example:
        source = _example_root()
        files = {}
        for part in EXAMPLE_PARTS:
            files.update(_read_tree(source, part))
    else:
        files = _read_tree(STARTER, "")
    for kind in KINDS:
        files[f"{SCHEMA_DIR}/{kind}.schema.json"] = schema_text(kind).encode()
    for name in list(files):
        if _is_module(name):
            files[name] = _with_modeline(name, files[name])
    files[SETTINGS] = _settings_text(_editor_settings())
    return files


def copy_example(target: Path) -> Path:
    """The bundled example's own files (EXAMPLE_PARTS), byte for byte, copied into the
    new folder `target` (without the schemas and editor settings `new` adds): the
    project the tests and benchmarks build. Returns `target`. Raises UsageError when
    the example is not available."""
    target, source = Path(target), _example_root()
    for part in EXAMPLE_PARTS:
        for name, data in _read_tree(source, part).items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)
    return target


def _example_root() -> Path:
    bundled = PACKAGE / "example"
    if (bundled / "coursepack.yaml").is_file():
        return bundled
    checkout = PACKAGE.parent
    if (checkout / "coursepack.yaml").is_file() and (checkout / "content").is_dir():
        return checkout
    raise UsageError("the bundled example is not part of this installation; "
                     "run 'coursepack new PATH' without --example for the starter project")


def _read_tree(base: Path, part: str) -> dict[str, bytes]:
    start = base / part if part else base
    if start.is_file():
        return {part: start.read_bytes()}
    if not start.is_dir():
        return {}
    files = {}
    for file in sorted(start.rglob("*")):
        relative = file.relative_to(base)
        if file.is_file() and not _IGNORED.intersection(relative.parts) and file.suffix != ".pyc":
            files[relative.as_posix()] = file.read_bytes()
    return files


def _is_module(name: str) -> bool:
    """A module file: YAML under content/, except the special files at its root."""
    parts = name.split("/")
    if parts[0] != CONTENT_DIR or not name.endswith((".yaml", ".yml")):
        return False
    return len(parts) > 2 or parts[1] not in SPECIAL_CONTENT_FILES


def _with_modeline(name: str, data: bytes) -> bytes:
    """The module with a first line naming its schema, relative to the module's folder.

    A glob in the editor settings cannot tell modules from content/sources.yaml and
    content/glossary.yaml, which live in the same folder, so each module names its own."""
    text = data.decode("utf-8-sig")
    if text.startswith(_MODELINE):
        return data
    depth = name.count("/")
    line = f"{_MODELINE}{'../' * depth}{SCHEMA_DIR}/module.schema.json\n"
    return (line + text).encode("utf-8")


def _editor_settings() -> dict:
    """The YAML language server's schema mapping for VS Code (keys relative to the folder)."""
    return {"yaml.schemas": {
        f"./{SCHEMA_DIR}/project.schema.json": ["coursepack.yaml"],
        f"./{SCHEMA_DIR}/format.schema.json": ["formats/*.yaml"],
    }}


def _merged_settings(settings: Path) -> bytes | None:
    """Existing VS Code settings with our `yaml.schemas` entries added; None when the
    file is not plain JSON (VS Code also allows comments, which we do not rewrite)."""
    try:
        current = json.loads(settings.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(current, dict):
        return None
    schemas = current.get("yaml.schemas")
    current["yaml.schemas"] = {**(schemas if isinstance(schemas, dict) else {}),
                               **_editor_settings()["yaml.schemas"]}
    return _settings_text(current)


def _settings_text(settings: dict) -> bytes:
    return (json.dumps(settings, indent=2) + "\n").encode()


def _listing(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, ..." if len(names) > limit else shown
