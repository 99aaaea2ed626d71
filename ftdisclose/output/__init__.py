"""Report stage: one reporter protocol (``base.Reporter``) and one class per format.

Reporters render ``view.FileReport`` values, one per file; ``explain`` and ``fill`` render
a single computation in their own forms.
"""

from __future__ import annotations

from ftdisclose.output.base import Reporter, Summary
from ftdisclose.output.github import GithubReporter
from ftdisclose.output.html import HtmlReporter
from ftdisclose.output.jsondoc import JsonReporter
from ftdisclose.output.markdown import MarkdownReporter
from ftdisclose.output.sarif import SarifReporter
from ftdisclose.output.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, GithubReporter, SarifReporter, MarkdownReporter, HtmlReporter)
}

__all__ = ["REPORTERS", "Reporter", "Summary"]
