"""Load stage: YAML 1.2 scalars, positions, limits and hostile input."""

from __future__ import annotations

from ftdisclose.io.loader import loads


def codes(doc: object) -> list[str]:
    return [f.code for f in doc.findings]  # type: ignore[attr-defined]


def test_yaml_12_scalars_norway_stays_norway() -> None:
    doc = loads("country: NO\nb: yes\nc: on\nd: off\ne: y\nf: true\ng: ~\n")
    assert doc.data == {"country": "NO", "b": "yes", "c": "on", "d": "off", "e": "y", "f": True, "g": None}


def test_timestamps_stay_strings_and_exponents_are_numbers() -> None:
    doc = loads("t: 2024-07-06T17:01:00Z\nd: 2024-01-20\nn: 1e3\nm: 7.24e9\no: 0o17\nx: 0x1F\nu: 1_000\n")
    assert doc.data == {
        "t": "2024-07-06T17:01:00Z",
        "d": "2024-01-20",
        "n": 1000.0,
        "m": 7.24e9,
        "o": 15,
        "x": 31,
        "u": "1_000",
    }


def test_positions_point_at_values_and_keys() -> None:
    doc = loads("a:\n  b: 12 h\n  c:\n    - x\n    - y\n")
    assert doc.locate(("a", "b")) == (2, 6)
    assert doc.locate(("a", "b"), key=True) == (2, 3)
    assert doc.locate(("a", "c", 1)) == (5, 7)
    # a path below a scalar falls back to the nearest known ancestor
    assert doc.locate(("a", "b", "value")) == (2, 6)


def test_card_positions_are_the_cards_own_lines() -> None:
    card = "---\nlicense: mit\ncarbon_disclosure:\n  spec_version: '1.0'\n  model:\n    name: x\n---\n# body\n"
    doc = loads(card, "README.md", "card")
    assert doc.data == {"spec_version": "1.0", "model": {"name": "x"}}
    assert doc.locate(("model", "name")) == (6, 11)
    assert doc.front_matter is not None and doc.front_matter["license"] == "mit"


def test_duplicate_key_is_reported_at_the_second_key() -> None:
    doc = loads("a: 1\nb: 2\na: 3\n")
    (f,) = doc.findings
    assert (f.code, f.line, f.column) == ("FTD504", 3, 1)
    assert "first at line 1" in f.message


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    prev = "a"
    for name in "bcdefghijk":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    doc = loads("\n".join(lines))
    assert doc.data is None
    assert codes(doc) == ["FTD505"]


def test_recursive_alias_is_refused() -> None:
    doc = loads("a: &a [*a]\n")
    assert codes(doc) == ["FTD505"]


def test_python_tags_are_never_constructed() -> None:
    doc = loads("a: !!python/object/apply:os.system ['echo pwned']\n")
    assert doc.data == {"a": None}
    assert codes(doc) == ["FTD508"]


def test_deep_nesting_is_bounded() -> None:
    doc = loads("a: " + "[" * 5000 + "]" * 5000)
    assert doc.data is None
    assert codes(doc) == ["FTD506"]


def test_deep_json_nesting_is_bounded() -> None:
    doc = loads('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "x.json", "json")
    assert doc.data is None
    assert codes(doc) == ["FTD506"]


def test_nesting_limit_is_exact_and_sibling_brackets_do_not_add_up() -> None:
    from ftdisclose.io.yaml12 import MAX_DEPTH, nesting_overflow

    at_limit = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert nesting_overflow(at_limit) is None
    # one more opener: the 65th "[" is at column 3 + 65 = 68 of line 1
    assert nesting_overflow("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) == (1, MAX_DEPTH + 4)
    siblings = "".join(f"k{i}: [1, {{b: 2}}]\n" for i in range(200))  # 400 openers, depth 2
    assert nesting_overflow(siblings) is None
    quoted = "a: '" + "[" * 500 + "'\n# " + "{" * 500 + "\n"  # in quotes and comments: not nesting
    assert nesting_overflow(quoted) is None


def test_invalid_utf8_has_a_position() -> None:
    doc = loads(b"a: 1\nb: caf\xe9\n")
    (f,) = doc.findings
    assert (f.code, f.line, f.column) == ("FTD502", 2, 7)


def test_bom_crlf_and_tabs() -> None:
    doc = loads(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert doc.data == {"a": 1, "b": 2}
    assert codes(doc) == ["FTD503", "FTD510"]
    doc = loads("a:\n\tb: 1\n")
    assert codes(doc) == ["FTD513"]


def test_non_string_keys() -> None:
    doc = loads("1: a\ntrue: b\n? [x]\n: c\nok: d\n")
    assert doc.data == {"ok": "d"}
    assert codes(doc) == ["FTD509", "FTD509", "FTD509"]


def test_json_constants_and_huge_numbers() -> None:
    assert codes(loads('{"a": NaN}', "x.json", "json")) == ["FTD206"]
    doc = loads('{"a": 1e400}', "x.json", "json")
    assert codes(doc) == ["FTD206"]
    assert doc.findings[0].line == 1


def test_huge_integer_in_yaml() -> None:
    doc = loads("a: " + "9" * 5000 + "\n")
    assert codes(doc) == ["FTD206"]


def test_json_duplicate_keys_are_located() -> None:
    doc = loads('{\n  "a": 1,\n  "a": 2\n}\n', "x.json", "json")
    (f,) = doc.findings
    assert (f.code, f.line) == ("FTD504", 3)


def test_syntax_errors_have_positions() -> None:
    (f,) = loads("a: [1, 2\nb: 3\n").findings
    assert f.code == "FTD501" and f.line is not None
    (f,) = loads('{"a": }', "x.json", "json").findings
    assert (f.code, f.line, f.column) == ("FTD511", 1, 7)


def test_empty_and_comment_only() -> None:
    assert loads("").data is None
    assert loads("# nothing\n").findings == []
