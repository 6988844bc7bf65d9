"""The audit log: who changed vouchers, verifications, memberships and programmes, and when.

One function writes it, `record(actor, action, obj, **changes)`, called inside the transaction
of the change it records, so an entry exists exactly when the change was committed. Actions are
named "<noun>.<what happened>" ("voucher.approved", "membership.role_changed").

Who reads it: administrators (superusers) in the admin, read-only. Regisseurs do not: an entry
would need the regions of every kind of object it names, and an organisation's region can change
with its address; the regie asks an administrator. Entries are removed after
PRIVACY_AUDIT_LOG_DAYS (portal/personal_data.py, daily).
"""

from django.db import models

from .models import AuditEntry

MAX_LABEL = 300


def _plain(value):
    """A value the JSON column can hold: model rows and querysets by their labels."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def record(actor, action, obj, **changes):
    """Write one entry: `actor` (a user, or None when the portal acts) did `action` to `obj`.

    `changes` are what the entry should tell besides (a role from and to, a note); rows and
    querysets among them are kept by their labels, dates and amounts as text.
    """
    actor = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:MAX_LABEL],
        changes=_plain(changes),
    )
