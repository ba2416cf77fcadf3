"""Filters shared by the FilterSets of every app."""

import datetime as dt

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend

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


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, without building the FilterSet when the request names none of its filters.

    A FilterSet deep-copies every filter and builds its form on each request (about a twentieth of an unfiltered
    list's time). With no parameter of a filter in the query, every filter is empty and filters nothing and the
    form cannot be invalid, so the queryset is returned as it is; any filter parameter, valid or not, goes
    through the FilterSet as before. (The project's FilterSets filter only through their filters; one that
    overrode `filter_queryset` or `qs` would need this backend to look at it.)
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not names_a_filter(request.query_params, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


def names_a_filter(params, filterset_class) -> bool:
    """Whether a query parameter may belong to one of the filters (range filters add `_min`, `_after`, ...)."""
    names = tuple(filterset_class.base_filters)
    return bool(names) and any(key.startswith(names) for key in params)
