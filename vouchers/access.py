"""Who may do what with vouchers, on top of companies.access.

Three parties: the applicant's members (apply, withdraw, see their vouchers), the provider's
members (find a voucher by its code and redeem it) and the programme's managers (the regisseurs of
its region, and administrators: approve, reject, mark paid). vouchers/lifecycle.py asks these
questions before every step; the pages and the admin use the querysets to show only what is the
user's.
"""

from companies.access import memberships_of

from .models import Programme, Voucher


def is_programme_manager(user, programme):
    """Administrators manage every programme; a regisseur those of the regions they coordinate."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return Programme.objects.run_by(user).filter(pk=programme.pk).exists()


def _organisations_of(user):
    if not (user.is_authenticated and user.is_active):
        return None
    return memberships_of(user).values("organisation")


def vouchers_of_applicant(user):
    """Every voucher any organisation of the user applied for, whatever its status."""
    organisations = _organisations_of(user)
    if organisations is None:
        return Voucher.objects.none()
    return Voucher.objects.filter(applicant__in=organisations)


def vouchers_of_provider(user):
    """The vouchers naming an organisation of the user as provider, once they were approved.

    An application the regisseur has not approved (or rejected, or that was withdrawn before a
    decision) is between the applicant and the regisseur; the provider sees a voucher from the
    moment it has a code, which only approval gives.
    """
    organisations = _organisations_of(user)
    if organisations is None:
        return Voucher.objects.none()
    return Voucher.objects.filter(provider__in=organisations, code__isnull=False)
