"""The four questions on one page (issue 21, item 2): the parliamentary question on working with
maatwerkbedrijven, answered from the register for the years, provinces and recognition chosen.

(1) how many regular firms work with such enterprises, as client, supplier or partner, per
province and year; (2) which services they use most; (3) how the collaborations are evaluated;
(4) how they met. Each answer is a report's own table (`Section.compute`, cached by the data
version and protected as on its page, in public figures: the page is the answer as it would be
published), so the page says exactly what the reports say and links to each with the same
filters. Above them, each answer in short (`Summary`): a few cells of the same protected
table, as the table shows them, so that the short answer can never tell more than the table.
Below them, the data's coverage: the confirmed collaborations and the firms counted.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal.cache import code_fingerprint, template_fingerprint

from . import report_charts, reports

# The services shown on this page: the most used; the full report has them all.
TOP_SERVICES = 5
# The services and channels named in the short answers.
TOP_IN_SUMMARY = 3


class Questions:
    """What the filter form needs of a report (reports.FilterForm): the filters the four
    answers share and the default range, the years with collaborations (as report (a))."""

    slug = "four-questions"
    filters = frozenset({"years", "province", "region", "recognition"})

    def years_with_data(self, version=None):
        return reports.get("firms").years_with_data(version)


QUESTIONS = Questions()

# (the report, the question in the minister's words)
PARTS = (
    (
        "firms",
        _(
            "How many regular firms work with such an enterprise, as client, supplier or "
            "partner, per province and year?"
        ),
    ),
    ("services", _("Which of their services do they use most?")),
    ("evaluation", _("How are these collaborations evaluated?")),
    ("channels", _("How did the firms come into contact with them?")),
)


@dataclass
class Figure:
    """One figure of a short answer: a cell of the protected table exactly as the table shows
    it (its value, or HIDDEN), with what it counts. Never a figure worked out from cells."""

    label: str
    shown: int | str
    hidden: bool = False
    # "%" after a shown share.
    unit: str = ""


def _figure(label, cell, *, unit=""):
    shown = isinstance(cell.value, int) and not cell.hidden
    return Figure(
        label=label, shown=cell.shown, hidden=bool(cell.hidden), unit=unit if shown else ""
    )


@dataclass
class Summary:
    """An answer in short: its main figure (`lead`, whose label says what it counts) or the
    first few rows most first (`ranked`, under `caption`), and a few more (`figures`), all
    from one row or one column of the protected table. `year`: the row's, when it is one."""

    lead: Figure | None = None
    figures: list = field(default_factory=list)
    ranked: list = field(default_factory=list)
    caption: str = ""
    year: str = ""
    # Every figure it would rank is kept hidden.
    all_hidden: bool = False

    @property
    def hidden(self):
        figures = [self.lead, *self.figures, *self.ranked]
        return self.all_hidden or any(figure.hidden for figure in figures if figure)


def _years(filters):
    first, last = filters.year_from, filters.year_to
    return str(first) if first == last else f"{first}–{last}"


def _last_year_of_firms(table, filters):
    """Question 1: the total over the provinces (the one province's row when there is no total)
    of the last year with data, its firms in any role and then per role."""
    rows = [row for row in table.rows if row.total] or table.rows
    rows = [row for row in rows if not row.note]
    if not rows:
        return None
    row = rows[-1]
    year = row.labels[0]
    lead = gettext("regular organisations worked with a social enterprise in %(year)s")
    return Summary(
        lead=_figure(lead % {"year": year}, row.cells[reports.ANY_ROLE]),
        figures=[
            _figure(column.label, row.cells[column.key])
            for column in table.columns
            if column.key != reports.ANY_ROLE
        ],
        year=year,
    )


def _most_first(table, caption):
    """Questions 2 and 4: the first rows of the arranged table (most first, by what is shown)
    with a figure shown in its last column (all provinces, or the one), that figure with each.
    A row whose figure is hidden is left out, never ranked."""
    column = table.columns[-1]
    ranked, hidden = [], False
    for row in table.rows:
        cell = row.cells[column.key]
        hidden = hidden or bool(cell.hidden)
        if not cell.hidden and cell.value:
            ranked.append(_figure(row.label, cell))
    if not (ranked or hidden):
        return None
    return Summary(ranked=ranked[:TOP_IN_SUMMARY], caption=caption, all_hidden=not ranked)


def _services(table, filters):
    caption = gettext("Regular organisations per service, %(years)s")
    return _most_first(table, caption % {"years": _years(filters)})


def _channels(table, filters):
    caption = gettext("Collaborations by how the two met, %(years)s")
    return _most_first(table, caption % {"years": _years(filters)})


def _last_year_rated(table, filters):
    """Question 3: the last year with ratings (shown or hidden): the share that would work
    together again, the ratings, and the shares of collaborations that lasted."""
    rows = [
        row
        for row in table.rows
        if row.cells[reports.RATINGS].hidden or row.cells[reports.RATINGS].value
    ]
    if not rows:
        return None
    row = rows[-1]
    cells = row.cells
    lead = gettext("would work together again, in the ratings given in %(year)s")
    return Summary(
        lead=_figure(lead % {"year": row.labels[0]}, cells[reports.AGAIN], unit="%"),
        figures=[
            _figure(gettext("Ratings"), cells[reports.RATINGS]),
            _figure(gettext("Lasted more than a year"), cells["over_1"], unit="%"),
            _figure(gettext("Lasted more than three years"), cells["over_3"], unit="%"),
        ],
        year=row.labels[0],
    )


SUMMARIES = {
    "firms": _last_year_of_firms,
    "services": _services,
    "evaluation": _last_year_rated,
    "channels": _channels,
}


def summary(section, table, filters):
    """The short answer from a section's protected, arranged table (None: nothing to say)."""
    return SUMMARIES[section.slug](table, filters)


@dataclass
class Answer:
    section: reports.Section
    question: str
    table: reports.Table
    # The rows of the report left off here (the services beyond the first few).
    more: int = 0
    summary: Summary | None = None

    @cached_property
    def chart(self):
        """Drawn when the page renders the answer (not when its rendering is in the cache)."""
        return report_charts.chart(self.section, self.table)


@dataclass
class Coverage:
    """What the figures rest on: confirmed collaborations and the regular organisations in
    them, in the range and places chosen; `hidden` when fewer than THRESHOLD firms (a count
    that small is one of the register's confidential figures)."""

    collaborations: int
    firms: int
    years: tuple | None
    # As a table's: the time earlier figures were last current, while the worker computes, and
    # the data version they were computed at.
    as_of: datetime | None = None
    version: str = ""

    @property
    def hidden(self):
        return 0 < self.firms < reports.THRESHOLD


def coverage(filters, *, version):
    """One query for the counts, cached by the data version as the reports' tables are
    (reports.kept); the years with data come cached too (report (a)'s default range)."""
    key = ":".join(
        [
            "report-coverage",
            code_fingerprint(__name__, reports.__name__),
            filters.digest(),
            timezone.localdate().isoformat(),
        ]
    )
    found, as_of, computed = reports.kept(
        key,
        lambda: reports.collaborations(filters).aggregate(
            collaborations=Count("pk"), firms=Count("regular", distinct=True)
        ),
        version=version,
        refresh=lambda: reports.refresh_later(QUESTIONS.slug, filters),
    )
    return Coverage(
        collaborations=found["collaborations"],
        firms=found["firms"],
        years=QUESTIONS.years_with_data(version),
        as_of=as_of,
        version=computed,
    )


def answers(filters, *, version):
    """The four answers in public figures, each from its report's cached, protected table."""
    found = []
    for slug, question in PARTS:
        section = reports.get(slug)
        with reports.asking_for(QUESTIONS.slug, filters):
            table = section.compute(filters, mode=reports.Mode.PUBLIC, version=version)
        short = summary(section, table, filters)
        more = 0
        if slug == "services":
            # The table is arranged most used first (by what is shown).
            more = max(len(table.rows) - TOP_SERVICES, 0)
            table = reports.Table(
                row_headers=table.row_headers,
                columns=table.columns,
                rows=table.rows[:TOP_SERVICES],
                as_of=table.as_of,
                version=table.version,
            )
        found.append(
            Answer(
                section=section,
                question=question,
                table=table,
                more=more,
                summary=short,
            )
        )
    return found


# The templates that render the answers, the part of the page kept in the cache.
TEMPLATES = (
    "companies/reports/overview.html",
    "companies/reports/_chart.html",
    "companies/reports/_table.html",
)


def rendering_key(filters, *, coverage, answers):
    """The key of the answers as rendered (a fragment of the page kept in the cache): the
    language, the choice, the day, the code and templates that make them, and the data version
    each figure was computed at. Not the request's version: while the worker computes after a
    change, the figures of before are served (reports.kept), and so is their rendering."""
    return ":".join(
        [
            get_language() or settings.LANGUAGE_CODE,
            filters.digest(),
            timezone.localdate().isoformat(),
            code_fingerprint(__name__, reports.__name__, report_charts.__name__),
            template_fingerprint(*TEMPLATES),
            coverage.version,
            *(answer.table.version for answer in answers),
        ]
    )


def refresh(params):
    """The worker's side (reports.refresh): the coverage and the four answers for the choice of
    `params` ({}: the default), computed or confirmed as current, in the active language."""
    with reports.refreshing() as version:
        filters = reports.FilterForm(params, section=QUESTIONS, version=version).filters()
        coverage(filters, version=version)
        answers(filters, version=version)


def report_query(filters):
    """The GET parameters that open a report with the same choice."""
    return {
        name: value
        for name, value in filters.as_params().items()
        if value is not None and name != "category"
    }
