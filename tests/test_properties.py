"""Property tests: whatever a teacher's files contain, coursepack answers with its own errors.

1. Mutated projects (keys deleted or misspelt, values swapped for lists, mappings,
   numbers, odd text) and random bytes in any file: `load_project` returns a
   project or raises CoursepackError, never anything else.
2. Random Markdown in every text field renders through every template (HTML only,
   no PDF) and stays text: `<script>`, `{{ 7*7 }}` and `{% raw %}` come out literally.
3. Random rosters (headers, cells, delimiters, BOM, trailing bytes): students with safe
   file names, or CoursepackError problems naming the roster.

Settings are derandomized and the example counts modest, so CI is reproducible and fast.
"""
from __future__ import annotations

import copy
import html
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONFIG, DEBATE, SOURCES, TOPIC, small_project
from coursepack.pipeline.plan import plan
from coursepack.errors import CoursepackError
from coursepack.models import Debate, Topic
from coursepack.project import load_project
from coursepack.render import make_environment, render_pack

PROPERTY = settings(deadline=None, derandomize=True, max_examples=60,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FILES = {"coursepack.yaml": CONFIG, "content/thaw.yaml": TOPIC,
         "content/debates/split.yaml": DEBATE, "content/sources.yaml": SOURCES}


def load_or_explain(files: dict) -> None:
    """The property: loading gives a project or a CoursepackError with located problems."""
    with tempfile.TemporaryDirectory() as folder:
        root = small_project(Path(folder) / "p", **files)
        try:
            load_project(root)
        except CoursepackError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.message and "Traceback" not in problem.message
                assert not Path(problem.path).is_absolute(), problem


# -- 1. mutated and random input --------------------------------------------------

odd_text = st.sampled_from([
    "", " ", "\t", "'", '"', "- x", "a: b", "[", "{", "*x", "&x", "!!python/object:os.system", "@conquest1961",
    "[@nobody]", "![](../../etc/passwd)", "![x](/etc/hostname)", "1962-13-45", "\ufeff", "é", "\u202e",
    "{{ 7*7 }}", "<script>", "x" * 300,
])
odd_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), odd_text,
              st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(odd_text, st.text(max_size=8)), inner, max_size=3)),
    max_leaves=6,
)


def paths(data, at=()):
    """Every path to a value inside plain data."""
    yield at
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, at + (index,))


def mutate(data, at, how, value):
    """A copy of `data` with the thing at `at` deleted, renamed or replaced."""
    data = copy.deepcopy(data)
    if not at:
        return value
    parent = data
    for part in at[:-1]:
        parent = parent[part]
    last = at[-1]
    if how == "delete":
        del parent[last]
    elif how == "rename" and isinstance(parent, dict):
        parent[str(last)[:-1] + "x" if str(last) else "x"] = parent.pop(last)
    else:
        parent[last] = value
    return data


@st.composite
def mutated_projects(draw):
    files = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(FILES)))
        data = files.get(name, FILES[name])
        at = draw(st.sampled_from(list(paths(data))))
        files[name] = mutate(data, at, draw(st.sampled_from(["delete", "rename", "replace"])), draw(odd_value))
    return {name: yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode() for name, data in files.items()}


@PROPERTY
@given(mutated_projects())
def test_mutated_projects_load_or_explain(files):
    load_or_explain(files)


# Text that YAML and Markdown find tricky, mixed with anything at all.
nasty_pieces = st.sampled_from([
    "\t", "  ", "\n", "\r\n", ":", ": ", "- ", "'", '"', "#", "&a", "*a", "!!", "<<: ", "[", "]", "{", "}", "|\n",
    ">\n", "---\n", "\ufeff", "\x00", "\ud800", "\udfff", "\x07", "\x85", "\u2028", "kind: topic\n",
    "title: T\n", "sections:\n", "  - heading: h\n", "    body: b\n", "é", "\\", "%", "@", "`", "\\u0000",
])
nasty_text = st.lists(st.one_of(nasty_pieces, st.text(max_size=10)), max_size=30).map("".join)


def encoded(text: str, draw_bom: bool) -> bytes:
    data = text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8
    return b"\xef\xbb\xbf" + data if draw_bom else data


@PROPERTY
@given(st.sampled_from(sorted(FILES) + ["content/glossary.yaml", "content/sources.json", "formats/mine.yaml"]),
       nasty_text, st.booleans())
def test_random_text_in_any_file_loads_or_explains(name, text, bom):
    load_or_explain({name: encoded(text, bom)})


@PROPERTY
@given(st.sampled_from(sorted(FILES)), st.data())
def test_damaged_yaml_loads_or_explains(name, data):
    """The real file with a piece cut out, a piece inserted, or a tab put in."""
    text = yaml.safe_dump(FILES[name], sort_keys=False, allow_unicode=True)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    damaged = text[:start] + data.draw(nasty_text) + text[end:]
    load_or_explain({name: encoded(damaged, False)})


# -- 2. random Markdown through every template ------------------------------------

# The fields a teacher writes freely (ids, keys, dates and references are checked
# elsewhere; they are not free text).
FREE_TEXT = {"title", "summary", "heading", "body", "caption", "alt", "event", "display", "name", "years", "role",
             "term", "definition", "prompt", "answer", "teacher_notes", "resolution", "background", "tag",
             "argument", "quals", "text", "knows", "faction", "label"}
FREE_TEXT_LISTS = {"objectives", "points", "goals", "pro", "con"}  # lists of text

PAYLOAD = "<script>alert(1)</script> {{ 7*7 }} {% raw %} &amp; <b>"
PAYLOAD_ESCAPED = [html.escape("<script>alert(1)</script>", quote=False), "{{ 7*7 }}", "{% raw %}"]

markdown_pieces = st.sampled_from([
    "*", "**", "_", "`", "==", "[", "]", "(", ")", "!", "#", "# ", "> ", "- ", "1. ", "|", "|---|", "\n", "\n\n",
    "[^1]", "[^1]: note", "^[inline]", "[@conquest1961, p. 4]", "@conquest1961", "[@nobody]", "<", ">", "&",
    "&amp;", "&#x3C;", "\"", "'", "--", "---", "...", "{{", "}}", "{%", "%}", "{#", "\\", "<script>",
    "](javascript:alert(1))", "<http://x.org>", "    code", "```\n", "<!--", "-->", PAYLOAD,
])
markdown = st.lists(st.one_of(markdown_pieces, st.text(max_size=8)), max_size=25).map("".join)


def with_text(data, texts, at=()):
    """`data` with every free-text field replaced by the next of `texts` (cycled)."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in FREE_TEXT and isinstance(value, str):
                result[key] = next(texts)
            elif key in FREE_TEXT_LISTS and isinstance(value, list):
                result[key] = [next(texts) for _ in value]
            else:
                result[key] = with_text(value, texts, at + (key,))
        return result
    if isinstance(data, list):
        return [with_text(value, texts, at) for value in data]
    return data


def _base_project():
    config = copy.deepcopy(CONFIG)
    config["packs"][1]["editions"] = ["student", "teacher", "judge"]
    config["packs"].append({"id": "packet", "modules": ["split"], "layout": "packet"})
    folder = tempfile.mkdtemp(prefix="coursepack-properties-")
    return load_project(small_project(Path(folder) / "p", **{"coursepack.yaml": config}))


BASE = None


def base_project():
    global BASE
    if BASE is None:
        BASE = _base_project()
    return BASE


def cycle(values):
    while True:
        yield from values


@settings(PROPERTY, max_examples=15)
@given(st.lists(markdown, min_size=1, max_size=8))
def test_random_markdown_in_every_field_renders_as_text(texts):
    project = base_project()
    texts = [PAYLOAD + " " + text for text in texts]  # every field carries the payload
    topic = Topic.model_validate(with_text(TOPIC, cycle(texts)))
    debate = Debate.model_validate(with_text(DEBATE, cycle(texts)))
    debate = debate.model_copy(update={"format": project.modules["split"].format,
                                       "rebuttals": [r.model_copy(update={"side": "con"}) for r in debate.rebuttals]})
    project.modules = {"thaw": topic, "split": debate}
    env = make_environment(project)
    jobs = plan(project)
    assert {job.template for job in jobs} >= {"course-pack.html.j2", "brief.html.j2", "packet.html.j2",
                                              "judge.html.j2", "roles.html.j2"}
    for job in jobs:
        page = render_pack(env, project, job.pack, job.edition, template=job.template)
        body = page.split("<body", 1)[1]
        assert "<script" not in body.lower(), job
        assert "<b>" not in body
        for escaped in PAYLOAD_ESCAPED:
            assert escaped in body, (job, escaped)


# -- 3. rosters -------------------------------------------------------------------

ROSTER_DEBATE = Debate.model_validate(dict(DEBATE, roles=[{"name": "Molotov", "side": "pro"}, {"name": "Mao"}]))
roster_cell = st.one_of(st.sampled_from(["Ana", "pro", "con", "Affirmative", "Molotov", "Mao", "3", "", " ",
                                         '"', '""', "a,b", "a;b", "\ufeff", "é", "\x00", "\r", "\n"]),
                        st.text(max_size=12))


@settings(PROPERTY, max_examples=300)  # cheap: no files but the roster
@given(header=st.lists(st.sampled_from(["name", "Name", "side", "role", "period", "email", "", "name "]),
                       max_size=5),
       rows=st.lists(st.lists(roster_cell, max_size=6), max_size=8),
       delimiter=st.sampled_from([",", ";"]), bom=st.booleans(),
       garbage=st.one_of(st.just(b""), st.binary(max_size=40)))
def test_any_roster_gives_students_or_located_problems(header, rows, delimiter, bom, garbage):
    from coursepack.roster import read_roster

    text = "\n".join(delimiter.join(row) for row in [header] + rows)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass") + garbage
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        path.write_bytes(data)
        try:
            students = read_roster(path, "roster.csv", [ROSTER_DEBATE]).students
        except CoursepackError as error:
            assert error.problems and all(p.path == "roster.csv" and p.message for p in error.problems)
            return
    assert students and all(s.name and s.file_stem and "/" not in s.file_stem for s in students)
    assert all(s.side in (None, "pro", "con") for s in students)
