"""The Jinja environment and the HTML of one pack in one edition.

One environment per build: the project's own templates/ first, the bundled
theme second, and the theme again under `base/` so an override can extend
the original instead of copying it. Templates never read files; everything
they show comes in through the context built here.
"""
from __future__ import annotations

import html
import re
import traceback
from pathlib import Path
from typing import Optional, Sequence

import jinja2
from jinja2 import nodes
import markupsafe
from markupsafe import Markup

from . import citations, prose, theme
from .layouts import layout_of, template_for
from .outline import Reader
from .errors import CoursepackError, Problem
from .i18n import Labels
from .models import Debate, PackConfig, Term, TimelineEvent, Topic
from .project import Project, own_templates
from .roster import Student


def theme_dir() -> Path:
    """The bundled theme: inside the installed package, or templates/ of a source checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def make_environment(project: Project) -> jinja2.Environment:
    theme = jinja2.FileSystemLoader(str(theme_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if project.template_dir:
        loaders.append(jinja2.FileSystemLoader(str(project.template_dir)))
    loaders += [theme, jinja2.PrefixLoader({"base": theme})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md_block
    env.filters["md_inline"] = _md_inline
    env.filters["read_aloud"] = _read_aloud
    env.filters["plain"] = plain_text
    env.globals["format_minutes"] = format_minutes
    env.globals["side_label"] = side_label
    env.globals["label"] = labels = project_labels(project)
    env.globals["event_date"] = lambda event: event.display or labels.date(*event.parts)
    return env


def project_labels(project: Project) -> Labels:
    """The theme's words in the project's language, with its own `labels:` on top."""
    return Labels(project.config.language, project.config.labels)


def render_pack(env: jinja2.Environment, project: Project, pack: PackConfig, edition: str, *,
                template: Optional[str] = None, student: Optional[Student] = None, side: Optional[str] = None,
                students: Sequence[Student] = (), part: str = "whole", front_pages: int = 1) -> str:
    """The complete HTML document for one PDF.

    `student`, `side`, `students`, `part` and `front_pages` serve packets (see
    packet.html.j2): the side printed is `side`, else the student's, else the
    pack's, else both."""
    bibliography = _bibliography(project)
    modules = [project.modules[module_id] for module_id in pack.modules]
    packet_side = side or (student.side if student else None) or pack.side
    glossary, timeline = pack_glossary(project, modules), pack_timeline(modules)
    context = {
        "project": project.config,
        "pack": pack,
        "layout": layout_of(pack),
        "edition": edition,
        "student": student,
        "students": students,
        "packet_side": packet_side,
        "part": part,
        "front_pages": front_pages,
        "modules": modules,
        "glossary": glossary,
        "timeline": timeline,
        "outline": layout_of(pack).outline(modules, Reader(edition, packet_side, glossary, timeline)),
        "page_css": page_css(project),
        "theme_css": theme.style(project, env.globals["label"]),
        "extra_stylesheets": theme.stylesheets(project),
        "font_scale": theme.font_scale(project),
        "_prose": prose.ProseRenderer(bibliography),  # its known keys: the bibliography's sources
        # citations are placeholders until the whole document is rendered: then one pandoc
        # run formats them all (bibliography.resolve below)
        "cite_short": lambda cite: Markup(bibliography.short(cite.source, cite.page)),
        "cite_full": lambda cite: Markup(bibliography.reference(cite.source)),
        "bibliography_entries": lambda: [Markup(entry) for entry in bibliography.entries(
            list(project.sources) if pack.bibliography == "all" else None)],
        "theme_url": lambda path: _theme_url(project, path),
    }
    try:
        document = env.get_template(template or template_for(pack, edition)).render(context)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        place = _users_template_line(project, exc)
        if place is None:  # the bundled theme or coursepack's own code: a bug of ours, reported as one
            raise
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        if isinstance(exc, jinja2.TemplateNotFound):
            message = _not_found(exc.name)
        raise CoursepackError([Problem(*place, f"template error: {message}")]) from None
    try:
        document = bibliography.resolve(document)
    except citations.CitationError as exc:
        raise CoursepackError([Problem("coursepack.yaml", 0, 0, str(exc))]) from None
    return with_warnings(document, bibliography.warnings)


WARNING_META = "coursepack-warning"  # <meta name=... content=...>: a warning the document carries to its build


def with_warnings(document: str, warnings: Sequence[str]) -> str:
    """The document with each warning in its head, as <meta name="coursepack-warning">:
    they travel with the HTML (and its cache entry) to the PDF's report (`warnings_in`)."""
    if not warnings:
        return document
    metas = "".join(f'<meta name="{WARNING_META}" content="{markupsafe.escape(text)}">' for text in warnings)
    return document.replace("</head>", metas + "</head>", 1)


def warnings_in(document: str) -> tuple[str, ...]:
    """The warnings `with_warnings` put in a document."""
    head = document.split("</head>", 1)[0]
    return tuple(html.unescape(text) for text in _WARNING_RE.findall(head))


_WARNING_RE = re.compile(rf'<meta name="{WARNING_META}" content="([^"]*)">')


def _bibliography(project: Project) -> citations.Bibliography:
    """The document's citations, in the project's style and language (see citations.py)."""
    try:
        return citations.Bibliography(project.sources, project.config.citation_style, project.config.language,
                                      root=project.root)
    except citations.CitationError as exc:
        raise CoursepackError([Problem("coursepack.yaml", 0, 0, str(exc))]) from None


def template_syntax_problems(root: Path) -> list[Problem]:
    """A located problem for each of the project's own templates (templates/**/*.j2)
    that Jinja cannot parse: `coursepack check` finds these without rendering."""
    folder = own_templates(root)
    if folder is None:
        return []
    parser = jinja2.Environment(extensions=["jinja2.ext.do"])  # as make_environment's, for parsing only
    problems = []
    for path in sorted(folder.rglob("*.j2")):
        shown = path.relative_to(root).as_posix()
        try:
            tree = parser.parse(path.read_text(encoding="utf-8-sig"), shown, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(shown, exc.lineno or 0, 1 if exc.lineno else 0, f"template error: {exc.message}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(shown, 0, 0, f"cannot read this template ({exc}); save it as UTF-8 text"))
            continue
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            name = node.template.value if isinstance(node.template, nodes.Const) else None
            if getattr(node, "ignore_missing", False):
                continue  # {% include "x" ignore missing %}: allowed to be absent
            if isinstance(name, str) and not _template_exists(folder, name):
                problems.append(Problem(shown, node.lineno, 1, f"template error: {_not_found(name)}"))
    return problems


def _template_exists(folder: Path, name: str) -> bool:
    """Whether make_environment's loaders find `name`: the project's templates/, the
    theme, or the theme under base/."""
    theme = theme_dir()
    return ((folder / name).is_file() or (theme / name).is_file()
            or (name.startswith("base/") and (theme / name.removeprefix("base/")).is_file()))


def _not_found(name: str) -> str:
    return (f"template '{name}' does not exist in templates/ or in the theme "
            "(the theme's own are reachable as base/<name>, such as base/brief.html.j2)")


def _users_template_line(project: Project, exc: BaseException) -> Optional[tuple[str, int, int]]:
    """(templates/..., line, col) when `exc` is a mistake in the project's own templates/:
    the innermost frame of its traceback, not counting the template engine's, is a line
    of one of them (Jinja rewrites the frames of template code to point there). None
    for anything else: an error in the bundled theme or in Python code is not the user's."""
    if project.template_dir is None:
        return None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        frames = [(exc.filename, exc.lineno)] if exc.filename else []
    else:
        frames = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(exc.__traceback__)
                  if not any(Path(frame.filename).resolve().is_relative_to(engine) for engine in _TEMPLATE_ENGINE)]
    if not frames:
        return None
    filename, line = frames[-1]
    path = Path(filename).resolve()
    if not path.is_relative_to(project.template_dir.resolve()):
        return None
    return path.relative_to(project.root).as_posix(), line or 0, 1 if line else 0


# The template engine (Jinja and the escaping it calls on every {{ }}): the code around
# a template's frames, where StrictUndefined and escaping raise the template's mistakes.
_TEMPLATE_ENGINE = tuple(Path(module.__file__).resolve().parent for module in (jinja2, markupsafe)) + (
    Path(__file__).resolve().parent / "i18n",)  # label('no-such-key') in a template is the template's mistake


@jinja2.pass_context
def _md_block(context, text: Optional[str]) -> Markup:
    return context["_prose"].block(text)


@jinja2.pass_context
def _md_inline(context, text: Optional[str]) -> Markup:
    return context["_prose"].inline(text)


def plain_text(value) -> str:
    """HTML -> its text: tags and comments dropped, entities decoded, each run of spaces
    and line breaks one space. Unlike Jinja's striptags, a no-break space stays one
    (French sets one before a colon, so that the colon never starts a line)."""
    text = _TAG.sub("", str(value))
    return html.unescape(_SPACES.sub(" ", text).strip(" \t\n\r\f\v"))


_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==", re.DOTALL)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


@jinja2.pass_context
def _read_aloud(context, text: str) -> Markup:
    """Only the highlighted (==...==) words of a card, joined by ellipses: what is said
    in the round. An extract that starts or ends inside a sentence gets an ellipsis
    there, so that it never reads as a sentence cut off without a mark. A card with
    nothing highlighted is read in full."""
    matches = list(_HIGHLIGHT.finditer(text))
    if not matches:
        return context["_prose"].block(text)
    spoken = [" ".join(match.group(1).split()) for match in matches]
    before = text[:matches[0].start()].strip()
    after = text[matches[-1].end():].strip()
    if spoken[0][:1].islower() or (before and not _SENTENCE_END.search(before)):
        spoken[0] = "… " + spoken[0]
    if after and not _SENTENCE_END.search(spoken[-1]):
        spoken[-1] = spoken[-1] + " …"
    joined = Markup(" … ").join(context["_prose"].inline(part) for part in spoken)
    return Markup('<p class="read-aloud">') + joined + Markup("</p>")


def pack_glossary(project: Project, modules) -> list[Term]:
    """Module terms plus the shared glossary, one entry per term, sorted as a reader expects."""
    entries: dict[str, Term] = {}
    for module in modules:
        if isinstance(module, Topic):
            for term in module.terms:
                entries.setdefault(term.sort_key, term)
    for term in project.glossary:
        entries.setdefault(term.sort_key, term)
    return [entries[key] for key in sorted(entries)]


def pack_timeline(modules) -> list[TimelineEvent]:
    """Every topic module's events in one chronology, for the back of the book."""
    events = [event for module in modules if isinstance(module, Topic) for event in module.timeline]
    return sorted(events, key=lambda event: event.sort_key)


# Crop marks start this far beyond the bleed (a print shop's cutter must not touch them).
CROP_MARK_OFFSET_MM = 3.0


def page_css(project: Project) -> Markup:
    """The paper size, bleed and crop marks; the theme's print.css does the rest
    (margins, duplex mirroring).

    WeasyPrint draws crop marks in the outer half of the CSS bleed area, so with
    `marks: crop` the CSS bleed is twice the page's bleed plus an offset: the marks
    then start CROP_MARK_OFFSET_MM beyond the bleed and are as long as bleed + offset
    (6 mm for a 3 mm bleed). The page's size is the trimmed size (the PDF's TrimBox);
    the MediaBox grows by the CSS bleed on every side."""
    settings = project.config.page
    width, height = settings.size_mm
    rules = [f"size: {width:g}mm {height:g}mm;"]
    bleed = settings.bleed_mm
    if settings.marks == "crop":
        rules.append(f"bleed: {2 * (bleed + CROP_MARK_OFFSET_MM):g}mm; marks: crop;")
    elif bleed:
        rules.append(f"bleed: {bleed:g}mm;")
    return Markup(f"<style>@page {{ {' '.join(rules)} }}</style>")


@jinja2.pass_context
def side_label(context, module: Debate, side_key: str) -> str:
    """The name a debate gives one of its sides; `both` in the document's language."""
    if side_key in module.sides and module.sides[side_key].label:
        return module.sides[side_key].label
    if side_key == "both":
        return context["label"]("both_sides")
    return module.format.sides.get(side_key, side_key) if hasattr(module.format, "sides") else side_key


def format_minutes(minutes: float) -> str:
    return f"{minutes:g}"


def _theme_url(project: Project, path: str) -> str:
    """A theme file, taken from the project's templates/ when it overrides it."""
    if project.template_dir and (project.template_dir / path).is_file():
        return (project.template_dir / path).resolve().as_uri()
    return (theme_dir() / path).resolve().as_uri()
