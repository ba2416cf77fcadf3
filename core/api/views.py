"""Base classes of every API view: CSV export of lists, JSON errors, writes through services."""

from __future__ import annotations

from collections.abc import Iterator

from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from core.api.csv_export import BATCH_SIZE, CsvRenderer, csv_response

NUL_IN_QUERY = "The query string must not contain NUL characters."


class ApiBaseMixin:
    """What every API view shares: ids as whole numbers, no NUL in queries, errors always JSON."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    # Ids are whole numbers within the database's range; anything else is an ordinary 404.
    lookup_value_regex = "[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        # PostgreSQL refuses NUL characters in text; refuse them here, for every filter and search.
        if any("\x00" in key or "\x00" in value for key, value in request.query_params.items()):
            raise ValidationError({"query": [NUL_IN_QUERY]})
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever was asked for (CSV, a PDF download, a CycloneDX document).
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and not isinstance(renderer, JSONRenderer):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ApiViewMixin(ApiBaseMixin):
    """Lists answer `?format=csv` with the whole filtered list as one CSV file; errors are always JSON."""

    def list(self, request, *args, **kwargs):
        if isinstance(getattr(request, "accepted_renderer", None), CsvRenderer):
            queryset = self.filter_queryset(self.get_queryset())
            header = list(self.get_serializer().fields)
            return csv_response(self._csv_rows(queryset), name=self.basename, header=header)
        return super().list(request, *args, **kwargs)

    def _csv_rows(self, queryset) -> Iterator[dict]:
        batch = []
        for obj in queryset.iterator(chunk_size=BATCH_SIZE):
            batch.append(obj)
            if len(batch) == BATCH_SIZE:
                yield from self.get_serializer(batch, many=True).data
                batch = []
        if batch:
            yield from self.get_serializer(batch, many=True).data


class ApiReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Browse a model: list (paginated, filtered, searched, ordered, CSV) and detail."""


class ApiWriteViewSet(ApiViewMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Browse, create and edit a model; every save goes through `save_record`, which calls a service.

    There is no delete: records are withdrawn through their status, and the history stays.
    """

    def save_record(self, instance):
        raise NotImplementedError

    def perform_create(self, serializer):
        instance = serializer.Meta.model(**serializer.validated_data)
        serializer.instance = self.save_record(instance)

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        serializer.instance = self.save_record(instance)
