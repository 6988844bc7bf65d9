"""Regisseurs vouch for organisations: a verified badge on cards and profiles; or they reject a
listing, with a reason the members read (issue 19). A rejection holds until the members change
their profile (companies/profiles.update_profile), which puts it back among those to verify."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import audit, emails

from .access import can_verify


def _require_verifier(organisation, user):
    if not can_verify(user, organisation):
        raise PermissionDenied("Only a regisseur of the organisation's region may decide on it.")


def _tell_members(organisation, *, template, kind, key, context):
    for membership in organisation.memberships.select_related("user"):
        emails.send_to_user(
            membership.user,
            template=template,
            kind=kind,
            key=f"{key}:{membership.user_id}",
            context={
                "organisation": organisation,
                "profile_path": reverse("companies:profile", kwargs={"slug": organisation.slug}),
                **context,
            },
            summary=organisation.name,
        )


@transaction.atomic
def verify(organisation, *, by):
    _require_verifier(organisation, by)
    if organisation.verified_at is None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = by
        # Verifying a rejected organisation takes the rejection back.
        organisation.rejected_at = None
        organisation.rejected_by = None
        organisation.rejection_reason = ""
        organisation.save(
            update_fields=[
                "verified_at",
                "verified_by",
                "rejected_at",
                "rejected_by",
                "rejection_reason",
            ]
        )
        audit.record(by, "organisation.verified", organisation)
        _tell_members(
            organisation,
            template="organisation_verified",
            kind="organisation_verified",
            key=f"organisation_verified:{organisation.pk}:{organisation.verified_at:%s}",
            context={},
        )
    return organisation


@transaction.atomic
def reject(organisation, *, by, reason):
    """Refuse to verify the organisation, for `reason` (told to its members by email).

    A verified organisation loses its badge: the regisseur found it should not carry it."""
    _require_verifier(organisation, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    was_verified = organisation.verified_at is not None
    organisation.verified_at = None
    organisation.verified_by = None
    organisation.rejected_at = timezone.now()
    organisation.rejected_by = by
    organisation.rejection_reason = reason
    organisation.save(
        update_fields=[
            "verified_at",
            "verified_by",
            "rejected_at",
            "rejected_by",
            "rejection_reason",
        ]
    )
    audit.record(
        by, "organisation.rejected", organisation, reason=reason, was_verified=was_verified
    )
    _tell_members(
        organisation,
        template="organisation_rejected",
        # Not one to switch off: the members must learn why, and what to change.
        kind="organisation_rejected",
        key=f"organisation_rejected:{organisation.pk}:{organisation.rejected_at:%s}",
        context={
            "reason": reason,
            "edit_path": reverse("companies:organisation_edit", kwargs={"slug": organisation.slug}),
        },
    )
    return organisation


def reopen(organisation):
    """The members changed the profile: a rejected organisation waits for a check again.
    Called inside the profile's transaction; the audit log keeps the rejection."""
    if organisation.rejected_at is None:
        return
    organisation.rejected_at = None
    organisation.rejected_by = None
    organisation.rejection_reason = ""
    organisation.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
