"""Template overrides: a project's templates/ comes first, the theme stays reachable as base/."""
from pypdf import PdfReader

from conftest import run_cli, small_project


def test_override_extends_the_bundled_layout(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/brief.html.j2": """\
            {% extends "base/brief.html.j2" %}
            {% block head %}<meta name="keywords" content="debate club">{% endblock %}
            """,
        # the user's print.css replaces the theme's: this one loads no theme fonts
        "templates/css/print.css": "body { font-family: serif; }\n",
    })
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 0, result.output
    reader = PdfReader(root / "build" / "brief.pdf")
    assert reader.metadata["/Keywords"] == "debate club"
    assert "Shared doctrine" in "".join(page.extract_text() for page in reader.pages)
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert not any("Theme-" in name for name in fonts)


def test_override_replaces_a_part(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/parts/cover.html.j2": """\
            {% macro cover(kind, subtitle=None) %}<section class="cover"><h1>OUR OWN COVER for {{ project.title }}</h1></section>{% endmacro %}
            """,
    })
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 0, result.output
    first_page = PdfReader(root / "build" / "brief.pdf").pages[0].extract_text()
    assert "OUR OWN COVER for Test Unit" in first_page


def test_template_errors_name_the_template_and_line(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/parts/cover.html.j2": """\
            {% macro cover(kind, subtitle=None) %}
            <h1>{{ project.titel }}</h1>
            {% endmacro %}
            """,
        "templates/brief.html.j2": "{% extends 'base/brief.html.j2' %}{% block head %}{% if %}{% endblock %}",
    })
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/parts/cover.html.j2:2:1: template error: ")
    assert "has no attribute 'titel'" in result.stderr
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/brief.html.j2:1:1: template error: Expected an expression")


def test_check_finds_template_syntax_errors_with_the_content_problems(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/brief.html.j2": "{% extends 'base/brief.html.j2' %}\n{% block head %}{% if %}{% endblock %}\n",
        "templates/parts/extra.html.j2": "{% macro x() %}{{ fine }}{% endmacro %}\n",
    })
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/brief.html.j2:2:1: template error: Expected an expression")
    (root / "content" / "thaw.yaml").write_text("kind: topic\ntitel: The Thaw\n")
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert "content/thaw.yaml:2:1: " in result.stderr and "templates/brief.html.j2:2:1: " in result.stderr


def test_a_template_that_names_a_missing_template_says_so_in_check_and_build(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/brief.html.j2": "{% extends 'base/brief.html.j2' %}\n{% block head %}{% include 'parts/nothing.html.j2' %}{% endblock %}\n",
    })
    message = "templates/brief.html.j2:2:1: template error: template 'parts/nothing.html.j2' does not exist in templates/"
    result = run_cli("check", root)
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
    (root / "templates" / "brief.html.j2").write_text(
        "{% extends 'base/brief.html.j2' %}\n{% block head %}{% include 'parts/nothing.html.j2' ignore missing %}{% endblock %}\n")
    assert run_cli("check", root).exit_code == 0  # allowed to be absent


def test_content_cannot_run_template_code(tmp_path):
    import copy

    from conftest import TOPIC
    topic = copy.deepcopy(TOPIC)
    topic["sections"][0]["body"] = "Sum: {{ 7*7 }} {% raw %} <script>alert(1)</script> <b>bold</b>"
    root = small_project(tmp_path / "proj", **{"content/thaw.yaml": topic})
    assert run_cli("build", root, "--pack", "unit").exit_code == 0
    text = "".join(page.extract_text() for page in PdfReader(root / "build" / "unit.pdf").pages)
    assert "Sum: {{ 7*7 }} {% raw %} <script>alert(1)</script> <b>bold</b>" in text
    assert "49" not in text


def test_a_python_error_in_the_users_template_is_theirs(tmp_path):
    root = small_project(tmp_path / "proj", **{
        "templates/brief.html.j2": "{% extends 'base/brief.html.j2' %}\n{% block head %}{{ pack.modules + 1 }}{% endblock %}\n",
    })
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 1
    assert result.stderr == ('templates/brief.html.j2:2:1: template error: can only concatenate list (not "int") to list\n')


def test_a_bug_in_coursepack_is_not_blamed_on_the_users_templates(tmp_path, monkeypatch):
    """The user's own template is on the way (it extends the theme), but the error is raised
    in coursepack's Python: an internal error, with the request to report it."""
    import coursepack.render

    def broken_side_label(module, side_key):
        raise TypeError("side_label got a broken side")

    monkeypatch.setattr(coursepack.render, "side_label", broken_side_label)
    root = small_project(tmp_path / "proj", **{
        "templates/brief.html.j2": "{% extends 'base/brief.html.j2' %}{% block head %}{% endblock %}",
    })
    result = run_cli("build", root, "--pack", "brief")
    assert result.exit_code == 1
    assert "template error" not in result.stderr
    assert result.stderr.startswith("coursepack: unexpected error (TypeError: side_label got a broken side); ")
    assert "please report it" in result.stderr


def test_a_mistake_in_the_bundled_theme_is_an_internal_error(tmp_path, monkeypatch):
    import shutil

    import coursepack.render

    theme = tmp_path / "theme"
    shutil.copytree(coursepack.render.theme_dir(), theme, ignore=shutil.ignore_patterns("fonts"))
    cover = theme / "parts" / "cover.html.j2"
    cover.write_text(cover.read_text().replace("{{ kind_label }}", "{{ kind_label.nope }}"))
    monkeypatch.setattr(coursepack.render, "theme_dir", lambda: theme)
    root = small_project(tmp_path / "proj", **{"templates/unused.html.j2": "a project with templates of its own"})
    result = run_cli("build", root, "--pack", "unit")
    assert result.exit_code == 1
    assert "template error" not in result.stderr
    assert result.stderr.startswith("coursepack: unexpected error (UndefinedError: ")  # kind_label is a label (Markup)
    assert "object' has no attribute 'nope'); " in result.stderr
