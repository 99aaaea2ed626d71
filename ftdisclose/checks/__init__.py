"""Checks of a valid disclosure (methodology §7, codes FTD4xx).

``consistency`` compares disclosed fields with each other and needs no factor tables;
``figures`` compares the disclosure's figures with its resolved inputs and, when there
is a computation, with the recomputed ranges. The pipeline runs both, for ``validate``
and ``compute`` alike.
"""

from __future__ import annotations

from ftdisclose.checks.disclosed import consistency
from ftdisclose.checks.plausible import plausibility
from ftdisclose.checks.recomputed import figures

__all__ = ["consistency", "figures", "plausibility"]
