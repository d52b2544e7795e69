"""Citations into the interview: the ``mm:ss-mm:ss`` span format and its bounds."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

SPAN_PATTERN = re.compile(r"^(\d{2}):([0-5]\d)-(\d{2}):([0-5]\d)$")

LICENCES = [
    ("own-words", "Our own words, summarising the interview"),
    ("CC-BY-4.0", "Creative Commons Attribution 4.0"),
    ("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0"),
    ("fair-use-quote", "Short quotation under fair use"),
]


def span_seconds(value: str) -> tuple[int, int]:
    """Return the (start, end) seconds of a span such as ``23:30-24:46``."""
    match = SPAN_PATTERN.match(value)
    if match is None:
        raise ValueError(value)
    start_m, start_s, end_m, end_s = (int(part) for part in match.groups())
    return start_m * 60 + start_s, end_m * 60 + end_s


def interview_length_seconds() -> int:
    minutes, seconds = settings.INTERVIEW_LENGTH.split(":")
    return int(minutes) * 60 + int(seconds)


def validate_interview_span(value: str) -> None:
    """A span must read ``mm:ss-mm:ss``, run forwards and lie inside the interview."""
    try:
        start, end = span_seconds(value)
    except ValueError:
        raise ValidationError(
            "Span %(value)s is not in the form mm:ss-mm:ss (e.g. 23:30-24:46).",
            code="span_format",
            params={"value": repr(value)},
        ) from None
    if start >= end:
        raise ValidationError(
            "Span %(value)s ends before it starts.", code="span_order", params={"value": value}
        )
    if end > interview_length_seconds():
        raise ValidationError(
            "Span %(value)s is outside the interview (00:00-%(length)s).",
            code="span_bounds",
            params={"value": value, "length": settings.INTERVIEW_LENGTH},
        )
