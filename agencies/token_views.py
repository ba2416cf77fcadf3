"""Portal pages for a user's API tokens: list, create (the key shown once) and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import ApiToken
from agencies.token_forms import ApiTokenForm
from agencies.tokens import api_token_create, api_token_list, api_token_revoke
from core.errors import ServiceError

TOKEN_REVOKED = "The token {name} is revoked; systems using it are refused from now on."


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_token_create(actor=request.user, user=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            # The key is rendered once, in this response, and never stored or shown again.
            return render(request, "accounts/token_created.html", {"token": token, "key": key})
    return render(request, "accounts/token_list.html", {"form": form, "tokens": api_token_list(user=request.user)})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, TOKEN_REVOKED.format(name=token.name))
    return redirect("tokens:list")
