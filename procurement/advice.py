"""The buying helper's advice (issue 23, item 2): for each purchase of a plan, how many eligible
social enterprises reach the place of delivery, per procurement route, and which route to take.

Counting. An enterprise counts for a line when it is a social-economy enterprise in the
directory (not stopped, not stale: Organisation.objects.not_stopped().fresh_enough()), offers
the line's service category, and that service's radius reaches the place of delivery (the
postcode's centre; no radius: all of Flanders) - the rule of matching (vacancies/matching.py),
with the distance of portal.geography. It counts for a route when one of its recognitions opens
that route (procurement/eligibility.py); the verified ones are counted apart.

Rules, in this order (the first that holds is the advice):
1. RESERVED_CONTRACT when at least RESERVED_CONTRACT_MIN_VERIFIED verified enterprises that may
   take a reserved contract reach the place: enough real competition among sheltered and
   social-insertion enterprises to reserve the whole contract (art. 15, law of 17 June 2016).
2. RESERVED_LOT when at least RESERVED_LOT_MIN enterprises (verified or not) may take a reserved
   lot: reserve a lot and keep the rest open, so that the purchase does not hang on few.
3. AWARD_CRITERION when at least AWARD_CRITERION_MIN social enterprises reach it but too few of
   them may take a reserved contract: they can compete, so social value earns points.
4. EXECUTION_CLAUSE when at least one reaches it: a reservation would depend on one or two
   suppliers, so the winner is asked to work with them (a condition of execution).
5. SOUND_OUT when none does: sound out the market (publish a service request) first; the line
   lies in a blind spot of the social economy for that service.

The analysis of a whole plan runs a fixed number of queries, whatever its length: the
eligibility table, the services in the plan's categories with their enterprise, and those
enterprises' recognitions; the reach is worked out in Python (geography.haversine_km).
"""

import heapq
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.models import OfferedService, Organisation
from portal import geography, reference
from portal.models import Municipality

from . import eligibility
from .models import Route

RESERVED_CONTRACT_MIN_VERIFIED = 3
RESERVED_LOT_MIN = 2
AWARD_CRITERION_MIN = 3
SOUND_OUT = "sound_out"
# The enterprises listed per line (verified first, then the nearest); all of them are counted.
SHOWN_PER_LINE = 25


@dataclass
class Reaching:
    """An eligible enterprise that reaches a line's place, with what the advice sheet shows."""

    organisation: Organisation
    municipality: str
    distance_km: float
    routes: set


@dataclass
class LineAdvice:
    entry: object  # plans.Entry
    counts: dict  # {route: (total, verified)}
    enterprises: list  # Reaching, verified first, then nearest: at most SHOWN_PER_LINE
    route: str  # a Route value or SOUND_OUT
    reason: str
    total: int = 0  # every eligible enterprise that reaches the place

    @property
    def more(self):
        """Whether more enterprises reach the place than are listed."""
        return self.total > len(self.enterprises)

    @property
    def no_capacity(self):
        return self.route == SOUND_OUT

    @property
    def route_label(self):
        return _("Sound out the market") if self.no_capacity else Route(self.route).label

    def count_rows(self):
        """[(route label, total, verified)] in the order of Route."""
        return [(Route(route).label, *self.counts[route]) for route in Route.values]


def recommend(counts, *, place, category):
    """(route, reason) for a line's `counts` ({route: (total, verified)}); the rules above."""
    contract_verified = counts[Route.RESERVED_CONTRACT][1]
    lot_total = counts[Route.RESERVED_LOT][0]
    criterion_total = counts[Route.AWARD_CRITERION][0]
    clause_total = counts[Route.EXECUTION_CLAUSE][0]
    values = {"place": place, "category": category}
    if contract_verified >= RESERVED_CONTRACT_MIN_VERIFIED:
        return Route.RESERVED_CONTRACT, _(
            "%(count)d verified enterprises that may take a reserved contract reach %(place)s "
            "for %(category)s: a reserved contract is realistic."
        ) % {"count": contract_verified, **values}
    if lot_total >= RESERVED_LOT_MIN:
        return Route.RESERVED_LOT, _(
            "%(count)d enterprises that may take a reserved contract reach %(place)s for "
            "%(category)s, too few of them verified to reserve it all: reserve a lot and keep "
            "the rest open."
        ) % {"count": lot_total, **values}
    if criterion_total >= AWARD_CRITERION_MIN:
        return Route.AWARD_CRITERION, _(
            "%(count)d social enterprises reach %(place)s for %(category)s, but too few may "
            "take a reserved contract: give points for social value in an award criterion."
        ) % {"count": criterion_total, **values}
    if clause_total >= 1:
        return Route.EXECUTION_CLAUSE, ngettext(
            "%(count)d social enterprise reaches %(place)s for %(category)s: a reserved lot "
            "would depend on one supplier; use a social clause in the execution.",
            "%(count)d social enterprises reach %(place)s for %(category)s: a reserved lot "
            "would depend on too few suppliers; use a social clause in the execution.",
            clause_total,
        ) % {"count": clause_total, **values}
    return SOUND_OUT, _(
        "No eligible social enterprise reaches %(place)s for %(category)s: sound out the "
        "market first."
    ) % values


OFFER_FIELDS = [
    "category_id",
    "radius_km",
    "organisation_id",
    *(
        f"organisation__{name}"
        for name in (
            "name",
            "slug",
            "kind",
            "verified_at",
            "latitude",
            "longitude",
            "municipality_id",
            "email",
            "phone",
            "website",
            "show_email",
            "show_phone",
            "show_website",
        )
    ),
]


def _offers(categories):
    """The services of eligible social enterprises in `categories`, with their enterprise."""
    enterprises = Organisation.objects.social().not_stopped().fresh_enough()
    return (
        OfferedService.objects.filter(
            category__in=categories,
            organisation__in=enterprises.filter(
                recognitions__procurement_eligibilities__isnull=False
            ),
        )
        .select_related("organisation")
        # What the advice and the sheet read, not the search text and vectors of every row.
        .only(*OFFER_FIELDS)
        .order_by("organisation__name", "organisation_id")
    )


def analyse(entries):
    """A LineAdvice for each entry, in order: a fixed number of queries for any length."""
    entries = list(entries)
    if not entries:
        return []
    table = eligibility.routes_by_recognition()
    categories = {entry.category.pk for entry in entries}
    offers = {}
    for offer in _offers(categories):
        offers.setdefault(offer.category_id, []).append(offer)
    organisation_ids = {offer.organisation_id for found in offers.values() for offer in found}
    recognitions = {}
    through = Organisation.recognitions.through
    for organisation_id, recognition_id in through.objects.filter(
        organisation__in=_offers(categories).values("organisation_id")
    ).values_list("organisation_id", "recognition_id"):
        recognitions.setdefault(organisation_id, []).append(recognition_id)
    routes = {pk: eligibility.routes_of(recognitions.get(pk, ()), table) for pk in organisation_ids}
    # The municipalities from memory, once (portal.reference), not a lookup per enterprise.
    municipalities = {row.pk: row.name for row in reference.instances(Municipality)}

    # Lines of one plan often share a place and a service (a school's sites): worked out once.
    reached = {}
    advice = []
    for entry in entries:
        key = (entry.category.pk, entry.postcode.pk)
        if key not in reached:
            reached[key] = _reach(entry, offers.get(entry.category.pk, ()), routes, municipalities)
        counts, reaching, total = reached[key]
        place = f"{entry.postcode.code} {entry.postcode.name}"
        category = entry.category.name
        route, reason = recommend(counts, place=place, category=category[:1].lower() + category[1:])
        advice.append(LineAdvice(entry, counts, reaching, route, reason, total))
    return advice


def _reach(entry, offers, routes, municipalities):
    """(counts per route, the SHOWN_PER_LINE enterprises to list, how many reach) for the place
    of `entry`:
    every reaching enterprise counts; the verified and nearest are listed."""
    counts = {route: [0, 0] for route in Route.values}
    found = []
    for offer in offers:
        enterprise = offer.organisation
        opened = routes[enterprise.pk]
        if not opened:
            continue
        distance = geography.haversine_km(entry.postcode, enterprise)
        if offer.radius_km is not None and distance > offer.radius_km:
            continue
        verified = enterprise.verified_at is not None
        for route in opened:
            counts[route][0] += 1
            counts[route][1] += verified
        found.append((not verified, distance, enterprise.pk, offer, opened))
    shown = [
        Reaching(
            offer.organisation,
            municipalities.get(offer.organisation.municipality_id, ""),
            distance,
            opened,
        )
        for _unverified, distance, _pk, offer, opened in heapq.nsmallest(
            SHOWN_PER_LINE, found, key=lambda row: row[:3]
        )
    ]
    return {route: tuple(pair) for route, pair in counts.items()}, shown, len(found)


@dataclass
class Summary:
    lines: int = 0
    by_route: dict = field(default_factory=dict)


def summarise(advice):
    """How many lines get each advice, in the order of the routes, sound-out last."""
    summary = Summary(lines=len(advice))
    for route in [*Route.values, SOUND_OUT]:
        found = sum(1 for line in advice if line.route == route)
        if found:
            label = _("Sound out the market") if route == SOUND_OUT else Route(route).label
            summary.by_route[label] = found
    return summary
