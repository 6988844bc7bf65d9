"""Who belongs to an organisation: creating one, joining, invitations, roles, leaving.

Every organisation keeps at least one owner: the rules below refuse any change that would leave
it without one. A rule that refuses raises ValidationError with a message for the user.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import audit, emails
from portal.accounts import verified_addresses
from portal.models import AuditEntry, User

from . import claims, outreach
from .models import (
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
    RequestStatus,
)
from .profiles import write_profile

INVITATION_VALID_FOR = timedelta(days=14)


def is_owner(organisation, user):
    return Membership.objects.filter(
        organisation=organisation, user=user, role=MembershipRole.OWNER
    ).exists()


def require_owner(organisation, user):
    if not is_owner(organisation, user):
        raise PermissionDenied("Only owners manage an organisation's members.")


def owners_of(organisation):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=MembershipRole.OWNER,
        is_active=True,
    )


def members_of(organisation):
    """The organisation's active members, each once (whom its emails go to)."""
    return User.objects.filter(memberships__organisation=organisation, is_active=True).distinct()


# --- Creating ----------------------------------------------------------------------------------


@transaction.atomic
def create_organisation(*, by, data):
    """Create an organisation from form-cleaned `data`; its creator becomes its owner."""
    organisation = write_profile(Organisation(created_by=by), data)
    Membership.objects.create(user=by, organisation=organisation, role=MembershipRole.OWNER)
    return organisation


# --- Join requests -----------------------------------------------------------------------------

JOIN_RESULTS = 20


def organisations_to_join(query):
    """Organisations found by a part of their name or by their enterprise number in any spelling."""
    return Organisation.objects.named(query).select_related("municipality")[:JOIN_RESULTS]


def with_status_for(organisations, user):
    """The organisations, each marked with whether the user is a member or has asked to join."""
    organisations = list(organisations)
    ids = [organisation.pk for organisation in organisations]
    member_of = set(
        Membership.objects.filter(user=user, organisation__in=ids).values_list(
            "organisation_id", flat=True
        )
    )
    asked = set(
        JoinRequest.objects.filter(
            user=user, organisation__in=ids, status=RequestStatus.PENDING
        ).values_list("organisation_id", flat=True)
    )
    for organisation in organisations:
        organisation.is_member = organisation.pk in member_of
        organisation.has_asked = organisation.pk in asked
    return organisations


def _too_many_join_requests(*, period, limit, again_at):
    if period == "hour":
        text = ngettext(
            "You have asked to join %(count)d organisation in the last hour, the most we allow. "
            "You can ask again from %(time)s.",
            "You have asked to join %(count)d organisations in the last hour, the most we allow. "
            "You can ask again from %(time)s.",
            limit,
        )
    else:
        text = ngettext(
            "You have asked to join %(count)d organisation in the last 24 hours, the most we "
            "allow. You can ask again from %(time)s.",
            "You have asked to join %(count)d organisations in the last 24 hours, the most we "
            "allow. You can ask again from %(time)s.",
            limit,
        )
    return ValidationError(
        text,
        code="too_many_join_requests",
        params={"count": limit, "time": outreach.moment(again_at)},
    )


def _link_in_join_request(link):
    return ValidationError(
        _(
            "Your request contains the web address %(link)s (in your message or your name). "
            "Until you are a member of a verified organisation, requests to join may not carry "
            "web addresses: please remove it."
        ),
        code="link",
        params={"link": link},
    )


def request_to_join(organisation, *, user, message=""):
    """Ask the owners to let the user in: one email to each owner, with the user's message.
    An organisation without owners has nobody to ask: the request goes to the regisseurs of
    its region at once (companies/claims.py), as one the owners leave unanswered does later.

    Refused: a member; a request still open; a request to the same organisation in the last 24
    hours; web addresses from someone nobody vouches for (companies/outreach.py); more than
    JOIN_REQUESTS_PER_HOUR or JOIN_REQUESTS_PER_DAY requests.
    """
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(
            _("You are already a member of %(organisation)s."),
            code="already_member",
            params={"organisation": organisation.name},
        )
    already_asked = ValidationError(
        _("You already asked to join %(organisation)s; its owners will decide."),
        code="already_asked",
        params={"organisation": organisation.name},
    )
    earlier = JoinRequest.objects.filter(organisation=organisation, user=user)
    if earlier.filter(status=RequestStatus.PENDING).exists():
        raise already_asked
    last = earlier.filter(created_at__gt=timezone.now() - outreach.DAY).order_by("-created_at")
    last = last.values_list("created_at", flat=True).first()
    if last:
        # The owners answered (or the user left) within the day: they are not asked again yet.
        raise ValidationError(
            _(
                "You asked to join %(organisation)s less than a day ago. You can ask again "
                "from %(time)s."
            ),
            code="asked_recently",
            params={
                "organisation": organisation.name,
                "time": outreach.moment(last + outreach.DAY),
            },
        )
    if not outreach.vouched_for(user):
        outreach.refuse_links(message, user.get_full_name(), refusal=_link_in_join_request)
    try:
        with transaction.atomic():
            outreach.check_allowance(
                user,
                JoinRequest.objects.filter(user=user),
                per_hour=settings.JOIN_REQUESTS_PER_HOUR,
                per_day=settings.JOIN_REQUESTS_PER_DAY,
                refusal=_too_many_join_requests,
            )
            join_request = JoinRequest.objects.create(
                organisation=organisation, user=user, message=message
            )
            owners = list(owners_of(organisation))
            for owner in owners:
                emails.send_to_user(
                    owner,
                    template="join_request",
                    kind="join_request",
                    key=f"join_request:{join_request.pk}:owner:{owner.pk}",
                    summary=user.get_full_name(),
                    context={"join_request": join_request, "organisation": organisation},
                )
            if not owners:
                claims.escalate(join_request)
    except IntegrityError:
        # Two clicks at once: the one-pending-request constraint let only one through.
        raise already_asked from None
    return join_request


def pending_join_requests(organisation):
    return (
        organisation.join_requests.filter(status=RequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def _decide(join_request, *, by, status):
    with transaction.atomic():
        # Locked, so that two owners deciding at once decide once.
        join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        require_owner(join_request.organisation, by)
        if join_request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request was already answered."), code="already_decided")
        join_request.status = status
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(by, f"join_request.{status}", join_request, user=join_request.user)
        if status == RequestStatus.ACCEPTED:
            Membership.objects.get_or_create(
                user=join_request.user,
                organisation=join_request.organisation,
                defaults={"role": MembershipRole.EDITOR},
            )
        emails.send_to_user(
            join_request.user,
            template="join_decision",
            kind="join_decision",
            key=f"join_request:{join_request.pk}:decided",
            summary=join_request.organisation.name,
            context={"join_request": join_request, "organisation": join_request.organisation},
        )
    return join_request


def accept_join_request(join_request, *, by):
    return _decide(join_request, by=by, status=RequestStatus.ACCEPTED)


def decline_join_request(join_request, *, by):
    return _decide(join_request, by=by, status=RequestStatus.DECLINED)


# --- Invitations -------------------------------------------------------------------------------


def invitation_expires_at(invitation):
    return invitation.created_at + INVITATION_VALID_FOR


def is_expired(invitation):
    return timezone.now() >= invitation_expires_at(invitation)


def open_invitations(organisation):
    return organisation.invitations.filter(
        accepted_at__isnull=True, created_at__gt=timezone.now() - INVITATION_VALID_FOR
    )


def open_invitations_for(addresses):
    """Open invitations sent to any of these email addresses, whatever their spelling."""
    condition = Q()
    for address in addresses:
        condition |= Q(email__iexact=address)
    return Invitation.objects.filter(
        condition, accepted_at__isnull=True, created_at__gt=timezone.now() - INVITATION_VALID_FOR
    )


def invitations_sent():
    """One audit entry per invitation email: who invited which address, and when.

    Counted rather than the invitations themselves: an invitation row is renewed in place and
    deleted when cancelled, so it does not show how many emails went out.
    """
    return AuditEntry.objects.filter(action="invitation.sent")


def _too_many_invitations(*, period, limit, again_at):
    if period == "hour":
        text = ngettext(
            "You have sent %(count)d invitation in the last hour, the most we allow. You can "
            "invite again from %(time)s.",
            "You have sent %(count)d invitations in the last hour, the most we allow. You can "
            "invite again from %(time)s.",
            limit,
        )
    else:
        text = ngettext(
            "You have sent %(count)d invitation in the last 24 hours, the most we allow. You "
            "can invite again from %(time)s.",
            "You have sent %(count)d invitations in the last 24 hours, the most we allow. You "
            "can invite again from %(time)s.",
            limit,
        )
    return ValidationError(
        text,
        code="too_many_invitations",
        params={"count": limit, "time": outreach.moment(again_at)},
    )


def _link_in_invitation(organisation):
    def refusal(link):
        return ValidationError(
            _(
                "An invitation would carry the web address %(link)s (in the name of "
                "%(organisation)s or in yours). Until a regisseur has verified the organisation, "
                "its invitations may not carry web addresses."
            ),
            code="link",
            params={"link": link, "organisation": organisation.name},
        )

    return refusal


@transaction.atomic
def invite(organisation, *, email, role, by):
    """Invite someone by email; returns the invitation and whether an email went out.

    Inviting the same address again renews the invitation with a new link, except within a day
    of the last invitation email to that address: then this organisation's open invitation keeps
    its link (its role changes) and no email is sent, and any other is refused. An owner sends at
    most INVITATIONS_PER_HOUR and INVITATIONS_PER_DAY invitations; an organisation that is not
    verified sends none with a web address in its name or the inviter's.
    """
    require_owner(organisation, by)
    outreach.one_at_a_time(by)
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(organisation)s."),
            code="already_member",
            params={"email": email, "organisation": organisation.name},
        )
    if not organisation.is_verified:
        outreach.refuse_links(
            organisation.name, by.get_full_name(), refusal=_link_in_invitation(organisation)
        )
    invitation = (
        organisation.invitations.select_for_update()
        .filter(email__iexact=email, accepted_at__isnull=True)
        .first()
    ) or Invitation(organisation=organisation, email=email)
    now = timezone.now()
    last_sent = (
        invitations_sent()
        .filter(changes__email=email.lower(), at__gt=now - outreach.DAY)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_sent:
        if invitation.pk and invitation.created_at > now - outreach.DAY:
            invitation.role = role
            invitation.save(update_fields=["role"])
            return invitation, False
        raise ValidationError(
            _(
                "%(email)s received an invitation less than a day ago. An address gets at most "
                "one invitation a day; you can invite it from %(time)s."
            ),
            code="invited_recently",
            params={"email": email, "time": outreach.moment(last_sent + outreach.DAY)},
        )
    outreach.check_allowance(
        by,
        invitations_sent().filter(actor=by),
        at="at",
        per_hour=settings.INVITATIONS_PER_HOUR,
        per_day=settings.INVITATIONS_PER_DAY,
        refusal=_too_many_invitations,
    )
    invitation.role = role
    invitation.invited_by = by
    # A new token on every sending: a link sent earlier stops working.
    invitation.token = secrets.token_urlsafe(32)
    if invitation.pk:
        invitation.created_at = now
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        # Another owner invited the same address at this very moment (one open invitation
        # per address and organisation): theirs was sent.
        raise ValidationError(
            _("%(email)s was just invited by another owner of %(organisation)s."),
            code="invited_at_once",
            params={"email": email, "organisation": organisation.name},
        ) from None
    audit.record(by, "invitation.sent", invitation, email=email.lower(), role=role)
    # Write to a known user in their language, else in the inviter's: most likely a colleague.
    # Only an account that verified the address is known to read it (portal.accounts).
    invitee = User.objects.filter(
        emailaddress__email__iexact=email, emailaddress__verified=True
    ).first()
    emails.send(
        to=email,
        template="invitation",
        kind="invitation",
        key=f"invitation:{invitation.pk}:{invitation.token[:16]}",  # a renewed link is news
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter": by,
            "valid_days": INVITATION_VALID_FOR.days,
        },
        language=(invitee or by).language,
    )
    return invitation, True


def cancel_invitation(invitation, *, by):
    require_owner(invitation.organisation, by)
    if invitation.accepted_at is None:
        invitation.delete()


def invitation_refusal(invitation, *, user):
    """Why this user cannot accept this invitation, or None when they can."""
    if invitation.accepted_at is not None:
        return ValidationError(_("This invitation was already used."), code="invitation_used")
    if is_expired(invitation):
        return ValidationError(
            _(
                "This invitation has expired: invitations are valid for %(days)d days. Ask an "
                "owner of %(organisation)s to invite you again."
            ),
            code="invitation_expired",
            params={
                "days": INVITATION_VALID_FOR.days,
                "organisation": invitation.organisation.name,
            },
        )
    if invitation.email.lower() not in verified_addresses(user):
        return ValidationError(
            _(
                "This invitation was sent to %(email)s, which is not a verified address of your "
                "account. Log in with that address, or add and verify it under your email "
                "addresses, then open the link again."
            ),
            code="invitation_other_address",
            params={"email": invitation.email},
        )
    return None


@transaction.atomic
def accept_invitation(invitation, *, user):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = invitation_refusal(invitation, user=user)
    if refusal:
        raise refusal
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    role_before = None if created else membership.role
    if not created and invitation.role == MembershipRole.OWNER:
        membership.role = MembershipRole.OWNER
        membership.save(update_fields=["role"])
    audit.record(
        user,
        "invitation.accepted",
        invitation,
        invited_by=invitation.invited_by,
        role_before=role_before,
        role=membership.role,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # A request to join that is still open is answered by the invitation.
    JoinRequest.objects.filter(
        organisation=invitation.organisation, user=user, status=RequestStatus.PENDING
    ).update(status=RequestStatus.ACCEPTED, decided_at=timezone.now())
    return membership


# --- Roles and leaving -------------------------------------------------------------------------


def _lock_owners(organisation):
    """The owners' memberships, locked: two owners demoting each other at once must queue."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=MembershipRole.OWNER)
        .values_list("pk", flat=True)
    )


def _last_owner_error(organisation):
    return ValidationError(
        _("%(organisation)s needs at least one owner. Make another member owner first."),
        code="last_owner",
        params={"organisation": organisation.name},
    )


@transaction.atomic
def change_role(membership, *, role, by):
    require_owner(membership.organisation, by)
    owners = _lock_owners(membership.organisation)
    if role != MembershipRole.OWNER and owners == [membership.pk]:
        raise _last_owner_error(membership.organisation)
    if membership.role != role:
        audit.record(
            by, "membership.role_changed", membership, role_before=membership.role, role=role
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership, *, by):
    """An owner removes a member; any member may also leave by removing themselves."""
    if membership.user_id != by.pk:
        require_owner(membership.organisation, by)
    owners = _lock_owners(membership.organisation)
    if owners == [membership.pk]:
        raise _last_owner_error(membership.organisation)
    audit.record(
        by,
        "membership.left" if membership.user_id == by.pk else "membership.removed",
        membership,
        role=membership.role,
    )
    membership.delete()
