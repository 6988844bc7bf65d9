"""Reports on how the two economies work together, in figures that expose no single firm.

The framework
    A report is a `Section`: a slug, a title, the question it answers, the filters it honours,
    `build(filters)` (the aggregate queries that make its `Table`), the kind of chart, whether
    its figures count firms (and so fall under the suppression rule), and `behind(...)` (the
    organisations behind one figure, for those who may see them). Sections register themselves
    in one registry: this module registers the register's own sections (a, b, c, g and h);
    vacancies/reports.py (e, f) and vouchers/reports.py (d) register theirs from their
    AppConfig.ready(). So the report pages live here while companies imports neither app.

Figures
    Every section computes its table with a fixed number of grouped queries (annotate, values,
    Count(distinct=True) with a filter), whatever the number of rows counted. A collaboration
    counts in every year it runs: in year Y when it started by 31 December Y and had not ended
    before 1 January Y. That is one COUNT(DISTINCT ...) FILTER (WHERE <runs in Y>) per year and
    column in one query grouped by province: the years asked are few and known (2012 to this
    year), so the query grows with them and not with the data, and it runs alike on PostgreSQL
    and SQLite (no generate_series, no calendar table to keep up to date). On PostgreSQL,
    report (a) counts the same in half the time by first gathering each firm's years into the
    bits of a bigint (`firms_per_year`).

The cache
    These queries read every row of what they count, so their cost grows with the register;
    the register changes at a human pace and is read often. So `Section.figures` keeps each
    table `build` makes in Django's cache (Redis when configured, failing open: without it a
    report is computed) for a day, under a key of the section and a digest of its code, the
    language (labels are translated when the table is built), the filters, the day (some
    figures count from today) and the data version of portal/datachanges.py, which triggers in
    the database move on every write to a table a report reads. A cached table is therefore
    never stale, whichever code path wrote (bulk_create, QuerySet.update, COPY, raw SQL). The
    cache holds the figures before protection: public viewers, regisseurs and administrators
    share an entry, and `protect` and `arrange` work on the copy each request gets. The
    organisations behind a figure (`behind`) are always looked up afresh.

Figures after a change (`kept`)
    Computing a table reads the whole register, so its cost grows with it (about a third of a
    second for 100,000 collaborations). With a worker (tasks not run inline), the first
    request after a change does not pay it: it is served the last computation of the same
    choice, if that was current no more than REPORTS_STALE_SECONDS ago, and the page says
    when ("Figures of 14:32; the data changed since, they are being computed again"), while
    it asks the worker to compute the new version (`refresh_later`, once per choice and
    version; companies.tasks.refresh_report). The beat (`refresh_reports`, every two
    minutes) computes the default choice of every report and of the four questions in every
    language after a change, or confirms them as current, so the pages most read are never
    computed in a request. Older figures, a choice never computed, tasks run inline (the
    embedded default, the tests) or a cache that is down: the request computes, as before.
    So a figure is never older than REPORTS_STALE_SECONDS and the page says how old it is.

Confidentiality (`protect`, companies/disclosure.py)
    Only confidential columns are protected (`Column.confidential`: figures from the
    collaboration register, who works with whom); counts of what the portal publishes anyway
    (published vacancies and requests, a public programme's vouchers) are shown as they are.
    In public figures a confidential cell of fewer than THRESHOLD distinct firms, or one that a
    single firm dominates (`Cell.largest`, for figures that sum over firms), is hidden; then as
    few other cells as it takes that no hidden cell can be worked out from the cells and the
    totals shown (complementary suppression, audited; see disclosure.py). Every hidden cell
    reads "x" (HIDDEN), whatever the reason. A total of THRESHOLD firms or more stays shown,
    interior cells hidden instead, unless it is the last cell left that would protect one.
    `Cell.parts` are the cells a total adds up; `Cell.bounds` those a count of distinct firms
    bounds without being their sum (firms in any role against firms per role). Regisseurs see
    the figures of a region they coordinate unsuppressed (with the region filter set to it)
    and the organisations behind each figure; administrators see everything. The page, the CSV
    and the JSON come from the same protected table, so an export says exactly what the page
    says.

The range
    The form's default years are those that hold data for the report
    (`Section.first_and_last`, one aggregate, cached by the data version like the tables); a
    year without data within the range is one row with a note ("No data for 2013"), in the
    CSV as the year and the note, in the JSON as a row with `note` and no cells.
"""

import hashlib
import json
import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, Count, DateField, F, FloatField, Max, Min, Q, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal import csvexport, datachanges, geography
from portal.cache import code_fingerprint
from portal.celery import app as celery_app
from portal.models import BelgianRegion, Municipality, Postcode, Province, Region, ServiceCategory

from . import disclosure
from .models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRating,
    CollaborationRole,
    OfferedService,
    Organisation,
    OrganisationKind,
    RatingSide,
    Recognition,
)

FIRST_YEAR = 2012
THRESHOLD = disclosure.THRESHOLD
SMALL = disclosure.SMALL
HIDDEN = disclosure.HIDDEN
# The organisations behind one figure are listed up to this many (with the full count).
BEHIND_LIMIT = 200
# How long a computed table is kept. Its key changes with the data and the day, so an entry is
# served only for its version (or, with a worker, while the next one is computed: `kept`); those
# of past versions are left to expire.
CACHE_SECONDS = 24 * 60 * 60

logger = logging.getLogger(__name__)


class Mode:
    """What the viewer sees: public figures, a region's figures in full, or everything."""

    PUBLIC = "public"
    REGIONAL = "regional"
    FULL = "full"


class Chart:
    LINES = "lines"  # one line per column over the years
    BARS = "bars"  # horizontal bars per row


# --- Filters ---------------------------------------------------------------------------------


def this_year():
    return timezone.localdate().year


class _Brussels:
    """The province filter's choice for Brussels, which has no province: organisations there
    have none (`province` is null). Stands where a Province would, with the same attributes."""

    slug = "brussels"
    pk = None

    @property
    def name(self):
        return gettext("Brussels")

    def __str__(self):
        return self.name


BRUSSELS = _Brussels()


@dataclass(frozen=True)
class Filters:
    """What a report is narrowed to; every field has its default (all years, everywhere)."""

    year_from: int = FIRST_YEAR
    year_to: int = field(default_factory=this_year)
    province: Province | None = None
    region: Region | None = None
    category: ServiceCategory | None = None
    # The recognition of the social side (maatwerkbedrijf, lde, ...): the parliamentary
    # question asks about one kind of social enterprise at a time.
    recognition: Recognition | None = None

    @property
    def years(self):
        return range(self.year_from, self.year_to + 1)

    @property
    def start(self):
        return date(self.year_from, 1, 1)

    @property
    def end(self):
        return date(self.year_to, 12, 31)

    def region_municipalities(self):
        return Municipality.objects.filter(regions=self.region).values("pk")

    def as_params(self):
        return {
            "from": self.year_from,
            "to": self.year_to,
            "province": self.province.slug if self.province else None,
            "region": self.region.slug if self.region else None,
            "category": self.category.slug if self.category else None,
            "recognition": self.recognition.slug if self.recognition else None,
        }

    def digest(self):
        """The choice as a short digest, for the keys of what is cached for it."""
        selection = json.dumps(self.as_params(), sort_keys=True)
        return hashlib.sha256(selection.encode()).hexdigest()[:32]

    def describe(self, honoured):
        """The selection in words: "2012–2025 · Limburg · Catering"."""
        parts = []
        if "years" in honoured:
            parts.append(
                str(self.year_from)
                if self.year_from == self.year_to
                else f"{self.year_from}–{self.year_to}"
            )
        for name in ("province", "region", "category", "recognition"):
            value = getattr(self, name)
            if name in honoured and value is not None:
                parts.append(str(value))
        if not any(getattr(self, name) for name in ("province", "region") if name in honoured):
            parts.append(gettext("all of Flanders"))
        return " · ".join(parts)


_SLUG = re.compile(r"[-\w]{1,60}")


class SlugChoiceField(forms.ModelChoiceField):
    """A choice named by slug; anything that is no slug is refused before it reaches the
    database (PostgreSQL cannot even compare a string with a NUL character in it)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class _ProvincesAndBrussels(forms.models.ModelChoiceIterator):
    def __iter__(self):
        yield from super().__iter__()
        yield (BRUSSELS.slug, BRUSSELS.name)


class ProvinceChoiceField(SlugChoiceField):
    """The Flemish provinces and Brussels (the reports are about Flanders and its capital; an
    organisation elsewhere still counts where the figures are for all provinces)."""

    iterator = _ProvincesAndBrussels

    def to_python(self, value):
        if value == BRUSSELS.slug:
            return BRUSSELS
        return super().to_python(value)


class FilterForm(forms.Form):
    """The GET parameters of a report: `from`, `to`, `province`, `region`, `category`,
    `recognition`.

    Only the filters the section honours are fields. A bad value is reported on the form and
    the report runs without it (with the default).
    """

    province = ProvinceChoiceField(
        label=_("Province"),
        queryset=Province.objects.filter(region=BelgianRegion.FLANDERS),
        to_field_name="slug",
        required=False,
        empty_label=_("All provinces"),
        error_messages={
            "invalid_choice": _("There is no such province; choose one from the list.")
        },
    )
    region = SlugChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
        error_messages={"invalid_choice": _("There is no such region; choose one from the list.")},
    )
    category = SlugChoiceField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All service categories"),
        error_messages={
            "invalid_choice": _("There is no such service category; choose one from the list.")
        },
    )
    recognition = SlugChoiceField(
        label=_("Recognition of the social enterprise"),
        queryset=Recognition.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All recognitions"),
        error_messages={
            "invalid_choice": _("There is no such recognition; choose one from the list.")
        },
    )

    def __init__(self, data, *, section, version=None):
        self.last_year = this_year()
        # By default the years that hold data (see Section.years_with_data).
        self.default_years = (FIRST_YEAR, self.last_year)
        if "years" in section.filters:
            self.default_years = section.years_with_data(version) or self.default_years
        first, last = self.default_years
        # One end chosen: the default of the other never makes the range run backwards.
        chosen = {name: _year(data.get(name)) for name in ("from", "to")}
        if chosen["to"] and not data.get("from"):
            first = min(first, chosen["to"])
        if chosen["from"] and not data.get("to"):
            last = max(last, chosen["from"])
        self.default_years = (first, last)
        defaults = {"from": str(first), "to": str(last)}
        data = data.copy()
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        if "years" in section.filters:
            years = [(year, str(year)) for year in range(FIRST_YEAR, self.last_year + 1)]
            message = gettext("Choose a year from %(first)s to %(last)s.") % {
                "first": FIRST_YEAR,
                "last": self.last_year,
            }
            for name, label in (("from", _("From")), ("to", _("To"))):
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=years,
                    coerce=int,
                    required=False,
                    error_messages={"invalid_choice": message},
                )
            # The years first, in the order of the page.
            self.order_fields(["from", "to"])
        for name in ("province", "region", "category", "recognition"):
            if name not in section.filters:
                del self.fields[name]

    def clean(self):
        cleaned_data = super().clean()
        first, last = cleaned_data.get("from"), cleaned_data.get("to")
        if first and last and first > last:
            self.add_error("to", _("The last year cannot come before the first year."))
        return cleaned_data

    def filters(self):
        """The valid filters, with the default for every value that is absent or bad."""
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            year_from=data.get("from") or self.default_years[0],
            year_to=data.get("to") or self.default_years[1],
            province=data.get("province"),
            region=data.get("region"),
            category=data.get("category"),
            recognition=data.get("recognition"),
        )


def _year(value):
    """A year given in the query, when it is one the form accepts; else None."""
    # isascii(): "²⁰²⁴" is digits to isdigit() that int() refuses.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 4:
        year = int(value)
        return year if FIRST_YEAR <= year <= this_year() else None
    return None


def mode_for(user, filters):
    """Administrators see everything; a regisseur sees a region they coordinate in full."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Mode.PUBLIC
    if user.is_superuser:
        return Mode.FULL
    if filters.region is not None and filters.region.regisseurs.filter(pk=user.pk).exists():
        return Mode.REGIONAL
    return Mode.PUBLIC


# --- Tables and their protection -------------------------------------------------------------


@dataclass(eq=False)
class Cell:
    """One figure: its value, the number of distinct firms behind it, for a total the cells it
    adds up (`parts`), for a count of distinct firms over cells a firm can be in more than one
    of, those cells (`bounds`: it lies between their largest and their sum), and for a figure
    that sums over firms the share of the largest one (`largest`, for the dominance rule).
    `hidden` is set by `protect` (HIDDEN), and `primary` when the cell itself was too small or
    dominated (the others are hidden to protect it)."""

    value: int | str = 0
    firms: int | None = None
    parts: list = field(default_factory=list)
    hidden: str = ""
    bounds: list = field(default_factory=list)
    largest: int | None = None
    primary: bool = False

    @classmethod
    def count(cls, value, firms=None):
        """A count; `firms` defaults to the value (a count of firms)."""
        return cls(value=value, firms=value if firms is None else firms)

    @classmethod
    def total(cls, parts):
        """The sum of `parts`; its firms are theirs added up when each has its own (set
        `firms` where a firm can be in several parts)."""
        firms = [part.firms for part in parts]
        return cls(
            value=sum(part.value for part in parts),
            firms=None if None in firms else sum(firms),
            parts=list(parts),
        )

    @property
    def shown(self):
        return self.hidden or self.value

    @property
    def number(self):
        """The value for a chart: None when it is hidden."""
        return None if self.hidden else self.value


@dataclass(frozen=True)
class Column:
    """A column of figures; `confidential` when they come from the register (who works with
    whom) and so are protected in public, else public (what the portal shows anyway)."""

    key: str
    label: str
    numeric: bool = True
    confidential: bool = True


@dataclass(eq=False)
class Row:
    """A row of figures. A row with a `note` ("No data for 2013") stands for a year where
    nothing was counted: the page, the CSV and the JSON say the note instead of its zeros
    (charts still draw them)."""

    key: str
    labels: list
    cells: dict
    total: bool = False
    link: str = ""
    note: str = ""

    @property
    def label(self):
        return " · ".join(str(label) for label in self.labels)


@dataclass(eq=False)
class Table:
    row_headers: list
    columns: list
    rows: list
    # A figure per municipality (NIS code) for the section's map, the municipalities' names and
    # their provinces' names (for the table per province under the map).
    places: dict = field(default_factory=dict)
    place_names: dict = field(default_factory=dict)
    place_provinces: dict = field(default_factory=dict)
    # Other figures per municipality for more maps: {name: {NIS code: value}}.
    layers: dict = field(default_factory=dict)
    # The NIS code of each province key of the rows ("limburg": "70000"), for a province map.
    province_codes: dict = field(default_factory=dict)
    # When figures of an earlier data version are served while the worker computes the current
    # ones (`kept`): the time they were last known to be current. None: they are current.
    as_of: datetime | None = None
    # The data version the figures were computed at (`kept`).
    version: str = ""

    def find(self, row_key, column_key):
        """The row and column named by these keys, or None when the table has no such cell."""
        column = next((c for c in self.columns if c.key == column_key and c.numeric), None)
        row = next((r for r in self.rows if r.key == row_key), None)
        return (row, column) if row and column else None

    @property
    def note_span(self):
        """The columns a row's note spans on the page: all but its one label."""
        return len(self.row_headers) + len(self.columns) - 1

    def lines(self):
        """Each row with its cells in the order of the columns, for the template."""
        return [
            {"row": row, "cells": [(column, row.cells[column.key]) for column in self.columns]}
            for row in self.rows
        ]


def protect(table):
    """Hide what would tell about a firm, the way statistical offices do (companies/disclosure.py):
    small and dominated confidential cells, then as few others as needed so that none of them
    can be worked out from the cells and totals shown. Public columns are left as they are."""
    cells, confidential, sums, bounds = [], set(), [], []
    for row in table.rows:
        for column in table.columns:
            cell = row.cells[column.key]
            if not (column.numeric and isinstance(cell.value, int)):
                continue
            cells.append(cell)
            if column.confidential:
                confidential.add(id(cell))
            if cell.parts:
                sums.append((cell, cell.parts))
            if cell.bounds:
                bounds.append((cell, cell.bounds))
    disclosure.suppress(cells, confidential, sums, bounds)
    return table


# --- Figures after a change (see the module's docstring) ----------------------------------------

# While the worker computes (`refreshing`): the time it read the data version.
_refreshing = ContextVar("reports_refreshing", default=None)
# While `kept` builds a value: what it is built from is current too, never an earlier version.
_building = ContextVar("reports_building", default=False)
# While a page that is made of other reports is served: (its slug, its filters), which the
# worker is asked to compute instead of each report it reads (`asking_for`).
_asking = ContextVar("reports_asking", default=None)


@contextmanager
def refreshing():
    """The worker's side of `kept`: within, whatever is missing for the current data version is
    computed, never served from an earlier one, and what is found current is confirmed as such.
    Yields the data version."""
    token = _refreshing.set(timezone.now())
    try:
        yield datachanges.version()
    finally:
        _refreshing.reset(token)


@contextmanager
def asking_for(slug, filters):
    """Within, what `kept` serves from before asks the worker for page `slug` with `filters`
    rather than for the report it came from: the four questions read four reports, and one task
    that computes the page computes them all (four_questions.refresh)."""
    token = _asking.set((slug, filters))
    try:
        yield
    finally:
        _asking.reset(token)


def serves_stale():
    """Whether a request may get an earlier computation while a worker computes the current one:
    tasks run in a worker, not inline, and REPORTS_STALE_SECONDS allows it."""
    return (
        settings.REPORTS_STALE_SECONDS > 0
        and _refreshing.get() is None
        and not _building.get()
        and not celery_app.conf.task_always_eager
    )


def kept(key, build, *, version, refresh):
    """(value, as_of, computed): what `build()` makes, cached under `key` and the data version
    `version`; `computed` is the data version the value was computed at.

    When it is not cached, `build()` makes it now (as_of None), unless a request may be served
    an earlier computation (`serves_stale`): the last one of `key`, at an earlier version, if
    that version was still current no more than REPORTS_STALE_SECONDS ago. Then `refresh()`
    asks the worker to compute the current one (once per key and version) and `as_of` is the
    time it was last known to be current. Three entries per key: the value per version, the
    last value with its version, and the last time that version was known to be current (the
    worker confirms it without writing the value again). `build()` must not return None.
    """
    current = f"{key}:{version}"
    last_key, confirmed_key = f"{key}:last", f"{key}:confirmed"
    value = cache.get(current)
    checked_at = _refreshing.get()
    if value is not None:
        if checked_at is not None:
            cache.set(confirmed_key, (version, checked_at), CACHE_SECONDS)
        return value, None, version
    if serves_stale():
        found = cache.get_many([last_key, confirmed_key])
        last, confirmed = found.get(last_key), found.get(confirmed_key)
        if last is not None and confirmed is not None and last[0] == confirmed[0]:
            as_of = confirmed[1]
            if timezone.now() - as_of <= timedelta(seconds=settings.REPORTS_STALE_SECONDS):
                if cache.add(f"{current}:refreshing", True, settings.REPORTS_STALE_SECONDS):
                    refresh()
                return last[1], as_of, last[0]
    # The figures read after this moment: they are current at least as of it.
    as_of = checked_at or timezone.now()
    token = _building.set(True)
    try:
        value = build()
    finally:
        _building.reset(token)
    cache.set_many(
        {current: value, last_key: (version, value), confirmed_key: (version, as_of)},
        CACHE_SECONDS,
    )
    return value, None, version


def stale_minutes():
    """REPORTS_STALE_SECONDS in whole minutes, for the page that says how old figures may be."""
    return max(1, -(-settings.REPORTS_STALE_SECONDS // 60))


def refresh_later(slug, filters):
    """Ask the worker to compute report `slug` (or the four questions) for `filters` (a Filters,
    or the GET parameters as a dict) in the active language. A broker that is down costs
    nothing but the wait: the figures served say their age, and age out."""
    from .tasks import refresh_report  # tasks imports this module

    slug, filters = _asking.get() or (slug, filters)
    params = filters if isinstance(filters, dict) else filters.as_params()
    params = {name: str(value) for name, value in params.items() if value is not None}
    language = get_language() or settings.LANGUAGE_CODE
    # One task per page, choice, language and data version: a page that keeps several values
    # (the four questions keep six) asks once, and the task computes them all.
    choice = json.dumps([slug, sorted(params.items()), language], separators=(",", ":"))
    digest = hashlib.sha256(choice.encode()).hexdigest()[:32]
    asked = f"reports:asked:{digest}:{datachanges.version()}"
    if not cache.add(asked, True, settings.REPORTS_STALE_SECONDS):
        return
    try:
        refresh_report.delay(slug, params, language)
    except Exception:
        logger.warning("Could not ask the worker to compute the report %s.", slug, exc_info=True)


def refresh(section, params):
    """Compute `section` for the choice of `params` (GET parameters; {}: the default) in the
    active language, whole and in public figures, or confirm them as current: the worker's
    side of `kept`."""
    with refreshing() as version:
        filters = FilterForm(params, section=section, version=version).filters()
        section.figures(filters, version)
        if section.counts_firms:
            section.compute(filters, mode=Mode.PUBLIC, version=version)


# --- Sections and the registry ---------------------------------------------------------------


class Section:
    """A report: subclasses set the attributes and write `build` (and `behind`)."""

    slug = ""
    letter = ""  # the order on the overview: a, b, c, ...
    title = ""
    question = ""  # the question the report answers, in one sentence
    method = ""  # how the figures are made, for the reader
    # The register's sections count collaborations and so honour the social side's recognition;
    # the sections of vacancies, requests and vouchers set their own (without it).
    filters = frozenset({"years", "province", "region", "category", "recognition"})
    chart = Chart.BARS
    # Whether the maps come before the chart: where the question is "where?" (blind spots).
    maps_first = False
    # Whether some figures count register firms (confidential columns, see `Column`): then
    # they are protected in public and staff may see the organisations behind a figure.
    counts_firms = True
    # Whether a regisseur sees the figures of their own region in full (and the organisations
    # behind them); not where the figures are the organisations' own (a buyer's amounts).
    regional_in_full = True

    def build(self, filters):
        raise NotImplementedError

    def viewer_mode(self, user, filters):
        """What this report shows the viewer: `mode_for`, but public figures for a regisseur's
        own region where the section's figures are not theirs to see in full."""
        mode = mode_for(user, filters)
        if mode == Mode.REGIONAL and not self.regional_in_full:
            return Mode.PUBLIC
        return mode

    def arrange(self, table):
        """Put rows in their final order once the figures are protected (sorting by a hidden
        figure would tell how large it is)."""
        return table

    def first_and_last(self):
        """(first year, last year) with something this report counts, or None; one cheap
        aggregate query. Sections with years write it; `years_with_data` caches it."""
        return None

    def years_with_data(self, version=None):
        """The years that hold data, clamped to FIRST_YEAR and this year: the default range of
        the filter form. Cached like the tables, by the data version (and the day: "this
        year" moves)."""
        version = version or datachanges.version()
        key = ":".join(
            [
                "report-years",
                self.slug,
                code_fingerprint(__name__, type(self).__module__),
                timezone.localdate().isoformat(),
            ]
        )
        found, _as_of, _computed = kept(
            key, self._years, version=version, refresh=lambda: refresh_later(self.slug, {})
        )
        return None if found == "none" else found

    def _years(self):
        years = self.first_and_last()
        if years is None or None in years:
            return "none"
        first = min(max(years[0], FIRST_YEAR), this_year())
        last = max(min(years[1], this_year()), first)
        return (first, last)

    def compute(self, filters, *, mode, version=None):
        """The table as the viewer may see it: the figures (cached), protected and arranged on
        the copy the cache handed out. The public table is cached too, once protected:
        protecting a table of fifteen years takes tens of milliseconds (the audit), the same
        for every public viewer."""
        version = version or datachanges.version()
        if not (self.counts_firms and mode == Mode.PUBLIC):
            return self.arrange(self.figures(filters, version))
        table, as_of, computed = kept(
            f"{self.cache_key(filters)}:public",
            lambda: protect(self.figures(filters, version)),
            version=version,
            refresh=lambda: refresh_later(self.slug, filters),
        )
        table.as_of, table.version = as_of, computed
        return self.arrange(table)

    def figures(self, filters, version=None):
        """The table `build` makes, unprotected: from the cache while the data and the day are
        those it was computed on (see "The cache" above; with a worker, perhaps the last
        computation, see `kept`). The caller gets a copy of its own. `version`: the data version
        read at the start of the request, if it was."""
        # The version first: a table built after reading it is at least as new as it says.
        table, as_of, computed = kept(
            self.cache_key(filters),
            lambda: self.build(filters),
            version=version or datachanges.version(),
            refresh=lambda: refresh_later(self.slug, filters),
        )
        table.as_of, table.version = as_of, computed
        return table

    def cache_key(self, filters):
        """The section and its code, the language of the labels, the filters and the day (`kept`
        adds the data version)."""
        return ":".join(
            [
                "report",
                self.slug,
                # This module and the section's hold and make the table.
                code_fingerprint(__name__, type(self).__module__),
                get_language() or settings.LANGUAGE_CODE,
                filters.digest(),
                timezone.localdate().isoformat(),
            ]
        )

    def behind(self, filters, row_key, column_key):
        """The organisations behind one figure, as a queryset; None when it has none."""
        return None

    def chart_rows(self, table):
        """The rows a chart draws: those with something to show (a row of zeros draws
        nothing), without totals."""
        return [
            row
            for row in table.rows
            if not row.total and any(cell.shown for cell in row.cells.values())
        ]

    def chart_columns(self, table):
        return [column for column in table.columns if column.numeric]

    def chart_label(self, row):
        return row.label

    def map(self, table, filters):
        """A choropleth of the table's `places` (portal/maps.py) with its title, or None."""
        return None

    def maps(self, table, filters):
        """The maps of the page, in order: each {"chart", "title"} and perhaps "provinces" (a
        table per province under it). Drawn from the protected table: a map shows no more
        than the table."""
        drawn = self.map(table, filters)
        return [drawn] if drawn else []


_registry = {}


def register(section):
    """Add a section to /reports/; called at import of each app's reports module."""
    _registry[section.slug] = section
    return section


def sections():
    return sorted(_registry.values(), key=lambda section: section.letter)


def get(slug):
    return _registry.get(slug)


@dataclass
class Behind:
    """The organisations behind one figure: the first BEHIND_LIMIT of them and their number.
    `row` is None when the table has no such figure."""

    row: Row | None = None
    column: Column | None = None
    organisations: list = field(default_factory=list)
    count: int = 0


def behind(section, table, filters, *, mode, row_key, column_key):
    """What lies behind one figure, for a viewer who may see it; None when the viewer may not
    or asked for nothing. Two queries at most."""
    if mode == Mode.PUBLIC or not section.counts_firms or not (row_key and column_key):
        return None
    found = table.find(str(row_key), str(column_key))
    if found is None:
        return Behind()
    row, column = found
    organisations = section.behind(filters, row.key, column.key)
    if organisations is None:
        return Behind()
    organisations = organisations.select_related("municipality").order_by("name", "pk")
    listed = list(organisations[:BEHIND_LIMIT])
    count = len(listed) if len(listed) < BEHIND_LIMIT else organisations.count()
    return Behind(row=row, column=column, organisations=listed, count=count)


# --- Exports ---------------------------------------------------------------------------------


def _table_lines(table):
    yield [*table.row_headers, *(column.label for column in table.columns)]
    for row in table.rows:
        if row.note:
            yield [*row.labels, row.note]
        else:
            yield [*row.labels, *(row.cells[column.key].shown for column in table.columns)]


def csv_response(section, table):
    """The table as on the page, as CSV in the format of portal.csvexport."""
    header, *rows = _table_lines(table)
    lines = csvexport.lines(rows, header=lambda: header, row=lambda line: line)
    return csvexport.response(lines, topic=f"report-{section.slug}")


def as_json(section, table, *, filters, mode):
    """The table as on the page: a hidden figure is the string "<3" or "x", as shown."""
    return {
        "report": section.slug,
        "title": str(section.title),
        "mode": mode,
        "threshold": THRESHOLD if section.counts_firms and mode == Mode.PUBLIC else None,
        "filters": {
            name: value
            for name, value in filters.as_params().items()
            if name in section.filters or (name in ("from", "to") and "years" in section.filters)
        },
        "row_headers": [str(header) for header in table.row_headers],
        "columns": [{"key": column.key, "label": str(column.label)} for column in table.columns],
        "rows": [_json_row(row, table) for row in table.rows],
        # Figures of an earlier version served while the worker computes (`kept`): when they
        # were last current; null when they are current.
        "as_of": table.as_of.isoformat() if table.as_of else None,
    }


def _json_row(row, table):
    """A row as on the page; a row with a note ("No data for 2013") has the note, no cells."""
    if row.note:
        return {
            "key": row.key,
            "labels": [str(label) for label in row.labels],
            "total": row.total,
            "note": row.note,
            "cells": {},
        }
    return {
        "key": row.key,
        "labels": [str(label) for label in row.labels],
        "total": row.total,
        "cells": {
            column.key: row.cells[column.key].shown
            if column.numeric
            else str(row.cells[column.key].value)
            for column in table.columns
        },
    }


# --- Building blocks for sections ------------------------------------------------------------

NO_PROVINCE = "none"
ALL = "all"
# Brussels lies in no province; its 19 municipalities are one shape on a map of provinces.
BRUSSELS_NIS = "21000"


def province_key(province):
    return province.slug if province else NO_PROVINCE


def province_label(province):
    return province.name if province else gettext("Brussels (no province)")


def provinces_for(filters, present):
    """The provinces a table has rows or columns for: the chosen one; else the Flemish ones
    (unless a region narrows the figures) and any other where something was counted. `present`
    holds the province ids found (None for organisations in Brussels). One query."""
    if filters.province is BRUSSELS:
        return [None]
    if filters.province is not None:
        return [filters.province]
    provinces = [
        province
        for province in Province.objects.order_by("name_nl")
        if province.pk in present
        or (filters.region is None and province.region == BelgianRegion.FLANDERS)
    ]
    # Flemish provinces first, the others after them.
    provinces.sort(key=lambda province: province.region != BelgianRegion.FLANDERS)
    if None in present:
        provinces.append(None)
    return provinces


def in_province(queryset, key, path=""):
    """Narrow to the province named by a row or column key (every province for ALL)."""
    if key == ALL:
        return queryset
    if key == NO_PROVINCE:
        return queryset.filter(**{f"{path}province__isnull": True})
    return queryset.filter(**{f"{path}province__slug": key})


def year_province_table(filters, *, counts, columns, provinces, bounds=None):
    """Rows per year and province, with a total row per year over the provinces.

    `counts` maps (year, province id) to {column key: (value, firms)}. `bounds` names columns
    that count the distinct firms of others without being their sum ({"any": ["client",
    "supplier", "partner"]}): a firm in two roles counts once (see `Cell.bounds`).
    """
    bounds = bounds or {}
    rows = []
    for year in filters.years:
        if not any(
            value or firms
            for (counted, _place), figures in counts.items()
            if counted == year
            for value, firms in figures.values()
        ):
            rows.append(
                Row(
                    key=f"{year}:{province_key(provinces[0]) if len(provinces) == 1 else ALL}",
                    labels=[str(year)],
                    cells={column.key: Cell.count(0) for column in columns},
                    total=len(provinces) > 1,
                    note=gettext("No data for %(year)s") % {"year": year},
                )
            )
            continue
        province_rows = []
        for province in provinces:
            figures = counts.get((year, province.pk if province else None), {})
            cells = {column.key: Cell.count(*figures.get(column.key, (0, 0))) for column in columns}
            for key, others in bounds.items():
                cells[key].bounds = [cells[other] for other in others]
            province_rows.append(
                Row(
                    key=f"{year}:{province_key(province)}",
                    labels=[str(year), province_label(province)],
                    cells=cells,
                )
            )
        rows += province_rows
        if len(province_rows) > 1:
            totals = {
                column.key: Cell.total([row.cells[column.key] for row in province_rows])
                for column in columns
            }
            # The distinct firms of a total, where they were counted (a firm in several
            # provinces); else those of the provinces add up (a firm has one province).
            for key, (_value, firms) in counts.get((year, ALL), {}).items():
                totals[key].firms = firms
            for key, others in bounds.items():
                totals[key].bounds = [totals[other] for other in others]
            rows.append(
                Row(
                    key=f"{year}:{ALL}",
                    labels=[str(year), gettext("All provinces")],
                    cells=totals,
                    total=True,
                )
            )
    return Table(
        row_headers=[_("Year"), _("Province")],
        columns=columns,
        rows=rows,
        province_codes={province_key(p): p.nis_code if p else BRUSSELS_NIS for p in provinces},
    )


def count_per_year_and_province(queryset, *, date, place, firm, measures, into, totals=()):
    """Count rows per year (of the field `date`) and province (the field `place`), one query.

    `measures` maps a column key to a Q (None: every row); each is counted with the distinct
    firms (the field `firm`) behind it. Adds {(year, province id): {key: (value, firms)}} to
    `into` and returns it. For the measures named in `totals` (confidential ones whose firm can
    be in several provinces: an employer placing people in two), a second query counts the
    distinct firms of each year over all provinces, under (year, ALL): the firms of the total,
    which are not the sum of the provinces' firms.
    """
    aggregates = {}
    for key, condition in measures.items():
        aggregates[key] = Count("pk", filter=condition)
        aggregates[f"{key}__firms"] = Count(firm, distinct=True, filter=condition)
    rows = (
        queryset.values(report_year=ExtractYear(date), report_place=F(place))
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        figures = into.setdefault((row["report_year"], row["report_place"]), {})
        for key in measures:
            figures[key] = (row[key], row[f"{key}__firms"])
    if totals:
        firms = {key: Count(firm, distinct=True, filter=measures[key]) for key in totals}
        for row in queryset.values(report_year=ExtractYear(date)).annotate(**firms).order_by():
            figures = into.setdefault((row["report_year"], ALL), {})
            for key in totals:
                figures[key] = (None, row[key])
    return into


def in_place(queryset, filters, path=""):
    """Narrow rows of a Located model, or of one reached by `path` ("regular__"), to the
    province and region chosen."""
    if filters.province is BRUSSELS:
        queryset = queryset.filter(**{f"{path}province__isnull": True})
    elif filters.province is not None:
        queryset = queryset.filter(**{f"{path}province": filters.province})
    if filters.region is not None:
        queryset = queryset.filter(**{f"{path}municipality__in": filters.region_municipalities()})
    return queryset


def parse_year_province(row_key):
    """(year, province key) of a row key such as "2015:limburg" or "2015:all"; the key comes
    from the table (Table.find), so it is well formed."""
    year, _sep, place = row_key.partition(":")
    return int(year), place


class YearProvinceSection(Section):
    """A table per year and province: the chart draws the totals (or the one province) per year."""

    chart = Chart.LINES

    def chart_rows(self, table):
        totals = [row for row in table.rows if row.total]
        return totals or [row for row in table.rows if not row.total]

    def chart_label(self, row):
        return row.labels[0]


# --- The register's sections: collaborations -------------------------------------------------


def collaborations(filters):
    """Confirmed collaborations that ran during the years asked, narrowed by the filters.

    The place is the regular organisation's: its province, its municipality's regions; the
    recognition is the social enterprise's.
    """
    queryset = (
        Collaboration.objects.confirmed()
        .filter(started__lte=filters.end)
        .filter(Q(ended__isnull=True) | Q(ended__gte=filters.start))
    )
    if filters.category is not None:
        queryset = queryset.filter(category=filters.category)
    if filters.recognition is not None:
        # One recognition: at most one row per enterprise, so the join adds no duplicates.
        queryset = queryset.filter(social__recognitions=filters.recognition)
    return in_place(queryset, filters, "regular__")


def runs_in(year):
    """Q: the collaboration ran during (part of) the year."""
    return Q(started__lte=date(year, 12, 31)) & (
        Q(ended__isnull=True) | Q(ended__gte=date(year, 1, 1))
    )


def regular_organisations(collaborations):
    return Organisation.objects.filter(pk__in=collaborations.values("regular"))


ANY_ROLE = "any"


def collaboration_years():
    """(first, last) year a confirmed collaboration ran: the last is this year while one runs."""
    found = Collaboration.objects.confirmed().aggregate(
        first=Min("started"), last=Max("ended"), running=Count("pk", filter=Q(ended__isnull=True))
    )
    if found["first"] is None:
        return None
    last = this_year() if found["running"] or found["last"] is None else found["last"].year
    return (found["first"].year, last)


def firms_per_year(filters):
    """{(year, province id): {role: firms, ..., ANY_ROLE: firms}}: the distinct regular
    organisations of the collaborations that ran in each year asked, per role and in any role,
    by their province. One query.

    On PostgreSQL, the years of each firm are first gathered into bits (below); elsewhere, and
    for more years than a bigint has bits, one COUNT(DISTINCT) per year and role counts them.
    Both count the same (the tests run the figures on both databases)."""
    queryset = collaborations(filters)
    if connections[queryset.db].vendor == "postgresql" and len(filters.years) <= _MASK_YEARS:
        return _firms_per_year_by_bits(queryset, filters)
    roles = list(CollaborationRole.values)
    aggregates = {}
    for year in filters.years:
        runs = runs_in(year)
        for role in roles:
            in_role = runs & Q(role=role)
            aggregates[f"{role}_{year}"] = Count("regular", distinct=True, filter=in_role)
        aggregates[f"{ANY_ROLE}_{year}"] = Count("regular", distinct=True, filter=runs)
    rows = queryset.values("regular__province").annotate(**aggregates).order_by()
    return {
        (year, row["regular__province"]): {key: row[f"{key}_{year}"] for key in [*roles, ANY_ROLE]}
        for row in rows
        for year in filters.years
    }


# Bit k of a firm's years stands for filters.year_from + k; a bigint has 63 bits besides its
# sign, and the bit above the last year must fit too.
_MASK_YEARS = 62
# Per collaboration, the years it runs as bits (1 << (last + 1)) - (1 << first), counted from
# the first year asked and clamped to the years asked; per firm, the bits of its collaborations
# OR-ed together, per role and in any role; per province, the firms with each year's bit set.
# Sixty COUNT(DISTINCT ...) (15 years, 4 columns) each sort their rows; this reads each
# collaboration once and counts firms, not collaborations: half the time on 100,000 of them.
# Only ORM-compiled SQL goes into the subquery; every value is a parameter or one of our ints.
_FIRMS_BY_BITS_SQL = (
    "SELECT o.{province}, {counts} FROM ("  # noqa: S608
    "SELECT runs.firm, {masks} FROM ("
    "SELECT firm, kind,"
    " (1::bigint << (LEAST(COALESCE(date_part('year', ended_on)::int, %s), %s) + 1 - %s))"
    " - (1::bigint << (GREATEST(date_part('year', started_on)::int, %s) - %s)) AS years"
    " FROM ({collaborations}) AS collaboration) AS runs GROUP BY runs.firm) AS firms"
    " JOIN {organisations} AS o ON o.id = firms.firm GROUP BY o.{province}"
)


def _firms_per_year_by_bits(queryset, filters):
    roles = list(CollaborationRole.values)
    keys = [*roles, ANY_ROLE]
    masks = ", ".join(
        [f"BIT_OR(runs.years) FILTER (WHERE runs.kind = %s) AS m{n}" for n in range(len(roles))]
        + [f"BIT_OR(runs.years) AS m{len(roles)}"]
    )
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE firms.m{n} & {1 << bit} <> 0)"
        for bit in range(len(filters.years))
        for n in range(len(keys))
    )
    rows = queryset.values(
        firm=F("regular_id"), kind=F("role"), started_on=F("started"), ended_on=F("ended")
    ).order_by()
    rows_sql, rows_params = rows.query.sql_with_params()
    quote = connections[queryset.db].ops.quote_name
    sql = _FIRMS_BY_BITS_SQL.format(
        counts=counts,
        masks=masks,
        collaborations=rows_sql,
        organisations=quote(Organisation._meta.db_table),
        province=quote(Organisation._meta.get_field("province").column),
    )
    first, last = filters.year_from, filters.year_to
    params = [*roles, last, last, first, first, first, *rows_params]
    found = {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for province, *figures in cursor.fetchall():
            for bit, year in enumerate(filters.years):
                found[(year, province)] = dict(
                    zip(keys, figures[bit * len(keys) : (bit + 1) * len(keys)], strict=True)
                )
    return found


class FirmsPerYear(YearProvinceSection):
    slug = "firms"
    letter = "a"
    title = _("Firms working with the social economy")
    question = _(
        "How many regular organisations work with a social enterprise, as client, supplier or "
        "partner, per province and year?"
    )
    method = _(
        "Distinct regular organisations (firms, public bodies, schools, non-profits) with a "
        "confirmed collaboration that ran during the year, by the province of the regular "
        "organisation. A collaboration counts in every year it runs. An organisation in several "
        "roles counts once under “any role”."
    )

    def first_and_last(self):
        return collaboration_years()

    def columns(self):
        return [
            Column(CollaborationRole.CLIENT, gettext("Clients")),
            Column(CollaborationRole.SUPPLIER, gettext("Suppliers")),
            Column(CollaborationRole.PARTNER, gettext("Partners")),
            Column(ANY_ROLE, gettext("Any role")),
        ]

    def build(self, filters):
        counts = {
            place: {key: (firms, firms) for key, firms in by_role.items()}
            for place, by_role in firms_per_year(filters).items()
        }
        present = {province for _year, province in counts}
        return year_province_table(
            filters,
            counts=counts,
            columns=self.columns(),
            provinces=provinces_for(filters, present),
            bounds={ANY_ROLE: list(CollaborationRole.values)},
        )

    def map(self, table, filters):
        """The firms in any role per province in the last year of the choice with a figure,
        coloured only where the table shows the figure (a hidden one is hatched)."""
        from .report_charts import province_map  # it draws; this module imports nothing of it

        return province_map(
            table,
            ANY_ROLE,
            key="firms-map",
            title=gettext("Regular organisations working with a social enterprise in %(year)s"),
        )

    def behind(self, filters, row_key, column_key):
        year, place = parse_year_province(row_key)
        queryset = in_province(collaborations(filters).filter(runs_in(year)), place, "regular__")
        if column_key != ANY_ROLE:
            queryset = queryset.filter(role=column_key)
        return regular_organisations(queryset)


NO_CATEGORY = "none"


class ProvinceColumnsSection(Section):
    """Rows of a kind (service categories, channels) against provinces and their total."""

    chart = Chart.BARS

    def first_and_last(self):
        return collaboration_years()

    def province_columns(self, filters, present):
        provinces = provinces_for(filters, present)
        columns = [Column(province_key(p), province_label(p)) for p in provinces]
        if len(columns) > 1:
            columns.append(Column(ALL, gettext("All provinces")))
        return provinces, columns

    def province_cells(self, provinces, columns, figures):
        """{column key: Cell} for one row, from {province id: (value, firms)}, or (value,
        firms, largest) for a figure that sums over firms (the dominance rule)."""
        cells = {}
        for p in provinces:
            value, firms, *largest = figures.get(p.pk if p else None, (0, 0))
            cells[province_key(p)] = Cell.count(value, firms)
            cells[province_key(p)].largest = largest[0] if largest else None
        if any(column.key == ALL for column in columns):
            parts = list(cells.values())
            cells[ALL] = Cell.total(parts)
            if any(part.largest is not None for part in parts):
                # A firm has one province: the largest share of the total is one of theirs.
                cells[ALL].largest = max(part.largest or 0 for part in parts)
        return cells

    def arrange(self, table):
        """Most first, by what is shown (a hidden figure sorts as nothing)."""
        key = table.columns[-1].key

        def shown(row):
            cell = row.cells[key]
            return -(cell.number or 0)

        table.rows.sort(key=shown)  # stable: ties keep the order of the vocabulary
        return table

    def chart_columns(self, table):
        return table.columns[-1:]


class ServicesUsed(ProvinceColumnsSection):
    slug = "services"
    letter = "b"
    title = _("Services used most")
    question = _(
        "Which services of social enterprises do regular organisations use most, overall and "
        "per province?"
    )
    method = _(
        "Distinct regular organisations with a confirmed collaboration in the service category "
        "that ran at some time during the years asked, by the province of the regular "
        "organisation; most used first."
    )

    def build(self, filters):
        rows = (
            collaborations(filters)
            .values("category", "regular__province")
            .annotate(firms=Count("regular", distinct=True))
            .order_by()
        )
        figures = {}
        for row in rows:
            figures.setdefault(row["category"], {})[row["regular__province"]] = (
                row["firms"],
                row["firms"],
            )
        provinces, columns = self.province_columns(
            filters, {province for by in figures.values() for province in by}
        )
        categories = [filters.category] if filters.category else list(ServiceCategory.objects.all())
        table_rows = [
            Row(
                key=category.slug,
                labels=[category.name],
                cells=self.province_cells(provinces, columns, figures.get(category.pk, {})),
            )
            for category in categories
        ]
        if None in figures:
            table_rows.append(
                Row(
                    key=NO_CATEGORY,
                    labels=[gettext("No category given")],
                    cells=self.province_cells(provinces, columns, figures[None]),
                )
            )
        return Table(row_headers=[_("Service category")], columns=columns, rows=table_rows)

    def behind(self, filters, row_key, column_key):
        queryset = collaborations(filters)
        if row_key == NO_CATEGORY:
            queryset = queryset.filter(category__isnull=True)
        elif filters.category is None:
            queryset = queryset.filter(category__slug=row_key)
        return regular_organisations(in_province(queryset, column_key, "regular__"))


class Channels(ProvinceColumnsSection):
    slug = "channels"
    letter = "c"
    title = _("How they met")
    question = _("How did regular organisations and social enterprises find each other?")
    method = _(
        "Confirmed collaborations that ran at some time during the years asked, by how the two "
        "met and by the province of the regular organisation. A figure counting collaborations "
        "of fewer than 3 regular organisations is hidden."
    )

    def build(self, filters):
        # A figure counts collaborations, a sum over firms: with each cell's firms comes the
        # number of the firm with the most (the dominance rule). One query: per channel,
        # province and firm, its collaborations; per channel and province, their sum, the
        # firms and the largest. Only ORM-compiled SQL goes into the subquery.
        per_firm = (
            collaborations(filters)
            .values(met=F("channel"), place=F("regular__province"), firm=F("regular"))
            .annotate(collaborations=Count("pk"))
            .order_by()
        )
        inner, params = per_firm.query.sql_with_params()
        sql = (
            "SELECT met, place, SUM(collaborations), COUNT(*), MAX(collaborations)"  # noqa: S608
            f" FROM ({inner}) AS per_firm GROUP BY met, place"
        )
        figures = {}
        with connections[per_firm.db].cursor() as cursor:
            cursor.execute(sql, params)
            for channel, province, count, firms, largest in cursor.fetchall():
                figures.setdefault(channel, {})[province] = (int(count), firms, largest)
        provinces, columns = self.province_columns(
            filters, {province for by in figures.values() for province in by}
        )
        table_rows = [
            Row(
                key=channel.value,
                labels=[channel.label],
                cells=self.province_cells(provinces, columns, figures.get(channel.value, {})),
            )
            for channel in CollaborationChannel
        ]
        return Table(row_headers=[_("How they met")], columns=columns, rows=table_rows)

    def behind(self, filters, row_key, column_key):
        queryset = collaborations(filters).filter(channel=row_key)
        return regular_organisations(in_province(queryset, column_key, "regular__"))


# --- Blind spots: where no verified social enterprise reaches ----------------------------------

# A box around the enterprise before the distance is computed: a degree of latitude is
# KM_PER_DEGREE_LATITUDE km; a degree of longitude is at least half of that up to 60° north,
# which holds all of Belgium with room to spare.
_KM_PER_DEGREE_LONGITUDE_AT_LEAST = geography.KM_PER_DEGREE_LATITUDE * 0.5

# The haversine distance in km between the place p and the enterprise s, as
# portal.geography.distance_km computes it (same formula, same earth radius; the first
# parameter is twice that radius). Written out because both ends are columns of a join.
_HAVERSINE_SQL = (
    "%s * ASIN(SQRT(POWER(SIN(RADIANS(p.lat - s.lat) / 2), 2)"
    " + COS(RADIANS(s.lat)) * COS(RADIANS(p.lat)) * POWER(SIN(RADIANS(p.lon - s.lon) / 2), 2)))"
)
# Only ORM-compiled SQL goes into the two subqueries; every value is a parameter.
# Before the join, the services shrink to what decides the answer (issue 9: the join grew with
# every enterprise): a category that one service offers in all of Flanders reaches everywhere,
# one row; otherwise, of the services of a category at one place (enterprises sit at their
# postcode's centre), only the widest radius matters. So the join is bounded by categories
# times places, whatever the number of enterprises.
_REACHED_SQL = (
    "WITH services AS ({services}),"  # noqa: S608
    " everywhere AS (SELECT DISTINCT offered FROM services WHERE radius IS NULL),"
    " s AS ("
    "SELECT offered, NULL AS radius, NULL AS lat, NULL AS lon FROM everywhere"
    " UNION ALL"
    " SELECT offered, MAX(radius), lat, lon FROM services"
    " WHERE radius IS NOT NULL AND offered NOT IN (SELECT offered FROM everywhere)"
    " GROUP BY offered, lat, lon)"
    " SELECT DISTINCT s.offered, p.town FROM s, ({places}) p"
    " WHERE s.radius IS NULL OR ("
    " p.lat BETWEEN s.lat - s.radius / %s AND s.lat + s.radius / %s"
    " AND p.lon BETWEEN s.lon - s.radius / %s AND s.lon + s.radius / %s"
    f" AND {_HAVERSINE_SQL} <= s.radius)"
)


def reached(categories, municipalities, *, recognition=None):
    """{category id: {municipality id, ...}}: which of `municipalities` (a queryset) the verified
    social enterprises offering each of `categories` reach. One query.

    A service reaches a municipality when one of its postcodes lies within the service's
    radius of the enterprise's place, or everywhere when it has no radius. That is a join of
    every verified service with every postcode, which the ORM cannot write (the two are not
    related): both sides are ORM querysets, joined and measured in a few lines of SQL that
    PostgreSQL and SQLite both run (Django gives SQLite the math functions). The same question
    asked per municipality with correlated EXISTS subqueries took 22 s on 1,500 enterprises;
    this join takes a fraction of a second.
    """
    services = OfferedService.objects.filter(
        category__in=[category.pk for category in categories],
        organisation__kind=OrganisationKind.SOCIAL,
        organisation__verified_at__isnull=False,
    )
    if recognition is not None:
        services = services.filter(organisation__recognitions=recognition)
    services = services.values(
        offered=F("category_id"),
        # As a float: divided by a decimal literal, a whole number would make PostgreSQL
        # compute in (slow) numeric.
        radius=Cast("radius_km", FloatField()),
        lat=F("organisation__latitude"),
        lon=F("organisation__longitude"),
    ).order_by()
    places = (
        Postcode.objects.filter(municipality__in=municipalities.values("pk"))
        .values(town=F("municipality_id"), lat=F("latitude"), lon=F("longitude"))
        .order_by()
    )
    services_sql, services_params = services.query.sql_with_params()
    places_sql, places_params = places.query.sql_with_params()
    box_latitude, box_longitude = (
        geography.KM_PER_DEGREE_LATITUDE,
        _KM_PER_DEGREE_LONGITUDE_AT_LEAST,
    )
    params = [
        *services_params,
        *places_params,
        *(box_latitude, box_latitude, box_longitude, box_longitude),
        2 * geography.EARTH_RADIUS_KM,
    ]
    found = {}
    with connections[municipalities.db].cursor() as cursor:
        cursor.execute(_REACHED_SQL.format(services=services_sql, places=places_sql), params)
        for category, municipality in cursor.fetchall():
            found.setdefault(category, set()).add(municipality)
    return found


class BlindSpots(Section):
    slug = "blind-spots"
    letter = "g"
    title = _("Blind spots")
    question = _(
        "Where does no verified social enterprise offer a service: for each service category, "
        "which municipalities does none reach?"
    )
    method = _(
        "Flemish municipalities (as since 1 January 2025) that no verified social enterprise "
        "offering the service reaches: a municipality is reached when one of its postcodes lies "
        "within the enterprise's service radius, measured from the enterprise's postcode, or "
        "when the enterprise works in all of Flanders. These figures count places, not firms, "
        "and are not suppressed."
    )
    # The recognition narrows the enterprises that reach: where does no maatwerkbedrijf reach?
    filters = frozenset({"province", "region", "category", "recognition"})
    counts_firms = False
    # The question is "where?": the map of the municipalities first, the ranking after.
    maps_first = True

    def build(self, filters):
        categories = [filters.category] if filters.category else list(ServiceCategory.objects.all())
        municipalities = Municipality.objects.current().flemish()
        if filters.province is BRUSSELS:
            municipalities = municipalities.none()  # Flemish municipalities only
        elif filters.province is not None:
            municipalities = municipalities.filter(province=filters.province)
        if filters.region is not None:
            municipalities = municipalities.filter(regions=filters.region)
        reached_by = reached(categories, municipalities, recognition=filters.recognition)
        enterprises = enterprises_per_municipality(municipalities, recognition=filters.recognition)
        municipalities = list(municipalities.select_related("province").order_by("name_nl"))
        columns = [
            Column("missing", gettext("Municipalities not reached")),
            Column("of", gettext("Of")),
            Column("municipalities", gettext("Which"), numeric=False),
        ]
        rows = []
        for category in categories:
            reached_here = reached_by.get(category.pk, set())
            missing = [m for m in municipalities if m.pk not in reached_here]
            cells = {
                "missing": Cell.count(len(missing)),
                "of": Cell.count(len(municipalities)),
                "municipalities": Cell(value=", ".join(m.name for m in missing)),
            }
            rows.append(Row(key=category.slug, labels=[category.name], cells=cells))
        rows.sort(key=lambda row: -row.cells["missing"].value)
        places = {
            m.nis_code: sum(m.pk not in reached_by.get(c.pk, set()) for c in categories)
            for m in municipalities
        }
        return Table(
            row_headers=[_("Service category")],
            columns=columns,
            rows=rows,
            places=places,
            place_names={m.nis_code: m.name for m in municipalities},
            place_provinces={m.nis_code: m.province.name for m in municipalities},
            layers={
                "enterprises": {m.nis_code: enterprises.get(m.nis_code, 0) for m in municipalities}
            },
        )

    def chart_columns(self, table):
        return table.columns[:1]

    def maps(self, table, filters):
        """Where no enterprise reaches, with the municipalities per province folded under it;
        then where the verified social enterprises are, which is what explains the first."""
        from .report_charts import blind_spot_maps  # it draws; this module imports nothing of it

        return blind_spot_maps(table, filters)


def enterprises_per_municipality(municipalities, *, recognition=None):
    """{NIS code: verified social enterprises} in `municipalities` (current ones), counting an
    enterprise whose postcode lies in a merged municipality in the one it merged into. One
    query."""
    enterprises = Organisation.objects.social().verified()
    if recognition is not None:
        enterprises = enterprises.filter(recognitions=recognition)
    rows = (
        enterprises.annotate(
            place=Coalesce("municipality__merged_into__nis_code", "municipality__nis_code")
        )
        .filter(place__in=municipalities.values("nis_code"))
        .values("place")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["place"]: row["count"] for row in rows}


# --- The register's sections: evaluation (issue 21, item 3) ----------------------------------

SCORES = range(1, 6)
RATINGS = "ratings"
AGAIN = "again"
COLLABORATIONS = "collaborations"
LASTED = {"over_1": 1, "over_3": 3}
NO_DATA = "–"


@dataclass(eq=False)
class Share(Cell):
    """A percentage. Its `firms` are the fewer of the firms on either side of it (those who
    said yes and those who said no): a share of 90% over 10 ratings shows that one said no, so
    it is hidden when either side rests on fewer than THRESHOLD firms. With nothing to divide,
    its value is NO_DATA (a string, which `protect` and the chart pass over)."""

    @classmethod
    def of(cls, part, whole, part_firms, rest_firms):
        if not whole:
            return cls(value=NO_DATA)
        firms = min((f for f in (part_firms, rest_firms) if f), default=0)
        return cls(value=round(100 * part / whole), firms=firms)

    @property
    def number(self):
        return self.value if isinstance(self.value, int) and not self.hidden else None


def ratings_in(filters):
    """The sides' ratings given in the years asked, of collaborations the filters choose (the
    place is the regular organisation's, as in the other register sections). The private note
    is never read."""
    queryset = CollaborationRating.objects.filter(
        created_at__year__gte=filters.year_from, created_at__year__lte=filters.year_to
    )
    if filters.category is not None:
        queryset = queryset.filter(collaboration__category=filters.category)
    if filters.recognition is not None:
        queryset = queryset.filter(collaboration__social__recognitions=filters.recognition)
    return in_place(queryset, filters, "collaboration__regular__")


def _rating_firm():
    """The organisation that gave a rating: the side's."""
    return Case(
        When(side=RatingSide.REGULAR, then=F("collaboration__regular")),
        default=F("collaboration__social"),
    )


def _day_number(field):
    """A date as the number YYYYMMDD, so that "a year later" is + 10000 on both databases
    (no interval arithmetic, which SQLite lacks)."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


# As in `firms_per_year`: on PostgreSQL each collaboration's years become the bits of a bigint,
# OR-ed per firm (all, and those that did and did not last longer), so the distinct firms per
# year are counted over firms and not sorted out of every collaboration per year and column
# (seventy-five COUNT(DISTINCT) took 275 ms on 5,500 collaborations; this, a few ms).
_LASTED_BY_BITS_SQL = (
    "WITH runs AS (SELECT firm, {lengths},"  # noqa: S608
    " (1::bigint << (LEAST(last_year::int, %s) + 1 - %s))"
    " - (1::bigint << (GREATEST(first_year::int, %s) - %s)) AS years"
    " FROM ({rows}) AS collaboration),"
    " firms AS (SELECT {masks} FROM runs GROUP BY firm)"
    " SELECT * FROM (SELECT {collaborations} FROM runs) AS c, (SELECT {firms} FROM firms) AS f"
)


def _lasted_by_bits(rows, filters):
    keys = list(LASTED)
    masks = ["BIT_OR(years) AS m_all"]
    for key in keys:
        masks.append(f"BIT_OR(years) FILTER (WHERE {key} = 1) AS m_{key}_in")
        masks.append(f"BIT_OR(years) FILTER (WHERE {key} = 0) AS m_{key}_out")
    counted, firms = [], []
    for bit, year in enumerate(filters.years):
        runs = f"years & {1 << bit} <> 0"
        counted.append((f"n_{year}", f"COUNT(*) FILTER (WHERE {runs})"))
        firms.append((f"f_{year}", f"COUNT(*) FILTER (WHERE m_all & {1 << bit} <> 0)"))
        for key in keys:
            counted.append((f"{key}_{year}", f"COUNT(*) FILTER (WHERE {runs} AND {key} = 1)"))
            for side in ("in", "out"):
                firms.append(
                    (
                        f"{key}_{side}_{year}",
                        f"COUNT(*) FILTER (WHERE m_{key}_{side} & {1 << bit} <> 0)",
                    )
                )
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = _LASTED_BY_BITS_SQL.format(
        lengths=", ".join(keys),
        rows=rows_sql,
        masks=", ".join(masks),
        collaborations=", ".join(expression for _name, expression in counted),
        firms=", ".join(expression for _name, expression in firms),
    )
    first, last = filters.year_from, filters.year_to
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, [last, first, first, first, *rows_params])
        found = cursor.fetchone()
    names = [name for name, _expression in counted] + [name for name, _expression in firms]
    return dict(zip(names, found, strict=True))


class Evaluation(Section):
    slug = "evaluation"
    letter = "h"
    title = _("How collaborations are evaluated")
    question = _(
        "How do the two sides rate their collaborations, would they work together again, and "
        "how long do collaborations last?"
    )
    method = _(
        "Ratings that either side of a confirmed collaboration gave through the link in the "
        "portal's email (when it was confirmed, on each anniversary and when it ended), by the "
        "year they were given: how many gave each score from 1 to 5 (a figure resting on fewer "
        "than 3 rating organisations is hidden) and the share that would work together again. "
        "How long collaborations last: of the confirmed collaborations that ran during the "
        "year, the share that lasted (or, still running, has lasted until today) more than one "
        "and more than three years. The place is the regular organisation's. Notes given with "
        "a rating are private and never counted."
    )
    chart = Chart.LINES

    def columns(self):
        return [
            *(
                Column(f"score_{score}", gettext("Score %(score)s") % {"score": score})
                for score in SCORES
            ),
            Column(RATINGS, gettext("Ratings")),
            Column(AGAIN, gettext("Would work together again (%)")),
            Column(COLLABORATIONS, gettext("Collaborations running")),
            Column("over_1", gettext("Lasted more than 1 year (%)")),
            Column("over_3", gettext("Lasted more than 3 years (%)")),
        ]

    def rated(self, filters):
        """{year: figures} of the ratings: per score the ratings and their distinct firms,
        and the yes and no answers. One query."""
        firm = _rating_firm()
        aggregates = {}
        for score in SCORES:
            aggregates[f"n{score}"] = Count("pk", filter=Q(score=score))
            aggregates[f"f{score}"] = Count(firm, distinct=True, filter=Q(score=score))
        # The total's own distinct firms: one firm may give several scores.
        aggregates["firms"] = Count(firm, distinct=True)
        for answer, key in ((True, "yes"), (False, "no")):
            aggregates[key] = Count("pk", filter=Q(would_work_again=answer))
            aggregates[f"{key}_firms"] = Count(
                firm, distinct=True, filter=Q(would_work_again=answer)
            )
        rows = (
            ratings_in(filters)
            .values(report_year=ExtractYear("created_at"))
            .annotate(**aggregates)
            .order_by()
        )
        return {row["report_year"]: row for row in rows}

    def lasted(self, filters):
        """{year: figures} of the collaborations that ran in each year: how many, their firms,
        and per length how many lasted longer, with the firms of those that did and did not.
        One query: the ORM works out each collaboration's years and lengths once, in a
        subquery; the counts per year are FILTERed aggregates over it (SQLite 3.30+), or, on
        PostgreSQL, counts over the bits of each firm's years (`_lasted_by_bits`). Written
        with the ORM alone, each of the ninety filters repeated the date arithmetic and the
        statement grew to 76,000 characters, planned in 300 ms."""
        today = timezone.localdate()
        end_day = _day_number(Coalesce("ended", Value(today, output_field=DateField())))
        lengths = {
            key: Case(
                When(Q(end_day__gt=F("start_day") + 10000 * years), then=Value(1)),
                default=Value(0),
            )
            for key, years in LASTED.items()
        }
        rows = (
            collaborations(filters)
            .annotate(start_day=_day_number("started"), end_day=end_day)
            .values(
                firm=F("regular_id"),
                first_year=ExtractYear("started"),
                # A running collaboration runs in every year from its start.
                last_year=Coalesce(ExtractYear("ended"), Value(9999)),
                **lengths,
            )
            .order_by()
        )
        if connections[rows.db].vendor == "postgresql" and len(filters.years) <= _MASK_YEARS:
            return _lasted_by_bits(rows, filters)
        rows_sql, rows_params = rows.query.sql_with_params()
        columns, params = [], []
        for year in filters.years:
            runs = "first_year <= %s AND last_year >= %s"
            measures = [(f"n_{year}", "*", runs, [])]
            measures.append((f"f_{year}", "DISTINCT firm", runs, []))
            for key in LASTED:
                measures += [
                    (f"{key}_{year}", "*", f"{runs} AND {key} = %s", [1]),
                    (f"{key}_in_{year}", "DISTINCT firm", f"{runs} AND {key} = %s", [1]),
                    (f"{key}_out_{year}", "DISTINCT firm", f"{runs} AND {key} = %s", [0]),
                ]
            for name, counted, condition, extra in measures:
                columns.append((name, f"COUNT({counted}) FILTER (WHERE {condition})"))
                params += [year, year, *extra]
        sql = "SELECT {} FROM ({}) AS lengths".format(  # noqa: S608 (ORM SQL, our columns)
            ", ".join(expression for _name, expression in columns), rows_sql
        )
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, [*params, *rows_params])
            found = cursor.fetchone()
        return dict(zip((name for name, _expression in columns), found, strict=True))

    def build(self, filters):
        rated = self.rated(filters)
        lasted = self.lasted(filters)
        rows = []
        for year in filters.years:
            figures = rated.get(year, {})
            scores = [
                Cell.count(figures.get(f"n{score}", 0), figures.get(f"f{score}", 0))
                for score in SCORES
            ]
            yes, no = figures.get("yes", 0), figures.get("no", 0)
            cells = {f"score_{score}": cell for score, cell in zip(SCORES, scores, strict=True)}
            cells[RATINGS] = Cell.total(scores)
            cells[RATINGS].firms = figures.get("firms", 0)
            cells[AGAIN] = Share.of(
                yes, yes + no, figures.get("yes_firms", 0), figures.get("no_firms", 0)
            )
            running = lasted[f"n_{year}"]
            cells[COLLABORATIONS] = Cell.count(running, lasted[f"f_{year}"])
            for key in LASTED:
                cells[key] = Share.of(
                    lasted[f"{key}_{year}"],
                    running,
                    lasted[f"{key}_in_{year}"],
                    lasted[f"{key}_out_{year}"],
                )
            rows.append(Row(key=str(year), labels=[str(year)], cells=cells))
        return Table(row_headers=[_("Year")], columns=self.columns(), rows=rows)

    def chart_columns(self, table):
        """The shares, on one scale of 0 to 100."""
        return [column for column in table.columns if column.key in (AGAIN, *LASTED)]

    def chart_label(self, row):
        return row.labels[0]

    def behind(self, filters, row_key, column_key):
        """The organisations that gave the score (or any) in the year; None for the shares."""
        year = int(row_key)
        if column_key == COLLABORATIONS:
            return regular_organisations(collaborations(filters).filter(runs_in(year)))
        if column_key != RATINGS and not column_key.startswith("score_"):
            return None
        given = ratings_in(filters).filter(created_at__year=year)
        if column_key != RATINGS:
            given = given.filter(score=int(column_key.removeprefix("score_")))
        return Organisation.objects.filter(
            pk__in=given.annotate(firm=_rating_firm()).values("firm")
        )


register(FirmsPerYear())
register(ServicesUsed())
register(Channels())
register(BlindSpots())
register(Evaluation())
