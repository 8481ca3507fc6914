"""The loader: positions for every node, and the YAML a teacher's file must not contain."""
import pytest

from coursepack.errors import CoursepackError
from coursepack.yamlio import load_yaml, parse_yaml


def errors_of(text: str) -> list[str]:
    with pytest.raises(CoursepackError) as caught:
        parse_yaml(text, "m.yaml")
    return [str(p) for p in caught.value.problems]


def test_positions_of_keys_and_values():
    doc = parse_yaml("title: T\nsections:\n  - heading: H\n    body: B\n", "m.yaml")
    assert doc.data == {"title": "T", "sections": [{"heading": "H", "body": "B"}]}
    assert (doc.values[("sections", 0, "body")].line, doc.values[("sections", 0, "body")].col) == (4, 11)
    assert doc.keys[("sections", 0, "heading")].line == 3


def test_core_schema_keeps_words_and_dates_as_text():
    doc = parse_yaml("language: no\ndate: 1955-05-15\nflag: yes\nok: true\nn: 3\nx: 1.5\n", "m.yaml")
    assert doc.data == {"language": "no", "date": "1955-05-15", "flag": "yes", "ok": True, "n": 3, "x": 1.5}


def test_duplicate_key_names_both_lines():
    assert errors_of("title: A\nkind: topic\ntitle: B\n") == [
        "m.yaml:3:1: duplicate key 'title' (first written on line 1); remove one of them"]


def test_tab_indentation():
    assert errors_of("sections:\n\t- heading: x\n") == ["m.yaml:2:1: tab character in indentation; indent with spaces only"]


def test_syntax_error_has_line():
    (message,) = errors_of("title: [unclosed\nkind: topic\n")
    assert message == "m.yaml:2:5: YAML syntax error: a [list] is not closed with ']', or an item contains ':' (quote it)"


def test_empty_file():
    assert errors_of("") == ["m.yaml: file is empty; write the module's content or delete the file"]
    assert errors_of("# only a comment\n") == ["m.yaml: file is empty; write the module's content or delete the file"]


def test_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, prev in zip("bcdefghi", "abcdefgh"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (message,) = errors_of("\n".join(lines) + "\n")
    assert "aliases expand to too much data" in message


def test_small_aliases_are_fine():
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "m.yaml").data == {"a": [1, 2], "b": [1, 2]}


def test_deep_nesting_names_the_line_of_the_level_too_many():
    """At the node 51 levels down (column 4 + 50), however deep the rest goes: PyYAML's
    composer recurses once a level, and used to hit Python's limit, which knows no line."""
    too_deep = "m.yaml:{}: nesting deeper than 50 levels; simplify the structure"
    assert errors_of("a: " + "[" * 100 + "]" * 100 + "\n") == [too_deep.format("1:54")]
    assert errors_of("a: " + "[" * 5000 + "]" * 5000 + "\n") == [too_deep.format("1:54")]
    assert errors_of("a: " + "{b: " * 5000 + "}" * 5000 + "\n") == [too_deep.format("1:201")]
    block = "a:\n" + "".join("  " * depth + "- \n" for depth in range(1, 2000))
    assert errors_of(block) == [too_deep.format("52:103")]


def test_python_tags_are_refused():
    assert errors_of("x: !!python/object:os.system ls\n") == [
        "m.yaml:1:4: unsupported YAML tag tag:yaml.org,2002:python/object:os.system; "
        "write plain text, numbers, lists and mappings"]


def test_bom_is_allowed(tmp_path):
    file = tmp_path / "m.yaml"
    file.write_bytes(b"\xef\xbb\xbftitle: T\n")
    assert load_yaml(file, "m.yaml").data == {"title": "T"}


def test_not_utf8_names_the_line(tmp_path):
    file = tmp_path / "m.yaml"
    file.write_bytes(b"title: ok\nbody: caf\xe9\n")
    with pytest.raises(CoursepackError) as caught:
        load_yaml(file, "m.yaml")
    assert str(caught.value.problems[0]).startswith("m.yaml:2:10: file is not UTF-8 text")


def test_binary_garbage(tmp_path):
    file = tmp_path / "m.yaml"
    file.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(CoursepackError) as caught:
        load_yaml(file, "m.yaml")
    assert str(caught.value.problems[0]) == "m.yaml: file is binary, not YAML text"


def test_odd_spaces_in_text_are_text():
    """Text pasted from a word processor keeps its non-breaking spaces where they are content."""
    doc = parse_yaml("a: 10\u00a0km\nb: |\n  line one\n  \u00a0indented by Word\nc: \u201cquoted\u201d\n", "m.yaml")
    assert doc.data == {"a": "10\u00a0km", "b": "line one\n\u00a0indented by Word\n", "c": "\u201cquoted\u201d"}


def test_a_syntax_error_elsewhere_is_not_blamed_on_an_odd_space():
    """A non-breaking space inside a block's text does not cause the unclosed list two lines on."""
    assert errors_of("b: |\n  \u00a0text\nc: [unclosed\nd: 1\n") == [
        "m.yaml:4:2: YAML syntax error: a [list] is not closed with ']', or an item contains ':' (quote it)"]


def test_odd_space_in_indentation_is_named_on_every_line_it_breaks():
    assert errors_of("a: |\n  one\n\u00a0 two\n\u00a0 three\nb: 1\n") == [
        f"m.yaml:{line}:1: a non-breaking space (U+00A0) in the indentation (typical of text pasted from a "
        "word processor); YAML indents with ordinary spaces only: retype the indentation with the space bar"
        for line in (3, 4)]
