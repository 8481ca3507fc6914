"""Find a project and load it: read every file (loader.py), check every
cross-reference (references.py), then link the parts into one Project.

`load_project` either returns a fully checked Project or raises one
CoursepackError carrying every problem found in every file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import references
from .errors import CoursepackError, UsageError
from .loader import BUNDLED_FORMATS, PROJECT_FILE, Module, ProjectFiles, read_formats, read_project
from .models import Debate, DebateFormat, ProjectConfig, Term
from .validation import suggest

__all__ = ["BUNDLED_FORMATS", "PROJECT_FILE", "Module", "Project", "available_formats", "find_project",
           "load_project"]


@dataclass
class Project:
    """A loaded and checked project: every reference resolves, each debate carries its format."""

    root: Path
    config: ProjectConfig
    modules: dict[str, Module]  # by id, in file order
    sources: dict[str, dict]  # CSL-JSON items by id
    glossary: list[Term]  # the shared glossary (content/glossary.yaml)
    formats: dict[str, DebateFormat]

    @property
    def template_dir(self) -> Optional[Path]:
        """The project's own template overrides (templates/), or None without any."""
        return own_templates(self.root)

    def pack(self, pack_id: str):
        for pack in self.config.packs:
            if pack.id == pack_id:
                return pack
        ids = [p.id for p in self.config.packs]
        raise UsageError(f"no pack '{pack_id}' in {PROJECT_FILE}{suggest(pack_id, ids)}; packs: {', '.join(ids)}")


def find_project(start: Optional[Path] = None) -> Path:
    """The folder holding coursepack.yaml: `start` itself or, without it, the cwd or a parent."""
    if start is not None:
        start = Path(start)
        if (start / PROJECT_FILE).is_file():
            return start.resolve()
        if not start.is_dir():
            raise UsageError(f"there is no folder {start}; give the path of a project folder (the one holding "
                             f"{PROJECT_FILE}), or start a new project with 'coursepack new {start}'")
        raise UsageError(f"no {PROJECT_FILE} in {start}; give the path of a project folder or run the command inside "
                         "one, or start a new project with 'coursepack new my-unit'")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise UsageError(f"no {PROJECT_FILE} found in {here} or any parent folder; run this inside a project folder "
                     "or pass its path, or start a new project with 'coursepack new my-unit'")


def load_project(root: Path) -> Project:
    """Read, check and link the project at `root`; CoursepackError with every problem found."""
    files = read_project(root)
    problems = files.problems + references.check(files)
    if problems:
        raise CoursepackError(problems)
    return _linked(files)


def available_formats(root: Optional[Path] = None) -> list[DebateFormat]:
    """The bundled debate formats and, for a project, its own formats/ (which win on the same id)."""
    files = read_formats(root)
    if files.problems:
        raise CoursepackError(files.problems)
    return list(files.formats.values())


def _linked(files: ProjectFiles) -> Project:
    """The Project of checked files: each debate carries its format, the format's side
    labels where it gives none, and each rebuttal the side it is on."""
    modules: dict[str, Module] = {}
    for module_id, file in files.modules_by_id.items():
        module = file.module
        if isinstance(module, Debate):
            module = _linked_debate(module, files.format_of(file))
        modules[module_id] = module
    return Project(files.root, files.config, modules, files.source_items,
                   [entry.term for entry in files.glossary], files.formats)


def _linked_debate(debate: Debate, fmt: DebateFormat) -> Debate:
    sides = {key: side.model_copy(update={"label": side.label or fmt.sides.get(key, key)})
             for key, side in debate.sides.items()}
    rebuttals = []
    for rebuttal in debate.rebuttals:
        others = [key for key in debate.sides if key != debate.side_of(rebuttal.answers)]
        side = rebuttal.side or (others[0] if len(others) == 1 else None)
        rebuttals.append(rebuttal.model_copy(update={"side": side}))
    return debate.model_copy(update={"sides": sides, "rebuttals": rebuttals, "format": fmt})


def own_templates(root: Path) -> Optional[Path]:
    """`root`/templates when it holds the project's own overrides; None when there is
    none, and for the bundled example in a source checkout, whose templates/ is the
    theme itself (nothing there overrides anything)."""
    from .render import theme_dir  # render imports this module

    folder = Path(root) / "templates"
    if not folder.is_dir() or folder.resolve() == theme_dir().resolve():
        return None
    return folder
