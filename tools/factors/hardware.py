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
names and aliases, datasheet values missing from Epoch, embodied emissions and water,
server models and instance types, default servers, managed-service assumptions.
"""

from __future__ import annotations

import datetime as dt
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

# Server embodied emissions excluding GPUs, kgCO2e per whole server (low, central, high).
SERVER_EMBODIED = (1000.0, 2500.0, 5700.0)
SERVER_EMBODIED_SOURCES = ["ccf-coefficients", "scope3-genai-methodology-2025", "ecologits-embodied"]

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
    "embodied_low": ("kgCO2e", "embodied emissions per card, low end of the methods"),
    "embodied": ("kgCO2e", "embodied emissions per card, central (Scope3 or manufacturer PCF)"),
    "embodied_high": ("kgCO2e", "embodied emissions per card, high end of the methods"),
    "embodied_water_low": ("L", "manufacturing water per card, low"),
    "embodied_water": ("L", "manufacturing water per card, central"),
    "embodied_water_high": ("L", "manufacturing water per card, high"),
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
        emb = embodied.pop(acc_id, None)
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
        }
        for col in (
            "embodied_low",
            "embodied",
            "embodied_high",
            "embodied_water_low",
            "embodied_water",
            "embodied_water_high",
        ):
            row[col] = whole(num(emb[col])) if emb else None
        if emb:
            src.append(emb["source"])
        row["source"] = sources(*src)
        table.add(**row)

    if embodied:
        raise SystemExit(f"hardware_embodied.csv names unknown accelerators: {sorted(embodied)}")
    return table


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
    "embodied_low": ("kgCO2e", "embodied emissions excluding GPUs, low (CCF base rack server)"),
    "embodied": ("kgCO2e", "embodied emissions excluding GPUs, central (Scope3)"),
    "embodied_high": ("kgCO2e", "embodied emissions excluding GPUs, high (EcoLogits/BoaviztAPI p5.48xlarge)"),
    "source": ("", "source ids"),
}


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


def build_servers(data_dir: Path, accelerators: Table) -> Table:
    table = Table(
        name="servers",
        description=(
            "Server models and cloud GPU/accelerator instance types. Instance rows hold the "
            "instance's share of its host: CPU sockets and embodied emissions scale with "
            "instance vCPUs / host vCPUs"
        ),
        key=["id"],
        columns=SERVER_COLUMNS,
    )
    acc = {str(r["id"]): r for r in accelerators.rows}
    ccf = load_ccf(data_dir)
    cpu_tdps = load_cpu_tdp(data_dir)
    mem_w_per_gb = memory_power_w_per_gb(data_dir)
    rows = curated("hardware_servers.csv")

    # host size of a family = the largest instance of the family we list, unless CCF states it
    family_vcpus: dict[str, float] = defaultdict(float)
    for cur in rows:
        if cur["provider"]:
            listed = ccf.get((cur["provider"], cur["name"]), CloudSpec())
            family = instance_family(cur["provider"], cur["name"])
            family_vcpus[family] = max(family_vcpus[family], num(cur["vcpus"]) or listed.vcpus or 0.0)

    seen_aliases: dict[str, str] = {}
    for cur in rows:
        provider = cur["provider"]
        spec = ccf.get((provider, cur["name"]), CloudSpec()) if provider else CloudSpec()
        if provider and (provider, cur["name"]) not in ccf and not cur["vcpus"]:
            raise SystemExit(f"servers: {cur['id']} is neither in CCF nor fully curated")
        if cur["accelerator"] not in acc:
            raise SystemExit(f"servers: {cur['id']} names unknown accelerator {cur['accelerator']}")

        gpus = num(cur["gpus"]) or spec.gpus
        vcpus = num(cur["vcpus"]) or spec.vcpus
        share: float | None = 1.0
        if provider:
            host_vcpus = (
                num(cur["platform_vcpus"])
                or spec.platform_vcpus
                or family_vcpus[instance_family(provider, cur["name"])]
            )
            share = vcpus / host_vcpus if vcpus and host_vcpus else None

        memory = memory_gb(cur, spec)
        cpu_model = cur["cpu_model"] or spec.cpu_model or ""
        tdp_model = cur["cpu_tdp_model"] or cpu_model
        cpu_tdp = cpu_tdp_for(tdp_model, cpu_tdps) if tdp_model else None
        host_sockets = num(cur["platform_sockets"])
        cpu_sockets = None if host_sockets is None or share is None else host_sockets * share

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
                accelerator=acc[cur["accelerator"]],
                cpu_sockets=cpu_sockets,
                cpu_tdp=cpu_tdp,
                memory=memory,
                mem_w_per_gb=mem_w_per_gb,
            )
            if memory:
                src.append("green-algorithms-tdp-gpu")

        aliases = unique_aliases(cur["aliases"].split("|"), cur["id"], seen_aliases)
        unique_aliases([cur["id"], cur["name"]], cur["id"], seen_aliases)
        emb = [None if share is None else round(v * share, 2) for v in SERVER_EMBODIED]
        table.add(
            id=cur["id"],
            provider=provider or None,
            name=cur["name"],
            aliases="|".join(aliases) or None,
            accelerator=cur["accelerator"],
            gpus=whole(gpus),
            cpu_model=cpu_model or None,
            cpu_sockets=None if cpu_sockets is None else whole(round(cpu_sockets, 6)),
            cpu_tdp=whole(cpu_tdp),
            memory=None if memory is None else whole(round(memory, 6)),
            other_power=None if other_power is None else whole(round(other_power, 3)),
            embodied_low=whole(emb[0]),
            embodied=whole(emb[1]),
            embodied_high=whole(emb[2]),
            source=sources(*src, SERVER_EMBODIED_SOURCES),
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
    accelerator: Row,
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
    gpu_tdp = accelerator["tdp"]
    if gpus is None or gpu_tdp is None or cpu_sockets is None or memory is None:
        return None
    if cpu_sockets and cpu_tdp is None:
        return None
    cpu = cpu_sockets * (cpu_tdp or 0.0)
    other = max_power - gpus * float(gpu_tdp) - cpu - memory * mem_w_per_gb  # type: ignore[arg-type]
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
