"""Strict DRF input fields shared by every app's API.

DRF is lenient by default ("3" becomes 3, "yes" becomes True, unknown keys are ignored). For health
data a client's mistake should come back as a clear 400 naming the field, never be guessed at.
"""

from collections.abc import Mapping

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """A serializer that rejects keys it does not know, each with its own field error."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {key: [_("Unknown field.")] for key in data if key not in writable}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class WholeNumberField(serializers.IntegerField):
    """A JSON integer: "3", 3.5 and true are errors, not 3 and 1."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean: "yes", 1 and "true" are errors."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictUUIDField(serializers.UUIDField):
    """A UUID given as a string (DRF would also turn the number 5 into a UUID)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string (DRF would turn 5 into "5")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class SlugField(serializers.SlugRelatedField):
    """A related object named by its slug, read only from a string a database can hold: a NUL character or a
    non-string is "not found" (400), never a query PostgreSQL refuses (a 503)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data).replace("\x00", ""))
        return super().to_internal_value(data)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp that must carry a UTC offset ("Z" or "+08:00")."""

    default_error_messages = {
        "naive": _("Include a UTC offset, for example 2026-11-20T08:30:00+08:00 or 2026-11-20T00:30:00Z."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # an impossible date: DRF reports it as invalid below
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)
