"""No user text is ever markup or a command: every format writes it verbatim or escaped, exit codes unchanged.

Hostile text (rich markup, ANSI and OSC escapes, GitHub workflow commands, ``%0A``,
HTML, Markdown table and code syntax, bidirectional overrides) is put into every
free-text field of a disclosure, an unknown key and the file name, and each command's
every format is run. Between two markers that no escaping changes, each format must
show the text as that format's escaping in ``ftdisclose.output.safe`` writes it (of the
text itself, or of its Python ``repr`` where a message quotes it), or a prefix of that
when a message shortens it; and the exit code must be the one a plain value gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftdisclose.output import safe

from .conftest import run_cli

START, END = "Mk7q", "q7kM"
HOSTILE = (
    "[/][red]X[link=https://evil.example]y[/link] \x1b[2J\x1b]8;;https://evil.example\x07z "
    "\n::error file=README.md,line=1::pwned %0A%25 <b>bold</b></td><script>x</script> | `code` *em* _u_ "
    "\\ & $x^2$ \r\u202eevil\x85 'q' \"dq\" #h"
)
FIELDS: dict[str, tuple[str, ...]] = {
    "model.name": ("model", "name"),
    "model.base_model": ("model", "base_model"),
    "provider": ("infrastructure", "provider"),
    "cloud_region": ("infrastructure", "location", "cloud_region"),
    "gpu.model": ("infrastructure", "cluster", "gpu", "model"),
    "cpu.model": ("infrastructure", "cluster", "cpu", "model"),
    "carbon_intensity_source": ("operational", "carbon_intensity_source"),
    "run name": ("operational", "runs", 0, "name"),
}
VALIDATE = ("text", "json", "github", "sarif", "markdown")
COMPUTE = (*VALIDATE, "html")


def disclosure(field: str, value: str) -> dict[str, Any]:
    """A computable disclosure with ``value`` in ``field`` ("key": an unknown key; "file": the file name)."""
    data: dict[str, Any] = {
        "spec_version": "1.1",
        "model": {"name": "m"},
        "infrastructure": {
            "provider": "aws",
            "location": {"country": "DK", "cloud_region": "eu-north-1"},
            "cluster": {"gpu": {"model": "NVIDIA A100 SXM4 80GB", "count": 2}, "cpu": {"model": "x", "count": 1}},
        },
        "operational": {"duration": "3 h", "runs": [{"name": "r", "duration": "3 h"}]},
    }
    if field == "key":
        data["operational"][value] = 1
    elif field in FIELDS:
        node: Any = data
        *parents, last = FIELDS[field]
        for part in parents:
            node = node[part]
        node[last] = value
    return data


def _repr_inner(text: str, start: str = START, end: str = END) -> str:
    """How ``repr`` writes ``text`` inside its quotes (messages quote values with !r)."""
    shown = repr(start + text + end)
    return shown[1 + len(start) : -1 - len(end)]


def encodings(fmt: str, text: str, start: str = START, end: str = END) -> set[str]:
    """Every way format ``fmt`` may legitimately write ``text``."""
    forms = {text, _repr_inner(text, start, end)}
    out: set[str] = set()
    for x in forms:
        marked = start + x + end
        if fmt == "text":
            out.add(safe.terminal(x))
        elif fmt == "github":
            out |= {safe.github_data(x), safe.github_property(x)}
        elif fmt == "markdown":
            for cell in (False, True):
                code = safe.markdown_code(marked, cell=cell).strip("`").strip()
                out.add(code[len(start) : -len(end)])
            out.add(safe.markdown(x))
        elif fmt in ("json", "sarif"):
            out |= {x, safe.terminal(x), quote(x, safe="/")}
            as_path = PurePosixPath(marked).as_posix()  # a file name made a URI is a normalised path
            if as_path.startswith(start) and as_path.endswith(end):
                out.add(quote(as_path[len(start) : -len(end)], safe="/"))
        elif fmt == "html":
            out |= {safe.html_text(x), safe.html_text(x).replace("&#x27;", "'")}
    return out


def _segments_text(output: str, *, lines: bool = True, start: str = START, stop: str = END) -> Iterator[str]:
    for match in re.finditer(re.escape(start), output):
        rest = output[match.end() :]
        end = rest.find(stop)
        line_end = rest.find("\n") if lines else -1
        if end < 0 or (0 <= line_end < end):
            yield rest[: line_end if line_end >= 0 else len(rest)] + "\0cut"
        else:
            yield rest[:end]


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def segments(fmt: str, output: str, start: str = START, end: str = END) -> list[str]:
    """The text between the markers wherever the output shows it."""
    if fmt in ("json", "sarif"):
        found: list[str] = []
        for string in _strings(json.loads(output)):
            found.extend(_segments_text(string, lines=False, start=start, stop=end))
        return found
    return list(_segments_text(output, start=start, stop=end))


def _user_part(segment: str) -> str:
    """A cut segment without what follows the user's text: findings.excerpt quotes the start of a long text,
    then "… (N characters)" and the rest of the message."""
    head = segment.removesuffix("\0cut")
    return re.sub(r"(['\"]|&#x27;|&quot;)?… \\?\([\d,]+ characters\\?\).*\Z", "", head, flags=re.DOTALL)


def _acceptable(segment: str, allowed: set[str]) -> bool:
    if segment.endswith("\0cut"):  # shortened by the message: a prefix, perhaps with an ellipsis
        head = _user_part(segment).rstrip("…").removesuffix("...")
        return any(a.startswith(head) for a in allowed)
    return segment in allowed


def check_format(fmt: str, output: str, text: str, start: str = START, end: str = END) -> int:
    """Assert the output shows ``text`` only in ``fmt``'s escaping and executes nothing; the number of sightings."""
    allowed = encodings(fmt, text, start, end)
    found = segments(fmt, output, start, end)
    for segment in found:
        assert _acceptable(segment, allowed), (fmt, segment, sorted(allowed))
    for segment in found:
        _meaningless(fmt, _user_part(segment) if segment.endswith("\0cut") else segment)
    if fmt != "json" and fmt != "sarif":
        assert "\x1b" not in output and "\r" not in output and "\x07" not in output, fmt
    if fmt == "github":
        for line in output.splitlines():
            assert re.match(
                r"^(::(error|warning|notice) [^:]*::|::notice title=ftdisclose::|\d+ files? checked|nothing)", line
            ), line
    if fmt == "text":
        assert not any(line.startswith("::") for line in output.splitlines())
    if fmt == "markdown":
        _markdown_inert(output, start, end)
    return len(found)


_CODE_SPAN = re.compile(r"(?<!\\)(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)  # an escaped \` opens nothing


def _escaped(text: str, index: int) -> bool:
    before = text[:index]
    return (len(before) - len(before.rstrip("\\"))) % 2 == 1


def _cells(row: str) -> int:
    return sum(1 for i, ch in enumerate(row) if ch == "|" and not _escaped(row, i))


def _markdown_inert(output: str, start: str = START, end: str = END) -> None:
    """Tables keep their shape, and outside code spans every syntax character of user text is escaped."""
    table: list[str] = []
    for line in [*output.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        assert len({_cells(row) for row in table}) <= 1, table
        table = []
    prose = _CODE_SPAN.sub("", output)
    for found in _segments_text(prose, start=start, stop=end):
        segment = _user_part(found) if found.endswith("\0cut") else found
        for match in re.finditer(r"[|<>\[\]`*_$&]", segment):
            assert _escaped(segment, match.start()), (segment, match)


def _meaningless(fmt: str, segment: str) -> None:
    """Beyond matching the escaper: the segment carries no syntax or control character of its format."""
    if fmt == "html":
        assert not re.search(r"[<>\"]|&(?!(amp|lt|gt|quot|#x27);)", segment), segment
    if fmt in ("text", "github", "markdown", "html"):
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]", segment), segment


Run = Callable[[str, str, str], tuple[int, str]]


def run(tmp: Path, command: str, fmt: str, field: str, text: str) -> tuple[int, str]:
    value = START + text + END
    name = f"{START}{text}{END}.json" if field == "file" else "d.json"
    folder = tmp / f"{command}-{fmt}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / name
    path.write_text(json.dumps(disclosure(field, value), ensure_ascii=True), encoding="utf-8")
    proc = run_cli(command, "--format", fmt, path.name, cwd=folder)
    return proc.returncode, proc.stdout + proc.stderr


@cache
def _baseline(tmp: str, command: str, fmt: str, field: str) -> int:
    return run(Path(tmp) / "baseline", command, fmt, field, "plain")[0]


ALL_FIELDS = (*FIELDS, "key", "file")
PAIRS = [("validate", f) for f in VALIDATE] + [("compute", f) for f in COMPUTE]


@pytest.mark.parametrize(("command", "fmt"), PAIRS)
def test_hostile_text_in_every_field_comes_out_escaped(tmp_path: Path, command: str, fmt: str) -> None:
    seen = 0
    for field in ALL_FIELDS:
        text = HOSTILE.replace("/", "_") if field == "file" else HOSTILE
        code, output = run(tmp_path, command, fmt, field, text)
        assert code == _baseline(str(tmp_path), command, fmt, field), (field, output[-3000:])
        seen += check_format(fmt, output, text)
    assert seen, f"{command} --format {fmt} showed no hostile text at all: the check would be blind"


_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "[/]",
        "[bold red]",
        "[link=https://evil.example]",
        "\x1b[31m",
        "\x1b]8;;https://e\x07",
        "::error::",
        "::warning file=x::",
        "%0A",
        "%25",
        "%3A",
        "<b>",
        "</td>",
        "<!--",
        "|",
        "`",
        "``",
        "*",
        "_",
        "\\",
        "&lt;",
        "$",
        "\n",
        "\r\n",
        "\t",
        "\u202e",
        "\u2028",
        "\x85",
        "\x00",
        "'",
        '"',
        "#",
        "-",
        " ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(st.characters(blacklist_categories=("Cs",)), max_size=3)), max_size=6).map(
    "".join
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, field=st.sampled_from(ALL_FIELDS), pair=st.sampled_from(PAIRS))
def test_property_any_text_any_field_any_format(tmp_path: Path, text: str, field: str, pair: tuple[str, str]) -> None:
    command, fmt = pair
    if field == "file":
        text = text.replace("/", "_").replace("\x00", "_")[:40]
    code, output = run(tmp_path, command, fmt, field, text)
    assert code == _baseline(str(tmp_path), command, fmt, field)
    check_format(fmt, output, text)


def test_explain_and_fill_keep_hostile_text_inert(tmp_path: Path) -> None:
    from ftdisclose.io.loader import loads

    for field in ("gpu.model", "run name", "file"):
        text = HOSTILE.replace("/", "_") if field == "file" else HOSTILE
        name = f"{START}{text}{END}.json" if field == "file" else "d.json"
        folder = tmp_path / field.replace(" ", "-").replace(".", "-")
        folder.mkdir()
        (folder / name).write_text(json.dumps(disclosure(field, START + text + END), ensure_ascii=True))
        explain = run_cli("explain", name, cwd=folder)
        assert explain.returncode == 0
        check_format("text", explain.stdout, text)
        doc = json.loads(run_cli("explain", "--format", "json", name, cwd=folder).stdout)
        check_format("json", json.dumps(doc), text)
        fill = run_cli("fill", name, cwd=folder)
        assert fill.returncode == 0
        assert "\x1b" not in fill.stdout
        # the filled disclosure is YAML that reads back with the hostile value intact
        filled = loads(fill.stdout, "filled.yaml")
        assert not [f for f in filled.findings if f.severity == "error"], filled.findings
        if field == "gpu.model":
            assert filled.data["infrastructure"]["cluster"]["gpu"]["model"] == START + text + END


# --- every reporter, fed findings directly: what a grid server's message or any check may say ---------


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(
    message=_TEXT,
    hint=_TEXT,
    path=_TEXT,
    file=_TEXT,
    severity=st.sampled_from(["error", "warning", "info"]),
    fmt=st.sampled_from(COMPUTE),
    command=st.sampled_from(["validate", "compute"]),
)
def test_property_reporters_keep_any_finding_text_inert(
    message: str, hint: str, path: str, file: str, severity: str, fmt: str, command: str
) -> None:
    import io

    from ftdisclose.findings import Code, Severity, Where, make
    from ftdisclose.output import REPORTERS
    from ftdisclose.output.view import FileReport

    if fmt == "html" and command == "validate":
        command = "compute"
    markers = {
        "message": ("Ma1q", "q1aM"),
        "hint": ("Hb2q", "q2bH"),
        "path": ("Pc3q", "q3cP"),
        "file": ("Fd4q", "q4dF"),
    }
    texts = {"message": message, "hint": hint, "path": path, "file": file}
    marked = {k: markers[k][0] + v + markers[k][1] for k, v in texts.items()}
    finding = make(
        Code.GRID_INVALID_RESPONSE,  # a server's own words end up in such a message
        marked["message"],
        Where(marked["file"], 3, 7, marked["path"]),
        hint=marked["hint"],
        severity=Severity(severity),
    )
    out = io.StringIO()
    reporter = REPORTERS[fmt](out, command=command, verbosity=1)  # type: ignore[arg-type]
    reporter.file(FileReport(marked["file"], "yaml", "1.1", (finding,)))
    reporter.finish()
    for key, text in texts.items():
        check_format(fmt, out.getvalue(), text, *markers[key])
    assert reporter.summary.exit_code() == (1 if severity == "error" else 0)
