"""Writing co2_eq_emissions and the "Environmental impact" section into model cards.

A written card differs from the original only in the co2_eq_emissions block and the
section between the markers; writing twice changes nothing more. The small cards below
are checked against bytes worked out by hand; every fixture card (tests/cases/cards_write
and the Hub cards of tests/cases/cards) is checked by stripping the co2 block (by its
lines) and the section from both versions, which must then be equal.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from ftdisclose import factors
from ftdisclose._version import __version__
from ftdisclose.engine.compute import Computation, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.span import Span
from ftdisclose.findings import Severity
from ftdisclose.integrations.card import (
    END_MARKER,
    START_MARKER,
    CardError,
    emissions_grams,
    hardware_label,
    hub_block,
    location_label,
    render_section,
    write_card,
)
from ftdisclose.integrations.hub import HUB_KEY, check_hub_block, hub_emissions_grams
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import run_file
from ftdisclose.resolve import Input, Resolution
from ftdisclose.spec.inputs import Name, Origin

from .conftest import CASES, EXAMPLES

WRITE = CASES / "cards_write"
BOM = b"\xef\xbb\xbf"
# every card that can be written (a front matter closed with '...' is refused: the Hub would not read it)
ALL_CARDS = sorted(WRITE.glob("*.md")) + sorted(
    p for p in (CASES / "cards").glob("*.md") if p.name != "closed-with-dots.md"
)


# --- computations -----------------------------------------------------------------------


def synthetic(*, per_inference: bool = False) -> Computation:
    """A computation with round numbers, so that the expected cards can be written by hand."""
    inputs = {
        Name.COUNTRY: Input("DK", None, Origin.DISCLOSED, "disclosed"),
        Name.GPU_MODEL: Input("nvidia-rtx-a4000", None, Origin.DISCLOSED, "disclosed"),
        Name.GPU_COUNT: Input(1.0, None, Origin.DISCLOSED, "disclosed"),
        Name.PUE: Input(1.56, "1", Origin.DEFAULT, "a default"),
    }
    results = {
        Result.ENERGY_IT: Measure.of(0.694, "kWh"),
        Result.EMISSIONS_OPERATIONAL: Measure(Span(0.05, 0.0573, 0.07), "kgCO2e"),
        Result.EMISSIONS_TOTAL: Measure(Span(0.1, 0.2, 0.4), "kgCO2e"),
    }
    if per_inference:
        results[Result.PER_INFERENCE_EMISSIONS] = Measure(Span(0.0012, 0.0015, 0.002), "gCO2e")
    resolution = Resolution(factors.load("2026.1"), inputs)
    return Computation(resolution, results, used=frozenset({Name.PUE}))


def with_operational(computation: Computation, operational: Measure) -> Computation:
    return dataclasses.replace(computation, results={**computation.results, Result.EMISSIONS_OPERATIONAL: operational})


@pytest.fixture(scope="module")
def munin() -> Computation:
    """A real computation: the card with munin-7b-lora's disclosure under carbon_disclosure."""
    result = run_file(WRITE / "with-disclosure.md")
    assert result.computation is not None, [f.message for f in result.findings]
    return result.computation


@pytest.fixture(scope="module")
def refresh() -> Computation:
    """A real computation with the amortised per-inference view."""
    result = run_file(EXAMPLES / "scope3-daily-refresh.yaml")
    assert result.computation is not None
    return result.computation


def labels(computation: Computation) -> dict[str, str | None]:
    tables = computation.resolution.factors
    return {
        "hardware": hardware_label(computation.inputs, tables),
        "location": location_label(computation.inputs, tables),
    }


# --- bytes worked out by hand -----------------------------------------------------------


def section(nl: str = "\n", *, per_inference: bool = False) -> str:
    lines = [
        START_MARKER,
        "## Environmental impact",
        "",
        "Footprint of the fine-tuning run: central values, with the range the inputs allow.",
        "",
        "| result | value | range (low - high) | unit |",
        "|---|---:|---:|---|",
        # scaled to the value, three figures where the range is narrower than 2x (output/numbers.py)
        "| Energy, IT equipment | 694 | - | Wh |",
        "| Emissions, operational | 57.3 | 50 - 70 | gCO2e |",
        "| Emissions, total | **200** | 100 - 400 | gCO2e |",  # a 4x range: two figures
    ]
    if per_inference:
        lines += [
            "",
            "Amortised per inference, a separate view: the fine-tune's footprint spread over the declared use, "
            "not part of the totals above nor of an inference's own footprint.",
            "",
            "| result | value | range (low - high) | unit |",
            "|---|---:|---:|---|",
            "| Per inference, emissions (amortised) | 1.5 | 1.2 - 2 | mgCO2e |",
        ]
    lines += [
        "",
        f"Computed by ftdisclose {__version__} with factor tables 2026.1 from the carbon disclosure in "
        "`munin.yaml`; 1 input was filled from defaults. The card's `co2_eq_emissions` holds the operational, "
        "location-based emissions of the fine-tuning in grams, as the Hub's other cards report them; the total "
        "above adds the embodied emissions of the hardware.",
        "",
        END_MARKER,
    ]
    return nl.join(lines)


def co2(nl: str = "\n", indent: str = "  ") -> str:
    lines = [
        "co2_eq_emissions:",
        f"{indent}emissions: 57.3",
        f"{indent}source: ftdisclose {__version__}, factor tables 2026.1 (munin.yaml)",
        f"{indent}training_type: fine-tuning",
        f"{indent}geographical_location: Denmark",
        f"{indent}hardware_used: 1 x RTX A4000",
    ]
    return nl.join(lines) + nl


def write_synthetic(card: bytes, *, per_inference: bool = False) -> bytes:
    computation = synthetic(per_inference=per_inference)
    return write_card(card, computation, disclosure_file="munin.yaml", **labels(computation))


HAND: list[tuple[str, str]] = [
    (
        "crlf.md",
        "---\r\nlicense: mit\r\n# Hub figure, grams\r\n" + co2("\r\n") + "library_name: peft\r\n---\r\n\r\n"
        "# crlf card\r\n\r\nWritten on Windows.\r\n\r\n" + section("\r\n") + "\r\n",
    ),
    ("no-body-no-newline.md", "---\nlicense: mit\n" + co2() + "---\n" + section()),
    ("no-body.md", "---\nlicense: mit\nlanguage: en\n" + co2() + "---\n" + section() + "\n"),
    (
        "no-final-newline.md",
        "---\nlicense: mit\n" + co2() + "---\n\n# no final newline\n\nThe last line has no newline.\n\n" + section(),
    ),
    (
        "no-front-matter.md",
        "---\n" + co2() + "---\n# A card without front matter\n\nJust Markdown.\n\n" + section() + "\n",
    ),
    (
        "empty-front-matter.md",
        "---\n" + co2() + "---\nBody of a card whose front matter is empty.\n\n" + section() + "\n",
    ),
    (
        "co2-string-unit.md",
        "---\nlicense: mit\n" + co2() + "---\nBody with a unit-glued figure.\n\n" + section() + "\n",
    ),
    ("co2-last-key.md", "---\nlicense: mit\n" + co2() + "---\nBody.\n\n\n" + section() + "\n"),
    (
        "co2-flow.md",
        "---\nlicense: mit\n"
        + co2().replace(":\n", ":  # flow style\n", 1)
        + "language: [da, en]\n---\nBody.\n\n"
        + section()
        + "\n",
    ),
    (
        "bom.md",
        "\ufeff---\nlicense: 'cc-by-4.0'\n" + co2() + "---\n# BOM card\n\nSaved by an editor that writes a "
        "byte-order mark.\n\n" + section() + "\n",
    ),
    (
        "section-existing.md",
        "---\nlicense: mit\n"
        + co2()
        + "---\n\n# With an old section\n\nIntro text.\n\n"
        + section()
        + "\n\n## Limitations\n\nText after the section stays.\n",
    ),
    (
        "four-space.md",
        (WRITE / "four-space.md")
        .read_text(encoding="utf-8")
        .replace('co2_eq_emissions:\n    emissions: 0.12\n    hardware_used: "1 x T4"\n', co2(indent="    "))
        + "\n"
        + section()
        + "\n",
    ),
]


@pytest.mark.parametrize(("name", "expected"), HAND, ids=[h[0] for h in HAND])
def test_written_card_is_exactly_as_worked_out(name: str, expected: str) -> None:
    old = (WRITE / name).read_bytes()
    new = write_synthetic(old)
    assert new == expected.encode("utf-8")
    assert write_synthetic(new) == new


def test_an_empty_card_gets_front_matter_and_a_section() -> None:
    assert write_synthetic(b"") == ("---\n" + co2() + "---\n" + section() + "\n").encode()


def test_comments_and_quoting_of_other_keys_stay(munin: Computation) -> None:
    old = (WRITE / "comments-odd-order.md").read_text(encoding="utf-8")
    new = write_synthetic(old.encode()).decode()
    front = new.split("---\n")[1]
    assert front == (
        "# Front matter kept in a deliberate order: tags first.\n"
        "tags:\n"
        "  - text-generation   # the pipeline\n"
        "  - 'peft'\n"
        + co2().replace(":\n", ":   # written by an older script\n", 1)
        + "  # trailing note inside the block\n"
        "license: 'apache-2.0'\n"
        "model-index:\n"
        "  - name: 'my-model'\n"
        "    results: []\n"
        "# a comment at the end of the front matter\n"
    )


def test_the_per_inference_view_is_a_separate_table() -> None:
    new = write_synthetic(b"---\nlicense: mit\n---\n", per_inference=True)
    assert new == ("---\nlicense: mit\n" + co2() + "---\n" + section(per_inference=True) + "\n").encode()


def test_per_inference_from_a_real_computation(refresh: Computation, munin: Computation) -> None:
    text = render_section(refresh, disclosure_file="d.yaml")
    assert "Amortised per inference, a separate view" in text
    assert "| Per inference, emissions (amortised) |" in text and "gCO2e" in text
    assert "per inference" not in render_section(munin, disclosure_file="d.yaml").lower()


# --- every fixture card: only the co2 block and the section change ----------------------


def split_front(text: str) -> tuple[str, str]:
    """(front matter with its --- lines, body); ("", text) when there is none."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return "", text
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip("\r\n").rstrip() in ("---", "..."):
            return "".join(lines[: i + 1]), "".join(lines[i + 1 :])
    raise AssertionError("unclosed front matter")


def without_co2(front: str) -> str:
    """The front matter without the co2_eq_emissions line and the lines after it that belong to it:
    indented, blank, or items of a sequence written without indentation ("- ...")."""
    out: list[str] = []
    skipping = False
    for line in front.splitlines(keepends=True):
        if skipping and (line[:1] in (" ", "\t") or not line.strip() or line.startswith("- ") or line.rstrip() == "-"):
            continue
        skipping = line.startswith(f"{HUB_KEY}:")
        if not skipping:
            out.append(line)
    return "".join(out)


def assert_limited(old_bytes: bytes, new_bytes: bytes) -> None:
    """``new`` is ``old`` with only the co2 block and the section changed."""
    assert new_bytes.startswith(BOM) == old_bytes.startswith(BOM)
    old = old_bytes.removeprefix(BOM).decode("utf-8")
    new = new_bytes.removeprefix(BOM).decode("utf-8")
    nl = "\r\n" if "\r\n" in old else "\n"
    old_front, old_body = split_front(old)
    new_front, new_body = split_front(new)
    assert new_front, "the written card has front matter"
    kept_front = without_co2(old_front) if old_front else f"---{nl}---{nl}"
    assert new_body.count(START_MARKER) == new_body.count(END_MARKER) == 1
    start, end = new_body.index(START_MARKER), new_body.index(END_MARKER) + len(END_MARKER)
    new_before, new_after = without_co2(new_front) + new_body[:start], new_body[end:]
    if START_MARKER in old_body:
        o_start, o_end = old_body.index(START_MARKER), old_body.index(END_MARKER) + len(END_MARKER)
        assert new_before == kept_front + old_body[:o_start]
        assert new_after == old_body[o_end:]
        return
    old_before = kept_front + old_body
    if not old_front.endswith("\n") and old_front:  # the closing --- was the last line
        old_before += nl
        assert old_body == ""
        added, after = "", ""
    elif old_body == "":
        added, after = "", nl
    elif not old_body.endswith("\n"):
        added, after = nl + nl, ""
    elif not old_body.splitlines()[-1].strip():
        added, after = "", nl
    else:
        added, after = nl, nl
    assert new_before == old_before + added
    assert new_after == after


@pytest.mark.parametrize("path", ALL_CARDS, ids=[f"{p.parent.name}/{p.name}" for p in ALL_CARDS])
@pytest.mark.parametrize("which", ["munin", "refresh"])
def test_only_the_co2_block_and_the_section_change(path: Path, which: str, request: pytest.FixtureRequest) -> None:
    computation: Computation = request.getfixturevalue(which)
    old = path.read_bytes()
    kw = labels(computation)
    new = write_card(old, computation, disclosure_file="README.md", **kw)
    assert_limited(old, new)
    assert write_card(new, computation, disclosure_file="README.md", **kw) == new  # idempotent
    doc = loads(new, path.name, kind="card")
    assert not [f for f in doc.findings if f.severity is Severity.ERROR], [f.message for f in doc.findings]
    assert doc.front_matter is not None
    assert doc.front_matter[HUB_KEY] == hub_block(computation, disclosure_file="README.md", **kw)
    assert hub_emissions_grams(doc) == emissions_grams(computation)
    hub = [f.code for f in check_hub_block(doc)]
    assert hub == ([] if doc.data is not None else ["FTD108"])  # FTD108: no carbon_disclosure beside it
    # what was there before, other than the Hub block, reads the same
    before = loads(old, path.name, kind="card").front_matter or {}
    assert {k: v for k, v in doc.front_matter.items() if k != HUB_KEY} == {
        k: v for k, v in before.items() if k != HUB_KEY
    }


def test_a_new_computation_replaces_the_old_one_in_place(munin: Computation, refresh: Computation) -> None:
    for path in ALL_CARDS:
        old = path.read_bytes()
        once = write_card(old, munin, disclosure_file="a.yaml", **labels(munin))
        again = write_card(once, refresh, disclosure_file="b.yaml", **labels(refresh))
        assert again == write_card(old, refresh, disclosure_file="b.yaml", **labels(refresh)), path.name


def test_the_card_cross_checks_after_writing(munin: Computation, tmp_path: Path) -> None:
    """The card's own disclosure recomputes to the figure written; no FTD409 disagreement."""
    card = tmp_path / "README.md"
    shutil.copyfile(WRITE / "with-disclosure.md", card)
    before = loads(card.read_bytes(), "README.md", kind="card")
    card.write_bytes(write_card(card.read_bytes(), munin, disclosure_file="README.md", **labels(munin)))
    result = run_file(card)
    assert result.computation is not None
    assert [f.code for f in result.findings if f.severity is not Severity.INFO] == []
    assert result.computation.results == munin.results  # the disclosure itself was not touched
    after = loads(card.read_bytes(), "README.md", kind="card")
    assert after.data == before.data
    assert after.front_matter is not None and after.front_matter[HUB_KEY] == {
        "emissions": 89.32,  # the operational emissions: 1.08264 kWh x 82.5 gCO2e/kWh = 89.318 g
        "source": f"ftdisclose {__version__}, factor tables 2026.1 (README.md)",
        "training_type": "fine-tuning",
        "geographical_location": "Denmark",
        "hardware_used": "1 x RTX A4000",
    }


# --- the Hub block's values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kg", "grams"),
    [
        (0.427938323912521, 427.9),
        (12.79436, 12790),
        (0.0000123456, 0.01235),
        (1234.5678, 1235000),
    ],
)
def test_emissions_are_grams_to_four_significant_digits(kg: float, grams: float) -> None:
    computation = with_operational(synthetic(), Measure.of(kg, "kgCO2e"))
    assert emissions_grams(computation) == grams
    assert isinstance(emissions_grams(computation), int) == float(grams).is_integer()


@pytest.mark.parametrize("kg", [float("inf"), float("nan"), -1.0, 0.0])
def test_a_figure_the_hub_cannot_read_is_refused(kg: float) -> None:
    # 0 is refused too: the Hub's emissions filter takes 0 for "no figure"
    computation = with_operational(synthetic(), Measure.of(kg, "kgCO2e"))
    with pytest.raises(CardError):
        write_card(b"", computation, disclosure_file="x")


def test_hardware_and_location_are_left_out_when_unknown() -> None:
    new = write_card(b"---\n---\n", synthetic(), disclosure_file="munin.yaml", hardware=None, location=None)
    front = loads(new, kind="card").front_matter
    assert front == {
        HUB_KEY: {
            "emissions": 57.3,
            "training_type": "fine-tuning",
            "source": f"ftdisclose {__version__}, factor tables 2026.1 (munin.yaml)",
        }
    }


@pytest.mark.parametrize(
    ("example", "hardware", "location"),
    [
        ("munin-7b-lora.yaml", "1 x RTX A4000", "Denmark"),
        ("scope3-4xa100-cluster.yaml", "4 x A100 SXM4 80GB", "Oregon, United States (aws us-west-2)"),
        ("scope3-bloom-cluster.yaml", "384 x A100 SXM4 80GB", "France"),
        # a managed service: the instance is ftdisclose's assumption, so no hardware is claimed
        ("scope3-bedrock-tokens-only.yaml", None, "Oregon, United States (aws us-west-2)"),
    ],
)
def test_labels_from_resolved_inputs(example: str, hardware: str | None, location: str | None) -> None:
    computation = run_file(EXAMPLES / example).computation
    assert computation is not None
    assert labels(computation) == {"hardware": hardware, "location": location}


def test_labels_without_factor_tables_use_the_ids() -> None:
    inputs = synthetic().inputs
    assert hardware_label(inputs) == "1 x nvidia-rtx-a4000"
    assert location_label(inputs) == "DK"


def test_defaulted_location_and_hardware_are_not_claimed() -> None:
    inputs = {
        Name.COUNTRY: Input("US", None, Origin.DEFAULT, "no location disclosed"),
        Name.GRID_ZONE: Input("US", None, Origin.DERIVED, "the country's grid"),
        Name.GPU_MODEL: Input("nvidia-h100-sxm5-80gb", None, Origin.DEFAULT, "the year's default"),
        Name.GPU_COUNT: Input(8.0, None, Origin.DEFAULT, "a default"),
    }
    assert location_label(inputs) is None
    assert hardware_label(inputs) is None
    inputs[Name.GPU_MODEL] = Input("nvidia-h100-sxm5-80gb", None, Origin.DISCLOSED, "disclosed")
    assert hardware_label(inputs) == "nvidia-h100-sxm5-80gb"  # a defaulted count is not stated
    inputs[Name.COUNTRY] = Input("DK", None, Origin.DISCLOSED, "disclosed")
    inputs[Name.GRID_ZONE] = Input("DK1", None, Origin.DISCLOSED, "disclosed")
    assert location_label(inputs, factors.load("2026.1")) == "Denmark (grid zone DK1)"


def test_source_with_odd_characters_is_quoted() -> None:
    new = write_card(b"", synthetic(), disclosure_file="my disclosure: #1.yaml", hardware="no", location=None)
    text = new.decode()
    assert 'source: "ftdisclose' in text and 'hardware_used: "no"' in text
    front = loads(new, kind="card").front_matter
    assert front is not None and front[HUB_KEY]["hardware_used"] == "no"
    assert front[HUB_KEY]["source"].endswith("(my disclosure: #1.yaml)")


# --- what is refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (b"---\nlicense: mit\n\n# no closing line\n", "never closed"),
        (b"---\n{license: mit}\n---\n", "flow-style"),
        (b"---\n- a\n---\n", "not a mapping"),
        (b"---\nlicense: [mit\n---\n", "cannot be parsed"),
        (b"---\nco2_eq_emissions: 1\nco2_eq_emissions: 2\n---\n", "2 times"),
        (b"---\nlicense: mit\n---\n" + START_MARKER.encode() + b"\n", "marker lines"),
        (b"---\nlicense: mit\n---\n" + END_MARKER.encode() + b"\n" + START_MARKER.encode() + b"\n", "marker lines"),
        (b"---\nlicense: mit\n...\n# body\n", "huggingface_hub does not read"),
        (b"---\nlicense: mit\n---\n\xff\n", "not UTF-8"),
    ],
)
def test_cards_that_cannot_be_written_exactly(card: bytes, message: str) -> None:
    with pytest.raises(CardError, match=message):
        write_synthetic(card)


# --- the Hub's template, markers, what goes public, --check, --svg -----------------------

TEMPLATE_SECTION = """## Environmental Impact

<!-- Total emissions (in grams of CO2eq) and additional considerations, such as electricity usage, go here. \
Edit the suggested text below accordingly -->

Carbon emissions can be estimated using the \
[Machine Learning Impact calculator](https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)](https://arxiv.org/abs/1910.09700).

- **Hardware Type:** [More Information Needed]
- **Hours used:** [More Information Needed]
- **Cloud Provider:** [More Information Needed]
- **Compute Region:** eu-north-1, Stockholm
- **Carbon Emitted:** [More Information Needed]

## Technical Specifications [optional]
"""


def test_the_templates_carbon_emitted_line_is_updated_not_left_stale() -> None:
    # the lines of huggingface_hub's modelcard_template.md as rendered cards have them
    card = ("---\nlicense: mit\n---\n# Model\n\n" + TEMPLATE_SECTION).encode()
    new = write_synthetic(card).decode()
    assert "- **Carbon Emitted:** 57.3 gCO2e operational (location-based, as in co2_eq_emissions); 200 gCO2e in " in new
    assert "- **Hardware Type:** 1 x RTX A4000" in new  # a placeholder is filled
    assert "- **Compute Region:** eu-north-1, Stockholm" in new  # what the author wrote stays
    assert "- **Cloud Provider:** [More Information Needed]" in new  # nothing known: left as it is
    # a later computation rewrites the same line; the rest of the card is as before
    again = write_card(
        new.encode(), with_operational(synthetic(), Measure.of(0.1, "kgCO2e")), disclosure_file="munin.yaml"
    ).decode()
    assert "- **Carbon Emitted:** 100 gCO2e operational" in again and again.count("Carbon Emitted") == 1
    assert write_synthetic(new.encode()).decode() == new


def test_markers_count_only_as_whole_lines_outside_code() -> None:
    body = (
        "# Model\n\nThe section sits between <!-- ftdisclose:start --> and <!-- ftdisclose:end -->.\n\n"
        "```markdown\n<!-- ftdisclose:start -->\nan example\n<!-- ftdisclose:end -->\n```\n"
    )
    new = write_synthetic(("---\nlicense: mit\n---\n" + body).encode()).decode()
    assert new.count(START_MARKER) == 3 and body in new  # prose and example untouched, the section appended
    assert new.rstrip().endswith(END_MARKER)
    assert write_synthetic(new.encode()).decode() == new


def test_embedding_leaves_extensions_and_local_paths_out() -> None:
    from ftdisclose.integrations.card import public_disclosure

    data = {
        "spec_version": "1.1",
        "model": {"name": "m", "x-note": "private"},
        "operational": {"energy": "1 kWh", "carbon_intensity_source": "/home/me/runs/grid.csv"},
        "x-ftdisclose-import": {"files": ["/home/me/emissions.csv"], "run_ids": ["5b0fa12a"]},
    }
    clean, dropped = public_disclosure(data)
    assert clean == {"spec_version": "1.1", "model": {"name": "m"}, "operational": {"energy": "1 kWh"}}
    assert dropped == ["model.x-note", "operational.carbon_intensity_source", "x-ftdisclose-import"]


def test_check_ignores_a_different_name_for_the_same_disclosure(tmp_path: Path) -> None:
    from .conftest import run_cli

    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", tmp_path / "d.yaml")
    (tmp_path / "sub").mkdir()
    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", tmp_path / "sub" / "d.yaml")
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
    assert run_cli("card", "d.yaml", "--card", "README.md", cwd=tmp_path).returncode == 0
    assert run_cli("card", "--check", "d.yaml", "--card", "README.md", cwd=tmp_path).returncode == 0
    proc = run_cli("card", "--check", "sub/d.yaml", "--card", "README.md", cwd=tmp_path)
    assert proc.returncode == 0 and "up to date" in proc.stdout
    (tmp_path / "sub" / "d.yaml").write_text(
        (EXAMPLES / "munin-7b-lora.yaml").read_text().replace("82.5 g/kWh", "90 g/kWh")
    )
    assert run_cli("card", "--check", "sub/d.yaml", "--card", "README.md", cwd=tmp_path).returncode == 1


def test_svg_chart_beside_the_card(tmp_path: Path) -> None:
    from .conftest import run_cli

    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", tmp_path / "d.yaml")
    (tmp_path / "model").mkdir()
    card = tmp_path / "model" / "README.md"
    card.write_text("---\nlicense: mit\n---\n# m\n")
    assert run_cli("card", "d.yaml", "--card", "model/README.md", "--svg", cwd=tmp_path).returncode == 0
    svg = tmp_path / "model" / "ftdisclose-footprint.svg"
    text = svg.read_text()
    assert text.startswith("<?xml") and text.count('class="chart"') == 2 and 'class="range"' in text
    assert "![Emissions and water of the fine-tuning, with their ranges](ftdisclose-footprint.svg)" in card.read_text()
    assert run_cli("card", "--check", "--svg", "d.yaml", "--card", "model/README.md", cwd=tmp_path).returncode == 0
    svg.write_text(text.replace("gCO2e", "kgCO2e"))
    assert run_cli("card", "--check", "--svg", "d.yaml", "--card", "model/README.md", cwd=tmp_path).returncode == 1
    import xml.etree.ElementTree as ET

    ET.fromstring(text.split("?>", 1)[1])  # well-formed XML
