"""Filters shared by the FilterSets of every app."""

import django_filters as filters
from django import forms

BIGINT_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class IdFilter(filters.NumberFilter):
    """A row id: a whole number within the database's range (anything else is a 400, not a crash)."""

    field_class = IdField
