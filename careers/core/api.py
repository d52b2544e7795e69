"""What the REST API of every app shares: service errors answered as a 400, lookups by
slug that refuse anything a slug cannot be before it reaches a query, and the JSON parser and
renderer that keep hostile bodies from becoming server errors."""

import codecs
import re

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, parsers, renderers, serializers
from rest_framework.serializers import as_serializer_error
from rest_framework.utils import json

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")

# No request of the API nests more than a few levels (a list of answers, each an object);
# 64 leaves room for any honest client and stays far below Python's recursion limit, which a
# body of a few kilobytes of brackets would otherwise reach in the decoder or a serializer.
JSON_MAX_DEPTH = 64
# A JSON string (escapes included) or a bracket: strings are skipped when counting depth.
_JSON_DEPTH_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
# Half of a UTF-16 pair on its own (``"\ud800"`` in JSON): valid JSON, but not a character;
# neither the database nor a UTF-8 response can hold it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than the API accepts."
    default_code = "request_too_large"


def exception_handler(exc, context):
    """DRF's handler, plus services' Django ValidationErrors answered as 400 per field, and a
    body Django refuses (too large, too many fields) answered in JSON like any other error."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            f"The request body is larger than the API accepts "
            f"({settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes at most)."
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(str(exc))
    # Imported here: rest_framework.views reads the renderer setting, which names this
    # module's JSONRenderer, so importing it at the top made this module importable only
    # after DRF's views.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


class SlugChoiceField(serializers.SlugRelatedField):
    """A related object named by its slug; a value that cannot be a slug is refused before
    any query (PostgreSQL rejects a NUL byte in a lookup with a server error)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:80])
        return super().to_internal_value(data)


def _json_depth_check(text: str) -> None:
    """Refuse a body nested deeper than ``JSON_MAX_DEPTH`` before it is decoded."""
    depth = 0
    for match in _JSON_DEPTH_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                raise exceptions.ParseError(
                    f"JSON parse error - the body is nested more than {JSON_MAX_DEPTH} levels deep."
                )
        elif token in "]}":
            depth -= 1


def _json_text_check(data) -> None:
    """Refuse a decoded body holding a lone surrogate in any string or key."""
    pending = [data]
    while pending:  # a loop, not recursion: the body's depth is already bounded, but cheaply
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            raise exceptions.ParseError(
                "JSON parse error - a string holds a lone UTF-16 surrogate "
                "(\\ud800 to \\udfff), which is not a character."
            )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing with a 400 what would otherwise end in a server error: a
    body nested more than ``JSON_MAX_DEPTH`` deep and strings no text column can store."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:  # UnicodeDecodeError: bytes that are not text
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        _json_depth_check(text)
        parse_constant = json.strict_constant if self.strict else None
        try:
            # ValueError covers a number of more digits than Python converts (4,300).
            data = json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        _json_text_check(data)
        return data


def _without_surrogates(data):
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if isinstance(data, dict):
        return {_without_surrogates(key): _without_surrogates(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_without_surrogates(value) for value in data]
    return data


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; a lone surrogate in what it renders (a message echoing input that
    reached it some other way) is shown as U+FFFD instead of failing the response."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(_without_surrogates(data), accepted_media_type, renderer_context)
