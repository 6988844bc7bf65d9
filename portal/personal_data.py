"""A user's personal data: what the portal gives them (export), how it forgets them (erase), and
what it stops keeping after a while (retention).

Each app that holds personal data has a module `personal_data.py` with three functions, found by
name as `seed_demo` finds `demo.py` (portal imports no feature app):

- `export(user, addresses)`: {section: rows} of what the app keeps about the user;
- `erasure_problems(user)`: [Problem] that stop the account from being deleted now;
- `erase(user, addresses)`: remove or anonymise what the user's foreign keys leave behind,
  inside the deletion's transaction, before the user row goes.

`addresses` are the addresses the user has verified, in lower case (portal.accounts.
verified_addresses): an address added to an account but never confirmed may be anyone's, so
nothing sent to it or kept under it is exported or erased with that account. Rows with a foreign
key to another user (an email written to their account, an invitation they accepted) are theirs
whatever the address says.

Deleting an account deletes the user row: what the user owns goes with it (their memberships,
join requests, saved searches, addresses, preferences, the emails written to them); everything
an organisation keeps (collaborations, vouchers and their history, opportunities, verifications,
invitations) stays, its foreign key to the user set to NULL, so no name is left on it.
tests/security/test_privacy_deletion.py walks every relation to User, so a new one must be
classified there. The audit log keeps the actor's address as its label (see portal/audit.py).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from .accounts import verified_addresses
from .models import AuditEntry, Notification, NotificationPreference, NotificationStatus, User


@dataclass
class Problem:
    """Why the account cannot be deleted yet, and where to put it right: [(label, url)]."""

    message: str
    links: list = field(default_factory=list)


def _app_modules():
    """Every installed app's personal_data module but this one, in INSTALLED_APPS order."""
    modules = []
    for app_config in apps.get_app_configs():
        if app_config.name == "portal":
            continue
        if module_has_submodule(app_config.module, "personal_data"):
            modules.append(import_module(f"{app_config.name}.personal_data"))
    return modules


def any_address(field_name, addresses):
    """Q for rows whose `field_name` is one of `addresses`, whatever their case."""
    condition = Q(pk__in=[])
    for address in sorted(addresses):
        condition |= Q(**{f"{field_name}__iexact": address})
    return condition


def _when(value):
    return value.isoformat() if value else None


def _emails_to(user, addresses):
    """Q for the outbox rows written to the user: to their account, or to one of their verified
    addresses without an account (sign-up, invitations); never a row of another account."""
    return Q(recipient=user) | (Q(recipient__isnull=True) & any_address("email", addresses))


# --- Export -----------------------------------------------------------------------------------


def _two_factor_enabled(user):
    if not apps.is_installed("allauth.mfa"):
        return False
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def _contact_messages(addresses):
    """Messages the user sent through profiles: one outbox row per member, one entry each."""
    messages = {}
    rows = Notification.objects.filter(
        any_address("reply_to", addresses), kind="contact_message"
    ).order_by("created_at")
    for row in rows.values("key", "context", "created_at"):
        message_id = row["key"].split(":")[1] if row["key"].count(":") >= 2 else row["key"]
        entry = messages.setdefault(
            message_id,
            {
                "subject": (row["context"] or {}).get("summary", ""),
                "written_at": _when(row["created_at"]),
                "copies": 0,
            },
        )
        entry["copies"] += 1
    return list(messages.values())


def _portal_export(user, addresses):
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "joined_at": _when(user.date_joined),
            "last_login_at": _when(user.last_login),
            "is_staff": user.is_staff,
            "regions_coordinated": list(user.regions.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": email, "primary": primary, "verified": verified}
            for email, primary, verified in EmailAddress.objects.filter(user=user)
            .order_by("email")
            .values_list("email", "primary", "verified")
        ],
        "two_factor_authentication": {"enabled": _two_factor_enabled(user)},
        "notification_preferences": [
            {"kind": kind, "frequency": frequency}
            for kind, frequency in NotificationPreference.objects.filter(user=user)
            .order_by("kind")
            .values_list("kind", "frequency")
        ],
        "emails_to_you": [
            {
                "kind": row["kind"],
                "subject": row["subject"],
                "to": row["email"],
                "status": row["status"],
                "written_at": _when(row["created_at"]),
                "sent_at": _when(row["sent_at"]),
            }
            for row in Notification.objects.filter(_emails_to(user, addresses))
            .order_by("created_at", "pk")
            .values("kind", "subject", "email", "status", "created_at", "sent_at")
        ],
        "contact_messages_sent": _contact_messages(addresses),
        "audit_log_entries": [
            {"action": action, "object": label, "at": _when(at)}
            for action, label, at in AuditEntry.objects.filter(actor=user)
            .order_by("at", "pk")
            .values_list("action", "object_label", "at")
        ],
    }


def export(user):
    """Everything the portal keeps about `user`, as a dict that JSON can hold."""
    addresses = verified_addresses(user)
    data = {
        "portal": settings.PORTAL_NAME,
        "exported_at": _when(timezone.now()),
        **_portal_export(user, addresses),
    }
    for module in _app_modules():
        data.update(module.export(user, addresses))
    return data


# --- Erasure ----------------------------------------------------------------------------------


def erasure_problems(user):
    problems = []
    if user.is_superuser:
        problems.append(
            Problem(
                _(
                    "You are an administrator. Another administrator removes administrator "
                    "accounts in the admin, so that the portal always keeps one."
                )
            )
        )
    for module in _app_modules():
        problems.extend(module.erasure_problems(user))
    return problems


def erase(user):
    """Delete the account; raises ValidationError (with the problems) when it may not go yet.

    The problems are checked again inside the transaction, where the apps lock what they read.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        problems = erasure_problems(user)
        if problems:
            raise ValidationError([problem.message for problem in problems], code="not_yet")
        addresses = verified_addresses(user)
        for module in _app_modules():
            module.erase(user, addresses)
        # Emails written to the user's verified addresses without the account (sign-up, password
        # reset, invitations) and the copies of the messages they sent through profiles; those
        # written to the account go with it.
        Notification.objects.filter(
            _emails_to(user, addresses)
            | (Q(kind="contact_message") & any_address("reply_to", addresses))
        ).delete()
        user.delete()


# --- Retention --------------------------------------------------------------------------------


def _days_ago(now, days):
    return now - timedelta(days=days)


def unverified_accounts(now):
    """Accounts older than PRIVACY_UNVERIFIED_ACCOUNT_DAYS that never logged in and have an
    address that was never verified (and none that was): sign-ups nobody finished."""
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(
        Exists(addresses.filter(verified=False)),
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
        date_joined__lt=_days_ago(now, settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS),
    ).exclude(Exists(addresses.filter(verified=True)))


def remove_unverified_accounts(now):
    removed = 0
    for user in unverified_accounts(now):
        try:
            erase(user)
        except ValidationError:  # made an owner in the admin meanwhile: it stays
            continue
        removed += 1
    return removed


FINISHED = [NotificationStatus.SENT, NotificationStatus.DIGESTED, NotificationStatus.FAILED]


def remove_old_notifications(now):
    """Sent, digested and failed emails older than PRIVACY_NOTIFICATION_DAYS: their text holds
    names and messages. Pending and held ones wait for delivery and stay."""
    cutoff = _days_ago(now, settings.PRIVACY_NOTIFICATION_DAYS)
    deleted, _by_model = Notification.objects.filter(
        status__in=FINISHED, created_at__lt=cutoff
    ).delete()
    return deleted


def remove_old_audit_entries(now):
    cutoff = _days_ago(now, settings.PRIVACY_AUDIT_LOG_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


def remove_expired(now=None):
    """The nightly clean-up (portal.tasks.remove_expired_personal_data); safe to run again."""
    now = now or timezone.now()
    return {
        "unverified_accounts": remove_unverified_accounts(now),
        "notifications": remove_old_notifications(now),
        "audit_entries": remove_old_audit_entries(now),
    }
