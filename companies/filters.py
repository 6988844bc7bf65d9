"""The directory's search: its GET parameters, their validation, the facets and their counts.

Parameters (the search contract of ARCHITECTURE.md): `q`; one facet per field, each taking
several values (`kind`, `service`, `sector`, `recognition`, `province`, `region`; values are
slugs, NACE codes or kinds, OR within a facet and AND between facets); `postcode` and `km`;
`verified`; `sort`; `page` and `per_page` (read by the view). A bad value never breaks the page:
the form reports it in words and the search runs without that parameter.
"""

from dataclasses import dataclass

import django_filters
from django.db.models import Case, F, IntegerField, When
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.facets import (
    CheckboxFilter,
    Facet,
    FacetedSearch,
    FacetFilter,
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

from . import freshness, search
from .models import Organisation, OrganisationKind, Recognition

__all__ = ["Checkbox", "DirectoryFilter", "Sort", "page_size", "register_checkbox"]

KIND_PLURALS = {
    OrganisationKind.REGULAR: _("Regular firms"),
    OrganisationKind.SOCIAL: _("Social-economy enterprises"),
    OrganisationKind.PUBLIC: _("Public bodies"),
    OrganisationKind.SCHOOL: _("Schools"),
    OrganisationKind.NONPROFIT: _("Non-profit organisations"),
}


class Sort:
    RELEVANCE = "relevance"
    RECOMMENDED = "recommended"
    NAME = "name"
    NEWEST = "newest"
    DISTANCE = "distance"

    CHOICES = [
        (RELEVANCE, _("Relevance")),
        (RECOMMENDED, _("Recommended")),
        (NAME, _("Name")),
        (NEWEST, _("Newest first")),
        (DISTANCE, _("Distance")),
    ]
    ORDER = {
        # An organisation never indexed (bulk-created) has no rank: last, not first.
        RELEVANCE: [F("search_rank").desc(nulls_last=True), Lower("name"), "pk"],
        NAME: [Lower("name"), "pk"],
        NEWEST: ["-created_at", "-pk"],
        DISTANCE: ["distance_km", Lower("name"), "pk"],
    }


def recommended_order(*, now=None):
    """The default order without a text query or a place: verified first, then confirmed
    within 13 months (companies/freshness.py), then the most complete profile, then by name.
    It depends on the day (what is fresh today), so it is built per search."""
    now = now or freshness.end_of_today()
    return [
        Case(When(verified_at__isnull=False, then=0), default=1, output_field=IntegerField()).asc(),
        freshness.fresh_first(now=now),
        F("completeness").desc(),
        Lower("name"),
        "pk",
    ]


class DirectoryFilter(FacetedSearch):
    """The directory's parameters: text, kind, service, recognition, sector, place, verified."""

    FACETS = [
        Facet("kind", _("Kind"), "kind", choices=OrganisationKind),
        Facet("service", _("Service"), "services__category", "slug", "position"),
        Facet("recognition", _("Recognition"), "recognitions", "slug", "position"),
        Facet("sector", _("Sector"), "sectors", "code", "code"),
        Facet("province", _("Province"), "province", "slug", "name_nl"),
        Facet("region", _("Region"), "municipality__regions", "slug", "name", translated=False),
    ]
    SORT_CHOICES = Sort.CHOICES

    @property
    def SORT_ORDER(self):  # noqa: N802 (the name FacetedSearch reads)
        recommended = recommended_order()
        # Among equally relevant results: verified, fresh and complete profiles first.
        relevance = [F("search_rank").desc(nulls_last=True), *recommended]
        return {**Sort.ORDER, Sort.RELEVANCE: relevance, Sort.RECOMMENDED: recommended}

    q = text_filter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, method="filter_facet"
    )
    service = FacetFilter(
        label=_("Service"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        method="filter_facet",
    )
    recognition = FacetFilter(
        label=_("Recognition"),
        queryset=Recognition.objects.all(),
        to_field_name="slug",
        method="filter_facet",
    )
    sector = FacetFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        method="filter_facet",
    )
    province = province_filter()
    region = region_filter()
    km = km_filter()
    postcode = postcode_filter()
    verified = CheckboxFilter(
        label=_("Verified organisations only"), required=False, method="filter_verified"
    )
    sort = sort_filter(Sort.CHOICES)

    class Meta(FacetedSearch.Meta):
        model = Organisation
        fields = []

    # --- Filtering ------------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value)

    def rank(self, queryset):
        # Social enterprises first, unless the visitor chose the kinds to see.
        return search.rank(queryset, self.query, social_first=not self._value("kind"))

    def filter_verified(self, queryset, name, value):
        return queryset.verified()

    def checkboxes(self):
        """The checkboxes apps above companies registered, each with whether it is ticked."""
        return [
            {"name": box.name, "label": box.label, "checked": bool(self._value(box.name))}
            for box in _checkboxes.values()
        ]

    def for_cards(self, queryset):
        """What the cards and the CSV guide show (what only the search reads stays behind)."""
        return queryset.for_directory().defer("search_vector", "search_text")

    def default_ordering(self):
        # Without a text query, someone who gives a postcode wants the nearest first.
        if self.query:
            return Sort.RELEVANCE
        return Sort.DISTANCE if self.point else Sort.RECOMMENDED

    def extra_active_filters(self):
        active = []
        if self._value("verified"):
            active.append({"label": _("Verified only"), "remove": self._without("verified")})
        for box in _checkboxes.values():
            if self._value(box.name):
                active.append({"label": box.active_label, "remove": self._without(box.name)})
        return active

    def describe(self):
        """The search in one sentence, as the title of a printed guide.

        "Social-economy enterprises for green maintenance within 25 km of 3700 Tongeren".
        """
        kinds = self._value("kind") or []
        parts = [str(KIND_PLURALS[kinds[0]]) if len(kinds) == 1 else gettext("Organisations")]
        services = self.chosen_labels("service")
        if services:
            # A service reads as a common noun inside the sentence: "for green maintenance".
            services = [label[:1].lower() + label[1:] for label in services]
            parts.append(gettext("for %(services)s") % {"services": either(services)})
        recognitions = self.chosen_labels("recognition")
        if recognitions:
            parts.append(
                gettext("recognised as %(recognitions)s") % {"recognitions": either(recognitions)}
            )
        sectors = self.chosen_labels("sector")
        if sectors:
            parts.append(gettext("in the sector %(sectors)s") % {"sectors": either(sectors)})
        if self.query:
            parts.append(gettext("matching “%(query)s”") % {"query": self.query})
        places = self.chosen_labels("province") + self.chosen_labels("region")
        if places:
            parts.append(gettext("in %(places)s") % {"places": either(places)})
        if self.describe_place():
            parts.append(self.describe_place())
        if self._value("verified"):
            parts.append(gettext("(verified only)"))
        parts.extend(str(box.described) for box in _checkboxes.values() if self._value(box.name))
        return " ".join(parts)


@dataclass(frozen=True)
class Checkbox:
    """A yes-or-no filter of the directory that an app above companies adds ("eligible for
    reserved contracts": procurement), shown beside "Verified organisations only" and working
    like it: ticked, it narrows the results, the facets' counts and the CSV guide alike.

    `narrow(queryset)` returns the organisations that pass; `label` is the checkbox's,
    `active_label` the removable chip's, `described` the words describe() adds."""

    name: str
    label: str
    active_label: str
    described: str
    narrow: object


_checkboxes = {}


def register_checkbox(box):
    """Add `box` to the directory's parameters (from the registering app's AppConfig.ready(),
    before any search is built). Its GET parameter is `box.name`, ticked as `1`."""
    _checkboxes[box.name] = box
    DirectoryFilter.base_filters[box.name] = CheckboxFilter(
        label=box.label,
        required=False,
        method=lambda queryset, name, value: box.narrow(queryset),
    )
    return box
