"""Forms of the compliance pages: evidence (with its waiver and a document), inventory import, reports, alerts."""

from __future__ import annotations

from django import forms

from agencies.selectors import agency_list, deployment_list
from compliance.models import AlertKind, EvidenceStatus, UseCase
from compliance.models.requirements import RECORDABLE_STATUSES
from compliance.validators import csv_upload_size_check
from core.portal import UswdsFormMixin

WAIVER_INCOMPLETE = "A waiver needs the date the CAIO granted it, the justification and the re-certification date."
WAIVER_NEEDS_STATUS = "Choose the status Waived to record a waiver."
CONFIRM_ASSERTION = "Confirm that the notes and documents support this status: it is shown on attestations."
# Statuses that assert something about compliance: recording one needs an explicit confirmation.
ASSERTING_STATUSES = (
    EvidenceStatus.MET,
    EvidenceStatus.PARTIALLY_MET,
    EvidenceStatus.NOT_APPLICABLE,
    EvidenceStatus.WAIVED,
)
DATE = forms.DateInput(attrs={"type": "date"})


class EvidenceForm(UswdsFormMixin, forms.Form):
    """Status and notes of one requirement for one subject; a waiver when the status is Waived; one document."""

    subject = forms.ChoiceField(label="Applies to", help_text="The use case or onboarding this evidence is for.")
    # Nothing preselected: recording a status that asserts compliance is a choice the officer makes.
    status = forms.ChoiceField(choices=[("", "Choose a status…"), *RECORDABLE_STATUSES])
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    waiver_granted_by = forms.CharField(
        label="Waiver granted by",
        required=False,
        max_length=200,
        help_text="Recorded as the Chief AI Officer in office on that day; M-25-21 does not let the CAIO delegate it.",
    )
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
    confirm = forms.BooleanField(
        label="I confirm that the notes and documents support this status",
        required=False,
        help_text="Met, partially met, not applicable and waived are shown on attestations as the agency's answer.",
    )

    WAIVER_FIELDS = ("waiver_granted_on", "waiver_justification", "waiver_recertify_by")

    def __init__(self, *args, subjects: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects
        if len(subjects) == 1:
            self.fields["subject"].widget = forms.HiddenInput()
            self.fields["subject"].initial = subjects[0][0]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") in ASSERTING_STATUSES and not data.get("confirm"):
            self.add_error("confirm", CONFIRM_ASSERTION)
        given = [name for name in self.WAIVER_FIELDS if data.get(name)]
        if data.get("status") == EvidenceStatus.WAIVED or given:
            if data.get("status") != EvidenceStatus.WAIVED:
                self.add_error("status", WAIVER_NEEDS_STATUS)
            for name in self.WAIVER_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, WAIVER_INCOMPLETE)
        return data


class UseCaseImportForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Inventory CSV",
        help_text="OMB's 2025 columns, UTF-8 (a BOM is fine).",
        validators=[csv_upload_size_check],
    )


class ReportRequestForm(UswdsFormMixin, forms.Form):
    agency = forms.ChoiceField(label="Agency")
    framework = forms.ChoiceField(label="Framework")

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


class ScanExceptionForm(UswdsFormMixin, forms.Form):
    """GSA's exception to the scanning policy for a model version at its pinned commit; confirmed, never preselected."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why these files may be deployed although the scanning policy refuses them.",
    )
    confirm = forms.BooleanField(
        label="I reviewed the refused files listed above and accept them for this model version at this commit.",
        required=True,
    )


class UseCaseForm(UswdsFormMixin, forms.ModelForm):
    """One use case with OMB's fields and answer sets (the model's choices); GSA officers choose the agency.

    No answer is preselected: a practice answer asserts compliance, so each select starts empty.
    """

    class Meta:
        model = UseCase
        # Every field OMB's inventory has, then the links into the registry (the timestamps are not editable).
        # The import's bookkeeping (its matching key, warnings, cells as OMB wrote them) is not a form field.
        fields = [
            field.name
            for field in UseCase._meta.concrete_fields
            if field.editable
            and not field.primary_key
            and not field.name.startswith("import_")
            and not field.name.endswith("_as_written")
        ]
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
