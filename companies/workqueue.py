"""The work queue's sections about organisations (portal/workqueue.py; registered from
CompaniesConfig.ready()): organisations to verify, claims and escalated join requests to decide,
profiles gone stale, organisations the KBO reports stopped."""

from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from portal.workqueue import Section, register

from . import freshness
from .models import Claim, ClaimStatus, JoinRequest, Organisation, RequestStatus

ORGANISATION_REGIONS = "municipality__regions"

register(
    Section(
        slug="organisations-to-verify",
        label=_("Organisations to verify"),
        queryset=lambda: Organisation.objects.awaiting_verification(),
        region=ORGANISATION_REGIONS,
        since="created_at",
        link="admin:companies_organisation_changelist",
        parameters={"scope": "unverified"},
        region_parameter="region",
        order=10,
    )
)
# Claims and escalated join requests are decided on one page (companies/claims.py), which shows
# those of all the decider's regions, or of one with ?region=<id> (each region's link).
register(
    Section(
        slug="claims",
        label=_("Claims to decide"),
        queryset=lambda: Claim.objects.filter(status=ClaimStatus.PENDING),
        region=f"organisation__{ORGANISATION_REGIONS}",
        since="created_at",
        link="companies:claims",
        region_parameter="region",
        order=20,
    )
)
register(
    Section(
        slug="escalated-join-requests",
        label=_("Join requests nobody answered"),
        queryset=lambda: JoinRequest.objects.filter(
            status=RequestStatus.PENDING, escalated_at__isnull=False
        ),
        region=f"organisation__{ORGANISATION_REGIONS}",
        since="escalated_at",
        link="companies:claims",
        region_parameter="region",
        order=30,
    )
)
register(
    Section(
        slug="stale-profiles",
        label=_("Profiles gone stale"),
        queryset=lambda: Organisation.objects.exclude(freshness.fresh_enough_condition()),
        region=ORGANISATION_REGIONS,
        since=Coalesce("details_confirmed_at", "created_at"),
        link="admin:companies_organisation_changelist",
        parameters={"unconfirmed": "stale"},
        region_parameter="region",
        order=60,
    )
)
register(
    Section(
        slug="stopped-by-kbo",
        label=_("Stopped according to the KBO"),
        queryset=lambda: Organisation.objects.filter(kbo_stopped_on__isnull=False),
        region=ORGANISATION_REGIONS,
        since="kbo_stopped_on",
        link="admin:companies_organisation_changelist",
        parameters={"kbo_stopped": "yes"},
        region_parameter="region",
        order=70,
    )
)
