"""The hostile corpus of issue 15 (and the loader's older one) as data: one file, one command, its outcome.

Each case is a file's bytes, the command run on it, the exit code, the finding code that must
be reported and the line it must stand on. ``line`` is ``ANY_LINE`` where the exact line
depends on a limit's arithmetic (the 50,001st value), and ``None`` where the file is not read
at all (so nothing has a line). ``owner`` names the part of issue 15 that another branch
builds (the finite number system of item 3); those cases only ask for a clean, located
finding and are expected to fail until that part lands.

Line numbers below count the lines of ``BASE``: 1 spec_version, 2 model, 3 name,
4 infrastructure, 5 location, 6 cluster, 7 gpu, 8 operational; the first operational field
is on line 9.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY_LINE = -1
HEADER = 'spec_version: "1.0"\nmodel:\n  name: hostile\n'
BASE = (
    HEADER + 'infrastructure:\n  location: {country: "DK"}\n  cluster:\n    gpu: {model: NVIDIA A100 80GB, count: 1}\n'
    "operational:\n"
)
D400 = "9" * 400
CODECARBON_HEADER = (
    "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_iso_code,pue,cpu_energy,ram_energy"
)


@dataclass(frozen=True)
class Case:
    name: str  # the file's name (its suffix picks yaml, json, card or csv)
    data: bytes
    args: tuple[str, ...]  # the command and its flags; the file's path comes last
    exit: int
    code: str  # the finding code that must be reported ("" with an owner: any located finding)
    line: int | None  # where it must stand (ANY_LINE: somewhere; None: the file is not read)
    owner: str = ""


def _bomb(levels: int) -> bytes:
    lines = ['spec_version: "1.0"', "model: {name: bomb}", 'x-a: &a ["lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for i in range(levels):
        name = f"l{i}"
        lines.append(f"x-{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return ("\n".join(lines) + "\n").encode()


def _runs(n: int) -> bytes:
    runs = "".join(f"    - {{name: r{i}, duration: 1 h}}\n" for i in range(n))
    return (BASE + f"  duration: {n} h\n  runs:\n" + runs).encode()


def _codecarbon(**cells: str) -> bytes:
    row = {
        "timestamp": "2026-02-03T10:00:00",
        "project_name": "p",
        "run_id": "11111111-2222-4333-8444-555555555555",
        "duration": "3600",
        "emissions": "0.05",
        "energy_consumed": "0.7",
        "country_iso_code": "FIN",
        "pue": "1.0",
        "cpu_energy": "0.05",
        "ram_energy": "0.05",
        **cells,
    }
    return (CODECARBON_HEADER + "\n" + ",".join(row.values()) + "\n").encode()


VALIDATE = ("validate", "--format", "json")
COMPUTE = ("compute", "--format", "json")

CORPUS: tuple[Case, ...] = (
    # --- the loader's corpus: bytes, YAML and JSON --------------------------------------------
    Case("alias-bomb.yaml", _bomb(12), VALIDATE, 1, "FTD505", ANY_LINE),
    Case("deep-nesting.yaml", b"a: " + b"[" * 100_000 + b"]" * 100_000, VALIDATE, 1, "FTD506", 1),
    Case("deep-nesting.json", b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", VALIDATE, 1, "FTD506", 1),
    Case("deep-mapping.yaml", "".join("  " * i + f"k{i}:\n" for i in range(300)).encode(), VALIDATE, 1, "FTD506", 66),
    Case("huge-scalar.yaml", (HEADER + "x-big: " + "a" * 1_900_000 + "\n").encode(), VALIDATE, 0, "", None),
    Case("huge-file.yaml", (HEADER + "x-pad: " + "b" * 3_000_000 + "\n").encode(), VALIDATE, 1, "FTD507", None),
    Case("huge-number.yaml", (HEADER + "  parameters: " + "9" * 50_000 + "\n").encode(), VALIDATE, 1, "FTD206", 4),
    Case("invalid-utf8.yaml", HEADER.encode() + b"  base_model: \xff\xfe\n", VALIDATE, 1, "FTD502", 4),
    Case("utf16.json", '{"spec_version": "1.0"}'.encode("utf-16"), VALIDATE, 1, "FTD502", 1),
    Case("bom-crlf.yaml", b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode(), VALIDATE, 0, "FTD503", 1),
    Case("tabs.yaml", HEADER.encode() + b"operational:\n\tduration: 1 h\n", VALIDATE, 1, "FTD513", 5),
    Case("control.yaml", HEADER.encode() + b"  base_model: a\x1bb\n", VALIDATE, 1, "FTD514", 4),
    Case("nan.yaml", (HEADER + "operational:\n  gpu_utilization: .nan\n").encode(), VALIDATE, 1, "FTD206", 5),
    Case(
        "inf-value.yaml",
        (HEADER + "operational:\n  duration: {value: .inf, unit: h}\n").encode(),
        VALIDATE,
        1,
        "FTD206",
        5,
    ),
    Case("1e400.yaml", (HEADER + "reported:\n  energy: 1e400 kWh\n").encode(), VALIDATE, 1, "FTD206", 5),
    Case(
        "1e400.json", b'{"spec_version": "1.0", "model": {"name": "x", "parameters": 1e400}}', VALIDATE, 1, "FTD206", 1
    ),
    Case("negative.yaml", (HEADER + "operational:\n  duration: -4 h\n").encode(), VALIDATE, 1, "FTD105", 5),
    Case("duplicate.yaml", (HEADER + "  name: again\n").encode(), VALIDATE, 1, "FTD504", 4),
    Case(
        "python-tag.yaml",
        (HEADER + "x-a: !!python/object/apply:os.system ['touch PWNED']\n").encode(),
        VALIDATE,
        1,
        "FTD508",
        4,
    ),
    Case("merge.yaml", b'spec_version: "1.0"\nx-m: &m {name: a}\nmodel:\n  <<: *m\n', VALIDATE, 1, "FTD515", 4),
    Case("non-string-key.yaml", (HEADER + "? [a, b]\n: c\n").encode(), VALIDATE, 1, "FTD509", 4),
    Case("scalar.json", b'"just a string"', VALIDATE, 1, "FTD112", ANY_LINE),
    Case("empty.json", b"", VALIDATE, 1, "FTD511", 1),
    Case("deep-block.yaml", "".join(" " * i + "- \n" for i in range(0, 2400, 2)).encode(), VALIDATE, 1, "FTD506", 501),
    Case("two-documents.yaml", HEADER.encode() + b"---\nb: 2\n", VALIDATE, 1, "FTD501", 4),
    Case("binary.yaml", bytes(range(256)) * 10, VALIDATE, 1, "FTD502", ANY_LINE),
    Case("card-unclosed.md", b"---\ncarbon_disclosure:\n  spec_version: '1.0'\n", VALIDATE, 1, "FTD512", 1),
    # --- issue 15: hangs -------------------------------------------------------------------------
    Case("power-tower.yaml", (BASE + "  duration: 4 h**9**9\n").encode(), VALIDATE, 1, "FTD202", 9),
    Case(
        "power-tower-card.md",
        b"---\nco2_eq_emissions:\n  emissions: 4 h**9**9\n---\n# card\n",
        ("validate", "--format", "json", "--only-carbon-cards"),
        1,
        "FTD518",
        3,
    ),
    # --- issue 15: crashes on valid-looking input --------------------------------------------------
    Case(
        "int400-quantity.yaml", (BASE + f"  duration: {{value: {D400}, unit: h}}\n").encode(), COMPUTE, 1, "FTD206", 9
    ),
    Case("int400-text.yaml", (BASE + f'  duration: "{D400} h"\n').encode(), COMPUTE, 1, "FTD205", 9),
    Case(
        "int400-ratio.yaml", (BASE + f"  duration: 4 h\n  gpu_utilization: {D400}\n").encode(), COMPUTE, 1, "FTD206", 10
    ),
    Case("int400-card.md", f"---\nco2_eq_emissions: {D400}\n---\n".encode(), VALIDATE, 1, "FTD519", 2),
    Case("power-400.yaml", (BASE + "  duration: 4 h**400\n").encode(), COMPUTE, 1, "FTD202", 9),
    Case(
        "kg-8-8-card.md",
        b"---\nco2_eq_emissions:\n  emissions: 5\n  emissions_unit: kg**8**8\n---\n",
        VALIDATE,
        1,
        "FTD518",
        4,
    ),
    Case(
        "start-9999.yaml",
        (BASE + "  duration: 4 h\n  start: 9999-12-31T23:00:00Z\n").encode(),
        ("compute", "--format", "json", "--grid-data", "hourly", "--offline"),
        1,
        "FTD105",  # the year lies outside 1970-2100: refused before any window is built (FTD323 guards the fetch)
        10,
    ),
    Case("cc-duration-1e308.csv", _codecarbon(duration="1e308"), ("import", "codecarbon"), 1, "FTD527", 2),
    Case("cc-year-1.csv", _codecarbon(timestamp="0001-01-01T00:00:00"), ("import", "codecarbon"), 0, "FTD528", 2),
    Case(
        "published-year-1.yaml",
        (BASE.replace("name: hostile\n", 'name: hostile\n  published: "0001-01-01"\n') + "  duration: 4 h\n").encode(),
        VALIDATE,
        1,
        "",
        ANY_LINE,
    ),
    Case(
        "end-year-1.yaml",
        (BASE + "  duration: 4 h\n  end: 0001-01-01T00:00:00Z\nreported:\n  emissions: 1 kgCO2e\n").encode(),
        VALIDATE,
        1,
        "",
        ANY_LINE,
    ),
    Case(
        "duration-1e9-y.yaml",
        (
            BASE.replace("name: hostile\n", 'name: hostile\n  published: "2024-01-01"\n') + "  duration: 1e9 y\n"
        ).encode(),
        COMPUTE,
        1,
        "",
        ANY_LINE,
    ),
    Case(
        "hardware-life-0.yaml",
        (BASE.replace("count: 1}", "count: 1}\n    hardware_life: 0 h") + "  duration: 4 h\n").encode(),
        COMPUTE,
        1,
        "",
        ANY_LINE,
    ),
    # --- issue 15: infinity and NaN as results --------------------------------------------------------
    Case("energy-1e308.yaml", (BASE + "  duration: 4 h\n  energy: 1e308 kWh\n").encode(), COMPUTE, 1, "", ANY_LINE),
    Case(
        "hardware-life-1e-300.yaml",
        (BASE.replace("count: 1}", "count: 1}\n    hardware_life: 1e-300 h") + "  duration: 4 h\n").encode(),
        COMPUTE,
        1,
        "",
        ANY_LINE,
    ),
    # --- issue 15: under-2 MB files that blew time and memory ------------------------------------------
    Case("runs-45k.yaml", _runs(45_000), VALIDATE, 1, "FTD534", ANY_LINE),
    Case("runs-45k-explain.yaml", _runs(45_000), ("explain",), 1, "FTD534", ANY_LINE),
    Case("runs-600.yaml", _runs(600), VALIDATE, 1, "FTD536", 511),  # the 501st run, on line 11 + 500
    Case("runs-500-compute.yaml", _runs(500), COMPUTE, 0, "", None),  # the most runs a file may list
    Case("runs-500-explain.yaml", _runs(500), ("explain",), 0, "", None),
    # 6 values up to line 3, then 2 a line: the 50,001st value stands on line 25,000
    Case(
        "keys-99k.yaml",
        (HEADER + "".join(f"k{i}: 1\n" for i in range(99_000))).encode(),
        ("validate", "--format", "sarif"),
        1,
        "FTD534",
        25_000,
    ),
    # spec_version, model and name are keys 1-3 on lines 1-3, k0 is key 4 on line 4: key 5,001 is on line 5,001
    Case(
        "keys-6k.yaml",
        (HEADER + "".join(f"k{i}: 1\n" for i in range(6_000))).encode(),
        ("validate", "--format", "sarif"),
        1,
        "FTD535",
        5_001,
    ),
    # 3,000 unknown keys from line 4: 1,000 findings are reported, the note stands at the 1,001st (line 1,004)
    Case(
        "findings-3k.yaml",
        (HEADER + "".join(f"k{i}: 1\n" for i in range(3_000))).encode(),
        VALIDATE,
        1,
        "FTD537",
        1_004,
    ),
    # names the resolve stage looks up and quotes: every message stays short (pipeline.MAX_MESSAGE)
    Case(
        "huge-names.yaml",
        BASE.replace('{country: "DK"}', '{country: "DK", grid_zone: ' + "Z" * 100_000 + "}")
        .replace("NVIDIA A100 80GB", "G" * 1_800_000)
        .encode()
        + b"  duration: 4 h\n",
        VALIDATE,
        0,
        "FTD301",
        7,
    ),
    Case("unit-1-2-mb.yaml", (BASE + '  duration: "4 ' + "h*" * 600_000 + 'h"\n').encode(), VALIDATE, 1, "FTD205", 9),
    Case("list-950k.yaml", (HEADER + "x-a: [" + "1," * 950_000 + "1]\n").encode(), VALIDATE, 1, "FTD534", 4),
    # --- issue 15: confident wrong numbers -----------------------------------------------------------------
    Case("zero-duration.yaml", (BASE + "  duration: 0 h\n  gpu_hours: 100 h\n").encode(), VALIDATE, 0, "", ANY_LINE),
    Case(
        "intensity-1e30.yaml",
        (BASE + "  duration: 4 h\n  carbon_intensity: 1e30 g/kWh\n").encode(),
        VALIDATE,
        0,
        "",
        ANY_LINE,
    ),
    Case("epochs-inf.yaml", (BASE + "  duration: 4 h\n  epochs: .inf\n").encode(), VALIDATE, 1, "", ANY_LINE),
    # --- issue 15: smaller -----------------------------------------------------------------------------------
    Case("arabic-digits.yaml", (BASE + "  duration: ٤ h\n").encode(), VALIDATE, 1, "FTD205", 9),
    Case("full-width-digits.yaml", (BASE + "  duration: ４ h\n").encode(), VALIDATE, 1, "FTD205", 9),
    Case("zero-width-space.yaml", (BASE + "  duration: 4 \u200bh\n").encode(), VALIDATE, 1, "FTD202", 9),
    Case("cc-pue-1e-320.csv", _codecarbon(pue="1e-320"), ("import", "codecarbon"), 0, "FTD528", 2),
    Case(
        "cc-duplicate-columns.csv",
        (CODECARBON_HEADER + ",duration\n" + _codecarbon().decode().splitlines()[1] + ",5\n").encode(),
        ("import", "codecarbon"),
        1,
        "FTD526",
        1,
    ),
)
