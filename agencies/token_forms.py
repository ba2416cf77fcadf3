"""The portal form for creating an API token."""

from django import forms

from agencies.models import ApiToken
from agencies.tokens import MAX_EXPIRY_DAYS
from core.portal import UswdsFormMixin


class ApiTokenForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(max_length=100, help_text="Which system will use this token.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_days = forms.IntegerField(min_value=1, max_value=MAX_EXPIRY_DAYS, initial=90, label="Expires after (days)")
