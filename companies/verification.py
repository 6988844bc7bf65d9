"""Regisseurs vouch for organisations: a verified badge on cards and profiles."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import audit, emails

from .access import can_verify


@transaction.atomic
def verify(organisation, *, by):
    if not can_verify(by, organisation):
        raise PermissionDenied("Only a regisseur of the organisation's region may verify it.")
    if organisation.verified_at is None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = by
        organisation.save(update_fields=["verified_at", "verified_by"])
        audit.record(by, "organisation.verified", organisation)
        for membership in organisation.memberships.select_related("user"):
            emails.send_to_user(
                membership.user,
                template="organisation_verified",
                kind="organisation_verified",
                key=f"organisation_verified:{organisation.pk}:{organisation.verified_at:%s}:"
                f"{membership.user_id}",
                context={
                    "organisation": organisation,
                    "profile_path": reverse(
                        "companies:profile", kwargs={"slug": organisation.slug}
                    ),
                },
                summary=organisation.name,
            )
    return organisation
