"""What every portal page shares: who may open it, and USWDS classes on form widgets.

The rules mirror the API: anyone signed in reads (agency officers only their own agency's
records, which the selectors scope), auditors change nothing (403) and catalog management
is for GSA officers alone (403 for everyone else).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator

PAGE_SIZE = 25
CHANGE_REFUSED = "Your role may read the registry but not change it."
GSA_ONLY_REFUSED = "Only GSA officers may do this."

WIDGET_CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.FileInput: "usa-file-input",
}


class SignedInMixin(AccessMixin):
    """Every portal page except the public catalog: anonymous visitors are sent to sign in."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class OfficerRequiredMixin(SignedInMixin):
    """Pages that change something: GSA and agency officers only; auditors are refused (403)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_gsa_officer or user.is_agency_officer):
            raise PermissionDenied(CHANGE_REFUSED)
        return super().dispatch(request, *args, **kwargs)


class GsaOfficerRequiredMixin(SignedInMixin):
    """Catalog management and other GSA-only pages (403 for every other role)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_gsa_officer:
            raise PermissionDenied(GSA_ONLY_REFUSED)
        return super().dispatch(request, *args, **kwargs)


class UswdsFormMixin:
    """Give each widget the USWDS class it needs and mark invalid fields for the error styles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)), "usa-input")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self):
        super().full_clean()
        self.mark_errors()

    def mark_errors(self) -> None:
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if "usa-input--error" not in widget.attrs["class"]:
                widget.attrs["class"] += " usa-input--error"
            widget.attrs["aria-invalid"] = "true"
            error_id = f"{self[name].auto_id}-error"
            described = widget.attrs.get("aria-describedby", "")
            if error_id not in described:
                widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()


class FilterForm(UswdsFormMixin, forms.Form):
    """The form class of every FilterSet, so that filters look like the rest of the portal."""


def form_add_service_error(form: forms.BaseForm, error: Exception) -> None:
    """Show a refusal from a service next to its field when it names one, or above the form."""
    if isinstance(error, ValidationError):  # raised by a model's full_clean() inside the service
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    else:
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, getattr(error, "message", str(error)))
    if isinstance(form, UswdsFormMixin):
        form.mark_errors()


def paginate(request, queryset, *, per_page: int = PAGE_SIZE):
    """The requested page of a queryset; out-of-range page numbers show the last page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def portal_filterset(filterset_class, data, queryset):
    """A shared FilterSet with only the filters the portal shows (its `portal_fields`) on its form."""
    filterset = filterset_class(data or None, queryset=queryset)
    shown = getattr(filterset_class, "portal_fields", None)
    if shown is not None:
        for name in [n for n in filterset.form.fields if n not in shown]:
            del filterset.form.fields[name]
    return filterset
