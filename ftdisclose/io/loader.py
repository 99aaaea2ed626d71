"""Load stage: bytes on disk -> plain data plus a map of where every value stood.

YAML is read with YAML 1.2 scalar rules (``NO`` stays Norway, timestamps stay strings,
``1e3`` is a number) by composing the node graph ourselves from libyaml's events and
constructing values ourselves (``io.yaml12``), so that every key and value keeps its line
and column, duplicate keys and alias bombs are caught, and no tag is ever turned into an
object. JSON is parsed with the standard library; its positions come from the same YAML
composer, on demand. Model cards (``.md``) are read through their front matter, with the
card's own lines.

Only regular files are read, within the size limit (``io.files.read_regular``), and the
work one file can cause is capped (``io.limits.Limits``): values, keys, key length and
runs; each cap hit is a finding.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftdisclose.findings import Code, Finding, Where, finding, make
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.files import ReadRefusedError, read_regular
from ftdisclose.io.limits import MAX_BYTES, Limits
from ftdisclose.io.yaml12 import (
    MAX_BLOCK_COLUMNS,
    MAX_DEPTH,
    Path_,
    _Yaml12Loader,
    dotted,
    nesting_overflow,
    parse_yaml,
    positions,
)

__all__ = [
    "CARD_KEY",
    "MAX_BLOCK_COLUMNS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "SUFFIXES",
    "Document",
    "Limits",
    "Path_",
    "_Yaml12Loader",
    "dotted",
    "load",
    "loads",
    "nesting_overflow",
    "parse_json",
    "parse_yaml",
]

CARD_KEY = "carbon_disclosure"
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "card"}
RUNS_PATH: Path_ = ("operational", "runs")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff]")


@dataclass
class Document:
    """A loaded file: its data (the disclosure mapping), findings so far, and positions."""

    file: str
    kind: str  # yaml | json | card
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    text: str = ""
    front_matter: dict[str, Any] | None = None  # a card's whole front matter
    prefix: Path_ = ()  # where the disclosure sits inside the parsed text
    line_offset: int = 0
    limits: Limits = field(default_factory=Limits)
    _values: dict[Path_, tuple[int, int]] | None = None
    _keys: dict[Path_, tuple[int, int]] | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None

    def where(self, path: Path_ = (), *, key: bool = False) -> Where:
        """Where the value (or the key) at the disclosure path ``path`` stands in the original file.

        A path that is not in the file is placed at its nearest ancestor that is.
        """
        line, column = self._position(self.prefix + tuple(path), key=key)
        return Where(self.file, line, column, dotted(path))

    def where_in_front(self, path: Path_, *, key: bool = False) -> Where:
        """``where`` for a path of a model card's whole front matter (not under carbon_disclosure)."""
        line, column = self._position(tuple(path), key=key)
        return Where(self.file, line, column, dotted(path))

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based line and column of the value (or key) at the disclosure path ``path``."""
        where = self.where(path, key=key)
        return where.line, where.column

    def _position(self, full: Path_, *, key: bool) -> tuple[int | None, int | None]:
        if self._values is None:
            self._index_positions()
        values, keys = self._values or {}, self._keys or {}
        table = keys if key else values
        while full:
            if full in table:
                line, col = table[full]
                return line + self.line_offset, col
            if not key and full in keys:
                line, col = keys[full]
                return line + self.line_offset, col
            full = full[:-1]
            key = False
            table = values
        return (self.line_offset + 1, 1) if self.text else (None, None)

    def _index_positions(self) -> None:
        self._values, self._keys = positions(self._yaml_text(), self.file, self.line_offset, self.limits)

    def _yaml_text(self) -> str:
        if self.kind != "card":
            return self.text
        lines = self.text.splitlines(keepends=True)
        return "".join(lines[1 : 1 + _front_matter_length(lines)])


def _front_matter_length(lines: list[str]) -> int:
    """Number of YAML lines between the opening ``---`` (line 0) and its closing line."""
    for i, line in enumerate(lines[1:]):
        if line.rstrip("\r\n").rstrip() in ("---", "..."):
            return i
    return -1


def _text_findings(raw: bytes, file: str, max_bytes: int) -> tuple[str | None, list[Finding]]:
    """Decode and run the checks that look at the text itself."""
    found: list[Finding] = []
    if len(raw) > max_bytes:
        found.append(
            finding(Code.SIZE_LIMIT, f"the file has {len(raw):,} bytes; the limit is {max_bytes:,}", file=file)
        )
        return None, found
    if raw.startswith(b"\xef\xbb\xbf"):
        found.append(
            finding(Code.BYTE_ORDER_MARK, "the file starts with a UTF-8 byte-order mark", file=file, line=1, column=1)
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        found.append(
            finding(
                Code.INVALID_UTF8,
                f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8",
                file=file,
                line=line,
                column=column,
            )
        )
        return None, found
    if "\r\n" in text:
        found.append(finding(Code.CRLF_LINE_ENDINGS, "the file uses CRLF line endings", file=file, line=1, column=1))
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        found.append(
            finding(
                Code.CONTROL_CHARACTER,
                f"control character U+{ord(bad.group()):04X}",
                file=file,
                line=line,
                column=column,
            )
        )
        return None, found
    return text, found


def _json_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str, file: str, limits: Limits | None = None) -> tuple[Any, list[Finding]]:
    limits = limits or Limits()
    found: list[Finding] = []
    deep = nesting_overflow(text, block_limit=len(text) + 1)
    if deep is not None:
        return None, [
            finding(
                Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", file=file, line=deep[0], column=deep[1]
            )
        ]

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out and len(found) < limits.max_findings:
                found.append(finding(Code.DUPLICATE_KEY, f"duplicate key {excerpt(key)}", file=file))
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        return None, [finding(Code.JSON_SYNTAX, exc.msg, file=file, line=exc.lineno, column=exc.colno)]
    except ValueError as exc:
        return None, [finding(Code.NON_FINITE_NUMBER, str(exc)[:200], file=file)]
    except RecursionError:
        return None, [finding(Code.DEPTH_LIMIT, "nesting too deep", file=file)]
    return data, found


def _json_limits(doc: Document) -> None:
    """Depth, values, keys and key length of parsed JSON, as the YAML composer checks them."""
    problem = _json_problem(doc)
    if problem is not None:
        code, message, path = problem
        doc.findings.append(make(code, f"{message}; it is not read further", doc.where_in_front(path)))
        doc.data = None


def _json_problem(doc: Document) -> tuple[Code, str, Path_] | None:
    limits = doc.limits
    values, keys = 1, 0
    stack: list[tuple[Any, Path_]] = [(doc.data, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", path
        if isinstance(item, dict | list):
            values += len(item)
            if values > limits.max_values:
                return Code.VALUE_LIMIT, f"the document holds more than {limits.max_values:,} values", path
        if isinstance(item, dict):
            keys += len(item)
            if keys > limits.max_keys:
                return Code.KEY_LIMIT, f"the document holds more than {limits.max_keys:,} keys", path
            _long_keys(doc, item, path)
            stack.extend((v, (*path, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, n)) for n, v in enumerate(item))
    return None


def _long_keys(doc: Document, mapping: dict[str, Any], path: Path_) -> None:
    for key in [k for k in mapping if len(k) > doc.limits.max_key_chars]:
        message = f"the key {excerpt(key)} is longer than {doc.limits.max_key_chars} characters; it is not read"
        doc.findings.append(make(Code.KEY_LIMIT, message, doc.where_in_front(path)))
        del mapping[key]


def load(path: str | Path, *, display: str | None = None, limits: Limits | None = None) -> Document:
    """Read one disclosure file or model card. Never raises for bad input, never blocks, never reads past the limit."""
    path = Path(path)
    name = display or str(path)
    limits = limits or Limits()
    kind = SUFFIXES.get(path.suffix.lower())
    doc = Document(name, kind or "unknown", limits=limits)
    try:
        raw = read_regular(path, limits.max_bytes)
    except ReadRefusedError as refused:
        code = Code.SIZE_LIMIT if refused.size is not None else Code.UNREADABLE
        doc.findings.append(finding(code, refused.message, file=name))
        return doc
    if kind is None:
        message = f"{excerpt(path.suffix) if path.suffix else 'no suffix'}: not a disclosure file type"
        doc.findings.append(finding(Code.UNKNOWN_FILE_TYPE, message, file=name))
        return doc
    return loads(raw, name, kind, limits=limits)


def loads(raw: bytes | str, file: str = "<string>", kind: str = "yaml", *, limits: Limits | None = None) -> Document:
    """Load from bytes or text already in memory (``kind``: yaml, json or card)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    limits = limits or Limits()
    doc = Document(file, kind, limits=limits)
    text, doc.findings = _text_findings(raw, file, limits.max_bytes)
    if text is None:
        return doc
    doc.text = text
    if kind == "json":
        return _load_json(doc, text)
    if kind == "card":
        return _cap_runs(_load_card(doc, text))
    data, found, builder = parse_yaml(text, file, limits=limits)
    doc.findings.extend(found)
    if builder is not None:
        doc._values, doc._keys = builder.values, builder.keys
    doc.data = data
    return _cap_runs(doc)


def _load_json(doc: Document, text: str) -> Document:
    data, found = parse_json(text, doc.file, doc.limits)
    doc.findings.extend(found)
    doc.data = data
    if data is None:
        return doc
    _json_limits(doc)
    if doc.data is None:
        return doc
    if found and any(f.code == Code.DUPLICATE_KEY for f in found):
        _relocate_json(doc)
    _check_numbers(doc)
    return _cap_runs(doc)


def _cap_runs(doc: Document) -> Document:
    """operational.runs beyond the limit: a finding, and the runs after it are not read."""
    operational = doc.data.get("operational") if isinstance(doc.data, dict) else None
    runs = operational.get(RUNS_PATH[1]) if isinstance(operational, dict) else None
    if isinstance(runs, list) and len(runs) > doc.limits.max_runs:
        cap = doc.limits.max_runs
        message = f"operational.runs lists {len(runs):,} runs; the first {cap:,} are read, the rest are not"
        doc.findings.append(make(Code.RUN_LIMIT, message, doc.where((*RUNS_PATH, cap))))
        assert isinstance(operational, dict)
        operational[RUNS_PATH[1]] = runs[:cap]
    return doc


def _relocate_json(doc: Document) -> None:
    """Give JSON duplicate-key findings the positions the YAML composer finds."""
    _, yaml_found, _ = parse_yaml(doc.text, doc.file, limits=doc.limits)
    located = [f for f in yaml_found if f.code == Code.DUPLICATE_KEY]
    if located:
        doc.findings = [f for f in doc.findings if f.code != Code.DUPLICATE_KEY] + located


def _check_numbers(doc: Document) -> None:
    """JSON numbers too large for a float arrive as inf: report them where they stand."""
    stack: list[tuple[Any, Path_]] = [(doc.data, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, (*path, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            message = "the number is too large to represent"
            doc.findings.append(make(Code.NON_FINITE_NUMBER, message, doc.where_in_front(path)))


def _load_card(doc: Document, text: str) -> Document:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        doc.findings.append(
            finding(
                Code.FRONT_MATTER,
                "the card has no YAML front matter (a first line ---)",
                file=doc.file,
                line=1,
                column=1,
            )
        )
        doc.front_matter = None
        return doc
    length = _front_matter_length(lines)
    if length < 0:
        doc.findings.append(
            finding(
                Code.FRONT_MATTER,
                "the front matter opened on line 1 is never closed with ---",
                file=doc.file,
                line=1,
                column=1,
            )
        )
        return doc
    doc.line_offset = 1
    body = "".join(lines[1 : 1 + length])
    data, found, builder = parse_yaml(body, doc.file, offset=1, limits=doc.limits)
    doc.findings.extend(found)
    if builder is not None:
        doc._values, doc._keys = builder.values, builder.keys
    if data is None and not found:
        data = {}
    if data is not None and not isinstance(data, dict):
        doc.findings.append(
            finding(Code.WRONG_TYPE, "the front matter is not a mapping", file=doc.file, line=2, column=1)
        )
        return doc
    doc.front_matter = data
    if data is not None and CARD_KEY in data:
        doc.prefix = (CARD_KEY,)
        doc.data = data[CARD_KEY]
    return doc
