"""Characters that no available font can print, found before anything is rendered.

WeasyPrint (through Pango and fontconfig) prints a character with the first font
of the CSS font stack that has it, else with any installed font that has it,
else as an empty box, and says nothing the user would see. The fonts it can use
are the theme's bundled fonts, font files named under `theme: fonts`, and the
fonts fontconfig knows on this machine; this module asks the same sources.

The rule (documented in the README): a character no font can print is an error
of `check` and `build`, one problem a file naming the characters, where the
first one is, the other lines and the fix, so a PDF of empty boxes is never
written as a success.
"""
from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .errors import Problem

_SKIPPED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format (ZWJ, marks), unassigned
_SHOWN = 24  # characters named in one message


# Characters every bundled face has (tests/test_scripts.py checks it against the font
# files): printable ASCII, Latin-1, Latin Extended-A and the punctuation prose uses.
# Text made only of these needs no font file read (most of a project's text).
BUNDLED_BASICS = (frozenset(map(chr, range(0x20, 0x7F))) | frozenset(map(chr, range(0xA0, 0x180)))
                  | frozenset("‘’‚“”„–—…•′″€†‡‰‹›"))


class Coverage:
    """Which characters some available font has: a union of code point ranges, which
    `ranges()` gives when a character outside BUNDLED_BASICS is first asked about
    (reading fonts takes a tenth of a second)."""

    def __init__(self, ranges: Callable[[], Iterable[tuple[int, int]]]):
        self._ranges = ranges
        self._lows: Optional[list[int]] = None
        self._highs: list[int] = []

    def _load(self) -> None:
        merged: list[list[int]] = []
        for low, high in sorted(self._ranges()):
            if merged and low <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]

    def __contains__(self, char: str) -> bool:
        if char in BUNDLED_BASICS:
            return True
        if self._lows is None:
            self._load()
        code = ord(char)
        index = bisect.bisect_right(self._lows, code) - 1
        return index >= 0 and code <= self._highs[index]

    def missing(self, text: str) -> list[str]:
        """The characters of `text` that need a glyph and that no font has, in order, once each."""
        return [char for char in dict.fromkeys(text)
                if not char.isspace() and unicodedata.category(char) not in _SKIPPED and char not in self]


def coverage(font_files: Iterable[Path] = ()) -> Coverage:
    """What the theme's bundled fonts, `font_files` (theme.font_files: the project's and
    the bundled families it chose) and the machine's fonts can print; the fonts are
    read only when a character outside BUNDLED_BASICS is asked about."""
    from .render import theme_dir

    files = [*sorted((theme_dir() / "fonts").glob("Lin*.otf")), *font_files]  # the theme's stack

    def ranges() -> list[tuple[int, int]]:
        return list(_installed_ranges()) + [pair for file in files for pair in _file_ranges(str(file))]

    return Coverage(ranges)


def project_coverage(root: Path, theme_settings) -> Coverage:
    """`coverage` with the fonts a project's `theme:` settings choose (files inside `root`)."""
    from .theme import font_files

    return coverage(Path(root) / file for file in font_files(theme_settings))


@functools.lru_cache(maxsize=None)
def _file_ranges(file: str) -> tuple[tuple[int, int], ...]:
    try:
        from fontTools.ttLib import TTFont

        with TTFont(file, lazy=True, fontNumber=0) as font:
            codes = sorted(font.getBestCmap() or {})
    except Exception:  # not a font: reported by theme.py
        return ()
    return tuple((code, code) for code in codes)


@functools.lru_cache(maxsize=1)
def _installed_ranges() -> tuple[tuple[int, int], ...]:
    """Code point ranges of every font fontconfig knows (none without fc-list)."""
    if not shutil.which("fc-list"):
        return ()
    try:
        listed = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True,
                                timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    ranges = set()
    for line in listed.split():
        low, _, high = line.partition("-")
        try:
            ranges.add((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return tuple(ranges)


def document_problems(doc, fonts: Coverage, strings: Iterator[tuple[tuple, str]], place) -> Optional[Problem]:
    """One problem for a YAML document whose strings hold characters no font has, or None.

    `strings` yields (path in the document, text); `place(doc, at, text, line_offset)`
    is the Problem-making function that locates a line inside a text value."""
    return _one_problem((place(doc, at, text, offset), missing)
                        for at, text in strings if fonts.missing(text)
                        for offset, line in enumerate(text.split("\n")) if (missing := fonts.missing(line)))


def _one_problem(hits: Iterable[tuple[Problem, list[str]]]) -> Optional[Problem]:
    """One problem for a file from its (where a line with missing characters is, those
    characters) pairs: at the first, naming every character and the other lines; or None."""
    first: Optional[Problem] = None
    found: dict[str, None] = {}
    lines: dict[int, None] = {}
    for where, missing in hits:
        first = first or where
        found.update(dict.fromkeys(missing))
        lines.setdefault(where.line)
    if first is None:
        return None
    return Problem(first.path, first.line, first.col, missing_message(list(found), list(lines)[1:]))


def missing_message(chars: list[str], other_lines: list[int] = ()) -> str:
    """What is wrong, which characters, where else, and how to fix it."""
    shown = "".join(chars[:_SHOWN]) + (f" and {len(chars) - _SHOWN} more" if len(chars) > _SHOWN else "")
    codes = ", ".join(f"U+{ord(char):04X}" for char in chars[:3]) + (", ..." if len(chars) > 3 else "")
    where = ""
    if other_lines:
        listed = ", ".join(str(line) for line in other_lines[:10]) + (", ..." if len(other_lines) > 10 else "")
        where = f", here and on line{'s' if len(other_lines) > 1 else ''} {listed}"
    return (f"no font on this machine can print {shown} ({codes}; {script_of(chars)}){where}; they would print "
            f"as empty boxes. {fix_for(chars)}, or name a font file that has them under theme: fonts "
            "in coursepack.yaml")


def script_of(chars: list[str]) -> str:
    """A reader's name for the kinds of characters, from their Unicode names."""
    kinds = []
    for char in chars:
        name = unicodedata.name(char, "")
        kind = ("CJK characters" if name.startswith(("CJK", "IDEOGRAPHIC")) else
                "Hangul" if name.startswith("HANGUL") else
                "kana" if name.startswith(("HIRAGANA", "KATAKANA")) else
                "emoji" if unicodedata.category(char) == "So" else
                (name.split(" ")[0].title() + " script") if name else "unnamed characters")
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds[:4])


def fix_for(chars: list[str]) -> str:
    """The Debian package with Noto fonts for these characters."""
    names = [unicodedata.name(char, "") for char in chars]
    if any(name.startswith(("CJK", "IDEOGRAPHIC", "HANGUL", "HIRAGANA", "KATAKANA", "BOPOMOFO")) for name in names):
        return ("Run scripts/install-system-deps.sh, which installs the Noto CJK fonts "
                "(Debian: apt-get install fonts-noto-cjk)")
    if any(unicodedata.category(char) == "So" for char in chars):
        return "Install an emoji font (Debian: apt-get install fonts-noto-color-emoji)"
    return "Install the Noto fonts for this script (Debian: apt-get install fonts-noto-core)"


def lines_problem(path: str, lines: Iterable[tuple[int, str]], fonts: Coverage) -> Optional[Problem]:
    """One problem for a file read line by line (a roster: (line, text) per row), or None."""
    return _one_problem((Problem(path, line, 1, ""), missing) for line, text in lines if (missing := fonts.missing(text)))
