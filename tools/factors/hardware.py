"""Hardware factor tables: accelerators, default accelerator by year, servers, managed services.

Public data (read from ``data_dir``) gives the numbers wherever it has them:

* Epoch AI ``ml_hardware.csv`` and, where a chip is missing there, the Epoch chip dataset:
  release date, TDP, memory, dense Tensor-FP16/BF16 FLOP/s.
* Green Algorithms ``TDP_gpu.csv``: the A100 PCIe 40GB / 80GB TDPs (checked here, not typed).
* Epoch AI models database: training hardware of notable models per year (default accelerator)
  and reported hardware utilization (MFU range of managed services).
* Epoch AI chip counts: installed base by chip type for years the models snapshot does not cover.
* CCF coefficients: cloud instance -> GPU count, vCPUs, memory, CPU, Teads "Delta Full Machine".
* CodeCarbon ``cpu_power.csv``: CPU TDP per socket.

Hand-curated rows (``curated/hardware_*.csv``) carry the rest, each with its source ids:
names and aliases, datasheet values missing from Epoch, the throughput generation, server
models and instance types, default servers, managed-service assumptions.

Embodied emissions are on one basis from version 2026.2: an accelerator row holds the card
or package ALONE, a server row the host WITHOUT its accelerators (and without an HGX/OAM
baseboard, whose share the card figures carry). Cards with a published figure are
``sourced``; the others are ``scaled``: from a sourced card of the same silicon (memory and
board power deltas), from Google's TPU LCA, or with the component model (die area x carbon
per area of its process node + memory GB x kg/GB + board power x kg/W + a fixed part)
calibrated on NVIDIA's HGX H100 PCF split (``curated/hardware_component_model.csv``).
Scaled rows span at least 0.5 x to 2 x their central value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tablebuild import Table, read_csv

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"

GIB_IN_GB = 1.073741824  # exact: 2**30 / 10**9
TFLOP = 1e12
GB = 1e9

FIRST_YEAR, LAST_YEAR = 2016, 2026

Row = dict[str, object]


# --------------------------------------------------------------------------- helpers


def normalise_alias(text: str) -> str:
    """The resolver's matching key: case-folded, without spaces, hyphens and underscores."""
    return re.sub(r"[\s\-_]+", "", text).casefold()


def num(text: str | None) -> float | None:
    """Parse a number, accepting a decimal comma (CCF/Teads files); empty -> None."""
    if text is None:
        return None
    text = text.strip().replace(",", ".")
    if not text or text.upper() == "N/A":
        return None
    return float(text)


def whole(value: float | None) -> float | int | None:
    """Integers stay integers in the CSV (8 GPUs, not 8.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def sources(*groups: str | list[str]) -> str:
    """Join source ids (';'-separated strings or lists) without duplicates, in first-seen order."""
    seen: list[str] = []
    for group in groups:
        items = group.split(";") if isinstance(group, str) else group
        for item in items:
            if item and item not in seen:
                seen.append(item)
    return ";".join(seen)


def curated(name: str) -> list[dict[str, str]]:
    return read_csv(CURATED / name)


# --------------------------------------------------------------------------- Epoch chips


@dataclass
class Chip:
    """The fields we use from one Epoch hardware row (units as in the Epoch files)."""

    release: str
    tdp: float | None
    memory_bytes: float | None
    tensor16: float | None
    fp16: float | None
    fp32: float | None
    die_area: float | None = None


def load_epoch_chips(data_dir: Path) -> tuple[dict[str, Chip], dict[str, Chip]]:
    """Epoch ML hardware export and the (larger) chip dataset, keyed by hardware name."""
    ml: dict[str, Chip] = {}
    for r in read_csv(data_dir / "epoch-ai/ml-hardware/ml_hardware.csv"):
        ml[r["Hardware name"]] = Chip(
            r["Release date"],
            num(r["TDP (W)"]),
            num(r["Memory (bytes)"]),
            num(r["Tensor-FP16/BF16 performance (FLOP/s)"]),
            num(r["FP16 (half precision) performance (FLOP/s)"]),
            num(r["FP32 (single precision) performance (FLOP/s)"]),
            num(r["Die Size (mm^2)"]),
        )
    chips: dict[str, Chip] = {}
    for r in read_csv(data_dir / "epoch-ai/training-cost-trends/chip_dataset_grid_view.csv"):
        name = r.get("Hardware name") or ""
        if name and name not in chips:
            chips[name] = Chip(
                r.get("Release date") or "",
                num(r.get("TDP (W)")),
                num(r.get("Memory size per board (Byte)")),
                num(r.get("Tensor-FP16/BF16 performance (FLOP/s)")),
                num(r.get("FP16 (half precision) performance (FLOP/s)")),
                num(r.get("FP32 (single precision) performance (FLOP/s)")),
                num(r.get("Die Size (mm^2)")),
            )
    return ml, chips


def green_algorithms_gpu_tdp(data_dir: Path) -> dict[str, float]:
    rows = read_csv(data_dir / "green-algorithms/TDP_gpu.csv", skip_rows=1)
    return {r["model"]: float(r["TDP"]) for r in rows if r["TDP"]}


# --------------------------------------------------------------------------- accelerators

ACCELERATOR_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("", "accelerator id (vendor-model-variant)"),
    "vendor": ("", "manufacturer"),
    "name": ("", "product name; dual-GPU boards are listed per GPU as NVML counts them"),
    "aliases": ("", "'|'-separated strings printed by NVML/amd-smi/CodeCarbon or written by users"),
    "family": ("", "product family (groups memory and form-factor variants)"),
    "form_factor": ("", "PCIe, SXM2..SXM6, OAM, TPU, superchip, accelerator"),
    "segment": ("", "datacenter, workstation or consumer"),
    "release_year": ("", "year of release"),
    "tdp": ("W", "thermal design power (board power) per device"),
    "idle_power": ("W", "idle power per device where a documented source gives it; empty otherwise"),
    "memory": ("GB", "accelerator memory per device"),
    "bf16_dense": (
        "TFLOP/s",
        "peak dense (no sparsity) tensor BF16 or FP16 throughput; FP16/FP32 peak for chips without tensor units",
    ),
    "generation": (
        "",
        "throughput class for MFU look-ups in table throughput: turing, volta, ampere-consumer, ampere, ada, "
        "hopper, blackwell, blackwell-consumer, tpu-v3, tpu-v4, tpu-v5e, tpu-v5p, tpu-v6, cdna2, cdna3, gaudi, other",
    ),
    "die_area": ("mm^2", "silicon area of the compute die(s) per device where a source gives it; empty otherwise"),
    "memory_type": ("", "HBM2, HBM2e, HBM3, HBM3e, GDDR5, GDDR6, GDDR6X, GDDR7, LPDDR; empty if not known"),
    "embodied_low": ("kgCO2e", "embodied emissions of the card or package alone (no host), low"),
    "embodied": ("kgCO2e", "embodied emissions of the card or package alone (no host), central"),
    "embodied_high": ("kgCO2e", "embodied emissions of the card or package alone (no host), high"),
    "embodied_method": (
        "",
        "sourced (a published figure for this card) or scaled (from a sourced card, Google's TPU LCA or the "
        "component model; at least 0.5 x to 2 x around the central value)",
    ),
    "embodied_water_low": ("L", "manufacturing water per card, low (0.25 x central)"),
    "embodied_water": (
        "L",
        "manufacturing water per card, central: Scope3's A100 411.9 L scaled by die area (826 mm2 for the A100)",
    ),
    "embodied_water_high": ("L", "manufacturing water per card, high (2 x central)"),
    "source": ("", "source ids"),
}


def first_value(candidates: list[Chip], field: str) -> object:
    """The field from the first Epoch row that has it (ML hardware export before chip dataset)."""
    for chip in candidates:
        value = getattr(chip, field)
        if value not in (None, ""):
            return value
    return None


def bf16_from_chip(chip: Chip, rule: str) -> float | None:
    """Dense BF16-class throughput in FLOP/s following the curated rule for this chip.

    tensor               Epoch's Tensor-FP16/BF16 column only (blank stays blank)
    fp16_col_is_tensor   Epoch's FP16 column, which for this chip is the tensor-core rate
    no_tensor_cores      the higher of Epoch's FP16 and FP32 columns (no tensor units)
    """
    if rule == "tensor":
        return chip.tensor16
    if rule == "fp16_col_is_tensor":
        return chip.tensor16 or chip.fp16
    if rule == "no_tensor_cores":
        values = [v for v in (chip.fp16, chip.fp32) if v is not None]
        return max(values) if values else None
    raise ValueError(f"unknown bf16_rule {rule!r}")


def build_accelerators(data_dir: Path) -> Table:
    table = Table(
        name="accelerators",
        description="GPUs, TPUs and other accelerators: power, memory, dense BF16 throughput, embodied impacts",
        key=["id"],
        columns=ACCELERATOR_COLUMNS,
    )
    ml, chips = load_epoch_chips(data_dir)
    ga_tdp = green_algorithms_gpu_tdp(data_dir)
    embodied = {r["accelerator"]: r for r in curated("hardware_embodied.csv")}
    seen_aliases: dict[str, str] = {}

    for cur in curated("hardware_accelerators.csv"):
        acc_id = cur["id"]
        name = cur["epoch_hardware"]
        primary = ml.get(name)
        fallback = chips.get(name)
        if name and primary is None and fallback is None:
            raise SystemExit(f"accelerators: Epoch has no hardware named {name!r} ({acc_id})")
        candidates = [c for c in (primary, fallback) if c is not None]
        first = partial(first_value, candidates)
        divisor = num(cur["per_device_divisor"]) or 1.0
        tdp = num(cur["tdp"])
        if tdp is None and first("tdp") is not None:
            tdp = float(first("tdp")) / divisor  # type: ignore[arg-type]
        memory = num(cur["memory"])
        if memory is None and first("memory_bytes") is not None:
            memory = float(first("memory_bytes")) / GB / divisor  # type: ignore[arg-type]
        bf16 = num(cur["bf16_dense"])
        if bf16 is None:
            for chip in candidates:
                flops = bf16_from_chip(chip, cur["bf16_rule"])
                if flops is not None:
                    bf16 = round(flops / TFLOP / divisor, 4)
                    break
        year = num(cur["release_year"])
        release = first("release")
        if year is None and release:
            year = float(str(release)[:4])

        src = [cur["source"]]
        if "green-algorithms-tdp-gpu" in cur["source"]:
            check_green_algorithms_tdp(acc_id, tdp, memory, ga_tdp)
        if fallback is not None and primary is None:
            src.append("epoch-chip-dataset")

        aliases = unique_aliases(cur["aliases"].split("|"), acc_id, seen_aliases)
        row: Row = {
            "id": acc_id,
            "vendor": cur["vendor"],
            "name": cur["name"],
            "aliases": "|".join(aliases),
            "family": cur["family"],
            "form_factor": cur["form_factor"],
            "segment": cur["segment"],
            "release_year": whole(year),
            "tdp": whole(tdp),
            "idle_power": None,
            "memory": whole(memory),
            "bf16_dense": whole(bf16),
            "generation": cur["generation"],
        }
        if cur["generation"] not in GENERATIONS:
            raise SystemExit(f"accelerators: {acc_id} has unknown generation {cur['generation']!r}")
        row["source"] = sources(*src)
        table.add(**row)

    unknown = set(embodied) - {str(r["id"]) for r in table.rows}
    missing = {str(r["id"]) for r in table.rows} - set(embodied)
    if unknown or missing:
        raise SystemExit(f"hardware_embodied.csv: unknown {sorted(unknown)}, missing {sorted(missing)}")
    add_embodied(table, embodied, die_areas(data_dir))
    return table


# --------------------------------------------------------------------------- embodied (cards)

GENERATIONS = (
    "turing", "volta", "ampere-consumer", "ampere", "ada", "hopper", "blackwell", "blackwell-consumer",
    "tpu-v3", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6", "cdna2", "cdna3", "gaudi", "other",
)  # fmt: skip
MEMORY_TYPES = ("HBM2", "HBM2e", "HBM3", "HBM3e", "GDDR5", "GDDR6", "GDDR6X", "GDDR7", "LPDDR", "")
SRC_COMPONENT_MODEL = "ftdisclose-component-model-2026"


@dataclass
class Triple:
    low: float
    central: float
    high: float


class ComponentModel:
    """Card embodied emissions from die area, process node, memory and board power.

    E = IC(node) x die area + memory GB x m + TDP x t + fixed, with the IC intensity
    calibrated on the HGX H100 PCF (ICs 332 kg per 8 GPUs of 8.14 cm2 at 5nm) and carried
    to other nodes by ACT's carbon per area (CPA). Low: ACT's die-only CPA and the low
    memory, cooling and fixed terms; high: 1.5 x the calibrated IC intensity and the high
    terms.
    """

    def __init__(self) -> None:
        terms = {r["term"]: r for r in curated("hardware_component_model.csv")}
        self.terms = terms
        fab = float(terms["fab_intensity"]["central"]) / 1000  # kg/kWh
        fab_yield = float(terms["fab_yield"]["central"])
        self.cpa: dict[str, float] = {}  # kgCO2e per cm2
        for r in curated("hardware_process_nodes.csv"):
            grams = fab * 1000 * float(r["epa"]) + (float(r["gpa_95"]) + float(r["gpa_99"])) / 2 + float(r["mpa"])
            self.cpa[r["node"]] = grams / fab_yield / 1000
        die_cm2 = float(terms["pcf_die_area"]["central"]) / 100
        ic_5nm = float(terms["pcf_ics_per_baseboard"]["central"]) / float(terms["pcf_gpus_per_baseboard"]["central"])
        self.ic_per_cpa = ic_5nm / die_cm2 / self.cpa["5nm"]  # calibrated intensity / ACT CPA (~1.84)

    def term(self, name: str) -> Triple:
        r = self.terms[name]
        return Triple(float(r["low"] or 0), float(r["central"] or 0), float(r["high"] or 0))

    def ic(self, node: str) -> Triple:
        """kgCO2e per cm2 of die at a node."""
        factor = self.term("ic_factor")
        central = self.cpa[node] * self.ic_per_cpa
        return Triple(self.cpa[node] * factor.low, central, central * factor.high)

    def card(self, node: str, die_mm2: float, memory_gb: float, memory_class: str, tdp: float | None) -> Triple:
        ic, mem, thermal, fixed = self.ic(node), self.term(memory_class), self.term("thermal"), self.term("fixed")
        power = tdp or 0.0
        values = [
            ic_v * die_mm2 / 100 + mem_v * memory_gb + th_v * power + fx_v
            for ic_v, mem_v, th_v, fx_v in zip(
                (ic.low, ic.central, ic.high),
                (mem.low, mem.central, mem.high),
                (thermal.low, thermal.central, thermal.high),
                (fixed.low, fixed.central, fixed.high),
                strict=True,
            )
        ]
        return Triple(*values)

    def delta(self, memory_gb: float, memory_class: str, tdp: float) -> Triple:
        """What a memory and board-power difference adds to a sourced card."""
        mem, thermal = self.term(memory_class), self.term("thermal")
        return Triple(
            mem.low * memory_gb + thermal.low * tdp,
            mem.central * memory_gb + thermal.central * tdp,
            mem.high * memory_gb + thermal.high * tdp,
        )


def die_areas(data_dir: Path) -> dict[str, float | None]:
    """Die area per accelerator: the curated value, else Epoch's (ML hardware before chip dataset)."""
    ml, chips = load_epoch_chips(data_dir)
    out: dict[str, float | None] = {}
    for cur in curated("hardware_accelerators.csv"):
        candidates = [c for c in (ml.get(cur["epoch_hardware"]), chips.get(cur["epoch_hardware"])) if c is not None]
        out[cur["id"]] = next((c.die_area for c in candidates if c.die_area), None) if cur["epoch_hardware"] else None
    for cur in curated("hardware_embodied.csv"):
        if cur["die_area"]:
            out[cur["accelerator"]] = float(cur["die_area"])
    return out


def median_die_area(data_dir: Path) -> float:
    """The median known die area: it stands in for dies no source gives (water, unknown cards)."""
    return float(statistics.median(d for d in die_areas(data_dir).values() if d))


def water_default(data_dir: Path) -> Triple:
    """Manufacturing water of an unknown accelerator: Scope3's A100 figure scaled to the median die."""
    model = ComponentModel()
    per_mm2 = model.term("water_per_a100").central / model.term("water_a100_die").central
    central = per_mm2 * median_die_area(data_dir)
    spread = model.term("water_range")
    return Triple(round(central * spread.low, 1), round(central, 1), round(central * spread.high, 1))


def add_embodied(table: Table, embodied: dict[str, dict[str, str]], dies: dict[str, float | None]) -> None:
    """Fill die area, memory type, embodied emissions and water on every accelerator row."""
    model = ComponentModel()
    rows = {str(r["id"]): r for r in table.rows}
    for acc_id, cur in embodied.items():
        if cur["memory_type"] not in MEMORY_TYPES or cur["memory_class"] not in ("hbm", "gddr"):
            raise SystemExit(f"hardware_embodied.csv: {acc_id} memory type/class")
    median_die = float(statistics.median(d for d in dies.values() if d))
    wide = model.term("wide_range")
    done: dict[str, Triple] = {}

    def compute(acc_id: str) -> Triple:
        if acc_id in done:
            return done[acc_id]
        cur, row = embodied[acc_id], rows[acc_id]
        die = dies[acc_id] or num(cur["model_die_area"]) or median_die
        memory, tdp = float(row["memory"] or 0), num(str(row["tdp"] or ""))
        method = cur["method"]
        if method == "sourced":
            value = Triple(float(cur["embodied_low"]), float(cur["embodied"]), float(cur["embodied_high"]))
        elif method == "given":
            value = Triple(float(cur["embodied"]), float(cur["embodied"]), float(cur["embodied"]))
        elif method == "anchor":
            base, anchor_row = compute(cur["anchor"]), rows[cur["anchor"]]
            d = model.delta(
                memory - float(anchor_row["memory"]), cur["memory_class"], (tdp or 0) - float(anchor_row["tdp"] or 0)
            )
            # a negative delta (less memory, less power) lowers every end by its central amount
            value = Triple(
                base.low + min(d.low, d.central), base.central + d.central, base.high + max(d.high, d.central)
            )
        elif method == "model":
            value = model.card(cur["process_node"], die, memory, cur["memory_class"], tdp)
        else:
            raise SystemExit(f"hardware_embodied.csv: {acc_id} has unknown method {method!r}")
        if method != "sourced":  # widened around the central value as written (0.1 kg)
            central = round(value.central, 1)
            value = Triple(min(value.low, wide.low * central), central, max(value.high, wide.high * central))
        done[acc_id] = value
        return value

    water = model.term("water_per_a100").central / model.term("water_a100_die").central
    water_range = model.term("water_range")
    for acc_id, cur in embodied.items():
        row = rows[acc_id]
        value = compute(acc_id)
        die = dies[acc_id] or num(cur["model_die_area"]) or median_die
        w = water * die
        row["die_area"] = whole(dies[acc_id])
        row["memory_type"] = cur["memory_type"] or None
        row["embodied_low"], row["embodied"], row["embodied_high"] = (
            math.floor(value.low * 10 + 1e-9) / 10,
            round(value.central, 1),
            math.ceil(value.high * 10 - 1e-9) / 10,
        )
        row["embodied_method"] = "sourced" if cur["method"] == "sourced" else "scaled"
        row["embodied_water_low"] = round(w * water_range.low, 1)
        row["embodied_water"] = round(w, 1)
        row["embodied_water_high"] = round(w * water_range.high, 1)
        src = [str(row["source"]), cur["source"]]
        if cur["method"] != "sourced":
            src.append(SRC_COMPONENT_MODEL)
        if cur["method"] == "model":
            src += ["nvidia-hgx-h100-pcf", "act-gupta-2022"]
        if cur["method"] == "anchor":
            src += embodied[cur["anchor"]]["source"].split(";")
        src += ["scope3-genai-methodology-2025", "epoch-ml-hardware"]
        row["source"] = sources(*src)


def unique_aliases(aliases: list[str], owner: str, seen: dict[str, str]) -> list[str]:
    """Drop in-row duplicates; fail if an alias (after normalisation) belongs to another row."""
    out: list[str] = []
    keys: set[str] = set()
    for alias in (a.strip() for a in aliases):
        if not alias:
            continue
        key = normalise_alias(alias)
        if key in seen and seen[key] != owner:
            raise AssertionError(f"alias {alias!r} of {owner} already belongs to {seen[key]}")
        seen[key] = owner
        if key not in keys:
            keys.add(key)
            out.append(alias)
    return out


def check_green_algorithms_tdp(acc_id: str, tdp: float | None, memory: float | None, ga: dict[str, float]) -> None:
    """The curated A100 PCIe TDPs must be the ones Green Algorithms lists."""
    expected = ga.get(f"NVIDIA A100 {whole(memory)}GB PCIe")
    if expected is None or expected != tdp:
        raise SystemExit(f"{acc_id}: TDP {tdp} W does not match Green Algorithms ({expected})")


# --------------------------------------------------------------------------- default accelerator

DEFAULT_COLUMNS: dict[str, tuple[str, str]] = {
    "year": ("", "calendar year a run started"),
    "accelerator": ("", "id in accelerators: the most common training accelerator that year"),
    "server": ("", "id in servers: default server for that accelerator"),
    "basis": ("", "epoch_notable_count or installed_base_estimate"),
    "source": ("", "source ids"),
}


def family_representatives(accelerators: Table) -> dict[str, str]:
    """Family -> the row that carries the family's bare short alias (e.g. 'A100', 'V100')."""
    reps: dict[str, str] = {}
    for row in accelerators.rows:
        family = str(row["family"])
        aliases = {normalise_alias(a) for a in str(row["aliases"]).split("|")}
        if normalise_alias(family) in aliases:
            reps[family] = str(row["id"])
    return reps


def epoch_name_to_family(data_dir: Path, accelerators: Table) -> dict[str, str]:
    """Map Epoch hardware names (as written in the models database) to our families."""
    by_id = {str(r["id"]): r for r in accelerators.rows}
    out: dict[str, str] = {}
    for cur in curated("hardware_accelerators.csv"):
        if cur["epoch_hardware"] and by_id[cur["id"]]["segment"] == "datacenter":
            out[cur["epoch_hardware"]] = cur["family"]
    # Epoch's generic and DGX-station names of the same chips
    ml, _ = load_epoch_chips(data_dir)
    for name in ml:
        for family in ("A100", "V100", "P100", "H100", "A800"):
            if re.search(rf"\b{family}\b", name) and name not in out and "NVIDIA" in name:
                out[name] = family
    return out


def notable_counts(data_dir: Path, families: dict[str, str]) -> dict[int, Counter[str]]:
    """Per publication year: how many notable models name each accelerator family."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    path = data_dir / "epoch-ai/training-cost-trends/all_ml_systems_full_view.csv"
    for r in read_csv(path):
        if not r["Notability criteria"].strip() or not r["Publication date"][:4].isdigit():
            continue
        named = {families[h.strip()] for h in r["Training hardware"].split(",") if h.strip() in families}
        for family in named:
            counts[int(r["Publication date"][:4])][family] += 1
    return counts


def last_complete_year(data_dir: Path) -> int:
    path = data_dir / "epoch-ai/training-cost-trends/all_ml_systems_full_view.csv"
    latest = max(r["Publication date"] for r in read_csv(path) if r["Publication date"][:4].isdigit())
    last = dt.date.fromisoformat(latest[:10])
    return last.year if (last.month, last.day) == (12, 31) else last.year - 1


CHIP_COUNT_FILES = {
    "nvidia_cumulative_by_chip.csv": "Number of units (median)",
    "amd_cumulative_by_chip.csv": "Number of units (median)",
    "tpu_cumulative_by_chip.csv": "Number of units (median)",
    "trainium_cumulative_by_chip.csv": "Number of Units",
}
CHIP_TYPE_FAMILY = {
    "A100": "A100", "A800": "A800", "H100": "H100", "H800": "H800", "H200": "H200", "B200": "B200",
    "B300": "B300", "TPU v4": "TPU v4", "TPU v5e": "TPU v5e", "TPU v5p": "TPU v5p", "TPU v6e": "TPU v6e",
    "TPU v7": "TPU v7", "Instinct MI300X": "MI300", "Instinct MI325X": "MI300", "Instinct MI250X": "MI200",
    "Instinct MI355X": "MI350", "Trainium1": "Trainium", "Trainium2": "Trainium",
}  # fmt: skip


def installed_base(data_dir: Path, year: int) -> Counter[str]:
    """Units shipped since the series start (2022) up to the end of `year` or the latest estimate."""
    cutoff = dt.date(year, 12, 31)
    latest: dict[str, tuple[dt.date, float]] = {}
    folder = data_dir / "epoch-ai/ai-chip-counts/csv_export"
    for filename, column in CHIP_COUNT_FILES.items():
        for r in read_csv(folder / filename):
            end = dt.datetime.strptime(r["End date"], "%m/%d/%Y").date()
            units = num(r[column])
            if end > cutoff or units is None or r["Chip type"] not in CHIP_TYPE_FAMILY:
                continue
            if r["Chip type"] not in latest or latest[r["Chip type"]][0] < end:
                latest[r["Chip type"]] = (end, units)
    base: Counter[str] = Counter()
    for chip_type, (_, units) in latest.items():
        base[CHIP_TYPE_FAMILY[chip_type]] += int(units)
    return base


def build_default_accelerator(data_dir: Path, accelerators: Table, servers: Table) -> Table:
    table = Table(
        name="default_accelerator",
        description=(
            "Most common training accelerator by year: notable-model counts (Epoch, datacenter "
            "accelerators, families grouped) for years the snapshot covers in full; installed base "
            "(Epoch chip counts) afterwards"
        ),
        key=["year"],
        columns=DEFAULT_COLUMNS,
    )
    reps = family_representatives(accelerators)
    default_server = {r["accelerator"]: r for r in curated("hardware_default_servers.csv")}
    server_ids = {str(r["id"]) for r in servers.rows}
    counts = notable_counts(data_dir, epoch_name_to_family(data_dir, accelerators))
    complete = last_complete_year(data_dir)

    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if year <= complete and counts[year]:
            tally, basis, src = counts[year], "epoch_notable_count", "epoch-ai-models"
        else:
            tally, basis, src = installed_base(data_dir, year), "installed_base_estimate", "epoch-ai-chip-counts"
        ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
        family = ranked[0][0]
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            raise SystemExit(f"default_accelerator {year}: tie between {ranked[0][0]} and {ranked[1][0]}")
        accelerator = reps[family]
        choice = default_server.get(accelerator)
        if choice is None or choice["server"] not in server_ids:
            raise SystemExit(f"default_accelerator {year}: no default server for {accelerator}")
        table.add(
            year=year,
            accelerator=accelerator,
            server=choice["server"],
            basis=basis,
            source=sources(src, choice["source"]),
        )
    return table


# --------------------------------------------------------------------------- servers

SERVER_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("", "server model id, or provider/instance-type"),
    "provider": ("", "cloud provider (aws, gcp, azure); empty for a server model"),
    "name": ("", "instance type or server model"),
    "aliases": ("", "'|'-separated other spellings"),
    "accelerator": ("", "id in accelerators"),
    "gpus": ("", "accelerators per server or instance"),
    "cpu_model": ("", "host CPU model"),
    "cpu_sockets": (
        "",
        "CPU sockets attributed to the server or instance (instance vCPUs / host vCPUs x host sockets)",
    ),
    "cpu_tdp": ("W", "TDP per CPU socket"),
    "memory": ("GB", "host memory of the server or instance (GiB values converted exactly)"),
    "other_power": (
        "W",
        "power of everything but GPUs, CPUs and RAM, per server or instance, at full load",
    ),
    "kind": ("", "datacenter (a server model or cloud instance) or workstation (a desktop tower)"),
    "host_idle_power": (
        "W",
        "everything in the server except the accelerators (CPUs, memory, fans, NICs, storage, PSU losses) at "
        "idle; an instance row holds its share of the physical host; empty if not known",
    ),
    "host_max_power": (
        "W",
        "everything in the server except the accelerators at full load; an instance row holds its share of "
        "the physical host; empty if not known",
    ),
    "embodied_low": ("kgCO2e", "embodied emissions of the host WITHOUT accelerators (or the instance's share), low"),
    "embodied": ("kgCO2e", "embodied emissions of the host WITHOUT accelerators (or the instance's share), central"),
    "embodied_high": (
        "kgCO2e",
        "embodied emissions of the host WITHOUT accelerators (or the instance's share), high",
    ),
    "source": ("", "source ids"),
}

# An instance's share of its physical host: the larger of its GPU share and its vCPU share.
SRC_HOST_SHARE = "ftdisclose-host-share-2026"


@dataclass
class CloudSpec:
    """What the CCF instance lists tell about one instance type."""

    gpus: float | None = None
    vcpus: float | None = None
    platform_vcpus: float | None = None
    memory_gib: float | None = None
    cpu_model: str | None = None
    other_power: float | None = None  # Teads "Delta Full Machine", W per instance at full load


def load_ccf(data_dir: Path) -> dict[tuple[str, str], CloudSpec]:
    folder = data_dir / "ccf-coefficients/data"
    specs: dict[tuple[str, str], CloudSpec] = {}
    for r in read_csv(folder / "aws-instances.csv"):
        specs[("aws", r["Instance type"])] = CloudSpec(
            gpus=num(r["Instance Number of GPU"]),
            vcpus=num(r["Instance vCPU"]),
            platform_vcpus=num(r["Platform Total Number of vCPU"]),
            memory_gib=num(r["Instance Memory (in GB)"]),  # AWS sizes memory in GiB
            cpu_model=r["Platform CPU Name"] or None,
            other_power=num(r["Delta Full Machine"]),
        )
    for r in read_csv(folder / "aws-instances-latest-2026.csv"):
        key = ("aws", r["Instance Type"])
        if key not in specs:
            specs[key] = CloudSpec(
                vcpus=num(r["vCPUs"]), memory_gib=num(r["Memory (GiB)"]), cpu_model=r["Platform CPU Name"] or None
            )
    for r in read_csv(folder / "azure-instances.csv"):
        specs[("azure", "Standard_" + r["Virtual Machine"].replace(" ", "_"))] = CloudSpec(
            gpus=num(r["Instance GPUs"]),
            vcpus=num(r["Instance vCPUs"]),
            platform_vcpus=num(r["Platform vCPUs (highest vCPU possible)"]),
            memory_gib=num(r["Instance Memory"]),  # Azure sizes memory in GiB
        )
    for r in read_csv(folder / "gcp-instances.csv"):
        specs[("gcp", r["Machine type"])] = CloudSpec(
            gpus=num(r["Instance GPUs"]),
            vcpus=num(r["Instance vCPUs"]),
            platform_vcpus=num(r["Platform vCPUs (highest vCPU possible)"]),
            memory_gib=None if not r["Instance Memory"] else num(r["Instance Memory"]) / GIB_IN_GB,  # type: ignore[operator]
        )
    for r in read_csv(folder / "gcp-instances-latest-2026.csv"):
        key = ("gcp", r["Instance Type"])
        if key not in specs:
            memory_gb = num(r["Instance Memory"])
            specs[key] = CloudSpec(
                vcpus=num(r["Instance vCPU"]),
                memory_gib=None if memory_gb is None else memory_gb / GIB_IN_GB,  # GCP states GB
                cpu_model=r["CPU Name"] or None,
            )
    return specs


def load_cpu_tdp(data_dir: Path) -> dict[str, float]:
    rows = read_csv(data_dir / "codecarbon/hardware/cpu_power.csv")
    tdps: dict[str, float] = {}
    for r in rows:
        if re.fullmatch(r"\d+(\.\d+)?", (r["TDP"] or "").strip()):  # a few rows hold malformed values
            tdps[r["Name"].strip()] = float(r["TDP"])
    return tdps


def cpu_tdp_for(model: str, table: dict[str, float]) -> float | None:
    """CodeCarbon TDP for a CPU name as the clouds write it (with or without vendor prefix)."""
    plain = re.sub(r"^\d+(st|nd|rd|th) Gen ", "", model).strip()
    for candidate in (plain, f"Intel {plain}", f"AMD {plain}"):
        if candidate in table:
            return table[candidate]
    return None


def memory_power_w_per_gb(data_dir: Path) -> float:
    rows = read_csv(data_dir / "green-algorithms/referenceValues.csv", skip_rows=1)
    return next(float(r["value"]) for r in rows if r["variable"] == "memoryPower")


@dataclass
class HostPower:
    """Power of one physical host without its accelerators, W, and what it holds."""

    idle: float
    max: float
    gpus: float | None
    vcpus: float | None
    source: str


def teads_platform(data_dir: Path, instance: str) -> dict[str, float]:
    """The whole platform behind a CCF/Teads AWS instance row: CPU package, RAM and the rest
    of the machine at idle and at 100 %, scaled from the instance to its platform (package and
    the rest by vCPUs, RAM by memory, as the Teads model does)."""
    for r in read_csv(data_dir / "ccf-coefficients/data/aws-instances.csv"):
        if r["Instance type"] != instance:
            continue
        cpu_scale = float(num(r["Platform Total Number of vCPU"]) / num(r["Instance vCPU"]))  # type: ignore[operator]
        mem_scale = float(num(r["Platform Memory (in GB)"]) / num(r["Instance Memory (in GB)"]))  # type: ignore[operator]
        delta = float(num(r["Delta Full Machine"])) * cpu_scale  # type: ignore[arg-type]
        return {
            "idle": float(num(r["PkgWatt @ Idle"])) * cpu_scale + float(num(r["RAMWatt @ Idle"])) * mem_scale + delta,  # type: ignore[arg-type]
            "max": float(num(r["PkgWatt @ 100%"])) * cpu_scale + float(num(r["RAMWatt @ 100%"])) * mem_scale + delta,  # type: ignore[arg-type]
            "ram_idle": float(num(r["RAMWatt @ Idle"])) * mem_scale,  # type: ignore[arg-type]
            "ram_max": float(num(r["RAMWatt @ 100%"])) * mem_scale,  # type: ignore[arg-type]
            "delta": delta,
            "vcpus": float(num(r["Platform Total Number of vCPU"])),  # type: ignore[arg-type]
            "memory_gb": float(num(r["Platform Memory (in GB)"])) * GIB_IN_GB,  # type: ignore[arg-type]
            "gpus": float(num(r["Platform GPU Quantity"]) or 0),  # type: ignore[arg-type]
        }
    raise SystemExit(f"servers: CCF has no AWS instance {instance}")


# The Teads platform whose RAM and rest-of-machine figures calibrate the PCIe host model.
HOST_MODEL_CALIBRATION = "g4dn.metal"
HOST_IDLE_SHARE = 0.27  # judged idle / max of a GPU host where nothing is measured


def host_profiles(data_dir: Path, accelerators: Table) -> dict[str, HostPower]:
    """Host power (no accelerators) per curated profile: Teads per-instance figures, a vendor
    rating or a measured node less the GPUs, or the CCF per-vCPU model for PCIe GPU hosts."""
    acc_tdp = {str(r["id"]): float(r["tdp"] or 0) for r in accelerators.rows}
    per_vcpu = {
        r["Architecture"]: (float(r["Min Watts"]), float(r["Max Watts"]))
        for r in read_csv(data_dir / "ccf-coefficients/output/coefficients-aws-use.csv")
    }
    calib = teads_platform(data_dir, HOST_MODEL_CALIBRATION)
    ram_idle, ram_max = calib["ram_idle"] / calib["memory_gb"], calib["ram_max"] / calib["memory_gb"]
    delta_per_vcpu = calib["delta"] / calib["vcpus"]
    gpu_tdp = {
        "measured-hgx-h100": acc_tdp["nvidia-h100-sxm5-80gb"],
        "rating-dgx-1": acc_tdp["nvidia-v100-sxm2-16gb"],
        "rating-dgx-2": acc_tdp["nvidia-v100-sxm3-32gb"],
        "rating-dgx-a100": acc_tdp["nvidia-a100-sxm4-80gb"],
        "rating-dgx-b200": acc_tdp["nvidia-b200"],
    }
    out: dict[str, HostPower] = {}
    for r in curated("hardware_host_power.csv"):
        method, name = r["method"], r["profile"]
        if method == "teads":
            t = teads_platform(data_dir, r["platform"])
            out[name] = HostPower(t["idle"], t["max"], t["gpus"], t["vcpus"], r["source"])
        elif method in ("rating", "measured"):
            gpus = float(r["gpus"])
            host_max = float(r["system_max"]) - gpus * gpu_tdp[name]
            out[name] = HostPower(round(host_max * HOST_IDLE_SHARE, -1), host_max, gpus, None, r["source"])
        elif method == "model":
            vcpus = float(r["vcpus"])
            memory = float(r["memory"]) * (GIB_IN_GB if r["memory_unit"] == "GiB" else 1.0)
            low, high = per_vcpu[r["cpu_arch"]]
            out[name] = HostPower(
                vcpus * (low + delta_per_vcpu) + memory * ram_idle,
                vcpus * (high + delta_per_vcpu) + memory * ram_max,
                float(r["gpus"]),
                vcpus,
                r["source"],
            )
        elif method == "given":
            out[name] = HostPower(float(r["idle_w"]), float(r["max_w"]), float(r["gpus"]), None, r["source"])
        else:
            raise SystemExit(f"hardware_host_power.csv: {name} has unknown method {method!r}")
    return out


def server_embodied() -> dict[str, dict[str, str]]:
    return {r["class"]: r for r in curated("hardware_server_embodied.csv")}


def build_servers(data_dir: Path, accelerators: Table) -> Table:
    table = Table(
        name="servers",
        description=(
            "Server models, cloud GPU/accelerator instance types and a desktop workstation. Host power and "
            "embodied emissions exclude the accelerators. An instance row holds its share of the physical "
            "host: the larger of its GPU share and its vCPU share for host power and embodied emissions, its "
            "vCPU share for CPU sockets, its own memory"
        ),
        key=["id"],
        columns=SERVER_COLUMNS,
    )
    acc = {str(r["id"]): r for r in accelerators.rows}
    ccf = load_ccf(data_dir)
    cpu_tdps = load_cpu_tdp(data_dir)
    mem_w_per_gb = memory_power_w_per_gb(data_dir)
    profiles = host_profiles(data_dir, accelerators)
    classes = server_embodied()
    rows = curated("hardware_servers.csv")

    # host size of a family = the largest instance of the family we list, unless CCF states it
    family_vcpus: dict[str, float] = defaultdict(float)
    family_gpus: dict[str, float] = defaultdict(float)
    for cur in rows:
        if cur["provider"]:
            listed = ccf.get((cur["provider"], cur["name"]), CloudSpec())
            family = instance_family(cur["provider"], cur["name"])
            family_vcpus[family] = max(family_vcpus[family], num(cur["vcpus"]) or listed.vcpus or 0.0)
            family_gpus[family] = max(family_gpus[family], num(cur["gpus"]) or listed.gpus or 0.0)

    seen_aliases: dict[str, str] = {}
    for cur in rows:
        provider = cur["provider"]
        spec = ccf.get((provider, cur["name"]), CloudSpec()) if provider else CloudSpec()
        if provider and (provider, cur["name"]) not in ccf and not cur["vcpus"]:
            raise SystemExit(f"servers: {cur['id']} is neither in CCF nor fully curated")
        if cur["accelerator"] and cur["accelerator"] not in acc:
            raise SystemExit(f"servers: {cur['id']} names unknown accelerator {cur['accelerator']}")
        if cur["kind"] not in ("datacenter", "workstation"):
            raise SystemExit(f"servers: {cur['id']} has unknown kind {cur['kind']!r}")

        gpus = num(cur["gpus"]) or spec.gpus
        vcpus = num(cur["vcpus"]) or spec.vcpus
        profile = profiles[cur["host_power"]] if cur["host_power"] else None
        vcpu_share: float | None = 1.0
        gpu_share: float | None = 1.0
        if provider:
            family = instance_family(provider, cur["name"])
            host_vcpus = num(cur["platform_vcpus"]) or spec.platform_vcpus or family_vcpus[family]
            vcpu_share = vcpus / host_vcpus if vcpus and host_vcpus else None
            host_gpus = (profile.gpus if profile else None) or (family_gpus[family] if provider != "azure" else None)
            gpu_share = gpus / host_gpus if gpus and host_gpus else None
        shares = [x for x in (vcpu_share, gpu_share) if x is not None]
        share = max(shares) if shares else None
        if share is not None and share > 1 + 1e-9:
            raise SystemExit(f"servers: {cur['id']} is more than its host ({share:.3f})")

        memory = memory_gb(cur, spec)
        cpu_model = cur["cpu_model"] or spec.cpu_model or ""
        tdp_model = cur["cpu_tdp_model"] or cpu_model
        cpu_tdp = cpu_tdp_for(tdp_model, cpu_tdps) if tdp_model else None
        host_sockets = num(cur["platform_sockets"])
        cpu_sockets = None if host_sockets is None or vcpu_share is None else host_sockets * vcpu_share

        src = [cur["source"]]
        if cpu_tdp is not None:
            src.append("codecarbon-cpu-power")
        other_power = spec.other_power
        max_power = num(cur["max_power"])
        if max_power is not None:
            other_power = other_power_from_max(
                cur["id"],
                max_power=max_power,
                gpus=gpus,
                accelerator=acc.get(cur["accelerator"]),
                cpu_sockets=cpu_sockets,
                cpu_tdp=cpu_tdp,
                memory=memory,
                mem_w_per_gb=mem_w_per_gb,
            )
            if memory:
                src.append("green-algorithms-tdp-gpu")

        host_idle = host_max = None
        if profile is not None and share is not None:
            host_idle, host_max = round(profile.idle * share, 2), round(profile.max * share, 2)
            src.append(profile.source)
        klass = classes[cur["host_class"]]
        emb = [None if share is None else round(float(klass[c]) * share, 2) for c in ("low", "central", "high")]
        src.append(klass["source"])
        if provider and share is not None and share < 1:
            src.append(SRC_HOST_SHARE)

        aliases = unique_aliases(cur["aliases"].split("|"), cur["id"], seen_aliases)
        unique_aliases([cur["id"], cur["name"]], cur["id"], seen_aliases)
        table.add(
            id=cur["id"],
            provider=provider or None,
            name=cur["name"],
            aliases="|".join(aliases) or None,
            accelerator=cur["accelerator"] or None,
            gpus=whole(gpus),
            cpu_model=cpu_model or None,
            cpu_sockets=None if cpu_sockets is None else whole(round(cpu_sockets, 6)),
            cpu_tdp=whole(cpu_tdp),
            memory=None if memory is None else whole(round(memory, 6)),
            other_power=None if other_power is None else whole(round(other_power, 3)),
            kind=cur["kind"],
            host_idle_power=whole(host_idle),
            host_max_power=whole(host_max),
            embodied_low=whole(emb[0]),
            embodied=whole(emb[1]),
            embodied_high=whole(emb[2]),
            source=sources(*src),
        )
    return table


def instance_family(provider: str, name: str) -> str:
    if provider == "aws":
        return f"aws/{name.split('.', maxsplit=1)[0]}"
    return f"{provider}/{name.rsplit('-', 1)[0]}" if provider == "gcp" else f"{provider}/{name}"


def memory_gb(cur: dict[str, str], spec: CloudSpec) -> float | None:
    """Memory in GB: curated value in its stated unit, else CCF (GiB for AWS/Azure, GB for GCP)."""
    value = num(cur["memory"])
    if value is not None:
        unit = cur["memory_unit"]
        if unit not in ("GB", "GiB"):
            raise SystemExit(f"servers: {cur['id']} memory_unit must be GB or GiB")
        return value * GIB_IN_GB if unit == "GiB" else value
    return None if spec.memory_gib is None else spec.memory_gib * GIB_IN_GB


def other_power_from_max(
    server: str,
    *,
    max_power: float,
    gpus: float | None,
    accelerator: Row | None,
    cpu_sockets: float | None,
    cpu_tdp: float | None,
    memory: float | None,
    mem_w_per_gb: float,
) -> float | None:
    """Rest-of-server power so that the model at full load equals the stated system power.

    other = max power - GPUs x GPU TDP - sockets x CPU TDP - memory GB x 0.3725 W/GB.
    With no sockets and no memory (Scope3's 3.43 kW 8 x A100 instance) everything but the
    GPUs lands in other_power, which reproduces Scope3's 0.428 kW per GPU.
    """
    gpu_tdp = accelerator["tdp"] if accelerator else 0
    if gpus is None or gpu_tdp is None or cpu_sockets is None or memory is None:
        return None
    if cpu_sockets and cpu_tdp is None:
        return None
    cpu = cpu_sockets * (cpu_tdp or 0.0)
    gpu_power = gpus * float(gpu_tdp) if accelerator else 0.0  # type: ignore[arg-type]
    other = max_power - gpu_power - cpu - memory * mem_w_per_gb
    if other < 0:
        raise SystemExit(f"servers: {server}: components exceed the stated system power")
    return other


# --------------------------------------------------------------------------- managed services

MANAGED_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("", "managed service id"),
    "name": ("", "service name"),
    "aliases": ("", "'|'-separated other spellings"),
    "provider": ("", "cloud provider that runs it"),
    "server": ("", "id in servers: assumed instance type"),
    "cloud_region": ("", "assumed cloud region"),
    "mfu_low": ("1", "model FLOPs utilisation, low"),
    "mfu": ("1", "model FLOPs utilisation, central"),
    "mfu_high": ("1", "model FLOPs utilisation, high"),
    "source": ("", "source ids"),
}


def epoch_mfu_quartiles(data_dir: Path, since: int = 2022) -> tuple[float, float, float]:
    """Quartiles of reported hardware utilization for models trained on NVIDIA GPUs."""
    values: list[float] = []
    path = data_dir / "epoch-ai/training-cost-trends/all_ml_systems_full_view.csv"
    for r in read_csv(path):
        value = num(r["Hardware utilization"])
        year = r["Publication date"][:4]
        if value is None or not 0 < value <= 1 or not year.isdigit() or int(year) < since:
            continue
        if "NVIDIA" in r["Training hardware"]:
            values.append(value)
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q1, 4), round(median, 4), round(q3, 4)


def build_managed_services(data_dir: Path, servers: Table) -> Table:
    table = Table(
        name="managed_services",
        description="Managed fine-tuning services: assumed instance type, region and MFU range",
        key=["id"],
        columns=MANAGED_COLUMNS,
    )
    server_ids = {str(r["id"]) for r in servers.rows}
    low, central, high = epoch_mfu_quartiles(data_dir)
    seen_aliases: dict[str, str] = {}
    for cur in curated("hardware_managed_services.csv"):
        if cur["server"] not in server_ids:
            raise SystemExit(f"managed_services: {cur['id']} names unknown server {cur['server']}")
        aliases = unique_aliases(cur["aliases"].split("|"), cur["id"], seen_aliases)
        unique_aliases([cur["id"]], cur["id"], seen_aliases)
        table.add(
            id=cur["id"],
            name=cur["name"],
            aliases="|".join(aliases),
            provider=cur["provider"],
            server=cur["server"],
            cloud_region=cur["cloud_region"],
            mfu_low=low,
            mfu=central,
            mfu_high=high,
            source=sources(cur["source"], "epoch-ai-models"),
        )
    return table


# --------------------------------------------------------------------------- entry point


def build(data_dir: Path) -> dict[str, Table]:
    accelerators = build_accelerators(data_dir)
    servers = build_servers(data_dir, accelerators)
    tables = {
        "accelerators": accelerators,
        "default_accelerator": build_default_accelerator(data_dir, accelerators, servers),
        "servers": servers,
        "managed_services": build_managed_services(data_dir, servers),
    }
    check_aliases(accelerators)
    return tables


def check_aliases(accelerators: Table) -> None:
    """No alias or id may resolve to two accelerator rows after normalisation."""
    owner: dict[str, str] = {}
    for row in accelerators.rows:
        for alias in [str(row["id"]), *str(row["aliases"]).split("|")]:
            key = normalise_alias(alias)
            assert owner.setdefault(key, str(row["id"])) == row["id"], (
                f"alias {alias!r} resolves to both {owner[key]} and {row['id']}"
            )
