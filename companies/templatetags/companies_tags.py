"""Template tags through which pages outside the companies app show organisations.

The portal's dashboard loads these, so that `portal` needs no import from this app.
"""

from django import template

from .. import access, collaborations, contact, membership
from ..forms import ContactForm, DisputeForm, EndForm
from ..models import JoinRequest, Membership, MembershipRole, RequestStatus

register = template.Library()


@register.inclusion_tag("companies/_dashboard.html", takes_context=True)
def my_organisations(context, without_call_to_action=False):
    """The user's organisations with their role, the one they act for, and what awaits them.

    `without_call_to_action`: a regisseur's dashboard shows their work queue; the invitation to
    add or join an organisation is left out when they belong to none."""
    request = context["request"]
    user = request.user
    memberships = list(access.memberships_of(user))
    acting = access.acting_membership(request) if memberships else None
    owned = [m.organisation_id for m in memberships if m.role == MembershipRole.OWNER]
    join_requests = (
        JoinRequest.objects.filter(organisation__in=owned, status=RequestStatus.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at")
        if owned
        else []
    )
    addresses = membership.verified_addresses(user)
    invitations = (
        membership.open_invitations_for(addresses).select_related("organisation")
        if addresses
        else []
    )
    return {
        "request": request,
        "user": user,
        "memberships": memberships,
        "acting": acting,
        "join_requests": join_requests,
        "my_join_requests": user.join_requests.filter(status=RequestStatus.PENDING)
        .select_related("organisation")
        .order_by("-created_at"),
        "invitations": invitations,
        "without_call_to_action": bool(without_call_to_action),
    }


@register.simple_tag
def contact_form_for(form=None):
    """The contact form to show: the one the view validated, or an empty one."""
    return form if isinstance(form, ContactForm) else ContactForm()


@register.simple_tag
def contact_route(organisation):
    """Where the contact form sends a message (companies.contact.route), to say so first."""
    return contact.route(organisation)


@register.simple_tag(takes_context=True)
def member_of(context, organisation):
    """Whether the request's user is a member; the profile view already knows (`is_member`)."""
    if "is_member" in context:
        return bool(context["is_member"])
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


# --- Collaborations --------------------------------------------------------------------------

# The dashboard lists this many declarations to answer; the rest wait on each organisation's page.
COLLABORATIONS_TO_CONFIRM = 10


@register.inclusion_tag("companies/_collaborations_to_confirm.html", takes_context=True)
def collaborations_to_confirm(context):
    """Collaborations other organisations declared with any of the user's organisations, not
    yet confirmed or disputed: one query."""
    request = context["request"]
    if not request.user.is_authenticated:
        return {"waiting": []}
    mine = Membership.objects.filter(user=request.user).values("organisation")
    rows = list(
        collaborations.awaiting_confirmation_by(mine).order_by("-created_at", "-pk")[
            : COLLABORATIONS_TO_CONFIRM + 1
        ]
    )
    waiting = [
        # The side still to confirm is the user's.
        (row, row.regular if row.confirmed_by_regular_at is None else row.social)
        for row in rows[:COLLABORATIONS_TO_CONFIRM]
    ]
    return {"request": request, "waiting": waiting, "more": len(rows) > COLLABORATIONS_TO_CONFIRM}


@register.simple_tag
def partner_of(collaboration, organisation):
    """The other side of a collaboration, seen from `organisation`."""
    return collaborations.partner_of(collaboration, organisation)


@register.simple_tag
def partner_role(collaboration, organisation):
    """What the other side is to `organisation`: client, supplier or partner."""
    return collaborations.partner_role(collaboration, organisation)


@register.simple_tag
def collaboration_form(kind, collaboration, bound_pk=None, bound_form=None):
    """The dispute or end form of one collaboration: the one that came back with errors, or
    an empty one with fields named for the row."""
    if bound_form is not None and bound_pk == collaboration.pk:
        return bound_form
    return (DisputeForm if kind == "dispute" else EndForm)(auto_id=f"%s-{collaboration.pk}")
