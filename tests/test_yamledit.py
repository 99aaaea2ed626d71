"""Exact YAML edits: the key at a path changes, every other character stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.io.loader import loads
from ftdisclose.io.yamledit import YamlEditError, remove_key, set_value

# (text, path, value, expected) worked out by hand
SET_CASES: list[tuple[str, tuple[str, ...], Any, str]] = [
    # a scalar replaced in place; its comment and everything around it kept
    ("a: 1\nb: 2  # two\nc: 3\n", ("b",), 5, "a: 1\nb: 5  # two\nc: 3\n"),
    ("a: 'x'\nb: \"y\"\n", ("b",), "z", "a: 'x'\nb: z\n"),
    # a scalar replaced by a mapping: the comment stays on the key's line
    ("a: 1\nb: 2  # two\nc: 3\n", ("b",), {"x": 1, "y": "t"}, "a: 1\nb:  # two\n  x: 1\n  y: t\nc: 3\n"),
    # a block mapping replaced whole, at its own (4-space) indentation, trailing comments of others kept
    (
        "a:\n    p: 1\n    # inner\n    q: 2  # q's\n# about c\nc: 3\n",
        ("a",),
        {"r": 1},
        "a:\n    r: 1\n# about c\nc: 3\n",
    ),
    # a key-line comment of a block mapping survives its replacement
    ("a:   # note\n  p: 1\nb: 2\n", ("a",), {"q": 2}, "a:   # note\n  q: 2\nb: 2\n"),
    ("a:   # note\n  p: 1\nb: 2\n", ("a",), 7, "a: 7   # note\nb: 2\n"),
    # a block sequence and a flow mapping replaced
    ("a:\n- 1\n- 2\nb: 2\n", ("a",), {"x": 1}, "a:\n  x: 1\nb: 2\n"),
    ("a: {x: 1, y: 2}  # flow\nb: 2\n", ("a",), {"x": 3}, "a:  # flow\n  x: 3\nb: 2\n"),
    ("a: [1,\n  2]\nb: 2\n", ("a",), "s", "a: s\nb: 2\n"),
    # a block scalar replaced; the blank line after it is not its content and stays
    ("a: |\n  one\n  two\n\nb: 2\n", ("a",), "s", "a: s\n\nb: 2\n"),
    # a multi-line plain scalar
    ("a: one\n  two\nb: 2\n", ("a",), 1, "a: 1\nb: 2\n"),
    # an empty value, with and without a comment
    ("a:\nb: 2\n", ("a",), 1, "a: 1\nb: 2\n"),
    ("a:  # empty\nb: 2\n", ("a",), {"x": 1}, "a:  # empty\n  x: 1\nb: 2\n"),
    # a missing key appended at the end of its mapping, at the mapping's indentation
    ("a:\n    p: 1\nb: 2\n", ("a", "q"), 2, "a:\n    p: 1\n    q: 2\nb: 2\n"),
    ("a: 1\n# end\n", ("b",), 2, "a: 1\nb: 2\n# end\n"),
    # missing parents created, with the document's indentation step
    ("a:\n   p: 1\n", ("b", "c"), 1, "a:\n   p: 1\nb:\n   c: 1\n"),
    ("a: 1\n", ("b", "c", "d"), "x", "a: 1\nb:\n  c:\n    d: x\n"),
    # an empty (null) parent becomes a mapping
    ("a: ~\nb: 2\n", ("a", "x"), 1, "a:\n  x: 1\nb: 2\n"),
    # CRLF kept, and used for new lines
    ("a: 1\r\nb:\r\n  c: 1\r\n", ("b", "d"), 2, "a: 1\r\nb:\r\n  c: 1\r\n  d: 2\r\n"),
    ("a: 1\r\nb: 2\r\n", ("b",), {"x": 1}, "a: 1\r\nb:\r\n  x: 1\r\n"),
    # a missing final newline stays missing
    ("a: 1\nb: 2", ("b",), 3, "a: 1\nb: 3"),
    ("a: 1\nb: 2", ("c",), {"x": 1}, "a: 1\nb: 2\nc:\n  x: 1"),
    # a byte-order mark stays first
    ("\ufeffa: 1\n", ("a",), 2, "\ufeffa: 2\n"),
    ("\ufeffa: 1\n", ("b",), 2, "\ufeffa: 1\nb: 2\n"),
    # empty and comment-only documents
    ("", ("a",), {"b": 1}, "a:\n  b: 1\n"),
    ("# only a comment\n", ("a",), 1, "# only a comment\na: 1\n"),
    ("# only a comment", ("a",), 1, "# only a comment\na: 1"),
    # a key in a mapping inside a sequence item
    ("l:\n  - name: x\n    v: 1\n", ("l",), "s", "l: s\n"),
    # an alias replaced by a value; an anchor nobody refers to may go
    ("a: &x\n  p: 1\nb: *x\n", ("b",), 1, "a: &x\n  p: 1\nb: 1\n"),
    ("a: &x 1\nb: 2\n", ("a",), 3, "a: 3\nb: 2\n"),
    # quoted keys are found by their value
    ("'a': 1\n\"b\": 2\n", ("b",), 3, "'a': 1\n\"b\": 3\n"),
    # scalars of every kind
    ("a: 1\n", ("a",), None, "a: null\n"),
    ("a: 1\n", ("a",), True, "a: true\n"),
    ("a: 1\n", ("a",), 1.5e-7, "a: 0.00000015\n"),
    ("a: 1\n", ("a",), 1e16, "a: 10000000000000000.0\n"),
    ("a: 1\n", ("a",), 427.9, "a: 427.9\n"),
    ("a: 1\n", ("a",), {}, "a: {}\n"),
]

QUOTING: list[tuple[str, str]] = [
    ("fine-tuning", "fine-tuning"),
    ("4 x A100 SXM4 80GB", "4 x A100 SXM4 80GB"),
    ("ftdisclose 0.1.0, factor tables 2026.1 (card.yaml)", "ftdisclose 0.1.0, factor tables 2026.1 (card.yaml)"),
    ("Oregon, United States (aws us-west-2)", "Oregon, United States (aws us-west-2)"),
    ("no", '"no"'),  # YAML 1.1 reads a boolean
    ("NO", '"NO"'),
    ("on", '"on"'),
    ("1e3", '"1e3"'),  # YAML 1.2 reads a float
    ("57", '"57"'),
    ("0.057", '"0.057"'),
    ("2024-02-22", '"2024-02-22"'),  # YAML 1.1 reads a date
    ("null", '"null"'),
    ("", '""'),
    ("a: b", '"a: b"'),
    ("a #b", '"a #b"'),
    ("#x", '"#x"'),
    ("- x", '"- x"'),
    (" lead", '" lead"'),
    ("trail ", '"trail "'),
    ("two\nlines", '"two\\nlines"'),
    ('say "hi"', 'say "hi"'),  # quotes inside a plain scalar are text
    ("tab\there", '"tab\\there"'),
    ("line\u2028sep", '"line\\u2028sep"'),
    ("København", "København"),
    ("'quoted'", "\"'quoted'\""),
    ("{x}", '"{x}"'),
    ("*star", '"*star"'),
]


@pytest.mark.parametrize(("text", "path", "value", "expected"), SET_CASES)
def test_set_value(text: str, path: tuple[str, ...], value: Any, expected: str) -> None:
    assert set_value(text, path, value) == expected
    assert set_value(expected, path, value) == expected  # idempotent


@pytest.mark.parametrize(("text", "path", "value", "expected"), SET_CASES)
def test_set_value_data(text: str, path: tuple[str, ...], value: Any, expected: str) -> None:
    """The parsed result is the parsed original with exactly that key set."""
    before = yaml.safe_load(text.lstrip("\ufeff")) or {}
    after = yaml.safe_load(set_value(text, path, value).lstrip("\ufeff"))
    node = before
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    assert after == before


@pytest.mark.parametrize(("value", "rendered"), QUOTING)
def test_quoting(value: str, rendered: str) -> None:
    assert set_value("k: 1\n", ("k",), value) == f"k: {rendered}\n"
    assert yaml.safe_load(f"k: {rendered}\n") == {"k": value}
    assert loads(f"k: {rendered}\n").data == {"k": value}  # YAML 1.2 core schema too


def test_keys_are_quoted_when_needed() -> None:
    assert set_value("a: 1\n", ("yes",), 1) == 'a: 1\n"yes": 1\n'
    assert set_value("a: 1\n", ("b c",), 1) == "a: 1\nb c: 1\n"
    assert set_value("a: 1\n", ("x: y",), 1) == 'a: 1\n"x: y": 1\n'


@settings(max_examples=100, deadline=None)
@given(value=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_any_string_reads_back(value: str) -> None:
    text = set_value("# head\nk: 1  # c\nz: 2\n", ("k",), value)
    assert yaml.safe_load(text) == {"k": value, "z": 2}
    assert loads(text).data == {"k": value, "z": 2}
    assert text.startswith("# head\nk: ") and text.endswith("  # c\nz: 2\n")


@settings(max_examples=100, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False) | st.integers(min_value=-(10**30), max_value=10**30))
def test_any_number_reads_back(value: float) -> None:
    text = set_value("k: 1\n", ("k",), value)
    assert yaml.safe_load(text) == {"k": value}
    assert loads(text).data == {"k": value}


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("a: {x: 1}\n", ("a", "x"), "flow-style"),
        ("{a: 1}\n", ("a",), "flow-style"),
        ("- 1\n- 2\n", ("a",), "not a mapping"),
        ("a: [1]\n", ("a", "b"), "not a mapping"),
        ("a: 1\n", ("a", "b"), "not a mapping"),
        ("a: &x\n  p: 1\nb: *x\n", ("b", "p"), "an alias, not a mapping"),
        ("a: &x\n  p: 1\nb: *x\n", ("a",), "defines &x"),
        ("a:\n  p: &x 1\nb: *x\n", ("a",), "defines &x"),
        ("&k a: 1\n", ("a",), "anchor"),
        ("a: 1\na: 2\n", ("a",), "2 times"),
        ("a: [1\n", ("a",), "cannot be parsed"),
        ("a: 1\n---\nb: 2\n", ("a",), "more than one"),
        ("a: 1\rb: 2\n", ("a",), "line break"),
        ("a: 1\n", (), "empty path"),
    ],
)
def test_what_cannot_be_edited_exactly_is_refused(text: str, path: tuple[str, ...], message: str) -> None:
    with pytest.raises(YamlEditError, match=message):
        set_value(text, path, 1)


@pytest.mark.parametrize("value", [[[{"a": 1}]], float("nan"), {1: "x"}, object()])
def test_values_that_are_not_rendered(value: Any) -> None:
    with pytest.raises(YamlEditError):
        set_value("a: 1\n", ("a",), value)


def test_lists_render_as_flow_scalars_or_block_mappings() -> None:
    value = {"boundary": ["gpu", "cpu"], "runs": [{"name": "r1", "duration": "1 h"}, {"name": "r2"}]}
    new = set_value("a: 1  # keep\nz: 2\n", ("b",), value)
    assert new == (
        "a: 1  # keep\nz: 2\nb:\n  boundary: [gpu, cpu]\n  runs:\n    - name: r1\n      duration: 1 h\n    - name: r2\n"
    )
    assert yaml.safe_load(new)["b"] == value
    replaced = set_value("b:\n  runs: x  # c\nz: 2\n", ("b", "runs"), [{"name": "r1"}])
    assert replaced == "b:\n  runs:  # c\n    - name: r1\nz: 2\n"


REMOVE_CASES: list[tuple[str, tuple[str, ...], str]] = [
    ("a: 1\nb: 2  # two\nc: 3\n", ("b",), "a: 1\nc: 3\n"),
    ("a: 1\nb:\n  x: 1\n  y: 2\nc: 3\n", ("b",), "a: 1\nc: 3\n"),
    ("a: 1\nb:\n  x: 1\n  y: 2\nc: 3\n", ("b", "x"), "a: 1\nb:\n  y: 2\nc: 3\n"),
    # the only key of a nested mapping: the mapping stays a mapping
    ("a: 1\nb:  # note\n  x: 1\nc: 3\n", ("b", "x"), "a: 1\nb: {}  # note\nc: 3\n"),
    # the last line without a final newline
    ("a: 1\nb: 2", ("b",), "a: 1"),
    ("a: 1\r\nb: 2", ("b",), "a: 1"),
    ("a: 1\r\nb: 2\r\nc: 3\r\n", ("b",), "a: 1\r\nc: 3\r\n"),
    ("\ufeffa: 1\nb: 2\n", ("a",), "\ufeffb: 2\n"),
    # absent keys and parents: unchanged
    ("a: 1\n", ("b",), "a: 1\n"),
    ("a: 1\n", ("b", "c"), "a: 1\n"),
    ("a: 1\n", ("a", "c"), "a: 1\n"),
    ("", ("a",), ""),
]


@pytest.mark.parametrize(("text", "path", "expected"), REMOVE_CASES)
def test_remove_key(text: str, path: tuple[str, ...], expected: str) -> None:
    assert remove_key(text, path) == expected
    assert remove_key(expected, path) == expected


def test_remove_key_refuses_what_it_cannot_remove_exactly() -> None:
    with pytest.raises(YamlEditError, match="flow-style"):
        remove_key("a: {x: 1}\n", ("a", "x"))
    with pytest.raises(YamlEditError, match="defines &x"):
        remove_key("a: &x 1\nb: *x\n", ("a",))
    assert remove_key("a: {x: 1}\n", ("a", "y")) == "a: {x: 1}\n"  # absent: nothing to refuse
    assert remove_key("l:\n  - name: x\n    v: 1\n", ("l",)) == ""
    assert remove_key("- name: x\n", ("name",)) == "- name: x\n"


def test_remove_then_set_restores_an_appended_key() -> None:
    text = "# c\nlicense: mit  # l\ntags:\n  - a\n"
    added = set_value(text, ("co2_eq_emissions",), {"emissions": 1.5, "source": "x"})
    assert added == text + "co2_eq_emissions:\n  emissions: 1.5\n  source: x\n"
    assert remove_key(added, ("co2_eq_emissions",)) == text
