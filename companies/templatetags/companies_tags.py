"""Template tags through which pages outside the companies app show organisations.

The portal's dashboard loads these, so that `portal` needs no import from this app.
"""

from django import template

from .. import access, membership
from ..forms import ContactForm
from ..models import JoinRequest, Membership, MembershipRole, RequestStatus

register = template.Library()


@register.inclusion_tag("companies/_dashboard.html", takes_context=True)
def my_organisations(context):
    """The user's organisations with their role, the one they act for, and what awaits them."""
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
    }


@register.simple_tag
def contact_form_for(form=None):
    """The contact form to show: the one the view validated, or an empty one."""
    return form if isinstance(form, ContactForm) else ContactForm()


@register.simple_tag(takes_context=True)
def member_of(context, organisation):
    """Whether the request's user is a member; the profile view already knows (`is_member`)."""
    if "is_member" in context:
        return bool(context["is_member"])
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()
