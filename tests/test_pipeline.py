"""The pipeline's shape: layouts declared once, jobs planned from them, and the
printer as a seam (a fake one here, so nothing is laid out)."""
from __future__ import annotations

import pytest

from conftest import CONFIG, small_project
from coursepack.errors import CoursepackError
from coursepack.layouts import EDITIONS, LAYOUTS, template_for
from coursepack.models import PackConfig
from coursepack.outputs.pdf import Printed
from coursepack.pipeline.build import build
from coursepack.pipeline.plan import plan
from coursepack.project import load_project
from coursepack.render import theme_dir


class FakePrinter:
    """Hands back a made-up PDF per document and remembers the HTML it was given."""

    def __init__(self, refused: tuple[str, ...] = ()):
        self.documents: list[str] = []
        self.refused = refused

    def print_all(self, documents):
        for html in documents:
            self.documents.append(html)
            yield Printed(b"" if self.refused else b"%PDF-fake " + html[:20].encode(), pages=3,
                          warnings=("a warning",), refused=self.refused)


def test_every_layout_and_edition_has_its_template_in_the_theme():
    for layout in LAYOUTS.values():
        assert (theme_dir() / layout.template).is_file(), layout.id
        for extra in layout.extra_outputs:
            assert (theme_dir() / extra.template).is_file(), extra.id
            assert extra.edition in EDITIONS
        assert set(layout.editions) <= set(EDITIONS)
    for edition in EDITIONS.values():
        assert edition.template is None or (theme_dir() / edition.template).is_file()


def test_the_model_accepts_exactly_the_declared_layouts_and_editions():
    schema = PackConfig.model_json_schema()["properties"]
    assert schema["layout"]["enum"] == list(LAYOUTS)
    assert schema["editions"]["items"]["enum"] == list(EDITIONS)
    assert template_for(PackConfig(id="p", modules=["m"], layout="brief"), "judge") == "judge.html.j2"
    assert template_for(PackConfig(id="p", modules=["m"], layout="brief"), "teacher") == "brief.html.j2"


@pytest.fixture(scope="module")
def packet_project(tmp_path_factory):
    config = dict(CONFIG, packs=CONFIG["packs"] + [
        {"id": "packet", "modules": ["split"], "layout": "packet", "side": "pro", "editions": ["student", "judge"]}])
    return small_project(tmp_path_factory.mktemp("pipeline") / "proj", **{"coursepack.yaml": config})


def test_plan_follows_the_layouts(packet_project):
    jobs = plan(load_project(packet_project))
    made = [(job.path.name, job.template, job.edition, job.output, job.side) for job in jobs]
    assert made == [
        ("unit.pdf", "course-pack.html.j2", "student", "edition", None),
        ("unit-teacher.pdf", "course-pack.html.j2", "teacher", "edition", None),
        ("unit-roles.pdf", "roles.html.j2", "teacher", "roles", None),  # the debate has roles
        ("brief.pdf", "brief.html.j2", "student", "edition", None),
        ("brief-roles.pdf", "roles.html.j2", "teacher", "roles", None),
        ("packet.pdf", "packet.html.j2", "student", "edition", "pro"),
        ("packet-judge.pdf", "judge.html.j2", "judge", "edition", "pro"),
        ("packet-roles.pdf", "roles.html.j2", "teacher", "roles", None),
    ]


def test_build_runs_every_job_through_the_printer_it_is_given(packet_project):
    printer = FakePrinter()
    built = build(packet_project, ["packet"], printer=printer)
    assert [b.path.name for b in built] == ["packet.pdf", "packet-judge.pdf", "packet-roles.pdf"]
    assert all(b.pages == 3 and b.warnings == ("a warning",) for b in built)
    assert len(printer.documents) == 3 and all(html.startswith("<!DOCTYPE html>") for html in printer.documents)
    assert "Debate packet" in printer.documents[0]  # the cover's label comes from the layout
    assert (packet_project / "build" / "packet.pdf").read_bytes().startswith(b"%PDF-fake")


def test_a_refused_resource_names_the_file_it_was_for_and_writes_nothing(packet_project):
    target = packet_project / "build" / "brief.pdf"
    with pytest.raises(CoursepackError) as error:
        build(packet_project, ["brief"], printer=FakePrinter(refused=("http://x/y.png: network access is not allowed",)))
    # every refused document is named, whichever finished first
    assert [str(p) for p in error.value.problems] == ["build/brief-roles.pdf: http://x/y.png: network access is not allowed",
                                                      "build/brief.pdf: http://x/y.png: network access is not allowed"]
    assert not target.exists() and not target.with_name("brief-roles.pdf").exists()


def test_the_contents_and_the_body_come_from_one_outline(packet_project):
    """Every line of the contents links to a chapter or heading the body prints, and every
    chapter of the outline is printed, in the outline's order."""
    import re

    from coursepack.pipeline.plan import EDITION
    from coursepack.pipeline.render import render_html
    from coursepack.render import make_environment

    project = load_project(packet_project)
    env = make_environment(project)
    for job in plan(project):
        if job.output != EDITION or job.edition == "judge":
            continue
        html = render_html(env, project, job)
        contents, body = html.split("</nav>", 1)
        links = re.findall(r'href="#([^"]+)"', contents)
        ids = re.findall(r'id="([^"]+)"', body)
        assert links and set(links) <= set(ids), job.path.name
        chapters = re.findall(r'<li class="toc-chapter">\s*<a href="#([^"]+)"', contents)
        assert chapters == [i for i in ids if i in chapters], job.path.name  # same order


def test_a_packet_for_one_side_has_its_case_and_the_answers_to_the_other(packet_project):
    from coursepack.layouts import LAYOUTS
    from coursepack.outline import Reader

    project = load_project(packet_project)
    modules = [project.modules["split"]]
    one_side = LAYOUTS["packet"].outline(modules, Reader("student", "pro", (), ()))
    assert [(c.kind, c.anchor) for c in one_side] == [
        ("overview", "m-split"), ("case", "m-split-side-pro"), ("answers", "m-split-answers-pro"),
        ("packet-round", "m-split-round"), ("bibliography", "bibliography")]
    assert [e.anchor for e in one_side[2].entries] == ["m-split-a2-interests"]  # the con side's contention
    both = LAYOUTS["packet"].outline(modules, Reader("student", None, (), ()))
    assert [c.anchor for c in both if c.kind == "case"] == ["m-split-side-pro", "m-split-side-con"]
    assert [e.kind for e in both[-2].entries] == ["cross-examination", "time-table", "flow"]  # no ballot
    brief = LAYOUTS["brief"].outline(modules, Reader("teacher", None, (), ()))
    assert [e.kind for e in brief[-3].entries] == ["cross-examination", "time-table", "flow", "ballot"]
    assert [c.kind for c in brief[-2:]] == ["role-cards", "bibliography"]  # the debate has roles


class EagerPrinter(FakePrinter):
    """Hands back each document's PDF as soon as it arrives, while the next is still
    being rendered (as the real printer's worker processes may)."""

    def print_each(self, documents):
        for index, printed in enumerate(self.print_all(documents)):
            yield index, printed


def test_a_template_mistake_in_a_later_document_stops_the_build_before_any_file_changes(tmp_path):
    config = dict(CONFIG, packs=[{"id": "packet", "modules": ["split"], "layout": "packet", "editions": ["student", "judge"]}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    (root / "templates").mkdir()
    (root / "templates" / "judge.html.j2").write_text("{{ no_such_thing.attribute }}\n")
    printer = EagerPrinter()
    with pytest.raises(CoursepackError) as raised:
        build(root, printer=printer)
    assert "judge.html.j2" in str(raised.value)
    assert len(printer.documents) == 1  # the student edition was printed while the judge's was rendered...
    assert not (root / "build").exists() or not list((root / "build").glob("*.pdf"))  # ...and not written


def test_every_planned_file_ends_with_a_known_output_suffix(packet_project):
    from coursepack.pipeline.plan import output_suffixes

    assert output_suffixes() == {"", "-teacher", "-judge", "-roles", "-booklet"}
    for job in plan(load_project(packet_project)):
        stem = job.path.name[:-len(".pdf")]
        assert stem[len(job.pack.id):] in output_suffixes(), job.path.name


def test_a_printer_that_hands_back_each_pdf_at_once_gets_every_file_written(packet_project):
    printer = EagerPrinter()
    built = build(packet_project, ["packet"], printer=printer)
    assert [b.path.name for b in built] == ["packet.pdf", "packet-judge.pdf", "packet-roles.pdf"]
    assert all((packet_project / "build" / name).read_bytes().startswith(b"%PDF-fake")
               for name in ("packet.pdf", "packet-judge.pdf", "packet-roles.pdf"))


def test_every_template_mistake_of_a_build_is_reported_at_once(tmp_path):
    config = dict(CONFIG, packs=[{"id": "packet", "modules": ["split"], "layout": "packet", "editions": ["student", "judge"]}])
    root = small_project(tmp_path / "proj", **{"coursepack.yaml": config})
    (root / "templates").mkdir()
    (root / "templates" / "judge.html.j2").write_text("{{ no_such_thing.attribute }}\n")
    (root / "templates" / "roles.html.j2").write_text("\n{{ nor_this }}\n")
    with pytest.raises(CoursepackError) as raised:
        build(root, printer=EagerPrinter())
    assert [str(problem).split(": template error")[0] for problem in raised.value.problems] == [
        "templates/judge.html.j2:1:1", "templates/roles.html.j2:2:1"]
    assert not list(root.glob("build/*.pdf"))
