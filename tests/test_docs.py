"""The documentation's code is run, and the built site covers the code.

Conventions in ``docs/**/*.md`` (the pages say what they show, and this file holds them to it):

- ``<!-- disclosure -->`` on the line before a ```yaml (or ```markdown model card) block: the
  block is a disclosure and validates without findings at error or warning severity.
  ``<!-- disclosure: FTD201 FTD204 -->``: it produces exactly these codes (info findings aside).
- A block with ``title="some/path"`` is a file: it is written to a scratch folder when the page
  reaches it (a later block with the same title replaces it), and commands on the same page
  that name that path (or its folder) read the scratch copy.
- A ```console block with ``$ ftdisclose ...`` lines is run with ``python -m ftdisclose`` from
  the repository root. The lines after a command are its exact output (stdout, then stderr);
  a line ``...`` stands for any number of lines. ``$ echo $?`` followed by a number checks the
  previous command's exit code; without it the command must exit 0.
- ``<!-- not run: REASON -->`` on the line before a ```console block (a fetch from a grid-data
  service, say): the block is shown but not run. Its commands are still parsed by the real
  argument parser, so a renamed command or flag fails all the same.
- A command's output files (``-o``/``--output``, ``--card`` unless ``--check``, the file ``pin``
  edits) always land in the scratch folder: a repository file is copied there first, and later
  commands on the page that name the path read the scratch copy. Nothing the pages run writes
  into the repository.
- Commands run with the grid cache in the scratch folder, every grid-data service pointed at a
  closed local port and no provider credentials, so nothing reaches the network.
- Every ```yaml block parses as YAML, unless it is a disclosure that expects FTD5xx codes.

The last tests build the site with ``mkdocs build --strict`` and check that every finding
code, command, top-level spec field and factor table appears in it, that every module of the
package is on the API page or excluded with a reason, and that the integration pages name every
pre-commit hook, Action input and output, and grid-data setting the repository has.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from ftdisclose.findings import CATALOGUE, Severity
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import Goal, run_document
from ftdisclose.spec import LATEST

from .conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.relative_to(DOCS).parts)

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)(?P<attrs>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*disclosure(?::(?P<codes>[^>]*))?\s*-->\s*$")
_NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*(?P<reason>[^>]*?)\s*-->\s*$")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')
_SHELL_OPERATORS = re.compile(r"[|<>;&`]|\$\(")


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    title: str | None
    body: str
    disclosure: bool = False
    expected_codes: list[str] = field(default_factory=list)
    not_run: str | None = None  # why a console block is shown but not run

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, in order, with the markers that precede them."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m.group("indent"), m.group("fence")
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence) and lines[i].strip().strip(fence[0]) == ""):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        i += 1
        title = _TITLE.search(m.group("attrs"))
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = _MARKER.match(previous)
        not_run = _NOT_RUN.match(previous)
        found.append(
            Block(
                page,
                start + 1,
                m.group("lang").lower(),
                title.group("title") if title else None,
                "\n".join(body) + "\n",
                disclosure=marker is not None,
                expected_codes=sorted((marker.group("codes") or "").split()) if marker else [],
                not_run=not_run.group("reason") if not_run else None,
            )
        )
    return found


def _page_id(page: Path) -> str:
    return str(page.relative_to(DOCS))


def test_docs_have_pages_and_runnable_blocks() -> None:
    all_blocks = [b for p in PAGES for b in blocks(p)]
    assert len(PAGES) >= 10, "the hand-written pages are missing"
    assert sum(b.disclosure for b in all_blocks) >= 10
    assert sum(b.lang == "console" for b in all_blocks) >= 8


# --- (a) disclosures in the docs validate, or show the codes the page says -------------


def _codes(block: Block) -> list[str]:
    kind = "card" if block.lang in {"markdown", "md"} else "json" if block.lang == "json" else "yaml"
    result = run_document(loads(block.body, block.title or "<docs>", kind), goal=Goal.VALIDATE)
    return sorted({f.code for f in result.findings if f.severity is not Severity.INFO})


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_disclosures_validate(page: Path) -> None:
    for block in blocks(page):
        if block.disclosure:
            assert block.lang in {"yaml", "yml", "json", "markdown", "md"}, f"{block.where()}: not a disclosure block"
            assert _codes(block) == block.expected_codes, f"{block.where()}: findings differ from what the page says"
            for code in block.expected_codes:
                assert code in CATALOGUE, f"{block.where()}: {code} is not a finding code"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_yaml_blocks_parse(page: Path) -> None:
    for block in blocks(page):
        if block.lang in {"yaml", "yml"} and not any(c.startswith("FTD5") for c in block.expected_codes):
            try:
                yaml.safe_load(block.body)
            except yaml.YAMLError as exc:
                pytest.fail(f"{block.where()}: YAML does not parse: {exc}")


# --- (b) console blocks run through the real CLI --------------------------------------


@dataclass
class Command:
    argv: list[str]
    output: list[str]
    exit_code: int = 0


def commands(block: Block) -> list[Command]:
    """The `$ ftdisclose ...` commands of a console block with their documented output and exit code."""
    found: list[Command] = []
    lines = block.body.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), f"{block.where()}: output before the first command: {line!r}"
        command = line[2:].strip()
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        if command == "echo $?":
            assert found and len(output) == 1 and output[0].strip().isdigit(), f"{block.where()}: bad `echo $?`"
            found[-1].exit_code = int(output[0])
            continue
        assert command.startswith("ftdisclose "), f"{block.where()}: only ftdisclose commands run: {command!r}"
        assert not _SHELL_OPERATORS.search(command), f"{block.where()}: no shell operators in {command!r}"
        found.append(Command(shlex.split(command)[1:], output))
    return found


def _line_matches(expected: str, actual: str) -> bool:
    """A line matches exactly, or with each `...` inside it standing for any text (a number, say)."""
    expected, actual = expected.rstrip(), actual.rstrip()
    if "..." not in expected:
        return actual == expected
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual) is not None


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line `...` stands for any number of lines, a `...` within a line for any text."""
    if not expected:
        return not actual
    head, *rest = expected
    if head.strip() == "...":
        return any(_matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and _line_matches(head, actual[0]) and _matches(rest, actual[1:])


def _rewrite(arg: str, files: dict[str, Path], scratch: Path) -> str:
    """A path the page wrote as a file (or its folder) points into the scratch folder."""
    plain = arg.rstrip("/")
    for title in files:
        if title == plain or title.startswith(plain + "/"):
            return str(scratch / arg)
    return arg


_OUTPUT_OPTIONS = {"-o", "--output", "--card"}


def _outputs(argv: list[str]) -> list[int]:
    """Positions in ``argv`` of the files the command writes."""
    found = [
        i + 1 for i, a in enumerate(argv[:-1]) if a in _OUTPUT_OPTIONS and not (a == "--card" and "--check" in argv)
    ]
    if argv and argv[0] == "pin":
        found += [i for i, a in enumerate(argv) if i > 0 and not a.startswith("-") and argv[i - 1] not in {"--factors"}]
    return found


def _into_scratch(arg: str, files: dict[str, Path], scratch: Path) -> None:
    """Register an output path as a scratch file, copying the repository's file there first."""
    assert not Path(arg).is_absolute() and ".." not in Path(arg).parts, f"output outside the scratch folder: {arg}"
    target = scratch / arg
    if arg not in files and not target.exists() and (ROOT / arg).is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / arg).read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    files[arg] = target


def _offline_env(scratch: Path) -> dict[str, str]:
    """The environment of a documented command: no colour, no cache outside the scratch folder,
    no credentials, and every grid-data service at a closed port."""
    from ftdisclose.integrations.grid.providers import ENV_URLS

    env = dict.fromkeys(("ELECTRICITYMAPS_TOKEN", "WATTTIME_USERNAME", "WATTTIME_PASSWORD"), "")  # "": unset
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "FTDISCLOSE_CACHE_DIR": str(scratch / ".cache"),
            "FTDISCLOSE_HTTP_TIMEOUT": "2",
        }
    )
    env.update({variable: "http://127.0.0.1:9" for variable, _ in ENV_URLS.values()})
    return env


def _parses(argv: list[str]) -> bool:
    from ftdisclose.cli import build_parser

    try:
        build_parser().parse_args(argv)
    except SystemExit:
        return False
    return True


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_console_blocks_run(page: Path, tmp_path: Path) -> None:
    files: dict[str, Path] = {}
    env = _offline_env(tmp_path)
    for block in blocks(page):
        if block.title and block.lang != "console":
            target = tmp_path / block.title
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
            files[block.title] = target
        if block.lang != "console" or "$ ftdisclose " not in block.body:
            continue
        if block.not_run is not None:
            assert block.not_run, f"{block.where()}: say why the block is not run"
            for cmd in commands(block):
                assert _parses(cmd.argv), f"{block.where()}: the parser refuses $ ftdisclose {' '.join(cmd.argv)}"
            continue
        for cmd in commands(block):
            for i in _outputs(cmd.argv):
                _into_scratch(cmd.argv[i], files, tmp_path)
            argv = [_rewrite(a, files, tmp_path) for a in cmd.argv]
            proc = run_cli(*argv, cwd=ROOT, env=env)
            shown = (proc.stdout + proc.stderr).replace(f"{tmp_path}/", "")
            actual = shown.rstrip("\n").split("\n") if shown.strip() else []
            label = f"{block.where()}: $ ftdisclose {' '.join(cmd.argv)}"
            assert proc.returncode == cmd.exit_code, (
                f"{label}: exit {proc.returncode}, documented {cmd.exit_code}\n{shown}"
            )
            if not _matches(cmd.output, actual):
                diff = "\n".join(difflib.unified_diff(cmd.output, actual, "documented", "actual", lineterm=""))
                pytest.fail(f"{label}: output differs from the page (`...` lines match anything)\n{diff}")


# --- (c) the strict build, and what the built site must mention ---------------------------


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ftdisclose_docs_hook", DOCS / "hooks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _required_terms() -> dict[str, list[str]]:
    from ftdisclose.cli import build_parser

    hook = _hook()
    schema = yaml.safe_load((ROOT / "schema" / f"ftdisclose-{LATEST}.schema.json").read_text(encoding="utf-8"))
    return {
        "codes": list(CATALOGUE),
        "commands": [f"ftdisclose {name}" for name, _, _ in hook.cli_commands()],
        "spec fields": list(schema["properties"]),
        "factor tables": [t for _, _, m in hook.factor_versions() for t in m["tables"]],
        "flags": sorted(
            {o for _, _, p in hook.cli_commands() for a in p._actions for o in a.option_strings}
            | {o for a in build_parser()._actions for o in a.option_strings}
        ),
    }


def test_generated_pages_cover_the_code() -> None:
    """Without mkdocs: the generators mention everything they are meant to."""
    hook = _hook()
    pages = {name: render() for name, render in hook.PAGES.items()}
    terms = _required_terms()
    for code in terms["codes"]:
        assert f"{{ #{code.lower()} }}" in pages["reference/codes.md"], code
    for command in terms["commands"]:
        assert f"`{command}`" in pages["reference/cli.md"], command
    for flag in terms["flags"]:
        assert f"`{flag}`" in pages["reference/cli.md"], flag
    for name in terms["spec fields"]:
        assert f"{{ #{name} }}" in pages["reference/spec.md"], name
    for table in terms["factor tables"]:
        assert f"`{table}`" in pages["reference/factors.md"], table
    for module, _ in hook.API_MODULES:
        assert f"::: {module}" in pages["reference/api.md"]
        assert importlib.util.find_spec(module) is not None, f"API_MODULES lists {module}, which does not exist"


def test_bloom_picture_matches_the_hand_calculation() -> None:
    """The numbers behind the picture are those of examples/EXPECTED.md §4."""
    n = _hook().bloom_numbers()
    assert n["e_it_kwh"] == pytest.approx(1_137_613.5225)
    assert n["c_op_kg"] == pytest.approx(71_328.368, abs=1e-3)
    assert n["c_emb_kg"] == pytest.approx(50_447.273, abs=1e-3)
    assert n["w_off_l"] == pytest.approx(4_592_545.79, abs=1e-2)
    assert n["w_emb_l"] == pytest.approx(32_964.75, abs=1e-2)


_COMING = re.compile(r"`ftdisclose ([a-z][a-z -]*?)(?: [A-Z.-][^`]*)?`[^.`]{0,20}\(coming in the next release\)")
_FUTURE = re.compile(
    r"coming in the next release|in the next release|coming soon|not yet (?:available|shipped)", re.IGNORECASE
)
_SPAN = re.compile(r"`([^`\n]+)`")


def _sentences(text: str) -> list[str]:
    """Prose split into sentences (code blocks left out), good enough to find what a sentence names."""
    prose = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`(\[])", re.sub(r"\s*\n\s*", " ", prose))


def test_coming_soon_is_not_already_here() -> None:
    """What the pages call coming is not here yet: a command of the parser, a flag of it, or a file
    of the repository (`.pre-commit-hooks.yaml`, `action.yml`) named in a sentence about the future."""
    commands_ = _hook().cli_commands()
    shipped = {name for name, _, _ in commands_}
    flags = {o for _, _, p in commands_ for a in p._actions for o in a.option_strings}
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(ROOT)
        for match in _COMING.finditer(text):
            name = match.group(1).strip()
            assert name not in shipped, f"{where}: `ftdisclose {name}` has shipped; update the page"
        for sentence in _sentences(text):
            if not _FUTURE.search(sentence):
                continue
            for span in _SPAN.findall(sentence):
                name = span.removeprefix("ftdisclose ").strip()
                shipped_here = (
                    (span.startswith("ftdisclose ") and name in shipped)
                    or span in flags
                    or (" " not in span and "." in span and (ROOT / span).is_file())
                )
                assert not shipped_here, f"{where}: {span} is here already, but the page says: {sentence[:160]!r}"


def _package_modules() -> list[str]:
    import pkgutil

    import ftdisclose

    names = ["ftdisclose"]
    names += [m.name for m in pkgutil.walk_packages(ftdisclose.__path__, "ftdisclose.")]
    return sorted(n for n in names if not any(part.startswith("_") for part in n.split(".")))


def test_api_page_covers_the_package() -> None:
    """Every public module is on reference/api.md (itself or a package above it) or excluded with a reason."""
    hook = _hook()
    listed = [m for m, _ in hook.API_MODULES]
    excluded: dict[str, str] = hook.API_EXCLUDED
    assert all(reason.strip() for reason in excluded.values())
    missing = [
        name
        for name in _package_modules()
        if name != "ftdisclose"
        and name not in excluded
        and not any(name == m or name.startswith(m + ".") for m in listed)
    ]
    assert not missing, f"modules neither in API_MODULES nor in API_EXCLUDED (docs/hooks/generate.py): {missing}"
    stale = [name for name in excluded if importlib.util.find_spec(name) is None]
    assert not stale, f"API_EXCLUDED names modules that do not exist: {stale}"


def _page_text(*names: str) -> str:
    return "\n".join((DOCS / name).read_text(encoding="utf-8") for name in names)


def test_integration_pages_match_the_repository() -> None:
    """The recipes name every hook, Action input and output, and grid-data setting there is."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    page = _page_text("howto/pre-commit.md")
    for hook in hooks:
        assert f"`{hook['id']}`" in page, f"howto/pre-commit.md does not name the hook {hook['id']}"
        if "files" in hook:
            assert hook["files"] in page, f"howto/pre-commit.md does not show the files pattern of {hook['id']}"
        for word in hook["entry"].split()[2:]:
            assert f"`{word}`" in page, f"howto/pre-commit.md does not explain {word} of {hook['id']}"
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    page = _page_text("howto/github-actions.md")
    for kind in ("inputs", "outputs"):
        for name in action[kind]:
            assert f"`{name}`" in page, f"howto/github-actions.md does not name the Action's {kind[:-1]} {name}"
    from ftdisclose.integrations.grid.providers import ENV_URLS

    page = _page_text("howto/hourly-grid.md")
    settings = [v for v, _ in ENV_URLS.values()] + [
        "ELECTRICITYMAPS_TOKEN",
        "WATTTIME_USERNAME",
        "WATTTIME_PASSWORD",
        "FTDISCLOSE_CACHE_DIR",
        "FTDISCLOSE_HTTP_TIMEOUT",
    ]
    for name in settings:
        assert f"`{name}`" in page, f"howto/hourly-grid.md does not name {name}"


def _mkdocs_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = _mkdocs_missing()
    if missing:
        pytest.skip(f"{missing} is not installed (pip install -e '.[docs]' to build the docs)")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def _html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_site_builds_strict(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "assets" / "bloom-split.svg").is_file()


@pytest.mark.slow
def test_site_mentions_everything(site: Path) -> None:
    every = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    terms: dict[str, Any] = _required_terms()
    for kind in ("codes", "commands", "spec fields", "factor tables", "flags"):
        missing = [t for t in terms[kind] if t not in every]
        assert not missing, f"{kind} missing from the built site: {missing}"
    codes_html = _html(site, "reference/codes")
    for code in terms["codes"]:
        assert f'id="{code.lower()}"' in codes_html, f"no anchor #{code.lower()} on reference/codes/"
    spec_html = _html(site, "reference/spec")
    for name in terms["spec fields"]:
        assert f'id="{name}"' in spec_html, f"no anchor #{name} on reference/spec/"
    api_html = _html(site, "reference/api")
    assert "validate_document" in api_html and "loads" in api_html
