"""libyaml's own composer and the bounded one give the same nodes wherever libyaml is used.

``yaml12.compose`` hands a text that cannot reach a limit to libyaml's composer (twice as
fast) and any other text to the bounded composer. These tests read the same texts both ways:
every YAML file and model card the repository ships or tests with, the hostile corpus, and
generated texts built from YAML's structural characters. Where ``compose`` chose libyaml the
two node graphs must be equal (tags, values, styles, start and end marks) or fail with the
same error (a text libyaml cannot compose is composed again by the bounded composer); and
every text libyaml would be given must stay within the depth limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.io.limits import Limits
from ftdisclose.io.yaml12 import MAX_DEPTH, compose, compose_bounded, libyaml_composes, nesting_overflow
from tests.hostile_corpus import CORPUS

ROOT = Path(__file__).resolve().parent.parent


def _front(text: str) -> str:
    """A model card's front matter (the whole text for a YAML file)."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        return text[4 : end + 1] if end > 0 else text
    return text


def _texts() -> list[tuple[str, str]]:
    out = []
    for folder in ("examples", "tests", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml", ".md") and path.is_file():
                try:
                    out.append((str(path.relative_to(ROOT)), _front(path.read_text(encoding="utf-8"))))
                except UnicodeDecodeError:
                    continue
    for case in CORPUS:
        if case.name.endswith((".yaml", ".yml", ".md")):
            out.append((f"hostile:{case.name}", _front(case.data.decode("utf-8", errors="replace"))))
    return out


TEXTS = _texts()


def _shape(node: yaml.Node | None, seen: dict[int, int] | None = None) -> object:
    """Everything of a node graph the builder reads, as plain data; a node met again (an alias)
    is written as a reference to its first appearance, so alias bombs and cycles stay small."""
    if node is None:
        return None
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("ref", seen[id(node)])
    seen[id(node)] = len(seen)
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, node.flow_style, marks, [_shape(n, seen) for n in node.value])
    return ("map", node.tag, node.flow_style, marks, [(_shape(k, seen), _shape(v, seen)) for k, v in node.value])


def _outcome(fn: object, text: str) -> object:
    try:
        return _shape(fn(text, Limits()))  # type: ignore[operator]
    except yaml.MarkedYAMLError as exc:
        # what a finding quotes: the problem, where it is, and the context's words (not its mark)
        mark = exc.problem_mark
        return ("error", type(exc).__name__, exc.context, exc.problem, mark and (mark.line, mark.column))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))


def _deepest(node: yaml.Node | None) -> int:
    if node is None:
        return 0
    stack, deepest = [(node, 1)], 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, yaml.SequenceNode):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.value)
        elif isinstance(item, yaml.MappingNode):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for pair in item.value for child in pair)
    return deepest


def test_the_corpus_is_large_and_mostly_read_by_libyaml() -> None:
    chosen = [name for name, text in TEXTS if libyaml_composes(text, Limits())]
    assert len(TEXTS) > 100
    assert len(chosen) > len(TEXTS) // 2  # the fast path is the common one


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[name for name, _ in TEXTS])
def test_both_composers_agree_on_every_shipped_and_hostile_text(name: str, text: str) -> None:
    if not libyaml_composes(text, Limits()):
        pytest.skip("read by the bounded composer only")
    assert _outcome(compose, text) == _outcome(compose_bounded, text)


# Texts from YAML's structural pieces: indentation, indicators, brackets, keys, scalars, comments.
_PIECES = st.sampled_from(
    [
        "\n",
        "  ",
        "    ",
        "- ",
        "? ",
        ": ",
        "a",
        "b: ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "1",
        "1e3",
        "'q'",
        '"d"',
        "# c",
        "~",
        "true",
        "NO",
        "!!str ",
        "!t ",
        "|\n  x",
        ">\n  y",
        "---\n",
        "...\n",
        "\t",
        "x-k: ",
        "%YAML 1.2\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_both_composers_agree_on_generated_texts(text: str) -> None:
    if libyaml_composes(text, Limits()):
        assert _outcome(compose, text) == _outcome(compose_bounded, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["- ", "? ", ": ", "  ", "a:", "\n", "[", "{", "b"]), max_size=80).map("".join))
def test_libyaml_is_never_given_a_text_deeper_than_the_limit(text: str) -> None:
    if not libyaml_composes(text, Limits()) or nesting_overflow(text) is not None:
        return
    try:
        node = compose_bounded(text, Limits())
    except yaml.YAMLError:
        return
    assert _deepest(node) <= MAX_DEPTH


def test_small_limits_and_deep_texts_take_the_bounded_composer() -> None:
    text = "a: [1, 2, 3]\n"
    assert libyaml_composes(text, Limits())
    assert not libyaml_composes(text, Limits(max_values=len(text) * 3))
    assert not libyaml_composes("a: " + "[" * 40 + "]" * 40 + "\n", Limits())
    deep = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(40))
    assert not libyaml_composes(deep, Limits())
