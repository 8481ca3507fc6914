"""The `coursepack` command: parse options, call the library, print, set the exit code.

Installed inside the package as coursepack/_cli.py (see pyproject.toml); the
library itself never imports click.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from coursepack import __version__
from coursepack.errors import CoursepackError

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
@click.pass_context
def build(ctx: click.Context, path: Path | None, pack_ids: tuple[str, ...]) -> None:
    """Check the project in PATH (default: here) and write its PDFs into build/."""
    from coursepack.build import build as build_project
    from coursepack.project import find_project

    with _reported(ctx):
        root = find_project(path)
        for built in build_project(root, pack_ids or None):
            shown = built.path.relative_to(root)
            click.echo(f"wrote {shown} ({built.pages} pages)")
            for warning in built.warnings:
                click.echo(f"{shown}: warning: {warning}", err=True)


@main.command()
@PATH_ARGUMENT
@click.pass_context
def check(ctx: click.Context, path: Path | None) -> None:
    """Validate the project in PATH (default: here) without rendering."""
    from coursepack.build import check as check_project
    from coursepack.project import find_project

    with _reported(ctx):
        project = check_project(find_project(path))
        click.echo(f"ok: {len(project.modules)} modules, {len(project.config.packs)} packs, "
                   f"{len(project.sources)} sources")


@contextlib.contextmanager
def _reported(ctx: click.Context):
    """Print the library's errors as `path:line:col: message` lines and exit with their code."""
    try:
        yield
    except CoursepackError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        if len(error.problems) > 1:
            click.echo(f"{len(error.problems)} problems found; no PDF was written.", err=True)
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
