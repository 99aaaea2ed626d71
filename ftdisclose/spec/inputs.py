"""The names of the computation's inputs, and where an input's value came from.

Every input the resolve stage fills has one name here: the dotted path of its spec field
(``infrastructure.cluster.gpu.tdp``), or ``method.<name>`` for the method's own constants,
which are not spec fields. Code that reads an input names it through ``Name``; the JSON
output writes the same strings (cli.md). A run of ``operational.runs`` has its own inputs,
named by ``run_input``.
"""

from __future__ import annotations

from enum import StrEnum


class Origin(StrEnum):
    """Where a resolved input's value came from (cli.md: the five origins)."""

    DISCLOSED = "disclosed"
    DERIVED = "derived"
    MEASURED = "measured"
    DEFAULT = "default"
    FETCHED = "fetched"

    @property
    def stated(self) -> bool:
        """The publisher stated it, or it follows from what they stated."""
        return self in (Origin.DISCLOSED, Origin.DERIVED, Origin.MEASURED)


class Name(StrEnum):
    """Every input of the computation, by the dotted path the outputs use."""

    # the model and the method
    METHOD = "model.method"
    PARAMETERS = "model.parameters"
    YEAR = "method.year"
    FLOPS_FACTOR = "method.flops_factor"
    MFU = "method.mfu"
    PEAK_FLOPS = "method.peak_flops"
    # where
    MANAGED_SERVICE = "infrastructure.managed_service"
    PROVIDER = "infrastructure.provider"
    SITE = "infrastructure.site"
    CLOUD_REGION = "infrastructure.location.cloud_region"
    COUNTRY = "infrastructure.location.country"
    GRID_ZONE = "infrastructure.location.grid_zone"
    PUE = "infrastructure.datacenter.pue"
    WUE = "infrastructure.datacenter.wue"
    # the hardware
    INSTANCE_TYPE = "infrastructure.cluster.instance_type"
    SERVER_MODEL = "infrastructure.cluster.server_model"
    SERVERS = "infrastructure.cluster.servers"
    GPU_MODEL = "infrastructure.cluster.gpu.model"
    GPU_COUNT = "infrastructure.cluster.gpu.count"
    GPU_TDP = "infrastructure.cluster.gpu.tdp"
    GPU_IDLE_POWER = "infrastructure.cluster.gpu.idle_power"
    GPU_AVERAGE_POWER = "infrastructure.cluster.gpu.average_power"
    GPU_EMBODIED = "infrastructure.cluster.gpu.embodied"
    GPU_EMBODIED_WATER = "infrastructure.cluster.gpu.embodied_water"
    GPU_IDLE_FRACTION = "method.gpu_idle_fraction"
    GPU_POWER_FRACTION = "method.gpu_power_fraction"
    GPU_MEMORY = "method.gpu_memory"
    MEMORY_PER_PARAMETER = "method.memory_per_parameter"
    TYPICAL_RUN_LENGTH = "method.typical_run_length"
    CPU_COUNT = "infrastructure.cluster.cpu.count"
    CPU_TDP = "infrastructure.cluster.cpu.tdp"
    CPU_IDLE_FRACTION = "method.cpu_idle_fraction"
    MEMORY = "infrastructure.cluster.memory"
    MEMORY_POWER = "method.memory_power"
    OTHER_POWER = "method.other_power"
    HOST_IDLE_POWER = "method.host_idle_power"
    HOST_MAX_POWER = "method.host_max_power"
    SERVER_POWER = "infrastructure.cluster.server_power"
    SERVER_EMBODIED = "infrastructure.cluster.server_embodied"
    HARDWARE_LIFE = "infrastructure.cluster.hardware_life"
    RESERVED_SHARE = "infrastructure.cluster.hardware_reserved_share"
    # the run
    START = "operational.start"
    DURATION = "operational.duration"
    RESERVED_TIME = "operational.reserved_time"
    GPU_HOURS = "operational.gpu_hours"
    TOKENS = "operational.tokens"
    GPU_UTILIZATION = "operational.gpu_utilization"
    CPU_UTILIZATION = "operational.cpu_utilization"
    ENERGY = "operational.energy"
    ENERGY_CORRECTION = "operational.energy.correction"
    IDLE_ENERGY = "operational.idle_energy"
    TRAINING_FLOPS = "model.training_flops"
    CARBON_INTENSITY = "operational.carbon_intensity"
    WATER_INTENSITY = "operational.electricity_water_intensity"
    # use
    INFERENCES_PER_DAY = "usage.inferences_per_day"
    USE_LIFE = "usage.use_life"


class RunField(StrEnum):
    """The inputs each run of ``operational.runs`` has of its own."""

    DURATION = "duration"
    RESERVED_TIME = "reserved_time"
    ENERGY = "energy"
    TOKENS = "tokens"


def run_input(index: int, field: RunField) -> str:
    """The name of a run's own input: ``operational.runs.0.duration``."""
    return f"operational.runs.{index}.{field}"
