"""Factor tables for the calculation method: method defaults, constants, equivalences.

These tables come out of this area:

- `method_defaults`: per fine-tuning method, the CPU utilisation used when a disclosure
  gives none, the generation-independent MFU fallback for the tokens -> time path, and the
  FLOPs factor k in `FLOPs = k * N_params * tokens`.
- `power_fraction`: measured average GPU power / TDP by method and scale (one GPU, one
  server, several servers); it replaces 2026.1's GPU utilisation default of 1 (power = TDP).
- `throughput`: MFU against the dense BF16/FP16 peak by accelerator generation and method.
- `memory_per_parameter`: accelerator memory a fine-tune needs per base-model parameter.
- `constants`: hardware life, reserved share, memory power, idle power fractions, ...
- `equivalences`: what a footprint compares to in the human report (a person-year in
  Denmark, a kilometre driven, a tree-year). They are shown beside results, never mixed
  into them.

Hand-picked rows live in `curated/methods_*.csv`; rows that a public data file can give
are computed here from that file, so that a newer snapshot changes them through this
script and nowhere else. Every number keeps the source it came from.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from hardware import GENERATIONS, water_default
from tablebuild import Table, read_csv

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"

METHODS = ["full", "lora", "qlora", "adapter", "prompt-tuning", "other"]
# Methods that take another method's rows where no measurement separates them.
SAME_AS = {"adapter": "lora", "prompt-tuning": "lora", "other": "full"}
SCALES = ["single", "node", "cluster"]
THROUGHPUT_METHODS = ["full", "lora", "qlora"]

# Exact conversion factors into the canonical unit of each column (README: convert
# once, at build time, with exact factors). Keyed by (unit in the source, canonical unit).
MILE_KM = 1.609344
CONVERSIONS: dict[tuple[str, str], float] = {
    ("tCO2e", "kgCO2e"): 1000.0,
    ("tCO2", "kgCO2e"): 1000.0,
    ("gCO2", "kgCO2e"): 0.001,
    ("gCO2e", "kgCO2e"): 0.001,
    ("gCO2/km", "gCO2e/km"): 1.0,
    ("tCO2e/mi", "gCO2e/km"): 1e6 / MILE_KM,
    ("Wh", "kWh"): 0.001,
}

SRC_SCOPE3 = "scope3-genai-methodology-2025"
SRC_GA = "green-algorithms-v3.0-reference-values"
SRC_EPOCH = "epoch-ai-models"
SRC_CCF = "ccf-coefficients-2026-04"
SRC_JUDGEMENT = "ftdisclose-judgement-2026"


def _num(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _convert(value: float, from_unit: str, to_unit: str) -> float:
    if from_unit == to_unit:
        return value
    try:
        return value * CONVERSIONS[(from_unit, to_unit)]
    except KeyError:
        raise ValueError(f"no exact conversion from {from_unit} to {to_unit}") from None


def _decimal_comma(text: str) -> float:
    """CCF's aws-instances.csv writes numbers with a decimal comma ("371,6")."""
    return float(text.strip().replace(",", "."))


# --- data-derived figures -----------------------------------------------------------


def _epoch_mfu(data_dir: Path) -> tuple[float, float, float]:
    """Lowest, median and highest MFU that Epoch AI records for a training run.

    Epoch's `Hardware utilization` column holds model FLOPs utilisation as a fraction,
    either as reported by the developers or derived by Epoch from compute, chip count
    and time. One row holds 72 (a percentage-like kernel figure, not an MFU of a
    training run); only values in (0, 1] are kept.
    """
    path = data_dir / "epoch-ai" / "training-cost-trends" / "all_ml_systems_full_view.csv"
    values = []
    for row in read_csv(path):
        cell = (row.get("Hardware utilization") or "").strip()
        if cell and 0 < float(cell) <= 1:
            values.append(float(cell))
    if len(values) < 10:
        raise ValueError(f"{path}: only {len(values)} MFU values, expected dozens")
    return min(values), statistics.median(values), max(values)


def _epoch_run_length(data_dir: Path) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile of the training time (hours) of the models Epoch AI records
    as published since 2020: how long a run whose GPU-hours alone are known probably lasted."""
    path = data_dir / "epoch-ai" / "training-cost-trends" / "all_ml_systems_full_view.csv"
    hours = []
    for row in read_csv(path):
        cell = (row.get("Training time (hours)") or "").strip()
        date = (row.get("Publication date") or "").strip()
        if cell and date[:4].isdigit() and int(date[:4]) >= 2020 and float(cell) > 0:
            hours.append(float(cell))
    if len(hours) < 50:
        raise ValueError(f"{path}: only {len(hours)} training times since 2020, expected hundreds")
    low, mid, high = statistics.quantiles(hours, n=4)
    return round(low, 1), round(mid, 1), round(high, 1)


def _gpu_idle_fraction(data_dir: Path) -> float:
    """GPU power at idle as a share of power at 100 % load, CCF/Teads AWS curves.

    Every GPU instance in that file follows the same scaled curve (idle about 11.4 % of
    full load; full load is close to TDP where that can be checked: p4d.24xlarge gives
    3259.3 W for 8 x A100 of 400 W, g4dn 71.3 W per T4 of 70 W), so a range across rows
    would only show rounding; the median is kept and no range is claimed.
    """
    path = data_dir / "ccf-coefficients" / "data" / "aws-instances.csv"
    ratios = []
    for row in read_csv(path):
        if row["Platform GPU Name"].strip() in ("", "N/A"):
            continue
        full = _decimal_comma(row["GPUWatt @ 100%"])
        if full > 0:
            ratios.append(_decimal_comma(row["GPUWatt @ Idle"]) / full)
    if not ratios:
        raise ValueError(f"{path}: no GPU instance rows")
    return statistics.median(ratios)


def _cpu_idle_fraction(data_dir: Path) -> tuple[float, float, float]:
    """CPU power at idle as a share of full-load power, by microarchitecture.

    CCF's coefficients-aws-use.csv gives min and max W per vCPU per microarchitecture
    (SPECpower). The Graviton rows repeat the EPYC 2nd Gen pair (CCF's stand-in), so
    repeated (min, max) pairs are counted once.
    """
    path = data_dir / "ccf-coefficients" / "output" / "coefficients-aws-use.csv"
    pairs = set()
    for row in read_csv(path):
        low, high = float(row["Min Watts"]), float(row["Max Watts"])
        if high > 0:
            pairs.add((low, high))
    ratios = sorted(low / high for low, high in pairs)
    if not ratios:
        raise ValueError(f"{path}: no architectures")
    return ratios[0], statistics.median(ratios), ratios[-1]


def _green_algorithms_reference(data_dir: Path) -> dict[str, float]:
    path = data_dir / "green-algorithms" / "referenceValues.csv"
    # Row 1 of every Green Algorithms CSV is a units/comments row; the header is row 2.
    return {row["variable"]: float(row["value"]) for row in read_csv(path, skip_rows=1)}


# --- tables --------------------------------------------------------------------------


def _method_defaults(data_dir: Path) -> Table:
    table = Table(
        name="method_defaults",
        description=(
            "Defaults by fine-tuning method, used when a disclosure does not give them: "
            "average CPU utilisation (share of the power range between idle and TDP), the "
            "generation-independent model FLOPs utilisation (fallback of table throughput) for "
            "turning tokens into run time, and the FLOPs factor k in FLOPs = k * parameters * tokens. "
            "GPU power comes from table power_fraction."
        ),
        key=["method"],
        columns={
            "method": ("", "full | lora | qlora | adapter | prompt-tuning | other (spec-v1 model.method)"),
            "cpu_utilization_low": ("1", "low end of average CPU utilisation"),
            "cpu_utilization": ("1", "central average CPU utilisation"),
            "cpu_utilization_high": ("1", "high end of average CPU utilisation"),
            "mfu_low": ("1", "low end of model FLOPs utilisation (achieved / peak dense FLOP/s)"),
            "mfu": ("1", "central model FLOPs utilisation"),
            "mfu_high": ("1", "high end of model FLOPs utilisation"),
            "flops_factor": ("1", "k in FLOPs = k * parameters * tokens (6 all weights trained, 4 base frozen)"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    mfu_low, mfu, mfu_high = _epoch_mfu(data_dir)
    rows = {row["method"]: row for row in read_csv(CURATED / "methods_defaults.csv")}
    if sorted(rows) != sorted(METHODS):
        raise ValueError(f"methods_defaults.csv: methods {sorted(rows)}, expected {sorted(METHODS)}")
    for method in METHODS:
        row = rows[method]
        sources = row["source"].split(";")
        if SRC_EPOCH not in sources:
            sources.append(SRC_EPOCH)
        table.add(
            method=method,
            cpu_utilization_low=_num(row["cpu_utilization_low"]),
            cpu_utilization=_num(row["cpu_utilization"]),
            cpu_utilization_high=_num(row["cpu_utilization_high"]),
            mfu_low=mfu_low,
            mfu=mfu,
            mfu_high=mfu_high,
            flops_factor=_num(row["flops_factor"]),
            source=";".join(sources),
        )
    return table


def _expand(rows: dict[tuple[str, ...], dict[str, str]], key: tuple[str, ...], method: str) -> dict[str, str]:
    """The curated row for a method, or the row of the method it takes its values from."""
    if key in rows:
        return rows[key]
    return rows[(SAME_AS[method], *key[1:])]


def _power_fraction() -> Table:
    table = Table(
        name="power_fraction",
        description=(
            "Average measured GPU board power / TDP over a fine-tuning run, by method and scale: single (1 "
            "GPU), node (2 GPUs up to the GPUs of one server), cluster (more than one server). adapter and "
            "prompt-tuning take LoRA's values, other takes full's. The range brackets the cited measurements; "
            "a high end of 0.95-1 is what publishers that assume TDP use."
        ),
        key=["method", "scale"],
        columns={
            "method": ("", "full | lora | qlora | adapter | prompt-tuning | other (spec-v1 model.method)"),
            "scale": ("", "single | node | cluster"),
            "fraction_low": ("1", "low end of average GPU power / TDP"),
            "fraction": ("1", "central average GPU power / TDP"),
            "fraction_high": ("1", "high end of average GPU power / TDP"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    rows = {(r["method"], r["scale"]): r for r in read_csv(CURATED / "methods_power_fraction.csv")}
    for method in METHODS:
        for scale in SCALES:
            row = _expand(rows, (method, scale), method)
            table.add(
                method=method,
                scale=scale,
                fraction_low=_num(row["fraction_low"]),
                fraction=_num(row["fraction"]),
                fraction_high=_num(row["fraction_high"]),
                source=row["source"],
            )
    return table


def _throughput() -> Table:
    table = Table(
        name="throughput",
        description=(
            "Model FLOPs utilisation (MFU) a fine-tune reaches against the accelerator's dense BF16/FP16 peak "
            "(accelerators.bf16_dense), by accelerator generation (accelerators.generation) and method, "
            "with FLOPs = k * parameters * tokens (k from method_defaults). adapter and prompt-tuning use "
            "lora's rows, other uses full's; generation other is the fallback."
        ),
        key=["generation", "method"],
        columns={
            "generation": ("", "accelerator generation (see accelerators.generation)"),
            "method": ("", "full | lora | qlora"),
            "mfu_low": ("1", "low end of MFU"),
            "mfu": ("1", "central MFU"),
            "mfu_high": ("1", "high end of MFU"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    rows = {(r["generation"], r["method"]): r for r in read_csv(CURATED / "methods_throughput.csv")}
    expected = {(g, m) for g in GENERATIONS for m in THROUGHPUT_METHODS}
    if set(rows) != expected:
        missing, extra = sorted(expected - set(rows)), sorted(set(rows) - expected)
        raise ValueError(f"methods_throughput.csv: missing {missing}, extra {extra}")
    for generation, method in sorted(rows):
        row = rows[(generation, method)]
        table.add(
            generation=generation,
            method=method,
            mfu_low=_num(row["mfu_low"]),
            mfu=_num(row["mfu"]),
            mfu_high=_num(row["mfu_high"]),
            source=row["source"],
        )
    return table


def _memory_per_parameter() -> Table:
    table = Table(
        name="memory_per_parameter",
        description=(
            "Accelerator memory a fine-tune needs per base-model parameter (weights, gradients and optimizer "
            "state of the trained part; for LoRA and QLoRA the measured profile at 256 tokens), plus a fixed "
            "overhead per job. GPUs needed = ceil((bytes x parameters + overhead) / (usable_memory_fraction x "
            "accelerator memory)). adapter and prompt-tuning take lora's row, other takes full's."
        ),
        key=["method"],
        columns={
            "method": ("", "full | lora | qlora | adapter | prompt-tuning | other (spec-v1 model.method)"),
            "bytes_low": ("B", "low end of memory per base-model parameter"),
            "bytes": ("B", "central memory per base-model parameter"),
            "bytes_high": ("B", "high end of memory per base-model parameter"),
            "overhead": ("GB", "memory per job on top: activations, buffers, CUDA context"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    rows = {(r["method"],): r for r in read_csv(CURATED / "methods_memory.csv")}
    for method in METHODS:
        row = _expand(rows, (method,), method)
        table.add(
            method=method,
            bytes_low=_num(row["bytes_low"]),
            bytes=_num(row["bytes"]),
            bytes_high=_num(row["bytes_high"]),
            overhead=_num(row["overhead"]),
            source=row["source"],
        )
    return table


def _constants(data_dir: Path) -> Table:
    table = Table(
        name="constants",
        description=(
            "Single-valued defaults of the calculation, each with its unit and, where "
            "sources disagree, a low and high value."
        ),
        key=["key"],
        columns={
            "key": ("", "constant name"),
            "value": ("", "central value, in the row's unit"),
            "low": ("", "low end, in the row's unit; empty when no source gives one"),
            "high": ("", "high end, in the row's unit; empty when no source gives one"),
            "unit": ("", "unit of value, low and high (ftdisclose unit registry)"),
            "description": ("", "what the constant is and where its values come from"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for row in read_csv(CURATED / "methods_constants.csv"):
        table.add(
            key=row["key"],
            value=_num(row["value"]),
            low=_num(row["low"]),
            high=_num(row["high"]),
            unit=row["unit"],
            description=row["description"],
            source=row["source"],
        )

    water = water_default(data_dir)
    table.add(
        key="gpu_embodied_water_default",
        value=water.central,
        low=water.low,
        high=water.high,
        unit="L",
        description=(
            "Water consumed to manufacture one accelerator whose table row gives none: Scope3's A100 figure "
            "(137.3 L per wafer mask layer x 87 layers / 29 dies = 411.9 L for 826 mm2) scaled to the median die "
            "area of the accelerator table; 0.25 x to 2 x (Morrison et al.'s ~102 L per H100 is the low anchor)."
        ),
        source="scope3-genai-methodology-2025;tsmc-esg-2022;morrison-2025-olmo;epoch-ml-hardware;"
        "ftdisclose-component-model-2026",
    )
    run_low, run_mid, run_high = _epoch_run_length(data_dir)
    table.add(
        key="typical_run_length",
        value=run_mid,
        low=run_low,
        high=run_high,
        unit="h",
        description=(
            "How long a run lasted when only its GPU-hours are known, to place it in time and size its "
            "cluster (energy and embodied emissions follow the GPU-hours and do not depend on it): the median "
            "training time, with its quartiles, of the models Epoch AI records as published since 2020."
        ),
        source="epoch-ai-models",
    )
    reference = _green_algorithms_reference(data_dir)
    table.add(
        key="memory_power",
        value=reference["memoryPower"],
        unit="W/GB",
        description=(
            "Power drawn per GB of installed memory (RAM), Green Algorithms reference value "
            "memoryPower. Used for P_mem = memory_GB * memory_power."
        ),
        source=SRC_GA,
    )
    table.add(
        key="gpu_idle_fraction",
        value=round(_gpu_idle_fraction(data_dir), 4),
        unit="1",
        description=(
            "GPU idle power as a share of TDP, used when an accelerator row has no idle power. "
            "Median over the GPU instances in Cloud Carbon Footprint's AWS instance table, "
            "whose GPU power curves (after the Teads dataset) put idle at about 11.4 % of "
            "full-load power for every GPU type, with full load close to TDP (A100: 3259.3 W "
            "for 8 cards of 400 W). One modelled curve, not a measured spread, so no range "
            "is given."
        ),
        source=SRC_CCF,
    )
    cpu_low, cpu_mid, cpu_high = _cpu_idle_fraction(data_dir)
    table.add(
        key="cpu_idle_fraction",
        value=round(cpu_mid, 4),
        low=round(cpu_low, 4),
        high=round(cpu_high, 4),
        unit="1",
        description=(
            "CPU idle power as a share of TDP, used when a CPU row has no idle power. "
            "Median, lowest and highest ratio of min to max W per vCPU across the CPU "
            "microarchitectures in Cloud Carbon Footprint's AWS use coefficients (SPECpower), "
            "each distinct (min, max) pair counted once."
        ),
        source=SRC_CCF,
    )
    return table


def _equivalences(data_dir: Path) -> Table:
    table = Table(
        name="equivalences",
        description=(
            "Reference quantities for putting a footprint in context in the human report "
            "(never added to or mixed into the computed numbers)."
        ),
        key=["key"],
        columns={
            "key": ("", "equivalence name"),
            "value": ("", "amount per one unit of the comparison, in the row's unit"),
            "unit": ("", "unit of value (ftdisclose unit registry)"),
            "description": ("", "what one unit is, what the figure covers (CO2 or CO2e), its source"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for row in read_csv(CURATED / "methods_equivalences.csv"):
        table.add(
            key=row["key"],
            value=_convert(float(row["source_value"]), row["source_unit"], row["unit"]),
            unit=row["unit"],
            description=row["description"],
            source=row["source"],
        )

    reference = _green_algorithms_reference(data_dir)
    from_green_algorithms = [
        (
            "car_km_eu",
            "passengerCar_EU_perkm",
            "gCO2/km",
            "gCO2e/km",
            "One kilometre driven by an average European passenger car (Green Algorithms "
            "reference value passengerCar_EU_perkm, which cites Atmospheric Environment (2018) "
            "and the UK government's 2019 conversion factors). The source gives CO2 only; "
            "ftdisclose shows it beside CO2e results.",
        ),
        (
            "tree_year",
            "treeYear",
            "gCO2",
            "kgCO2e",
            "CO2 taken up by one tree in one year (Green Algorithms reference value treeYear, "
            "11,000 g). An uptake of CO2 only, shown as CO2e: the number of tree-years that "
            "would absorb a footprint.",
        ),
        (
            "flight_paris_london",
            "flight_PAR-LON",
            "gCO2e",
            "kgCO2e",
            "One passenger flight Paris to London (Green Algorithms reference value "
            "flight_PAR-LON, from the carbonfootprint.com calculator).",
        ),
        (
            "flight_new_york_san_francisco",
            "flight_NY-SF",
            "gCO2e",
            "kgCO2e",
            "One passenger flight New York to San Francisco (Green Algorithms reference value "
            "flight_NY-SF, from the carbonfootprint.com calculator).",
        ),
    ]
    for key, variable, from_unit, to_unit, description in from_green_algorithms:
        table.add(
            key=key,
            value=_convert(reference[variable], from_unit, to_unit),
            unit=to_unit,
            description=description,
            source=SRC_GA,
        )
    return table


def build(data_dir: Path) -> dict[str, Table]:
    tables = [
        _method_defaults(data_dir),
        _power_fraction(),
        _throughput(),
        _memory_per_parameter(),
        _constants(data_dir),
        _equivalences(data_dir),
    ]
    return {table.name: table for table in tables}
