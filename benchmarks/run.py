"""All benchmarks in one command: validate, then compute, against check-jsonschema.

Usage: python benchmarks/run.py [--files 1000] [--repeat 3]

Prints each benchmark's table (times, ratios to check-jsonschema on the same files in the
same run, peak memory). Targets: validate one file <= 1.0x check-jsonschema; 1,000 files
<= 0.5x; compute 1,000 files <= 1.0x; peak memory flat as N grows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    args = sys.argv[1:]
    for script in ("bench_validate.py", "bench_compute.py"):
        print(f"== {script} {' '.join(args)}", flush=True)
        code = subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode
        if code:
            return code
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
