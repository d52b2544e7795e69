"""The OpenAPI schema as the API really behaves, for every app's operations.

drf-spectacular documents what each serializer declares and each operation's success. This
adds what the API does besides: the errors each operation can answer, with the body the
exception handler (``careers.core.api``) really sends, and, for request bodies, the rules DRF's
fields enforce beyond a length (no NUL character, not blank once trimmed, a decimal's digits and
bounds, how many items a nested list takes), so a request built from the schema as valid is
accepted. Apps state their own rules (a week that starts on a Monday, a window of dates, the
key of a criterion of one answer type) with ``RefinedSerializerSchema`` and the helpers below.

Three kinds of rule cannot be constant JSON Schema, and the schema says each in words besides:

- which slugs and keys exist is curated content that reviewers publish and archive, so such a
  value has its shape (a pattern), a named ``format`` (``career-path-slug``,
  ``scale-criterion-key``...) and a description naming the endpoint that lists the values;
  the schema is built from code alone, so it is served, and the API's tests load it, whatever
  the database holds, even nothing;
- JSON Schema has no "a Monday": such a date has the custom format ``week-start``;
- what a value must be relative to the object it is sent to (a week of that plan, a criterion
  asked on that option's path) is said in the field's description.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication

from careers.core.api import JSON_MAX_DEPTH, SLUG, SlugChoiceField

# Everything ``str.strip()`` removes (``str.isspace``), spelled out: the ``\s`` of the schema's
# regex dialect (ECMA 262) and of Python differ on a few of these.
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# The bodies of error responses, as components every operation refers to.
ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
VALIDATION_ERROR = "ValidationError"
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Why the request was refused, in one sentence.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
        "additionalProperties": False,
    },
    FIELD_ERRORS: {
        "description": (
            "The messages about one field: a list of sentences; for a nested object, its "
            "fields' messages by name; for a list, the messages of each item in its place."
        ),
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}},
            {
                "type": "object",
                "additionalProperties": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
            },
        ],
    },
    VALIDATION_ERROR: {
        "description": (
            "What is wrong with the request. A body that cannot be read (not JSON, nested "
            f"more than {JSON_MAX_DEPTH} levels deep, holding a lone UTF-16 surrogate) is "
            "`detail`; otherwise the messages by field name (`non_field_errors` for the body "
            "as a whole), or, for a list body, by the position of the item: in a list of "
            'objects in place, or as keys (`"0"`) when a rule spans the items.'
        ),
        "anyOf": [
            {"$ref": f"#/components/schemas/{ERROR}"},
            {
                "type": "object",
                "additionalProperties": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
            },
            {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}},
        ],
    },
}

REFUSED = "The request was refused: the body says why, field by field."
NOT_FOUND = (
    "Nothing is there: an id or key that names nothing, or another user's object (whose "
    "existence is not disclosed), or a page past the last."
)
TOO_LARGE = "The body is larger than the API accepts (Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."
UNSUPPORTED = "The body's Content-Type is none of the media types listed for this operation."
NOT_ACCEPTABLE = "The Accept header names no media type this operation answers in."
THROTTLED = (
    "Too many requests: the client's rate (per user, or per address for anonymous requests "
    "and token requests) is used up, or, at the token endpoint, the account is locked out "
    "after failed logins. `Retry-After`, when present, says in how many seconds to retry."
)


def _credentials_refused(*, challenge: bool, csrf: bool) -> str:
    refused = "No credentials, or a token that is not valid"
    if challenge:
        return f"{refused}: see WWW-Authenticate."
    return (
        refused
        + (", or a session request without its CSRF token" if csrf else "")
        + ". (The first authentication class names no WWW-Authenticate challenge, so DRF "
        "answers these with 403, not 401.)"
    )


def date_window_pattern(lowest: date, highest: date) -> str:
    """A pattern matching the ISO dates (``YYYY-MM-DD``) from ``lowest`` to ``highest``, both
    included.

    JSON Schema bounds numbers, not dates. Dates written in four-digit years sort as their
    text does, so the window is a range of eight-digit numbers with the dashes in place; that
    each one is a real calendar day is what ``format: date`` beside it says.
    """
    return "^" + _between(_digits(lowest), _digits(highest), 0) + "$"


def _digits(day: date) -> str:
    return day.isoformat().replace("-", "")


def _at(position: int, token: str) -> str:
    # The digits of YYYYMMDD at positions 4 and 6 are the first of a month and of a day.
    return ("-" if position in (4, 6) else "") + token


def _any_digits(position: int, count: int) -> str:
    return "".join(_at(at, "[0-9]") for at in range(position, position + count))


def _between(lowest: str, highest: str, position: int) -> str:
    """Digit strings of one length from ``lowest`` to ``highest``, starting at ``position``."""
    if not lowest:
        return ""
    first, last = int(lowest[0]), int(highest[0])
    if len(lowest) == 1:
        return _at(position, _digit_range(first, last))
    if first == last:
        return _at(position, lowest[0]) + _between(lowest[1:], highest[1:], position + 1)
    rest = len(lowest) - 1
    # Where the rest of a bound is all 0s (or all 9s), its first digit joins the middle.
    from_zero, to_nine = set(lowest[1:]) == {"0"}, set(highest[1:]) == {"9"}
    branches = []
    if not from_zero:
        branches.append(_at(position, lowest[0]) + _between(lowest[1:], "9" * rest, position + 1))
    start, end = first + (not from_zero), last - (not to_nine)
    if start <= end:
        branches.append(_at(position, _digit_range(start, end)) + _any_digits(position + 1, rest))
    if not to_nine:
        branches.append(_at(position, highest[0]) + _between("0" * rest, highest[1:], position + 1))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _digit_range(first: int, last: int) -> str:
    return str(first) if first == last else f"[{first}-{last}]"


def decimal_pattern(field: serializers.DecimalField) -> str | None:
    """A pattern for a decimal sent as a string that DRF's field takes as it is: at least one
    digit, no more than ``max_digits`` and ``decimal_places`` allow, no sign when the field
    takes nothing below 0, and, for a bound that is a power of ten, nothing above it.

    drf-spectacular's own pattern also matches ``""``, ``"."`` and ``"-"``, which the field
    refuses; ``None`` when the field states no digits (its pattern then stands).
    """
    if field.max_digits is None or field.decimal_places is None:
        return None
    places, whole = field.decimal_places, field.max_digits - field.decimal_places
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    highest = field.max_value
    if highest is None:
        return rf"^{sign}[0-9]{{1,{whole}}}{fraction}$"
    power = len(str(int(highest))) - 1
    if sign or power < 1 or Decimal(highest) != 10**power or power > whole:
        return None
    exact = f"1{'0' * power}" + (rf"(?:\.0{{1,{places}}})?" if places else "")
    return rf"^(?:[0-9]{{1,{power}}}{fraction}|{exact})$"


def slug_format(field: SlugChoiceField) -> str:
    """``career-path-slug``: the format naming what a slug field refers to."""
    return f"{slugify(field.queryset.model._meta.verbose_name)}-{field.slug_field}"


class RefinedSerializerSchema(OpenApiSerializerExtension):
    """A serializer's schema as drf-spectacular maps it, then ``refine``d: the place for the
    rules of one serializer that its fields cannot state (a window computed from a model's
    validators, an enum read from code, a rule linking two fields). Set ``target_class``."""

    match_subclasses = True

    def map_serializer(self, auto_schema: openapi.AutoSchema, direction: str) -> dict[str, Any]:
        # The instance, not the class: a PATCH maps a partial copy, whose fields are optional.
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        self.refine(schema, direction)
        return schema

    def refine(self, schema: dict[str, Any], direction: str) -> None:
        raise NotImplementedError


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses each operation can answer and the
    rules DRF's fields enforce on a request that a length alone does not say."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "path" and schema.get("type") == "integer":
                schema.setdefault("minimum", 1)  # database ids count from 1
            if parameter["in"] == "query" and parameter["name"] == "page":
                schema.setdefault("minimum", 1)
        responses = operation["responses"]
        for code, response in self._error_responses(operation).items():
            responses.setdefault(code, response)
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                response["content"] = self._error_content(code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def get_auth(self):
        auths = super().get_auth()
        # No permission class lets anyone in (the token endpoint takes credentials in its body).
        if not self.view.get_permissions() and {} not in auths:
            auths.append({})
        return auths

    def _error_responses(self, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The 4xx statuses this operation can answer, each with why."""
        view = self.view
        authenticators = view.get_authenticators()
        challenge = bool(
            authenticators and authenticators[0].authenticate_header(getattr(view, "request", None))
        )
        csrf = self.method not in SAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        )
        denies = any(
            not isinstance(permission, (permissions.AllowAny, permissions.IsAuthenticated))
            for permission in view.get_permissions()
        )
        body = "requestBody" in operation
        looks_up = "{" in self.path or any(
            parameter["name"] == "page" for parameter in operation.get("parameters", [])
        )
        statuses = {
            "400": REFUSED if body else None,
            "401": _credentials_refused(challenge=True, csrf=csrf) if challenge else None,
            "403": _credentials_refused(challenge=False, csrf=csrf)
            if not challenge
            else ("CSRF failed, or not allowed." if csrf or denies else None),
            "404": NOT_FOUND if looks_up else None,
            "406": NOT_ACCEPTABLE,
            "413": TOO_LARGE if body else None,
            "415": UNSUPPORTED if body else None,
            "429": THROTTLED if view.throttle_classes else None,
        }
        # 405 is left out: an operation's own method is never refused, and OpenAPI has no
        # place for the methods a path does not have.
        return {
            code: {"description": description, "content": self._error_content(code)}
            | (self._retry_after() if code == "429" else {})
            for code, description in statuses.items()
            if description
        }

    def _error_content(self, code: str) -> dict[str, Any]:
        for name, schema in ERROR_SCHEMAS.items():
            self.registry.register_on_missing(
                ResolvedComponent(name, ResolvedComponent.SCHEMA, schema=schema, object=name)
            )
        ref = {"$ref": f"#/components/schemas/{VALIDATION_ERROR if code == '400' else ERROR}"}
        return {media_type: {"schema": ref} for media_type in self.map_renderers("media_type")}

    @staticmethod
    def _retry_after() -> dict[str, Any]:
        return {
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "schema": {"type": "integer", "minimum": 0},
                }
            }
        }

    def map_parsers(self):
        """The media types a body can be sent in. A form (urlencoded or multipart) carries
        flat text only: a body holding an object, a list of objects or a field that may be
        null (a form cannot say null) is documented as JSON alone."""
        media_types = super().map_parsers()
        if _needs_json(self.get_request_serializer()):
            return [media_type for media_type in media_types if "json" in media_type]
        return media_types

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            properties = schema.get("properties", {})
            for field in serializer.fields.values():
                if isinstance(properties.get(field.field_name), dict):
                    _refine_request_field(field, properties[field.field_name])
        return schema


def _needs_json(serializer: Any) -> bool:
    """Whether a request body holds what a form cannot carry (``map_parsers``)."""
    if isinstance(serializer, type):
        serializer = serializer()
    if isinstance(serializer, serializers.ListSerializer):
        return True
    if not isinstance(serializer, serializers.Serializer):
        return False
    return any(
        field.allow_null
        or isinstance(
            field, serializers.BaseSerializer | serializers.DictField | serializers.JSONField
        )
        for field in serializer.fields.values()
        if not field.read_only
    )


def _refine_request_field(field: serializers.Field, schema: dict[str, Any]) -> None:
    """What DRF's field refuses that drf-spectacular's mapping of it does not say."""
    if "$ref" in schema or "oneOf" in schema or "allOf" in schema:
        return
    if isinstance(field, SlugChoiceField):
        schema.update(pattern=f"^{SLUG.pattern}$", format=slug_format(field))
    elif isinstance(field, serializers.DecimalField):
        pattern = decimal_pattern(field)
        if pattern and schema.get("type") == "string":
            schema["pattern"] = pattern
    elif isinstance(field, serializers.CharField) and not (
        {"pattern", "enum", "format"} & schema.keys()
    ):
        # DRF refuses a NUL in any string, and trims one before checking it is not blank.
        blank_ok = field.allow_blank or not field.trim_whitespace
        schema["pattern"] = NO_NUL if blank_ok else NOT_BLANK
    elif isinstance(field, serializers.ListSerializer):
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
        if field.min_length is not None:
            schema["minItems"] = field.min_length
