"""Regisseurs vouch for organisations: a verified badge on cards and profiles."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .access import can_verify


def verify(organisation, *, by):
    if not can_verify(by, organisation):
        raise PermissionDenied("Only a regisseur of the organisation's region may verify it.")
    if organisation.verified_at is None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = by
        organisation.save(update_fields=["verified_at", "verified_by"])
    return organisation


def revoke_verification(organisation, *, by):
    if not can_verify(by, organisation):
        raise PermissionDenied("Only a regisseur of the organisation's region may do this.")
    organisation.verified_at = None
    organisation.verified_by = None
    organisation.save(update_fields=["verified_at", "verified_by"])
    return organisation
