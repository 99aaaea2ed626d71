"""Did-you-mean for choices, countries and time zones, and the messages for naive and near-miss times."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftdisclose.spec import suggest

from .conftest import CASES, run_cli

METHODS = ["full", "lora", "qlora", "adapter", "prompt-tuning", "other"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("QLoRA", "qlora"), ("LoRA", "lora"), ("prompt tuning", "prompt-tuning"), ("ful", "full"), ("xyz", None)],
)
def test_choices(value: str, expected: str | None) -> None:
    assert suggest.choice(value, METHODS) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Germany", "DE"), ("DEU", "DE"), ("germnay", "DE"), ("Norway", "NO"), ("United States", "US"), ("Narnia", None)],
)
def test_countries(value: str, expected: str | None) -> None:
    assert suggest.country(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("europe/berlin", "Europe/Berlin"), ("Mars", None)],
)
def test_time_zones(value: str, expected: str | None) -> None:
    assert suggest.time_zone(value) == expected


def _validate(tmp_path: Path, body: str) -> str:
    (tmp_path / "d.yaml").write_text(f'spec_version: "1.1"\nmodel: {{name: m}}\n{body}')
    return run_cli("validate", str(tmp_path / "d.yaml")).stdout


def test_the_hints_say_it(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text('spec_version: "1.1"\nmodel: {name: m, method: QLoRA}\n')
    assert "hint: did you mean 'qlora'?" in run_cli("validate", str(tmp_path / "m.yaml")).stdout
    out = _validate(tmp_path, "infrastructure: {location: {country: Germany}}\n")
    assert 'hint: did you mean "DE"?' in out


@pytest.mark.parametrize(
    ("start", "code", "hint"),
    [
        ("2024-07-06 17:01:00", "FTD110", "write 2024-07-06T17:01:00Z for UTC"),  # YAML's usual form: no zone
        ("2024-07-06T17:01Z", "FTD109", "write 2024-07-06T17:01:00Z"),
        ("2024-07-06T17:01:00+0200", "FTD109", "write 2024-07-06T17:01:00+02:00"),
    ],
)
def test_naive_and_near_miss_times(tmp_path: Path, start: str, code: str, hint: str) -> None:
    out = _validate(tmp_path, f"operational: {{start: {start}, duration: 1 h}}\n")
    assert code in out and hint in out, out
    if code == "FTD110":
        assert "has no time zone" in out and "ISO 8601" not in out


def test_import_suggests_the_time_zone() -> None:
    proc = run_cli("import", "codecarbon", str(CASES / "codecarbon" / "v2.3-pue-aws-a100.csv"), "--timezone", "Berlin")
    assert proc.returncode == 2 and "did you mean Europe/Berlin?" in proc.stderr
