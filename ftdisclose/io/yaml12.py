"""YAML 1.2 as ftdisclose reads it: libyaml's parser, our own composer and constructor.

Scalars follow the YAML 1.2 core schema (``NO`` stays Norway, timestamps stay strings,
``1e3`` is a number). libyaml parses the text into events; the composer here turns them
into nodes without recursion, counting values and depth as it goes, so a million-item list
or a deep nesting stops at the limit instead of filling memory or the C stack. The builder
turns nodes into plain data, recording the line and column of every key and value, and
reports duplicate keys, alias bombs, tags and over-long keys as findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, cast

import yaml

from ftdisclose.findings import Code, Finding, finding
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.limits import Limits

MAX_DEPTH = 64
# Block nesting is bounded by indentation: a document indented past this many columns
# (plus list dashes) is refused before libyaml sees it.
MAX_BLOCK_COLUMNS = 1000

Path_ = tuple[str | int, ...]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIBYAML = hasattr(yaml, "CSafeLoader")


class Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser with YAML 1.2 core-schema scalar resolution."""


Yaml12Loader.yaml_implicit_resolvers = {}
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
    Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))

_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TOLERATED = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ, "tag:yaml.org,2002:timestamp", "!"}


class _AbortError(Exception):
    """Construction stopped by a limit; the finding is already recorded."""


class _Builder:
    """Turns a composed node graph into plain data, recording positions and findings."""

    def __init__(self, file: str, line_offset: int, *, want_positions: bool, limits: Limits | None = None) -> None:
        self.file = file
        self.offset = line_offset
        self.want = want_positions
        self.limits = limits or Limits()
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.findings: list[Finding] = []
        self.count = 0
        self.key_count = 0
        self.active: set[int] = set()

    def _add(self, code: Code, message: str, node: yaml.Node, path: Path_, *, hint: str | None = None) -> None:
        mark = node.start_mark
        self.findings.append(
            finding(
                code,
                message,
                file=self.file,
                line=mark.line + 1 + self.offset,
                column=mark.column + 1,
                path=dotted(path),
                hint=hint,
            )
        )

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> object:
        self.count += 1
        if self.count > self.limits.max_values:
            self._add(
                Code.ALIAS_LIMIT,
                f"the document expands to more than {self.limits.max_values:,} values (anchors and aliases); "
                "it is not read further",
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
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(_items(node))]
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in _pairs(node):
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
                self._add(Code.NON_STRING_KEY, "a mapping key must be a plain string", key_node, path)
                continue
            if key_node.tag != _STR:
                self._add(
                    Code.NON_STRING_KEY,
                    f"the key {excerpt(_text(key_node))} is read as a {key_node.tag.rsplit(':', 1)[-1]}, not a string",
                    key_node,
                    path,
                    hint=f'quote it: "{_text(key_node)[:60]}"',
                )
                continue
            key = _text(key_node)
            if not self._key_allowed(key, key_node, path):
                continue
            if key == "<<" and not key_node.style:
                self._add(Code.MERGE_KEY, "merge keys (<<) are not part of YAML 1.2", key_node, path)
                continue
            child = (*path, key)
            if key in result:
                first = self.keys.get(child)
                where = f" (first at line {first[0] + self.offset})" if first else ""
                self._add(Code.DUPLICATE_KEY, f"duplicate key {excerpt(key)}{where}", key_node, child)
                continue
            self.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _key_allowed(self, key: str, node: yaml.ScalarNode, path: Path_) -> bool:
        """False (with a finding) for a key over the length limit; _AbortError past the key limit."""
        self.key_count += 1
        if self.key_count > self.limits.max_keys:
            message = f"the document holds more than {self.limits.max_keys:,} keys; it is not read further"
            self._add(Code.KEY_LIMIT, message, node, path)
            raise _AbortError
        if len(key) > self.limits.max_key_chars:
            message = f"the key {excerpt(key)} is longer than {self.limits.max_key_chars} characters; it is not read"
            self._add(Code.KEY_LIMIT, message, node, path)
            return False
        return True

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> object:
        text, tag = _text(node), node.tag
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


def _text(node: yaml.Node) -> str:
    text: str = node.value  # a scalar node's value is its text
    return text


def _items(node: yaml.Node) -> list[yaml.Node]:
    items: list[yaml.Node] = node.value  # a sequence node's value is the list of nodes the composer put in it
    return items


def _pairs(node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
    pairs: list[tuple[yaml.Node, yaml.Node]] = node.value  # a mapping node's value: (key, value) node pairs
    return pairs


def _mark(event: yaml.Event, *, end: bool = False) -> yaml.Mark | None:
    """Where an event starts (or ends), as PyYAML's nodes and errors take it."""
    # libyaml's marks are another class with the same fields (line, column), which is all that is read
    return cast("yaml.Mark | None", event.end_mark if end else event.start_mark)


class _LimitError(Exception):
    """The composer stopped at a limit: the finding's code, message and where it stopped."""

    def __init__(self, code: Code, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.code, self.message, self.mark = code, message, mark


class _Events(Protocol):
    """What the composer asks of a loader: its parser's events and its resolver's tags."""

    def get_event(self) -> yaml.Event | None: ...

    def check_event(self, *choices: type[yaml.Event]) -> bool: ...

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: bool | tuple[bool, bool]) -> str: ...


@dataclass
class _Frame:
    """A collection being composed, and a mapping's key still waiting for its value."""

    node: yaml.CollectionNode
    key: yaml.Node | None = None


class _Composer:
    """libyaml's events -> nodes, iteratively, with a cap on values and on depth."""

    def __init__(self, loader: _Events, limits: Limits) -> None:
        self.loader = loader
        self.limits = limits
        self.anchors: dict[str, yaml.Node] = {}
        self.count = 0

    def single(self) -> yaml.Node | None:
        self._event()  # stream start
        if self.loader.check_event(yaml.StreamEndEvent):
            return None
        first = self._event()  # document start
        node = self._node()
        self._event()  # document end
        if not self.loader.check_event(yaml.StreamEndEvent):
            other = self._event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                _mark(first),
                "but found another document",
                _mark(other),
            )
        return node

    def _event(self) -> yaml.Event:
        event = self.loader.get_event()
        if event is None:
            raise yaml.composer.ComposerError(None, None, "the stream ends inside a document")
        return event

    def _node(self) -> yaml.Node:
        stack: list[_Frame] = []
        root: yaml.Node | None = None
        while True:
            event = self._event()
            if isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                stack.pop().node.end_mark = _mark(event, end=True)
            else:
                node = self._open(event)
                if stack:
                    _attach(stack[-1], node)
                else:
                    root = node
                if isinstance(node, yaml.CollectionNode) and isinstance(event, yaml.CollectionStartEvent):
                    if len(stack) > MAX_DEPTH:
                        raise _LimitError(Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", _mark(event))
                    stack.append(_Frame(node))
            if not stack:
                assert root is not None
                return root

    def _open(self, event: yaml.Event) -> yaml.Node:
        self.count += 1
        start = _mark(event)
        if self.count > self.limits.max_values:
            raise _LimitError(
                Code.VALUE_LIMIT,
                f"the document holds more than {self.limits.max_values:,} values; it is not read further",
                start,
            )
        if isinstance(event, yaml.AliasEvent):
            if event.anchor is None or event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
            return self.anchors[event.anchor]
        node: yaml.Node
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, _mark(event, end=True), style=event.style)
        elif isinstance(event, yaml.CollectionStartEvent):
            kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.loader.resolve(kind, None, event.implicit)
            node = kind(tag, [], start, None, flow_style=event.flow_style)
        else:
            raise yaml.composer.ComposerError(None, None, f"expected a node, found {type(event).__name__}", start)
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {event.anchor!r}; first occurrence",
                    self.anchors[event.anchor].start_mark,
                    "second occurrence",
                    start,
                )
            self.anchors[event.anchor] = node
        return node


def _attach(frame: _Frame, node: yaml.Node) -> None:
    parent = frame.node
    if isinstance(parent, yaml.SequenceNode):
        _items(parent).append(node)
    elif frame.key is None:
        frame.key = node
    else:
        _pairs(parent).append((frame.key, node))
        frame.key = None


def compose(text: str, limits: Limits | None = None) -> yaml.Node | None:
    """The node graph of a one-document YAML text (yaml.YAMLError, or _LimitError at a limit).

    A text that cannot reach a limit is composed by libyaml itself, which is about twice as
    fast as the bounded composer and gives the same nodes (tests/test_yaml_composers.py
    compares them); any other text by the bounded composer. A text libyaml cannot compose is
    composed again by the bounded composer, so that every error is worded and placed as it
    words and places it (libyaml names no anchor in its errors).
    """
    limits = limits or Limits()
    if libyaml_composes(text, limits):
        loader = Yaml12Loader(text)
        try:
            node: yaml.Node | None = loader.get_single_node()
            return node
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    return compose_bounded(text, limits)


def compose_bounded(text: str, limits: Limits | None = None) -> yaml.Node | None:
    """``compose`` by the composer here, counting values and depth as it goes."""
    loader = Yaml12Loader(text)
    try:
        return _Composer(loader, limits or Limits()).single()
    finally:
        loader.dispose()


# The start of a line up to its first content: indentation and the indicators of block
# collections that open on the same line (``- - a``, ``- ? a``, ``: - a``).
_LINE_PREFIX = re.compile(r"^(?:[ ]|[-?:](?=[ ]|$))+", re.MULTILINE)


def libyaml_composes(text: str, limits: Limits) -> bool:
    """Whether libyaml's own composer may read ``text``: it cannot reach a limit.

    A value needs at least a third of a character (``[?,?]``: three per two), so a text under
    a third of the value limit cannot reach it. A block collection nests inside another only
    on a deeper line or after an indicator at the start of its line, so nesting is at most
    the longest line prefix, plus one, plus the flow brackets: kept within half the depth limit.
    """
    if not _LIBYAML or 3 * (len(text) + 1) >= limits.max_values:
        return False
    flow = text.count("[") + text.count("{")
    if flow > MAX_DEPTH // 2:
        return False
    deepest = max((m.end() - m.start() for m in _LINE_PREFIX.finditer(text)), default=0)
    return 2 * (deepest + 1) + flow <= MAX_DEPTH


def dotted(path: Path_) -> str:
    """A path as the findings write it: ``operational.runs[0].duration``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
    if block_limit < len(text):  # a prefix cannot be longer than the text
        for prefix in _BLOCK_PREFIX.finditer(text):
            if prefix.end() - prefix.start() > block_limit:
                line = text.count("\n", 0, prefix.start()) + 1
                return line, block_limit + 1
    if text.count("[") + text.count("{") <= flow_limit:  # too few openers to nest past the limit
        return None
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
    marked = exc if isinstance(exc, yaml.MarkedYAMLError) else None
    mark = (marked.problem_mark or marked.context_mark) if marked is not None else None
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = (marked.problem if marked is not None else None) or str(exc).splitlines()[0]
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
    context = marked.context if marked is not None else None
    message = f"{context}, {problem}" if context else str(problem)
    return finding(Code.YAML_SYNTAX, message, file=file, line=None if line is None else line + offset, column=column)


def parse_yaml(
    text: str, file: str, *, offset: int = 0, limits: Limits | None = None
) -> tuple[object, list[Finding], _Builder | None]:
    """Plain data, findings, and the builder holding positions (None when nothing was read)."""
    limits = limits or Limits()
    deep = nesting_overflow(text)
    if deep is not None:
        message = f"nesting deeper than {MAX_DEPTH} levels (or indentation past {MAX_BLOCK_COLUMNS} columns)"
        return None, [finding(Code.DEPTH_LIMIT, message, file=file, line=deep[0] + offset, column=deep[1])], None
    try:
        node = compose(text, limits)
    except _LimitError as exc:
        line = exc.mark.line + 1 + offset if exc.mark else None
        column = exc.mark.column + 1 if exc.mark else None
        return None, [finding(exc.code, exc.message, file=file, line=line, column=column)], None
    except RecursionError:
        return None, [finding(Code.DEPTH_LIMIT, f"nesting deeper than {MAX_DEPTH} levels", file=file)], None
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc, text, file, offset)], None
    if node is None:
        return None, [], None
    builder = _Builder(file, offset, want_positions=True, limits=limits)
    try:
        data = builder.build(node, ())
    except _AbortError:
        return None, builder.findings, None
    return data, builder.findings, builder


def positions(
    text: str, file: str, offset: int, limits: Limits | None = None
) -> tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]:
    """The line and column of every value and key the text holds (as far as it can be read)."""
    builder = _Builder(file, offset, want_positions=True, limits=limits)
    try:
        node = compose(text, limits)
        if node is not None:
            builder.build(node, ())
    except (yaml.YAMLError, RecursionError, _AbortError, _LimitError):
        pass
    return builder.values, builder.keys
