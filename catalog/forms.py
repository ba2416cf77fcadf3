"""Portal forms of catalog management (GSA officers). Saving goes through catalog.services."""

from __future__ import annotations

import re

from django import forms

from catalog.models import Agreement, Confidence, ModelVersion, Offering, Vendor
from core.portal import UswdsFormMixin

DATE = forms.DateInput(attrs={"type": "date"})
FEDRAMP_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class VendorForm(UswdsFormMixin, forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = ["name", "website"]


class OfferingForm(UswdsFormMixin, forms.ModelForm):
    """An offering's description; its status changes only through the suspend/remove page."""

    allowed_licenses = forms.CharField(
        required=False,
        help_text="Hugging Face license ids accepted for its model versions, separated by commas.",
    )

    class Meta:
        model = Offering
        fields = ["vendor", "name", "slug", "kind", "description", "fedramp_level", "fedramp_ids", "allowed_licenses"]

    fedramp_ids = forms.CharField(
        label="FedRAMP ids",
        required=False,
        help_text=(
            "FedRAMP marketplace ids of the products that authorize it (e.g. FR2533155773), separated by commas. "
            "The daily FedRAMP sync links them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["allowed_licenses"] = ", ".join(self.instance.allowed_licenses or [])
        self.initial["fedramp_ids"] = ", ".join(self.instance.fedramp_ids or [])

    def clean_allowed_licenses(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["allowed_licenses"].split(",") if part.strip()]

    def clean_fedramp_ids(self) -> list[str]:
        ids = [part.strip() for part in self.cleaned_data["fedramp_ids"].split(",") if part.strip()]
        wrong = [i for i in ids if not FEDRAMP_ID.match(i)]
        if wrong:
            raise forms.ValidationError(f"Not a FedRAMP id: {', '.join(wrong)}.")
        return ids


class AgreementForm(UswdsFormMixin, forms.ModelForm):
    source_url = forms.URLField(
        label="Public source", max_length=500, assume_scheme="https", help_text="Where the terms were published."
    )

    class Meta:
        model = Agreement
        fields = [
            "offering",
            "title",
            "price_per_agency",
            "price_unit",
            "currency",
            "terms",
            "announced_on",
            "effective_on",
            "expires_on",
            "offer_ends_on",
            "end_unknown",
            "dates_note",
            "conditions",
            "source_url",
            "contract_vehicle",
            "mas_contract_number",
            "contract_vehicle_source_url",
            "reseller",
            "terminated_on",
            "termination_reason",
            "termination_source_url",
            "successor",
        ]
        widgets = {
            "announced_on": DATE,
            "effective_on": DATE,
            "expires_on": DATE,
            "offer_ends_on": DATE,
            "terminated_on": DATE,
        }


class ModelVersionForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = ModelVersion
        fields = ["offering", "name", "repo_id", "revision", "declared_license", "parameter_count", "release_date"]
        widgets = {"release_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = Offering.objects.filter(kind=Offering.Kind.OPEN_WEIGHT)


CHOOSE = ("", "Choose…")


class OfferingStatusForm(UswdsFormMixin, forms.Form):
    """Approve, suspend, remove, contest or reinstate an offering, with the reason kept in its status history.

    Nothing is preselected, and a valid form is first shown back with what the change will do
    (the agencies affected); only a second POST with `confirmed` applies it, without JavaScript.
    """

    to_status = forms.ChoiceField(label="New status")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(
        label="Date of the event",
        required=False,
        widget=DATE,
        help_text="The day it happened (GSA's notice, a ruling), not today's date. Leave empty for today.",
    )
    source_url = forms.URLField(label="Public source", required=False, max_length=500, assume_scheme="https")
    # Not preselected: how sure the sources are is for the officer to say.
    confidence = forms.ChoiceField(
        choices=[CHOOSE, *Confidence.choices],
        help_text="Confirmed: a primary source or two independent reports. Reported: one secondary source.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the sources say and how sure they are (e.g. 'reported by one secondary source').",
    )

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, moves: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [CHOOSE, *moves]
