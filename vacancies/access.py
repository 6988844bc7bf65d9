"""Who may see and who may manage an opportunity, on top of companies.access.

Members of the posting organisation (owners and editors alike) manage it; everybody else gets
404 for its private pages and its drafts, so that a code does not even confirm that a draft
exists. Regisseurs and administrators are not members: they work on opportunities in the admin.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from companies import access

from .models import Status, Vacancy


def for_detail(model):
    """The rows a detail page shows, with what it shows of them, in a fixed number of queries."""
    queryset = model.objects.select_related("organisation", "postcode", "municipality", "province")
    if model is Vacancy:
        return queryset.select_related("sector").prefetch_related("supports")
    return queryset.select_related("category")


def opportunity_to_manage(request, model, code):
    """The opportunity with this code, when the user is a member of the organisation that
    posted it; Http404 otherwise (also for a code of another organisation's opportunity)."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        for_detail(model).filter(organisation__memberships__user=request.user), code=code
    )


def opportunity_to_view(request, model, code):
    """The opportunity with this code and whether the user is a member of its poster.

    Published, expired and closed ones are public; a draft, or one waiting for the regie's
    check, only for the poster's members (regisseurs check it in the admin).
    """
    opportunity = get_object_or_404(for_detail(model), code=code)
    member = access.is_member(request.user, opportunity.organisation_id)
    if opportunity.status in {Status.DRAFT, Status.AWAITING} and not member:
        raise Http404
    return opportunity, member
