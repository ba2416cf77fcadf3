"""Public attestation check: anyone (no sign-in) can ask whether a PDF is a report the registry issued."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from compliance.reports import AttestationCheck, attestation_verify
from core.portal import UswdsFormMixin

# The check is anonymous: nothing larger than this is read (no report the registry issues comes close).
MAX_PDF_BYTES = 10 * 1024 * 1024
FORM_OVERHEAD_BYTES = 64 * 1024
GIVE_ONE = "Upload the PDF or give its SHA-256."
TOO_LARGE = "The file is larger than 10 MB: no report we issue is that large."


def _declared_too_large(request: HttpRequest) -> bool:
    """Whether the declared body is too large to read (checked before anything parses it)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_PDF_BYTES + FORM_OVERHEAD_BYTES
    except ValueError:
        return True


BAD_DIGEST = "A SHA-256 is 64 hexadecimal characters."


class AttestationVerifyForm(UswdsFormMixin, forms.Form):
    pdf = forms.FileField(required=False, label="Report PDF")
    sha256 = forms.CharField(required=False, max_length=64, label="or its SHA-256")

    def clean_sha256(self) -> str:
        value = self.cleaned_data["sha256"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(BAD_DIGEST)
        return value

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("pdf")
        if not upload and not data.get("sha256"):
            raise forms.ValidationError(GIVE_ONE)
        if upload and upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return data

    def check(self) -> AttestationCheck:
        upload = self.cleaned_data.get("pdf")
        if upload:
            return attestation_verify(content=b"".join(upload.chunks()))
        return attestation_verify(sha256=self.cleaned_data["sha256"])


class AttestationVerifyView(View):
    """GET shows the form (or checks ?sha256=); POST checks an uploaded PDF or a typed sha256."""

    template_name = "compliance/attestation_verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if "sha256" in request.GET:
            return self._answer(request, AttestationVerifyForm(request.GET))
        return render(request, self.template_name, {"form": AttestationVerifyForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if _declared_too_large(request):
            form = AttestationVerifyForm()
            form.add_error(None, TOO_LARGE)
            return render(request, self.template_name, {"form": form, "result": None}, status=413)
        return self._answer(request, AttestationVerifyForm(request.POST, request.FILES))

    def _answer(self, request: HttpRequest, form: AttestationVerifyForm) -> HttpResponse:
        result = form.check() if form.is_valid() else None
        status = 400 if result is None else 200
        return render(request, self.template_name, {"form": form, "result": result}, status=status)


@method_decorator(csrf_exempt, name="dispatch")  # Read-only and public: no session state to protect.
class AttestationVerifyJsonView(View):
    """The same check as JSON: GET ?sha256=..., or POST a multipart `pdf` file or a `sha256` field."""

    def get(self, request: HttpRequest) -> JsonResponse:
        return self._answer(AttestationVerifyForm(request.GET))

    def post(self, request: HttpRequest) -> JsonResponse:
        if _declared_too_large(request):
            return JsonResponse({"errors": {"pdf": [TOO_LARGE]}}, status=413)
        return self._answer(AttestationVerifyForm(request.POST, request.FILES))

    def _answer(self, form: AttestationVerifyForm) -> JsonResponse:
        if not form.is_valid():
            errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return JsonResponse(form.check().as_dict())
