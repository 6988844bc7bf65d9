"""Which social-economy enterprises qualify for which procurement route (issue 23, item 1).

An enterprise qualifies for a route through its recognitions: procurement.Eligibility says, per
recognition, which routes it opens and on what legal basis (curated reference data,
data/procurement_eligibility.csv, corrected by administrators in the admin). Art. 15 of the law
of 17 June 2016 lets a buyer reserve a contract, or a lot, for sheltered workshops (in Flanders:
maatwerkbedrijven) and social-insertion enterprises; the social clause in the execution and the
social award criterion are open to every social-economy enterprise the table lists.

What companies shows of it, it does not import: this app registers a profile badge and the
directory's "eligible for reserved contracts" checkbox from AppConfig.ready() (`register`).
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from companies import filters, profiles
from companies.models import Organisation, OrganisationKind

from .models import Eligibility, Route

RESERVED_ROUTES = (Route.RESERVED_CONTRACT, Route.RESERVED_LOT)
BADGE = _("Eligible for reserved contracts")


def routes_by_recognition():
    """{recognition id: set of routes}: the whole table, in one query."""
    found = {}
    for recognition_id, route in Eligibility.objects.values_list("recognition_id", "route"):
        found.setdefault(recognition_id, set()).add(route)
    return found


def routes_of(recognition_ids, table):
    """The routes that any of `recognition_ids` opens, by `table` (routes_by_recognition())."""
    return set().union(*(table.get(pk, set()) for pk in recognition_ids))


def routes_for(organisation, table):
    """The routes a social enterprise qualifies for through its recognitions, in the order of
    Route, by `table` (routes_by_recognition(): one query for a whole list); none for other
    kinds. The profile's badge is RESERVED_CONTRACT among them (reserved_badge)."""
    if organisation.kind != OrganisationKind.SOCIAL:
        return []
    recognitions = getattr(organisation, "recognition_list", None)
    if recognitions is None:
        recognitions = list(organisation.recognitions.all())
    opened = routes_of([recognition.pk for recognition in recognitions], table)
    return [route for route in Route if route in opened]


def qualifying(route):
    """An Exists over an organisation's recognitions: one of them opens `route`."""
    links = Organisation.recognitions.through.objects.filter(
        organisation=OuterRef("pk"),
        recognition__procurement_eligibilities__route=route,
    )
    return Exists(links)


def eligible_for(queryset, route):
    """The social enterprises of `queryset` that qualify for `route`."""
    return queryset.filter(qualifying(route), kind=OrganisationKind.SOCIAL)


def reserved_badge(organisation):
    """[BADGE] for a social enterprise with a recognition that opens a reserved contract."""
    if organisation.kind != OrganisationKind.SOCIAL:
        return []
    recognitions = getattr(organisation, "recognition_list", None)
    if recognitions is None:
        recognitions = list(organisation.recognitions.all())
    if not recognitions:
        return []
    opens = Eligibility.objects.filter(
        recognition__in=recognitions, route=Route.RESERVED_CONTRACT
    ).exists()
    return [BADGE] if opens else []


def register():
    profiles.register_badge(reserved_badge)
    filters.register_checkbox(
        filters.Checkbox(
            name="reserved",
            label=_("Eligible for reserved contracts only"),
            active_label=BADGE,
            described=_("(eligible for reserved contracts)"),
            narrow=lambda queryset: eligible_for(queryset, Route.RESERVED_CONTRACT),
        )
    )
