"""``python -m ftdisclose.units.cache``: regenerate units_cache.json from the registry."""

from __future__ import annotations

from ftdisclose.units import write_cache

if __name__ == "__main__":
    print(f"wrote {write_cache()}")
