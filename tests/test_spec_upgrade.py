"""A 1.0 disclosure carried into the 1.1 model equals the one validation makes from it.

``spec.upgrade`` carries a validated 1.0 disclosure into the 1.1 classes without validating
again (``v1_1.carry_1_0``). The oracle is the plain-data path the converters define: dump the
1.0 model, convert with ``from_1_0``, validate as 1.1. Both are read from every 1.0 file the
project ships or tests with, and from generated 1.0 disclosures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.io.loader import load, loads
from ftdisclose.spec import Disclosure, migrate, upgrade, v1_0
from ftdisclose.spec.validate import validate_document

ROOT = Path(__file__).resolve().parent.parent


def _validated_1_0() -> list[tuple[str, v1_0.Disclosure]]:
    out = []
    for folder in ("examples", "tests"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json", ".md") or not path.is_file():
                continue
            checked = validate_document(load(path))
            model = checked.disclosure
            if isinstance(model, v1_0.Disclosure) and not isinstance(model, Disclosure):
                out.append((str(path.relative_to(ROOT)), model))
    return out


CASES = _validated_1_0()


def _oracle(model: v1_0.Disclosure) -> Disclosure:
    return Disclosure.model_validate(migrate(model.model_dump(exclude_none=True)))


def test_there_are_many_1_0_files_with_every_block() -> None:
    assert len(CASES) >= 30
    every = ("infrastructure", "operational", "usage", "reported")
    assert {name for _, m in CASES for name in every if getattr(m, name)} == set(every)


@pytest.mark.parametrize(("name", "model"), CASES, ids=[n for n, _ in CASES])
def test_carrying_equals_validating_again(name: str, model: v1_0.Disclosure) -> None:
    carried, validated = upgrade(model), _oracle(model)
    assert type(carried) is Disclosure and carried.spec_version == "1.1"
    assert carried == validated
    assert carried.model_dump(mode="json") == validated.model_dump(mode="json")


@settings(max_examples=100, deadline=None)
@given(
    duration=st.sampled_from(["2 h", "90 min", "0.5 d"]),
    gpus=st.integers(1, 64),
    utilisation=st.integers(1, 100),
    runs=st.lists(st.sampled_from(["1 h", "30 min", "2 h"]), max_size=3),
    energy=st.none() | st.sampled_from(["1.2 kWh", "300 Wh"]),
)
def test_carrying_equals_validating_again_on_generated_files(
    duration: str, gpus: int, utilisation: int, runs: list[str], energy: str | None
) -> None:
    run_lines = "".join(f"    - {{name: r{i}, duration: {d}}}\n" for i, d in enumerate(runs))
    text = (
        'spec_version: "1.0"\nmodel: {name: m, base_model: Llama 2}\n'
        f"infrastructure:\n  cluster:\n    gpu: {{model: NVIDIA A100 80GB, count: {gpus}}}\n"
        f"operational:\n  duration: {duration}\n  gpu_utilization: {utilisation}%\n"
        + (f"  energy: {energy}\n" if energy else "")
        + ("  runs:\n" + run_lines if runs else "")
    )
    checked = validate_document(loads(text, "<generated>", "yaml"))
    model = checked.disclosure
    if not isinstance(model, v1_0.Disclosure) or isinstance(model, Disclosure):
        return  # a combination the spec refuses: nothing to carry
    assert upgrade(model) == _oracle(model)
