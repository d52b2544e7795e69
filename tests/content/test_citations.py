import pytest
from django.core.exceptions import ValidationError

from careers.content.citations import span_seconds, validate_interview_span
from tests.factories import AdviceItemFactory


@pytest.mark.parametrize("span", ["00:00-00:01", "23:30-24:46", "26:02-26:32"])
def test_it_accepts_spans_inside_the_interview(span):
    validate_interview_span(span)


@pytest.mark.parametrize(
    ("span", "code"),
    [
        ("", "span_format"),
        ("23:30", "span_format"),
        ("23:30 - 24:46", "span_format"),
        ("1:30-2:00", "span_format"),
        ("00:60-01:00", "span_format"),
        ("24:46-23:30", "span_order"),
        ("10:00-10:00", "span_order"),
        ("26:00-26:33", "span_bounds"),
        ("30:00-31:00", "span_bounds"),
    ],
)
def test_it_rejects_bad_spans(span, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_interview_span(span)
    assert excinfo.value.code == code


def test_it_reads_the_minutes_and_seconds_of_a_span():
    assert span_seconds("23:30-24:46") == (1410, 1486)


def test_it_requires_a_span_or_a_url_on_content(db):
    item = AdviceItemFactory.build(citation_span="", citation_url="")
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "citation_span" in excinfo.value.message_dict

    item.citation_url = "https://cs230.stanford.edu/"
    item.full_clean()
