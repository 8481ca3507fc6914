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


def test_deep_nesting():
    (message,) = errors_of("a: " + "[" * 100 + "]" * 100 + "\n")
    assert "nesting deeper than 50 levels" in message
    (message,) = errors_of("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nesting deeper than 50 levels" in message


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
