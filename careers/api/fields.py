import re

from rest_framework import serializers

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


class SlugChoiceField(serializers.SlugRelatedField):
    """A related object named by its slug; a value that cannot be a slug is refused before
    any query (PostgreSQL rejects a NUL byte in a lookup with a server error)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:80])
        return super().to_internal_value(data)
