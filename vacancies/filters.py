"""The search of the opportunity lists (/vacancies/ and /requests/): parameters, facets, sorting.

Parameters (the search contract of ARCHITECTURE.md): `q`; facets, each taking several values (OR
within a facet, AND between facets): for vacancies `sector` (NACE code), `contract_type`, `hours`
(hours band), `province`, `region` and the checkbox `doorstroom` (open to people from the social
economy); for service requests `service` (category slug), `budget` (budget band), `province`,
`region`; `postcode` and `km`; `since` (posted in the last 1, 7 or 30 days); `include_expired`;
`sort` (newest, closing, distance, relevance); `page` and `per_page` (read by the view). A bad
value never breaks the page: the form reports it in words and the search runs without it.

Only published opportunities are listed, and of those only the ones still open: one whose closing
date has passed counts as expired even before the nightly task marks it so. `include_expired`
adds the expired ones, which the cards mark.
"""

from datetime import timedelta

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal import reference
from portal.facets import (
    CheckboxFilter,
    Facet,
    FacetedSearch,
    FacetFilter,
    PlainChoiceFilter,
    either,
    km_filter,
    page_size,
    postcode_filter,
    province_filter,
    region_filter,
    sort_filter,
    text_filter,
)
from portal.models import Sector, ServiceCategory

from . import search
from .models import BudgetBand, ContractType, HoursBand, ServiceRequest, Status, Vacancy

__all__ = ["ServiceRequestFilter", "Sort", "VacancyFilter", "page_size"]


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    CLOSING = "closing"
    DISTANCE = "distance"

    CHOICES = [
        (RELEVANCE, _("Relevance")),
        (NEWEST, _("Newest first")),
        (CLOSING, _("Closing soon")),
        (DISTANCE, _("Distance")),
    ]
    ORDER = {
        # An opportunity never indexed (bulk-created) has no rank: last, not first.
        RELEVANCE: [F("search_rank").desc(nulls_last=True), F("published_at").desc(), "-pk"],
        NEWEST: [F("published_at").desc(nulls_last=True), "-pk"],
        # Open ones by closing date, then (with include_expired) the expired ones.
        CLOSING: ["has_expired", "closing_date", "-pk"],
        DISTANCE: ["distance_km", F("published_at").desc(nulls_last=True), "-pk"],
    }


# Columns a card or the CSV never shows: what only the search reads, the opportunity's history,
# and of the poster anything but its name (fewer columns to read and convert for every row).
DEFERRED = [
    "search_vector",
    "search_text",
    "closed_reason",
    "closed_at",
    "expired_at",
    "matched_at",
    "reminder_sent_for",
    "created_by",
    "created_at",
    "updated_at",
    *(
        f"organisation__{field.name}"
        for field in Organisation._meta.concrete_fields
        if not field.primary_key and field.name != "name"
    ),
]


def _with_expired(queryset):
    """`queryset` with `has_expired`: whether an opportunity has expired (marked so, or past its
    closing date before the nightly task marks it)."""
    expired = Q(status=Status.EXPIRED) | Q(closing_date__lt=timezone.localdate())
    return queryset.annotate(has_expired=ExpressionWrapper(expired, output_field=BooleanField()))


SINCE_CHOICES = [
    ("1", _("Last 24 hours")),
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
]


def _province_facet():
    return Facet("province", _("Province"), "province", "slug", "name_nl")


def _region_facet():
    return Facet("region", _("Region"), "municipality__regions", "slug", "name", translated=False)


class OpportunitySearch(FacetedSearch):
    """What both lists share: text, place, posted since, expired ones, the sort orders."""

    SORT_CHOICES = Sort.CHOICES
    SORT_ORDER = Sort.ORDER
    # What the cards and the CSV show: reference rows (portal.reference, from memory), the
    # poster (joined) and prefetched rows.
    REFERENCE = ["postcode", "municipality", "province"]
    PREFETCH = []

    q = text_filter()
    province = province_filter()
    region = region_filter()
    km = km_filter()
    postcode = postcode_filter()
    since = PlainChoiceFilter(
        label=_("Posted"), choices=SINCE_CHOICES, required=False, method="filter_since"
    )
    include_expired = CheckboxFilter(
        label=_("Include expired ones"), required=False, method="filter_nothing"
    )
    sort = sort_filter(Sort.CHOICES)

    def __init__(self, data=None, *args, **kwargs):
        # Always a search, even without parameters: django-filter skips filter_queryset() for
        # an unbound filter, and with it the status rule (drafts would be listed).
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)

    # --- Filtering ------------------------------------------------------------------------

    def filter_queryset(self, queryset, *, leave_out=None):
        # The status rule holds for the results and for every facet count alike.
        statuses = [Status.PUBLISHED]
        if self._value("include_expired"):
            statuses.append(Status.EXPIRED)
        else:
            queryset = queryset.filter(closing_date__gte=timezone.localdate())
        return super().filter_queryset(queryset.filter(status__in=statuses), leave_out=leave_out)

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value)

    def rank(self, queryset):
        return search.rank(queryset, self.query)

    def browsing(self):
        # "Posted since" moves with the hour, not with the data (portal/facets.py keeps a browse
        # by the data version and the day): counted afresh.
        return super().browsing() and not self._value("since")

    def filter_since(self, queryset, name, value):
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=int(value)))

    def for_cards(self, queryset):
        """What the cards and the CSV show: whether it has expired (which the order by closing
        date needs too), the organisation, the place, the sector or category."""
        queryset = reference.with_reference(
            _with_expired(queryset)
            .select_related("organisation")
            # What only the search reads (and the organisation's own text) stays in the table.
            .defer(*DEFERRED),
            *self.REFERENCE,
        )
        if self.PREFETCH:
            queryset = queryset.prefetch_related(*self.PREFETCH)
        return queryset

    def sort_keys(self, queryset):
        if self.ordering == Sort.CLOSING:
            queryset = _with_expired(queryset)
        return super().sort_keys(queryset)

    def default_ordering(self):
        # Without a text query, someone who gives a postcode wants the nearest first.
        if self.query:
            return Sort.RELEVANCE
        return Sort.DISTANCE if self.point else Sort.NEWEST

    # --- What the page shows about the search ---------------------------------------------

    def since_options(self):
        """The choices of `since` as radio buttons, "any time" first: value, label, selected."""
        chosen = self._value("since") or ""
        return [
            {"value": value, "label": label, "selected": value == chosen}
            for value, label in [("", _("Any time")), *SINCE_CHOICES]
        ]

    def since_label(self):
        since = self._value("since")
        return dict(SINCE_CHOICES)[since] if since else None

    def extra_active_filters(self):
        active = []
        if self.since_label():
            active.append(
                {
                    "label": _("Posted: %(since)s") % {"since": self.since_label()},
                    "remove": self._without("since"),
                }
            )
        if self._value("include_expired"):
            active.append(
                {"label": _("Expired ones included"), "remove": self._without("include_expired")}
            )
        return active

    def describe_common(self, parts):
        """Add text, places, distance, posted since and expired ones to `parts`, a sentence."""
        if self.query:
            parts.append(gettext("matching “%(query)s”") % {"query": self.query})
        places = self.chosen_labels("province") + self.chosen_labels("region")
        if places:
            parts.append(gettext("in %(places)s") % {"places": either(places)})
        if self.describe_place():
            parts.append(self.describe_place())
        since = self._value("since")
        if since == "1":
            parts.append(gettext("posted in the last 24 hours"))
        elif since:
            parts.append(gettext("posted in the last %(days)s days") % {"days": since})
        if self._value("include_expired"):
            parts.append(gettext("(expired ones included)"))
        return " ".join(parts)

    def choice_labels(self, name):
        """The chosen labels of the facets over plain choices, as " · "-separated extras."""
        labels = self.chosen_labels(name)
        return f" · {either(labels)}" if labels else ""


class VacancyFilter(OpportunitySearch):
    """/vacancies/: text, doorstroom, sector, contract type, hours, place, posted since."""

    FACETS = [
        Facet(
            "doorstroom",
            _("Open to people from the social economy"),
            "open_to_doorstroom",
            flag=True,
        ),
        Facet("sector", _("Sector"), "sector", "code", "code"),
        Facet("contract_type", _("Contract type"), "contract_type", choices=ContractType),
        Facet("hours", _("Hours per week"), "hours_band", choices=HoursBand),
        _province_facet(),
        _region_facet(),
    ]
    REFERENCE = [*OpportunitySearch.REFERENCE, "sector"]
    # The supports as a plain list, `support_list` (quicker to fill than a manager per row).
    PREFETCH = [Prefetch("supports", to_attr="support_list")]

    doorstroom = CheckboxFilter(
        label=_("Open to people from the social economy"),
        required=False,
        method="filter_facet",
    )
    sector = FacetFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        method="filter_facet",
    )
    contract_type = django_filters.MultipleChoiceFilter(
        label=_("Contract type"), choices=ContractType.choices, method="filter_facet"
    )
    hours = django_filters.MultipleChoiceFilter(
        label=_("Hours per week"), choices=HoursBand.choices, method="filter_facet"
    )

    class Meta(OpportunitySearch.Meta):
        model = Vacancy
        fields = []

    def describe(self):
        """The search in one sentence, as the title of the page and of a printed list.

        "Vacancies open to people from the social economy in the sector Manufacturing within
        25 km of 3700 Tongeren · Permanent contract".
        """
        parts = [gettext("Vacancies")]
        if self._value("doorstroom"):
            parts.append(gettext("open to people from the social economy"))
        sectors = self.chosen_labels("sector")
        if sectors:
            parts.append(gettext("in the sector %(sectors)s") % {"sectors": either(sectors)})
        return (
            self.describe_common(parts)
            + self.choice_labels("contract_type")
            + self.choice_labels("hours")
        )


class ServiceRequestFilter(OpportunitySearch):
    """/requests/: text, service, budget, place, posted since."""

    FACETS = [
        Facet("service", _("Service"), "category", "slug", "position"),
        Facet("budget", _("Budget"), "budget_band", choices=BudgetBand),
        _province_facet(),
        _region_facet(),
    ]
    REFERENCE = [*OpportunitySearch.REFERENCE, "category"]

    service = FacetFilter(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        method="filter_facet",
    )
    budget = django_filters.MultipleChoiceFilter(
        label=_("Budget"), choices=BudgetBand.choices, method="filter_facet"
    )

    class Meta(OpportunitySearch.Meta):
        model = ServiceRequest
        fields = []

    def describe(self):
        """ "Service requests for green maintenance within 25 km of 3700 Tongeren · Budget…"."""
        parts = [gettext("Service requests")]
        services = self.chosen_labels("service")
        if services:
            # A service reads as a common noun inside the sentence: "for green maintenance".
            services = [label[:1].lower() + label[1:] for label in services]
            parts.append(gettext("for %(services)s") % {"services": either(services)})
        return self.describe_common(parts) + self.choice_labels("budget")
