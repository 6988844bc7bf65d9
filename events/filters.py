"""The search of /events/: upcoming (the default) or past events, by region and theme.

Parameters, each facet taking several values (OR within a facet, AND between facets): `region`
(slug), `sector` (NACE section code), `service` (service category slug), `when` (`upcoming` or
`past`) and `page`. A bad value never breaks the page: the form says it in words and the list is
shown without it. Only published events are listed; cancelled ones stay, marked, so that whoever
planned to come sees it.
"""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.facets import FacetFilter, PlainChoiceFilter
from portal.models import Region, Sector, ServiceCategory

from .models import Event, RegistrationStatus

UPCOMING = "upcoming"
PAST = "past"
WHEN_CHOICES = [(UPCOMING, _("Upcoming")), (PAST, _("Past"))]


def for_list():
    """Published events with what a card shows: the place and the organisations registered."""
    return (
        Event.objects.published()
        .select_related("region", "postcode__municipality", "sector", "category")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            )
        )
    )


class EventFilter(django_filters.FilterSet):
    region = FacetFilter(
        label=_("Region"),
        field_name="region__slug",
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # each event has one region, sector and theme: no duplicates
    )
    sector = FacetFilter(
        label=_("Sector"),
        field_name="sector__code",
        queryset=Sector.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # each event has one region, sector and theme: no duplicates
    )
    service = FacetFilter(
        label=_("Service"),
        field_name="category__slug",
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # each event has one region, sector and theme: no duplicates
    )
    when = PlainChoiceFilter(
        label=_("When"),
        choices=WHEN_CHOICES,
        required=False,
        method="filter_when",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Event
        fields = ["region", "sector", "service", "when"]

    def __init__(self, data=None, *args, now=None, **kwargs):
        self.now = now or timezone.now()
        super().__init__(data, *args, **kwargs)

    @property
    def past(self):
        return self.form.is_valid() and self.form.cleaned_data.get("when") == PAST

    def filter_when(self, queryset, name, value):
        return queryset  # the ordering below reads it

    @property
    def qs(self):
        if not hasattr(self, "_events"):
            # A bad value drops that filter only (django-filter would drop them all).
            for name in list(self.form.errors) if self.is_bound else []:
                self.form.cleaned_data.pop(name, None)
            queryset = self.queryset
            for name, value in getattr(self.form, "cleaned_data", {}).items():
                queryset = self.filters[name].filter(queryset, value)
            if self.past:
                queryset = queryset.past(self.now).order_by("-starts_at", "-pk")
            else:
                queryset = queryset.upcoming(self.now).order_by("starts_at", "pk")
            self._events = queryset
        return self._events
