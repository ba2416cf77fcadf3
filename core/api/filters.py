"""Filters shared by the FilterSets of every app."""

import datetime as dt

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField

BIGINT_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """A row id: a whole number within the database's range (anything else is a 400, not a crash)."""

    field_class = IdField


class UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("Give a date and time within range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date and time, turned to UTC before it reaches the database.

    PostgreSQL refuses some offsets that ISO 8601 allows (such as +17:45).
    """

    field_class = UtcDateTimeField
