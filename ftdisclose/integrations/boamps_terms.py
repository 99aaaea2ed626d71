"""BoAmps' closed vocabulary that the command line offers as choices.

Kept apart from ``integrations.boamps`` so that building the command line does not import
the exporter and the modules it needs (about 15 ms of every start).
"""

from __future__ import annotations

# Hub pipeline_tag -> BoAmps dataType of the training data (the first prefix that matches)
PIPELINE_DATA_TYPES: tuple[tuple[str, str], ...] = (
    ("text-to-image", "text"),
    ("text-to-video", "text"),
    ("text-to-speech", "text"),
    ("text-to-audio", "text"),
    ("image", "image"),
    ("video", "video"),
    ("audio", "audio"),
    ("automatic-speech-recognition", "audio"),
    ("voice-activity-detection", "audio"),
    ("tabular", "tabular"),
    ("object-detection", "image"),
    ("depth-estimation", "image"),
    ("zero-shot-image", "image"),
    ("", "text"),  # text generation, classification, translation, summarization, ...
)
DATA_TYPES = ("tabular", "audio", "boolean", "image", "video", "object", "text", "token", "word", "other")
