"""The buying helper's advice (issue 23, item 2): for each purchase of a plan, how many eligible
social enterprises reach the place of delivery, per procurement route, and which route to take.

Counting. An enterprise counts for a line when it is a social-economy enterprise in the
directory (not stopped, not stale: Organisation.objects.not_stopped().fresh_enough()), offers
the line's service category, and carries the line: that service's radius reaches every place of
delivery (the postcode's centre; no radius: all of Flanders) - the rule of matching
(vacancies/matching.py), with the distance of portal.geography - and the largest order it says
it can take on for that service (OfferedService.max_order_amount) is not below the line's
estimated amount (an unknown capacity or amount does not limit). It counts for a route when one
of its recognitions opens that route (procurement/eligibility.py); the verified ones are counted
apart.

Joint answers (issue 23, item 6). When no single eligible enterprise carries a line but some
reach part of it (some of its places, or all of them with too small a capacity), the smallest
combinations of JOINT_MIN_MEMBERS to JOINT_MAX_MEMBERS of them that carry it together are
suggested: together they reach every place, and their capacities add up to the amount (one of
unknown capacity: enough). A combination is minimal (no member can be left out) and is ranked
by its unverified members (fewer first), then its size, then how close it is (for each place,
the distance of the nearest member that reaches it, summed); at most JOINT_SUGGESTIONS are
shown. The search is bounded: at most JOINT_CANDIDATES enterprises per line are considered,
taken in turn per place (the verified, those reaching most places, the nearest first), so a
line tries at most C(20, 3) + C(20, 2) = 1,330 combinations whatever the directory's size.

Rules, in this order (the first that holds is the advice):
1. RESERVED_CONTRACT when at least RESERVED_CONTRACT_MIN_VERIFIED verified enterprises that may
   take a reserved contract reach the place: enough real competition among sheltered and
   social-insertion enterprises to reserve the whole contract (art. 15, law of 17 June 2016).
2. RESERVED_LOT when at least RESERVED_LOT_MIN enterprises (verified or not) may take a reserved
   lot: reserve a lot and keep the rest open, so that the purchase does not hang on few.
3. AWARD_CRITERION when at least AWARD_CRITERION_MIN social enterprises reach it but too few of
   them may take a reserved contract: they can compete, so social value earns points.
4. EXECUTION_CLAUSE when at least one carries it: a reservation would depend on one or two
   suppliers, so the winner is asked to work with them (a condition of execution).
5. JOINT when none carries it alone but a combination does (above): a joint answer of a
   temporary association (tijdelijke handelsvereniging), or lots per area (or per part of the
   amount) so that each can answer its own.
6. SOUND_OUT when none does: sound out the market (publish a service request) first; the line
   lies in a blind spot of the social economy for that service.

The analysis of a whole plan runs a fixed number of queries, whatever its length: the
eligibility table, the services in the plan's categories with their enterprise, and those
enterprises' recognitions; the reach is worked out in Python (geography.haversine_km).
"""

import heapq
import itertools
from dataclasses import dataclass, field

from django.utils.formats import number_format
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
JOINT = "joint"
# The enterprises listed per line (verified first, then the nearest); all of them are counted.
SHOWN_PER_LINE = 25
# Joint answers: combinations of 2 or 3 (a temporary association of more is rare and hard to
# run), at most 5 suggested, out of at most 20 enterprises considered per line.
JOINT_MIN_MEMBERS = 2
JOINT_MAX_MEMBERS = 3
JOINT_SUGGESTIONS = 5
JOINT_CANDIDATES = 20


@dataclass
class Reaching:
    """An eligible enterprise that reaches a line's place, with what the advice sheet shows."""

    organisation: Organisation
    municipality: str
    distance_km: float
    routes: set


@dataclass
class Member:
    """An enterprise of a joint answer, with the places of the line it reaches."""

    organisation: Organisation
    municipality: str
    places: list  # Postcodes of the line it reaches, in the line's order
    capacity: object  # Decimal or None (not limiting)

    @property
    def verified(self):
        return self.organisation.verified_at is not None


@dataclass
class Joint:
    """A combination of enterprises that carry a line together (a joint answer)."""

    members: list  # Member
    routes: set  # the routes every member may take
    distance_km: float  # for each place, the nearest member reaching it: summed

    @property
    def unverified(self):
        return sum(not member.verified for member in self.members)

    @property
    def slugs(self):
        return ",".join(member.organisation.slug for member in self.members)

    @property
    def route_labels(self):
        return [Route(route).label for route in Route.values if route in self.routes]


@dataclass
class LineAdvice:
    entry: object  # plans.Entry
    counts: dict  # {route: (total, verified)}
    enterprises: list  # Reaching, verified first, then nearest: at most SHOWN_PER_LINE
    route: str  # a Route value, JOINT or SOUND_OUT
    reason: str
    total: int = 0  # every eligible enterprise that carries the line
    joints: list = field(default_factory=list)  # Joint, best first, when nobody carries it

    @property
    def more(self):
        """Whether more enterprises reach the place than are listed."""
        return self.total > len(self.enterprises)

    @property
    def no_capacity(self):
        return self.route == SOUND_OUT

    @property
    def joint(self):
        return self.route == JOINT

    @property
    def route_label(self):
        return route_label(self.route)

    def supplier_choices(self):
        """The enterprises a buyer may name as the supplier: those listed, then the members of
        the joint answers, each once."""
        found = {found.organisation.pk: found.organisation for found in self.enterprises}
        for joint in self.joints:
            for member in joint.members:
                found.setdefault(member.organisation.pk, member.organisation)
        return list(found.values())

    def count_rows(self):
        """[(route label, total, verified)] in the order of Route."""
        return [(Route(route).label, *self.counts[route]) for route in Route.values]


def route_label(route):
    if route == SOUND_OUT:
        return _("Sound out the market")
    if route == JOINT:
        return _("Joint answer")
    return Route(route).label


def _whole_euros(amount):
    """An amount as the reason names it: whole euros, grouped as the language groups them."""
    return number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)


def recommend(counts, *, place, category, joint=None, places=1, amount=None):
    """(route, reason) for a line's `counts` ({route: (total, verified)}); the rules above.

    `joint`: the best Joint when nobody carries the line alone; `places`, how many places it
    names; `amount`, its estimated amount when that is what no single enterprise can take on."""
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
    if joint is not None:
        values["members"] = len(joint.members)
        if amount is not None:
            return JOINT, _(
                "No single eligible enterprise that reaches %(place)s can take on € %(amount)s "
                "of %(category)s; %(members)d together can: a joint answer (tijdelijke "
                "handelsvereniging) or lots."
            ) % {**values, "amount": _whole_euros(amount)}
        return JOINT, _(
            "No single eligible enterprise reaches all %(places)d places for %(category)s; "
            "%(members)d together do: a joint answer (tijdelijke handelsvereniging) or lots "
            "per area."
        ) % {**values, "places": places}
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
    "max_order_amount",
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

    # Lines of one plan often share places and a service (a school's sites): worked out once.
    reached = {}
    advice = []
    for entry in entries:
        key = (entry.category.pk, tuple(place.pk for place in entry.places), entry.amount)
        if key not in reached:
            reached[key] = _reach(entry, offers.get(entry.category.pk, ()), routes, municipalities)
        counts, reaching, total, joints, by_amount = reached[key]
        category = entry.category.name
        route, reason = recommend(
            counts,
            place=entry.place_label,
            category=category[:1].lower() + category[1:],
            joint=joints[0] if joints else None,
            places=len(entry.places),
            amount=entry.amount if by_amount else None,
        )
        advice.append(LineAdvice(entry, counts, reaching, route, reason, total, joints))
    return advice


@dataclass
class _Partial:
    """An eligible enterprise that reaches part of a line (a candidate for a joint answer)."""

    offer: OfferedService
    mask: int  # bit i: it reaches the line's place i
    distances: list  # km to each place of the line
    opened: set

    @property
    def unverified(self):
        return self.offer.organisation.verified_at is None


def _reach(entry, offers, routes, municipalities):
    """(counts per route, the SHOWN_PER_LINE enterprises to list, how many carry the line,
    the joint answers when none does, whether the amount is what none can take on) for
    `entry`: every carrying enterprise counts; the verified and nearest are listed."""
    counts = {route: [0, 0] for route in Route.values}
    places, amount = entry.places, entry.amount
    every = (1 << len(places)) - 1
    haversine_km, first = geography.haversine_km, places[0]
    found, partial = [], []
    # The loop over every offer of the category is the analysis's cost: kept to arithmetic.
    for offer in offers:
        enterprise = offer.organisation
        opened = routes[enterprise.pk]
        if not opened:
            continue
        radius = offer.radius_km
        if every == 1:  # one place, most lines: no list to build
            distance = haversine_km(first, enterprise)
            if radius is not None and distance > radius:
                continue
            mask, distances = 1, (distance,)
        else:
            distances = [haversine_km(place, enterprise) for place in places]
            mask = every
            if radius is not None:
                mask = 0
                for index, distance in enumerate(distances):
                    if distance <= radius:
                        mask |= 1 << index
                if not mask:
                    continue
        capacity = offer.max_order_amount
        if mask != every or (amount is not None and capacity is not None and capacity < amount):
            partial.append(_Partial(offer, mask, distances, opened))
            continue
        verified = enterprise.verified_at is not None
        for route in opened:
            counts[route][0] += 1
            counts[route][1] += verified
        farthest = distances[0] if every == 1 else max(distances)
        found.append((not verified, farthest, enterprise.pk, offer, opened))
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
    joints, by_amount = [], False
    if not found and partial:
        joints = [
            _joint(members, places, municipalities)
            for members in combinations(partial, every=every, amount=entry.amount)
        ]
        # Someone reaches every place, but none can take on the amount: the amount is why.
        by_amount = entry.amount is not None and any(part.mask == every for part in partial)
    counts = {route: tuple(pair) for route, pair in counts.items()}
    return counts, shown, len(found), joints, by_amount


def candidates(partial, places):
    """At most JOINT_CANDIDATES of `partial`, taken in turn per place: for each place the
    verified first, then those that reach most places, then the nearest."""
    ranked = []
    for index in range(places):
        reaching = [part for part in partial if part.mask >> index & 1]
        reaching.sort(
            key=lambda part, index=index: (
                part.unverified,
                -part.mask.bit_count(),
                part.distances[index],
                part.offer.organisation_id,
            )
        )
        ranked.append(reaching)
    chosen = {}
    for rank in range(max((len(found) for found in ranked), default=0)):
        for reaching in ranked:
            if rank < len(reaching):
                chosen.setdefault(reaching[rank].offer.organisation_id, reaching[rank])
                if len(chosen) == JOINT_CANDIDATES:
                    return list(chosen.values())
    return list(chosen.values())


def _cents(amount):
    """An amount in whole cents (exact sums); None stays None."""
    return None if amount is None else int(amount * 100)


def _distance(members, places):
    return sum(
        min(member.distances[index] for member in members if member.mask >> index & 1)
        for index in range(places)
    )


def combinations(partial, *, every, amount):
    """The best JOINT_SUGGESTIONS minimal combinations of JOINT_MIN_MEMBERS to
    JOINT_MAX_MEMBERS candidates that carry a line together (lists of _Partial, best first):
    fewest unverified members, then fewest members, then the closest."""
    places = every.bit_length()
    pool = candidates(partial, places)
    need = _cents(amount)
    # Capacity in cents; unknown: as much as any amount.
    capacity = [
        need if part.offer.max_order_amount is None else _cents(part.offer.max_order_amount)
        for part in pool
    ]

    def carries(indexes):
        mask = 0
        for index in indexes:
            mask |= pool[index].mask
        return mask == every and (need is None or sum(capacity[i] for i in indexes) >= need)

    carrying, found = set(), []
    for size in range(JOINT_MIN_MEMBERS, JOINT_MAX_MEMBERS + 1):
        for indexes in itertools.combinations(range(len(pool)), size):
            # Minimal: no member can be left out (a pair always is: no single one carries).
            if size > JOINT_MIN_MEMBERS and any(
                smaller in carrying for smaller in itertools.combinations(indexes, size - 1)
            ):
                continue
            if not carries(indexes):
                continue
            carrying.add(indexes)
            members = [pool[index] for index in indexes]
            key = (
                sum(member.unverified for member in members),
                size,
                _distance(members, places),
                sorted(member.offer.organisation_id for member in members),
            )
            found.append((key, members))
    return [members for _key, members in heapq.nsmallest(JOINT_SUGGESTIONS, found)]


def _joint(members, places, municipalities):
    ordered = sorted(
        members, key=lambda member: (member.unverified, member.offer.organisation.name)
    )
    return Joint(
        members=[
            Member(
                organisation=member.offer.organisation,
                municipality=municipalities.get(member.offer.organisation.municipality_id, ""),
                places=[place for index, place in enumerate(places) if member.mask >> index & 1],
                capacity=member.offer.max_order_amount,
            )
            for member in ordered
        ],
        routes=set.intersection(*(set(member.opened) for member in members)),
        distance_km=_distance(members, len(places)),
    )


@dataclass
class Summary:
    lines: int = 0
    by_route: dict = field(default_factory=dict)


def summarise(advice):
    """How many lines get each advice, in the order of the routes, sound-out last."""
    summary = Summary(lines=len(advice))
    for route in [*Route.values, JOINT, SOUND_OUT]:
        found = sum(1 for line in advice if line.route == route)
        if found:
            summary.by_route[route_label(route)] = found
    return summary
