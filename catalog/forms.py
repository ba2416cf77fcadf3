"""Portal forms of catalog management (GSA officers). Saving goes through catalog.services."""

from __future__ import annotations

from django import forms

from catalog.models import Agreement, ModelVersion, Offering, Vendor
from core.portal import UswdsFormMixin

DATE = forms.DateInput(attrs={"type": "date"})


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
        fields = ["vendor", "name", "slug", "kind", "description", "fedramp_level", "allowed_licenses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["allowed_licenses"] = ", ".join(self.instance.allowed_licenses or [])

    def clean_allowed_licenses(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["allowed_licenses"].split(",") if part.strip()]


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
            "announced_on",
            "effective_on",
            "expires_on",
            "dates_note",
            "conditions",
            "source_url",
        ]
        widgets = {"announced_on": DATE, "effective_on": DATE, "expires_on": DATE}


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
    """Approve, suspend or remove an offering, with the reason kept in its status history.

    Nothing is preselected, and a valid form is first shown back with what the change will do
    (the agencies affected); only a second POST with `confirmed` applies it, without JavaScript.
    """

    to_status = forms.ChoiceField(label="New status")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(required=False, widget=DATE, help_text="Leave empty for today.")
    source_url = forms.URLField(label="Public source", required=False, max_length=500, assume_scheme="https")

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, moves: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [CHOOSE, *moves]
