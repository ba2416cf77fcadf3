"""Forms of the compliance pages: evidence (with its waiver and a document), inventory import, reports, alerts."""

from __future__ import annotations

from django import forms

from agencies.selectors import agency_list, deployment_list
from compliance.models import AlertKind, EvidenceStatus, UseCase
from core.portal import UswdsFormMixin

WAIVER_INCOMPLETE = "A waiver needs who granted it, when, the justification and the re-certification date."
WAIVER_NEEDS_STATUS = "Choose the status Waived to record a waiver."
DATE = forms.DateInput(attrs={"type": "date"})


class EvidenceForm(UswdsFormMixin, forms.Form):
    """Status and notes of one requirement for one subject; a waiver when the status is Waived; one document."""

    subject = forms.ChoiceField(label="Applies to", help_text="The use case or onboarding this evidence is for.")
    status = forms.ChoiceField(choices=EvidenceStatus.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    waiver_granted_by = forms.CharField(label="Waiver granted by", required=False, max_length=200)
    waiver_granted_on = forms.DateField(label="Waiver granted on", required=False, widget=DATE)
    waiver_justification = forms.CharField(
        label="Waiver justification", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    waiver_recertify_by = forms.DateField(
        label="Re-certify the waiver by", required=False, widget=DATE, help_text="M-25-21: at least once a year."
    )
    file = forms.FileField(
        label="Document", required=False, help_text="PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX, checked on upload."
    )

    WAIVER_FIELDS = ("waiver_granted_by", "waiver_granted_on", "waiver_justification", "waiver_recertify_by")

    def __init__(self, *args, subjects: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects
        if len(subjects) == 1:
            self.fields["subject"].widget = forms.HiddenInput()
            self.fields["subject"].initial = subjects[0][0]

    def clean(self) -> dict:
        data = super().clean()
        given = [name for name in self.WAIVER_FIELDS if data.get(name)]
        if data.get("status") == EvidenceStatus.WAIVED or given:
            if data.get("status") != EvidenceStatus.WAIVED:
                self.add_error("status", WAIVER_NEEDS_STATUS)
            for name in self.WAIVER_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, WAIVER_INCOMPLETE)
        return data


class UseCaseImportForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(label="Inventory CSV", help_text="OMB's 2025 columns, UTF-8 (a BOM is fine).")


class ReportRequestForm(UswdsFormMixin, forms.Form):
    agency = forms.ChoiceField(label="Agency")
    framework = forms.ChoiceField(label="Framework")
    attested_by = forms.CharField(label="Attested by", required=False, max_length=200, help_text="Your name if empty.")
    attested_role = forms.CharField(label="Attester's role", required=False, max_length=200)

    def __init__(self, *args, agencies: list[tuple[str, str]], frameworks: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies
        self.fields["framework"].choices = [(slug, slug.upper() if slug != "all" else "All") for slug in frameworks]


class AlertPreferencesForm(UswdsFormMixin, forms.Form):
    """One checkbox per alert kind."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.kind] = forms.BooleanField(label=row.label, required=False, initial=row.enabled)

    @staticmethod
    def kinds() -> list[str]:
        return list(AlertKind.values)


class UseCaseForm(UswdsFormMixin, forms.ModelForm):
    """One use case with OMB's fields and answer sets (the model's choices); GSA officers choose the agency.

    No answer is preselected: a practice answer asserts compliance, so each select starts empty.
    """

    class Meta:
        model = UseCase
        # Every field OMB's inventory has, then the links into the registry (the timestamps are not editable).
        fields = [field.name for field in UseCase._meta.concrete_fields if field.editable and not field.primary_key]
        widgets = {
            "operational_date": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("hi_justification", "problem_solved", "benefits", "system_outputs", "data_description")
            },
            "potential_impacts": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_list(user=user)
        self.fields["deployment"].queryset = deployment_list(user=user)
        if user.is_agency_officer:
            self.fields["agency"].initial = user.agency_id


class ManifestImportForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Offline manifest (JSON)",
        help_text="A file written by `manage.py export_manifest` on a machine that can reach the Hugging Face Hub.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
