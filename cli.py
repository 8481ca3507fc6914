"""The `coursepack` command: parse options, call the library, print, set the exit code.

Installed inside the package as coursepack/_cli.py (see pyproject.toml); the
library itself never imports click.
"""
from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path

import click

from coursepack import __version__
from coursepack.errors import CoursepackError
from coursepack.layouts import EDITIONS

PATH_ARGUMENT = click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coursepack")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn YAML course content into print-ready PDF course packs and debate briefs."""
    ctx.obj = {"debug": debug}


@main.command()
@PATH_ARGUMENT
@click.option("--pack", "pack_ids", multiple=True, metavar="ID", help="Build only this pack (repeatable).")
@click.option("--edition", "editions", multiple=True, type=click.Choice(list(EDITIONS)),
              help="Build only this edition of each pack (repeatable; teacher includes the role cards).")
@click.option("--open", "open_pdf", is_flag=True, help="Open the first PDF written in the system's PDF viewer.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Print N PDFs at a time (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Print every PDF again, ignoring build/.cache/.")
@click.pass_context
def build(ctx: click.Context, path: Path | None, pack_ids: tuple[str, ...], editions: tuple[str, ...],
          open_pdf: bool, jobs: int | None, no_cache: bool) -> None:
    """Check the project in PATH (default: here) and write its PDFs into build/."""
    from coursepack.pipeline.build import build as build_project
    from coursepack.project import find_project

    with _reported(ctx), _Progress("printing") as progress:
        root = find_project(path)
        _theme_warnings(root)

        def done(built) -> None:
            shown = built.path.relative_to(root)
            progress.say(f"{'wrote' if built.written else 'unchanged'} {shown} ({_count(built.pages, 'page')})")
            for warning in built.warnings:
                progress.say(f"{shown}: warning: {warning}", err=True)
            progress.advance()

        written = build_project(root, pack_ids or None, editions or None, jobs=jobs, cache=not no_cache,
                                planned=progress.start, done=done)
        if open_pdf and written:
            click.launch(str(written[0].path))


@main.command()
@PATH_ARGUMENT
@click.pass_context
def check(ctx: click.Context, path: Path | None) -> None:
    """Validate the project in PATH (default: here) without rendering."""
    from coursepack.pipeline.build import check as check_project
    from coursepack.project import find_project

    with _reported(ctx):
        project = check_project(find_project(path))
        _theme_warnings(project.root)
        click.echo(f"ok: {_count(len(project.modules), 'module')}, {_count(len(project.config.packs), 'pack')}, "
                   f"{_count(len(project.sources), 'source')}")


@main.command()
@click.argument("pack_id", metavar="PACK")
@click.option("--roster", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The class list: CSV, TSV or .xlsx with a name column (or first and last name columns) "
                   "and optionally period, side and role.")
@click.option("--combined", is_flag=True, help="Also write all packets as one print-ready file.")
@click.option("--force", is_flag=True, help="Replace packet files that already exist; remove packets of an earlier roster.")
@click.option("--project", "path", type=click.Path(file_okay=False, path_type=Path),
              help="The project folder (default: here or a parent).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Print N documents at a time (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Print everything again, ignoring build/.cache/.")
@click.pass_context
def packets(ctx: click.Context, pack_id: str, roster: Path, combined: bool, force: bool, path: Path | None,
            jobs: int | None, no_cache: bool) -> None:
    """Write one personalized packet per student of ROSTER into build/packets/PACK/."""
    from coursepack.pipeline.packets import make_packets
    from coursepack.project import find_project

    with _reported(ctx), _Progress("printing") as progress:
        root = find_project(path)
        _theme_warnings(root)
        result = make_packets(root, pack_id, roster, combined=combined, force=force, jobs=jobs, cache=not no_cache)
        folder = result.packets[0].path.parent.relative_to(root)
        for note in result.notes:
            progress.say(str(note), err=True)
        progress.say(f"wrote {_count(len(result.packets), 'packet')} into {folder}/")
        if result.combined:
            progress.say(f"wrote {result.combined.relative_to(root)} ({_count(result.combined_pages, 'page')})")
        for warning in result.warnings:
            progress.say(f"warning: {warning}", err=True)


@main.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def formats(ctx: click.Context, path: Path | None) -> None:
    """List the debate formats (bundled and the project's own) with their speech order."""
    from coursepack.project import available_formats
    from coursepack.render import format_minutes

    with _reported(ctx):
        root = _project_or_none(path)
        for fmt in available_formats(root):
            sides = ", ".join(f"{key}: {label}" for key, label in fmt.sides.items())
            prep = f"prep {format_minutes(fmt.prep_minutes)} min a side" if fmt.prep_minutes else "no prep in the round"
            click.echo(f"{fmt.id}  {fmt.name} ({sides}; {prep})")
            click.echo(f"  ballot: {_ballot_summary(fmt)}")
            if fmt.coin_toss:
                click.echo("  first side: a coin toss decides")
            elif fmt.first_side:
                click.echo(f"  first side: {fmt.sides[fmt.first_side]}")
            for team in fmt.teams:
                click.echo(f"  team: {team.name} ({fmt.sides.get(team.side, team.side)}): {', '.join(team.speeches)}")
            for number, speech in enumerate(fmt.speeches, 1):
                side = fmt.sides.get(speech.side, "both sides")
                extra = "".join([f", speaker {speech.speaker}" if speech.speaker else "",
                                 f", points {speech.points.label}" if speech.points else ""])
                click.echo(f"  {number:>2}. {speech.name} ({side}, {format_minutes(speech.minutes)} min{extra})")


def _ballot_summary(fmt) -> str:
    """'per-speaker, points 25–30 in steps of 0.1, ranks speakers, team totals'."""
    rules = fmt.scoring
    parts = [rules.score]
    if rules.points:
        parts.append(f"points {rules.points.label} in steps of {rules.points.step:g}")
    else:
        parts.append("no points")
    if fmt.rank_speakers:
        parts.append("ranks speakers")
    if fmt.rank_teams:
        parts.append("ranks teams")
    if rules.team_total:
        parts.append("team totals")
    if fmt.audience_vote:
        parts.append("audience vote")
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    """'1 page', '2 pages'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--example", is_flag=True, help="Copy the full bundled example project instead of the small starter.")
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty; only the starter's own files are replaced.")
@click.pass_context
def new(ctx: click.Context, path: Path, example: bool, force: bool) -> None:
    """Start a project in PATH: a topic, a debate, sources, a roster and an image, ready to build."""
    from coursepack.scaffold import create_project

    with _reported(ctx):
        created = create_project(path, example=example, force=force)
        click.echo(f"wrote {len(created.written)} files into {path}/" +
                   (f", replaced {len(created.replaced)}: {', '.join(created.replaced)}" if created.replaced else ""))
        for note in created.notes:
            click.echo(f"note: {note}", err=True)
        readme = f"; see {path}/README.md" if "README.md" in created.written + created.replaced else ""
        click.echo(f"next: cd {shlex.quote(str(path))} && coursepack build   (or coursepack preview){readme}")


@main.command()
@PATH_ARGUMENT
@click.option("--pack", "pack_ids", multiple=True, metavar="ID", help="Preview only this pack (repeatable).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port on 127.0.0.1 to serve on; 0 picks a free one.")
@click.option("--no-open", is_flag=True, help="Do not open the page in the web browser.")
@click.pass_context
def preview(ctx: click.Context, path: Path | None, pack_ids: tuple[str, ...], port: int, no_open: bool) -> None:
    """Serve the PDFs on a local page that rebuilds and reloads when a file is saved."""
    from coursepack.preview import Preview
    from coursepack.project import find_project

    with _reported(ctx):
        server = Preview(find_project(path), pack_ids, port, log=lambda line: click.echo(line, err=True))
        click.echo(f"serving {server.url} (only on this computer); press Ctrl-C to stop")
        if not no_open:
            click.launch(server.url)
        server.run()
        click.echo("stopped")


@main.command()
@click.argument("kind", type=click.Choice(["project", "module", "format"]), metavar="KIND")
@click.pass_context
def schema(ctx: click.Context, kind: str) -> None:
    """Print the JSON Schema of KIND: project (coursepack.yaml), module or format (formats/*.yaml)."""
    from coursepack.schema import schema_text

    with _reported(ctx):
        click.echo(schema_text(kind), nl=False)


def _theme_warnings(root: Path) -> None:
    """Warn about overrides that replace the theme rather than extend it."""
    from coursepack.theme import override_warnings

    for warning in override_warnings(root):
        click.echo(f"warning: {warning}", err=True)


def _project_or_none(path: Path | None) -> Path | None:
    """The project folder if there is one: `formats` also works outside a project."""
    from coursepack.errors import UsageError
    from coursepack.project import find_project

    try:
        return find_project(path)
    except UsageError:
        if path is not None:
            raise
        return None


class _Progress:
    """Each file reported as it is written; on a terminal, a progress bar below the lines
    while the work lasts (rich), and nothing but the lines when output goes to a file or pipe."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.task = None

    def __enter__(self) -> "_Progress":
        if sys.stdout.isatty() and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking", total=None)
        return self

    def start(self, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=self.label, total=total, completed=0)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def say(self, line: str, err: bool = False) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, err=err)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def _reported(ctx: click.Context):
    """Print the library's errors as `path:line:col: message` lines and exit with their code."""
    try:
        yield
    except CoursepackError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        if len(error.problems) > 1 and error.nothing_written:
            click.echo(f"{len(error.problems)} problems found; no PDF was written.", err=True)
        elif len(error.problems) > 1:
            click.echo(f"{len(error.problems)} problems found; the PDFs finished before them were written, "
                       "the others are unchanged.", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        if ctx.obj["debug"]:
            raise
        click.echo("interrupted; PDFs already written are complete, the others are unchanged", err=True)
        sys.exit(130)
    except Exception as error:
        if ctx.obj["debug"]:
            raise
        click.echo(f"coursepack: unexpected error ({type(error).__name__}: {error}); "
                   "run again with --debug to see where it happened, and please report it", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
