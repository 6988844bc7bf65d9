"""Who may keep and see purchasing plans: the members of the buying organisation, nobody else.

A saved plan holds a buyer's intentions and amounts before any tender is out: it is shown to
the members of its organisation only. Anyone else, staff included, gets 404 (we do not confirm
that a code exists); the administrators reach the reference data, not the plans, in the admin.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from companies import access
from companies.models import OrganisationKind

from .models import PurchasingPlan

# The organisations whose members keep plans: those that buy through public procurement or
# like it (the issue: public bodies, schools and non-profits).
BUYER_KINDS = (OrganisationKind.PUBLIC, OrganisationKind.SCHOOL, OrganisationKind.NONPROFIT)


def buyer_membership(request):
    """The acting membership when its organisation is a public body, school or non-profit;
    else None (the helper then gives its advice without saving)."""
    membership = access.acting_membership(request)
    if membership is not None and membership.organisation.kind in BUYER_KINDS:
        return membership
    return None


def plans_of(user):
    """The plans of every organisation the user is a member of (plans are only made for
    buyers: a membership is what counts when they are shown)."""
    if not (user.is_authenticated and user.is_active):
        return PurchasingPlan.objects.none()
    return PurchasingPlan.objects.filter(organisation__memberships__user=user)


def plan_for(request, code):
    """The plan with this code, when the user is a member of its organisation; else 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(plans_of(request.user).select_related("organisation"), code=code)
