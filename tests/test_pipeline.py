"""One forward pipeline (issue 12): validate and compute share it and agree; batches give the same findings
per file in any order and with any number of processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftdisclose.pipeline import COMPUTE_ONLY, Goal, run_file

from .conftest import CASES, EXAMPLES, run_cli

FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted((CASES / "valid").iterdir()) + sorted((CASES / "invalid").iterdir())


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix in (".yaml", ".json", ".md")], ids=lambda p: p.name)
def test_validate_and_compute_report_the_same_findings(path: Path) -> None:
    checked = run_file(path, goal=Goal.VALIDATE)
    computed = run_file(path, goal=Goal.COMPUTE)
    assert [f for f in checked.findings if f.code not in COMPUTE_ONLY] == [
        f for f in computed.findings if f.code not in COMPUTE_ONLY
    ]
    assert checked.valid == computed.valid


def _overlay(folder: Path) -> Path:
    overlay = folder / "overlay"
    overlay.mkdir()
    (overlay / "datacenter_efficiency.csv").write_text(
        "scope,provider,region,location,year,pue_low,pue,pue_high,wue_low,wue,wue_high,source\n"
        "default,,,,,1.05,1.07,1.09,0.1,0.2,0.3,my-meter\n"
    )
    (overlay / "sources.csv").write_text(
        "id,title,publisher,url,retrieved,license,attribution\n"
        "my-meter,Our meters,Us,https://example.org,2025-01-01,LicenseRef-private,ours\n"
    )
    return overlay


def test_findings_do_not_depend_on_file_order_or_jobs(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    # a uses the overlaid default PUE (an unknown datacenter), b discloses its own
    a.write_text('spec_version: "1.1"\nmodel: {name: a}\noperational: {duration: 2 h}\n')
    b.write_text(
        'spec_version: "1.1"\nmodel: {name: b}\ninfrastructure: {datacenter: {pue: 1.2}}\n'
        + "operational: {duration: 2 h}\n"
    )

    def findings(*args: str) -> dict[str, list[str]]:
        ran = run_cli("validate", "--format", "json", "--factors-overlay", str(overlay), *args)
        doc = json.loads(ran.stdout)
        return {Path(f["file"]).name: sorted(x["code"] for x in f["findings"]) for f in doc["files"]}

    first = findings(str(a), str(b))
    assert first == findings(str(b), str(a))
    assert first == findings("-j", "2", str(a), str(b)) == findings("-j", "2", str(b), str(a))
    assert "FTD307" in first["a.yaml"] and "FTD307" not in first["b.yaml"]  # only the file that used the row


def test_an_absent_block_reads_as_the_validated_empty_block() -> None:
    # resolve.blocks makes absent blocks with model_construct (no validator is built for them):
    # each must equal the block pydantic validates from nothing, field by field
    from ftdisclose.spec import v1_1

    for cls in (
        v1_1.Infrastructure,
        v1_1.Cluster,
        v1_1.Location,
        v1_1.Datacenter,
        v1_1.Gpu,
        v1_1.Cpu,
        v1_1.Operational,
        v1_1.Usage,
    ):
        made, validated = cls.model_construct(), cls.model_validate({})
        assert made == validated, cls.__name__
        assert made.model_dump() == validated.model_dump() and made.model_fields_set == validated.model_fields_set
