"""Minimal, exact edits of block-style YAML text.

``set_value`` and ``remove_key`` change one key of a YAML document and leave every other
character as it was: comments, key order, quoting, indentation, blank lines, CRLF or LF
line endings, a missing final newline and a byte-order mark. Nothing is ever dumped:
the document is parsed (PyYAML's pure-Python parser, whose marks are exact character
offsets into the text) only to find where each key and value stands, and the new value
is rendered by hand and spliced in at those offsets.

What cannot be edited exactly (a flow-style parent, an alias, a key that is not at the
start of its line, a duplicated key, text that does not parse) raises ``YamlEditError``
instead of guessing.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from ftdisclose.io.yaml12 import Yaml12Loader

__all__ = ["YamlEditError", "remove_key", "set_value"]

Scalar = str | int | float | bool | None
Value = Scalar | Mapping[str, object]

BOM = "\ufeff"
_NULLS = {"", "~", "null", "Null", "NULL"}
# characters YAML reads as line breaks but this module's line arithmetic does not
_ODD_BREAKS = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]")
# characters a double-quoted scalar must carry as escapes
_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_STR_TAG = "tag:yaml.org,2002:str"


class YamlEditError(ValueError):
    """The edit cannot be made exactly; the text is left as it was."""


@dataclass
class _Node:
    """A node of the parsed document with exact character offsets.

    ``end`` is where the node's last content character ends: for a scalar or an alias the
    event's end, for a flow collection its closing bracket, for a block collection the end
    of its last child (block collections have no closing token of their own).
    """

    kind: str  # scalar | alias | map | seq
    start: int
    end: int = 0
    flow: bool = False
    style: str | None = None
    value: str | None = None
    tag: str | None = None
    anchor: str | None = None
    items: list[_Node] = field(default_factory=list)  # a map's keys and values, alternating

    def pairs(self) -> list[tuple[_Node, _Node]]:
        return list(zip(self.items[0::2], self.items[1::2], strict=True))

    def is_null(self) -> bool:
        return self.kind == "scalar" and self.style is None and self.tag is None and self.value in _NULLS

    def anchors(self) -> set[str]:
        """The anchors defined in this node and below it."""
        found: set[str] = set()
        stack = [self]
        while stack:
            node = stack.pop()
            if node.anchor:
                found.add(node.anchor)
            stack.extend(node.items)
        return found


@dataclass
class _Entry:
    key: _Node
    value: _Node
    colon_end: int  # just after the ':' that separates key and value


# --- parsing --------------------------------------------------------------------------


def _tree(text: str) -> tuple[_Node | None, set[str]]:
    """The root node of the single document in ``text`` (None when it holds none), and the
    anchors its aliases refer to."""
    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise YamlEditError(f"the YAML cannot be parsed: {_first_line(exc)}") from exc
    if sum(isinstance(e, yaml.DocumentStartEvent) for e in events) > 1:
        raise YamlEditError("the text holds more than one YAML document")
    root: _Node | None = None
    stack: list[_Node] = []
    used: set[str] = set()

    def attach(node: _Node) -> None:
        nonlocal root
        if stack:
            stack[-1].items.append(node)
        else:
            root = node

    for event in events:
        if event.start_mark is None or event.end_mark is None:  # pragma: no cover - the parser always marks
            raise YamlEditError("the parser gave no position")
        start, end = event.start_mark.index, event.end_mark.index
        if isinstance(event, yaml.ScalarEvent):
            style = event.style or None
            tag = event.tag if event.tag and event.tag != "!" else None
            attach(
                _Node(
                    "scalar",
                    start,
                    _scalar_end(text, start, end, style),
                    style=style,
                    value=event.value,
                    tag=tag,
                    anchor=event.anchor,
                )
            )
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor:
                used.add(event.anchor)
            attach(_Node("alias", start, end))
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            node = _Node(kind, start, flow=bool(event.flow_style), tag=event.tag, anchor=event.anchor)
            attach(node)
            stack.append(node)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            node = stack.pop()
            if node.flow:
                node.end = end
            else:
                node.end = node.items[-1].end if node.items else start
    return root, used


def _scalar_end(text: str, start: int, end: int, style: str | None) -> int:
    """A block scalar's (| or >) event runs over its trailing line breaks; its content does not."""
    if style in ("|", ">"):
        return start + len(text[start:end].rstrip())
    return end


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


# --- line arithmetic ------------------------------------------------------------------


def _eol(text: str, index: int) -> int:
    """The end of the line holding ``index`` (before its CRLF or LF)."""
    newline = text.find("\n", index)
    if newline < 0:
        return len(text)
    return newline - 1 if newline > 0 and text[newline - 1] == "\r" else newline


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _column(text: str, index: int) -> int:
    return index - _line_start(text, index)


def _newline(text: str, default: str) -> str:
    newline = text.find("\n")
    if newline < 0:
        return default
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _prepare(text: str) -> tuple[str, str]:
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom) :]
    odd = _ODD_BREAKS.search(body)
    if odd:
        raise YamlEditError(
            f"the text has a line break U+{ord(odd.group()[0]):04X} other than LF or CRLF "
            f"at offset {odd.start()}; it cannot be edited exactly"
        )
    return bom, body


# --- locating -------------------------------------------------------------------------


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path) if path else "(root)"


def _check_block_map(node: _Node, path: tuple[str, ...]) -> None:
    if node.kind != "map":
        kind = {"seq": "a list", "alias": "an alias", "scalar": "a scalar"}[node.kind]
        raise YamlEditError(f"{_dotted(path)} is {kind}, not a mapping")
    if node.flow:
        raise YamlEditError(f"{_dotted(path)} is a flow-style mapping ({{...}}); only block mappings are edited")


def _find(text: str, mapping: _Node, key: str, path: tuple[str, ...]) -> _Entry | None:
    found = [(k, v) for k, v in mapping.pairs() if k.kind == "scalar" and k.value == key]
    if not found:
        return None
    if len(found) > 1:
        raise YamlEditError(f"{_dotted(path)} appears {len(found)} times; which one to edit is ambiguous")
    key_node, value = found[0]
    if text[key_node.start] in "&*!?":
        raise YamlEditError(f"the key {_dotted(path)} carries an anchor, alias, tag or '?'; it is not edited")
    colon = key_node.end
    while colon < len(text) and text[colon] in " \t":
        colon += 1
    if colon >= len(text) or text[colon] != ":":
        raise YamlEditError(f"no ':' after the key {_dotted(path)}")
    return _Entry(key_node, value, colon + 1)


def _check_unreferenced(entry: _Entry, used: set[str], path: tuple[str, ...]) -> None:
    referenced = (entry.key.anchors() | entry.value.anchors()) & used
    if referenced:
        names = ", ".join(f"&{a}" for a in sorted(referenced))
        raise YamlEditError(
            f"{_dotted(path)} defines {names}, which an alias elsewhere refers to; it is not replaced or removed"
        )


def _indent_step(text: str, root: _Node) -> int:
    """The indentation step the document uses for nested mappings (2 when it has none)."""
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if node.kind == "map" and not node.flow:
            for key, value in node.pairs():
                if value.kind == "map" and not value.flow and value.items:
                    step = _column(text, value.items[0].start) - _column(text, key.start)
                    if step > 0:
                        return step
        queue.extend(child for child in node.items if child.kind in ("map", "seq"))
    return 2


# --- rendering ------------------------------------------------------------------------


def _plain_ok(text: str, *, key: bool) -> bool:
    """Whether ``text`` reads back as the same string, unquoted, under YAML 1.1 and 1.2."""
    if not text or text != text.strip() or _ESCAPE.search(text) or "\n" in text or "\r" in text or "\t" in text:
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    sample = f"{text}: v\n" if key else f"k: {text}\n"
    for loader in (yaml.SafeLoader, Yaml12Loader):
        try:
            node = yaml.compose(sample, Loader=loader)
        except yaml.YAMLError:
            return False
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            return False
        scalar = node.value[0][0 if key else 1]
        if not isinstance(scalar, yaml.ScalarNode) or scalar.style or scalar.tag != _STR_TAG or scalar.value != text:
            return False
    return True


def _quoted(text: str) -> str:
    dumped = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def _render_str(text: str, *, key: bool = False) -> str:
    return text if _plain_ok(text, key=key) else _quoted(text)


def _render_number(value: float) -> str:
    if not math.isfinite(value):
        raise YamlEditError(f"{value!r} is not a finite number")
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"
    return text


def _render_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _render_number(value)
    if isinstance(value, str):
        return _render_str(value)
    raise YamlEditError(f"a value of type {type(value).__name__} is not rendered; use text, a number or a mapping")


def _is_block(value: object) -> bool:
    return (isinstance(value, Mapping) and bool(value)) or (
        isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value)
    )


def _inline(value: object) -> str:
    """A value that sits on its key's line: a scalar, an empty mapping, or a list of scalars."""
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_render_scalar(v) for v in value) + "]"
    return _render_scalar(value)


def _sequence_lines(items: list[object], indent: int, step: int) -> list[str]:
    """A block sequence: each mapping item's first key on the dash's line."""
    lines: list[str] = []
    pad = " " * indent
    for item in items:
        if isinstance(item, Mapping) and item:
            inner = _block_lines(item, indent + 2, step)
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        elif isinstance(item, list) and any(isinstance(v, Mapping | list) for v in item):
            raise YamlEditError("a list inside a list is not rendered")
        else:
            lines.append(f"{pad}- {_inline(item)}")
    return lines


def _entry_lines(key: str, value: object, indent: int, step: int) -> list[str]:
    if not isinstance(key, str):
        raise YamlEditError(f"the key {key!r} is not text")
    pad = " " * indent
    head = f"{pad}{_render_str(key, key=True)}:"
    if isinstance(value, Mapping) and value:
        return [head, *_block_lines(value, indent + step, step)]
    if _is_block(value):
        return [head, *_sequence_lines(value, indent + step, step)]  # type: ignore[arg-type]
    return [f"{head} {_inline(value)}"]


def _block_lines(mapping: Mapping[str, object], indent: int, step: int) -> list[str]:
    lines: list[str] = []
    for key, value in mapping.items():
        lines.extend(_entry_lines(key, value, indent, step))
    return lines


def _nest(path: tuple[str, ...], value: object) -> object:
    for key in reversed(path):
        value = {key: value}
    return value


# --- editing --------------------------------------------------------------------------


def _replace_value(text: str, entry: _Entry, value: object, newline: str, step: int) -> str:
    """Replace the value of ``entry`` with ``value``, keeping a comment on the key's line."""
    old = entry.value
    colon = entry.colon_end
    key_line_end = _eol(text, colon)
    if _is_block(value):
        if isinstance(value, Mapping) and old.kind == "map" and not old.flow and old.items:
            indent = _column(text, old.items[0].start)
        else:
            indent = _column(text, entry.key.start) + step
        rendered = (
            _block_lines(value, indent, step)
            if isinstance(value, Mapping)
            else _sequence_lines(list(value), indent, step)  # type: ignore[call-overload]
        )
        lines = newline.join(rendered)
    single_line = old.end <= key_line_end
    if single_line:
        if not _is_block(value):
            if old.start == old.end:  # an empty value: `key:` or `key:  # comment`
                return text[:colon] + " " + _inline(value) + text[colon:]
            return text[: old.start] + _inline(value) + text[old.end :]
        tail = text[max(old.end, colon) : key_line_end]
        comment = tail.rstrip() if tail.strip().startswith("#") else ""
        return text[:colon] + comment + newline + lines + text[key_line_end:]
    region_end = _eol(text, old.end)
    head = text[colon:key_line_end] if old.start > key_line_end else ""
    comment = head.rstrip() if head.strip().startswith("#") else ""
    if _is_block(value):
        return text[:colon] + comment + newline + lines + text[region_end:]
    return text[:colon] + " " + _inline(value) + comment + text[region_end:]


def _append_entry(text: str, mapping: _Node, key: str, value: object, newline: str, step: int) -> str:
    """Add ``key: value`` after the last entry of ``mapping``, at the mapping's indentation."""
    indent = _column(text, mapping.items[0].start)
    at = _eol(text, mapping.end)
    return text[:at] + newline + newline.join(_entry_lines(key, value, indent, step)) + text[at:]


def _append_root(text: str, key: str, value: object, newline: str) -> str:
    """A document with no content (empty, or comments only) gets its first key at the end."""
    lines = newline.join(_entry_lines(key, value, 0, 2))
    if not text or text.endswith("\n"):
        return text + lines + newline
    return text + newline + lines


def set_value(text: str, path: tuple[str, ...], value: Value, *, newline: str = "\n") -> str:
    """``text`` with the key at ``path`` set to ``value``, and nothing else changed.

    An existing value (scalar, flow or block collection) is replaced whole; a missing key
    is appended at the end of its mapping; missing (or empty) parents are created.
    Mappings are written in block style at the indentation the document uses. ``newline``
    is the line ending for a text that has none yet (else the text's own is used).
    """
    if not path:
        raise YamlEditError("an empty path")
    bom, body = _prepare(text)
    nl = _newline(body, newline)
    root, used = _tree(body)
    if root is None:
        return bom + _append_root(body, path[0], _nest(path[1:], value), nl)
    _check_block_map(root, ())
    step = _indent_step(body, root)
    node = root
    for depth, key in enumerate(path):
        here, rest = path[: depth + 1], path[depth + 1 :]
        entry = _find(body, node, key, here)
        if entry is None:
            return bom + _append_entry(body, node, key, _nest(rest, value), nl, step)
        if not rest:
            _check_unreferenced(entry, used, here)
            return bom + _replace_value(body, entry, value, nl, step)
        child = entry.value
        if child.is_null():
            _check_unreferenced(entry, used, here)
            return bom + _replace_value(body, entry, _nest(rest, value), nl, step)
        _check_block_map(child, here)
        node = child
    raise AssertionError("unreachable")  # pragma: no cover


def remove_key(text: str, path: tuple[str, ...]) -> str:
    """``text`` without the key at ``path`` (its whole entry, with its lines); unchanged when absent.

    A nested mapping left with no key becomes ``{}``, so that its type does not change.
    """
    if not path:
        raise YamlEditError("an empty path")
    bom, body = _prepare(text)
    root, used = _tree(body)
    if root is None:
        return text
    nl = _newline(body, "\n")
    step = _indent_step(body, root)
    node, parent = root, None
    entry: _Entry | None = None
    for depth, key in enumerate(path):
        if node.kind != "map":
            return text
        found = _find(body, node, key, path[: depth + 1])
        if found is None:
            return text
        _check_block_map(node, path[:depth])
        if depth < len(path) - 1:
            parent, node = found, found.value
        entry = found
    assert entry is not None
    _check_unreferenced(entry, used, path)
    if len(node.items) == 2 and parent is not None:
        return bom + _replace_value(body, parent, {}, nl, step)
    start = _line_start(body, entry.key.start)
    if body[start : entry.key.start].strip():
        raise YamlEditError(f"the key {_dotted(path)} does not start its line; it is not removed")
    end = _eol(body, entry.value.end)
    if body.startswith("\r\n", end):
        end += 2
    elif body.startswith("\n", end):
        end += 1
    elif start > 0:  # the last line had no final newline: keep it that way
        start -= 2 if body[start - 2 : start] == "\r\n" else 1
    return bom + body[:start] + body[end:]
