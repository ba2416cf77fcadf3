"""One FilterSet per agencies model, shared by the portal's lists and the API's.

Foreign keys are filtered by id (IdFilter), not by a choice of existing rows, so that a
filter on another agency's record answers an empty list rather than revealing that it exists.
"""

import django_filters as filters

from agencies.models import Agency, ApiToken, Deployment, Onboarding, OnboardingTransition
from core.api.filters import IdFilter
from core.portal import FilterForm


class AgencyFilterSet(filters.FilterSet):
    parent = IdFilter(field_name="parent_id")
    name = filters.CharFilter(label="Name contains", lookup_expr="icontains")
    is_cfo_act = filters.BooleanFilter(label="CFO Act agency")

    portal_fields = ("name", "is_cfo_act")

    class Meta:
        model = Agency
        form = FilterForm
        fields = ["name", "abbreviation", "is_cfo_act", "is_intelligence_community", "status", "parent"]


class OnboardingFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    offering = IdFilter(field_name="offering_id")
    state = filters.ChoiceFilter(choices=Onboarding.State.choices, empty_label="Any state")
    flagged_for_offboarding = filters.BooleanFilter(
        field_name="offboarding_flagged_at", lookup_expr="isnull", exclude=True
    )

    portal_fields = ("state", "flagged_for_offboarding")

    class Meta:
        model = Onboarding
        form = FilterForm
        fields = ["agency", "offering", "state", "flagged_for_offboarding"]


class OnboardingTransitionFilterSet(filters.FilterSet):
    onboarding = IdFilter(field_name="onboarding_id")

    class Meta:
        model = OnboardingTransition
        fields = ["onboarding", "action", "to_state"]


class DeploymentFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    model_version = IdFilter(field_name="model_version_id")
    onboarding = IdFilter(field_name="onboarding_id")
    name = filters.CharFilter(label="Name contains", lookup_expr="icontains")
    environment = filters.ChoiceFilter(choices=Deployment.Environment.choices, empty_label="Any environment")
    is_active = filters.BooleanFilter(label="Active")

    portal_fields = ("name", "environment", "is_active")

    class Meta:
        model = Deployment
        form = FilterForm
        fields = ["agency", "model_version", "onboarding", "name", "environment", "is_active"]


class ApiTokenFilterSet(filters.FilterSet):
    class Meta:
        model = ApiToken
        fields = ["scope"]
