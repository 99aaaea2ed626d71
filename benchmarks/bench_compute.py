"""Time `ftdisclose compute` on N disclosures against check-jsonschema on the same files.

Usage: python benchmarks/bench_compute.py [--files 1000] [--repeat 3]

Target (issue "compute"): computing N disclosures in one process takes no longer than
check-jsonschema validating the same files against the exported schema. Also prints the
in-process cost per file and the peak memory for N/10 and N files (it should stay flat).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validate import ROOT, SCHEMA, compile_bytecode, generate, per_file_seconds, timed, timed_together


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    ftd = [str(bindir / "ftdisclose")] if (bindir / "ftdisclose").exists() else [sys.executable, "-m", "ftdisclose"]
    cj = [str(bindir / "check-jsonschema")]
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        files = [str(p) for p in generate(Path(tmp), args.files) if p.suffix != ".md"]
        small = files[: max(1, len(files) // 10)]
        (c_t, c_m, _), (f_t, f_m, f_rc) = timed_together(
            [[*cj, "--schemafile", str(SCHEMA), *files], [*ftd, "compute", "--format", "json", *files]], args.repeat
        )
        s_t, s_m, _ = timed([*ftd, "compute", "--format", "json", *small], args.repeat)
        sys.path.insert(0, str(ROOT))
        from ftdisclose import api

        per_file = per_file_seconds(api.compute, [Path(f) for f in files])
    print(f"files: {len(files)} (yaml + json)")
    print(f"check-jsonschema validate : {c_t:8.3f} s  peak {c_m / 1024:6.1f} MiB")
    print(f"ftdisclose compute        : {f_t:8.3f} s  peak {f_m / 1024:6.1f} MiB  (exit {f_rc})")
    print(f"ratio compute / validate  : {f_t / c_t:8.2f}   (target <= 1.00)")
    print(
        f"ftdisclose compute, {len(small):>4} files: {s_t:6.3f} s  peak {s_m / 1024:6.1f} MiB (memory flat as N grows)"
    )
    print(f"in-process compute        : {per_file * 1e3:8.3f} ms per file")


if __name__ == "__main__":
    main()
