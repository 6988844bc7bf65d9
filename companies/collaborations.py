"""Who works with whom: the one way feature apps put a collaboration in the register.

Vacancies (an accepted offer) and vouchers (a redeemed voucher) record what happened on the
portal through `record`: confirmed by the event itself. Members declare the rest by hand
(`declare`): the declaring side confirms at once, the other side's members are told and
`confirm` or `dispute` it; only collaborations confirmed by both sides count. Either side may
`end` a running one, and the declaring side may `withdraw` a declaration not yet confirmed.
Historical ones come in through companies/collaboration_import.py.

A collaboration is always between a regular organisation (a firm, public body, school or
non-profit: anyone who buys from or works with the social economy) and a social-economy
enterprise. Every rule that refuses raises ValidationError with a message for the user; acting
for an organisation one is not a member of, or for one that is not a side, is PermissionDenied.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import emails
from portal.validators import localised

from . import membership, ratings
from .access import is_member
from .models import (
    Collaboration,
    CollaborationRole,
    CollaborationSource,
    Organisation,
)

# The register starts in 2012: the year from which the figures were asked for.
EARLIEST_START = date(2012, 1, 1)
# How many organisations the search for the other side shows.
PARTNER_RESULTS = 20


def _check_sides(*, regular, social):
    if not social.is_social:
        raise ValidationError(
            _("%(organisation)s is not a social-economy enterprise."),
            code="not_social",
            params={"organisation": social.name},
        )
    if regular.is_social:
        raise ValidationError(
            _(
                "%(organisation)s is a social-economy enterprise; a collaboration is recorded "
                "between a regular organisation and a social-economy enterprise."
            ),
            code="regular_is_social",
            params={"organisation": regular.name},
        )


def record(*, regular, social, role, category=None, started, channel, source):
    """Record a collaboration that the portal saw happen, confirmed by both sides.

    What the portal records is confirmed by the event itself: the firm accepted the offer, the
    enterprise made it. Recording is idempotent: the same pair with the same role, category,
    channel and source that is still running is the same collaboration, so accepting a second
    offer of the same kind (or the same offer again) returns the row already there, started at
    the earlier date. One that has ended does not match: working together again is a new
    collaboration, which the reports count in its own years. The same pair, role, category and
    start is always the same collaboration (the register's unique constraint), however it came
    in: a declaration or an import of it is returned, now confirmed by both sides.
    """
    _check_sides(regular=regular, social=social)
    identity = {
        "regular": regular,
        "social": social,
        "role": role,
        "category": category,
        "started": started,
    }
    with transaction.atomic():
        # Lock the regular side's row: two recordings (or a recording and a declaration) for
        # the same pair at the same moment queue here, so the second finds the first's row
        # instead of adding a twin.
        Organisation.objects.select_for_update().filter(pk=regular.pk).first()
        existing = Collaboration.objects.select_for_update().filter(**identity).first()
        if existing is None:
            existing = (
                Collaboration.objects.select_for_update()
                .filter(
                    regular=regular,
                    social=social,
                    role=role,
                    category=category,
                    channel=channel,
                    source=source,
                )
                .filter(Q(ended__isnull=True) | Q(ended__gte=timezone.localdate()))
                .order_by("started", "pk")
                .first()
            )
        now = timezone.now()
        if existing is None:
            # An import takes no lock of an organisation: should it write this collaboration
            # between the look and the insert, the constraint refuses the insert and
            # get_or_create returns the imported row.
            existing, created = Collaboration.objects.get_or_create(
                **identity,
                defaults={
                    "channel": channel,
                    "source": source,
                    "confirmed_by_regular_at": now,
                    "confirmed_by_social_at": now,
                },
            )
            if created:
                # What the portal saw happen is confirmed now: both sides are asked to rate it.
                ratings.ask(existing, period=ratings.ON_CONFIRMATION)
                return existing
        changed = []
        if started < existing.started:
            existing.started = started
            changed.append("started")
        for side in ("confirmed_by_regular_at", "confirmed_by_social_at"):
            if getattr(existing, side) is None:
                setattr(existing, side, now)
                changed.append(side)
        newly_confirmed = any(name.startswith("confirmed_by_") for name in changed)
        if existing.disputed_at is not None:
            # Confirmed by the event, as `confirm` would: the dispute is answered.
            existing.disputed_at, existing.dispute_note = None, ""
            changed += ["disputed_at", "dispute_note"]
        if changed:
            try:
                with transaction.atomic():
                    existing.save(update_fields=changed)
            except IntegrityError:
                # An import wrote the collaboration at the earlier start meanwhile: that row is
                # the one to return (the look above finds it now).
                return record(
                    regular=regular,
                    social=social,
                    role=role,
                    category=category,
                    started=started,
                    channel=channel,
                    source=source,
                )
            if newly_confirmed:
                ratings.ask(existing, period=ratings.ON_CONFIRMATION)
        return existing


# --- Declared by hand: declare, confirm, dispute, end, withdraw -------------------------------


def check_period(started, ended=None, *, today=None):
    """Refuse a start before 2012 or in the future, and an end before the start.

    Raises one ValidationError keyed by field ("started", "ended"), so that a form shows each
    message next to its field; the importer reads the codes.
    """
    today = today or timezone.localdate()
    errors = {}
    if started < EARLIEST_START:
        errors["started"] = ValidationError(
            _("The register starts on %(date)s; give a start on or after that date."),
            code="before_2012",
            params={"date": localised(EARLIEST_START)},
        )
    elif started > today:
        errors["started"] = ValidationError(
            _("The start lies in the future; declare a collaboration once it has started."),
            code="start_in_future",
        )
    if ended is not None and ended < started:
        errors["ended"] = _end_before_start(started, ended)
    if errors:
        raise ValidationError(errors)


def _end_before_start(started, ended):
    return ValidationError(
        _("The end (%(ended)s) comes before the start (%(started)s)."),
        code="end_before_start",
        params={"ended": localised(ended), "started": localised(started)},
    )


def partners_for(organisation, query):
    """Organisations `organisation` may declare a collaboration with, found by a part of their
    name or by their enterprise number in any spelling: the other kind (a social enterprise
    for a regular organisation, and the other way round), never itself."""
    candidates = (
        Organisation.objects.buyers() if organisation.is_social else Organisation.objects.social()
    )
    return (
        candidates.named(query)
        .exclude(pk=organisation.pk)
        .select_related("municipality")
        .order_by("name", "pk")[:PARTNER_RESULTS]
    )


def sides(organisation, other):
    """(regular, social) for a declaration by `organisation` with `other`."""
    return (other, organisation) if organisation.is_social else (organisation, other)


def side_of(collaboration, organisation):
    """Which side of the collaboration the organisation is: "regular" or "social"."""
    if collaboration.regular_id == organisation.pk:
        return "regular"
    if collaboration.social_id == organisation.pk:
        return "social"
    raise PermissionDenied("The organisation is not a side of this collaboration.")


def _other(side):
    return "social" if side == "regular" else "regular"


def _confirmed_at(collaboration, side):
    return getattr(collaboration, f"confirmed_by_{side}_at")


def _require_member(organisation, user):
    if not is_member(user, organisation):
        raise PermissionDenied("Only members act for an organisation.")


def _organisation(collaboration, side):
    return collaboration.regular if side == "regular" else collaboration.social


def _tell(collaboration, *, side, event, by):
    """Email every member of `side` about `event` ("declared", "confirmed", "disputed"); the
    key names the collaboration, the event and the member, so it is written once."""
    organisation = _organisation(collaboration, side)
    other = _organisation(collaboration, _other(side))
    for member in membership.members_of(organisation):
        emails.send_to_user(
            member,
            template=f"collaboration_{event}",
            kind="collaboration",
            key=f"collaboration:{collaboration.pk}:{event}:{member.pk}",
            summary=other.name,
            context={
                "collaboration": collaboration,
                "organisation": organisation,
                "other": other,
                "by": by,
            },
        )


def _locked(collaboration):
    """The collaboration's row, locked for the rest of the transaction and read afresh."""
    return (
        # Only this row: the category is an outer join, which PostgreSQL cannot lock.
        Collaboration.objects.select_for_update(of=("self",))
        .select_related("regular", "social", "category")
        .get(pk=collaboration.pk)
    )


# The sources of what one side declares and the other confirms (and so may withdraw).
DECLARED = (CollaborationSource.MANUAL, CollaborationSource.EVENT)


def declare(
    *,
    organisation,
    other,
    role,
    category,
    started,
    ended=None,
    channel,
    by,
    source=CollaborationSource.MANUAL,
):
    """`by`, a member of `organisation`, declares a collaboration with `other`.

    `source` says where the declaration was made: by hand (MANUAL), or as a deal at a network
    event (EVENT, events/deals.py); either way the other side confirms it.

    Returns (collaboration, created). The declaring side has confirmed it; the other side's
    members are asked to confirm or dispute it. The same pair, role, category and start is the
    same collaboration: declaring it again returns the one already there, and when the other
    side declared it first, declaring it too is confirming it.
    """
    _require_member(organisation, by)
    regular, social = sides(organisation, other)
    _check_sides(regular=regular, social=social)
    check_period(started, ended)
    side = "social" if organisation.is_social else "regular"
    with transaction.atomic():
        # Lock the regular side's row: two declarations of the same at the same moment queue
        # here, so the second finds the first's row instead of adding a twin. An import takes
        # no such lock: should it write the same collaboration between the look and the
        # insert, the register's unique constraint refuses the insert and get_or_create
        # returns the imported row.
        Organisation.objects.select_for_update().filter(pk=regular.pk).first()
        collaboration, created = Collaboration.objects.get_or_create(
            regular=regular,
            social=social,
            role=role,
            category=category,
            started=started,
            defaults={
                "ended": ended,
                "channel": channel,
                "source": source,
                "declared_by": by,
                f"confirmed_by_{side}_at": timezone.now(),
            },
        )
        if not created:
            if _confirmed_at(collaboration, side) is None:
                confirm(collaboration, organisation=organisation, by=by)
                collaboration.refresh_from_db()
            return collaboration, False
        _tell(collaboration, side=_other(side), event="declared", by=by)
    return collaboration, True


@transaction.atomic
def confirm(collaboration, *, organisation, by):
    """The organisation's side confirms; a side that disputed it may confirm it after all."""
    _require_member(organisation, by)
    collaboration = _locked(collaboration)
    side = side_of(collaboration, organisation)
    if _confirmed_at(collaboration, side) is not None:
        raise ValidationError(
            _("%(organisation)s has already confirmed this collaboration."),
            code="already_confirmed",
            params={"organisation": organisation.name},
        )
    setattr(collaboration, f"confirmed_by_{side}_at", timezone.now())
    collaboration.disputed_at = None
    collaboration.dispute_note = ""
    collaboration.save(update_fields=[f"confirmed_by_{side}_at", "disputed_at", "dispute_note"])
    _tell(collaboration, side=_other(side), event="confirmed", by=by)
    if _confirmed_at(collaboration, _other(side)) is not None:
        # Confirmed by both sides now: each is asked how it went (companies/ratings.py).
        ratings.ask(collaboration, period=ratings.ON_CONFIRMATION)
    return collaboration


@transaction.atomic
def dispute(collaboration, *, organisation, by, note=""):
    """The organisation's side says this collaboration did not happen (as declared)."""
    _require_member(organisation, by)
    collaboration = _locked(collaboration)
    side = side_of(collaboration, organisation)
    if _confirmed_at(collaboration, side) is not None:
        raise ValidationError(
            _(
                "%(organisation)s has confirmed this collaboration; it can no longer be "
                "disputed. End it if it is over."
            ),
            code="already_confirmed",
            params={"organisation": organisation.name},
        )
    if collaboration.disputed_at is not None:
        raise ValidationError(_("This collaboration is already disputed."), code="already_disputed")
    collaboration.disputed_at = timezone.now()
    collaboration.dispute_note = note.strip()
    collaboration.save(update_fields=["disputed_at", "dispute_note"])
    _tell(collaboration, side=_other(side), event="disputed", by=by)
    return collaboration


def is_running(collaboration, *, today=None):
    today = today or timezone.localdate()
    return collaboration.ended is None or collaboration.ended > today


@transaction.atomic
def end(collaboration, *, organisation, by, ended=None):
    """Either side ends a running collaboration it has confirmed, on `ended` (default today).

    The other side's members are told (an email each, once: the key names the collaboration's
    end). Ending what has already ended is refused, so it tells nobody again."""
    _require_member(organisation, by)
    collaboration = _locked(collaboration)
    side = side_of(collaboration, organisation)
    today = timezone.localdate()
    ended = ended or today
    if _confirmed_at(collaboration, side) is None or collaboration.disputed_at is not None:
        raise ValidationError(
            _("Only a collaboration your organisation has confirmed can be ended."),
            code="not_confirmed",
        )
    if not is_running(collaboration, today=today):
        raise ValidationError(
            _("This collaboration already ended on %(date)s."),
            code="already_ended",
            params={"date": localised(collaboration.ended)},
        )
    if ended > today:
        raise ValidationError(
            {"ended": ValidationError(_("The end cannot lie in the future."), code="in_future")}
        )
    if ended < collaboration.started:
        raise ValidationError({"ended": _end_before_start(collaboration.started, ended)})
    collaboration.ended = ended
    collaboration.save(update_fields=["ended"])
    _tell(collaboration, side=_other(side), event="ended", by=by)
    # Ended: both sides are asked to rate the whole of it (companies/ratings.py).
    if _confirmed_at(collaboration, _other(side)) is not None:
        ratings.ask(collaboration, period=ratings.AT_END)
    return collaboration


@transaction.atomic
def withdraw(collaboration, *, organisation, by):
    """The declaring side takes back a declaration the other side has not confirmed."""
    _require_member(organisation, by)
    collaboration = _locked(collaboration)
    side = side_of(collaboration, organisation)
    if (
        collaboration.source not in DECLARED
        or _confirmed_at(collaboration, side) is None
        or _confirmed_at(collaboration, _other(side)) is not None
    ):
        raise ValidationError(
            _(
                "Only a declaration of your own that the other side has not confirmed can be "
                "withdrawn. End the collaboration instead if it is over."
            ),
            code="not_withdrawable",
        )
    collaboration.delete()


# --- What an organisation sees of its collaborations -------------------------------------------


def of(organisation):
    return Collaboration.objects.filter(Q(regular=organisation) | Q(social=organisation))


def between(regular, social):
    """Every collaboration of the pair in the register, whatever its role, state or source,
    the latest first, with the service (one query): what a regisseur deciding on a voucher
    between the two reads."""
    return (
        Collaboration.objects.filter(regular=regular, social=social)
        .select_related("category")
        .order_by("-started", "-pk")
    )


def standing(collaboration):
    """Where the collaboration stands in the register, in words: confirmed by both sides, by
    one (which), disputed (by whom), or ended."""
    if collaboration.disputed_at is not None:
        side = (
            _("the social enterprise")
            if collaboration.confirmed_by_regular_at is not None
            else _("the regular organisation")
        )
        return _("disputed by %(side)s") % {"side": side}
    if collaboration.confirmed_by_regular_at and collaboration.confirmed_by_social_at:
        return _("confirmed by both sides")
    if collaboration.confirmed_by_regular_at:
        return _("confirmed by the regular organisation only")
    if collaboration.confirmed_by_social_at:
        return _("confirmed by the social enterprise only")
    return _("not confirmed")


def _unconfirmed_by(organisations):
    """Condition: one of `organisations` is a side that has not confirmed."""
    return Q(regular__in=organisations, confirmed_by_regular_at__isnull=True) | Q(
        social__in=organisations, confirmed_by_social_at__isnull=True
    )


def awaiting_confirmation_by(organisations):
    """Declarations that one of `organisations` has yet to confirm or dispute (a list of
    organisations or a queryset of their ids)."""
    return Collaboration.objects.filter(
        _unconfirmed_by(organisations), disputed_at__isnull=True
    ).select_related("regular", "social", "category")


def partner_of(collaboration, organisation):
    """The other side of the collaboration, seen from `organisation`."""
    if collaboration.social_id == organisation.pk:
        return collaboration.regular
    return collaboration.social


def partner_role(collaboration, organisation):
    """What the other side is to `organisation`: the role read from where it stands (the
    stored role is the regular side's, so a regular organisation's client is its supplier)."""
    if collaboration.social_id == organisation.pk:
        return str(collaboration.get_role_display())
    seen_from_the_firm = {
        CollaborationRole.CLIENT: CollaborationRole.SUPPLIER.label,
        CollaborationRole.SUPPLIER: CollaborationRole.CLIENT.label,
    }
    return str(seen_from_the_firm.get(collaboration.role, collaboration.get_role_display()))


def sections(organisation):
    """The organisation's collaborations by state: what it has to answer, what waits for the
    other side, what is disputed, what counts. Querysets, one query each."""
    mine = (
        of(organisation)
        .select_related("regular", "social", "category")
        # When the organisation's own side confirmed, whichever side it is: a disputed
        # collaboration reads differently for the side that disputed it.
        .annotate(
            we_confirmed_at=Case(
                When(regular=organisation, then=F("confirmed_by_regular_at")),
                default=F("confirmed_by_social_at"),
            )
        )
    )
    undisputed = mine.filter(disputed_at__isnull=True)
    return {
        "awaiting_us": undisputed.filter(_unconfirmed_by([organisation])),
        "awaiting_them": undisputed.exclude(_unconfirmed_by([organisation])).exclude(
            confirmed_by_regular_at__isnull=False, confirmed_by_social_at__isnull=False
        ),
        "disputed": mine.filter(disputed_at__isnull=False),
        "confirmed": mine.confirmed(),
    }


# --- On a profile ------------------------------------------------------------------------------

# What the other side is to the social enterprise, read from the regular side's role.
_SOCIAL_SIDE_ROLE = {
    CollaborationRole.CLIENT: CollaborationRole.SUPPLIER,
    CollaborationRole.SUPPLIER: CollaborationRole.CLIENT,
    CollaborationRole.PARTNER: CollaborationRole.PARTNER,
}


# Where a collaboration came from, told by the app above that made it: {source: describe}.
# `describe(ids)` returns {collaboration id: Origin} for those of the ids it can name, in one
# query; events registers the deals' events from its AppConfig.ready(), so the profile names
# the event while companies imports no event code (ARCHITECTURE.md: imports run one way).
_origins = {}


@dataclass(frozen=True)
class Origin:
    """What a collaboration came out of, as a profile names it: a title and its page."""

    title: str
    url: str


def register_origin(source, describe):
    """Let `describe(ids)` name where the collaborations of `source` came from (see _origins)."""
    _origins[source] = describe


def origins(collaborations):
    """Set `origin` (an Origin, or None) on each collaboration: one query per source that has a
    describer and is among them, whatever their number."""
    by_source = {}
    for collaboration in collaborations:
        collaboration.origin = None
        if collaboration.source in _origins:
            by_source.setdefault(collaboration.source, []).append(collaboration)
    for source, found in by_source.items():
        named = _origins[source]([collaboration.pk for collaboration in found])
        for collaboration in found:
            collaboration.origin = named.get(collaboration.pk)
    return collaborations


def partners_on_profile(organisation):
    """The organisations `organisation` works with, as its profile lists them: each partner
    once (by name), with what the partner is to it ("Client", "Supplier", "Partner") and, under
    each role, the collaborations (their service, period and how the two met, newest first).
    Two collaborations in both directions, or two services between the same pair, make one
    entry. One query, and one more when some came out of what another app names (`origins`:
    the events of deals)."""
    partners = {}
    for collaboration in origins(list(Collaboration.objects.shown_on_profile_of(organisation))):
        if collaboration.social_id == organisation.pk:
            partner, role = collaboration.regular, CollaborationRole(collaboration.role)
        else:
            partner, role = collaboration.social, _SOCIAL_SIDE_ROLE[collaboration.role]
        roles = partners.setdefault(partner.pk, (partner, {}))[1]
        roles.setdefault(role, []).append(collaboration)
    order = list(CollaborationRole)
    return [
        {
            "organisation": partner,
            "roles": [
                {"label": role.label, "collaborations": roles[role]}
                for role in sorted(roles, key=order.index)
            ],
        }
        for partner, roles in sorted(
            partners.values(), key=lambda entry: (entry[0].name.casefold(), entry[0].pk)
        )
    ]
