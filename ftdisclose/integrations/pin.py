"""``pin``: write a fetched hourly grid intensity into the disclosure, so CI recomputes offline.

Only ``operational.carbon_intensity`` and ``operational.carbon_intensity_source`` are
written (under ``carbon_disclosure`` in a model card); every other byte of the file stays
as it was. JSON files are not rewritten: their formatting is not ours to change.
"""

from __future__ import annotations

from ftdisclose.io.frontmatter import FrontMatterError, split
from ftdisclose.io.yamledit import YamlEditError, set_value

UTF8_BOM = b"\xef\xbb\xbf"


class PinError(ValueError):
    """A file pin cannot edit exactly."""


def intensity_text(g_per_kwh: float) -> str:
    """The value as the spec writes it, to four significant digits."""
    return f"{g_per_kwh:.4g} gCO2e/kWh"


def pin_bytes(raw: bytes, kind: str, g_per_kwh: float, source: str) -> bytes:
    """``raw`` with the two fields set; ``kind`` is yaml or card."""
    if kind not in ("yaml", "card"):
        raise PinError(
            "pin edits YAML files and model cards; in JSON, add operational.carbon_intensity and "
            "operational.carbon_intensity_source yourself"
        )
    bom = UTF8_BOM if raw.startswith(UTF8_BOM) else b""
    text = raw[len(bom) :].decode("utf-8")
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    fields = (("carbon_intensity", intensity_text(g_per_kwh)), ("carbon_intensity_source", source))
    try:
        if kind == "yaml":
            for key, value in fields:
                text = set_value(text, ("operational", key), value, newline=newline)
            return bom + text.encode("utf-8")
        parts = split(text)
        if parts is None:
            raise PinError("the card has no front matter")
        front = parts.front
        for key, value in fields:
            front = set_value(front, ("carbon_disclosure", "operational", key), value, newline=newline)
    except (YamlEditError, FrontMatterError) as exc:
        raise PinError(f"the file cannot be edited exactly: {exc}") from exc
    return bom + (parts.opening + front + parts.closing + parts.body).encode("utf-8")
