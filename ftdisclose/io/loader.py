"""Load stage: bytes on disk -> plain data plus a map of where every value stood.

YAML is read with YAML 1.2 scalar rules (``NO`` stays Norway, timestamps stay strings,
``1e3`` is a number) by composing the node graph with libyaml and constructing values
ourselves, so that every key and value keeps its line and column, duplicate keys and
alias bombs are caught, and no tag is ever turned into an object. JSON is parsed with
the standard library; its positions come from the same YAML composer, on demand.
Model cards (``.md``) are read through their front matter, with the card's own lines.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ftdisclose.findings import Code, Finding, Where, finding

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64
# Block nesting is bounded by indentation: a document indented past this many columns
# (plus list dashes) is refused before libyaml sees it, whose composer recurses in C.
MAX_BLOCK_COLUMNS = 1000
CARD_KEY = "carbon_disclosure"
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "card"}

Path_ = tuple[str | int, ...]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser with YAML 1.2 core-schema scalar resolution."""


_Yaml12Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))

_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TOLERATED = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ, "tag:yaml.org,2002:timestamp", "!"}
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
        builder = _Builder(self.file, self.line_offset, want_positions=True)
        try:
            node = _compose(self._yaml_text())
            if node is not None:
                builder.build(node, ())
        except (yaml.YAMLError, RecursionError, _AbortError):
            pass
        self._values, self._keys = builder.values, builder.keys

    def _yaml_text(self) -> str:
        if self.kind != "card":
            return self.text
        lines = self.text.splitlines(keepends=True)
        return "".join(lines[1 : 1 + _front_matter_length(lines)])


class _AbortError(Exception):
    """Construction stopped by a limit; the finding is already recorded."""


class _Builder:
    """Turns a composed node graph into plain data, recording positions and findings."""

    def __init__(self, file: str, line_offset: int, *, want_positions: bool) -> None:
        self.file = file
        self.offset = line_offset
        self.want = want_positions
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.findings: list[Finding] = []
        self.count = 0
        self.active: set[int] = set()

    def _add(self, code: Code, message: str, node: yaml.Node, path: Path_, **kw: Any) -> None:
        mark = node.start_mark
        self.findings.append(
            finding(
                code,
                message,
                file=self.file,
                line=mark.line + 1 + self.offset,
                column=mark.column + 1,
                path=dotted(path),
                **kw,
            )
        )

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self._add(
                Code.ALIAS_LIMIT,
                f"the document expands to more than {MAX_NODES:,} values (anchors and aliases); it is not read further",
                node,
                path,
            )
            raise _AbortError
        if depth > MAX_DEPTH:
            self._add(Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", node, path)
            raise _AbortError
        if self.want:
            self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        tag = node.tag
        if tag not in _TOLERATED:
            self._add(
                Code.UNSUPPORTED_TAG, f"the tag {tag!r} is not supported; values are read as plain data", node, path
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            self._add(Code.ALIAS_LIMIT, "a recursive alias (an anchor that contains itself)", node, path)
            raise _AbortError
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
                self._add(Code.NON_STRING_KEY, "a mapping key must be a plain string", key_node, path)
                continue
            if key_node.tag != _STR:
                self._add(
                    Code.NON_STRING_KEY,
                    f"the key {key_node.value!r} is read as a {key_node.tag.rsplit(':', 1)[-1]}, not a string",
                    key_node,
                    path,
                    hint=f'quote it: "{key_node.value}"',
                )
                continue
            key = key_node.value
            if key == "<<" and not key_node.style:
                self._add(Code.MERGE_KEY, "merge keys (<<) are not part of YAML 1.2", key_node, path)
                continue
            child = (*path, key)
            if key in result:
                first = self.keys.get(child)
                where = f" (first at line {first[0] + self.offset})" if first else ""
                self._add(Code.DUPLICATE_KEY, f"duplicate key {key!r}{where}", key_node, child)
                continue
            self.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        text, tag = node.value, node.tag
        if tag in (_STR, "!") or tag.endswith(":timestamp"):
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            try:
                if text.startswith(("0o", "0x")):
                    return int(text[2:], 8 if text[1] == "o" else 16)
                return int(text)
            except ValueError:
                self._add(Code.NON_FINITE_NUMBER, "the integer is too long to read", node, path)
                return None
        try:
            value = float(
                text.replace(".inf", "inf")
                .replace(".Inf", "inf")
                .replace(".INF", "inf")
                .replace(".nan", "nan")
                .replace(".NaN", "nan")
                .replace(".NAN", "nan")
            )
        except ValueError:
            return text
        return value


def _compose(text: str) -> yaml.Node | None:
    loader = _Yaml12Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def dotted(path: Path_) -> str:
    """A path as the findings write it: ``operational.runs[0].duration``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _front_matter_length(lines: list[str]) -> int:
    """Number of YAML lines between the opening ``---`` (line 0) and its closing line."""
    for i, line in enumerate(lines[1:]):
        if line.rstrip("\r\n").rstrip() in ("---", "..."):
            return i
    return -1


def _text_findings(raw: bytes, file: str, kind: str) -> tuple[str | None, list[Finding]]:
    """Decode and run the checks that look at the text itself."""
    found: list[Finding] = []
    if len(raw) > MAX_BYTES:
        found.append(
            finding(Code.SIZE_LIMIT, f"the file has {len(raw):,} bytes; the limit is {MAX_BYTES:,}", file=file)
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


_NESTING_TOKENS = re.compile(r"[\[\]{}\"'#\n]")
_BLOCK_PREFIX = re.compile(r"^(?:[ ]|-(?=[ ]|$))+", re.MULTILINE)


def nesting_overflow(
    text: str, *, flow_limit: int = MAX_DEPTH, block_limit: int = MAX_BLOCK_COLUMNS
) -> tuple[int, int] | None:
    """Where the text nests too deep to parse safely: a 1-based (line, column), or None.

    Flow nesting ([ and { outside quotes and comments) is counted exactly; block nesting is
    bounded by indentation plus leading list dashes. One pass with regular expressions,
    before any parser sees the text.
    """
    for prefix in _BLOCK_PREFIX.finditer(text):
        if prefix.end() - prefix.start() > block_limit:
            line = text.count("\n", 0, prefix.start()) + 1
            return line, block_limit + 1
    depth = 0
    pos = 0
    while True:
        match = _NESTING_TOKENS.search(text, pos)
        if match is None:
            return None
        ch, i = match.group(), match.start()
        pos = i + 1
        if ch in "\"'":
            if i and text[i - 1] not in " \t[{,:\n-?":
                continue  # an apostrophe inside a plain scalar
            pos = _closing_quote(text, i, ch)
        elif ch == "#":
            if i and text[i - 1] not in " \t\n":
                continue
            end = text.find("\n", i)
            pos = len(text) if end < 0 else end
        elif ch in "[{":
            depth += 1
            if depth > flow_limit:
                line = text.count("\n", 0, i) + 1
                return line, i - (text.rfind("\n", 0, i) + 1) + 1
        elif ch in "]}":
            depth = max(0, depth - 1)


def _closing_quote(text: str, start: int, quote: str) -> int:
    """Index just past the quote that closes the string opened at ``start``."""
    i = start + 1
    while True:
        j = text.find(quote, i)
        if j < 0:
            return len(text)
        if quote == "'" and text[j + 1 : j + 2] == "'":  # '' is an escaped quote in single-quoted YAML
            i = j + 2
            continue
        if quote == '"':
            backslashes = 0
            k = j - 1
            while k > start and text[k] == "\\":
                backslashes += 1
                k -= 1
            if backslashes % 2:
                i = j + 1
                continue
        return j + 1


def _yaml_error(exc: yaml.YAMLError, text: str, file: str, offset: int) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    lines = text.splitlines()
    if line is not None:
        for number in (line, line - 1):
            if 0 < number <= len(lines) and re.match(r"^ *\t", lines[number - 1]):
                return finding(
                    Code.TAB_INDENT,
                    "a tab in the indentation",
                    file=file,
                    line=number + offset,
                    column=lines[number - 1].index("\t") + 1,
                )
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    return finding(Code.YAML_SYNTAX, message, file=file, line=None if line is None else line + offset, column=column)


def parse_yaml(text: str, file: str, *, offset: int = 0) -> tuple[Any, list[Finding], _Builder | None]:
    deep = nesting_overflow(text)
    if deep is not None:
        return (
            None,
            [
                finding(
                    Code.DEPTH_LIMIT,
                    f"nesting deeper than {MAX_DEPTH} levels (or indentation past {MAX_BLOCK_COLUMNS} columns)",
                    file=file,
                    line=deep[0] + offset,
                    column=deep[1],
                )
            ],
            None,
        )
    try:
        node = _compose(text)
    except RecursionError:
        return None, [finding(Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", file=file)], None
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc, text, file, offset)], None
    if node is None:
        return None, [], None
    builder = _Builder(file, offset, want_positions=True)
    try:
        data = builder.build(node, ())
    except _AbortError:
        return None, builder.findings, None
    return data, builder.findings, builder


def _json_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str, file: str) -> tuple[Any, list[Finding]]:
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
            if key in out:
                found.append(finding(Code.DUPLICATE_KEY, f"duplicate key {key!r}", file=file))
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        return None, [finding(Code.JSON_SYNTAX, exc.msg, file=file, line=exc.lineno, column=exc.colno)]
    except ValueError as exc:
        return None, [finding(Code.NON_FINITE_NUMBER, str(exc), file=file)]
    except RecursionError:
        return None, [finding(Code.DEPTH_LIMIT, "nesting too deep", file=file)]
    if _depth_exceeds(data, MAX_DEPTH):
        return None, [finding(Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", file=file)]
    return data, found


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def load(path: str | Path, *, display: str | None = None) -> Document:
    """Read one disclosure file or model card. Never raises for bad input."""
    path = Path(path)
    name = display or str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if not path.exists():
        doc = Document(name, kind or "unknown")
        doc.findings.append(finding(Code.UNREADABLE, "no such file or folder", file=name))
        return doc
    if kind is None:
        doc = Document(name, "unknown")
        doc.findings.append(
            finding(Code.UNKNOWN_FILE_TYPE, f"{path.suffix or 'no suffix'}: not a disclosure file type", file=name)
        )
        return doc
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc = Document(name, kind)
        doc.findings.append(finding(Code.UNREADABLE, exc.strerror or str(exc), file=name))
        return doc
    return loads(raw, name, kind)


def loads(raw: bytes | str, file: str = "<string>", kind: str = "yaml") -> Document:
    """Load from bytes or text already in memory (``kind``: yaml, json or card)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    doc = Document(file, kind)
    text, doc.findings = _text_findings(raw, file, kind)
    if text is None:
        return doc
    doc.text = text
    if kind == "json":
        data, found = parse_json(text, file)
        doc.findings.extend(found)
        if data is not None and found and any(f.code == Code.DUPLICATE_KEY for f in found):
            _relocate_json(doc, found)
        doc.data = data
        _check_numbers(doc)
        return doc
    if kind == "card":
        return _load_card(doc, text)
    data, found, builder = parse_yaml(text, file)
    doc.findings.extend(found)
    if builder is not None:
        doc._values, doc._keys = builder.values, builder.keys
    doc.data = data
    return doc


def _relocate_json(doc: Document, found: list[Finding]) -> None:
    """Give JSON duplicate-key findings the positions the YAML composer finds."""
    _, yaml_found, _ = parse_yaml(doc.text, doc.file)
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
            line, col = doc.locate(path)
            doc.findings.append(
                finding(
                    Code.NON_FINITE_NUMBER,
                    "the number is too large to represent",
                    file=doc.file,
                    line=line,
                    column=col,
                    path=dotted(path),
                )
            )


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
    data, found, builder = parse_yaml(body, doc.file, offset=1)
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
