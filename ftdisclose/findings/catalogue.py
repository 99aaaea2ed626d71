"""The catalogue of finding codes: one rule per code, from which the docs page is generated.

A code is a promise: it never changes meaning. FTD1xx structure, FTD2xx units, FTD3xx
factors and gap-filling, FTD4xx consistency, FTD5xx input format. Add a code by adding
a member to ``Code`` and its ``Rule`` here; a test fails on a code without a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DOCS_URL = "https://ftdisclose.github.io/ftdisclose/reference/codes/"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(StrEnum):
    """Every finding code; the member name, lower-cased with dashes, is the rule's slug."""

    MISSING_FIELD = "FTD101"
    UNKNOWN_FIELD = "FTD102"
    WRONG_TYPE = "FTD103"
    INVALID_CHOICE = "FTD104"
    OUT_OF_RANGE = "FTD105"
    UNSUPPORTED_SPEC_VERSION = "FTD106"
    MISSING_SPEC_VERSION = "FTD107"
    NO_DISCLOSURE = "FTD108"
    INVALID_DATETIME = "FTD109"
    NAIVE_DATETIME = "FTD110"
    INVALID_COUNT = "FTD111"
    EMPTY_DOCUMENT = "FTD112"
    MISSING_UNIT = "FTD201"
    UNKNOWN_UNIT = "FTD202"
    UNIT_DIMENSION = "FTD203"
    CO2E_UNIT = "FTD204"
    INVALID_QUANTITY = "FTD205"
    NON_FINITE_NUMBER = "FTD206"
    INVALID_RATIO = "FTD207"
    UNKNOWN_GPU = "FTD301"
    UNKNOWN_COUNTRY = "FTD302"
    UNKNOWN_REGION = "FTD303"
    UNKNOWN_INSTANCE = "FTD304"
    UNKNOWN_SERVICE = "FTD305"
    YEAR_GAP = "FTD306"
    OVERLAY_SHADOWS = "FTD307"
    NO_RUN_TIME = "FTD308"
    UNKNOWN_FACTORS_VERSION = "FTD309"
    UNKNOWN_ZONE = "FTD310"
    INVALID_OVERLAY = "FTD311"
    GRID_UNAVAILABLE = "FTD312"
    GRID_REQUEST_REJECTED = "FTD313"
    GRID_INVALID_RESPONSE = "FTD314"
    GRID_NO_DATA = "FTD315"
    GRID_PARTIAL_COVERAGE = "FTD316"
    GRID_NO_PROVIDER = "FTD317"
    GRID_OFFLINE = "FTD318"
    GRID_ESTIMATED_VALUES = "FTD319"
    INTENSITY_BASIS = "FTD320"
    SITE_NOT_IN_TABLES = "FTD321"
    GRID_WINDOW_LIMIT = "FTD323"
    GRID_FETCH_LIMIT = "FTD324"
    GRID_IMPLAUSIBLE_VALUE = "FTD325"
    END_BEFORE_START = "FTD401"
    DURATION_MISMATCH = "FTD402"
    RESERVED_BELOW_RUN = "FTD403"
    GPU_HOURS_MISMATCH = "FTD404"
    ENERGY_IMPLAUSIBLE = "FTD405"
    INTENSITY_IMPLAUSIBLE = "FTD406"
    MFU_ABOVE_ONE = "FTD407"
    REPORTED_MISMATCH = "FTD408"
    HUB_MISMATCH = "FTD409"
    IMPLAUSIBLE_DERIVED = "FTD410"
    IMPLAUSIBLE_INPUT = "FTD411"
    RESULT_NOT_FINITE = "FTD412"
    YAML_SYNTAX = "FTD501"
    INVALID_UTF8 = "FTD502"
    BYTE_ORDER_MARK = "FTD503"
    DUPLICATE_KEY = "FTD504"
    ALIAS_LIMIT = "FTD505"
    DEPTH_LIMIT = "FTD506"
    SIZE_LIMIT = "FTD507"
    UNSUPPORTED_TAG = "FTD508"
    NON_STRING_KEY = "FTD509"
    CRLF_LINE_ENDINGS = "FTD510"
    JSON_SYNTAX = "FTD511"
    FRONT_MATTER = "FTD512"
    TAB_INDENT = "FTD513"
    CONTROL_CHARACTER = "FTD514"
    MERGE_KEY = "FTD515"
    UNREADABLE = "FTD516"
    UNKNOWN_FILE_TYPE = "FTD517"
    HUB_EMISSIONS_UNIT = "FTD518"
    HUB_EMISSIONS_NOT_NUMBER = "FTD519"
    HUB_BLOCK_SHAPE = "FTD520"
    HUB_MISSPELT_KEY = "FTD521"
    HUB_UNKNOWN_KEY = "FTD522"
    HUB_MISSING_EMISSIONS = "FTD523"
    HUB_FIELD_TYPE = "FTD524"
    HUB_TRAINING_TYPE = "FTD525"
    CSV_NOT_CODECARBON = "FTD526"
    CSV_BAD_ROW = "FTD527"
    CSV_BAD_VALUE = "FTD528"
    IMPORT_AMBIGUOUS_RUNS = "FTD529"
    IMPORT_NO_TIMEZONE = "FTD530"
    IMPORT_MIXED_GPUS = "FTD531"
    IMPORT_MERGE_CONFLICT = "FTD532"
    IMPORT_MODEL_NAME = "FTD533"
    VALUE_LIMIT = "FTD534"
    KEY_LIMIT = "FTD535"
    RUN_LIMIT = "FTD536"
    FINDING_LIMIT = "FTD537"
    INTERNAL_ERROR = "FTD538"
    HUB_YAML_1_1 = "FTD540"
    HUB_FRONT_MATTER = "FTD541"
    EXPORT_NOT_HELD = "FTD542"
    EXPORT_NEEDS_VALUE = "FTD543"
    EXPORT_SCHEMA = "FTD544"
    IMPORT_SCHEMA = "FTD545"
    IMPORT_LOSS = "FTD546"
    IMPORT_COUNTRY_NAME = "FTD547"
    IMPORT_CPU_COUNT = "FTD548"
    IMPORT_PUE_UNKNOWN = "FTD549"
    DIA_SCHEMA = "FTD550"
    DIA_INTENSITY_UNIT = "FTD551"
    DIA_UNITS = "FTD552"
    DIA_MISMATCH = "FTD553"

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class Rule:
    code: Code
    severity: Severity
    title: str
    description: str
    hint: str
    example: str = ""

    @property
    def slug(self) -> str:
        return self.code.slug

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


def _rules(*rules: Rule) -> dict[Code, Rule]:
    return {r.code: r for r in rules}


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: dict[Code, Rule] = _rules(
    # --- FTD1xx: structure -------------------------------------------------------------
    Rule(
        Code.MISSING_FIELD,
        E,
        "Required field missing",
        "A field the spec requires is absent.",
        "add the field",
        "model: {}  # no name",
    ),
    Rule(
        Code.UNKNOWN_FIELD,
        E,
        "Unknown field",
        "A key that the spec does not define. Extensions go under keys starting with `x-`.",
        "check the spelling, or prefix private keys with `x-`",
        "opertional: {}",
    ),
    Rule(
        Code.WRONG_TYPE,
        E,
        "Wrong type",
        "The value has the wrong type: a mapping where a string is expected, a list where "
        "a mapping is expected, and so on.",
        "write the value in the form the spec gives",
        "model: munin-7b  # model is a mapping",
    ),
    Rule(
        Code.INVALID_CHOICE,
        E,
        "Value not among the allowed choices",
        "An enumerated field (method, provider, energy source, boundary) holds a value outside its list.",
        "use one of the listed values",
        "method: lora-ish",
    ),
    Rule(
        Code.OUT_OF_RANGE,
        E,
        "Value out of range",
        "A number or quantity lies outside what is physically possible for the field "
        "(a negative duration, a PUE below 1, a utilisation above 100%).",
        "check the value and its unit",
        "pue: 0.9",
    ),
    Rule(
        Code.UNSUPPORTED_SPEC_VERSION,
        E,
        "Unsupported spec version",
        "`spec_version` names a version this ftdisclose does not know.",
        'write spec_version: "1.0" (quoted)',
        'spec_version: "9.0"',
    ),
    Rule(
        Code.MISSING_SPEC_VERSION,
        E,
        "spec_version missing",
        "Every disclosure starts with `spec_version`, which selects the schema.",
        'add spec_version: "1.0" at the top',
        "model: {name: x}",
    ),
    Rule(
        Code.NO_DISCLOSURE,
        W,
        "Model card without a disclosure",
        "A model card whose front matter has no `carbon_disclosure` block. If it has the "
        "Hub's `co2_eq_emissions`, that figure cannot be checked.",
        "add a carbon_disclosure block (ftdisclose init prints a template)",
        "",
    ),
    Rule(
        Code.INVALID_DATETIME,
        E,
        "Invalid date or time",
        "A time is not ISO 8601, or a date is not YYYY-MM-DD.",
        "write e.g. 2024-07-06T17:01:00Z",
        "start: 6 July 2024",
    ),
    Rule(
        Code.NAIVE_DATETIME,
        E,
        "Time without a time zone",
        "A time without a zone cannot be placed on the grid's clock (hourly intensity, DST).",
        "append Z for UTC or an offset such as +02:00",
        "start: 2024-07-06T17:01:00",
    ),
    Rule(
        Code.INVALID_COUNT,
        E,
        "Invalid count",
        "A count (parameters, tokens, GPUs) is not a whole, non-negative number.",
        'write e.g. 7.24e9 or "7.24B"',
        'parameters: "seven billion"',
    ),
    Rule(
        Code.EMPTY_DOCUMENT,
        E,
        "Empty disclosure",
        "The file holds no mapping at its top level.",
        'start with spec_version: "1.0"',
        "",
    ),
    # --- FTD2xx: units -----------------------------------------------------------------
    Rule(
        Code.MISSING_UNIT,
        E,
        "Physical value without a unit",
        "A bare number where a physical quantity is expected. ftdisclose never guesses units.",
        'write the unit, e.g. "0.694 kWh"',
        "duration: 12",
    ),
    Rule(
        Code.UNKNOWN_UNIT,
        E,
        "Unknown unit",
        "The unit is not one ftdisclose knows.",
        "use e.g. kWh, h, W, gCO2e, L/kWh",
        "duration: 12 hourz",
    ),
    Rule(
        Code.UNIT_DIMENSION,
        E,
        "Unit of the wrong dimension",
        "The unit is known but measures something else (a mass where a time is expected).",
        "use a unit of the expected dimension",
        "duration: 4 kg",
    ),
    Rule(
        Code.CO2E_UNIT,
        E,
        "Emissions written as a plain mass",
        "Emissions are CO2-equivalent mass, a dimension of its own: `57 g` could be CO2 or CO2e, so it is refused.",
        "write gCO2e, kgCO2e or tCO2e",
        "emissions: 57 g",
    ),
    Rule(
        Code.INVALID_QUANTITY,
        E,
        "Invalid quantity",
        'A quantity is neither "<number> <unit>" nor a mapping {value, unit}.',
        'write e.g. "0.694 kWh" or {value: 0.694, unit: kWh}',
        "energy: lots",
    ),
    Rule(
        Code.NON_FINITE_NUMBER,
        E,
        "Number is not finite",
        "NaN, infinity or a number too large to represent (1e400).",
        "write a finite number",
        "energy: .nan kWh",
    ),
    Rule(
        Code.INVALID_RATIO,
        E,
        "Invalid ratio",
        'A ratio is neither a number nor a percentage such as "47%".',
        'write 0.47 or "47%"',
        "gpu_utilization: high",
    ),
    # --- FTD3xx: factors and gap-filling -------------------------------------------------
    Rule(
        Code.UNKNOWN_GPU,
        W,
        "Unknown accelerator",
        "The GPU model is not in the factor tables; its power and embodied impact fall back "
        "to the year's default accelerator.",
        "use a name from `ftdisclose factors show accelerators`",
        "gpu: {model: A1OO}",
    ),
    Rule(
        Code.UNKNOWN_COUNTRY,
        E,
        "Unknown country",
        "The country is not an ISO 3166-1 alpha-2 code or a known country name.",
        'write the alpha-2 code in quotes, e.g. "DK"',
        "country: Danmark",
    ),
    Rule(
        Code.UNKNOWN_REGION,
        W,
        "Unknown cloud region",
        "The cloud region is not in the factor tables for that provider.",
        "check the region id (e.g. us-west-2) and provider",
        "cloud_region: us-west-9",
    ),
    Rule(
        Code.UNKNOWN_INSTANCE,
        W,
        "Unknown instance type or server",
        "The instance type or server model is not in the factor tables.",
        "use a name from `ftdisclose factors show servers`",
        "instance_type: p9.huge",
    ),
    Rule(
        Code.UNKNOWN_SERVICE,
        W,
        "Unknown managed service",
        "The managed fine-tuning service is not in the factor tables.",
        "use a name from `ftdisclose factors show managed_services`",
        "managed_service: bedrok",
    ),
    Rule(
        Code.YEAR_GAP,
        W,
        "Factor year far from the run year",
        "The nearest year with data for a table is several years from the run's year.",
        "disclose the value, or pin an hourly average",
        "",
    ),
    Rule(
        Code.OVERLAY_SHADOWS,
        INFO,
        "Overlay replaces a shipped row",
        "A row of a private factor overlay replaces a row of the shipped tables.",
        "",
        "",
    ),
    Rule(
        Code.NO_RUN_TIME,
        W,
        "Run time cannot be determined",
        "Nothing gives the run time: no duration, no start and end, no GPU hours, no reserved time, no tokens "
        "with a parameter count. What needs the time is not computed (null in JSON, with the reason): the "
        "energy and everything after it, or, when the energy is measured, the embodied emissions and water.",
        "disclose operational.duration",
        "",
    ),
    Rule(
        Code.UNKNOWN_FACTORS_VERSION,
        E,
        "Unknown factor version",
        "The requested factor-table version is not shipped with this ftdisclose.",
        "see `ftdisclose factors list`",
        'factors_version: "2019.1"',
    ),
    Rule(
        Code.UNKNOWN_ZONE,
        W,
        "Unknown grid zone",
        "The grid zone is not in the factor tables; the country's value is used instead.",
        "use a zone id such as DK2, SE3, US-CA or CAMX",
        "grid_zone: DK9",
    ),
    Rule(
        Code.INVALID_OVERLAY,
        E,
        "Invalid factor overlay",
        "The factor overlay file cannot be read or does not match the table format.",
        "",
        "",
    ),
    # --- FTD312-319: hourly grid intensity (ftdisclose.integrations.grid) --------------------------------
    Rule(
        Code.GRID_UNAVAILABLE,
        W,
        "Hourly grid intensity unavailable",
        "The grid-intensity service did not answer in time, refused the connection, failed (HTTP 5xx) or "
        "rate-limited the request (HTTP 429). The annual intensity of the factor tables is used instead.",
        "try again later, or pin the value once it can be fetched (ftdisclose pin)",
        "Energi Data Service CO2Emis: no answer within 20 s",
    ),
    Rule(
        Code.GRID_REQUEST_REJECTED,
        W,
        "Grid-intensity request rejected",
        "The service refused the request (HTTP 4xx): wrong or expired credentials, an account without "
        "historical data, or a zone the service does not know. The annual intensity is used instead.",
        "check the token or login and the grid zone",
        "Electricity Maps: HTTP 401 (not authorised)",
    ),
    Rule(
        Code.GRID_INVALID_RESPONSE,
        W,
        "Grid-intensity answer not understood",
        "The service answered with something other than the documented JSON (not JSON, missing records, "
        "times or values that cannot be read, unknown units). The annual intensity is used instead.",
        "check FTDISCLOSE_*_URL points at the service itself, not a proxy's error page",
        "UK Carbon Intensity API: the answer is not JSON",
    ),
    Rule(
        Code.GRID_NO_DATA,
        W,
        "No grid-intensity data for the run window",
        "The service holds no values for the hours of the run (too old, too recent, or not covered). "
        "The annual intensity is used instead.",
        "check operational.start and the grid zone",
        "no CO2Emis records for DK2 in 1999",
    ),
    Rule(
        Code.GRID_PARTIAL_COVERAGE,
        W,
        "Grid-intensity data covers part of the run",
        "The fetched values cover only part of [start, start + run time]; the uncovered share is filled "
        "with the annual intensity, weighted by time.",
        "pin the value once the service has the whole window",
        "coverage 75%: the remaining 3 h use the annual 150 gCO2e/kWh",
    ),
    Rule(
        Code.GRID_NO_PROVIDER,
        W,
        "No grid-intensity provider for the zone",
        "No provider serves the zone without credentials: Energi Data Service covers DK1/DK2 and the UK "
        "Carbon Intensity API Great Britain; other zones need ELECTRICITYMAPS_TOKEN, or WATTTIME_USERNAME "
        "and WATTTIME_PASSWORD. The annual intensity is used instead.",
        "set one of the credentials, or disclose operational.carbon_intensity",
        "grid_zone: DE",
    ),
    Rule(
        Code.GRID_OFFLINE,
        INFO,
        "Offline: hourly grid intensity not fetched",
        "Offline mode forbids network access and the window is not in the cache, so the annual intensity is used.",
        "run once online, or pin the value (ftdisclose pin)",
        "ftdisclose compute --offline",
    ),
    Rule(
        Code.GRID_ESTIMATED_VALUES,
        INFO,
        "Grid intensity includes forecasts or estimates",
        "Some of the values averaged are forecasts, model estimates or imputed data rather than measured "
        "values (the UK API's regional data is forecast only).",
        "prefer a national or measured series when one exists",
        "GB-13: 24 of 24 values are forecasts",
    ),
    Rule(
        Code.SITE_NOT_IN_TABLES,
        W,
        "Site not known to these factor tables",
        "The disclosure says where the hardware stood (infrastructure.site: workstation), but the factor "
        "version in use has no workstation figures (its PUE, water and embodied footprint), so a "
        "datacenter's are used instead.",
        "compute with a newer factor version (ftdisclose factors list), or disclose pue and wue",
        "site: workstation with --factors 2026.1",
    ),
    Rule(
        Code.INTENSITY_BASIS,
        W,
        "Grid intensity on another basis",
        "The tables hold no grid intensity on the basis asked for (lifecycle by default: generation plus "
        "upstream fuel supply and plant construction; direct with --grid-basis direct: combustion at the plant "
        "only) for the zone, so its row on the other basis is used. A direct figure reads lower than a "
        "lifecycle one; results on different bases are not comparable.",
        "disclose operational.carbon_intensity with its source, or accept the other basis",
        "grid_zone: XX (direct combustion only)",
    ),
    Rule(
        Code.GRID_WINDOW_LIMIT,
        W,
        "Run window too long for hourly grid data",
        "The run window is longer than hourly data is fetched for (92 days), or lies outside the years any "
        "grid-data service covers (1970-2100). Fetching it would take hundreds of requests (billed ones, for "
        "a commercial service), so nothing is fetched and the annual intensity is used.",
        "check operational.start and the run time; for a long run, disclose operational.carbon_intensity",
        "duration: 100 y",
    ),
    Rule(
        Code.GRID_FETCH_LIMIT,
        W,
        "Grid-intensity fetch stopped at a limit",
        "The service's answers went past a limit of one fetch: more than 48 requests (pages, chunks, retries "
        "and redirects), an answer larger than 8 MB (or 8 MB once decompressed), or more values than the "
        "window can hold. Nothing is used or cached; the annual intensity is used instead.",
        "check FTDISCLOSE_*_URL points at the service itself",
        "Energi Data Service CO2Emis: more than 48 requests for one window",
    ),
    Rule(
        Code.GRID_IMPLAUSIBLE_VALUE,
        W,
        "Grid-intensity service answered implausible values",
        "A value from the service is negative, not finite, or above 2,000 gCO2e/kWh (more than the most "
        "carbon-intensive generation emits). Such an answer is not used and not cached; the annual "
        "intensity is used instead.",
        "check FTDISCLOSE_*_URL points at the service itself; report the values to the service",
        "CO2Emission: -500",
    ),
    # --- FTD4xx: consistency -----------------------------------------------------------
    Rule(
        Code.END_BEFORE_START,
        E,
        "End before start",
        "operational.end lies before operational.start.",
        "check the two times and their zones",
        "",
    ),
    Rule(
        Code.DURATION_MISMATCH,
        W,
        "Duration disagrees with start and end",
        "operational.duration differs from end - start by more than 5%.",
        "check the duration, or the times' zones",
        "",
    ),
    Rule(
        Code.RESERVED_BELOW_RUN,
        E,
        "Reserved time shorter than run time",
        "The hardware was held for less time than it ran.",
        "reserved_time >= duration",
        "",
    ),
    Rule(
        Code.GPU_HOURS_MISMATCH,
        W,
        "GPU hours disagree with count x time",
        "operational.gpu_hours differs from the GPU count times the run time by more than 10%.",
        "check gpu_hours, the GPU count and the duration",
        "",
    ),
    Rule(
        Code.ENERGY_IMPLAUSIBLE,
        W,
        "Measured energy implausible",
        "The measured energy is zero, or above what the GPUs could draw at 1.5x their TDP for "
        "the run time (a Wh/kWh slip or a wrong boundary).",
        "check the energy's unit",
        "",
    ),
    Rule(
        Code.INTENSITY_IMPLAUSIBLE,
        E,
        "Implied carbon intensity implausible",
        "Reported emissions / energy lies outside 0..1,500 gCO2e/kWh, the range of real grids. "
        "A g/kg slip is the commonest cause.",
        "check the emissions' unit (g vs kg)",
        "",
    ),
    Rule(
        Code.MFU_ABOVE_ONE,
        E,
        "Tokens imply more than 100% FLOPs utilisation",
        "The tokens, parameters and run time imply a model FLOPs utilisation above 1.",
        "check tokens, parameters, duration and GPU count",
        "",
    ),
    Rule(
        Code.REPORTED_MISMATCH,
        W,
        "Reported total outside the recomputed range",
        "A reported figure lies outside the low-high range ftdisclose computes from the disclosure.",
        "check the reported value and its unit",
        "",
    ),
    Rule(
        Code.HUB_MISMATCH,
        W,
        "Model-card co2_eq_emissions disagrees",
        "The card's co2_eq_emissions (grams) differs from the disclosure's computed emissions.",
        "a factor of 1000 usually means kg were written as g",
        "",
    ),
    Rule(
        Code.IMPLAUSIBLE_DERIVED,
        W,
        "A derived value is implausible",
        "A value ftdisclose derived from what was disclosed lies outside what real runs show: a run time over "
        "a year, more than a million GPUs, a start before 1970, after 2100, or before the base model was "
        "published. The computation goes on with it; the numbers are in the message.",
        "disclose the value itself (operational.duration, infrastructure.cluster.gpu.count, operational.start)",
        "gpu_hours: 1.72M h with no GPU count",
    ),
    Rule(
        Code.IMPLAUSIBLE_INPUT,
        W,
        "A disclosed value is implausible",
        "A disclosed value is physically possible but far outside what real hardware and grids show: a grid "
        "intensity above 1,200 gCO2e/kWh, a WUE above 20 L/kWh, an idle power above the TDP, a zero run time "
        "beside GPU-hours, a run's energy above the total, a GPU count above a million.",
        "check the value and its unit",
        "carbon_intensity: 1e30 g/kWh",
    ),
    Rule(
        Code.RESULT_NOT_FINITE,
        E,
        "A result overflows",
        "A step of the computation gives a number too large to represent (or not a number) from the inputs "
        "shown in the message; the result and what depends on it are not computed.",
        "check the inputs named in the message and their units",
        "energy: 1e308 kWh with a PUE above 1",
    ),
    # --- FTD5xx: input format ----------------------------------------------------------
    Rule(
        Code.YAML_SYNTAX,
        E,
        "YAML syntax error",
        "The file is not valid YAML.",
        "fix the syntax at the position shown",
        "key: [unclosed",
    ),
    Rule(Code.INVALID_UTF8, E, "Invalid UTF-8", "The file is not valid UTF-8 text.", "save the file as UTF-8", ""),
    Rule(
        Code.BYTE_ORDER_MARK,
        W,
        "Byte-order mark",
        "The file starts with a UTF-8 byte-order mark, which some YAML tools reject.",
        "save without BOM",
        "",
    ),
    Rule(
        Code.DUPLICATE_KEY,
        E,
        "Duplicate key",
        "A mapping holds the same key twice; YAML tools disagree on which one wins.",
        "keep one of the two",
        "pue: 1.1\npue: 1.2",
    ),
    Rule(
        Code.ALIAS_LIMIT,
        E,
        "Too many aliases",
        "Anchors and aliases expand beyond the limit (an alias bomb).",
        "write the values out",
        "",
    ),
    Rule(
        Code.DEPTH_LIMIT,
        E,
        "Nesting too deep",
        "The document nests deeper than the limit.",
        "flatten the document",
        "",
    ),
    Rule(
        Code.SIZE_LIMIT,
        E,
        "File too large",
        "The file is larger than the limit.",
        "a disclosure is a few kilobytes",
        "",
    ),
    Rule(
        Code.UNSUPPORTED_TAG,
        E,
        "Unsupported YAML tag",
        "Tags such as !!python/object are never constructed.",
        "remove the tag",
        "x: !!python/object:os.system",
    ),
    Rule(Code.NON_STRING_KEY, E, "Key is not a string", "Mapping keys must be strings.", "quote the key", "1: x"),
    Rule(
        Code.CRLF_LINE_ENDINGS,
        INFO,
        "CRLF line endings",
        "The file uses Windows line endings; ftdisclose reads them, other tools may not.",
        "",
        "",
    ),
    Rule(
        Code.JSON_SYNTAX,
        E,
        "JSON syntax error",
        "The file is not valid JSON.",
        "fix the syntax at the position shown",
        '{"a": }',
    ),
    Rule(
        Code.FRONT_MATTER,
        E,
        "Model card front matter missing or unterminated",
        "A model card's metadata must sit between two `---` lines at the top of the file.",
        "start the card with ---, the YAML, then ---",
        "",
    ),
    Rule(Code.TAB_INDENT, E, "Tab in indentation", "YAML forbids tabs for indentation.", "indent with spaces", ""),
    Rule(
        Code.CONTROL_CHARACTER,
        E,
        "Control character",
        "The file contains a control character that YAML does not allow.",
        "remove it",
        "",
    ),
    Rule(Code.MERGE_KEY, E, "Merge key", "`<<` merge keys are not part of YAML 1.2.", "write the keys out", ""),
    Rule(
        Code.UNREADABLE,
        E,
        "File cannot be read",
        "The file does not exist, is a folder without disclosures, or cannot be opened.",
        "",
        "",
    ),
    Rule(
        Code.UNKNOWN_FILE_TYPE,
        E,
        "Unknown file type",
        "Only .yaml, .yml, .json and .md files are read.",
        "rename the file",
        "",
    ),
    # --- FTD518-525: the Hugging Face Hub's co2_eq_emissions block of a model card ---------
    Rule(
        Code.HUB_EMISSIONS_UNIT,
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
        Code.HUB_EMISSIONS_NOT_NUMBER,
        E,
        "Hub emissions is not a number",
        "The emissions figure is a unit without a number, text such as `N/A`, a number in "
        "quotes, an empty value, a boolean, or a negative or non-finite number.",
        "write the grams as a plain number (emissions: 57), or leave the block out when unknown",
        "co2_eq_emissions: kg",
    ),
    Rule(
        Code.HUB_BLOCK_SHAPE,
        E,
        "Hub co2_eq_emissions has the wrong shape",
        "`co2_eq_emissions` is a number of grams or a mapping. A list of one-key mappings (the "
        "dashed form of the Hub spec's first draft) or any other shape is not read.",
        "write a mapping: co2_eq_emissions: {emissions: 57, source: ..., training_type: fine-tuning}",
        "co2_eq_emissions:\n  - emissions: 57\n  - source: CodeCarbon",
    ),
    Rule(
        Code.HUB_MISSPELT_KEY,
        E,
        "Misspelt key in the Hub block",
        "A key of `co2_eq_emissions` is close to one the Hub defines (emissions, source, "
        "training_type, geographical_location, hardware_used); the Hub ignores the misspelling.",
        "use the key the Hub defines",
        "co2_eq_emissions: {emission: 57}",
    ),
    Rule(
        Code.HUB_UNKNOWN_KEY,
        W,
        "Key the Hub does not define",
        "A key of `co2_eq_emissions` that the Hub does not define; the Hub and ftdisclose ignore "
        "it. Richer data belongs in the card's `carbon_disclosure` block.",
        "move the value into carbon_disclosure, or remove it",
        "co2_eq_emissions: {emissions: 57, training_time: 4 h}",
    ),
    Rule(
        Code.HUB_MISSING_EMISSIONS,
        E,
        "Hub block without emissions",
        "A `co2_eq_emissions` mapping without its `emissions` figure states no emissions.",
        "add emissions: <grams>",
        "co2_eq_emissions: {source: CodeCarbon}",
    ),
    Rule(
        Code.HUB_FIELD_TYPE,
        E,
        "Hub text field is not text",
        "`source`, `training_type`, `geographical_location` and `hardware_used` are free "
        "text; a number, list, mapping or empty value is not what the Hub displays.",
        'write text, e.g. hardware_used: "8 x A100 80GB"',
        "hardware_used: 8",
    ),
    Rule(
        Code.HUB_TRAINING_TYPE,
        W,
        "Unknown training_type",
        "The Hub documents `training_type` as `pre-training` or `fine-tuning`.",
        "write pre-training or fine-tuning",
        "training_type: pretraining",
    ),
    # --- FTD526-533: importing CodeCarbon output ------------------------------------------
    Rule(
        Code.CSV_NOT_CODECARBON,
        E,
        "Not a CodeCarbon emissions file",
        "The CSV is empty, has no header, or lacks the columns every CodeCarbon emissions.csv "
        "has (`duration`, `energy_consumed`). Nothing is imported from it.",
        "pass the emissions.csv that CodeCarbon wrote (output_file)",
        "timestamp,loss\n...",
    ),
    Rule(
        Code.CSV_BAD_ROW,
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
        Code.CSV_BAD_VALUE,
        W,
        "Unreadable CodeCarbon value",
        "An optional cell (timestamp, pue, gpu_count, country_iso_code, a utilisation) cannot be "
        "read, or the file is not UTF-8. The field it feeds is left out of the disclosure, "
        "or the stated assumption is used.",
        "check the cell; add the field by hand if it is known",
        "gpu_count: four",
    ),
    Rule(
        Code.IMPORT_AMBIGUOUS_RUNS,
        W,
        "Several CodeCarbon runs without run_id",
        "The file holds several rows that no run_id tells apart. They are read as separate "
        "runs and summed; if they are flushes of one run, summing counts the run several "
        "times.",
        "if the rows are one run, import with --combine last",
        "",
    ),
    Rule(
        Code.IMPORT_NO_TIMEZONE,
        W,
        "CodeCarbon timestamp without a time zone",
        "CodeCarbon writes the machine's local time without a zone, at the end of the run. "
        "Without the zone the start cannot be placed on the grid's clock, so start and end "
        "are left out; a local time in a daylight-saving change is ambiguous.",
        "pass --timezone with the machine's IANA zone, e.g. Europe/Copenhagen, or UTC",
        "",
    ),
    Rule(
        Code.IMPORT_MIXED_GPUS,
        W,
        "Several GPU models in CodeCarbon's gpu_model",
        "`gpu_model` names more than one model (CodeCarbon joins them without a separator, "
        "e.g. `2 x NVIDIA A100-SXM4-40GB2 x Tesla T4`). The disclosure names the most "
        "numerous model and counts every GPU; the full list is kept in x-ftdisclose-import.",
        "check infrastructure.cluster.gpu by hand",
        "2 x NVIDIA A100-SXM4-40GB 2 x Tesla T4",
    ),
    Rule(
        Code.IMPORT_MERGE_CONFLICT,
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
        Code.IMPORT_MODEL_NAME,
        W,
        "Model name not in the imported file",
        "CodeCarbon, BoAmps and DIA do not record the fine-tuned model's name; `model.name` was "
        "taken from CodeCarbon's project_name column, BoAmps' algorithmName, or the file's name.",
        "pass --model-name, or edit model.name",
        "",
    ),
    # --- FTD540-541: cards as huggingface_hub reads them ------------------------------------
    Rule(
        Code.HUB_YAML_1_1,
        W,
        "Front matter read differently by huggingface_hub",
        "huggingface_hub (and the Hub's Python tools) read a card's front matter with PyYAML, which follows "
        "YAML 1.1: `NO`, `yes`, `on` are booleans, `2.1e5` and `7.24e9` are text, `1:30` is 90, `0755` is "
        "octal, `2025-07-10` is a date. ftdisclose reads YAML 1.2, so such a value means one thing here and "
        "another on the Hub.",
        'quote text (country: "NO"); write numbers with a dot and a signed exponent (2.1e+5) or in full',
        "country: NO    # Norway here, false on the Hub",
    ),
    Rule(
        Code.HUB_FRONT_MATTER,
        E,
        "Front matter huggingface_hub does not read",
        "huggingface_hub finds a card's front matter with its own pattern: an opening `---` line at the start and "
        "a closing `---` line. A block closed with `...` (or `----`) is read by ftdisclose but not by the Hub, "
        "which then sees no metadata, or reads on to a later `---` and fails.",
        "close the front matter with a line ---",
        "",
    ),
    # --- FTD542-553: other formats: export, import, and DIA blocks in model cards --------
    Rule(
        Code.EXPORT_NOT_HELD,
        W,
        "Not held by the export format",
        "The target format has no field for something the disclosure or its computation states "
        "(BoAmps: emissions, water, PUE, embodied impact, ranges; DIA: embodied impact, PUE; "
        "the Hub block: energy, water, ranges). It is named here rather than dropped silently; "
        "where the format allows unknown keys, ftdisclose's results are written under "
        "`x-ftdisclose`, which the format's own readers ignore.",
        "keep the disclosure beside the export: it is the complete record",
        "BoAmps has no field for emissions.total = 0.43 kgCO2e",
    ),
    Rule(
        Code.EXPORT_NEEDS_VALUE,
        E,
        "The export format requires a value the disclosure lacks",
        "The target format requires a field that the disclosure cannot give: BoAmps' "
        "`task.taskFamily` and the dataset's `dataType`, or an energy that could not be "
        "computed. Nothing is written.",
        "pass --task-family and --data-type, or export from a model card with a pipeline_tag",
        "",
    ),
    Rule(
        Code.EXPORT_SCHEMA,
        E,
        "Export rejected by the format's own schema",
        "Every export is validated against the target format's vendored schema before it is "
        "written; this one was not valid, so nothing was written. It is a bug in ftdisclose: "
        "please report it with the disclosure.",
        "report the disclosure that gave it",
        "",
    ),
    Rule(
        Code.IMPORT_SCHEMA,
        W,
        "Imported file breaks its own format's schema",
        "The BoAmps report or DIA block does not follow its format's schema (e.g. CodeCarbon's "
        "BoAmps output without `task`, a `memorySize` that the 1.1.0 release schema wants as an "
        "integer). ftdisclose imports what it can read and says what it skipped.",
        "fix the file where the finding points, or regenerate it with the tool's context",
        "BoAmps report without task",
    ),
    Rule(
        Code.IMPORT_LOSS,
        W,
        "Imported value not carried into the disclosure",
        "A field of the imported file has no field of the same meaning in a disclosure, is "
        "ambiguous, or cannot be read: it is kept under `x-ftdisclose-import`, where ftdisclose "
        "ignores it, and named here. Examples: BoAmps date-times without a time zone, several "
        "measures of unknown coverage, DIA's combined on-site and off-site WUE, a figure given "
        "as an interval where the disclosure holds one value.",
        "add the field to the disclosure by hand if you know its exact meaning",
        "measurementDateTime 2024-09-30 09:09:40 has no time zone",
    ),
    Rule(
        Code.IMPORT_COUNTRY_NAME,
        W,
        "Country written as a name",
        'BoAmps\' `environment.country` is free text ("france", "United States"); a disclosure '
        "holds an ISO 3166-1 alpha-2 code. A name found in the country table is mapped to its "
        "code and named here; a name that is not found is left out.",
        "check infrastructure.location.country",
        "country: france -> FR",
    ),
    Rule(
        Code.IMPORT_CPU_COUNT,
        W,
        "CPU count is not sockets",
        "BoAmps' `nbComponent` for a CPU counts vCPUs (Boavizta's example), sockets (their "
        "Python example) or threads halved into guessed cores (CodeCarbon's exporter). A "
        "disclosure counts sockets, whose TDP is what the power model uses, so the number is "
        "not imported as `infrastructure.cluster.cpu.count`.",
        "disclose cpu.count as the number of CPU sockets, if the energy is not measured",
        "nbComponent: 48 for a p4d.24xlarge (2 sockets)",
    ),
    Rule(
        Code.IMPORT_PUE_UNKNOWN,
        W,
        "Whether the energy includes PUE is unknown",
        "BoAmps has no field that says whether `powerConsumption` includes the datacenter's "
        "overhead (CodeCarbon's exporter multiplies by its `pue` setting and says nothing); "
        "DIA's energy includes a PUE of 1.1 on its NVML and estimate paths and none on its "
        "CodeCarbon path. The disclosure states what the source implies, and this finding "
        "says so.",
        "set operational.energy.includes_pue once you know how the energy was measured",
        "",
    ),
    Rule(
        Code.DIA_SCHEMA,
        E,
        "dia_report breaks DIA's schema",
        "The card's `dia_report` block does not follow DIA Report v0.1: a missing `scope` or "
        "`footprint`, a scope other than `incremental`, a lineage entry without `model`, a "
        "relation or quality outside DIA's lists, a figure that is neither a number nor a "
        "[low, high] pair. DIA's own validator rejects the card.",
        "fix the block where the finding points",
        "scope: cumulative",
    ),
    Rule(
        Code.DIA_INTENSITY_UNIT,
        E,
        "DIA carbon intensity written in g/kWh",
        "DIA's `context.carbon_intensity` is a bare number of kgCO2/kWh (0.4 for a fossil-heavy "
        "grid), while ftdisclose, BoAmps and grid-data services write g/kWh (400). No grid emits "
        "2 kg/kWh or more, so a value of 2 or more was written in grams: 1000 times too high "
        "for DIA's readers.",
        "divide by 1000: carbon_intensity: 0.4",
        "carbon_intensity: 400",
    ),
    Rule(
        Code.DIA_UNITS,
        E,
        "DIA figure in the wrong unit",
        "DIA keeps units in key names: `energy_kwh` kWh, `carbon_kgco2eq` kg, `water_liters` L, "
        "each a bare number or a [low, high] pair. A value written with a unit, a key in another "
        "unit (`carbon_gco2eq`, which DIA ignores), or carbon per kWh of energy above any grid's "
        "intensity (grams written where kilograms are read) is reported.",
        "write the bare number in the key's unit",
        "carbon_kgco2eq: {value: 1968.9}",
    ),
    Rule(
        Code.DIA_MISMATCH,
        E,
        "DIA figures disagree with the disclosure",
        "A figure of the card's `dia_report` is outside the range ftdisclose computes from the "
        "card's `carbon_disclosure` (energy: IT to facility energy; carbon: operational to total "
        "emissions; water: on-site plus off-site), with 2% tolerance for rounding.",
        "regenerate the block with ftdisclose card --dia, or check the disclosure",
        "",
    ),
    # --- FTD534-538: limits on the work one file can cause, and failures ----------------
    Rule(
        Code.VALUE_LIMIT,
        E,
        "Too many values",
        "The document holds more values (keys, list items and scalars) than the limit, 50,000 by "
        "default. A disclosure holds a few hundred; so many values is a generated or hostile file, "
        "and it is not read further, so that no file takes more than a moment.",
        "split the file, or raise the limit (pipeline.Options.limits) if it is really one disclosure",
        "x-samples: [1, 1, 1, ...]  # a million items",
    ),
    Rule(
        Code.KEY_LIMIT,
        E,
        "Too many keys, or a key too long",
        "The document holds more mapping keys than the limit (5,000 by default; it is not read "
        "further), or a key longer than the limit (128 characters; that key is not read).",
        "keep keys short; move bulk data out of the disclosure",
        "",
    ),
    Rule(
        Code.RUN_LIMIT,
        E,
        "Too many runs",
        "operational.runs lists more runs than the limit (500 by default). The runs beyond it are "
        "not read, so the totals cannot be checked against them.",
        "combine runs that belong together, or raise the limit (pipeline.Options.limits)",
        "",
    ),
    Rule(
        Code.FINDING_LIMIT,
        W,
        "Too many findings",
        "The file has more findings than the limit (1,000 by default); the first are reported and the rest counted.",
        "fix the findings shown and run again",
        "",
    ),
    Rule(
        Code.INTERNAL_ERROR,
        E,
        "ftdisclose failed on this file",
        "An unexpected failure while checking this file: a bug in ftdisclose, reported as the file's "
        "finding so that the other files are still checked. The exit code is 2.",
        "please report it with the file (ftdisclose -vv shows the details)",
        "",
    ),
)
