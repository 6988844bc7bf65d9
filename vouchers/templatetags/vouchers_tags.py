"""Template tags of the voucher pages, and the dashboard's voucher section.

The portal's dashboard loads these, so that `portal` needs no import from this app.
"""

from django import template
from django.utils import timezone

from companies import access as companies_access
from companies.models import OrganisationKind

from ..models import Programme, Voucher, VoucherStatus

register = template.Library()

# How many vouchers the dashboard lists; the full lists are on their own pages.
DASHBOARD_ROWS = 5


def open_to(organisation):
    """The programmes open today whose eligible municipalities include the organisation's."""
    return Programme.objects.open(timezone.localdate()).covering(organisation.municipality_id)


@register.inclusion_tag("vouchers/_dashboard.html", takes_context=True)
def my_vouchers(context):
    """For a regular firm: its latest vouchers and the programmes open now. For a social
    enterprise: the approved vouchers waiting for it to redeem them. Two queries for either
    (the acting membership is asked once per request)."""
    request = context["request"]
    acting = companies_access.acting_membership(request)
    if acting is None:
        return {"side": None}
    organisation = acting.organisation
    related = ("programme", "applicant", "provider", "category")
    if organisation.is_social:
        vouchers = Voucher.objects.filter(
            provider=organisation, status=VoucherStatus.APPROVED
        ).select_related(*related)
        return {
            "side": "provider",
            "organisation": organisation,
            "vouchers": list(vouchers.order_by("valid_until", "pk")[:DASHBOARD_ROWS]),
        }
    if organisation.kind != OrganisationKind.REGULAR:
        return {"side": None}
    vouchers = (
        Voucher.objects.filter(applicant=organisation)
        .select_related(*related)
        .order_by("-created_at", "-pk")
    )
    return {
        "side": "applicant",
        "organisation": organisation,
        "vouchers": list(vouchers[:DASHBOARD_ROWS]),
        "open_programmes": open_to(organisation).count(),
    }
