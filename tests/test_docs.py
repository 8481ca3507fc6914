"""The README's command reference is generated from the CLI: it fails here when stale."""
from __future__ import annotations

import importlib.util

from conftest import REPO


def _reference_module():
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_command_reference_is_current():
    reference = _reference_module()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert reference.updated(readme) == readme, "run: python scripts/cli_reference.py"


def test_reference_lists_every_command_with_its_options():
    text = _reference_module().command_reference()
    for command in ("build", "check", "packets", "formats"):
        assert f"coursepack {command} --help" in text
    assert "--roster" in text and "--combined" in text and "--debug" in text
