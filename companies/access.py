"""Who may do what with an organisation: the one place where ownership is checked.

A stranger who asks for an organisation's private pages gets 404 (we do not confirm what is
not theirs); a member without the right role gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.models import Municipality

from .models import Membership, MembershipRole

ACTING_SESSION_KEY = "acting_organisation"


def membership_for(request, slug, *, owner=False):
    """The request user's membership of the organisation with this slug.

    Raises Http404 for anyone who is not a member and PermissionDenied for an editor where an
    owner is required.
    """
    if not request.user.is_authenticated:
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"),
        organisation__slug=slug,
        user=request.user,
    )
    if owner and membership.role != MembershipRole.OWNER:
        raise PermissionDenied
    return membership


def memberships_of(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def is_member(user, organisation):
    """Whether the user (an active account) is a member, in any role, of the organisation (an
    instance or its id)."""
    if not (user.is_authenticated and user.is_active):
        return False
    organisation_id = getattr(organisation, "pk", organisation)
    return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


def acting_membership(request):
    """The membership the user acts for: the one chosen in this session, else the first.

    Kept on the request: a page asks for it in several places (the dashboard's sections).
    """
    if not hasattr(request, "_acting_membership"):
        memberships = list(memberships_of(request.user))
        chosen = request.session.get(ACTING_SESSION_KEY)
        request._acting_membership = next(
            (m for m in memberships if m.organisation_id == chosen),
            memberships[0] if memberships else None,
        )
    return request._acting_membership


def act_for(request, membership):
    request.session[ACTING_SESSION_KEY] = membership.organisation_id
    request._acting_membership = membership


def coordinated_municipalities(user):
    """The ids of the municipalities in the regions the user coordinates, read once per request
    (kept on the user object): a page of the admin filters on the list itself, which the planner
    estimates from the statistics of each municipality, rather than on a subquery it cannot
    estimate (issue 20: the regisseur's lists read 100 rows from their order's index)."""
    if not hasattr(user, "_coordinated_municipalities"):
        user._coordinated_municipalities = sorted(
            set(Municipality.objects.filter(regions__regisseurs=user).values_list("pk", flat=True))
        )
    return user._coordinated_municipalities


def in_regions_of(queryset, user):
    """Narrow organisations to those located in the regions the user coordinates."""
    return queryset.filter(municipality__in=coordinated_municipalities(user))


def can_verify(user, organisation):
    """Administrators verify anywhere; a regisseur verifies in the regions they coordinate."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return organisation.municipality.regions.filter(regisseurs=user).exists()
