"""The plain-text compute table is the table rich draws, character for character.

A run without colour writes the results table itself (``output.text.table_lines``) instead of
building rich's table; these tests render the same rows both ways: every shipped example and
published disclosure, files with results that cannot be computed, and generated cells.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftdisclose.output.text as text_module
from ftdisclose.output.text import RESULT_COLUMNS, TextReporter, table_lines
from ftdisclose.output.view import report_of
from ftdisclose.pipeline import Goal, run_file, run_text

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "published").glob("*.yaml")])


def _rich(rows: list[tuple[str, str, str, str, str]]) -> str:
    out = io.StringIO()
    TextReporter(out, command="compute")._rich_table(rows)
    return out.getvalue()


def _plain(rows: list[tuple[str, str, str, str, str]]) -> str | None:
    lines = table_lines(RESULT_COLUMNS, [row[:4] for row in rows])
    return None if lines is None else "".join(f"{line}\n" for line in lines)


def _written(path_or_text: Path | str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The whole text report of one file as a plain run writes it, and as rich draws it."""
    result = run_file(path_or_text) if isinstance(path_or_text, Path) else run_text(path_or_text, goal=Goal.COMPUTE)
    report = report_of(result, with_figures=True)
    plain, rich = io.StringIO(), io.StringIO()
    TextReporter(plain, command="compute").render(report)
    with monkeypatch.context() as patch:
        patch.setattr(text_module, "table_lines", lambda *_: None)  # every table to rich
        TextReporter(rich, command="compute").render(report)
    return plain.getvalue(), rich.getvalue()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_shipped_and_published_report_reads_the_same_without_rich(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, rich = _written(path, monkeypatch)
    assert "━" in plain
    assert plain == rich


def test_results_not_computed_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'spec_version: "1.1"\nmodel: {name: m}\ninfrastructure:\n  cluster:\n    gpu: {model: NVIDIA A100 80GB}\n'
    plain, rich = _written(text, monkeypatch)
    assert "not computed" in plain
    assert plain == rich


# printable ASCII but rich's markup: rich reads a plain string cell as markup ([bold], \[) and
# emoji codes (:v: becomes a hand); the cells ftdisclose writes hold neither
_CELL = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="[]\\:"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, st.sampled_from(["", "bold", "dim"])), min_size=1, max_size=6))
def test_generated_tables_read_the_same(rows: list[tuple[str, str, str, str, str]]) -> None:
    plain = _plain(rows)
    if plain is not None:
        assert plain == _rich(rows)


def test_wide_or_unusual_text_is_left_to_rich() -> None:
    assert table_lines(RESULT_COLUMNS, [("x" * 120, "1", "", "kWh")]) is None
    assert table_lines(RESULT_COLUMNS, [("Energy", "1", "", "µg")]) is None
    assert table_lines(RESULT_COLUMNS, [("Energy", "1 ", "", "kWh")]) is None
    assert table_lines(RESULT_COLUMNS, [("Energy", "1", "", "kWh")]) is not None
