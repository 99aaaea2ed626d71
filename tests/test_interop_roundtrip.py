"""Round trips: disclosure -> BoAmps -> disclosure and disclosure -> DIA -> disclosure keep every field both hold.

Which fields a format holds is not listed here: it is read from the converters' own mapping data
(``crosswalk.BOAMPS`` and ``crosswalk.DIA``), so a field added to a table is round-tripped here too.
Each example, and each published-figures case when tests/published exists, is one test per format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ftdisclose.integrations import crosswalk as cw
from ftdisclose.io.loader import load
from ftdisclose.pipeline import Goal, run_document
from ftdisclose.spec import Disclosure, upgrade

from .conftest import EXAMPLES, ROOT, run_cli
from .test_interop_export import STAGED

PUBLISHED = ROOT / "tests" / "published"
# the examples run by default; the published-figures files (60) are marked slow and run by .ci/run
CASES = [pytest.param(p, id=p.stem) for p in sorted(EXAMPLES.glob("*.yaml"))] + [
    pytest.param(p, id=p.stem, marks=pytest.mark.slow)
    for p in (sorted(PUBLISHED.rglob("*.yaml")) if PUBLISHED.is_dir() else [])
    if "spec_version" in p.read_text(encoding="utf-8")
]
# fields a format holds only for some values: (format, field) -> the values it can hold
COUNTRY = ("infrastructure.location.country", "infrastructure.location.cloud_region")
PARTIAL: dict[tuple[str, str], set[str]] = {
    ("boamps", "model.method"): {"lora", "qlora"},  # BoAmps' optimizer
    ("dia", "model.method"): {"lora", "qlora"},  # DIA's relations; adapter and full are relations of the Hub's
    ("dia", "model.base_model_relation"): {"quantized", "merge"},
}
# fields a format holds only beside another (one of these): DIA's lineage relation needs the parent model,
# BoAmps' environment a country
NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("dia", "model.method"): ("model.base_model",),
    ("dia", "model.base_model_relation"): ("model.base_model",),
    ("boamps", "operational.carbon_intensity"): COUNTRY,
    ("boamps", "infrastructure.location.cloud_region"): COUNTRY,
}
# DIA's context.region holds one of these, the first the disclosure states
DIA_REGION = (
    "infrastructure.location.cloud_region",
    "infrastructure.location.grid_zone",
    "infrastructure.location.country",
)


def held(links: tuple[cw.Link, ...]) -> list[str]:
    """The disclosure fields a format holds both ways, from its crosswalk table."""
    out = []
    for link in links:
        if link.how is cw.How.NOT_HELD or link.export_only or not link.ours:
            continue
        if link.ours.startswith("results") or "[]" in link.ours or " + " in link.ours:
            continue
        out.append(link.ours)
    return list(dict.fromkeys(out))


def _disclosure(path: Path) -> Disclosure:
    result = run_document(load(path), goal=Goal.VALIDATE)
    assert result.disclosure is not None, [f.message for f in result.findings]
    return upgrade(result.disclosure)


def _same(a: Any, b: Any) -> bool:
    if hasattr(a, "to") and hasattr(a, "unit"):
        return b is not None and b.to(a.unit) == pytest.approx(a.value, rel=1e-9)
    if isinstance(a, dt.datetime):
        return isinstance(b, dt.datetime) and a == b
    if isinstance(a, float | int) and not isinstance(a, bool):
        return b == pytest.approx(a, rel=1e-9)
    return bool(a == b)


def _round_trip(path: Path, fmt: str, tmp_path: Path) -> Disclosure:
    out, back = tmp_path / "exported.json", tmp_path / "back.yaml"
    extra = ("--task-family", "text generation", "--data-type", "text") if fmt == "boamps" else ()
    ran = run_cli("export", str(path), "--to", fmt, "-o", str(out), *extra, env={"SOURCE_DATE_EPOCH": "0"})
    assert ran.returncode in (0, 1), ran.stderr
    ran = run_cli("import", fmt, str(out), "-o", str(back), "--model-name", "same")
    assert ran.returncode in (0, 1), ran.stderr
    return _disclosure(back)


def _fields(fmt: str, before: Disclosure) -> list[str]:
    fields = held(cw.BOAMPS if fmt == "boamps" else cw.DIA)
    if fmt == "dia":
        stated = [f for f in DIA_REGION if cw.disclosed(before, f) is not None]
        fields = [f for f in fields if f not in DIA_REGION] + stated[:1]
    return fields


@pytest.mark.parametrize("fmt", ["boamps", "dia"])
@pytest.mark.parametrize("case", CASES)
def test_round_trip_keeps_what_both_hold(case: Path, fmt: str, tmp_path: Path) -> None:
    before = _disclosure(case)
    after = _round_trip(case, fmt, tmp_path)
    lost = []
    for field in _fields(fmt, before):
        value = cw.disclosed(before, field)
        if value is None or field == "model.name":  # the name is passed back with --model-name
            continue
        if (fmt, field) in PARTIAL and value not in PARTIAL[fmt, field]:
            continue
        if (fmt, field) in NEEDS and all(cw.disclosed(before, other) is None for other in NEEDS[fmt, field]):
            continue
        if not _same(value, cw.disclosed(after, field)):
            lost.append(f"{field}: {value!r} -> {cw.disclosed(after, field)!r}")
    assert lost == []


def test_round_trip_of_a_disclosure_with_every_held_field(tmp_path: Path) -> None:
    """STAGED holds tokens, start with an offset, utilisation, CPU sockets, memory, instance and region."""
    path = tmp_path / "staged.yaml"
    path.write_text(STAGED.replace("model:\n", "model:\n  published: 2024-08-01\n"), encoding="utf-8")
    before = _disclosure(path)
    for fmt in ("boamps", "dia"):
        after = _round_trip(path, fmt, tmp_path)
        for field in _fields(fmt, before):
            value = cw.disclosed(before, field)
            if (
                value is not None
                and field != "model.name"
                and ((fmt, field) not in PARTIAL or value in PARTIAL[fmt, field])
            ):
                assert _same(value, cw.disclosed(after, field)), (fmt, field)
    # BoAmps held the name too (algorithmName), when no --model-name overrides it
    out = tmp_path / "b.json"
    assert run_cli("export", str(path), "--to", "boamps", "-o", str(out), "--task-family", "x").returncode == 0
    ran = run_cli("import", "boamps", str(out))
    assert "name: demo-lora" in ran.stdout and "FTD533" not in ran.stderr


def test_model_name_from_the_model_name_link() -> None:
    # the crosswalk says BoAmps holds model.name as algorithmName: the import reads it through the same link
    assert any(link.ours == "model.name" and link.theirs == "task.algorithms.0.algorithmName" for link in cw.BOAMPS)


def test_crosswalk_page_is_generated_from_the_tables() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    page = generate.crosswalk_page()
    for links in (cw.BOAMPS, cw.DIA, cw.HUB):
        for link in links:
            if link.theirs:
                assert f"`{link.theirs}`" in page
    for item in cw.EU_FORM:
        assert item.item in page
    assert "Generated page" in page
