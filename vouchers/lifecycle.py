"""The life of a voucher: the one place where its status changes.

    apply ──> submitted ──reject──> rejected
                │    │
                │    └──approve──> approved ──redeem──> redeemed ──mark_paid──> paid
                │                    │   │
                └──withdraw──┐       │   └──(validity ended, beat)──> expired
                             v       │
                         withdrawn <─┘ withdraw

TRANSITIONS says who takes each step: a member of the applicant applies and withdraws, a member
of the provider redeems, the programme's managers (regisseurs of its region, administrators;
vouchers/access.py) approve, reject and mark paid, and the portal itself expires. A user who may
not take a step at all gets PermissionDenied; a step that does not fit the voucher's state, or
input that is not right, gets a VoucherError whose `code` names the problem and whose message,
already translated into the active language, tells the user what to do.

Every step locks the voucher's row, checks its status afresh, writes a VoucherEvent and writes
the parties' emails to the outbox in the same transaction, each under a dedupe key that names
the voucher, the step and the recipient: a status is reached once in a voucher's life, so the
same step never emails anyone twice.

Budget: approval locks the programme's row (SELECT ... FOR UPDATE) before it adds up what the
programme's vouchers hold, and sets the voucher's amount in the same transaction. Approvals of
one programme therefore queue behind each other, and each sees the ones committed before it: the
budget can never be overspent, however many regisseurs click at once (tests/vouchers/
test_budget_race.py races 50 approvals for 30 vouchers' worth). A CHECK constraint cannot see
other rows, so the database holds a second guard, a trigger (migration 0002) that refuses any
write making a programme's vouchers hold more than its budget, also for writes that bypass this
module; on PostgreSQL it takes the same row lock, so it too is safe under concurrency.
"""

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies import collaborations
from companies.access import is_member
from companies.models import (
    CollaborationChannel,
    CollaborationRole,
    CollaborationSource,
    Organisation,
    OrganisationKind,
)
from portal import audit, emails
from portal.models import Notification, User
from portal.notifications import absolute, reverse_in
from portal.templatetags.amounts import euros

from . import access
from .models import COUNTING, HOLDING, Programme, Voucher, VoucherEvent, VoucherStatus

S = VoucherStatus

# Who takes a step: a member of the applicant or of the provider, a manager of the programme
# (access.is_programme_manager), or the portal itself (a beat task, no user).
APPLICANT = "applicant"
PROVIDER = "provider"
MANAGER = "manager"
PORTAL = "portal"

# (from, to) -> who may take that step. Anything not listed is an illegal step.
TRANSITIONS = {
    ("", S.SUBMITTED): APPLICANT,
    (S.SUBMITTED, S.APPROVED): MANAGER,
    (S.SUBMITTED, S.REJECTED): MANAGER,
    (S.SUBMITTED, S.WITHDRAWN): APPLICANT,
    (S.APPROVED, S.WITHDRAWN): APPLICANT,
    (S.APPROVED, S.REDEEMED): PROVIDER,
    (S.APPROVED, S.EXPIRED): PORTAL,
    (S.REDEEMED, S.PAID): MANAGER,
}

# Reminders go out this many days (or fewer, when the beat ran late) before validity ends.
REMINDER_DAYS = (30, 7)
FOLLOW_UP_AFTER_MONTHS = 12

# Codes: "KC-" and ten characters of an alphabet without 0/O and 1/I, which people misread;
# 32 ** 10 (about 10 ** 15) possible codes, drawn with `secrets`.
CODE_PREFIX = "KC-"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10

MAX_INVOICE_AMOUNT = Decimal("99999999.99")  # Voucher.invoice_amount: 10 digits, 2 decimals
MAX_REFERENCE_LENGTH = 50  # Voucher.invoice_number and payment_reference
MAX_INTENDED_USE_LENGTH = 2000
MAX_NOTE_LENGTH = 2000  # notes and reasons on events
CENT = Decimal("0.01")


class VoucherError(ValidationError):
    """A step that is not possible now; `code` names why, the message says so to the user.

    The message is translated and formatted when raised, so `str(error.message)` and
    `error.messages` both give the finished sentence.
    """

    def __init__(self, message, code, **params):
        super().__init__(message % params if params else message, code=code)


# --- Who may -------------------------------------------------------------------------------------


def may(user, voucher, role):
    """Whether `user` has `role` for `voucher` (the portal role belongs to no user)."""
    if role == APPLICANT:
        return is_member(user, voucher.applicant)
    if role == PROVIDER:
        return is_member(user, voucher.provider)
    if role == MANAGER:
        return access.is_programme_manager(user, voucher.programme)
    return False


def _require(user, voucher, to_status):
    """PermissionDenied unless `user` may take the steps that lead to `to_status`."""
    roles = {role for (_from, to), role in TRANSITIONS.items() if to == to_status}
    if not any(may(user, voucher, role) for role in roles):
        raise PermissionDenied(f"This user may not make a voucher {to_status}.")


def _illegal(voucher, to_status):
    messages = {
        S.APPROVED: _("Only a submitted application can be approved; this voucher is %(status)s."),
        S.REJECTED: _("Only a submitted application can be rejected; this voucher is %(status)s."),
        S.WITHDRAWN: _(
            "Only a submitted or approved voucher can be withdrawn; this voucher is %(status)s."
        ),
        S.REDEEMED: _("Only an approved voucher can be redeemed; this voucher is %(status)s."),
        S.PAID: _("Only a redeemed voucher can be marked paid; this voucher is %(status)s."),
        S.EXPIRED: _("Only an approved voucher can expire; this voucher is %(status)s."),
    }
    return VoucherError(
        messages[to_status], "illegal_step", status=voucher.get_status_display().lower()
    )


# --- Reading -------------------------------------------------------------------------------------


def held(programme):
    """What the programme's approved, redeemed and paid vouchers hold against its budget."""
    return Voucher.objects.filter(programme=programme, status__in=HOLDING).aggregate(
        total=Sum("amount", default=Decimal(0))
    )["total"]


def _day(value):
    return formats.date_format(value)


def eligibility_facts(programmes, applicant, *, fresh=False):
    """What eligibility_problems needs to know from the database, for many programmes at once:
    {programme pk: (covers the applicant's municipality, the applicant's counting vouchers,
    what the programme's vouchers hold)}. Two queries, whatever the number of programmes; the
    third figure comes from Programme.objects.with_budget() when the programmes carry it and
    `fresh` is false (a page), from a query of its own otherwise (a step)."""
    programmes = list(programmes)
    ids = [programme.pk for programme in programmes]
    covered = set(
        Programme.objects.filter(pk__in=ids)
        .covering(applicant.municipality_id)
        .values_list("pk", flat=True)
    )
    counts = dict(
        Voucher.objects.filter(programme__in=ids, applicant=applicant, status__in=COUNTING)
        .values_list("programme")
        .annotate(count=Count("pk"))
        .values_list("programme", "count")
    )
    return {
        programme.pk: (
            programme.pk in covered,
            counts.get(programme.pk, 0),
            programme.held if hasattr(programme, "held") and not fresh else held(programme),
        )
        for programme in programmes
    }


def eligibility_problems(programme, applicant, *, today=None, facts=None):
    """Why `applicant` may not apply to `programme` now; an empty list when it may.

    Pages show these before the form is filled in; `apply` raises the first of them. `facts`
    (eligibility_facts' tuple for this programme) spares the queries when asking for a list.
    """
    today = today or timezone.localdate()
    if facts is None:
        facts = eligibility_facts([programme], applicant, fresh=True)[programme.pk]
    covers, count, held_now = facts
    problems = []
    if today < programme.opens_on:
        problems.append(
            VoucherError(
                _("Applications for this programme open on %(date)s."),
                "window_closed",
                date=_day(programme.opens_on),
            )
        )
    elif today > programme.closes_on:
        problems.append(
            VoucherError(
                _("Applications for this programme closed on %(date)s."),
                "window_closed",
                date=_day(programme.closes_on),
            )
        )
    if applicant.kind != OrganisationKind.REGULAR:
        problems.append(
            VoucherError(
                _(
                    "Introduction vouchers are for regular firms; %(name)s is registered as "
                    "“%(kind)s”."
                ),
                "not_eligible",
                name=applicant.name,
                kind=applicant.get_kind_display(),
            )
        )
    elif not covers:
        problems.append(
            VoucherError(
                _("%(name)s lies in %(municipality)s, which this programme does not cover."),
                "not_eligible",
                name=applicant.name,
                municipality=applicant.municipality.name,
            )
        )
    if not applicant.is_verified:
        problems.append(
            VoucherError(
                _(
                    "%(name)s is not verified yet. A regisseur of the regie sociale economie "
                    "verifies organisations; apply once yours carries the verified badge."
                ),
                "applicant_not_verified",
                name=applicant.name,
            )
        )
    if count >= programme.vouchers_per_firm:
        problems.append(
            VoucherError(
                ngettext(
                    "%(name)s already has %(count)d voucher in this programme, the most a firm "
                    "may have.",
                    "%(name)s already has %(count)d vouchers in this programme, the most a firm "
                    "may have.",
                    count,
                ),
                "maximum_reached",
                name=applicant.name,
                count=count,
            )
        )
    if held_now + programme.voucher_value > programme.budget:
        problems.append(
            VoucherError(
                _("The budget of this programme is used up: no more vouchers can be given."),
                "budget_used_up",
            )
        )
    return problems


def _provider_problems(provider):
    """Why `provider` cannot do the work of a voucher: not a verified social enterprise."""
    if not provider.is_social:
        return [
            VoucherError(
                _("%(name)s is not a social-economy enterprise; choose a social enterprise."),
                "provider_not_social",
                name=provider.name,
            )
        ]
    if not provider.is_verified:
        return [
            VoucherError(
                _("%(name)s is not verified yet; choose a verified social enterprise."),
                "provider_not_verified",
                name=provider.name,
            )
        ]
    return []


def _category_problems(programme, category, provider):
    """Why `category` cannot be the voucher's service: the programme does not cover it, or
    the provider (when known) does not offer it."""
    if programme.categories.exists() and not programme.categories.filter(pk=category.pk).exists():
        return [
            VoucherError(
                _("This programme does not cover the service “%(category)s”."),
                "category_not_eligible",
                category=category.name,
            )
        ]
    if provider is not None and not provider.services.filter(category=category).exists():
        return [
            VoucherError(
                _("%(name)s does not offer the service “%(category)s”."),
                "provider_does_not_offer",
                name=provider.name,
                category=category.name,
            )
        ]
    return []


# A field that the caller does not give (a form's field that did not parse) is not checked.
NOT_GIVEN = object()


def _collect(problems):
    """The problems by field, without the fields that have none (None: the whole step)."""
    return {field: found for field, found in problems.items() if found}


def first_problem(problems):
    """The first of `problems` (by field, as the *_problems functions give), or None."""
    for found in problems.values():
        return found[0]
    return None


def application_problems(
    programme,
    *,
    applicant,
    provider=NOT_GIVEN,
    category=NOT_GIVEN,
    intended_use=NOT_GIVEN,
    expected_date=NOT_GIVEN,
    today=None,
):
    """Every reason why `applicant` may not apply with this input, by field: None holds what
    concerns the application as a whole (eligibility_problems), then "provider", "category",
    "expected_date" and "intended_use"; an empty dict when it may.

    The form runs it with the fields that parsed, so that all problems are said at once;
    `apply` runs it with all of them and raises the first.
    """
    today = today or timezone.localdate()
    problems = {None: eligibility_problems(programme, applicant, today=today)}
    if provider is not NOT_GIVEN:
        problems["provider"] = _provider_problems(provider)
    if category is not NOT_GIVEN:
        offering = None if provider is NOT_GIVEN or problems["provider"] else provider
        problems["category"] = _category_problems(programme, category, offering)
    if expected_date is not NOT_GIVEN:
        if not isinstance(expected_date, date) or isinstance(expected_date, datetime):
            problems["expected_date"] = [
                VoucherError(
                    _("Give the date you expect the service, as a date."), "expected_date_past"
                )
            ]
        elif expected_date < today:
            problems["expected_date"] = [
                VoucherError(
                    _("The expected date %(date)s has passed; give today or a later date."),
                    "expected_date_past",
                    date=_day(expected_date),
                )
            ]
    if intended_use is not NOT_GIVEN:
        text = intended_use.strip() if isinstance(intended_use, str) else ""
        if not text or len(text) > MAX_INTENDED_USE_LENGTH:
            problems["intended_use"] = [
                VoucherError(
                    _("Say in at most %(limit)d characters what you want to use the voucher for."),
                    "intended_use_required",
                    limit=MAX_INTENDED_USE_LENGTH,
                )
            ]
    return _collect(problems)


def normalise_code(text):
    """A code as stored ("KC-XXXXXXXXXX") from what someone typed, or "" when it cannot be one.

    Case, spaces, dashes and the "KC" prefix do not matter: "kc 7h3m-x9q2 rt" finds KC-7H3MX9Q2RT.
    """
    if not isinstance(text, str) or len(text) > 40:
        return ""
    compact = "".join(character for character in text.upper() if character.isalnum())
    if len(compact) == CODE_LENGTH + 2 and compact.startswith("KC"):
        compact = compact[2:]
    if len(compact) != CODE_LENGTH:
        return ""
    return CODE_PREFIX + compact


def find_by_code(code, *, provider):
    """The voucher with this code that names `provider`; VoucherError("code_unknown") if none.

    Another provider's code is unknown too: a code confirms nothing to someone it is not for.
    """
    normalised = normalise_code(code)
    voucher = (
        Voucher.objects.filter(code=normalised, provider=provider)
        .select_related("programme", "applicant", "provider", "category")
        .first()
        if normalised
        else None
    )
    if voucher is None:
        raise VoucherError(
            _("No voucher for your organisation has this code. Check it and try again."),
            "code_unknown",
        )
    return voucher


def new_code():
    """An unguessable code not given before (the unique constraint backs the check)."""
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Voucher.objects.filter(code=code).exists():
            return code


# --- Steps ---------------------------------------------------------------------------------------


def _locked(voucher):
    """The voucher's row, locked until the transaction ends: two clicks take one step."""
    return Voucher.objects.select_for_update().get(pk=voucher.pk)


def _move(voucher, locked, to_status, *, actor, note="", fields=()):
    """Take the step on the locked row, write its event and copy the result to `voucher`."""
    from_status = locked.status
    if (from_status, to_status) not in TRANSITIONS:
        raise _illegal(locked, to_status)
    locked.status = to_status
    locked.save(update_fields=["status", *fields, "updated_at"])
    VoucherEvent.objects.create(
        voucher=locked, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    audit.record(
        actor,
        f"voucher.{to_status}",
        locked,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    for name in ["status", *fields, "updated_at"]:
        setattr(voucher, name, getattr(locked, name))
    return voucher


def _check_date(value, *, code, message, **params):
    if not isinstance(value, date) or isinstance(value, datetime):
        raise VoucherError(message, code, **params)


def _text(value, *, limit):
    """The stripped text, or "" when it is missing or longer than `limit` (the caller refuses)."""
    text = value.strip() if isinstance(value, str) else ""
    return text if len(text) <= limit else ""


def _note(value):
    """An optional note for the event, kept to what the event's history shows."""
    return value.strip()[:MAX_NOTE_LENGTH] if isinstance(value, str) else ""


def _money(value):
    """A positive amount in cents, or None."""
    if isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_INVOICE_AMOUNT:
        return None
    if amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def apply(programme, *, applicant, provider, category, intended_use, expected_date, user):
    """A member of `applicant` applies for a voucher to try `provider`'s service `category`."""
    if not is_member(user, applicant):
        raise PermissionDenied("Only a member of the applicant applies for its vouchers.")
    today = timezone.localdate()
    intended_use = intended_use.strip() if isinstance(intended_use, str) else ""
    with transaction.atomic():
        # One application of a firm at a time, so that two at once cannot both pass the maximum.
        applicant = Organisation.objects.select_for_update().get(pk=applicant.pk)
        problem = first_problem(
            application_problems(
                programme,
                applicant=applicant,
                provider=provider,
                category=category,
                intended_use=intended_use,
                expected_date=expected_date,
                today=today,
            )
        )
        if problem:
            raise problem
        voucher = Voucher.objects.create(
            programme=programme,
            applicant=applicant,
            provider=provider,
            category=category,
            intended_use=intended_use,
            expected_date=expected_date,
            applied_by=user,
            terms_accepted_at=timezone.now(),
        )
        VoucherEvent.objects.create(
            voucher=voucher, from_status="", to_status=S.SUBMITTED, actor=user
        )
        audit.record(user, f"voucher.{S.SUBMITTED}", voucher, from_status="", to_status=S.SUBMITTED)
        _tell(voucher, S.SUBMITTED, applicant=True, managers=True)
    return voucher


def approve(voucher, *, user, note=""):
    """A manager approves: the voucher holds the programme's voucher value and gets its code."""
    _require(user, voucher, S.APPROVED)
    with transaction.atomic():
        # The programme's row first: approvals of one programme queue here (see the docstring).
        programme = Programme.objects.select_for_update().get(pk=voucher.programme_id)
        locked = _locked(voucher)
        if locked.status != S.SUBMITTED:
            raise _illegal(locked, S.APPROVED)
        if held(programme) + programme.voucher_value > programme.budget:
            raise VoucherError(
                _(
                    "The budget of this programme is used up: approving this voucher would "
                    "overspend it. Reject the application or raise the budget."
                ),
                "budget_used_up",
            )
        locked.amount = programme.voucher_value
        locked.code = new_code()
        locked.decided_at = timezone.now()
        locked.valid_until = timezone.localdate() + timedelta(days=programme.validity_days)
        _move(
            voucher,
            locked,
            S.APPROVED,
            actor=user,
            note=_note(note),
            fields=["amount", "code", "decided_at", "valid_until"],
        )
        _tell(voucher, S.APPROVED, applicant=True, provider=True)
    return voucher


def reject(voucher, *, user, reason):
    """A manager rejects an application, saying why (the applicant reads the reason)."""
    _require(user, voucher, S.REJECTED)
    reason = _text(reason, limit=MAX_NOTE_LENGTH)
    if not reason:
        raise VoucherError(
            _(
                "Give the reason for the rejection (at most %(limit)d characters): the "
                "applicant reads it."
            ),
            "reason_required",
            limit=MAX_NOTE_LENGTH,
        )
    with transaction.atomic():
        locked = _locked(voucher)
        locked.rejection_reason = reason
        locked.decided_at = timezone.now()
        _move(
            voucher,
            locked,
            S.REJECTED,
            actor=user,
            note=reason,
            fields=["rejection_reason", "decided_at"],
        )
        _tell(voucher, S.REJECTED, applicant=True)
    return voucher


def withdraw(voucher, *, user, note=""):
    """A member of the applicant withdraws a submitted or approved voucher; it frees its budget."""
    _require(user, voucher, S.WITHDRAWN)
    with transaction.atomic():
        locked = _locked(voucher)
        problem = first_problem(withdrawal_problems(locked))
        if problem:
            raise problem
        was_approved = locked.status == S.APPROVED
        locked.amount = Decimal(0)
        _move(
            voucher,
            locked,
            S.WITHDRAWN,
            actor=user,
            note=_note(note),
            fields=["amount"],
        )
        _tell(voucher, S.WITHDRAWN, applicant=True, provider=was_approved, managers=True)
    return voucher


def redeem(voucher, *, user, delivered_on, invoice_number, invoice_amount):
    """A member of the provider declares the service delivered; the voucher pays at most its
    value, and the portal records the collaboration the voucher started."""
    _require(user, voucher, S.REDEEMED)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(voucher)
        problem = first_problem(
            redemption_problems(
                locked,
                delivered_on=delivered_on,
                invoice_number=invoice_number,
                invoice_amount=invoice_amount,
                today=today,
            )
        )
        if problem:
            raise problem
        number = _text(invoice_number, limit=MAX_REFERENCE_LENGTH)
        amount = _money(invoice_amount)
        try:
            collaboration = collaborations.record(
                regular=locked.applicant,
                social=locked.provider,
                role=CollaborationRole.CLIENT,
                category=locked.category,
                started=delivered_on,
                channel=CollaborationChannel.VOUCHER,
                source=CollaborationSource.VOUCHER,
            )
        except ValidationError as error:  # an organisation changed its kind since it applied
            raise VoucherError(" ".join(error.messages), "not_eligible") from error
        locked.delivered_on = delivered_on
        locked.invoice_number = number
        locked.invoice_amount = amount
        locked.amount = min(amount, locked.amount)
        locked.redeemed_at = timezone.now()
        locked.collaboration = collaboration
        _move(
            voucher,
            locked,
            S.REDEEMED,
            actor=user,
            fields=[
                "delivered_on",
                "invoice_number",
                "invoice_amount",
                "amount",
                "redeemed_at",
                "collaboration",
            ],
        )
        _tell(voucher, S.REDEEMED, applicant=True, managers=True)
    return voucher


def redemption_problems(
    voucher,
    *,
    delivered_on=NOT_GIVEN,
    invoice_number=NOT_GIVEN,
    invoice_amount=NOT_GIVEN,
    today=None,
):
    """Every reason why `voucher` cannot be redeemed with this declaration, by field: None for
    the voucher itself (its status, its validity, the provider's missing bank account), then
    "delivered_on", "invoice_number" and "invoice_amount"; an empty dict when it can. As
    application_problems: the form runs it with the fields that parsed, `redeem` with all of
    them and raises the first."""
    today = today or timezone.localdate()
    problems = {None: [], "delivered_on": [], "invoice_number": [], "invoice_amount": []}
    if voucher.status != S.APPROVED:
        problems[None].append(_illegal(voucher, S.REDEEMED))
    elif voucher.valid_until < today:
        problems[None].append(
            VoucherError(
                _("This voucher was valid until %(date)s; it can no longer be redeemed."),
                "illegal_step",
                date=_day(voucher.valid_until),
            )
        )
    if not voucher.provider.iban:
        # The regie pays to it (the payouts CSV): asked before the work is declared done.
        problems[None].append(
            VoucherError(
                _(
                    "Add the bank account to which the regie pays first, on the “Bank account” "
                    "page of %(name)s."
                ),
                "provider_without_bank_account",
                name=voucher.provider.name,
            )
        )
    if delivered_on is not NOT_GIVEN:
        if not isinstance(delivered_on, date) or isinstance(delivered_on, datetime):
            problems["delivered_on"].append(
                VoucherError(
                    _("Give the date you delivered the service, as a date."), "invoice_invalid"
                )
            )
        elif voucher.decided_at is not None:
            approved_on = timezone.localdate(voucher.decided_at)
            if not approved_on <= delivered_on <= today:
                problems["delivered_on"].append(
                    VoucherError(
                        _(
                            "The service must have been delivered between the approval of the "
                            "voucher (%(approved)s) and today."
                        ),
                        "invoice_invalid",
                        approved=_day(approved_on),
                    )
                )
    if invoice_number is not NOT_GIVEN and not _text(invoice_number, limit=MAX_REFERENCE_LENGTH):
        problems["invoice_number"].append(
            VoucherError(
                _("Give the number of your invoice (at most %(limit)d characters)."),
                "invoice_invalid",
                limit=MAX_REFERENCE_LENGTH,
            )
        )
    if invoice_amount is not NOT_GIVEN and _money(invoice_amount) is None:
        problems["invoice_amount"].append(
            VoucherError(
                _(
                    "Give the invoice amount in euros: at least %(minimum)s and at most "
                    "%(maximum)s, with at most two decimals."
                ),
                "invoice_invalid",
                minimum=euros(CENT),
                maximum=euros(MAX_INVOICE_AMOUNT),
            )
        )
    return _collect(problems)


def withdrawal_problems(voucher):
    """Why `voucher` cannot be withdrawn now, by field (only None: its status)."""
    if (voucher.status, S.WITHDRAWN) in TRANSITIONS:
        return {}
    return {None: [_illegal(voucher, S.WITHDRAWN)]}


def mark_paid(voucher, *, user, paid_on, reference):
    """A manager records that the voucher's amount was paid to the provider."""
    _require(user, voucher, S.PAID)
    today = timezone.localdate()
    reference = _text(reference, limit=MAX_REFERENCE_LENGTH)
    with transaction.atomic():
        locked = _locked(voucher)
        if locked.status != S.REDEEMED:
            raise _illegal(locked, S.PAID)
        _check_date(
            paid_on,
            code="payment_invalid",
            message=_("Give the date of the payment, as a date."),
        )
        if not locked.delivered_on <= paid_on <= today:
            raise VoucherError(
                _(
                    "The payment date must lie between the delivery of the service "
                    "(%(delivered)s) and today."
                ),
                "payment_invalid",
                delivered=_day(locked.delivered_on),
            )
        if not reference:
            raise VoucherError(
                _("Give the payment reference (at most %(limit)d characters)."),
                "payment_invalid",
                limit=MAX_REFERENCE_LENGTH,
            )
        locked.paid_on = paid_on
        locked.payment_reference = reference
        _move(
            voucher,
            locked,
            S.PAID,
            actor=user,
            fields=["paid_on", "payment_reference"],
        )
        _tell(voucher, S.PAID, applicant=True, provider=True)
    return voucher


# --- Daily work (vouchers/tasks.py) --------------------------------------------------------------


def expire_due(*, today=None):
    """Approved vouchers whose validity ended before `today` expire and free their budget.

    Each in its own transaction, re-checked under its lock: a voucher redeemed or withdrawn in
    the meantime is left alone, and a second run finds nothing left to expire.
    """
    today = today or timezone.localdate()
    expired = 0
    due = Voucher.objects.filter(status=S.APPROVED, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            locked = (
                Voucher.objects.select_for_update()
                .filter(pk=pk, status=S.APPROVED, valid_until__lt=today)
                .first()
            )
            if locked is None:
                continue
            locked.amount = Decimal(0)
            _move(locked, locked, S.EXPIRED, actor=None, fields=["amount"])
            _tell(locked, S.EXPIRED, applicant=True, provider=True)
        expired += 1
    return expired


def _reminder_due(voucher, today):
    """The reminder due for `voucher` on `today`: the smallest of REMINDER_DAYS reached, or None.

    A reminder whose day came before the voucher was approved is skipped: a voucher valid for
    ten days gets the 7-day reminder only, not a "30 days left" on the day of its approval.
    """
    days_left = (voucher.valid_until - today).days
    validity = (voucher.valid_until - timezone.localdate(voucher.decided_at)).days
    reached = [days for days in REMINDER_DAYS if days_left <= days < validity]
    return min(reached) if reached else None


def send_expiry_reminders(*, today=None):
    """Remind the applicant and the provider that an approved voucher is still unredeemed.

    At 30 and at 7 days before the end of its validity (or the first run after, when the beat
    missed a day; see _reminder_due); each reminder once per voucher, validity end and
    recipient, through the outbox's dedupe key. Returns the number of vouchers reminded of.
    """
    today = today or timezone.localdate()
    due = Voucher.objects.filter(
        status=S.APPROVED,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)),
    ).select_related("programme", "applicant", "provider", "category")
    reminded = 0
    for voucher in due:
        reminder = _reminder_due(voucher, today)
        if reminder is None:
            continue
        with transaction.atomic():
            written = _tell(
                voucher,
                "expiring",
                applicant=True,
                provider=True,
                key=f"{voucher.valid_until.isoformat()}:{reminder}",
                context={"days_left": (voucher.valid_until - today).days},
            )
        reminded += bool(written)
    return reminded


def _a_year_before(today, years=1):
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def send_follow_ups(*, today=None):
    """Twelve months after redemption, ask the applicant whether the collaboration goes on.

    Claimed with a conditional UPDATE of follow_up_sent_at, committed with the emails: once per
    voucher, also with two workers at the same time. A collaboration that has ended already (or
    was removed from the register) leaves nothing to ask: the voucher is claimed without an
    email. Returns the number of vouchers the applicant was asked about.
    """
    today = today or timezone.localdate()
    cutoff = _a_year_before(today, FOLLOW_UP_AFTER_MONTHS // 12)
    due = Voucher.objects.filter(
        status__in=(S.REDEEMED, S.PAID),
        follow_up_sent_at__isnull=True,
        redeemed_at__date__lte=cutoff,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Voucher.objects.filter(pk=pk, follow_up_sent_at__isnull=True).update(
                follow_up_sent_at=timezone.now()
            )
            if not claimed:
                continue
            voucher = Voucher.objects.select_related(
                "programme__region", "applicant", "provider", "category", "collaboration"
            ).get(pk=pk)
            collaboration = voucher.collaboration
            if collaboration is None or (collaboration.ended and collaboration.ended <= today):
                continue
            reply_to = _regie_address(voucher)
            _tell(
                voucher,
                "follow_up",
                applicant=True,
                reply_to=reply_to,
                context={"can_reply": bool(reply_to)},
            )
        sent += 1
    return sent


def _regie_address(voucher):
    """Where an answer to a follow-up goes: the first regisseur of the programme's region."""
    regisseur = _managers(voucher.programme).first()
    return regisseur.email if regisseur else ""


# --- Telling the parties -------------------------------------------------------------------------


def _members(organisation):
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "pk"
    )


def _managers(programme):
    return programme.region.regisseurs.filter(is_active=True, is_staff=True).order_by("pk")


# Where each party's email sends them: their list of vouchers, or the voucher in the admin.
LINKS = {
    APPLICANT: "vouchers:my_vouchers",
    PROVIDER: "vouchers:to_redeem",
    MANAGER: "admin:vouchers_voucher_change",
}


def _link(step, audience, voucher, language):
    if step == "follow_up":
        # The applicant answers on its collaborations page, where it can end the collaboration.
        return absolute(
            reverse_in("companies:collaborations", language, slug=voucher.applicant.slug)
        )
    if audience == MANAGER:
        return absolute(reverse_in(LINKS[MANAGER], language, object_id=voucher.pk))
    return absolute(reverse_in(LINKS[audience], language))


def _tell(
    voucher,
    step,
    *,
    applicant=False,
    provider=False,
    managers=False,
    key="",
    context=None,
    reply_to="",
):
    """Email the parties about a step (template voucher_<step>); returns how many emails were
    written now (an email whose key exists already is not written again)."""
    audiences = []
    if applicant:
        audiences.append((APPLICANT, _members(voucher.applicant)))
    if provider:
        audiences.append((PROVIDER, _members(voucher.provider)))
    if managers:
        audiences.append((MANAGER, _managers(voucher.programme)))
    written = 0
    for audience, users in audiences:
        for user in users:
            dedupe_key = ":".join(
                part for part in ("voucher", str(voucher.pk), step, key, str(user.pk)) if part
            )
            if Notification.objects.filter(key=dedupe_key).exists():
                continue
            row = emails.send_to_user(
                user,
                template=f"voucher_{step}",
                kind="voucher",
                key=dedupe_key,
                context={
                    "voucher": voucher,
                    "programme": voucher.programme,
                    "applicant": voucher.applicant,
                    "provider": voucher.provider,
                    "audience": audience,
                    "link": _link(step, audience, voucher, user.language),
                    **(context or {}),
                },
                reply_to=reply_to,
            )
            written += row is not None
    return written
