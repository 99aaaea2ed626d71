"""compute --format html: one self-contained page, its charts, its escaping, and a real browser's view of it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, run_cli

MUNIN = str(EXAMPLES / "munin-7b-lora.yaml")
ARTEFACTS = Path(os.environ.get("FTD_TEST_ARTEFACTS", ROOT / "build" / "test-artefacts"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_the_page_is_self_contained_with_charts_inputs_and_equivalences() -> None:
    proc = run_cli("compute", "--format", "html", MUNIN)
    assert proc.returncode == 0
    page = proc.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    tags = _tags(page)
    # nothing is loaded: no src, no stylesheet link, no script; the CSP forbids loads anyway
    assert not [t for t, a in tags if t in ("script", "img", "link", "iframe", "object") or "src" in a]
    csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in str(csp[0]["content"])
    charts = {a.get("data-chart") for t, a in tags if t == "svg"}
    assert charts == {"emissions", "water", "energy"}
    assert sum(1 for t, a in tags if t == "path" and a.get("class") == "range") >= 4  # ranges drawn
    assert "Inputs, their origins and sources" in page and "origin" in page
    assert "infrastructure.cluster.gpu.tdp" in page and "ml_hardware.csv" in page  # an input and its source
    assert "For scale" in page and "of an average Dane" in page
    assert "430" in page and "gCO2e" in page  # the total as every human format shows it


def test_user_text_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert(1)</script> & "quotes" \x1b[2J'
    disclosure = tmp_path / "d.json"
    data = json.loads(json.dumps({"spec_version": "1.1", "model": {"name": "m"}}))
    data["infrastructure"] = {"location": {"country": "DK"}, "cluster": {"gpu": {"model": evil, "count": 1}}}
    data["operational"] = {"duration": "2 h"}
    disclosure.write_text(json.dumps(data))
    page = run_cli("compute", "--format", "html", str(disclosure)).stdout
    assert "<script>" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; \\x1b[2J" in page


def test_nothing_found_is_still_a_page(tmp_path: Path) -> None:
    proc = run_cli("compute", "--format", "html", str(tmp_path))
    assert proc.returncode == 0 and "Nothing to compute" in proc.stdout


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _render(browser: str, page: Path, profile: Path, screenshot: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,2400",
            f"--screenshot={screenshot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_CONSOLE = re.compile(r"CONSOLE|Refused to|Uncaught|net::ERR_", re.IGNORECASE)


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (.ci/install-chromium installs it)")
def test_the_page_renders_in_headless_chromium_without_console_errors(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    # a control first: a page that breaks its own policy must show up in the log this test reads
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><meta http-equiv=Content-Security-Policy content=\"default-src 'none'\">"
        "<img src=https://example.invalid/x.png><script>console.error('boom')</script>"
    )
    control = _render(browser, bad, tmp_path / "profile-control", tmp_path / "control.png")
    assert _CONSOLE.search(control.stderr), "the browser log does not show console errors; the check would be blind"
    page = tmp_path / "report.html"
    page.write_text(run_cli("compute", "--format", "html", MUNIN, str(EXAMPLES / "scope3-daily-refresh.yaml")).stdout)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTEFACTS / "compute-report.png"
    proc = _render(browser, page, tmp_path / "profile", screenshot)
    print(f"screenshot of the HTML report: {screenshot}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if _CONSOLE.search(line)]
    assert not errors, errors
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'p2'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert dom.count('class="chart"') >= 6  # three charts per file, two files
    assert dom.count('class="bar"') >= 18
