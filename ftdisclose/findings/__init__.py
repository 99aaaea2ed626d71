"""Findings and the catalogue of finding codes.

A code is a promise: it never changes meaning. FTD1xx structure, FTD2xx units,
FTD3xx factors and gap-filling, FTD4xx consistency, FTD5xx input format. The docs page
of codes is generated from ``CATALOGUE``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

DOCS_URL = "https://ftdisclose.github.io/ftdisclose/reference/codes/"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    title: str
    description: str
    hint: str
    example: str = ""

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    message: str
    hint: str
    file: str
    line: int | None
    column: int | None
    path: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.code)


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: dict[str, Rule] = _rules(
    # --- FTD1xx: structure -------------------------------------------------------------
    Rule(
        "FTD101",
        "missing-field",
        E,
        "Required field missing",
        "A field the spec requires is absent.",
        "add the field",
        "model: {}  # no name",
    ),
    Rule(
        "FTD102",
        "unknown-field",
        E,
        "Unknown field",
        "A key that the spec does not define. Extensions go under keys starting with `x-`.",
        "check the spelling, or prefix private keys with `x-`",
        "opertional: {}",
    ),
    Rule(
        "FTD103",
        "wrong-type",
        E,
        "Wrong type",
        "The value has the wrong type: a mapping where a string is expected, a list where "
        "a mapping is expected, and so on.",
        "write the value in the form the spec gives",
        "model: munin-7b  # model is a mapping",
    ),
    Rule(
        "FTD104",
        "invalid-choice",
        E,
        "Value not among the allowed choices",
        "An enumerated field (method, provider, energy source, boundary) holds a value outside its list.",
        "use one of the listed values",
        "method: lora-ish",
    ),
    Rule(
        "FTD105",
        "out-of-range",
        E,
        "Value out of range",
        "A number or quantity lies outside what is physically possible for the field "
        "(a negative duration, a PUE below 1, a utilisation above 100%).",
        "check the value and its unit",
        "pue: 0.9",
    ),
    Rule(
        "FTD106",
        "unsupported-spec-version",
        E,
        "Unsupported spec version",
        "`spec_version` names a version this ftdisclose does not know.",
        'write spec_version: "1.0" (quoted)',
        'spec_version: "9.0"',
    ),
    Rule(
        "FTD107",
        "missing-spec-version",
        E,
        "spec_version missing",
        "Every disclosure starts with `spec_version`, which selects the schema.",
        'add spec_version: "1.0" at the top',
        "model: {name: x}",
    ),
    Rule(
        "FTD108",
        "no-disclosure",
        W,
        "Model card without a disclosure",
        "A model card whose front matter has no `carbon_disclosure` block. If it has the "
        "Hub's `co2_eq_emissions`, that figure cannot be checked.",
        "add a carbon_disclosure block (ftdisclose init prints a template)",
        "",
    ),
    Rule(
        "FTD109",
        "invalid-datetime",
        E,
        "Invalid date or time",
        "A time is not ISO 8601, or a date is not YYYY-MM-DD.",
        "write e.g. 2024-07-06T17:01:00Z",
        "start: 6 July 2024",
    ),
    Rule(
        "FTD110",
        "naive-datetime",
        E,
        "Time without a time zone",
        "A time without a zone cannot be placed on the grid's clock (hourly intensity, DST).",
        "append Z for UTC or an offset such as +02:00",
        "start: 2024-07-06T17:01:00",
    ),
    Rule(
        "FTD111",
        "invalid-count",
        E,
        "Invalid count",
        "A count (parameters, tokens, GPUs) is not a whole, non-negative number.",
        'write e.g. 7.24e9 or "7.24B"',
        'parameters: "seven billion"',
    ),
    Rule(
        "FTD112",
        "empty-document",
        E,
        "Empty disclosure",
        "The file holds no mapping at its top level.",
        'start with spec_version: "1.0"',
        "",
    ),
    # --- FTD2xx: units -----------------------------------------------------------------
    Rule(
        "FTD201",
        "missing-unit",
        E,
        "Physical value without a unit",
        "A bare number where a physical quantity is expected. ftdisclose never guesses units.",
        'write the unit, e.g. "0.694 kWh"',
        "duration: 12",
    ),
    Rule(
        "FTD202",
        "unknown-unit",
        E,
        "Unknown unit",
        "The unit is not one ftdisclose knows.",
        "use e.g. kWh, h, W, gCO2e, L/kWh",
        "duration: 12 hourz",
    ),
    Rule(
        "FTD203",
        "unit-dimension",
        E,
        "Unit of the wrong dimension",
        "The unit is known but measures something else (a mass where a time is expected).",
        "use a unit of the expected dimension",
        "duration: 4 kg",
    ),
    Rule(
        "FTD204",
        "co2e-unit",
        E,
        "Emissions written as a plain mass",
        "Emissions are CO2-equivalent mass, a dimension of its own: `57 g` could be CO2 or CO2e, so it is refused.",
        "write gCO2e, kgCO2e or tCO2e",
        "emissions: 57 g",
    ),
    Rule(
        "FTD205",
        "invalid-quantity",
        E,
        "Invalid quantity",
        'A quantity is neither "<number> <unit>" nor a mapping {value, unit}.',
        'write e.g. "0.694 kWh" or {value: 0.694, unit: kWh}',
        "energy: lots",
    ),
    Rule(
        "FTD206",
        "non-finite-number",
        E,
        "Number is not finite",
        "NaN, infinity or a number too large to represent (1e400).",
        "write a finite number",
        "energy: .nan kWh",
    ),
    Rule(
        "FTD207",
        "invalid-ratio",
        E,
        "Invalid ratio",
        'A ratio is neither a number nor a percentage such as "47%".',
        'write 0.47 or "47%"',
        "gpu_utilization: high",
    ),
    # --- FTD3xx: factors and gap-filling -------------------------------------------------
    Rule(
        "FTD301",
        "unknown-gpu",
        W,
        "Unknown accelerator",
        "The GPU model is not in the factor tables; its power and embodied impact fall back "
        "to the year's default accelerator.",
        "use a name from `ftdisclose factors show accelerators`",
        "gpu: {model: A1OO}",
    ),
    Rule(
        "FTD302",
        "unknown-country",
        E,
        "Unknown country",
        "The country is not an ISO 3166-1 alpha-2 code or a known country name.",
        'write the alpha-2 code in quotes, e.g. "DK"',
        "country: Danmark",
    ),
    Rule(
        "FTD303",
        "unknown-region",
        W,
        "Unknown cloud region",
        "The cloud region is not in the factor tables for that provider.",
        "check the region id (e.g. us-west-2) and provider",
        "cloud_region: us-west-9",
    ),
    Rule(
        "FTD304",
        "unknown-instance",
        W,
        "Unknown instance type or server",
        "The instance type or server model is not in the factor tables.",
        "use a name from `ftdisclose factors show servers`",
        "instance_type: p9.huge",
    ),
    Rule(
        "FTD305",
        "unknown-service",
        W,
        "Unknown managed service",
        "The managed fine-tuning service is not in the factor tables.",
        "use a name from `ftdisclose factors show managed_services`",
        "managed_service: bedrok",
    ),
    Rule(
        "FTD306",
        "year-gap",
        W,
        "Factor year far from the run year",
        "The nearest year with data for a table is several years from the run's year.",
        "disclose the value, or pin an hourly average",
        "",
    ),
    Rule(
        "FTD307",
        "overlay-shadows",
        INFO,
        "Overlay replaces a shipped row",
        "A row of a private factor overlay replaces a row of the shipped tables.",
        "",
        "",
    ),
    Rule(
        "FTD308",
        "no-run-time",
        E,
        "Run time cannot be determined",
        "Nothing gives the run time: no duration, no start and end, no GPU hours, no tokens.",
        "disclose operational.duration",
        "",
    ),
    Rule(
        "FTD309",
        "unknown-factors-version",
        E,
        "Unknown factor version",
        "The requested factor-table version is not shipped with this ftdisclose.",
        "see `ftdisclose factors list`",
        'factors_version: "2019.1"',
    ),
    Rule(
        "FTD310",
        "unknown-zone",
        W,
        "Unknown grid zone",
        "The grid zone is not in the factor tables; the country's value is used instead.",
        "use a zone id such as DK2, SE3, US-CA or CAMX",
        "grid_zone: DK9",
    ),
    Rule(
        "FTD311",
        "invalid-overlay",
        E,
        "Invalid factor overlay",
        "The factor overlay file cannot be read or does not match the table format.",
        "",
        "",
    ),
    # --- FTD312-319: hourly grid intensity (ftdisclose.integrations.grid) --------------------------------
    Rule(
        "FTD312",
        "grid-unavailable",
        W,
        "Hourly grid intensity unavailable",
        "The grid-intensity service did not answer in time, refused the connection, failed (HTTP 5xx) or "
        "rate-limited the request (HTTP 429). The annual intensity of the factor tables is used instead.",
        "try again later, or pin the value once it can be fetched (ftdisclose pin)",
        "Energi Data Service CO2Emis: no answer within 20 s",
    ),
    Rule(
        "FTD313",
        "grid-request-rejected",
        W,
        "Grid-intensity request rejected",
        "The service refused the request (HTTP 4xx): wrong or expired credentials, an account without "
        "historical data, or a zone the service does not know. The annual intensity is used instead.",
        "check the token or login and the grid zone",
        "Electricity Maps: HTTP 401 (not authorised)",
    ),
    Rule(
        "FTD314",
        "grid-invalid-response",
        W,
        "Grid-intensity answer not understood",
        "The service answered with something other than the documented JSON (not JSON, missing records, "
        "times or values that cannot be read, unknown units). The annual intensity is used instead.",
        "check FTDISCLOSE_*_URL points at the service itself, not a proxy's error page",
        "UK Carbon Intensity API: the answer is not JSON",
    ),
    Rule(
        "FTD315",
        "grid-no-data",
        W,
        "No grid-intensity data for the run window",
        "The service holds no values for the hours of the run (too old, too recent, or not covered). "
        "The annual intensity is used instead.",
        "check operational.start and the grid zone",
        "no CO2Emis records for DK2 in 1999",
    ),
    Rule(
        "FTD316",
        "grid-partial-coverage",
        W,
        "Grid-intensity data covers part of the run",
        "The fetched values cover only part of [start, start + run time]; the uncovered share is filled "
        "with the annual intensity, weighted by time.",
        "pin the value once the service has the whole window",
        "coverage 75%: the remaining 3 h use the annual 150 gCO2e/kWh",
    ),
    Rule(
        "FTD317",
        "grid-no-provider",
        W,
        "No grid-intensity provider for the zone",
        "No provider serves the zone without credentials: Energi Data Service covers DK1/DK2 and the UK "
        "Carbon Intensity API Great Britain; other zones need ELECTRICITYMAPS_TOKEN, or WATTTIME_USERNAME "
        "and WATTTIME_PASSWORD. The annual intensity is used instead.",
        "set one of the credentials, or disclose operational.carbon_intensity",
        "grid_zone: DE",
    ),
    Rule(
        "FTD318",
        "grid-offline",
        INFO,
        "Offline: hourly grid intensity not fetched",
        "Offline mode forbids network access and the window is not in the cache, so the annual intensity is used.",
        "run once online, or pin the value (ftdisclose pin)",
        "ftdisclose compute --offline",
    ),
    Rule(
        "FTD319",
        "grid-estimated-values",
        INFO,
        "Grid intensity includes forecasts or estimates",
        "Some of the values averaged are forecasts, model estimates or imputed data rather than measured "
        "values (the UK API's regional data is forecast only).",
        "prefer a national or measured series when one exists",
        "GB-13: 24 of 24 values are forecasts",
    ),
    # --- FTD4xx: consistency -----------------------------------------------------------
    Rule(
        "FTD401",
        "end-before-start",
        E,
        "End before start",
        "operational.end lies before operational.start.",
        "check the two times and their zones",
        "",
    ),
    Rule(
        "FTD402",
        "duration-mismatch",
        W,
        "Duration disagrees with start and end",
        "operational.duration differs from end - start by more than 5%.",
        "check the duration, or the times' zones",
        "",
    ),
    Rule(
        "FTD403",
        "reserved-below-run",
        E,
        "Reserved time shorter than run time",
        "The hardware was held for less time than it ran.",
        "reserved_time >= duration",
        "",
    ),
    Rule(
        "FTD404",
        "gpu-hours-mismatch",
        W,
        "GPU hours disagree with count x time",
        "operational.gpu_hours differs from the GPU count times the run time by more than 10%.",
        "check gpu_hours, the GPU count and the duration",
        "",
    ),
    Rule(
        "FTD405",
        "energy-implausible",
        W,
        "Measured energy implausible",
        "The measured energy is zero, or above what the GPUs could draw at 1.5x their TDP for "
        "the run time (a Wh/kWh slip or a wrong boundary).",
        "check the energy's unit",
        "",
    ),
    Rule(
        "FTD406",
        "intensity-implausible",
        E,
        "Implied carbon intensity implausible",
        "Reported emissions / energy lies outside 0..1,500 gCO2e/kWh, the range of real grids. "
        "A g/kg slip is the commonest cause.",
        "check the emissions' unit (g vs kg)",
        "",
    ),
    Rule(
        "FTD407",
        "mfu-above-one",
        E,
        "Tokens imply more than 100% FLOPs utilisation",
        "The tokens, parameters and run time imply a model FLOPs utilisation above 1.",
        "check tokens, parameters, duration and GPU count",
        "",
    ),
    Rule(
        "FTD408",
        "reported-mismatch",
        W,
        "Reported total outside the recomputed range",
        "A reported figure lies outside the low-high range ftdisclose computes from the disclosure.",
        "check the reported value and its unit",
        "",
    ),
    Rule(
        "FTD409",
        "hub-mismatch",
        W,
        "Model-card co2_eq_emissions disagrees",
        "The card's co2_eq_emissions (grams) differs from the disclosure's computed emissions.",
        "a factor of 1000 usually means kg were written as g",
        "",
    ),
    # --- FTD5xx: input format ----------------------------------------------------------
    Rule(
        "FTD501",
        "yaml-syntax",
        E,
        "YAML syntax error",
        "The file is not valid YAML.",
        "fix the syntax at the position shown",
        "key: [unclosed",
    ),
    Rule(
        "FTD502", "invalid-utf8", E, "Invalid UTF-8", "The file is not valid UTF-8 text.", "save the file as UTF-8", ""
    ),
    Rule(
        "FTD503",
        "byte-order-mark",
        W,
        "Byte-order mark",
        "The file starts with a UTF-8 byte-order mark, which some YAML tools reject.",
        "save without BOM",
        "",
    ),
    Rule(
        "FTD504",
        "duplicate-key",
        E,
        "Duplicate key",
        "A mapping holds the same key twice; YAML tools disagree on which one wins.",
        "keep one of the two",
        "pue: 1.1\npue: 1.2",
    ),
    Rule(
        "FTD505",
        "alias-limit",
        E,
        "Too many aliases",
        "Anchors and aliases expand beyond the limit (an alias bomb).",
        "write the values out",
        "",
    ),
    Rule(
        "FTD506",
        "depth-limit",
        E,
        "Nesting too deep",
        "The document nests deeper than the limit.",
        "flatten the document",
        "",
    ),
    Rule(
        "FTD507",
        "size-limit",
        E,
        "File too large",
        "The file is larger than the limit.",
        "a disclosure is a few kilobytes",
        "",
    ),
    Rule(
        "FTD508",
        "unsupported-tag",
        E,
        "Unsupported YAML tag",
        "Tags such as !!python/object are never constructed.",
        "remove the tag",
        "x: !!python/object:os.system",
    ),
    Rule(
        "FTD509", "non-string-key", E, "Key is not a string", "Mapping keys must be strings.", "quote the key", "1: x"
    ),
    Rule(
        "FTD510",
        "crlf-line-endings",
        INFO,
        "CRLF line endings",
        "The file uses Windows line endings; ftdisclose reads them, other tools may not.",
        "",
        "",
    ),
    Rule(
        "FTD511",
        "json-syntax",
        E,
        "JSON syntax error",
        "The file is not valid JSON.",
        "fix the syntax at the position shown",
        '{"a": }',
    ),
    Rule(
        "FTD512",
        "front-matter",
        E,
        "Model card front matter missing or unterminated",
        "A model card's metadata must sit between two `---` lines at the top of the file.",
        "start the card with ---, the YAML, then ---",
        "",
    ),
    Rule(
        "FTD513", "tab-indent", E, "Tab in indentation", "YAML forbids tabs for indentation.", "indent with spaces", ""
    ),
    Rule(
        "FTD514",
        "control-character",
        E,
        "Control character",
        "The file contains a control character that YAML does not allow.",
        "remove it",
        "",
    ),
    Rule("FTD515", "merge-key", E, "Merge key", "`<<` merge keys are not part of YAML 1.2.", "write the keys out", ""),
    Rule(
        "FTD516",
        "unreadable",
        E,
        "File cannot be read",
        "The file does not exist, is a folder without disclosures, or cannot be opened.",
        "",
        "",
    ),
    Rule(
        "FTD517",
        "unknown-file-type",
        E,
        "Unknown file type",
        "Only .yaml, .yml, .json and .md files are read.",
        "rename the file",
        "",
    ),
    # --- FTD518-525: the Hugging Face Hub's co2_eq_emissions block of a model card ---------
    Rule(
        "FTD518",
        "hub-emissions-unit",
        E,
        "Hub emissions written with a unit",
        "The Hub reads `co2_eq_emissions` (or its `emissions`) as a bare number of grams. A "
        "unit glued on (`57 g`, `0.057 kg`) makes it a string that the Hub and other readers "
        "cannot use, and an `emissions_unit` key is ignored by them: kg written where grams "
        "are read is the commonest slip (CodeCarbon reports kg).",
        "write the number of grams: emissions: 57",
        "co2_eq_emissions: 0.057 kg",
    ),
    Rule(
        "FTD519",
        "hub-emissions-not-number",
        E,
        "Hub emissions is not a number",
        "The emissions figure is a unit without a number, text such as `N/A`, a number in "
        "quotes, an empty value, a boolean, or a negative or non-finite number.",
        "write the grams as a plain number (emissions: 57), or leave the block out when unknown",
        "co2_eq_emissions: kg",
    ),
    Rule(
        "FTD520",
        "hub-block-shape",
        E,
        "Hub co2_eq_emissions has the wrong shape",
        "`co2_eq_emissions` is a number of grams or a mapping. A list of one-key mappings (the "
        "dashed form of the Hub spec's first draft) or any other shape is not read.",
        "write a mapping: co2_eq_emissions: {emissions: 57, source: ..., training_type: fine-tuning}",
        "co2_eq_emissions:\n  - emissions: 57\n  - source: CodeCarbon",
    ),
    Rule(
        "FTD521",
        "hub-misspelt-key",
        E,
        "Misspelt key in the Hub block",
        "A key of `co2_eq_emissions` is close to one the Hub defines (emissions, source, "
        "training_type, geographical_location, hardware_used); the Hub ignores the misspelling.",
        "use the key the Hub defines",
        "co2_eq_emissions: {emission: 57}",
    ),
    Rule(
        "FTD522",
        "hub-unknown-key",
        W,
        "Key the Hub does not define",
        "A key of `co2_eq_emissions` that the Hub does not define; the Hub and ftdisclose ignore "
        "it. Richer data belongs in the card's `carbon_disclosure` block.",
        "move the value into carbon_disclosure, or remove it",
        "co2_eq_emissions: {emissions: 57, training_time: 4 h}",
    ),
    Rule(
        "FTD523",
        "hub-missing-emissions",
        E,
        "Hub block without emissions",
        "A `co2_eq_emissions` mapping without its `emissions` figure states no emissions.",
        "add emissions: <grams>",
        "co2_eq_emissions: {source: CodeCarbon}",
    ),
    Rule(
        "FTD524",
        "hub-field-type",
        E,
        "Hub text field is not text",
        "`source`, `training_type`, `geographical_location` and `hardware_used` are free "
        "text; a number, list, mapping or empty value is not what the Hub displays.",
        'write text, e.g. hardware_used: "8 x A100 80GB"',
        "hardware_used: 8",
    ),
    Rule(
        "FTD525",
        "hub-training-type",
        W,
        "Unknown training_type",
        "The Hub documents `training_type` as `pre-training` or `fine-tuning`.",
        "write pre-training or fine-tuning",
        "training_type: pretraining",
    ),
    # --- FTD526-533: importing CodeCarbon output ------------------------------------------
    Rule(
        "FTD526",
        "csv-not-codecarbon",
        E,
        "Not a CodeCarbon emissions file",
        "The CSV is empty, has no header, or lacks the columns every CodeCarbon emissions.csv "
        "has (`duration`, `energy_consumed`). Nothing is imported from it.",
        "pass the emissions.csv that CodeCarbon wrote (output_file)",
        "timestamp,loss\n...",
    ),
    Rule(
        "FTD527",
        "csv-bad-row",
        E,
        "Unusable CodeCarbon row",
        "A row has a different number of cells than the header, or its `energy_consumed` or "
        "`duration` is not a non-negative number. CodeCarbon's append mode drops all-empty "
        "columns and shifts the later values left (codecarbon#1304), so such a row cannot be "
        "read by name. The row is skipped and the imported totals may be short.",
        "re-export the run, or fix the row so that its cells line up with the header",
        "a 38-column header followed by a 36-cell row",
    ),
    Rule(
        "FTD528",
        "csv-bad-value",
        W,
        "Unreadable CodeCarbon value",
        "An optional cell (timestamp, pue, gpu_count, country_iso_code, a utilisation) cannot be "
        "read, or the file is not UTF-8. The field it feeds is left out of the disclosure, "
        "or the stated assumption is used.",
        "check the cell; add the field by hand if it is known",
        "gpu_count: four",
    ),
    Rule(
        "FTD529",
        "import-ambiguous-runs",
        W,
        "Several CodeCarbon runs without run_id",
        "The file holds several rows that no run_id tells apart. They are read as separate "
        "runs and summed; if they are flushes of one run, summing counts the run several "
        "times.",
        "if the rows are one run, import with --combine last",
        "",
    ),
    Rule(
        "FTD530",
        "import-no-timezone",
        W,
        "CodeCarbon timestamp without a time zone",
        "CodeCarbon writes the machine's local time without a zone, at the end of the run. "
        "Without the zone the start cannot be placed on the grid's clock, so start and end "
        "are left out; a local time in a daylight-saving change is ambiguous.",
        "pass --timezone with the machine's IANA zone, e.g. Europe/Copenhagen, or UTC",
        "",
    ),
    Rule(
        "FTD531",
        "import-mixed-gpus",
        W,
        "Several GPU models in CodeCarbon's gpu_model",
        "`gpu_model` names more than one model (CodeCarbon joins them without a separator, "
        "e.g. `2 x NVIDIA A100-SXM4-40GB2 x Tesla T4`). The disclosure names the most "
        "numerous model and counts every GPU; the full list is kept in x-ftdisclose-import.",
        "check infrastructure.cluster.gpu by hand",
        "2 x NVIDIA A100-SXM4-40GB 2 x Tesla T4",
    ),
    Rule(
        "FTD532",
        "import-merge-conflict",
        W,
        "CodeCarbon files or runs disagree",
        "Files or runs that are merged disagree: different countries, clouds or CPU models "
        "(the field is left out), files with different numbers of runs, runs that overlap in "
        "time in one file, or several machine-mode files that each saw several GPUs (each "
        "rank measured the whole node, so their sum counts it several times; codecarbon#1390).",
        "check that the files belong to one job and were tracked per process",
        "",
    ),
    Rule(
        "FTD533",
        "import-model-name",
        W,
        "Model name not in CodeCarbon output",
        "CodeCarbon does not record the fine-tuned model; `model.name` was taken from the "
        "project_name column or the file name.",
        "pass --model-name, or edit model.name",
        "",
    ),
)


def finding(
    code: str,
    message: str,
    *,
    file: str,
    line: int | None = None,
    column: int | None = None,
    path: str = "",
    hint: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """Make a finding for a catalogued code (the hint defaults to the rule's)."""
    rule = CATALOGUE[code]
    return Finding(
        code,
        rule.slug,
        severity or rule.severity,
        message,
        rule.hint if hint is None else hint,
        file,
        line,
        column,
        path,
    )
