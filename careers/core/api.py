"""What the REST API of every app shares: service errors answered as a 400, and lookups by
slug that refuse anything a slug cannot be before it reaches a query."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def exception_handler(exc, context):
    """DRF's handler, plus services' Django ValidationErrors answered as 400 per field."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    return drf_exception_handler(exc, context)


class SlugChoiceField(serializers.SlugRelatedField):
    """A related object named by its slug; a value that cannot be a slug is refused before
    any query (PostgreSQL rejects a NUL byte in a lookup with a server error)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:80])
        return super().to_internal_value(data)
