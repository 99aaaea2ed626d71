"""Spec 1.0: the shape of a fine-tuning disclosure.

Field names are a contract (see docs/reference/spec.md, generated from these models).
Every field says what it is, its unit dimension and an example. Anything not disclosed
is left out, never written as 0; keys starting with ``x-`` are extensions, kept in the
file and ignored here.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ftdisclose.spec.types import (
    PUE,
    CarbonIntensity,
    Count,
    Date,
    Duration,
    Emissions,
    Energy,
    GpuTime,
    Lifetime,
    Memory,
    PositiveCount,
    Power,
    Share,
    Timestamp,
    Utilization,
    WaterIntensity,
    WaterVolume,
)

SPEC_VERSION = "1.0"
EXTENSION_PREFIX = "x-"

Method = Literal["full", "lora", "qlora", "adapter", "prompt-tuning", "other"]
EnergySource = Literal["codecarbon", "wall-meter", "nvml", "provider", "other"]
Boundary = Literal["gpu", "cpu", "ram", "server", "network", "storage", "facility", "other"]
RunStatus = Literal["completed", "failed", "stopped", "trial"]


def _allow_extensions(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {"description": "An extension: any value, ignored by ftdisclose."}}


class SpecModel(BaseModel):
    """Base of every block: unknown keys are errors, ``x-`` keys are extensions."""

    # defer_build: a model's validator is built when it first validates, so a 1.1 file never
    # pays for building the 1.0 tree, and a CLI start that validates nothing builds nothing
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra=_allow_extensions,
        hide_input_in_errors=True,
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith(EXTENSION_PREFIX))}
        return data


class Model(SpecModel):
    """The fine-tuned model."""

    name: str = Field(
        min_length=1, description="Name of the fine-tuned model, as published.", examples=["munin-7b-alpha-instruct"]
    )
    base_model: str | None = Field(
        None,
        min_length=1,
        description="The model that was fine-tuned (Scope3's 'based model').",
        examples=["danish-foundation-models/munin-7b-alpha"],
    )
    parameters: Count | None = Field(
        None, description='Parameters of the base model: a count, written 7.24e9 or "7.24B".', examples=["7.24B"]
    )
    method: Method | None = Field(
        None,
        description="Fine-tuning method. LoRA, QLoRA, adapters and prompt tuning freeze the base weights.",
        examples=["lora"],
    )
    published: Date | None = Field(
        None, description="Date the fine-tuned model was published (YYYY-MM-DD).", examples=["2024-01-20"]
    )


class Location(SpecModel):
    """Where the fine-tuning ran."""

    country: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2}$",
        description="ISO 3166-1 alpha-2 country code. Quote it in YAML (NO is Norway).",
        examples=["DK"],
    )
    grid_zone: str | None = Field(
        None,
        min_length=1,
        description="Grid zone: a bidding zone, eGRID subregion, ISO 3166-2 subdivision or Electricity Maps zone.",
        examples=["DK2"],
    )
    cloud_region: str | None = Field(
        None, min_length=1, description="Cloud region id of `provider`.", examples=["us-west-2"]
    )


class Datacenter(SpecModel):
    """Efficiency of the datacenter that hosted the run."""

    pue: PUE | None = Field(
        None, description="Power usage effectiveness: facility energy / IT energy (>= 1).", examples=[1.1]
    )
    wue: WaterIntensity | None = Field(
        None,
        description="On-site water usage effectiveness: water consumed for cooling per kWh of IT energy.",
        examples=["1.8 L/kWh"],
    )


class Gpu(SpecModel):
    """The accelerators (per-GPU values; `count` is every GPU across all servers)."""

    model: str | None = Field(
        None,
        min_length=1,
        description="Accelerator model, as NVML or the vendor names it.",
        examples=["NVIDIA A100 SXM4 80GB"],
    )
    count: PositiveCount | None = Field(None, description="GPUs used, across all servers.", examples=[4])
    tdp: Power | None = Field(None, description="Thermal design power of one GPU.", examples=["400 W"])
    idle_power: Power | None = Field(None, description="Power of one idle GPU.", examples=["50 W"])
    embodied: Emissions | None = Field(
        None, description="Embodied (manufacturing) emissions of one GPU.", examples=["318 kgCO2e"]
    )
    embodied_water: WaterVolume | None = Field(
        None, description="Water consumed to manufacture one GPU.", examples=["412 L"]
    )


class Cpu(SpecModel):
    """The host CPUs (`count` is every socket across all servers; `tdp` is per socket)."""

    model: str | None = Field(None, min_length=1, description="CPU model.", examples=["AMD EPYC 7763"])
    count: PositiveCount | None = Field(None, description="CPU sockets used, across all servers.", examples=[2])
    tdp: Power | None = Field(None, description="Thermal design power of one CPU socket.", examples=["205 W"])


class Cluster(SpecModel):
    """The hardware: servers, GPUs, CPUs, memory."""

    servers: PositiveCount | None = Field(None, description="Number of servers (nodes).", examples=[1])
    server_model: str | None = Field(
        None,
        min_length=1,
        description="Server model, for on-premises hardware.",
        examples=["HPE Apollo 6500 Gen10 Plus"],
    )
    instance_type: str | None = Field(
        None, min_length=1, description="Cloud instance type of `provider`.", examples=["p4d.24xlarge"]
    )
    gpu: Gpu | None = Field(
        None, description="The accelerators.", examples=[{"model": "NVIDIA A100 SXM4 80GB", "count": 4}]
    )
    cpu: Cpu | None = Field(None, description="The host CPUs.", examples=[{"model": "AMD EPYC 7763", "count": 2}])
    memory: Memory | None = Field(None, description="Host memory (RAM) across all servers.", examples=["512 GB"])
    server_power: Power | None = Field(
        None,
        description="Power of one server at the run's load; replaces the component power model.",
        examples=["3.43 kW"],
    )
    server_embodied: Emissions | None = Field(
        None, description="Embodied emissions of one server, GPUs excluded.", examples=["2500 kgCO2e"]
    )
    hardware_life: Lifetime | None = Field(
        None, description="Service life that embodied impacts are spread over.", examples=["4 y"]
    )
    hardware_reserved_share: Share | None = Field(
        None,
        description="Share of its life the hardware is reserved for work (Scope3's 'utilization').",
        examples=["95%"],
    )


class Infrastructure(SpecModel):
    """Where and on what the fine-tuning ran."""

    managed_service: str | None = Field(
        None, min_length=1, description="Managed fine-tuning service, when one was used.", examples=["aws-bedrock"]
    )
    provider: str | None = Field(
        None, min_length=1, description="Cloud provider (aws, gcp, azure, ...) or on-premises.", examples=["aws"]
    )
    location: Location | None = Field(None, description="Where the run took place.", examples=[{"country": "DK"}])
    datacenter: Datacenter | None = Field(None, description="Datacenter efficiency.", examples=[{"pue": 1.1}])
    cluster: Cluster | None = Field(None, description="The hardware.", examples=[{"servers": 1}])


class EnergyMeasurement(SpecModel):
    """A measurement of the run's energy."""

    # `energy: 0.694 kWh` is accepted for {value: 0.694 kWh}; the schema says so too
    shorthand: ClassVar[str] = "energy"

    value: Energy = Field(description="The measured energy.", examples=["0.694 kWh"])
    source: EnergySource | None = Field(None, description="What measured it.", examples=["codecarbon"])
    boundary: list[Boundary] | None = Field(
        None, min_length=1, description="What the measurement covers.", examples=[["gpu", "cpu", "ram"]]
    )
    includes_pue: bool | None = Field(
        None,
        description="True when the value already includes datacenter overhead (PUE); it is then never applied again.",
        examples=[False],
    )
    correction: float | None = Field(
        None,
        gt=0.5,
        lt=2.0,
        description="Calibration factor to a wall meter (seed 003: wall / CodeCarbon = 1.09).",
        examples=[1.09],
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `energy: 0.694 kWh` is the common case: read it as {value: 0.694 kWh}
        if isinstance(data, str):
            return {"value": data}
        if isinstance(data, dict) and "unit" in data and "value" in data and set(data) <= {"value", "unit"}:
            return {"value": data}
        return data


class Run(SpecModel):
    """One run that counts toward the total: a hyper-parameter trial, a failed or restarted run."""

    name: str | None = Field(None, min_length=1, description="Run name.", examples=["trial-1"])
    status: RunStatus | None = Field(None, description="How the run ended.", examples=["trial"])
    duration: Duration | None = Field(None, description="Active time of this run.", examples=["1.5 h"])
    reserved_time: Duration | None = Field(
        None, description="Time the hardware was held for this run.", examples=["2 h"]
    )
    gpu_hours: GpuTime | None = Field(None, description="GPU-hours of this run.", examples=["6 h"])
    tokens: Count | None = Field(None, description="Tokens seen in this run, padding included.", examples=[12000])
    energy: Energy | None = Field(None, description="Measured energy of this run.", examples=["0.2 kWh"])


class Operational(SpecModel):
    """What happened during the run."""

    start: Timestamp | None = Field(
        None, description="Start, ISO 8601 with a time zone.", examples=["2024-07-06T17:01:00Z"]
    )
    end: Timestamp | None = Field(
        None, description="End, ISO 8601 with a time zone.", examples=["2024-07-07T05:01:00Z"]
    )
    duration: Duration | None = Field(None, description="Active fine-tuning time.", examples=["12 h"])
    reserved_time: Duration | None = Field(
        None, description="Wall-clock time the hardware was held (billed).", examples=["12 h"]
    )
    gpu_hours: GpuTime | None = Field(None, description="GPUs x active hours.", examples=["48 h"])
    gpu_utilization: Utilization | None = Field(
        None, description="Average GPU utilisation over the run.", examples=["47%"]
    )
    cpu_utilization: Utilization | None = Field(
        None, description="Average CPU utilisation over the run.", examples=["12%"]
    )
    tokens: Count | None = Field(
        None, description="Training tokens seen, padding included, over all epochs.", examples=[48123]
    )
    samples: Count | None = Field(None, description="Training samples (examples) per epoch.", examples=[21300])
    epochs: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="Passes over the training data.", examples=[1]
    )
    energy: EnergyMeasurement | None = Field(
        None,
        description="Measured energy, when there is a measurement.",
        examples=[{"value": "0.694 kWh", "source": "codecarbon"}],
    )
    carbon_intensity: CarbonIntensity | None = Field(
        None, description="Average grid carbon intensity over the run (location-based).", examples=["82.5 gCO2e/kWh"]
    )
    carbon_intensity_source: str | None = Field(
        None,
        min_length=1,
        description="Where the intensity comes from.",
        examples=["Energi Data Service CO2Emis, DK2, hourly over the run"],
    )
    electricity_water_intensity: WaterIntensity | None = Field(
        None, description="Water consumed to generate the electricity (EWIF).", examples=["3.1 L/kWh"]
    )
    runs: list[Run] | None = Field(
        None,
        min_length=1,
        description="Every run that counts (trials, failed runs); their times and energies add up to the totals.",
        examples=[[{"name": "trial-1", "duration": "1.5 h"}]],
    )


class Usage(SpecModel):
    """How the fine-tuned model is used, for the amortised per-inference share."""

    use_life: Lifetime | None = Field(
        None, description="Expected use life of the fine-tuned model.", examples=["365 d"]
    )
    inferences_per_day: Count | None = Field(None, description="Inferences served per day.", examples=[1000])
    refresh_interval: Duration | None = Field(
        None,
        description="Continuous fine-tuning: time until the next fine-tune, which is then the use life.",
        examples=["1 d"],
    )


class Reported(SpecModel):
    """What the publisher states; `validate` recomputes and compares."""

    energy: Energy | None = Field(None, description="Reported energy.", examples=["0.694 kWh"])
    emissions: Emissions | None = Field(None, description="Reported emissions (CO2e).", examples=["57 gCO2e"])
    water: WaterVolume | None = Field(None, description="Reported water consumption.", examples=["1.2 L"])


class Disclosure(SpecModel):
    """A fine-tuning carbon disclosure, spec version 1.0."""

    spec_version: Literal["1.0"] = Field(description="Version of this spec; selects the schema.", examples=["1.0"])
    factors_version: str | None = Field(
        None,
        pattern=r"^\d{4}\.\d+$",
        description="Factor-table version to compute with (default: the newest shipped).",
        examples=["2026.1"],
    )
    model: Model = Field(description="The fine-tuned model.", examples=[{"name": "munin-7b-alpha-instruct"}])
    infrastructure: Infrastructure | None = Field(
        None, description="Hardware, location, datacenter.", examples=[{"provider": "aws"}]
    )
    operational: Operational | None = Field(
        None, description="Time, utilisation, tokens, measured energy.", examples=[{"duration": "12 h"}]
    )
    usage: Usage | None = Field(
        None,
        description="Use life and inferences, for amortisation.",
        examples=[{"use_life": "365 d", "inferences_per_day": 1000}],
    )
    reported: Reported | None = Field(
        None, description="Figures the publisher states.", examples=[{"emissions": "57 gCO2e"}]
    )
