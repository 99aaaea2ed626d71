"""User and server text made safe for where it is written.

Text that came from a file, a command line or a server (keys, values, file names, error
messages) is never markup and never a command: before it reaches a terminal, a CI log, a
Markdown page or an HTML page, control characters become visible escapes and the
format's own syntax is neutralised. Each format has one function here.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a reader sees
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Markdown's inline syntax, HTML, GitHub's math ($) and entity references (&)
_MARKDOWN = re.compile(r"([\\`*_\[\]|<>~$&])")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def terminal(text: str) -> str:
    """Text for a terminal or a log line: every control character (newlines and ESC included) made visible."""
    return _CONTROL.sub(_visible, text)


def markdown(text: str) -> str:
    """Text for Markdown (tables included): controls made visible, Markdown and HTML syntax escaped."""
    return _MARKDOWN.sub(r"\\\1", terminal(text))


def markdown_code(text: str, *, cell: bool = False) -> str:
    """Text as Markdown inline code: shown literally, whatever it holds (backticks included).

    ``cell``: the code stands in a table cell, where GitHub ends the cell at any ``|``,
    code spans included, unless it is written ``\\|``.
    """
    text = " ".join(terminal(text).split())
    if cell:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def html_text(text: str) -> str:
    """Text for an HTML page."""
    import html  # only the HTML reporter escapes for HTML

    return html.escape(terminal(text), quote=True)


def github_data(text: str) -> str:
    """The message part of a GitHub workflow command (after ``::``)."""
    return terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A property value of a GitHub workflow command (``file=``, ``title=``)."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal(escaped.replace(":", "%3A").replace(",", "%2C"))
