"""An organisation's profile: its details and, for a social enterprise, the services it offers.

Members keep the profile (companies/access.py lets only them reach these pages); every change
that touches what the directory searches ends by re-indexing the organisation.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import search, verification
from .models import Membership, OfferedService, Organisation

MANY_TO_MANY = ("sectors", "recognitions", "target_groups")
TAKEN = _("An organisation with this enterprise number is already on the portal.")

# Badges that apps above companies show on a profile ("eligible for reserved contracts"): each
# a function of the organisation (loaded with Organisation.objects.for_profile()) that returns
# the labels it earns. They register from AppConfig.ready(), as report sections do; companies
# imports none of them.
_badges = []


def register_badge(badge):
    """Show the labels `badge(organisation)` returns on every profile."""
    if badge not in _badges:
        _badges.append(badge)
    return badge


def badges(organisation):
    """The labels of every registered badge the organisation earns, in the order registered."""
    return [label for badge in _badges for label in badge(organisation)]


def profile_url(organisation):
    """The path of an organisation's public profile (a map marker links to it)."""
    return reverse("companies:profile", kwargs={"slug": organisation.slug})


def require_member(organisation, user):
    if not Membership.objects.filter(organisation=organisation, user=user).exists():
        raise PermissionDenied("Only members keep an organisation's profile.")


def write_profile(organisation, data):
    """Set the fields named in `data` (form-cleaned values) on the organisation and save it.

    Each field stores its value the way a model form would (a logo of None keeps the current
    file, False clears it), so that this works for any caller, not only for our forms.
    """
    old_logo = organisation.logo.name if organisation.pk else ""
    for name, value in data.items():
        if name not in MANY_TO_MANY:
            Organisation._meta.get_field(name).save_form_data(organisation, value)
    try:
        # A savepoint, so that losing a race for an enterprise number leaves the transaction
        # usable and the user gets the form's message rather than an error page.
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        taken = Organisation.objects.filter(enterprise_number=organisation.enterprise_number)
        if taken.exclude(pk=organisation.pk).exists():
            raise ValidationError(
                {"enterprise_number": TAKEN}, code="enterprise_number_taken"
            ) from None
        raise
    for name in MANY_TO_MANY:
        if name in data:
            Organisation._meta.get_field(name).save_form_data(organisation, data[name])
    if not organisation.is_social:
        # Recognitions, target groups and services describe social-economy enterprises; left
        # on a firm they would make it turn up among them in the directory.
        organisation.recognitions.clear()
        organisation.target_groups.clear()
        organisation.services.all().delete()
    if old_logo and organisation.logo.name != old_logo:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    search.index(organisation)
    return organisation


@transaction.atomic
def update_profile(organisation, *, by, data):
    require_member(organisation, by)
    number_before = organisation.enterprise_number
    write_profile(organisation, data)
    if organisation.is_verified and organisation.enterprise_number != number_before:
        # A regisseur vouched for the enterprise behind the number; another number needs
        # another look.
        organisation.verified_at = None
        organisation.verified_by = None
        organisation.save(update_fields=["verified_at", "verified_by"])
    # A rejected listing the members put right waits for a regisseur's check again.
    verification.reopen(organisation)
    return organisation


@transaction.atomic
def add_service(
    organisation, *, by, category, description="", radius_km=None, max_order_amount=None
):
    require_member(organisation, by)
    service = OfferedService.objects.create(
        organisation=organisation,
        category=category,
        description=description,
        radius_km=radius_km,
        max_order_amount=max_order_amount,
    )
    search.index(organisation)
    return service


@transaction.atomic
def change_service(service, *, by, category, description="", radius_km=None, max_order_amount=None):
    require_member(service.organisation, by)
    service.category = category
    service.description = description
    service.radius_km = radius_km
    service.max_order_amount = max_order_amount
    service.save()
    search.index(service.organisation)
    return service


@transaction.atomic
def remove_service(service, *, by):
    require_member(service.organisation, by)
    organisation = service.organisation
    service.delete()
    search.index(organisation)
