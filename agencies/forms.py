"""Portal forms of the onboarding workflow and of deployments. Saving goes through agencies.services."""

from __future__ import annotations

from django import forms

from agencies.models import Agency, Deployment, Onboarding
from agencies.selectors import onboarding_list
from catalog.models import ModelVersion, Offering
from core.portal import UswdsFormMixin

DATE = forms.DateInput(attrs={"type": "date"})
YES_NO_UNKNOWN = forms.NullBooleanSelect


class ContractFactsForm(UswdsFormMixin, forms.Form):
    """The M-25-22 facts of an onboarding's contract; a GSA officer needs the first two to approve."""

    contract_number = forms.CharField(max_length=100, required=False)
    no_training_on_agency_data = forms.NullBooleanField(
        label="The contract forbids training on non-public agency data",
        widget=YES_NO_UNKNOWN,
        help_text="M-25-22: the vendor may not use agency inputs and outputs to train its models.",
    )
    data_portability = forms.NullBooleanField(
        label="The contract provides data and model portability",
        widget=YES_NO_UNKNOWN,
        help_text="M-25-22: the agency can take its data and models elsewhere (no vendor lock-in).",
    )
    ato_granted_on = forms.DateField(label="ATO granted on", required=False, widget=DATE)
    ato_expires_on = forms.DateField(label="ATO expires on", required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        granted, expires = cleaned.get("ato_granted_on"), cleaned.get("ato_expires_on")
        if granted and expires and expires <= granted:
            self.add_error("ato_expires_on", "The ATO must expire after it was granted.")
        return cleaned


class ContractFactsEditForm(ContractFactsForm):
    """Issue 12: the contract facts with the other M-25-22 protections, the dates and the M-26-04 facts."""

    knowledge_transfer = forms.NullBooleanField(label="The contract provides knowledge transfer", widget=YES_NO_UNKNOWN)
    rights_to_code_and_models = forms.NullBooleanField(
        label="The agency has rights to code and models produced under the contract", widget=YES_NO_UNKNOWN
    )
    licensing_pricing_transparency = forms.NullBooleanField(
        label="Licensing and pricing are transparent", widget=YES_NO_UNKNOWN
    )
    solicitation_date = forms.DateField(
        label="Solicitation or order issued on",
        required=False,
        widget=DATE,
        help_text="Decides whether M-25-22 (from 30 Sep 2025) and M-26-04 (after 11 Dec 2025) apply.",
    )
    option_exercise_date = forms.DateField(
        label="Next option exercised on",
        required=False,
        widget=DATE,
        help_text="M-26-04: an existing LLM contract is modified before this option.",
    )
    unbiased_ai_clause = forms.NullBooleanField(
        label="The contract requires the Unbiased AI Principles (M-26-04)", widget=YES_NO_UNKNOWN
    )
    unbiased_ai_material = forms.NullBooleanField(
        label="Compliance is designated material to eligibility and payment", widget=YES_NO_UNKNOWN
    )
    vendor_aup_url = forms.URLField(label="Vendor's acceptable-use policy", required=False, max_length=500)
    vendor_cards_url = forms.URLField(label="Model, system or data cards", required=False, max_length=500)
    vendor_end_user_resources_url = forms.URLField(label="End-user resources", required=False, max_length=500)
    vendor_feedback_url = forms.URLField(label="Feedback channel", required=False, max_length=500)


class OnboardingRequestForm(ContractFactsForm):
    """An agency's request for an approved offering, with the contract facts known so far."""

    field_order = ["agency", "offering", "purpose"]

    agency = forms.ModelChoiceField(queryset=Agency.objects.all())
    offering = forms.ModelChoiceField(queryset=Offering.objects.filter(status=Offering.Status.APPROVED))
    purpose = forms.CharField(
        label="What the agency will use it for", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = self.fields["offering"].queryset.select_related("vendor")
        if not user.is_gsa_officer:
            del self.fields["agency"]


class TransitionForm(UswdsFormMixin, forms.Form):
    """One step of the workflow (approve, reject, activate...) and the reason kept in the history."""

    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DeploymentForm(UswdsFormMixin, forms.ModelForm):
    """An agency-hosted copy of a model version; agency officers register them for their own agency."""

    class Meta:
        model = Deployment
        fields = ["agency", "name", "model_version", "onboarding", "storage_path", "environment", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model_version"].queryset = ModelVersion.objects.select_related("offering")
        self.fields["onboarding"].queryset = onboarding_list(user=user).exclude(state__in=Onboarding.CLOSED_STATES)
        if not user.is_gsa_officer:
            del self.fields["agency"]
            self.instance.agency = user.agency


class CaioDesignateForm(UswdsFormMixin, forms.Form):
    """Issue 12: a new Chief AI Officer of the agency; the current one's term ends on the designation date."""

    name = forms.CharField(max_length=200)
    title = forms.CharField(max_length=200, help_text="e.g. Chief AI Officer and Chief Information Officer.")
    grade = forms.CharField(
        max_length=40, required=False, help_text="SES, ST, SL or GS-15 …: M-25-21 sets a minimum by agency type."
    )
    email = forms.EmailField(required=False)
    designated_on = forms.DateField(label="Designated on", widget=DATE)
    omb_notified_on = forms.DateField(
        label="OMB notified on", required=False, widget=DATE, help_text="M-25-21: within 30 days of the change."
    )
    designation_document = forms.FileField(
        label="Designation document", required=False, help_text="PDF, PNG, JPEG, TXT or DOCX; kept with its SHA-256."
    )
