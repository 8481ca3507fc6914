"""The project's look: `theme:` in coursepack.yaml, checked and turned into CSS.

`problems()` checks the settings where they are written (the loader calls it);
`style()` is the <style> every document carries after the theme's stylesheet:
the accent colour, the base size, the font stacks (with @font-face rules for
font files inside the project), the footer and the labels printed from CSS;
`stylesheets()` are the project's own stylesheets added after it.

The theme's print.css reads these as CSS custom properties (--accent,
--font-body, --label-page-of...), so a copy of print.css keeps them.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from markupsafe import Markup

from . import paths
from .errors import Problem
from .i18n import Labels, css_string, label_problems

DEFAULT_BASE_PT = 11.5  # html { font-size } in print.css
BASE_SIZE_RANGE_PT = (6.0, 24.0)
_PT_PER_UNIT = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(pt|px|mm|cm|in)\s*$")

# Families that ship with the theme (templates/fonts/), by the names a user may write.
BUNDLED_FAMILIES = {
    "linux libertine": "Theme Serif", "libertine": "Theme Serif", "theme serif": "Theme Serif",
    "linux biolinum": "Theme Sans", "biolinum": "Theme Sans", "theme sans": "Theme Sans",
    "source serif 4": "Source Serif 4", "source sans 3": "Source Sans 3",
}
BUNDLED_NAMES = ("Linux Libertine", "Linux Biolinum", "Source Serif 4", "Source Sans 3")

FONT_SUFFIXES = {".ttf": "truetype", ".otf": "opentype", ".woff": "woff", ".woff2": "woff2", ".ttc": "collection"}
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2", b"ttcf")
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF87a": "gif", b"GIF89a": "gif"}

# Scripts the bundled fonts lack fall back to these (installed by scripts/install-system-deps.sh).
_CJK = {"ja": "JP", "ko": "KR", "zh-tw": "TC", "zh-hant": "TC", "zh-hk": "HK", "zh-mo": "HK"}


def problems(config, doc, root: Path) -> list[Problem]:
    """Every problem of `theme:` and `labels:` in coursepack.yaml (`doc` locates them)."""
    theme = config.theme
    found: list[Problem] = []

    def add(at: tuple, message: str) -> None:
        found.append(doc.problem(("theme",) + at, message))

    if theme.accent is not None and parse_colour(theme.accent) is None:
        add(("accent",), f"accent '{theme.accent}' is not a CSS colour; write one such as \"#8a1538\", "
                         "rgb(138, 21, 56) or darkred")
    if theme.logo is not None:
        problem = _file_problem(root, theme.logo, "logo", is_image_file, f"an image ({IMAGE_KINDS})")
        if problem:
            add(("logo",), problem)
    if theme.base_size is not None:
        size = base_size_pt(theme.base_size)
        low, high = BASE_SIZE_RANGE_PT
        if size is None:
            add(("base_size",), f"base_size '{theme.base_size}' is not a length; write a size such as 12pt")
        elif not low <= size <= high:
            shown = theme.base_size if theme.base_size.strip().endswith("pt") else f"{theme.base_size} ({size:g}pt)"
            add(("base_size",), f"base_size {shown} is too {'small' if size < low else 'large'}; use a size from {low:g}pt to {high:g}pt")
    for role in ("body", "headings"):
        value = getattr(theme.fonts, role)
        if value is None:
            continue
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            at = ("fonts", role) + ((index,) if isinstance(value, list) else ())
            problem = _font_problem(root, item, must_be_file=isinstance(value, list))
            if problem:
                add(at, problem)
    for index, sheet in enumerate(theme.css):
        problem = _file_problem(root, sheet, "stylesheet", _css_kind, "a CSS file (.css)")
        if problem:
            add(("css", index), problem)
    for key, message in label_problems(config.labels):
        found.append(doc.problem(("labels", key), message, key=True))
    return found


def override_warnings(root: Path) -> list[str]:
    """Warnings about the project's templates/ that the user should know of."""
    from .project import own_templates
    from .render import theme_dir

    templates = own_templates(root)
    stylesheet = templates / "css" / "print.css" if templates else None
    # A copy identical to the theme's (the bundled example, an untouched copy) replaces nothing.
    if stylesheet and stylesheet.is_file() and stylesheet.read_bytes() != (theme_dir() / "css" / "print.css").read_bytes():
        return ["templates/css/print.css replaces the theme's whole stylesheet (cover, contents, page "
                "numbers, footnotes, writing lines all come from it); to add or change a few rules, "
                "put them in templates/css/theme.css instead, or list a file under theme: css: in "
                "coursepack.yaml: both are added after the theme's stylesheet"]
    return []


# -- the CSS every document carries ------------------------------------------

def style(project, labels: Labels) -> Markup:
    """The <style> after the theme's stylesheet: custom properties, font files, base size."""
    theme = project.config.theme
    rules: list[str] = []
    variables = {
        "--font-body": font_stack(theme.fonts.body, "body", "Theme Serif", project.config.language, rules, project.root),
        "--font-headings": font_stack(theme.fonts.headings, "headings", "Theme Sans", project.config.language, rules,
                                      project.root),
        "--label-page-of": labels.css_content("page_of", {"page": "counter(page)", "pages": "counter(pages)"}),
        "--footer": css_string(theme.footer or ""),
    }
    if theme.accent:
        variables["--accent"] = theme.accent
        variables["--accent-tint"] = tint(theme.accent)
    rules.append(":root {\n" + "".join(f"  {name}: {value};\n" for name, value in variables.items()) + "}")
    if theme.base_size:
        rules.append(f"html:root {{ font-size: {base_size_pt(theme.base_size):g}pt; }}")
    return Markup("<style>\n" + "\n".join(rules) + "\n</style>")


def stylesheets(project) -> list[str]:
    """The project's stylesheets from `theme: css`, as URLs relative to the project."""
    return list(project.config.theme.css)


def font_scale(project) -> float:
    """The base size over the theme's default: templates that estimate sizes in mm use it."""
    size = base_size_pt(project.config.theme.base_size) if project.config.theme.base_size else None
    return (size / DEFAULT_BASE_PT) if size else 1.0


def font_stack(value, role: str, bundled: str, language: str, rules: list[str], root: Path) -> str:
    """The CSS font-family list for `role`: the chosen font, the theme's bundled family,
    then Noto fonts for scripts those lack (CJK in the document language's variant),
    then the generic family. Font files (paths relative to the project `root`) add
    @font-face rules to `rules`."""
    first: list[str] = []
    if isinstance(value, list) or (value and _looks_like_file(value)):
        family = f"Project {role.title()}"
        files = value if isinstance(value, list) else [value]
        for file in files:
            weight, italic = font_face_style(str(Path(root).resolve() / file))
            fmt = FONT_SUFFIXES.get(Path(file).suffix.lower(), "truetype")
            rules.append(f"@font-face {{ font-family: {css_string(family)}; src: url({css_string(file)}) "
                         f"format({css_string(fmt)}); font-weight: {weight}; "
                         f"font-style: {'italic' if italic else 'normal'}; }}")
        first.append(css_string(family))
    elif value:
        first.append(css_string(BUNDLED_FAMILIES.get(value.strip().lower(), value.strip())))
    tag = language.lower()
    region = next((_CJK[t] for t in (tag, "-".join(tag.split("-")[:2]), tag.split("-")[0]) if t in _CJK), "SC")
    if role == "body":
        fallbacks = ["Noto Serif", f"Noto Serif CJK {region}", f"Noto Sans CJK {region}",
                     "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Sans Hebrew", "DejaVu Serif", "serif"]
    else:
        fallbacks = ["Noto Sans", f"Noto Sans CJK {region}", "Noto Sans Arabic", "Noto Sans Hebrew",
                     "DejaVu Sans", "sans-serif"]
    names = first + [css_string(bundled)] + [name if name in ("serif", "sans-serif") else css_string(name)
                                            for name in fallbacks]
    return ", ".join(dict.fromkeys(names))


def tint(colour: str) -> str:
    """A pale version of `colour` (8% of it on white) for box backgrounds."""
    rgb = parse_colour(colour)
    if rgb is None:
        return "#f3f4f6"
    red, green, blue = (round(255 - (255 - channel * 255) * 0.08) for channel in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"


# -- checks --------------------------------------------------------------------

def parse_colour(text: str) -> Optional[tuple[float, float, float]]:
    """sRGB channels 0-1 of a CSS colour as WeasyPrint reads it, or None if it is not one."""
    try:
        from tinycss2.color5 import parse_color
    except ImportError:  # older tinycss2
        from tinycss2.color3 import parse_color
    colour = parse_color(str(text).strip())
    if colour is None or isinstance(colour, str):  # None, or 'currentcolor'
        return None
    if hasattr(colour, "to"):
        return tuple(min(max(channel, 0.0), 1.0) for channel in colour.to("srgb").coordinates)
    return colour.red, colour.green, colour.blue


def base_size_pt(text: str) -> Optional[float]:
    """A CSS length in points, or None if it is not a length with a unit we know."""
    match = _LENGTH.match(str(text))
    return float(match.group(1)) * _PT_PER_UNIT[match.group(2)] if match else None


def _file_problem(root: Path, value: str, what: str, kind, expected: str) -> Optional[str]:
    """Why a file setting cannot be used, or None."""
    path, why = paths.project_file(root, value)
    if why == paths.URL:
        return f"{what} '{value}' must be a file inside the project, such as assets/{Path(value).name}"
    if why == paths.OUTSIDE:
        return f"{what} '{value}' is outside the project; copy it into assets/"
    if why == paths.MISSING:
        return f"{what} '{value}' does not exist (paths are relative to the project folder)"
    if not kind(path):
        return f"{what} '{value}' is not {expected}"
    return None


def _font_problem(root: Path, value: str, must_be_file: bool) -> Optional[str]:
    if must_be_file or _looks_like_file(value):
        return _file_problem(root, value, "font file", _font_kind, "a font (TrueType, OpenType, WOFF or WOFF2)")
    if value.strip().lower() in BUNDLED_FAMILIES or value.strip().lower() in installed_families():
        return None
    return (f"font '{value}' is neither bundled ({', '.join(BUNDLED_NAMES)}) nor installed on this machine; "
            "name one of those, or a font file inside the project such as assets/fonts/MyFont-Regular.ttf")


def _looks_like_file(value: str) -> bool:
    return "/" in value or Path(value).suffix.lower() in FONT_SUFFIXES


def _font_kind(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head not in _FONT_MAGIC:
        return False
    if head in (b"wOFF", b"wOF2", b"ttcf"):
        return True
    try:  # a TrueType/OpenType file must at least have its tables
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as font:
            return "cmap" in font
    except Exception:
        return False


def font_face_style(file: str) -> tuple[int, bool]:
    """(weight 100-900, italic) read from the OS/2 table of the font file at the absolute
    path `file`; (400, False) when unknown. Read once per process and version of the file
    (every document of a build, and every student's front, asks)."""
    try:
        return _font_face_style(file, os.stat(file).st_mtime_ns)
    except OSError:
        return 400, False


@functools.lru_cache(maxsize=None)
def _font_face_style(file: str, mtime: int) -> tuple[int, bool]:
    try:
        from fontTools.ttLib import TTFont

        with TTFont(file, lazy=True, fontNumber=0) as font:
            os2 = font["OS/2"]
            return int(os2.usWeightClass), bool(os2.fsSelection & 1)
    except Exception:
        return 400, False


IMAGE_KINDS = "PNG, JPEG, GIF, WebP or SVG"  # what WeasyPrint draws


def is_image_file(path: Path) -> bool:
    """Whether the file at `path` is an image WeasyPrint can draw (IMAGE_KINDS), by its
    first bytes (an SVG by its <svg element, after any XML prolog and comments)."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if any(head.startswith(magic) for magic in _IMAGE_MAGIC):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return path.suffix.lower() == ".svg" and b"<svg" in head.lower()


def _css_kind(path: Path) -> bool:
    return path.suffix.lower() == ".css"


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows on this machine, lower-cased (empty without fc-list)."""
    if not shutil.which("fc-list"):
        return frozenset()
    try:
        listed = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True, text=True,
                                timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip().lower() for line in listed.splitlines() for name in line.split(","))


def font_files(theme) -> list[str]:
    """The font files that `theme: fonts` uses: paths inside the project, and the
    files of a bundled family it names (absolute paths)."""
    from .render import theme_dir

    files = []
    for value in (theme.fonts.body, theme.fonts.headings):
        files += [item for item in (value if isinstance(value, list) else [value]) if item and _looks_like_file(item)]
        family = BUNDLED_FAMILIES.get(value.strip().lower()) if isinstance(value, str) else None
        if family and family.startswith("Source"):
            files += [str(path) for path in sorted((theme_dir() / "fonts").glob(family.replace(" ", "") + "*.ttf"))]
    return files
