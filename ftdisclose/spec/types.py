"""Value types of the spec: quantities with units, ratios, counts, times.

Each type is an ``Annotated`` marker that validates user input into a small immutable
value, raises errors that carry their finding code, and describes itself in the JSON
Schema. Errors carry the message in the context (never formatted from user text).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ftdisclose import units
from ftdisclose.findings import Code
from ftdisclose.findings.excerpt import excerpt

QUANTITY_PATTERN = r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?([eE][-+]?\d+)?\s*[^\s\d.,+-].*$"
_COUNT = re.compile(r"^\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*([kKMBT]|bn)?\s*$")
_COUNT_SCALE = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9, "T": 1e12}
COUNT_PATTERN = r"^\s*(\d{1,3}(,\d{3})+|\d+(\.\d+)?([eE][-+]?\d+)?)\s*([kKMBT]|bn)?\s*$"
RATIO_PATTERN = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*%\s*$"


# The unit dimension of a field, in the one annotation keyword every validator accepts in strict mode
# (ajv refuses unknown keywords such as x-unit-dimension): "ftdisclose-unit: energy; canonical kWh".
UNIT_COMMENT = re.compile(r"^ftdisclose-unit: (?P<dimension>[^;]+)(?:; canonical (?P<canonical>\S+))?$")


def unit_comment(dimension: str, canonical: str = "") -> str:
    """The ``$comment`` that carries a field's unit dimension (and canonical unit) in the JSON Schema."""
    return f"ftdisclose-unit: {dimension}" + (f"; canonical {canonical}" if canonical else "")


def ftd_error(code: str, message: str, hint: str = "") -> PydanticCustomError:
    """A validation error that the validate stage turns into a finding ``code``."""
    return PydanticCustomError("ftd", "{message}", {"code": code, "message": message, "hint": hint})


@dataclass(frozen=True, slots=True)
class Quantity:
    """A validated physical value: a finite number and the unit it was written in."""

    value: float
    unit: str

    def to(self, target: str) -> float:
        """The magnitude in ``target`` units."""
        return units.convert(self.value, self.unit, target)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def _fmt(value: float) -> str:
    return f"{value:g}"


# a count's multiplier written before a unit ("30.84M h"): the power of ten it stands for
_MULTIPLIERS = {"k": 3, "K": 3, "M": 6, "B": 9, "G": 9, "T": 12}


def _of_dimension(unit: str, dimension: str) -> bool:
    try:
        return units.unit_info(unit).dimensionality in units.dimension_key(dimension)
    except units.UnitError:
        return False


def _unit_suggestion(value: float, unit: str, dimension: str) -> str:
    """What to write instead of ``value unit``: always a quantity of the field's own dimension, never
    another's ("30.84M h" is 30.84e6 h, not 30.84 MWh), or "" when nothing is close."""
    head, rest = unit[:1], unit[1:].strip()
    if head in _MULTIPLIERS and rest and _of_dimension(rest, dimension):
        return f"{_fmt(value)}e{_MULTIPLIERS[head]} {rest}"
    names = [n for n in units.known_unit_names() if _of_dimension(n, dimension)]
    lowered = {n.lower(): n for n in names}
    if unit.lower() in lowered:
        return f"{_fmt(value)} {lowered[unit.lower()]}"
    close = difflib.get_close_matches(unit, names, n=1, cutoff=0.6)
    return f"{_fmt(value)} {close[0]}" if close else ""


@dataclass(frozen=True)
class QuantityType:
    """Marker: a quantity of dimension ``dimension`` (a key of ``units.DIMENSIONS``)."""

    dimension: str
    allow_negative: bool = False
    allow_zero: bool = True
    maximum: tuple[float, str] | None = None  # the largest value any real disclosure can hold, and its unit

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema()

    def json_schema(self) -> dict[str, object]:
        """Both ways to write the quantity: ``"0.694 kWh"`` or ``{value, unit}``."""
        dim = units.DIMENSIONS[self.dimension]
        return {
            "anyOf": [
                {"type": "string", "pattern": QUANTITY_PATTERN, "examples": [dim.example]},
                {
                    "type": "object",
                    "properties": {
                        "value": {"type": "number", "description": "The number."},
                        "unit": {"type": "string", "description": f"A unit of {dim.name}, e.g. {dim.canonical}."},
                    },
                    "required": ["value", "unit"],
                    "additionalProperties": False,
                },
            ],
            "$comment": unit_comment(dim.name, dim.canonical),
        }

    def validate(self, raw: Any) -> Quantity:
        dim = units.DIMENSIONS[self.dimension]
        value, unit = self._value_and_unit(raw, dim)
        if not math.isfinite(value):
            raise ftd_error(Code.NON_FINITE_NUMBER, f"{excerpt(raw)} is not a finite number", "")
        if not unit.strip():
            raise ftd_error(
                Code.MISSING_UNIT,
                f"{_fmt(value)} has no unit; {_a(dim.name)} needs one",
                f'write e.g. "{_fmt(value)} {dim.canonical}"',
            )
        info = _unit_info(value, unit, dim)
        if info.dimensionality not in units.dimension_key(self.dimension):
            raise _wrong_dimension(value, unit, info, self.dimension)
        if value < 0 and not self.allow_negative:
            raise ftd_error(Code.OUT_OF_RANGE, f"{_fmt(value)} {info.text} is negative", "a physical amount is >= 0")
        if value == 0 and not self.allow_zero:
            raise ftd_error(
                Code.OUT_OF_RANGE,
                f"{_fmt(value)} {info.text} is zero",
                "leave the field out when it is not known; never write 0",
            )
        if self.maximum is not None and units.convert(value, info.text, self.maximum[1]) > self.maximum[0]:
            most, unit_ = self.maximum
            raise ftd_error(
                Code.OUT_OF_RANGE,
                f"{_fmt(value)} {info.text} is more than {_fmt(most)} years"
                if unit_ == "y"
                else f"{_fmt(value)} {info.text} is more than {_fmt(most)} {unit_}",
                f"no run or hardware lasts longer than the {ERA[1] - ERA[0]} years from {ERA[0]} to {ERA[1]}; "
                "check the number and its unit",
            )
        return Quantity(value, info.text)

    def _value_and_unit(self, raw: Any, dim: units.Dimension) -> tuple[float, str]:
        if isinstance(raw, Quantity):
            return raw.value, raw.unit
        if isinstance(raw, bool) or raw is None:
            raise ftd_error(
                Code.INVALID_QUANTITY, f"expected a quantity of {dim.name}, got {raw!r}", f'write e.g. "{dim.example}"'
            )
        if isinstance(raw, int | float):
            value = as_float(raw)
            if not math.isfinite(value):
                raise ftd_error(Code.NON_FINITE_NUMBER, f"{excerpt(raw)} is not a finite number", "")
            raise ftd_error(
                Code.MISSING_UNIT,
                f"{_fmt(value)} has no unit; a {dim.name} needs one",
                f'write e.g. "{_fmt(value)} {dim.canonical}"',
            )
        if isinstance(raw, str):
            return _split(raw, dim)
        if isinstance(raw, dict):
            return _mapping(raw, dim)
        raise ftd_error(Code.INVALID_QUANTITY, f"expected a quantity of {dim.name}", f'write e.g. "{dim.example}"')


def as_float(value: int | float) -> float:
    """A number as a float; an integer beyond the float range is infinite (reported as not finite)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _split(raw: str, dim: units.Dimension) -> tuple[float, str]:
    try:
        parsed = units.split_quantity(raw)
    except units.NumberError as exc:
        raise ftd_error(Code.INVALID_QUANTITY, f"{excerpt(raw)}: {exc}", f'write e.g. "{dim.example}"') from None
    if parsed is None:
        if raw.strip() and _is_unit(raw):
            raise ftd_error(
                Code.INVALID_QUANTITY, f"{excerpt(raw)} is a unit without a number", f'write e.g. "{dim.example}"'
            )
        raise ftd_error(Code.INVALID_QUANTITY, f"{excerpt(raw)} is not a quantity", f'write e.g. "{dim.example}"')
    return parsed


def _mapping(raw: dict[str, Any], dim: units.Dimension) -> tuple[float, str]:
    extra = set(raw) - {"value", "unit"}
    if extra or "value" not in raw or "unit" not in raw:
        raise ftd_error(
            Code.INVALID_QUANTITY,
            "a quantity mapping has exactly the keys value and unit",
            f"write {{value: {dim.example.split()[0]}, unit: {dim.canonical}}}",
        )
    value, unit = raw["value"], raw["unit"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ftd_error(Code.INVALID_QUANTITY, f"value must be a number, got {excerpt(value)}", "")
    if not isinstance(unit, str):
        raise ftd_error(Code.INVALID_QUANTITY, f"unit must be a string, got {excerpt(unit)}", f"unit: {dim.canonical}")
    return as_float(value), unit


def _unit_info(value: float, unit: str, dim: units.Dimension) -> units.UnitInfo:
    try:
        return units.unit_info(unit)
    except units.UnitSyntaxError as exc:
        raise ftd_error(
            Code.UNKNOWN_UNIT, f"the unit {excerpt(unit.strip())} is not accepted: {exc}", f"use e.g. {dim.canonical}"
        ) from None
    except units.UnitError:
        guess = _unit_suggestion(value, unit.strip(), dim.name)
        hint = f'did you mean "{guess}"?' if guess else f"use e.g. {dim.canonical}"
        raise ftd_error(Code.UNKNOWN_UNIT, f"unknown unit {excerpt(unit.strip())}", hint) from None


def _wrong_dimension(value: float, unit: str, info: units.UnitInfo, dimension: str) -> PydanticCustomError:
    dim = units.DIMENSIONS[dimension]
    found = units.dimension_of(info)
    if dimension == "emissions" and found == "mass":
        return ftd_error(
            Code.CO2E_UNIT,
            f'"{_fmt(value)} {unit.strip()}" is a mass, not a CO2-equivalent mass',
            f'write "{_fmt(value)} {info.text}CO2e"',
        )
    what = _a(found) if found else f"not {_a(dim.name)}"
    return ftd_error(
        Code.UNIT_DIMENSION,
        f'"{_fmt(value)} {unit.strip()}" is {what}; expected {_a(dim.name)}',
        f'write e.g. "{dim.example}"',
    )


def _a(noun: str) -> str:
    """The noun with its indefinite article: "a time", "an energy"; mass nouns go bare."""
    if noun in ("emissions", "water", "memory", "dimensionless"):
        return noun
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _is_unit(text: str) -> bool:
    try:
        units.unit_info(text)
    except units.UnitError:
        return False
    return True


@dataclass(frozen=True)
class RatioType:
    """Marker: a ratio written ``0.47`` or ``"47%"``, within [low, high]."""

    low: float = 0.0
    high: float = 1.0
    low_inclusive: bool = True
    example: str = "47%"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        bound = "minimum" if self.low_inclusive else "exclusiveMinimum"
        return {
            "anyOf": [
                {"type": "number", bound: self.low, "maximum": self.high},
                {"type": "string", "pattern": RATIO_PATTERN},
            ],
            "$comment": unit_comment("ratio"),
        }

    def validate(self, raw: Any) -> float:
        value = self._number(raw)
        if not math.isfinite(value):
            raise ftd_error(Code.NON_FINITE_NUMBER, f"{excerpt(raw)} is not a finite number", "")
        too_low = value < self.low if self.low_inclusive else value <= self.low
        if too_low or value > self.high:
            lo = "[" if self.low_inclusive else "("
            raise ftd_error(
                Code.OUT_OF_RANGE,
                f"{excerpt(raw)} is outside {lo}{self.low:g}, {self.high:g}]",
                f'a percentage needs its sign: write "{raw}%"'
                if isinstance(raw, int | float) and self.high == 1.0 and 1 < value <= 100
                else "check the value",
            )
        return value

    def _number(self, raw: Any) -> float:
        if isinstance(raw, bool) or raw is None:
            raise ftd_error(Code.INVALID_RATIO, f"expected a ratio, got {raw!r}", f"write e.g. {self.example}")
        if isinstance(raw, int | float):
            return as_float(raw)
        if not isinstance(raw, str):
            raise ftd_error(Code.INVALID_RATIO, "expected a ratio", f"write e.g. {self.example}")
        text = raw.strip()
        percent = text.endswith("%")
        if not percent:  # a number in quotes is text, as the JSON Schema says: only "47%" is a string
            try:
                units.read_number(text)
            except ValueError:
                raise ftd_error(
                    Code.INVALID_RATIO, f"{excerpt(raw)} is not a ratio", f"write e.g. {self.example}"
                ) from None
            raise ftd_error(
                Code.INVALID_RATIO, f"{excerpt(raw)} is a number in quotes", f"remove the quotes: {excerpt(text)}"
            )
        try:
            value = units.read_number(text[:-1].strip() if percent else text)
        except units.NumberError as exc:
            raise ftd_error(Code.INVALID_RATIO, f"{excerpt(raw)}: {exc}", f"write e.g. {self.example}") from None
        except ValueError:
            raise ftd_error(
                Code.INVALID_RATIO, f"{excerpt(raw)} is not a ratio", f"write e.g. {self.example}"
            ) from None
        return value / 100 if percent else value


@dataclass(frozen=True)
class CountType:
    """Marker: a whole count, written ``48123``, ``7.24e9`` or ``"7.24B"``."""

    minimum: int = 0

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [{"type": "number", "minimum": self.minimum}, {"type": "string", "pattern": COUNT_PATTERN}]}

    def validate(self, raw: Any) -> int:
        value = _count_number(raw)
        if not math.isfinite(value):
            raise ftd_error(Code.NON_FINITE_NUMBER, f"{excerpt(raw)} is not a finite number", "")
        if value < self.minimum:
            raise ftd_error(Code.OUT_OF_RANGE, f"{excerpt(raw)} is below {self.minimum}", "")
        rounded = round(value)
        if abs(value - rounded) > 1e-6 * max(1.0, abs(value)):
            raise ftd_error(Code.INVALID_COUNT, f"{excerpt(raw)} is not a whole number", "")
        return int(rounded)


def _count_number(raw: Any) -> float:
    hint = 'write e.g. 7.24e9 or "7.24B"'
    if isinstance(raw, bool) or raw is None:
        raise ftd_error(Code.INVALID_COUNT, f"expected a count, got {raw!r}", hint)
    if isinstance(raw, int | float):
        return as_float(raw)
    if not isinstance(raw, str):
        raise ftd_error(Code.INVALID_COUNT, "expected a count", hint)
    if len(raw) > units.MAX_QUANTITY_CHARS:
        raise ftd_error(Code.INVALID_COUNT, f"{excerpt(raw)} is too long for a count", hint)
    match = _COUNT.match(raw)
    if match is None:
        raise ftd_error(Code.INVALID_COUNT, f"{excerpt(raw)} is not a count", hint)
    try:
        number = units.read_number(match.group(1).replace(",", ""))
    except ValueError as exc:
        raise ftd_error(Code.INVALID_COUNT, f"{excerpt(raw)}: {exc}", hint) from None
    return number * _COUNT_SCALE[match.group(2) or ""]


# RFC 3339 section 5.6 date-time, exactly what the JSON Schema's pattern (and format) say
RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
_RFC3339 = re.compile(RFC3339)
# what people write instead: a space for T, no seconds, an offset without its colon, no zone at all
_NEAR = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[Tt ])(?P<hm>\d{2}:\d{2})(?P<sec>:\d{2}(?:\.\d+)?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?$"
)
_EXAMPLE = "2024-07-06T17:01:00Z"


def _datetime_error(raw: str) -> PydanticCustomError:
    """Why ``raw`` is not an RFC 3339 date-time, and the form to write."""
    near = _NEAR.match(raw)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return ftd_error(
            Code.INVALID_DATETIME, f"{excerpt(raw)} is a date without a time", f"write e.g. {raw}T00:00:00Z"
        )
    if near is None:
        return ftd_error(
            Code.INVALID_DATETIME, f"{excerpt(raw)} is not an RFC 3339 date-time", f"write e.g. {_EXAMPLE}"
        )
    zone = near["zone"] or ""
    if len(zone) == 5:
        zone = f"{zone[:3]}:{zone[3:]}"
    fixed = f"{near['date']}T{near['hm']}{near['sec'] or ':00'}{zone.upper() if zone in ('z', 'Z') else zone}"
    if not near["zone"]:
        return ftd_error(
            Code.NAIVE_DATETIME,
            f"{excerpt(raw)} has no time zone",
            f"write {fixed}Z for UTC, or an offset such as +02:00",
        )
    problems = [
        text
        for text, wrong in (
            ("a space between date and time, not T", near["sep"] == " "),
            ("no seconds", not near["sec"]),
            ("an offset without its colon", len(near["zone"]) == 5),
        )
        if wrong
    ]
    message = f"{excerpt(raw)} is not an RFC 3339 date-time: it has {' and '.join(problems)}"
    return ftd_error(Code.INVALID_DATETIME, message, f"write {fixed} (editors and JSON Schema tools require it)")


DateLike = TypeVar("DateLike", dt.date, dt.datetime)
ERA = (1970, 2100)  # the years a fine-tuning run, its hardware and its publication can lie in


def _in_era(value: DateLike, raw: Any) -> DateLike:
    if not ERA[0] <= value.year <= ERA[1]:
        raise ftd_error(
            Code.OUT_OF_RANGE,
            f"{excerpt(raw) if isinstance(raw, str) else value.isoformat()} lies outside {ERA[0]}-{ERA[1]}",
            "check the year",
        )
    return value


def _parse_datetime(raw: Any) -> dt.datetime:
    """An RFC 3339 date-time with its zone (the JSON Schema's rule); each near miss told how to write it."""
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, str):
        if not _RFC3339.match(raw):
            raise _datetime_error(raw)
        text = re.sub(r"(\.\d{6})\d+", r"\1", raw.replace("z", "Z").replace("t", "T"))  # Python reads 6 digits
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ftd_error(
                Code.INVALID_DATETIME, f"{excerpt(raw)} is not a valid calendar date and time", f"write e.g. {_EXAMPLE}"
            ) from None
    else:
        raise ftd_error(
            Code.INVALID_DATETIME,
            f"expected an RFC 3339 date-time string, got {raw!r}",
            f'write e.g. "{_EXAMPLE}"',
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ftd_error(Code.NAIVE_DATETIME, f"{excerpt(raw)} has no time zone", "give it a zone, e.g. Z for UTC")
    return _in_era(value, raw)


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return _in_era(raw, raw)
    if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return _in_era(day, raw)
    raise ftd_error(Code.INVALID_DATETIME, f"{excerpt(raw)} is not a date YYYY-MM-DD", "write e.g. 2024-01-20")


class _DateTimeMarker:
    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _parse_datetime,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.isoformat().replace("+00:00", "Z"), when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time", "pattern": RFC3339}


class _DateMarker:
    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _parse_date,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.isoformat(), when_used="json"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


Energy = Annotated[Quantity, QuantityType("energy")]
Power = Annotated[Quantity, QuantityType("power")]
Duration = Annotated[Quantity, QuantityType("time", maximum=(130.0, "y"))]  # a run or a life: within the era
GpuTime = Annotated[Quantity, QuantityType("time")]  # GPU-hours: GPUs x hours, beyond any one clock
Lifetime = Annotated[Quantity, QuantityType("time", allow_zero=False, maximum=(130.0, "y"))]
Emissions = Annotated[Quantity, QuantityType("emissions")]
CarbonIntensity = Annotated[Quantity, QuantityType("carbon intensity")]
WaterVolume = Annotated[Quantity, QuantityType("water")]
WaterIntensity = Annotated[Quantity, QuantityType("water intensity")]
Memory = Annotated[Quantity, QuantityType("memory")]
Utilization = Annotated[float, RatioType(0.0, 1.0)]
Share = Annotated[float, RatioType(0.0, 1.0, low_inclusive=False, example="95%")]
PUE = Annotated[float, RatioType(1.0, 5.0, example="1.1")]
Count = Annotated[int, CountType(0)]
PositiveCount = Annotated[int, CountType(1)]
Timestamp = Annotated[dt.datetime, _DateTimeMarker()]
Date = Annotated[dt.date, _DateMarker()]
