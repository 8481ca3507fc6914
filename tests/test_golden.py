"""Golden HTML: the templates' output for a small project, reviewed as a diff.

After an intended template change run `pytest tests/test_golden.py --update-golden`
and read the diff of tests/golden/ before committing it.
"""
from pathlib import Path

import pytest

from coursepack.project import load_project
from coursepack.render import make_environment, render_pack, theme_dir

from conftest import CONFIG, small_project

GOLDEN = Path(__file__).parent / "golden"
CASES = [("unit", "student"), ("unit", "teacher"), ("brief", "student"), ("brief", "judge"), ("packet", "student")]
PACKET = {"id": "packet", "modules": ["split"], "layout": "packet", "side": "pro"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    config = dict(CONFIG, packs=CONFIG["packs"] + [PACKET])
    root = small_project(tmp_path_factory.mktemp("golden") / "proj", **{"coursepack.yaml": config})
    project = load_project(root)
    env = make_environment(project)
    theme_uri = theme_dir().resolve().as_uri()
    return {(pack, edition): render_pack(env, project, project.pack(pack), edition).replace(theme_uri, "THEME")
            for pack, edition in CASES}


@pytest.mark.parametrize("pack,edition", CASES)
def test_template_output_matches_golden(rendered, request, pack, edition):
    golden = GOLDEN / f"{pack}-{edition}.html"
    html = rendered[(pack, edition)]
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing: run pytest --update-golden and review it"
    assert html == golden.read_text(encoding="utf-8")
