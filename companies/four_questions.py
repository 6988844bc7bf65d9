"""The four questions on one page (issue 21, item 2): the parliamentary question on working with
maatwerkbedrijven, answered from the register for the years, provinces and recognition chosen.

(1) how many regular firms work with such enterprises, as client, supplier or partner, per
province and year; (2) which services they use most; (3) how the collaborations are evaluated;
(4) how they met. Each answer is a report's own table (`Section.compute`, cached by the data
version and protected as on its page, in public figures: the page is the answer as it would be
published), so the page says exactly what the reports say and links to each with the same
filters. Above them, the data's coverage: the confirmed collaborations and the firms counted.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.cache import code_fingerprint

from . import report_charts, reports

# The services shown on this page: the most used; the full report has them all.
TOP_SERVICES = 5


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
class Answer:
    section: reports.Section
    question: str
    table: reports.Table
    chart: dict | None
    # The rows of the report left off here (the services beyond the first few).
    more: int = 0


@dataclass
class Coverage:
    """What the figures rest on: confirmed collaborations and the regular organisations in
    them, in the range and places chosen; `hidden` when fewer than THRESHOLD firms (a count
    that small is one of the register's confidential figures)."""

    collaborations: int
    firms: int
    years: tuple | None
    # As a table's: the time earlier figures were last current, while the worker computes.
    as_of: datetime | None = None

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
    found, as_of = reports.kept(
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
    )


def answers(filters, *, version):
    """The four answers in public figures, each from its report's cached, protected table."""
    found = []
    for slug, question in PARTS:
        section = reports.get(slug)
        table = section.compute(filters, mode=reports.Mode.PUBLIC, version=version)
        more = 0
        if slug == "services":
            # The table is arranged most used first (by what is shown).
            more = max(len(table.rows) - TOP_SERVICES, 0)
            table = reports.Table(
                row_headers=table.row_headers,
                columns=table.columns,
                rows=table.rows[:TOP_SERVICES],
                as_of=table.as_of,
            )
        found.append(
            Answer(
                section=section,
                question=question,
                table=table,
                chart=report_charts.chart(section, table),
                more=more,
            )
        )
    return found


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
