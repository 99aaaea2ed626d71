"""Folder walks by content, .gitignore, and [tool.ftdisclose] in pyproject.toml."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ftdisclose.io.discover import discover, is_disclosure_text
from ftdisclose.io.ignore import IgnoreRules, compile_pattern

from .conftest import CASES, EXAMPLES, run_cli

WORKFLOW = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
COMPOSE = "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n"


def _repository(root: Path) -> Path:
    """A repository as people have them: docs, a package manifest, CI, compose, a README, one disclosure."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: My model\nnav:\n  - Home: index.md\n")
    (root / "package.json").write_text('{"name": "x", "version": "1.0.0", "scripts": {"build": "tsc"}}\n')
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "README.md").write_text("# My model\n\nPlain text, no front matter.\n")
    (root / "docs" / "index.md").write_text("---\ntitle: Home\n---\n# Home\n")
    (root / "carbon").mkdir()
    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", root / "carbon" / "munin.yaml")
    return root


def test_validate_dot_in_a_real_looking_repository_checks_the_one_disclosure(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    proc = run_cli("validate", ".", cwd=repo)
    assert proc.returncode == 0, proc.stdout
    last = proc.stdout.splitlines()[-1]
    assert last.startswith("1 file checked: 1 valid, 0 invalid"), last
    assert "5 skipped (-v lists them)" in last  # mkdocs.yml, package.json, compose, README, docs/index.md
    verbose = run_cli("validate", "-v", ".", cwd=repo).stdout
    for name in ("mkdocs.yml", "package.json", "docker-compose.yml", "README.md", "docs/index.md"):
        assert f"{name}: skipped (" in verbose, verbose
    assert "carbon/munin.yaml: valid" in verbose
    assert "ci.yml" not in verbose  # hidden folders are not entered


def test_json_counts_and_lists_what_was_skipped(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    doc = json.loads(run_cli("validate", "--format", "json", ".", cwd=repo).stdout)
    assert doc["summary"]["files"] == 1 and doc["summary"]["skipped"] == 5
    assert {s["file"] for s in doc["skipped"]} == {"mkdocs.yml", "package.json", "docker-compose.yml", "README.md"} | {
        "docs/index.md"
    }
    assert all(s["reason"] for s in doc["skipped"])


def test_a_named_file_is_always_checked(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    proc = run_cli("validate", "mkdocs.yml", cwd=repo)
    assert proc.returncode == 1 and "FTD107" in proc.stdout
    # --by-content judges named files as a walk does: for hooks that pass every changed file
    proc = run_cli("validate", "--by-content", "mkdocs.yml", "carbon/munin.yaml", cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("1 file checked")


def test_broken_disclosures_are_still_found_by_their_keys(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text('spec_version: "1.0"\nmodel: {name: x\n')
    (tmp_path / "bad.json").write_text('{"spec_version": "1.0", "model": ')
    (tmp_path / "flow.yaml").write_text('{spec_version: "1.0", model: {name: x}}\n')
    proc = run_cli("validate", str(tmp_path))
    assert proc.returncode == 1
    assert "FTD501" in proc.stdout and "FTD511" in proc.stdout
    assert "3 files checked" in proc.stdout


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ('spec_version: "1.0"\nmodel: {name: x}\n', "yaml", True),
        ("'spec_version': '1.1'\n\"operational\": {}\n", "yaml", True),
        ('spec_version: "1.0"\n', "yaml", False),  # no spec block: a different format's version key
        ("model:\n  spec_version: 1\n", "yaml", False),  # not at the top level
        ('{"spec_version": "1.0", "usage": {}}', "json", True),
        ('{"spec_version": "1.0"}', "json", False),
        ('{"name": "x", "spec_version": "2"}', "json", False),
    ],
)
def test_what_counts_as_a_disclosure(text: str, kind: str, expected: bool) -> None:
    assert is_disclosure_text(text, kind) is expected


def test_nothing_found_is_exit_0_with_a_clear_line_unless_required(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    proc = run_cli("validate", str(tmp_path))
    assert proc.returncode == 0
    assert proc.stdout.startswith("nothing to check: no disclosure or model card with carbon metadata found")
    proc = run_cli("validate", "--require", str(tmp_path))
    assert proc.returncode == 1 and "--require" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("validate", "--require", "--format", "json", str(empty)).returncode == 1
    proc = run_cli("validate", "--format", "github", str(empty))
    assert proc.returncode == 0 and proc.stdout.startswith("::notice title=ftdisclose::nothing to check")
    proc = run_cli("compute", str(empty))
    assert proc.returncode == 0 and "nothing to check" in proc.stdout


def test_an_unreadable_named_folder_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder else real(p, mode))
    proc = run_cli("validate", "--strict", str(folder))
    assert proc.returncode == 2
    assert "FTD516" in proc.stdout and "cannot be read" in proc.stdout


def test_gitignored_paths_are_skipped_by_default(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "build" / "x").mkdir(parents=True)
    (repo / "keep").mkdir()
    (repo / ".gitignore").write_text("build/\n*.tmp.yaml\n")
    (repo / "keep" / ".gitignore").write_text("!important.tmp.yaml\n")
    bad = CASES / "invalid" / "ftd203-unit-dimension.yaml"
    shutil.copy(bad, repo / "build" / "x" / "d.yaml")
    shutil.copy(bad, repo / "scratch.tmp.yaml")
    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", repo / "keep" / "important.tmp.yaml")
    proc = run_cli("validate", "-v", ".", cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert "build/: skipped (ignored by .gitignore:1 (build/))" in proc.stdout
    assert "scratch.tmp.yaml: skipped (ignored by .gitignore:2 (*.tmp.yaml))" in proc.stdout
    assert "keep/important.tmp.yaml: valid" in proc.stdout
    proc = run_cli("validate", "--no-respect-gitignore", ".", cwd=repo)
    assert proc.returncode == 1 and proc.stdout.count("FTD203") == 2
    # a walk of a subfolder still obeys the repository's ignore files above it; a named folder is walked
    (repo / ".git").mkdir()
    (repo / "sub").mkdir()
    shutil.copy(bad, repo / "sub" / "s.tmp.yaml")
    proc = run_cli("validate", ".", cwd=repo / "sub")
    assert proc.returncode == 0 and "nothing to check" in proc.stdout
    assert run_cli("validate", "x", cwd=repo / "build").returncode == 1


# paths and patterns where git's rules are easy to get wrong
_PATTERNS = [
    "*.log",
    "!keep.log",
    "/root-only.yaml",
    "docs/**/gen/",
    "a/**/b.yaml",
    "**/deep",
    "out/**",
    "data[0-9].json",
    "name with space.yaml",
    "\\#hash.yaml",
    "sub/*.md",
    "foo?.yaml",
]
_PATHS = [
    "x.log",
    "keep.log",
    "z/keep.log",
    "root-only.yaml",
    "z/root-only.yaml",
    "docs/gen/file.yaml",
    "docs/a/b/gen/file.yaml",
    "docs/gen.yaml",
    "a/b.yaml",
    "a/x/y/b.yaml",
    "z/a/b.yaml",
    "deep/f.yaml",
    "q/deep/f.yaml",
    "out/f.yaml",
    "out/n/f.yaml",
    "data1.json",
    "dataX.json",
    "name with space.yaml",
    "#hash.yaml",
    "sub/r.md",
    "z/sub/r.md",
    "sub/n/r.md",
    "foo1.yaml",
    "foo12.yaml",
]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_ignore_rules_agree_with_git_check_ignore(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("\n".join(_PATTERNS) + "\n")
    for rel in _PATHS:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    git = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(_PATHS) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    ignored_by_git = set(git.stdout.splitlines())
    rules = IgnoreRules(tuple(p for p in (compile_pattern(x) for x in _PATTERNS) if p is not None))

    def ours(rel: str) -> bool:
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        # a file inside an ignored folder is ignored (git does not look inside)
        return any(rules.match(p, is_dir=p != rel) is not None for p in prefixes)

    mine = {rel for rel in _PATHS if ours(rel)}
    assert mine == ignored_by_git
    found = discover([str(tmp_path)])
    checked = {Path(p).relative_to(tmp_path).as_posix() for p, _ in found.files}
    assert not checked & ignored_by_git


def _pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "m"\n\n[tool.ftdisclose]\n{body}\n')


def test_pyproject_include_exclude_strict_and_format(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "repo")
    shutil.copy(CASES / "invalid" / "ftd203-unit-dimension.yaml", repo / "docs" / "old-example.yaml")
    (repo / "notes.yaml").write_text("model: {name: x}\n")  # no spec_version: only a glob makes it a disclosure
    _pyproject(repo, 'include = ["notes.yaml"]\nexclude = ["docs/"]\nformat = "github"')
    proc = run_cli("validate", ".", cwd=repo)
    assert proc.returncode == 1
    assert "::error file=notes.yaml,line=1,col=1,title=FTD107" in proc.stdout
    assert "old-example" not in proc.stdout
    # the command line wins
    proc = run_cli("validate", "--format", "text", "-v", "carbon", cwd=repo)
    assert proc.returncode == 0 and "carbon/munin.yaml: valid" in proc.stdout
    # a subfolder of the project finds the same configuration
    proc = run_cli("validate", "../notes.yaml", cwd=repo / "carbon")
    assert proc.stdout.startswith("::error file=../notes.yaml,"), proc.stdout
    card = CASES / "invalid" / "ftd108-card-without-disclosure.md"
    shutil.copy(card, repo / "card.md")
    _pyproject(repo, "strict = true")
    assert run_cli("validate", "card.md", cwd=repo).returncode == 1
    assert run_cli("validate", "--no-strict", "card.md", cwd=repo).returncode == 0
    assert run_cli("validate", "--no-config", "card.md", cwd=repo).returncode == 0


def test_pyproject_factors_version_is_used_and_checked(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", tmp_path / "d.yaml")
    _pyproject(tmp_path, 'factors = "1999.9"')
    proc = run_cli("validate", "d.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "1999.9" in proc.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("strcit = true", "unknown key 'strcit'; did you mean 'strict'?"),
        ('strict = "yes"', "strict must be true or false"),
        ("include = 3", "include must be a list of glob strings"),
        ('format = "html"', "format 'html' is not a format of validate"),
        ("format = [", "not valid TOML"),
    ],
)
def test_pyproject_mistakes_are_usage_errors(tmp_path: Path, body: str, message: str) -> None:
    _pyproject(tmp_path, body)
    (tmp_path / "d.yaml").write_text('spec_version: "1.0"\nmodel: {name: x}\n')
    proc = run_cli("validate", "d.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and "pyproject.toml" in proc.stderr
    assert "internal error" not in proc.stderr


def test_a_named_config_file_that_is_missing_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("validate", "--config", str(tmp_path / "nope.toml"), ".", cwd=tmp_path)
    assert proc.returncode == 2 and "no such file" in proc.stderr
