"""Time `ftdisclose validate` against check-jsonschema on the same generated files.

Usage: python benchmarks/bench_validate.py [--files 1000] [--repeat 3]

Generates N disclosures (YAML, JSON and model cards, varied from the shipped examples),
then times, in the same run and on the same files:
  - `ftdisclose validate` on one file and on all N (the CLI, one process; and with -j 0,
    one process per CPU, for information: the targets are for one process);
  - `check-jsonschema --schemafile schema/ftdisclose-1.0.schema.json` on the same;
  - validate in-process (the Python API) per file;
and prints the ratios and each command's peak memory (max RSS).
Targets: one file <= 1.0x check-jsonschema's time; N files <= 0.5x.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "ftdisclose-1.0.schema.json"


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """N disclosures: a third YAML, a third JSON, a third model cards."""
    import yaml

    rng = random.Random(seed)
    bases = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    paths = []
    for i in range(count):
        data = json.loads(json.dumps(rng.choice(bases), default=lambda v: v.isoformat()))
        data["model"]["name"] = f"model-{i}"
        op = data.setdefault("operational", {})
        op["duration"] = f"{rng.uniform(0.5, 200):.3f} {rng.choice(['h', 'min', 'd'])}"
        op["gpu_utilization"] = f"{rng.randint(10, 100)}%"
        for key in ("reserved_time", "end", "gpu_hours"):  # keep the generated file consistent
            op.pop(key, None)
        kind = i % 3
        if kind == 0:
            path = folder / f"d{i:05d}.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False))
        elif kind == 1:
            path = folder / f"d{i:05d}.json"
            path.write_text(json.dumps(data, indent=2))
        else:
            path = folder / f"card{i:05d}.md"
            front = yaml.safe_dump({"license": "apache-2.0", "carbon_disclosure": data}, sort_keys=False)
            path.write_text(f"---\n{front}---\n\n# model-{i}\n\nA fine-tuned model.\n")
        paths.append(path)
    return paths


def compile_bytecode() -> None:
    """Write the bytecode of the ftdisclose being timed, as ``pip install`` does for a user.

    An editable checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile every module
    from source on each start, which no installed copy does (check-jsonschema's is compiled).
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("ftdisclose")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def per_file_seconds(fn: Callable[[Path], object], files: list[Path]) -> float:
    """Mean in-process time of ``fn`` over ``files``, after one warm-up call."""
    fn(files[0])
    start = time.perf_counter()
    for path in files:
        fn(path)
    return (time.perf_counter() - start) / len(files)


def _once(cmd: list[str]) -> tuple[float, int, int]:
    """Wall time (s), peak RSS (KiB) and exit code of one run of ``cmd``, measured from a fresh probe."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        f"r = subprocess.run({cmd!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "t = time.perf_counter() - t\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    t, rss, rc = out.split()
    return float(t), int(rss), int(rc)


def timed(cmd: list[str], repeat: int) -> tuple[float, int, int]:
    """Median wall time (s), peak RSS (KiB) and exit code of ``cmd``."""
    return timed_together([cmd], repeat)[0]


def timed_together(cmds: list[list[str]], repeat: int) -> list[tuple[float, int, int]]:
    """``timed`` for several commands run in turn, round after round, so that a machine whose speed
    drifts during the benchmark slows each of them alike and their ratio stays fair."""
    runs: list[list[tuple[float, int, int]]] = [[] for _ in cmds]
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            runs[i].append(_once(cmd))
    return [(statistics.median(r[0] for r in rs), max(r[1] for r in rs), rs[-1][2]) for rs in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    ftd = [str(bindir / "ftdisclose")] if (bindir / "ftdisclose").exists() else [sys.executable, "-m", "ftdisclose"]
    cj_exe = bindir / "check-jsonschema"
    cj = (
        [str(cj_exe)]
        if cj_exe.exists()
        else ([shutil.which("check-jsonschema")] if shutil.which("check-jsonschema") else None)
    )
    if cj is None or cj[0] is None:
        sys.exit("check-jsonschema is not installed: pip install -e '.[test]'")
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generate(folder, args.files)
        one = [str(files[0])]
        every = [str(p) for p in files]
        # check-jsonschema reads YAML and JSON but not Markdown front matter: compare on the same data files
        data_files = [p for p in every if not p.endswith(".md")]
        rows = []
        cases = (
            ("1 file", one, []),
            (f"{len(data_files)} files (yaml+json)", data_files, []),
            (f"{len(data_files)} files, -j 0", data_files, ["-j", "0"]),  # one process per CPU
        )
        for label, paths, flags in cases:
            (f_t, f_m, f_rc), (c_t, c_m, c_rc) = timed_together(
                [[*ftd, "validate", "-q", *flags, *paths], [*cj, "--schemafile", str(SCHEMA), *paths]], args.repeat
            )
            rows.append((label, f_t, c_t, f_m, c_m, f_rc, c_rc))
        cards_t, cards_m, cards_rc = timed([*ftd, "validate", "-q", *every], args.repeat)
        tenth = every[: max(1, len(every) // 10)]
        tenth_t, tenth_m, _ = timed([*ftd, "validate", "-q", *tenth], args.repeat)

        sys.path.insert(0, str(ROOT))
        from ftdisclose import api

        per_file = per_file_seconds(api.validate, files)

    print(f"{'case':<28}{'ftdisclose s':>14}{'check-jsonschema s':>20}{'ratio':>8}{'peak MiB':>18}")
    for label, f_t, c_t, f_m, c_m, f_rc, c_rc in rows:
        print(
            f"{label:<28}{f_t:>14.3f}{c_t:>20.3f}{f_t / c_t:>8.2f}{f_m / 1024:>9.1f} / {c_m / 1024:<7.1f}"
            f"  (exit {f_rc}/{c_rc})"
        )
    print(
        f"{'all ' + str(len(every)) + ' files incl. cards':<28}{cards_t:>14.3f}{'-':>20}{'':>8}{cards_m / 1024:>9.1f}"
        f"  (exit {cards_rc})"
    )
    print(
        f"{'first ' + str(len(tenth)) + ' files incl. cards':<28}{tenth_t:>14.3f}{'-':>20}{'':>8}"
        f"{tenth_m / 1024:>9.1f}  (peak memory stays flat as N grows)"
    )
    print(f"in-process validate: {per_file * 1e3:.3f} ms per file")
    print("targets: 1 file ratio <= 1.00; many files ratio <= 0.50")


if __name__ == "__main__":
    main()
