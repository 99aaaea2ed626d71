"""Validate stage: loaded data -> the spec model of its version, and findings.

Schema and unit errors come from the pydantic models; each carries (or is mapped to) a
stable finding code and is placed at the line and column of the original file.
The checks of what the fields say (FTD4xx) are a later stage, ``ftdisclose.checks``.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from ftdisclose import spec
from ftdisclose.findings import Code, Finding, Severity, Where, make
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.loader import Document
from ftdisclose.spec import suggest

_TYPE_ERRORS = {
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "string_type",
    "float_type",
    "int_type",
    "bool_type",
    "bool_parsing",
    "float_parsing",
    "int_parsing",
    "int_from_float",
    "string_sub_type",
    "dataclass_type",
    "is_instance_of",
    "none_required",
}
_RANGE_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
    "string_too_short",
    "string_too_long",
    "finite_number",
}
_PATTERN_CODES = {"country": Code.UNKNOWN_COUNTRY, "factors_version": Code.UNKNOWN_FACTORS_VERSION}


@dataclass(frozen=True)
class SpecResult:
    """The validate stage's output: findings, and the model of the file's version when it is valid."""

    findings: tuple[Finding, ...]
    disclosure: BaseModel | None = None
    spec_version: str | None = None

    @property
    def valid(self) -> bool:
        return self.disclosure is not None and not any(f.severity is Severity.ERROR for f in self.findings)


def validate_document(doc: Document) -> SpecResult:
    """Validate a loaded document against the spec model its ``spec_version`` names.

    The loader's findings come first; a card's own Hub block is checked here too.
    """
    found = list(doc.findings)
    data: object = doc.data  # as the file wrote it: what it is, the model decides
    if doc.kind == "card" and doc.front_matter is not None:
        found.extend(_card_findings(doc, data))
    if doc.kind == "card" and data is None:
        return SpecResult(tuple(found))
    if not doc.ok:
        if not found:
            found.append(make(Code.EMPTY_DOCUMENT, "the file is empty", Where(doc.file, 1, 1)))
        return SpecResult(tuple(found))
    if not isinstance(data, dict):
        message = f"the disclosure is a {type(data).__name__}, not a mapping"
        found.append(make(Code.EMPTY_DOCUMENT, message, doc.where()))
        return SpecResult(tuple(found))
    fields: dict[str, object] = data
    version = _version(doc, fields, found)
    if version is None:
        return SpecResult(tuple(found))
    if isinstance(fields.get("$schema"), str):  # binds the file to its JSON Schema in editors; not part of the spec
        fields = {k: v for k, v in fields.items() if k != "$schema"}
    model = spec.model_for(version)
    try:
        disclosure = model.model_validate(fields)
    except ValidationError as exc:
        found.extend(_error_findings(exc, doc, model))
        return SpecResult(tuple(found), spec_version=version)
    return SpecResult(tuple(found), disclosure, version)


def _card_findings(doc: Document, data: object) -> list[Finding]:
    from ftdisclose.integrations.dia import check_dia_block
    from ftdisclose.integrations.hub import HUB_KEY, check_hub_block, check_hub_reading

    # the Hub's own block; with no carbon_disclosure beside it, this says what is missing (FTD108)
    found = check_hub_block(doc)
    found.extend(check_hub_reading(doc))  # where huggingface_hub reads the front matter otherwise
    found.extend(check_dia_block(doc))  # DIA's dia_report block (FTD550-552)
    front = doc.front_matter or {}
    if data is None and HUB_KEY not in front and not any(f.severity is Severity.ERROR for f in doc.findings):
        message = "the card's front matter has no carbon_disclosure"
        found.append(make(Code.NO_DISCLOSURE, message, Where(doc.file, 2, 1)))
    return found


def _version(doc: Document, data: Mapping[str, object], found: list[Finding]) -> str | None:
    """The file's spec version, or None with a finding when it is missing or unknown."""
    if "spec_version" not in data:
        where = doc.where()
        place = Where(doc.file, where.line, 1, "spec_version")
        found.append(make(Code.MISSING_SPEC_VERSION, "spec_version is missing", place))
        return None
    version = data["spec_version"]
    if isinstance(version, str) and version in spec.VERSIONS:
        return version
    hint = (
        f'quote it: spec_version: "{version}"'
        if isinstance(version, int | float) and str(version) in spec.VERSIONS
        else f"known versions: {', '.join(spec.VERSIONS)}"
    )
    message = f"spec_version {excerpt(version)} is not supported"
    found.append(make(Code.UNSUPPORTED_SPEC_VERSION, message, doc.where(("spec_version",)), hint=hint))
    return None


def _error_findings(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Finding]:
    found: list[Finding] = []
    for error in exc.errors(include_url=False, include_input=True):
        loc = tuple(error["loc"])
        kind = error["type"]
        ctx: dict[str, object] = error.get("ctx") or {}
        value: object = error.get("input")
        where = doc.where(loc, key=kind == "extra_forbidden")
        if kind == "ftd":
            code, message = Code(str(ctx["code"])), str(ctx["message"])
            hint = str(ctx["hint"]) if ctx.get("hint") else None
        elif kind == "missing":
            code, message, hint = Code.MISSING_FIELD, f"{loc[-1]} is required", None
            parent = doc.where(loc[:-1])
            where = Where(doc.file, parent.line, parent.column, where.path)
        elif kind == "extra_forbidden":
            code, message = Code.UNKNOWN_FIELD, f"unknown field {loc[-1]!r}"
            hint = _did_you_mean(str(loc[-1]), _field_names(model, loc[:-1]))
        elif kind == "literal_error":
            code, message = Code.INVALID_CHOICE, f"{excerpt(value)} is not one of {ctx.get('expected')}"
            hint = _choice_hint(value, str(ctx.get("expected", "")))
        elif kind == "string_pattern_mismatch":
            code = _PATTERN_CODES.get(str(loc[-1]), Code.INVALID_CHOICE)
            message = f"{excerpt(value)} does not have the form of {loc[-1]}"
            hint = {
                Code.UNKNOWN_COUNTRY: _country_hint(value),
                Code.UNKNOWN_FACTORS_VERSION: 'a factor version such as "2026.1"',
            }.get(code)
        elif kind in _RANGE_ERRORS:
            code, message, hint = Code.OUT_OF_RANGE, f"{loc[-1]}: {error['msg'].lower()}", None
        elif kind in _TYPE_ERRORS:
            code, message, hint = Code.WRONG_TYPE, f"{loc[-1]}: {error['msg'].lower()}", None
        else:
            code, message, hint = Code.WRONG_TYPE, f"{loc[-1] if loc else 'document'}: {error['msg']}", None
        found.append(make(code, message, where, hint=hint))
    return found


def _choice_hint(value: object, expected: str) -> str:
    """``did you mean 'qlora'?`` for another case or a near spelling of a choice; else the list."""
    choices = re.findall(r"'([^']*)'", expected)
    guess = suggest.choice(value, choices) if isinstance(value, str) else None
    return f"did you mean {guess!r}?" if guess else f"use one of {expected}"


def _country_hint(value: object) -> str:
    """``did you mean "DE"?`` for a country written by name or alpha-3 code."""
    code = suggest.country(value) if isinstance(value, str) else None
    if code:
        return f'did you mean "{code}"? (ISO 3166-1 alpha-2, in quotes)'
    return 'an ISO 3166-1 alpha-2 code in quotes, e.g. "DK"'


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? (private keys start with x-)"
    if choices:
        return f"known fields here: {', '.join(choices)}; private keys start with x-"
    return "private keys start with x-"


def _field_names(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model that sits at ``loc`` below ``model``."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _inner_model(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: object) -> object:
    """The BaseModel inside Optional[...] / list[...] annotations."""
    origin: object = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        args: tuple[object, ...] = typing.get_args(annotation)
        for arg in args:
            inner = _inner_model(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation
