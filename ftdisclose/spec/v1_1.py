"""Spec 1.1: what 1.0 has, plus optional fields (additive; every 1.0 file converts as it is).

New: ``infrastructure.site``, ``infrastructure.cluster.gpu.average_power``,
``operational.idle_energy``, ``model.training_flops``, ``model.base_model_relation``,
``operational.runs[].stage`` and ``reported.emissions_market_based``, ``water_onsite``,
``water_offsite``. Each block that gains a field, or holds a block that does, is a
subclass of its 1.0 model here; the rest is 1.0's own.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ftdisclose.spec import v1_0
from ftdisclose.spec.types import Count, Emissions, Energy, Power, WaterVolume

SPEC_VERSION = "1.1"

Site = Literal["datacenter", "workstation"]
BaseModelRelation = Literal["adapter", "finetune", "quantized", "merge"]
Stage = Literal["train", "eval", "hpo", "data-generation", "other"]

# the 1.0 blocks 1.1 keeps as they are
Location = v1_0.Location
Datacenter = v1_0.Datacenter
Cpu = v1_0.Cpu
EnergyMeasurement = v1_0.EnergyMeasurement
Usage = v1_0.Usage


class Model(v1_0.Model):
    """The fine-tuned model."""

    training_flops: Count | None = Field(
        None,
        description="Floating-point operations of this fine-tune (a count, FLOP). When absent it is estimated "
        "as k x parameters x tokens.",
        examples=[3.2e21],
    )
    base_model_relation: BaseModelRelation | None = Field(
        None,
        description="How the model derives from base_model, in the Hugging Face Hub's vocabulary.",
        examples=["adapter"],
    )


class Gpu(v1_0.Gpu):
    """The accelerators (per-GPU values; `count` is every GPU across all servers)."""

    average_power: Power | None = Field(
        None,
        description="Measured mean power draw of one GPU over the run (e.g. from nvidia-smi or NVML); "
        "replaces TDP x utilisation.",
        examples=["280 W"],
    )


class Cluster(v1_0.Cluster):
    """The hardware: servers, GPUs, CPUs, memory."""

    gpu: Gpu | None = Field(
        None, description="The accelerators.", examples=[{"model": "NVIDIA A100 SXM4 80GB", "count": 4}]
    )


class Infrastructure(v1_0.Infrastructure):
    """Where and on what the fine-tuning ran."""

    site: Site | None = Field(
        None,
        description="Where the hardware stands: a datacenter (the default), or a workstation or desktop "
        "(PUE 1, no cooling water, desktop embodied emissions).",
        examples=["workstation"],
    )
    cluster: Cluster | None = Field(None, description="The hardware.", examples=[{"servers": 1}])


class Run(v1_0.Run):
    """One run that counts toward the total: a trial, an evaluation, a failed or restarted run."""

    stage: Stage | None = Field(
        None,
        description="What the run was for: train, eval, hpo (a hyper-parameter trial), data-generation or "
        "other. Stages are reported apart and summed.",
        examples=["hpo"],
    )


class Operational(v1_0.Operational):
    """What happened during the run."""

    idle_energy: Energy | None = Field(
        None,
        description="Energy the publisher counts outside the run's own devices (idle nodes, network), "
        "added to the IT energy.",
        examples=["1200 kWh"],
    )
    runs: list[Run] | None = Field(  # type: ignore[assignment]
        None,
        min_length=1,
        description="Every run that counts (trials, evaluations, failed runs); their times and energies add "
        "up to the totals.",
        examples=[[{"name": "trial-1", "stage": "hpo", "duration": "1.5 h"}]],
    )


class Reported(v1_0.Reported):
    """What the publisher states; `validate` recomputes and compares."""

    emissions_market_based: Emissions | None = Field(
        None,
        description="Reported market-based emissions (after renewable energy purchases); shown beside the "
        "location-based figure, never compared with it.",
        examples=["0 tCO2e"],
    )
    water_onsite: WaterVolume | None = Field(
        None, description="Reported on-site (cooling) water consumption.", examples=["1200 L"]
    )
    water_offsite: WaterVolume | None = Field(
        None, description="Reported off-site water consumed to generate the electricity.", examples=["3.1 kL"]
    )


class Disclosure(v1_0.Disclosure):
    """A fine-tuning carbon disclosure, spec version 1.1."""

    spec_version: Literal["1.1"] = Field(  # type: ignore[assignment]
        description="Version of this spec; selects the schema.", examples=["1.1"]
    )
    model: Model = Field(description="The fine-tuned model.", examples=[{"name": "munin-7b-alpha-instruct"}])
    infrastructure: Infrastructure | None = Field(
        None, description="Hardware, location, datacenter.", examples=[{"provider": "aws"}]
    )
    operational: Operational | None = Field(
        None, description="Time, utilisation, tokens, measured energy.", examples=[{"duration": "12 h"}]
    )
    reported: Reported | None = Field(
        None, description="Figures the publisher states.", examples=[{"emissions": "57 gCO2e"}]
    )


def from_1_0(data: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 disclosure as 1.1 data: every 1.0 field means the same in 1.1, so only the version changes."""
    return {**data, "spec_version": SPEC_VERSION}
