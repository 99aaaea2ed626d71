"""-q quiets every command that takes it, and every format counts the same things the same way."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ftdisclose.integrations.card import render_section
from ftdisclose.output.view import defaulted_inputs
from ftdisclose.pipeline import run_file

from .conftest import CASES, EXAMPLES, run_cli

MUNIN = str(EXAMPLES / "munin-7b-lora.yaml")
WARNS = str(CASES / "invalid" / "ftd108-card-without-disclosure.md")


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", WARNS, MUNIN],
        ["compute", MUNIN, WARNS],
        ["explain", MUNIN],
        ["fill", MUNIN],
        ["import", "codecarbon", str(CASES / "codecarbon" / "v2.3-pue-aws-a100.csv")],
    ],
    ids=lambda a: a[0],
)
def test_quiet_says_less_and_never_a_warning(argv: list[str]) -> None:
    loud = run_cli(*argv)
    words = 2 if argv[0] == "import" else 1
    quiet = run_cli(*argv[:words], "-q", *argv[words:])
    assert quiet.returncode == loud.returncode
    assert len(quiet.stdout + quiet.stderr) <= len(loud.stdout + loud.stderr)
    assert "[warning]" not in quiet.stdout + quiet.stderr
    if "[warning]" in loud.stdout + loud.stderr:
        assert len(quiet.stdout + quiet.stderr) < len(loud.stdout + loud.stderr)


def test_quiet_card_writes_silently(tmp_path: Path) -> None:
    shutil.copy(MUNIN, tmp_path / "d.yaml")
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    proc = run_cli("card", "-q", "d.yaml", "--card", "README.md", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "" and "ftdisclose:start" in (tmp_path / "README.md").read_text()
    proc = run_cli("card", "-q", "--check", "d.yaml", "--card", "README.md", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""


def test_the_defaulted_count_is_the_same_in_every_format() -> None:
    result = run_file(MUNIN)
    assert result.computation is not None
    n = len(defaulted_inputs(result.computation.inputs, result.computation.used))
    text = run_cli("compute", MUNIN).stdout
    markdown = run_cli("compute", "--format", "markdown", MUNIN).stdout
    html = run_cli("compute", "--format", "html", MUNIN).stdout
    card = render_section(result.computation, disclosure_file="d.yaml")
    assert f"Defaulted inputs ({n};" in text
    assert text.count("\n  infrastructure.") + text.count("\n  operational.") + text.count("\n  model.") >= n
    for shown in (markdown, html, card):
        assert f"{n} inputs were filled from defaults" in shown


def test_validate_counts_agree_across_formats(tmp_path: Path) -> None:
    shutil.copy(CASES / "invalid" / "ftd203-unit-dimension.yaml", tmp_path / "bad.yaml")
    shutil.copy(WARNS, tmp_path / "card.md")
    shutil.copy(MUNIN, tmp_path / "good.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    summary = json.loads(run_cli("validate", "--format", "json", ".", cwd=tmp_path).stdout)["summary"]
    line = (
        f"{summary['files']} files checked: {summary['valid']} valid, {summary['files'] - summary['valid']} invalid "
        f"({summary['errors']} error, {summary['warnings']} warning"
    )
    assert (summary["files"], summary["skipped"]) == (3, 1)
    for fmt in ("text", "github", "markdown"):
        out = run_cli("validate", "--format", fmt, ".", cwd=tmp_path).stdout
        assert re.sub(r"s\b", "", line) in re.sub(r"s\b", "", out), (fmt, out)
        assert "; 1 skipped" in out
    sarif = json.loads(run_cli("validate", "--format", "sarif", ".", cwd=tmp_path).stdout)
    levels = [r["level"] for r in sarif["runs"][0]["results"]]
    assert (levels.count("error"), levels.count("warning")) == (summary["errors"], summary["warnings"])


def test_compute_prints_findings_as_validate_does() -> None:
    validate = run_cli("validate", WARNS).stdout.splitlines()
    compute = run_cli("compute", WARNS).stdout.splitlines()
    finding = next(line for line in validate if "[warning]" in line)
    assert finding in compute  # the same line: location, code, rule, severity, message
    hint = validate[validate.index(finding) + 1]
    assert hint.strip().startswith("hint:") and hint in compute


def test_factors_show_prints_units_in_brackets_as_text() -> None:
    out = run_cli("factors", "show", "accelerators").stdout
    assert "tdp [W]" in out and "embodied [kgCO2e]" in out
