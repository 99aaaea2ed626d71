"""The blocks of a disclosure, each present (an empty block where the disclosure has none).

The steps of the resolve stage read fields as ``b.gpu.tdp`` without checking every level
for ``None``; a block the disclosure leaves out reads as all-``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ftdisclose.spec import v1_1


@dataclass(frozen=True)
class Blocks:
    disclosure: v1_1.Disclosure
    model: v1_1.Model
    infra: v1_1.Infrastructure
    location: v1_1.Location
    datacenter: v1_1.Datacenter
    cluster: v1_1.Cluster
    gpu: v1_1.Gpu
    cpu: v1_1.Cpu
    op: v1_1.Operational
    usage: v1_1.Usage


def blocks(d: v1_1.Disclosure) -> Blocks:
    # an absent block is the model with every field at its default: made without validation
    # (there is nothing to validate), so its validator is never built for a file that lacks it
    infra = d.infrastructure or v1_1.Infrastructure.model_construct()
    cluster = infra.cluster or v1_1.Cluster.model_construct()
    return Blocks(
        d,
        d.model,
        infra,
        infra.location or v1_1.Location.model_construct(),
        infra.datacenter or v1_1.Datacenter.model_construct(),
        cluster,
        cluster.gpu or v1_1.Gpu.model_construct(),
        cluster.cpu or v1_1.Cpu.model_construct(),
        d.operational or v1_1.Operational.model_construct(),
        d.usage or v1_1.Usage.model_construct(),
    )
