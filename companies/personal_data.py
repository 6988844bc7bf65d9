"""What companies keeps about a person, for the export and the deletion of their account
(portal/personal_data.py finds this module and explains the three functions).

Deleting an account: memberships and the person's own join requests go with it; organisations
keep their profile, collaborations and verifications, with the person's name taken off
(declared_by, verified_by, decided_by, invited_by and accepted_by become empty). Invitations sent
to an address the person verified are removed: the address is the person's. An address they
added but never verified may be anyone's: what was sent to it stays, and is not exported.

The last owner of an organisation that has other members must hand it over first (make another
member owner, or remove the others): an organisation with members always keeps an owner. An
organisation whose only member leaves keeps its history without members; an administrator or a
regisseur can give it a new owner in the admin, and its people can ask to join it again.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.personal_data import Problem, any_address

from .models import Claim, Collaboration, Invitation, JoinRequest, Membership, MembershipRole


def _when(value):
    return value.isoformat() if value else None


def _invitations_to(user, addresses):
    """Q for the invitations the user received: accepted by them, or sent to one of their
    verified addresses and not accepted by someone else."""
    return Q(accepted_by=user) | (any_address("email", addresses) & Q(accepted_by__isnull=True))


def export(user, addresses):
    return {
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "enterprise_number": membership.organisation.enterprise_number,
                "role": membership.role,
                "since": _when(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "join_requests": [
            {
                "organisation": join_request.organisation.name,
                "message": join_request.message,
                "status": join_request.status,
                "asked_at": _when(join_request.created_at),
                "decided_at": _when(join_request.decided_at),
            }
            for join_request in JoinRequest.objects.filter(user=user)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "claims": [
            {
                "organisation": claim.organisation.name,
                "address": claim.email,
                "role": claim.role,
                "phone": claim.phone,
                "status": claim.status,
                "reason": claim.reason,
                "claimed_at": _when(claim.created_at),
                "decided_at": _when(claim.decided_at),
            }
            for claim in Claim.objects.filter(claimant=user)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "invitations_sent": [
            {
                "organisation": invitation.organisation.name,
                "to": invitation.email,
                "role": invitation.role,
                "sent_at": _when(invitation.created_at),
                "accepted_at": _when(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "invitations_received": [
            {
                "organisation": invitation.organisation.name,
                "to": invitation.email,
                "role": invitation.role,
                "sent_at": _when(invitation.created_at),
                "accepted_at": _when(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(_invitations_to(user, addresses))
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "collaborations_declared": [
            {
                "regular_organisation": collaboration.regular.name,
                "social_enterprise": collaboration.social.name,
                "role": collaboration.role,
                "service_category": collaboration.category.name if collaboration.category else "",
                "started": _when(collaboration.started),
                "ended": _when(collaboration.ended),
                "channel": collaboration.channel,
                "declared_at": _when(collaboration.created_at),
            }
            for collaboration in Collaboration.objects.filter(declared_by=user)
            .select_related("regular", "social", "category")
            .order_by("created_at", "pk")
        ],
    }


def _handed_over_first(user, *, lock=False):
    """The organisations `user` is the last owner of while others are members."""
    owned = Membership.objects.filter(user=user, role=MembershipRole.OWNER)
    if lock:
        # The owners' rows of these organisations, locked as companies.membership locks them
        # when roles change: two last-but-one owners leaving at once must queue.
        list(
            Membership.objects.select_for_update()
            .filter(organisation__in=owned.values("organisation"), role=MembershipRole.OWNER)
            .values_list("pk", flat=True)
        )
    return [
        membership.organisation
        for membership in owned.select_related("organisation").annotate(
            owners=Count(
                "organisation__memberships",
                filter=Q(organisation__memberships__role=MembershipRole.OWNER),
                distinct=True,
            ),
            members=Count("organisation__memberships", distinct=True),
        )
        if membership.owners == 1 and membership.members > 1
    ]


def erasure_problems(user, *, lock=False):
    return [
        Problem(
            _(
                "You are the last owner of %(organisation)s, which has other members. Make "
                "one of them owner first (or remove them), then delete your account."
            )
            % {"organisation": organisation.name},
            links=[
                (
                    _("Members of %(organisation)s") % {"organisation": organisation.name},
                    reverse("companies:members", kwargs={"slug": organisation.slug}),
                )
            ],
        )
        for organisation in _handed_over_first(user, lock=lock)
    ]


def erase(user, addresses):
    # Asked again with the owners' rows locked: another owner may have left meanwhile.
    problems = erasure_problems(user, lock=True)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="last_owner")
    # Invitations to an address the person verified (an invitation accepted by someone else
    # is that person's record of joining).
    Invitation.objects.filter(
        any_address("email", addresses), Q(accepted_by__isnull=True) | Q(accepted_by=user)
    ).delete()
