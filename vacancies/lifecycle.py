"""The life of an opportunity (a vacancy or a service request), from draft to closed.

    draft ──publish──> published ──close──> closed ──reopen──> published
      │  ^               │  ^                 ^
      │  │  (closing date │  │ extend          │ close
      │  │    passed)     v  │                 │
      │  │              expired ───────────────┘
      │  └──send back / withdraw──┐
      └─publish (unverified)──> awaiting ──approve──> published

Only members of the posting organisation take these steps; a step that does not fit the
opportunity's state is refused with a ValidationError that says why, in the user's language.

Moderation of new posters (issue 19): when the poster is not verified yet and ANY region of its
municipality checks such posters (Region.checks_unverified_posters, on by default), `publish`
puts the opportunity in `awaiting` instead: not public, not matched, nobody notified. A
regisseur of one of those regions (or an administrator) approves it, which publishes and
matches it as `publish` does, or sends it back to draft with a comment that the poster sees
and receives by email. The poster may edit it while it waits, or withdraw it to a draft. An
organisation in no region at all has no regie to check it: it publishes at once, as a verified
one does. An awaiting one past its closing date is left alone by the expiry (an expired one
would be public); the regisseur cannot approve it and sends it back for a new date.
Expiring and reminding run daily (vacancies/tasks.py) and are safe to run again: each changes or
sends only what has not been changed or sent yet.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.access import is_member
from portal import audit, emails
from portal.models import Region, User

from . import privacy, search
from .models import ClosedReason, ServiceRequest, Status, Vacancy

logger = logging.getLogger(__name__)

OPPORTUNITY_MODELS = (Vacancy, ServiceRequest)
DETAIL_URL_NAMES = {
    Vacancy: "vacancies:vacancy_detail",
    ServiceRequest: "vacancies:request_detail",
}


def require_member(opportunity, user):
    if not is_member(user, opportunity.organisation_id):
        raise PermissionDenied("Only members of the posting organisation manage its opportunities.")


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def _check_not_past(closing_date, today):
    if closing_date < today:
        _refuse(
            _("The closing date %(date)s has passed. Choose today or a later date."),
            "closing_date_past",
            date=formats.date_format(closing_date),
        )


# --- Writing ------------------------------------------------------------------------------------


def _write(opportunity, data):
    """Set the form-cleaned `data` on the opportunity and save it, its supports and its index."""
    supports = data.get("supports")
    for name, value in data.items():
        if name != "supports":
            setattr(opportunity, name, value)
    opportunity.save()
    if isinstance(opportunity, Vacancy) and supports is not None:
        opportunity.supports.set(supports)
        mark_open_to_doorstroom(opportunity)
    search.index(opportunity)
    return opportunity


def mark_open_to_doorstroom(vacancy):
    """Keep the list pages' doorstroom facet in step with the vacancy's supports."""
    open_to_doorstroom = vacancy.supports.exists()
    if vacancy.open_to_doorstroom != open_to_doorstroom:
        vacancy.open_to_doorstroom = open_to_doorstroom
        vacancy.save(update_fields=["open_to_doorstroom"])


def _create(model, *, organisation, by, data):
    if not is_member(by, organisation.pk):
        raise PermissionDenied("Only members post for an organisation.")
    return _write(model(organisation=organisation, created_by=by), data)


@transaction.atomic
def create_vacancy(*, organisation, by, data):
    """A draft vacancy of `organisation`, from form-cleaned `data`."""
    return _create(Vacancy, organisation=organisation, by=by, data=data)


@transaction.atomic
def create_service_request(*, organisation, by, data):
    """A draft service request of `organisation`, from form-cleaned `data`."""
    return _create(ServiceRequest, organisation=organisation, by=by, data=data)


def check_editable(opportunity):
    """Drafts, published, expired and awaiting ones can be edited; a closed one is reopened
    first."""
    if opportunity.status == Status.CLOSED:
        _refuse(_("This one is closed. Reopen it before you change it."), "closed")


@transaction.atomic
def update(opportunity, *, by, data):
    require_member(opportunity, by)
    check_editable(opportunity)
    if "closing_date" in data and opportunity.status not in {Status.DRAFT, Status.AWAITING}:
        # Once published, the closing date moves only by extending, which also brings an
        # expired opportunity back and re-arms the reminder.
        _refuse(_("Extend it to change the closing date."), "closing_date_by_extending")
    return _write(opportunity, data)


# --- Transitions --------------------------------------------------------------------------------


def _locked(opportunity):
    """The opportunity's row, locked until the transaction ends: two clicks take one step."""
    return type(opportunity).objects.select_for_update().get(pk=opportunity.pk)


def _save(opportunity, locked, fields):
    locked.save(update_fields=[*fields, "updated_at"])
    for name in fields:
        setattr(opportunity, name, getattr(locked, name))
    return opportunity


def _match_after_commit(opportunity):
    """Once the publication is committed, ask a worker to find the social enterprises that fit.

    After the commit, so the worker reads the published row. A broker that is down (or, with
    tasks inline, a matching that fails) does not cost the page: the poster's step has
    succeeded, and the sweep matches every published opportunity whose matched_at is empty.
    """
    from .tasks import match_opportunity  # tasks imports this module

    kind = "vacancy" if isinstance(opportunity, Vacancy) else "request"
    pk = opportunity.pk

    opportunity.matched_at = None

    def enqueue():
        try:
            match_opportunity.delay(kind, pk)
        except Exception:
            logger.warning("Matching of %s %s did not run.", kind, pk, exc_info=True)

    transaction.on_commit(enqueue)


def checking_regions(organisation):
    """The regions that check the opportunities of `organisation` before they are published:
    those of its municipality that check unverified posters, while it is not verified."""
    if organisation.verified_at is not None:
        return Region.objects.none()
    return Region.objects.filter(
        municipalities=organisation.municipality_id, checks_unverified_posters=True
    )


@dataclass(frozen=True)
class Check:
    """What the poster is told about the check: by whom, and how long it usually takes."""

    regions: list
    working_days: int

    @property
    def region_names(self):
        return ", ".join(region.name for region in self.regions)


def check_of(organisation):
    """The check the organisation's opportunities wait for (one query); None when there is
    none (a verified organisation, or no region that checks)."""
    regions = list(checking_regions(organisation).order_by("name"))
    if not regions:
        return None
    return Check(regions, max(region.check_working_days for region in regions))


@transaction.atomic
def publish(opportunity, *, by, today=None):
    """Draft → published; or → awaiting, when a region checks the poster first (see above).

    Refused when its closing date has passed: edit the draft first."""
    require_member(opportunity, by)
    locked = _locked(opportunity)
    if locked.status != Status.DRAFT:
        _refuse(
            _("Only a draft can be published; this one is %(status)s."),
            "not_draft",
            status=locked.get_status_display().lower(),
        )
    _check_not_past(locked.closing_date, today or timezone.localdate())
    if checking_regions(locked.organisation).exists():
        locked.status = Status.AWAITING
        locked.submitted_at = timezone.now()
        return _save(opportunity, locked, ["status", "submitted_at"])
    locked.status = Status.PUBLISHED
    locked.published_at = timezone.now()
    _match_after_commit(locked)
    return _save(opportunity, locked, ["status", "published_at", "matched_at"])


def can_check(user, opportunity):
    """Administrators check anywhere; a regisseur checks the opportunities of posters in the
    regions they coordinate."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return Region.objects.filter(
        municipalities=opportunity.organisation.municipality_id, regisseurs=user
    ).exists()


def _require_checker(opportunity, user):
    if not can_check(user, opportunity):
        raise PermissionDenied("Only a regisseur of the poster's region checks its opportunities.")


def _require_awaiting(locked):
    if locked.status != Status.AWAITING:
        _refuse(
            _("Only one waiting for a check can be checked; this one is %(status)s."),
            "not_awaiting",
            status=locked.get_status_display().lower(),
        )


@transaction.atomic
def approve(opportunity, *, by, today=None):
    """Awaiting → published, by a regisseur of the poster's region: matched and notified after
    the commit, exactly as `publish` does for a verified poster."""
    _require_checker(opportunity, by)
    locked = _locked(opportunity)
    _require_awaiting(locked)
    today = today or timezone.localdate()
    if locked.closing_date < today:
        _refuse(
            _(
                "Its closing date %(date)s has passed. Send it back so that the poster chooses "
                "a new one."
            ),
            "closing_date_past",
            date=formats.date_format(locked.closing_date),
        )
    locked.status = Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.sent_back_comment = ""
    locked.sent_back_at = None
    _match_after_commit(locked)
    audit.record(by, "opportunity.approved", locked)
    return _save(
        opportunity,
        locked,
        ["status", "published_at", "matched_at", "sent_back_comment", "sent_back_at"],
    )


@transaction.atomic
def send_back(opportunity, *, by, comment):
    """Awaiting → draft, by a regisseur of the poster's region, with a comment that the poster
    sees on its page and receives by email (each member of the poster)."""
    _require_checker(opportunity, by)
    comment = (comment or "").strip()
    if not comment:
        _refuse(_("Tell the poster what to change."), "comment_required")
    locked = _locked(opportunity)
    _require_awaiting(locked)
    locked.status = Status.DRAFT
    locked.submitted_at = None
    locked.sent_back_comment = comment
    locked.sent_back_at = timezone.now()
    _save(opportunity, locked, ["status", "submitted_at", "sent_back_comment", "sent_back_at"])
    audit.record(by, "opportunity.sent_back", locked, comment=comment)
    model = type(locked)
    for user in members_to_remind(locked.organisation_id):
        emails.send_to_user(
            user,
            template="opportunity_sent_back",
            kind="opportunity_check",
            key=(
                f"opportunity_sent_back:{model._meta.model_name}:{locked.pk}:"
                f"{locked.sent_back_at.isoformat()}:{user.pk}"
            ),
            context={
                "opportunity": locked,
                "organisation": locked.organisation,
                "is_vacancy": model is Vacancy,
                "detail_url_name": DETAIL_URL_NAMES[model],
                "comment": comment,
            },
        )
    return opportunity


@transaction.atomic
def withdraw(opportunity, *, by):
    """Awaiting → draft, by the poster: it no longer waits for a check. (Closing is for what
    was public: a closed opportunity is shown to visitors, an unchecked one must not be.)"""
    require_member(opportunity, by)
    locked = _locked(opportunity)
    _require_awaiting(locked)
    locked.status = Status.DRAFT
    locked.submitted_at = None
    return _save(opportunity, locked, ["status", "submitted_at"])


CLOSABLE = {Status.PUBLISHED, Status.EXPIRED}


def is_closable(opportunity):
    """Whether `close` takes this one: published or expired."""
    return opportunity.status in CLOSABLE


@transaction.atomic
def close(opportunity, *, reason, by):
    """Published or expired → closed, because it was filled or withdrawn."""
    require_member(opportunity, by)
    if reason not in ClosedReason.values:
        _refuse(_("Say whether it was filled or withdrawn."), "reason_required")
    locked = _locked(opportunity)
    if not is_closable(locked):
        _refuse(
            _("Only a published or expired one can be closed; this one is %(status)s."),
            "not_closable",
            status=locked.get_status_display().lower(),
        )
    locked.status = Status.CLOSED
    locked.closed_reason = reason
    locked.closed_at = timezone.now()
    if isinstance(locked, Vacancy):
        privacy.anonymise_candidates([locked.pk])
    return _save(opportunity, locked, ["status", "closed_reason", "closed_at"])


@transaction.atomic
def extend(opportunity, *, closing_date, by, today=None):
    """A published or expired opportunity gets a later closing date and is published again."""
    require_member(opportunity, by)
    locked = _locked(opportunity)
    if locked.status not in {Status.PUBLISHED, Status.EXPIRED}:
        _refuse(
            _("Only a published or expired one can be extended; this one is %(status)s."),
            "not_extendable",
            status=locked.get_status_display().lower(),
        )
    _check_not_past(closing_date, today or timezone.localdate())
    if closing_date <= locked.closing_date:
        _refuse(
            _("Choose a closing date after the current one, %(date)s."),
            "not_later",
            date=formats.date_format(locked.closing_date),
        )
    locked.status = Status.PUBLISHED
    locked.closing_date = closing_date
    locked.expired_at = None
    _match_after_commit(locked)
    return _save(opportunity, locked, ["status", "closing_date", "expired_at", "matched_at"])


@transaction.atomic
def reopen(opportunity, *, closing_date, by, today=None):
    """Closed → published again, with a new closing date."""
    require_member(opportunity, by)
    locked = _locked(opportunity)
    if locked.status != Status.CLOSED:
        _refuse(
            _("Only a closed one can be reopened; this one is %(status)s."),
            "not_closed",
            status=locked.get_status_display().lower(),
        )
    _check_not_past(closing_date, today or timezone.localdate())
    locked.status = Status.PUBLISHED
    locked.closing_date = closing_date
    locked.closed_reason = ""
    locked.closed_at = None
    locked.expired_at = None
    # Keep the first publication date: the lists sort by it, and a reopened one is not new.
    locked.published_at = locked.published_at or timezone.now()
    fields = [
        "status",
        "closing_date",
        "closed_reason",
        "closed_at",
        "expired_at",
        "published_at",
        "matched_at",
    ]
    _match_after_commit(locked)
    return _save(opportunity, locked, fields)


# --- Daily work ---------------------------------------------------------------------------------


def expire_due(today):
    """Published opportunities whose closing date lies before `today` become expired, and the
    candidates proposed for expired (or closed) vacancies are anonymised (vacancies/privacy.py).

    One conditional UPDATE per model: a second run finds nothing left to expire or anonymise.
    """
    now = timezone.now()
    with transaction.atomic():
        expired = sum(
            model.objects.due_to_expire(today).update(
                status=Status.EXPIRED, expired_at=now, updated_at=now
            )
            for model in OPPORTUNITY_MODELS
        )
        # All of them, not only today's: this also catches vacancies that closed before the
        # anonymisation existed.
        privacy.anonymise_candidates(
            Vacancy.objects.filter(status__in=[Status.EXPIRED, Status.CLOSED]).values("pk")
        )
    return expired


def members_to_remind(organisation_id):
    return User.objects.filter(memberships__organisation=organisation_id, is_active=True)


def remind_expiring(today, days=3):
    """Email the members of each poster whose opportunity closes within `days` of `today`.

    Once per closing date: the claim (a conditional UPDATE of reminder_sent_for) and the emails
    are committed together, so a second run, or a second worker at the same time, sends nothing
    again; an extended opportunity has a new closing date and so gets a new reminder.
    Returns the number of opportunities reminded of.
    """
    reminded = 0
    until = today + timedelta(days=days)
    for model in OPPORTUNITY_MODELS:
        due = (
            model.objects.published()
            .filter(closing_date__gte=today, closing_date__lte=until)
            .exclude(reminder_sent_for=F("closing_date"))
            .select_related("organisation")
        )
        for opportunity in due:
            with transaction.atomic():
                claimed = (
                    model.objects.published()
                    .filter(pk=opportunity.pk, closing_date=opportunity.closing_date)
                    .exclude(reminder_sent_for=opportunity.closing_date)
                    .update(reminder_sent_for=opportunity.closing_date)
                )
                if not claimed:
                    continue
                for user in members_to_remind(opportunity.organisation_id):
                    emails.send_to_user(
                        user,
                        template="opportunity_expiring",
                        kind="expiry_reminder",
                        # The outbox writes an event once: this reminder, for this closing date.
                        key=(
                            f"opportunity_expiring:{model._meta.model_name}:{opportunity.pk}:"
                            f"{opportunity.closing_date.isoformat()}:{user.pk}"
                        ),
                        context={
                            "opportunity": opportunity,
                            "organisation": opportunity.organisation,
                            "is_vacancy": model is Vacancy,
                            "detail_url_name": DETAIL_URL_NAMES[model],
                            "days_left": (opportunity.closing_date - today).days,
                        },
                    )
                reminded += 1
    return reminded
