"""Validate stage: loaded data -> the spec model of its version, and findings.

Schema and unit errors come from the pydantic models; each carries (or is mapped to) a
stable finding code and is placed at the line and column of the original file.
Consistency checks that need no factor tables run here too (FTD4xx, methodology §7).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ftdisclose import spec
from ftdisclose.findings import Code, Finding, Severity, finding
from ftdisclose.io.loader import Document, _dotted, load

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


@dataclass
class ValidationResult:
    """Findings of one file, and its disclosure model when the file is valid."""

    document: Document
    findings: list[Finding] = field(default_factory=list)
    disclosure: BaseModel | None = None
    spec_version: str | None = None

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0


def validate_path(
    path: str | Path, *, display: str | None = None, with_tables: bool = True, factors_version: str | None = None
) -> ValidationResult:
    """Load and validate one file."""
    return validate_document(load(path, display=display), with_tables=with_tables, factors_version=factors_version)


def validate_document(
    doc: Document, *, with_tables: bool = True, factors_version: str | None = None
) -> ValidationResult:
    """Validate an already loaded document.

    ``with_tables=False`` leaves out the checks that need the factor tables (unknown names,
    figures against a recomputation): ``compute`` runs those on its own computation.
    """
    result = ValidationResult(doc, list(doc.findings))
    if doc.kind == "card" and doc.front_matter is not None:
        from ftdisclose.integrations.hub import HUB_KEY, check_hub_block

        # the Hub's own block; with no carbon_disclosure beside it, this says what is missing (FTD108)
        result.findings.extend(check_hub_block(doc))
        if (
            doc.data is None
            and HUB_KEY not in doc.front_matter
            and not any(f.severity is Severity.ERROR for f in doc.findings)
        ):
            result.findings.append(
                finding(
                    Code.NO_DISCLOSURE,
                    "the card's front matter has no carbon_disclosure",
                    file=doc.file,
                    line=2,
                    column=1,
                )
            )
    if doc.kind == "card" and doc.data is None:
        return _done(result)
    if not doc.ok:
        if not result.findings:
            result.findings.append(finding(Code.EMPTY_DOCUMENT, "the file is empty", file=doc.file, line=1, column=1))
        return _done(result)
    data = doc.data
    if not isinstance(data, dict):
        line, col = doc.locate(())
        result.findings.append(
            finding(
                Code.EMPTY_DOCUMENT,
                f"the disclosure is a {type(data).__name__}, not a mapping",
                file=doc.file,
                line=line,
                column=col,
            )
        )
        return _done(result)
    version = data.get("spec_version")
    if "spec_version" not in data:
        result.findings.append(
            finding(
                Code.MISSING_SPEC_VERSION,
                "spec_version is missing",
                file=doc.file,
                line=doc.locate(())[0],
                column=1,
                path="spec_version",
            )
        )
        return _done(result)
    if not isinstance(version, str) or version not in spec.VERSIONS:
        line, col = doc.locate(("spec_version",))
        hint = (
            f'quote it: spec_version: "{version}"'
            if isinstance(version, int | float) and str(version) in spec.VERSIONS
            else f"known versions: {', '.join(spec.VERSIONS)}"
        )
        result.findings.append(
            finding(
                Code.UNSUPPORTED_SPEC_VERSION,
                f"spec_version {version!r} is not supported",
                file=doc.file,
                line=line,
                column=col,
                path="spec_version",
                hint=hint,
            )
        )
        return _done(result)
    result.spec_version = version
    model = spec.model_for(version)
    try:
        result.disclosure = model.model_validate(data)
    except ValidationError as exc:
        result.findings.extend(_error_findings(exc, doc, model))
    if result.disclosure is not None:
        from ftdisclose.checks import consistency, table_checks

        result.findings.extend(consistency(result.disclosure, doc))
        if with_tables:
            result.findings.extend(
                table_checks(result.disclosure, doc, result.findings, factors_version=factors_version)
            )
    return _done(result)


def _done(result: ValidationResult) -> ValidationResult:
    result.findings.sort(key=Finding.sort_key)
    return result


def _error_findings(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Finding]:
    found: list[Finding] = []
    for error in exc.errors(include_url=False, include_input=True):
        loc = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        path = _dotted(loc)
        line, col = doc.locate(loc, key=kind == "extra_forbidden")
        if kind == "ftd":
            code, message, hint = ctx["code"], ctx["message"], ctx.get("hint") or None
        elif kind == "missing":
            code, message, hint = Code.MISSING_FIELD, f"{loc[-1]} is required", None
            line, col = doc.locate(loc[:-1])
        elif kind == "extra_forbidden":
            code, message = Code.UNKNOWN_FIELD, f"unknown field {loc[-1]!r}"
            hint = _did_you_mean(str(loc[-1]), _field_names(model, loc[:-1]))
        elif kind == "literal_error":
            code, message = Code.INVALID_CHOICE, f"{error.get('input')!r} is not one of {ctx.get('expected')}"
            hint = f"use one of {ctx.get('expected')}"
        elif kind == "string_pattern_mismatch":
            code = _PATTERN_CODES.get(str(loc[-1]), Code.INVALID_CHOICE)
            message = f"{error.get('input')!r} does not have the form of {loc[-1]}"
            hint = {
                Code.UNKNOWN_COUNTRY: 'an ISO 3166-1 alpha-2 code in quotes, e.g. "DK"',
                Code.UNKNOWN_FACTORS_VERSION: 'a factor version such as "2026.1"',
            }.get(code)
        elif kind in _RANGE_ERRORS:
            code, message, hint = Code.OUT_OF_RANGE, f"{loc[-1]}: {error['msg'].lower()}", None
        elif kind in _TYPE_ERRORS:
            code, message, hint = Code.WRONG_TYPE, f"{loc[-1]}: {error['msg'].lower()}", None
        else:
            code, message, hint = Code.WRONG_TYPE, f"{loc[-1] if loc else 'document'}: {error['msg']}", None
        found.append(finding(code, message, file=doc.file, line=line, column=col, path=path, hint=hint))
    return found


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? (private keys start with x-)"
    if choices:
        return f"known fields here: {', '.join(choices)}; private keys start with x-"
    return "private keys start with x-"


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that sits at ``loc`` below ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _inner_model(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside Optional[...] / list[...] annotations."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation
