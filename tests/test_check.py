"""`coursepack check`: every mistake reported at once, as path:line:col: message."""
import copy

from conftest import CONFIG, DEBATE, TOPIC, run_cli, small_project, write_project


def check_lines(root) -> tuple[int, list[str]]:
    result = run_cli("check", root)
    return result.exit_code, [line for line in result.stderr.splitlines() if not line.endswith("no PDF was written.")]


def test_clean_project_passes(project):
    result = run_cli("check", project)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 2 modules, 2 packs, 1 source")


def test_several_mistakes_are_all_reported_with_locations(tmp_path):
    root = small_project(tmp_path, **{"content/thaw.yaml": """\
        kind: topic
        id: thaw
        title: The Thaw
        sectons:
          - heading: One
            body: Text
        timeline:
          - {date: 1962-13-45, event: Nothing}
          - {event: No date}
        questions:
          - prompt: Why? [@nobody2000]
            lines: 99
        """})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == [
        "content/thaw.yaml:1:1: missing required field 'sections'",
        "content/thaw.yaml:4:1: unknown key 'sectons' (did you mean 'sections'?)",
        "content/thaw.yaml:8:12: date '1962-13-45' has no month 13",
        "content/thaw.yaml:9:5: missing required field 'date' in timeline",
        "content/thaw.yaml:11:19: citation 'nobody2000' is not in content/sources.yaml; add it there or fix the key",
        "content/thaw.yaml:12:12: 'lines' should be less than or equal to 40",
    ]


def test_unknown_citation_key_is_reported_on_its_line(tmp_path):
    root = small_project(tmp_path, **{"content/thaw.yaml": """\
        kind: topic
        title: The Thaw
        sections:
          - heading: One
            body: |
              First line.

              Second line cites [@conquets1961, p. 4].
        """})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == ["content/thaw.yaml:8:26: citation 'conquets1961' is not in content/sources.yaml "
                     "(did you mean 'conquest1961'?); add it there or fix the key"]


def test_bare_at_word_is_not_a_citation(tmp_path):
    topic = copy.deepcopy(TOPIC)
    topic["summary"] = "Write to ms.rivera@school.org or @history_club."
    assert check_lines(small_project(tmp_path, **{"content/thaw.yaml": topic}))[0] == 0


def test_dangling_references_in_a_debate(tmp_path):
    debate = copy.deepcopy(DEBATE)
    debate["sides"]["pro"]["contentions"][0]["cards"][0]["cite"]["source"] = "@missing1999"
    debate["rebuttals"].append({"answers": "ideolgy", "points": ["x"]})
    debate["rebuttals"].append({"answers": "interests", "side": "con", "points": ["x"]})
    debate["cross_examination"]["neg"] = ["?"]
    debate["roles"][0]["side"] = "aff"
    root = small_project(tmp_path, **{"content/debates/split.yaml": debate})
    code, lines = check_lines(root)
    assert code == 1
    text = "\n".join(lines)
    assert "source 'missing1999' is not in content/sources.yaml" in text
    assert "rebuttal answers 'ideolgy', which is not a contention id in this debate (did you mean 'ideology'?)" in text
    assert "rebuttal side 'con' must be the side opposite 'interests' (pro)" in text
    assert "cross_examination side 'neg' is not a side of this debate" in text
    assert "role 'Molotov' has side 'aff'" in text
    assert all(line.startswith("content/debates/split.yaml:") for line in lines)


def test_unknown_format_and_wrong_sides(tmp_path):
    debate = copy.deepcopy(DEBATE)
    debate["format"] = "clasroom"
    root = small_project(tmp_path, **{"content/debates/split.yaml": debate})
    code, lines = check_lines(root)
    assert code == 1
    assert lines[0].startswith("content/debates/split.yaml:5:9: unknown debate format 'clasroom' (did you mean 'classroom'?)")

    debate["format"] = {"id": "mine", "name": "Mine", "sides": {"gov": "Government", "opp": "Opposition"},
                        "speeches": [{"name": "PM", "side": "gov", "minutes": 5}, {"name": "LO", "side": "opposition", "minutes": 5}]}
    write_project(root, {"content/debates/split.yaml": debate})
    code, lines = check_lines(root)
    assert lines == ["content/debates/split.yaml:16:11: speech 'LO' has side 'opposition'; use one of both, gov, opp"]

    debate["format"]["speeches"][1]["side"] = "opp"
    write_project(root, {"content/debates/split.yaml": debate})
    code, lines = check_lines(root)
    assert lines[:2] == [  # each side that the format does not name, at its own key
        "content/debates/split.yaml:19:3: side 'pro' is not a side of format 'mine' (sides: gov, opp); "
        "rename it to one of the missing sides: gov, opp",
        "content/debates/split.yaml:31:3: side 'con' is not a side of format 'mine' (sides: gov, opp); "
        "rename it to one of the missing sides: gov, opp",
    ]


def test_pack_lists_a_missing_module(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["packs"][0]["modules"] = ["thaw", "splt"]
    root = small_project(tmp_path, **{"coursepack.yaml": config})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == ["coursepack.yaml:10:5: pack 'unit' lists module 'splt', which does not exist (did you mean 'split'?)"]


def test_glossary_conflict_names_both_places(tmp_path):
    root = small_project(tmp_path, **{"content/glossary.yaml": [{"term": "thaw", "definition": "Ice melting."}]})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == ["content/thaw.yaml:31:3: term 'Thaw' is also defined, differently, at content/glossary.yaml:1; "
                     "keep one definition or name the terms apart"]


def test_unknown_style_and_bad_page(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["citation_style"] = "chicago-autor-date"
    code, lines = check_lines(small_project(tmp_path, **{"coursepack.yaml": config}))
    assert code == 1
    assert lines[0].startswith("coursepack.yaml:18:17: unknown citation style 'chicago-autor-date' (did you mean 'chicago-author-date'?)")
    config["page"] = {"size": "tabloidish"}
    code, lines = check_lines(small_project(tmp_path, **{"coursepack.yaml": config}))
    assert any("page size 'tabloidish' is not one of letter, a4, a5, legal" in line for line in lines)


def test_module_without_kind_and_empty_module(tmp_path):
    root = small_project(tmp_path, **{"content/extra.yaml": "title: No kind\n", "content/empty.yaml": ""})
    code, lines = check_lines(root)
    assert lines == [
        "content/empty.yaml: file is empty; write the module's content or delete the file",
        "content/extra.yaml:1:1: missing required field 'kind' (topic or debate)",
    ]


def test_kind_must_be_a_known_word(tmp_path):
    root = small_project(tmp_path, **{"content/a.yaml": "kind: topc\ntitle: A\n", "content/b.yaml": "kind: [topic]\ntitle: B\n"})
    assert check_lines(root)[1] == [
        "content/a.yaml:1:7: 'kind' must be topic or debate, not 'topc' (did you mean 'topic'?)",
        "content/b.yaml:1:7: 'kind' must be the word topic or debate",
    ]


def test_duplicate_module_id(tmp_path):
    root = small_project(tmp_path, **{"content/copy.yaml": TOPIC})
    code, lines = check_lines(root)
    assert code == 1
    assert len(lines) == 1 and "module id 'thaw' is already used by" in lines[0]


def test_no_project_is_a_usage_error(tmp_path):
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert "no coursepack.yaml in" in result.stderr
    result = run_cli("check", tmp_path / "no-such-folder")
    assert result.exit_code == 2
    assert f"there is no folder {tmp_path / 'no-such-folder'}" in result.stderr


def test_unknown_command_is_a_usage_error():
    assert run_cli("bild").exit_code == 2


def test_check_does_not_import_weasyprint(project):
    """`check` and `--help` stay fast: WeasyPrint is imported only to print."""
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from coursepack.__main__ import main; "
            f"r = CliRunner().invoke(main, ['check', {str(project)!r}]); "
            "print(r.exit_code, 'weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


def test_a_wrong_key_or_setting_does_not_hide_the_other_problems_of_its_file(tmp_path):
    config = dict(CONFIG, language="english", citation_style="chikago",
                  packs=CONFIG["packs"] + [{"id": "unit", "modules": ["thaw", "nosuch"]}])
    root = small_project(tmp_path, **{"coursepack.yaml": config, "content/thaw.yaml": """\
        kind: topic
        title: The Thaw
        sumary: a typo
        sections:
          - heading: One
            body: See [@nobody].
            figure: {image: assets/missing.png, alt: A map}
        """})
    code, lines = check_lines(root)
    assert code == 1
    expected = [
        "content/thaw.yaml:3:1: unknown key 'sumary'",
        "content/thaw.yaml:6:16: citation 'nobody' is not in content/sources.yaml",
        "content/thaw.yaml:7:21: image 'assets/missing.png' does not exist",
        "coursepack.yaml:4:11: language 'english' is not a BCP 47 tag",
        "coursepack.yaml:18:7: pack id 'unit' is used twice",
        "coursepack.yaml:21:5: pack 'unit' lists module 'nosuch', which does not exist",
        "coursepack.yaml:22:17: unknown citation style 'chikago'",
    ]
    assert len(lines) == len(expected) and all(line.startswith(start) for line, start in zip(lines, expected)), lines


def test_images_must_be_inside_the_project_and_have_alt_text(tmp_path):
    root = small_project(tmp_path, **{"content/thaw.yaml": """\
        kind: topic
        title: The Thaw
        sections:
          - heading: One
            body: |
              A map: ![](assets/map.png)

              ![The wall](../../etc/passwd) and ![Photo](assets/missing.png)
            figure: {image: /etc/hostname, alt: Host}
        """, "assets/map.png": b"\x89PNG"})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == [
        "content/thaw.yaml:6:14: an image needs alt text: ![what it shows](path)",
        "content/thaw.yaml:8:7: image '../../etc/passwd' is outside the project; copy it into assets/ and give a path like assets/map.png",
        "content/thaw.yaml:8:41: image 'assets/missing.png' does not exist (paths are relative to the project folder)",
        "content/thaw.yaml:9:21: image '/etc/hostname' is outside the project; copy it into assets/ and give a path like assets/map.png",
    ]


def test_a_file_that_is_not_an_image_is_refused_where_an_image_belongs(tmp_path):
    svg = b'<?xml version="1.0"?>\n<!-- ' + b"x" * 1000 + b' -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'
    root = small_project(tmp_path, **{"content/thaw.yaml": """\
        kind: topic
        title: The Thaw
        sections:
          - heading: One
            body: |
              ![A chart](assets/notes.txt) ![A drawing](assets/drawing.svg) ![A photo](assets/photo.JPG)
            figure: {image: assets/style.css, alt: A map}
        """, "assets/notes.txt": b"not a picture", "assets/style.css": b"p { color: red }",
        "assets/drawing.svg": svg, "assets/photo.JPG": b"named as an image: taken as one"})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == [
        "content/thaw.yaml:6:7: 'assets/notes.txt' is not an image (PNG, JPEG, GIF, WebP or SVG); give the path of an image file",
        "content/thaw.yaml:7:21: 'assets/style.css' is not an image (PNG, JPEG, GIF, WebP or SVG); give the path of an image file",
    ]


def test_sources_from_zotero_csl_json_with_tabs(tmp_path):
    import json
    items = [{"id": "taubman2003", "type": "book", "title": "Khrushchev: The Man and His Era",
              "author": [{"family": "Taubman", "given": "William"}], "issued": {"date-parts": [[2003]]}}]
    root = small_project(tmp_path, **{"content/sources.json": json.dumps(items, indent="\t")})
    assert check_lines(root)[0] == 0
    items.append({"id": "conquest1961", "type": "book", "title": "Again"})
    write_project(root, {"content/sources.json": json.dumps(items, indent="\t")})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == ["content/sources.json:21:9: source key 'conquest1961' is defined twice "
                     "(also at content/sources.yaml:2:7); keep one"]
    write_project(root, {"content/sources.json": '[{"id": "x",}]'})
    assert check_lines(root)[1] == ["content/sources.json:1:13: not valid JSON: Expecting property name enclosed in double quotes"]


def test_malformed_sources_are_reported(tmp_path):
    root = small_project(tmp_path, **{"content/sources.yaml": """\
        references:
          - id: conquest1961
            type: bok
            author: Robert Conquest
            title: Power and Policy in the USSR
            issued: 1961
          - id: untitled
            type: book
            editor: [{given: Raymond}]
        """})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == [
        "content/sources.yaml:3:11: 'bok' is not a CSL type (did you mean 'book'?); use book, article-journal, chapter, webpage, ...",
        "content/sources.yaml:4:13: 'author' must be a list of names such as [{family: Conquest, given: Robert}]",
        "content/sources.yaml:6:13: 'issued' must look like {date-parts: [[1961]]} or [[1961, 5, 15]], or {raw: \"1961\"}",
        "content/sources.yaml:7:5: source 'untitled' needs a 'title'",
        "content/sources.yaml:9:14: each name in 'editor' needs 'family' (and usually 'given'), or 'literal' for an organization",
    ]


def test_each_side_and_speech_is_reported_at_its_own_line(tmp_path):
    """A side the format does not name at its key; missing sides at 'sides:'; every speech
    with an unknown side at that speech's side, not at the format."""
    debate = copy.deepcopy(DEBATE)
    debate["sides"]["neutral"] = {"contentions": [{"id": "neither", "tag": "Neither"}]}
    root = small_project(tmp_path, **{"content/debates/split.yaml": debate})
    assert check_lines(root) == (1, [
        "content/debates/split.yaml:24:3: side 'neutral' is not a side of format 'classroom' (sides: pro, con); "
        "remove it, or choose a format that has this side"])

    debate = copy.deepcopy(DEBATE)
    debate["format"] = {"id": "three", "name": "Three", "sides": {"pro": "P", "con": "C", "mid": "M"},
                        "speeches": [{"name": "One", "side": "pro", "minutes": 3}, {"name": "Two", "side": "cons", "minutes": 3},
                                     {"name": "Three", "side": "middle", "minutes": 3}]}
    write_project(root, {"content/debates/split.yaml": debate})
    assert check_lines(root)[1] == [
        "content/debates/split.yaml:17:11: speech 'Two' has side 'cons'; use one of both, con, mid, pro",
        "content/debates/split.yaml:20:11: speech 'Three' has side 'middle'; use one of both, con, mid, pro",
    ]
    debate["format"]["speeches"] = debate["format"]["speeches"][:1]
    del debate["sides"]["con"], debate["cross_examination"]["con"]
    write_project(root, {"content/debates/split.yaml": debate})
    assert check_lines(root)[1][0] == (
        "content/debates/split.yaml:16:1: sides con, mid of format 'three' are missing (sides: pro, con, mid); "
        "add each with its contentions")


def test_an_invisible_character_is_named_even_without_a_suggestion(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["packs"][1]["modules"] = ["nowhere\u200b"]
    root = small_project(tmp_path, **{"coursepack.yaml": config})
    assert check_lines(root) == (1, [
        "coursepack.yaml:16:5: pack 'brief' lists module 'nowhere\u200b', which does not exist "
        "(it contains a zero-width space (U+200B), which does not show)"])


def test_every_rule_in_references_is_listed_in_rules():
    """A rule written in references.py but not listed in RULES would never run."""
    import inspect

    from coursepack import references
    rules = {name for name, function in inspect.getmembers(references, inspect.isfunction)
             if function.__module__ == references.__name__ and not name.startswith("_") and name != "check"
             and list(inspect.signature(function).parameters) == ["files"]}
    assert rules == {rule.__name__ for rule in references.RULES}
    assert len(rules) >= 18


def test_a_misspelt_key_that_other_checks_read_hides_nothing_it_should_not():
    """Left out, a misspelt 'format' or a wrong 'layout' would have its default judged:
    such a file is checked across files only once it is fixed, with no problem made up."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        config = dict(CONFIG, packs=CONFIG["packs"] + [{"id": "pk", "modules": ["split"], "layout": "pakcet", "side": "pro"}])
        code, lines = check_lines(small_project(Path(folder) / "a", **{"coursepack.yaml": config}))
        assert code == 1 and len(lines) == 1 and "'layout' must be one of" in lines[0], lines
        debate = {key: value for key, value in DEBATE.items() if key != "format"}
        debate["formt"] = "lincoln-douglas"
        code, lines = check_lines(small_project(Path(folder) / "b", **{"content/split.yaml": debate}))
        assert code == 1 and len(lines) == 1 and "unknown key 'formt' (did you mean 'format'?)" in lines[0], lines


def test_a_content_file_that_is_a_broken_link_is_reported(tmp_path):
    root = small_project(tmp_path / "proj")
    (root / "content" / "moved.yaml").symlink_to(tmp_path / "gone.yaml")
    code, lines = check_lines(root)
    assert code == 1
    assert lines == ["content/moved.yaml: cannot read this file (No such file or directory); "
                     "check that it exists and that you may read it"]


def test_a_packet_keeps_its_cover():
    import tempfile
    from pathlib import Path

    config = dict(CONFIG, packs=CONFIG["packs"] + [{"id": "pk", "modules": ["split"], "layout": "packet", "cover": False}])
    with tempfile.TemporaryDirectory() as folder:
        code, lines = check_lines(small_project(Path(folder) / "proj", **{"coursepack.yaml": config}))
    assert code == 1
    assert len(lines) == 1 and lines[0].endswith(
        ": a packet's cover names the student it belongs to; cover: false applies to the course-pack and brief layouts")
    assert lines[0].startswith("coursepack.yaml:") and ":" in lines[0]
