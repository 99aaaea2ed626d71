"""The command line through its real entry point: exit codes, formats, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftdisclose import __version__
from ftdisclose.findings import CATALOGUE

from .conftest import CASES, ROOT, run_cli

INVALID = CASES / "invalid"


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"ftdisclose {__version__}"


def test_no_command_is_a_usage_error() -> None:
    assert run_cli().returncode == 2
    proc = run_cli("validate")
    assert proc.returncode == 2 and "usage" in proc.stderr


def test_valid_examples_exit_0() -> None:
    proc = run_cli("validate", "examples/", "tests/cases/valid")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 invalid" in proc.stdout


def test_text_output_is_compiler_style() -> None:
    proc = run_cli("validate", str(INVALID / "ftd203-unit-dimension.yaml"))
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.endswith('FTD203 unit-dimension [error] operational.duration: "4 kg" is a mass; expected a time')
    assert first.startswith(f"{INVALID / 'ftd203-unit-dimension.yaml'}:5:13: ")
    assert proc.stdout.splitlines()[1].strip().startswith("hint:")


def test_json_output_keys() -> None:
    proc = run_cli("validate", "--format", "json", str(INVALID / "ftd204-co2e-unit.yaml"), "tests/cases/valid")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert set(doc) == {"tool_version", "files", "summary", "skipped"}
    # the valid cases that say too little to compute everything warn of it (FTD308)
    assert doc["summary"] == {"files": 6, "valid": 5, "errors": 1, "warnings": 3, "skipped": 0}
    assert doc["skipped"] == []
    first = doc["files"][0]
    assert set(first) == {"file", "valid", "spec_version", "findings"}
    (f,) = first["findings"]
    assert set(f) == {"code", "rule", "severity", "message", "hint", "file", "line", "column", "path"}
    assert (f["code"], f["line"], f["path"], f["hint"]) == ("FTD204", 5, "reported.emissions", 'write "57 gCO2e"')


def test_github_annotations() -> None:
    proc = run_cli("validate", "--format", "github", str(INVALID / "ftd201-missing-unit.yaml"))
    line = proc.stdout.splitlines()[0]
    assert line.startswith("::error file=")
    assert ",line=5,col=13,title=FTD201 missing-unit::operational.duration: 12 has no unit" in line


def test_sarif_is_2_1_0_with_rules_and_regions() -> None:
    proc = run_cli("validate", "--format", "sarif", str(INVALID / "ftd202-unknown-unit.yaml"))
    doc = json.loads(proc.stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(CATALOGUE)
    (result,) = run["results"]
    assert result["ruleId"] == "FTD202"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "FTD202"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 13}


def test_markdown_summary() -> None:
    proc = run_cli("validate", "--format", "markdown", str(INVALID / "ftd406-kg-for-g.yaml"))
    assert proc.stdout.startswith("### ftdisclose validate: failed")
    assert "| FTD406 intensity-implausible | error |" in proc.stdout


def test_strict_turns_warnings_into_failure() -> None:
    card = str(INVALID / "ftd108-card-without-disclosure.md")
    assert run_cli("validate", card).returncode == 0
    assert run_cli("validate", "--strict", card).returncode == 1


def test_missing_file_exits_2_with_a_finding(tmp_path: Path) -> None:
    proc = run_cli("validate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2
    assert "FTD516" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_folder_walk_skips_hidden_and_plain_markdown(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "bad.yaml").write_text("x: [")
    (tmp_path / "notes.md").write_text("# just notes\n")
    (tmp_path / "card.md").write_text("---\ncarbon_disclosure:\n  spec_version: '1.0'\n  model: {name: x}\n---\n")
    (tmp_path / "d.yml").write_text("spec_version: '1.0'\nmodel: {name: y}\n")
    proc = run_cli("validate", "-v", str(tmp_path))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.count(": valid") == 2


def test_garbage_never_gives_a_traceback(tmp_path: Path) -> None:
    samples = {
        "a.yaml": b"\x00\x01\x02",
        "b.json": b"[[[[",
        "c.md": b"---\n- 1\n---\n",
        "d.yaml": b"- - - -",
        "e.yaml": b"!!binary aGVsbG8=",
        "f.json": b'{"spec_version": "1.0", "model": 5}',
    }
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
    proc = run_cli("validate", *(str(tmp_path / name) for name in samples))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{len(samples)} files checked: 0 valid" in proc.stdout


def test_no_color_when_not_a_tty_and_color_always_forces_it() -> None:
    case = str(INVALID / "ftd203-unit-dimension.yaml")
    assert "\x1b[" not in run_cli("validate", case).stdout
    assert "\x1b[" in run_cli("validate", "--color", "always", case, env={"NO_COLOR": ""}).stdout


def test_schema_command_prints_the_committed_schema() -> None:
    proc = run_cli("schema")
    assert proc.returncode == 0
    assert proc.stdout == (ROOT / "schema" / "ftdisclose-1.1.schema.json").read_text()
    older = run_cli("schema", "--spec-version", "1.0")
    assert older.stdout == (ROOT / "schema" / "ftdisclose-1.0.schema.json").read_text()
    assert run_cli("schema", "--spec-version", "0.9").returncode == 2


def test_console_script_is_installed() -> None:
    import subprocess

    from .conftest import venv_tool

    exe = venv_tool("ftdisclose")
    assert exe is not None
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_jobs_give_the_same_output_in_the_same_order() -> None:
    paths = ["examples", "tests/cases/valid", "tests/cases/invalid"]
    one = run_cli("validate", "--format", "json", *paths)
    two = run_cli("validate", "--format", "json", "--jobs", "2", *paths)
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)
    one = run_cli("compute", "--format", "json", "examples")
    two = run_cli("compute", "--format", "json", "-j", "2", "examples")
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)


def test_validate_json_is_the_same_in_any_time_zone_and_locale() -> None:
    paths = ["examples", "tests/cases/invalid"]
    first = run_cli("validate", "--format", "json", *paths).stdout
    again = run_cli("validate", "--format", "json", *paths, env={"TZ": "Asia/Kathmandu", "LANG": "fr_FR.UTF-8"}).stdout
    assert first == again


def test_progress_bar_only_on_a_terminal_for_long_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from ftdisclose.cli import batch

    mp = monkeypatch
    mp.delenv("CI", raising=False)
    mp.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert batch._progress(batch.PROGRESS_FROM - 1, "x") is None
    bar = batch._progress(batch.PROGRESS_FROM, "x")
    assert bar is not None
    bar.advance()
    bar.close()
    mp.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert batch._progress(10_000, "x") is None


def test_sarif_uris_are_percent_encoded_relative_to_the_root_and_the_hint_is_apart(tmp_path: Path) -> None:
    folder = tmp_path / "a #b"
    folder.mkdir()
    (folder / "50% x.yaml").write_bytes((INVALID / "ftd203-unit-dimension.yaml").read_bytes())
    doc = json.loads(run_cli("validate", "--format", "sarif", ".", cwd=tmp_path).stdout)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    (result,) = run["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    # '#' would start a fragment and '%' an escape: both are encoded, and the path stays relative
    assert location == {"uri": "a%20%23b/50%25%20x.yaml", "uriBaseId": "%SRCROOT%"}
    assert (
        result["message"]["text"]
        == 'operational.duration: "4 kg" is a mass; expected a time\n\nHint: write e.g. "12 h"'
    )
    assert result["properties"] == {"path": "operational.duration", "hint": 'write e.g. "12 h"'}
    # a file outside the root is an absolute file: URI, never a bare absolute path
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((INVALID / "ftd203-unit-dimension.yaml").read_bytes())
    doc = json.loads(run_cli("validate", "--format", "sarif", str(outside), cwd=folder).stdout)
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.as_uri()}


def _square_unless_seven(n: int) -> int:
    if n % 7 == 0:
        raise ValueError(f"no {n}")
    return n * n


def test_a_batch_goes_to_workers_in_chunks_and_keeps_order_and_failures_per_item() -> None:
    from ftdisclose.cli import batch

    # about eight chunks a worker, at most 64 items a chunk: ceil(667 / 16) = 42; ceil(3 / 16) -> 1
    assert (batch.chunk_size(667, 2), batch.chunk_size(3, 2), batch.chunk_size(100_000, 2)) == (42, 1, 64)
    items = list(range(1, 301))
    expected = [-n if n % 7 == 0 else n * n for n in items]
    for jobs in (1, 2):
        got = list(batch.run_many(_square_unless_seven, items, jobs, "x", lambda n, exc: -n))
        assert got == expected
