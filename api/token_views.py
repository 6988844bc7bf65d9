"""The pages that issue and revoke API tokens: a person's own, and an organisation's.

Issuing asks for a recent authentication, as allauth's pages do before changing the email
address, the password or the second factor (ACCOUNT_REAUTHENTICATION_METHODS): a session left
open on someone else's screen must not hand out a key. allauth keeps the POST while the person
confirms and takes it up afterwards, so the key is issued and shown on that answer. Revoking
needs no such step: it can only take access away.

The key is shown once, on the answer to the POST that issued it (never stored, never in a
redirect or a message), with Cache-Control: no-store.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.access import membership_for

from . import tokens
from .forms import TokenForm
from .models import ApiToken


def _page(request, *, organisation=None, membership=None):
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = _issue(request, name=form.cleaned_data["name"], organisation=organisation)
        form = TokenForm()
    listed = (
        tokens.organisation_tokens(organisation)
        if organisation is not None
        else tokens.personal_tokens(request.user)
    )
    context = {
        "form": form,
        "tokens": listed,
        "organisation": organisation,
        "member": membership,
        "new_key": new_key,
    }
    response = render(request, "api/tokens.html", context)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@reauthentication_required
def _issue(request, *, name, organisation):
    return tokens.issue(by=request.user, name=name, organisation=organisation)


@login_required
def personal_tokens(request):
    return _page(request)


@login_required
def organisation_tokens(request, slug):
    membership = membership_for(request, slug, owner=True)
    return _page(request, organisation=membership.organisation, membership=membership)


def _revoke(request, token, back):
    tokens.revoke(token, by=request.user)
    messages.success(
        request,
        _("The token %(name)s is revoked: it no longer works.") % {"name": token.name},
    )
    return back


@login_required
@require_POST
def personal_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, organisation__isnull=True)
    return _revoke(request, token, redirect("open_data:tokens"))


@login_required
@require_POST
def organisation_token_revoke(request, slug, pk):
    membership = membership_for(request, slug, owner=True)
    token = get_object_or_404(ApiToken, pk=pk, organisation=membership.organisation)
    return _revoke(
        request, token, redirect("open_data:organisation_tokens", slug=membership.organisation.slug)
    )
