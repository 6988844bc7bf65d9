"""Claiming a listing: who holds an organisation that nobody (or somebody else) registered.

A signed-in user asks to be made owner with one of their verified addresses
(portal.accounts.verified_addresses), the role they hold and a phone number. The claim goes to
the regisseurs of the organisation's region, or to the administrators where the region has
none (`deciders`); they accept (the claimant becomes owner; owners already there are told) or
refuse with a reason, and the claimant hears either in their language.

A claim made with an address at the organisation's own web domain (the host of its website or
the domain of its email, without "www.") is accepted at once where a region of the
organisation allows it (Region.claims_by_domain_accepted_at_once). Addresses at free-mail
providers (FREE_MAIL_DOMAINS) never match: anyone can have one.

The same people decide join requests that nobody else answers: at once for an organisation
without owners, and after JOIN_REQUEST_ANSWER_TIME for one whose owners stay silent
(`escalate_join_requests`, a beat task).
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, emails, notifications, workqueue
from portal.accounts import verified_addresses
from portal.models import AuditEntry, Region, User

from .access import can_verify
from .models import (
    Claim,
    ClaimStatus,
    JoinRequest,
    Membership,
    MembershipRole,
    RequestStatus,
)

# Providers where anyone opens an address: such a domain says nothing about who a claimant is.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.be",
        "outlook.com",
        "outlook.be",
        "live.com",
        "live.be",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "telenet.be",
        "skynet.be",
        "proximus.be",
        "scarlet.be",
        "orange.be",
        "mail.com",
        "aol.com",
    }
)
JOIN_REQUEST_ANSWER_TIME = timedelta(days=14)


# --- Who decides ---------------------------------------------------------------------------


def deciders(organisation):
    """The regisseurs of the organisation's regions; the administrators where there are none."""
    regisseurs = User.objects.filter(
        is_active=True, is_staff=True, regions__municipalities=organisation.municipality_id
    ).distinct()
    if regisseurs.exists():
        return list(regisseurs)
    return list(User.objects.filter(is_active=True, is_superuser=True))


def can_decide(user, organisation):
    """A regisseur of the organisation's region, or an administrator (companies.access)."""
    return can_verify(user, organisation)


def decided_by_user(user):
    """The organisations whose claims and escalated requests `user` decides, as a condition."""
    if user.is_superuser:
        return Q()
    return Q(organisation__municipality__regions__regisseurs=user)


# --- Domains -------------------------------------------------------------------------------


def _bare(host):
    host = (host or "").strip().lower().rstrip(".")
    return host.removeprefix("www.")


def web_domains(organisation):
    """The organisation's own domains: its website's host and its email's domain."""
    domains = set()
    if organisation.website:
        domains.add(_bare(urlsplit(organisation.website).hostname))
    if organisation.email and "@" in organisation.email:
        domains.add(_bare(organisation.email.rsplit("@", 1)[1]))
    return {domain for domain in domains if domain and domain not in FREE_MAIL_DOMAINS}


def domain_matches(email, organisation):
    domain = _bare(email.rsplit("@", 1)[-1])
    return domain not in FREE_MAIL_DOMAINS and domain in web_domains(organisation)


def accepted_at_once(organisation):
    return Region.objects.filter(
        municipalities=organisation.municipality_id, claims_by_domain_accepted_at_once=True
    ).exists()


# --- Claiming ------------------------------------------------------------------------------


def has_members(organisation):
    return Membership.objects.filter(organisation=organisation).exists()


def claim_refusal(organisation, *, user):
    """Why `user` cannot claim this organisation now, or None."""
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        return ValidationError(
            _("You are already a member of %(organisation)s: there is nothing to claim."),
            code="already_member",
            params={"organisation": organisation.name},
        )
    if not verified_addresses(user):
        return ValidationError(
            _(
                "A claim needs an email address you have verified. Verify one under your email "
                "addresses, then claim %(organisation)s again."
            ),
            code="no_verified_address",
            params={"organisation": organisation.name},
        )
    if Claim.objects.filter(
        organisation=organisation, claimant=user, status=ClaimStatus.PENDING
    ).exists():
        return _already_claimed(organisation)
    return None


def _already_claimed(organisation):
    return ValidationError(
        _("You already claimed %(organisation)s; a regisseur will decide."),
        code="already_claimed",
        params={"organisation": organisation.name},
    )


def submit(organisation, *, by, email, role, phone):
    """File a claim; returns it, accepted at once where the domain and the region allow it."""
    refusal = claim_refusal(organisation, user=by)
    if refusal:
        raise refusal
    if email.lower() not in verified_addresses(by):
        raise ValidationError(
            _("%(email)s is not a verified address of your account."),
            code="unverified_address",
            params={"email": email},
        )
    matches = domain_matches(email, organisation)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                organisation=organisation,
                claimant=by,
                email=email.lower(),
                domain_matches=matches,
                role=role,
                phone=phone,
            )
            audit.record(by, "claim.submitted", claim, organisation=organisation)
            if matches and not has_members(organisation) and accepted_at_once(organisation):
                return _decide(claim, by=None, status=ClaimStatus.ACCEPTED)
            for decider in deciders(organisation):
                emails.send_to_user(
                    decider,
                    template="claim_submitted",
                    kind="claim",
                    key=f"claim:{claim.pk}:decider:{decider.pk}",
                    summary=organisation.name,
                    context={
                        "claim": claim,
                        "organisation": organisation,
                        "claims_url": _claims_url(decider),
                    },
                )
    except IntegrityError:
        # Two clicks at once: the one-pending-claim constraint let only one through.
        raise _already_claimed(organisation) from None
    return claim


def _claims_url(user):
    return notifications.absolute(notifications.reverse_in("companies:claims", user.language))


def _profile_url(organisation, user):
    return notifications.absolute(
        notifications.reverse_in("companies:profile", user.language, slug=organisation.slug)
    )


def _decide(claim, *, by, status, reason=""):
    """Record the decision (`by` None: accepted at once by domain) and tell who must know."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("organisation").get(pk=claim.pk)
        organisation = claim.organisation
        if by is not None and not can_decide(by, organisation):
            raise PermissionDenied("Only a regisseur of the organisation's region decides.")
        if claim.status != ClaimStatus.PENDING:
            raise ValidationError(_("This claim was already decided."), code="already_decided")
        claim.status = status
        claim.reason = reason
        claim.decided_by = by
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit.record(by, f"claim.{status}", claim, user=claim.claimant, reason=reason)
        if status == ClaimStatus.ACCEPTED:
            earlier_owners = list(owners_other_than(organisation, claim.claimant))
            _make_owner(organisation, claim.claimant, by=by)
            for owner in earlier_owners:
                emails.send_to_user(
                    owner,
                    template="claim_owner_added",
                    kind="claim",
                    key=f"claim:{claim.pk}:owner:{owner.pk}",
                    summary=organisation.name,
                    context={"claim": claim, "organisation": organisation},
                )
        emails.send_to_user(
            claim.claimant,
            template="claim_decided",
            kind="claim",
            key=f"claim:{claim.pk}:decided",
            summary=organisation.name,
            context={
                "claim": claim,
                "organisation": organisation,
                "profile_url": _profile_url(organisation, claim.claimant),
            },
        )
    return claim


def owners_other_than(organisation, user):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=MembershipRole.OWNER,
        is_active=True,
    ).exclude(pk=user.pk)


def _make_owner(organisation, user, *, by):
    """The user becomes owner: a new membership, or a promotion of the one they have."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": MembershipRole.OWNER}
    )
    if not created and membership.role != MembershipRole.OWNER:
        audit.record(
            by, "membership.role_changed", membership, role_before=membership.role, role="owner"
        )
        membership.role = MembershipRole.OWNER
        membership.save(update_fields=["role"])
    return membership


def accept(claim, *, by):
    return _decide(claim, by=by, status=ClaimStatus.ACCEPTED)


def refuse(claim, *, by, reason):
    return _decide(claim, by=by, status=ClaimStatus.REFUSED, reason=reason)


# --- What the regisseur sees ----------------------------------------------------------------


def in_region(region):
    """The claims or join requests of one region's organisations (a Region's id), or of those
    outside every region (portal.workqueue.NO_REGION): the work queue's link per region. None
    (no region asked) is every region."""
    if region is None:
        return Q()
    if region == workqueue.NO_REGION:
        return Q(organisation__municipality__regions__isnull=True)
    return Q(organisation__municipality__regions=region)


def region_asked(value):
    """The region of the claims page's ?region= parameter: a Region's id, NO_REGION or None.
    Anything else (a word, a number beyond the column's range) is ignored, as in the admin."""
    if value == workqueue.NO_REGION:
        return value
    if value and re.fullmatch(r"[0-9]{1,9}", value):
        return int(value)
    return None


def region_name(region):
    """What the claims page says it is narrowed to: the region's name, "No region", or None."""
    if region is None:
        return None
    if region == workqueue.NO_REGION:
        return _("No region")
    found = Region.objects.filter(pk=region).first()
    return found.name if found else None


def pending_claims_for(user, *, region=None):
    """The pending claims `user` decides (in `region`, see in_region), each with what the
    claims page shows beside it (the organisation's members and earlier claims), in a fixed
    number of queries."""
    return (
        Claim.objects.filter(decided_by_user(user), status=ClaimStatus.PENDING)
        .filter(in_region(region))
        .select_related("organisation__municipality", "claimant")
        .prefetch_related(
            Prefetch(
                "organisation__memberships",
                queryset=Membership.objects.select_related("user").order_by("created_at", "pk"),
                to_attr="members_in_order",
            ),
            Prefetch(
                "organisation__claims",
                queryset=Claim.objects.exclude(status=ClaimStatus.PENDING)
                .select_related("claimant")
                .order_by("-created_at"),
                to_attr="earlier_claims",
            ),
        )
        .distinct()
        .order_by("created_at")
    )


def escalated_join_requests_for(user, *, region=None):
    return (
        JoinRequest.objects.filter(
            decided_by_user(user), status=RequestStatus.PENDING, escalated_at__isnull=False
        )
        .filter(in_region(region))
        .select_related("organisation__municipality", "user")
        .distinct()
        .order_by("created_at")
    )


def with_history(claims):
    """The claims, each with `history`: the organisation's members, what was recorded about
    the organisation (verification, ...), and the claims decided earlier. One query for the
    records of all of them; the rest comes prefetched (pending_claims_for)."""
    claims = list(claims)
    ids = {str(claim.organisation_id) for claim in claims}
    events = {}
    if ids:
        for entry in AuditEntry.objects.filter(
            object_type="companies.organisation", object_id__in=ids
        ).order_by("at"):
            events.setdefault(entry.object_id, []).append(entry)
    for claim in claims:
        organisation = claim.organisation
        claim.history = {
            "members": organisation.members_in_order,
            "events": events.get(str(organisation.pk), [])[:50],
            "earlier_claims": organisation.earlier_claims[:20],
        }
    return claims


# --- Join requests nobody answers ----------------------------------------------------------


def escalate(join_request, *, now=None):
    """Send a join request to the deciders, once: the row is claimed by its escalated_at."""
    now = now or timezone.now()
    with transaction.atomic():
        taken = JoinRequest.objects.filter(
            pk=join_request.pk, status=RequestStatus.PENDING, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not taken:
            return False
        join_request.escalated_at = now
        organisation = join_request.organisation
        for decider in deciders(organisation):
            emails.send_to_user(
                decider,
                template="join_request_escalated",
                kind="join_request",
                key=f"join_request:{join_request.pk}:escalated:{decider.pk}",
                summary=join_request.user.get_full_name(),
                context={
                    "join_request": join_request,
                    "organisation": organisation,
                    "claims_url": _claims_url(decider),
                },
            )
    return True


def escalate_join_requests(*, now=None):
    """Beat: join requests the owners left unanswered for JOIN_REQUEST_ANSWER_TIME go to the
    deciders. Safe to re-run: each row is taken once, by its escalated_at."""
    now = now or timezone.now()
    due = JoinRequest.objects.filter(
        status=RequestStatus.PENDING,
        escalated_at__isnull=True,
        created_at__lte=now - JOIN_REQUEST_ANSWER_TIME,
    ).select_related("organisation", "user")
    return sum(escalate(join_request, now=now) for join_request in due)


def decide_join_request(join_request, *, by, accept):
    """A decider answers an escalated join request. In an organisation without an owner the
    newcomer becomes its owner: every organisation keeps one."""
    with transaction.atomic():
        join_request = (
            JoinRequest.objects.select_for_update()
            .select_related("organisation", "user")
            .get(pk=join_request.pk)
        )
        organisation = join_request.organisation
        if not can_decide(by, organisation) or join_request.escalated_at is None:
            raise PermissionDenied("Only a regisseur of the region decides escalated requests.")
        if join_request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request was already answered."), code="already_decided")
        join_request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            by, f"join_request.{join_request.status}", join_request, user=join_request.user
        )
        if accept:
            has_owner = organisation.memberships.filter(role=MembershipRole.OWNER).exists()
            Membership.objects.get_or_create(
                user=join_request.user,
                organisation=organisation,
                defaults={"role": MembershipRole.EDITOR if has_owner else MembershipRole.OWNER},
            )
        emails.send_to_user(
            join_request.user,
            template="join_decision",
            kind="join_decision",
            key=f"join_request:{join_request.pk}:decided",
            summary=organisation.name,
            context={"join_request": join_request, "organisation": organisation},
        )
    return join_request
