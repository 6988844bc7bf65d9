"""The regisseur's work queue: per region, what waits for them and since when.

The framework
    A section of the queue is a `Section`: a slug, a label, what waits (`queryset`, a function
    returning the rows everywhere), the path from such a row to its Region(s) (`region`), when a
    row started waiting (`since`: a field or an expression; its minimum is the oldest) and the
    list where the regisseur acts on it (`link`, a URL name, with `parameters` and the name of
    that list's region filter, `region_parameter`). Apps register their sections from their
    AppConfig.ready() (companies/workqueue.py, vouchers/workqueue.py), as the reports do, so
    portal imports no feature app; this module registers the portal's own (failed emails).

    Adding a section is one `register(Section(...))` call in the app's workqueue.py:

        register(Section(
            slug="opportunities-to-check",
            label=_("Opportunities awaiting a check"),
            queryset=lambda: Vacancy.objects.filter(status="awaiting_check"),
            region="organisation__municipality__regions",
            since="created_at",
            link="admin:vacancies_vacancy_changelist",
            parameters={"status__exact": "awaiting_check"},
            region_parameter="region",
            order=35,
        ))

The figures
    `queue_for(user)` reads the regions first (a regisseur's own; an administrator's: all), then
    each section in ONE grouped query (count and oldest per region), whatever the number of rows
    waiting: 1 + the number of sections visible to the user. A row in a municipality of two of
    the user's regions (a regie and a cluster overlap) counts in both. Administrators see every
    region, and "No region" for rows outside every region and for the sections that belong to
    no region (failed emails).
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationStatus, Region

NO_REGION = "none"


@dataclass(frozen=True)
class Section:
    slug: str
    label: str
    # What waits, everywhere (a function, so that the query is built afresh each time).
    queryset: object
    # When a row started waiting: a field name or an expression (its minimum is the oldest).
    since: object
    # The URL name of the list where the rows are dealt with, and its query parameters.
    link: str
    parameters: dict = field(default_factory=dict)
    # The path from a row to its Region(s); None: the section belongs to no region.
    region: str | None = None
    # The parameter of the linked list's filter by region (a region's id, or NO_REGION).
    region_parameter: str | None = None
    order: int = 100
    administrators_only: bool = False

    def visible_to(self, user):
        return user.is_superuser or not (self.administrators_only or self.region is None)

    def url(self, region):
        parameters = dict(self.parameters)
        if self.region_parameter:
            parameters[self.region_parameter] = NO_REGION if region is None else region.pk
        query = urlencode(parameters)
        return reverse(self.link) + (f"?{query}" if query else "")

    def counts(self, user, region_ids):
        """{region id or None: (count, oldest)} of what waits for `user`, in one query."""
        rows = self.queryset()
        if self.region is None:
            found = rows.aggregate(count=Count("*"), oldest=Min(self.since))
            return {None: (found["count"], found["oldest"])} if found["count"] else {}
        if not user.is_superuser:
            rows = rows.filter(**{f"{self.region}__in": region_ids})
        grouped = (
            rows.values(region_key=F(self.region))
            .annotate(count=Count("*"), oldest=Min(self.since))
            .order_by()
        )
        return {row["region_key"]: (row["count"], row["oldest"]) for row in grouped}


_registry: dict[str, Section] = {}


def register(section):
    """Add a section to the work queue; called from an app's AppConfig.ready()."""
    _registry[section.slug] = section
    return section


def sections():
    return sorted(_registry.values(), key=lambda section: (section.order, section.slug))


def days_since(moment, today=None):
    today = today or timezone.localdate()
    if isinstance(moment, datetime):
        moment = timezone.localdate(moment)
    return max((today - moment).days, 0)


@dataclass
class Item:
    section: Section
    count: int
    oldest: object
    url: str

    @cached_property
    def days(self):
        return days_since(self.oldest) if self.oldest is not None else 0

    @property
    def summary(self):
        """What the queue shows: "3, oldest 12 days", or "3, oldest from today"."""
        if self.days == 0:
            return gettext("%(count)d, oldest from today") % {"count": self.count}
        return ngettext(
            "%(count)d, oldest %(days)d day",
            "%(count)d, oldest %(days)d days",
            self.days,
        ) % {"count": self.count, "days": self.days}


@dataclass
class RegionQueue:
    region: Region | None
    items: list

    @property
    def name(self):
        return self.region.name if self.region else _("No region")

    @property
    def slug(self):
        return self.region.slug if self.region else NO_REGION


@dataclass
class WorkQueue:
    regions: list

    @property
    def is_empty(self):
        return not any(region.items for region in self.regions)


def queue_for(user):
    """The user's work queue: for active staff who coordinate a region, and administrators;
    None for everyone else."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    administrator = user.is_superuser
    regions = list(Region.objects.all() if administrator else user.regions.all())
    if not regions and not administrator:
        return None
    by_id = {region.pk: region for region in regions}
    found = {pk: [] for pk in by_id}
    found[None] = []
    for section in sections():
        if not section.visible_to(user):
            continue
        for key, (count, oldest) in section.counts(user, list(by_id)).items():
            if count and key in found:
                found[key].append(Item(section, count, oldest, section.url(by_id.get(key))))
    listed = [RegionQueue(region, found[region.pk]) for region in regions]
    if administrator:
        listed.append(RegionQueue(None, found[None]))
    return WorkQueue(listed)


register(
    Section(
        slug="failed-emails",
        label=_("Emails that failed"),
        queryset=lambda: Notification.objects.filter(status=NotificationStatus.FAILED),
        since="created_at",
        link="admin:portal_notification_changelist",
        parameters={"status__exact": NotificationStatus.FAILED},
        order=90,
        administrators_only=True,
    )
)
