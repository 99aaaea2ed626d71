"""The docs' quickstart is the README's: the same commands, so neither drifts."""

from __future__ import annotations

import re

from .conftest import ROOT


def _quickstart(text: str) -> list[str]:
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, re.DOTALL)


def test_docs_quickstart_is_the_readmes() -> None:
    readme = _quickstart((ROOT / "README.md").read_text(encoding="utf-8"))
    docs = _quickstart((ROOT / "docs" / "index.md").read_text(encoding="utf-8"))
    assert len(readme) == 2 and docs == readme
    assert not any("==" in block or "pip install ftdisclose" in block for block in readme)  # never an index version
