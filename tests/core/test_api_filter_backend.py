"""The filter backend skips the FilterSet only when no query parameter can belong to one of its filters."""

from catalog.filtersets import ArtifactFilterSet
from core.api.filters import names_a_filter


def test_paging_searching_and_ordering_parameters_name_no_filter():
    assert not names_a_filter({"page": "2", "page_size": "100", "search": "x", "ordering": "-size"}, ArtifactFilterSet)


def test_a_filter_parameter_valid_or_not_goes_through_the_filterset():
    assert names_a_filter({"model_version": "1"}, ArtifactFilterSet)
    assert names_a_filter({"is_lfs": "not-a-boolean"}, ArtifactFilterSet)
    assert names_a_filter({"path": ""}, ArtifactFilterSet)
