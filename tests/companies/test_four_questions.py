"""/reports/ opens with the four questions of the parliamentary question (companies/
four_questions.py): firms per province and year, services used most, evaluation, how they met;
each from its report's public table, linked to that report with the same choice."""

# ruff: noqa: F811 (the fixtures of test_reports.py, imported, are the tests' arguments)

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from companies import four_questions, reports
from companies.models import Collaboration, Recognition
from tests.companies.test_report_evaluation import rate
from tests.companies.test_reports import (  # noqa: F401 (fixtures)
    collaborate,
    world,
)
from tests.factories import OrganisationFactory, SocialEnterpriseFactory, postcode

OVERVIEW = reverse("companies:reports")


class _Tables(HTMLParser):
    """{table id: rows of cell texts} of every <table> with an id."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = self.tables.setdefault(attrs["id"], [])
        elif self.current is not None and tag == "tr":
            self.current.append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif self.current is not None and tag in ("th", "td") and self.cell is not None:
            self.current[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(response):
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def test_the_overview_opens_with_the_four_questions_then_lists_the_reports(client, world):
    response = client.get(OVERVIEW)
    content = response.content.decode()
    found = tables(response)
    for slug in ("firms", "services", "evaluation", "channels"):
        assert f"question-{slug}-table" in found, slug
    questions = [str(question) for _slug, question in four_questions.PARTS]
    positions = [content.index(question) for question in questions]
    assert positions == sorted(positions)
    # The list of reports below them.
    assert content.index(_("All reports")) > positions[-1]
    for section in reports.sections():
        assert reverse("companies:report", kwargs={"slug": section.slug}) in content
    assert "style=" not in content and 'href="#method"' in content and 'id="method"' in content
    # One id per chart.
    assert content.count('id="question-firms-chart"') == 1


def test_each_answer_is_its_reports_public_table(client, world):
    params = {"from": "2016", "to": "2016"}
    found = tables(client.get(OVERVIEW, params))
    firms = tables(client.get(reverse("companies:report", kwargs={"slug": "firms"}), params))
    assert found["question-firms-table"] == firms["report-table"]
    channels = tables(client.get(reverse("companies:report", kwargs={"slug": "channels"}), params))
    assert found["question-channels-table"] == channels["report-table"]
    services = tables(client.get(reverse("companies:report", kwargs={"slug": "services"}), params))
    top = found["question-services-table"]
    assert top == services["report-table"][: 1 + four_questions.TOP_SERVICES]


def test_each_part_links_to_its_report_with_the_same_filters(client, world):
    params = {"from": "2015", "to": "2016", "province": "limburg", "recognition": "kringwinkel"}
    content = client.get(OVERVIEW, params).content.decode()
    for slug in ("firms", "services", "evaluation", "channels"):
        link = reverse("companies:report", kwargs={"slug": slug})
        assert (
            f'href="{link}?from=2015&amp;to=2016&amp;province=limburg&amp;recognition=kringwinkel"'
            in content
        ), slug


def test_the_coverage_counts_confirmed_collaborations_and_their_firms(client, world):
    response = client.get(OVERVIEW, {"from": "2016", "to": "2016"})
    coverage = response.context["coverage"]
    # Nine confirmed collaborations ran in 2016, with eight regular organisations.
    assert (coverage.collaborations, coverage.firms) == (9, 8)
    assert coverage.years == (2014, date.today().year)
    content = client.get("/en" + OVERVIEW, {"from": "2016", "to": "2016"}).content.decode()
    assert "9 confirmed collaborations with 8 regular organisations" in content
    # Fewer than 3 firms: not told.
    small = client.get(OVERVIEW, {"from": "2016", "to": "2016", "region": "vlaams-brabant"})
    assert small.context["coverage"].hidden
    assert "1 bevestigde samenwerking" not in small.content.decode()


def test_a_recognition_narrows_every_answer(client, world):
    world.s1.recognitions.add(Recognition.objects.get(slug="maatwerkbedrijf"))
    params = {"from": "2016", "to": "2016", "recognition": "maatwerkbedrijf"}
    response = client.get(OVERVIEW, params)
    assert (response.context["coverage"].collaborations, response.context["coverage"].firms) == (
        5,
        5,
    )
    assert response.context["filters"].recognition.slug == "maatwerkbedrijf"
    bad = client.get(OVERVIEW, {"recognition": "atlantis"})
    assert bad.status_code == 200
    assert _("Part of your choice could not be used; the figures leave it out:") in (
        bad.content.decode()
    )
    assert bad.context["filters"].recognition is None


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_the_page_answers_in_dutch_and_french(client, world, prefix):
    language = prefix.strip("/") or "nl"
    response = client.get(prefix + OVERVIEW)
    content = response.content.decode()
    with override(language):
        for _slug, question in four_questions.PARTS:
            assert str(question) in content
        assert _("How these figures are made") in content
    assert 'rel="stylesheet"' in content and "report-print.css" in content
    # Translated, not left in English.
    heading = {"nl": "De vier vragen", "fr": "Les quatre questions"}[language]
    assert heading in content and "The four questions" not in content
    assert "confirmed collaborations" not in content and "The full report" not in content


# The page's queries: the data version, the form's three choices (provinces, regions,
# recognitions); cold, the coverage, the default range (the years with data) and each answer's
# table (firms 2, services 3, evaluation 2, channels 2).
PAGE = 1 + 3
BUILD = 1 + 1 + 2 + 3 + 2 + 2


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_data(
    client, world, django_assert_num_queries
):
    with django_assert_num_queries(PAGE + BUILD):
        assert client.get(OVERVIEW).status_code == 200
    social = SocialEnterpriseFactory(postcode=postcode("9000"))
    for n in range(30):
        firm = OrganisationFactory(postcode=postcode(("2000", "3000", "3500", "9000")[n % 4]))
        collaborate(firm, social, started=date(2012 + n % 10, 1, 1), category="catering")
    with django_assert_num_queries(PAGE + BUILD):
        assert client.get(OVERVIEW).status_code == 200
    # Then cached: the tables and the range are read from the cache.
    with django_assert_num_queries(PAGE):
        assert client.get(OVERVIEW).status_code == 200
    cache.clear()


@pytest.fixture
def demo(reference_data, db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_on_the_demo_flanders_has_shown_figures_in_every_year_with_data(client, demo):
    response = client.get(OVERVIEW)
    first, last = response.context["coverage"].years
    assert response.context["coverage"].firms >= reports.THRESHOLD
    found = tables(response)
    totals = {
        row[0]: row for row in found["question-firms-table"][1:] if row[1:2] == [_("All provinces")]
    }
    assert sorted(totals) == [str(year) for year in range(first, last + 1)]
    for year, row in totals.items():
        # The Flanders total of firms in any role is shown.
        assert row[-1].isdigit() and int(row[-1]) >= reports.THRESHOLD, year
    for slug in ("services", "evaluation", "channels"):
        cells = [cell for row in found[f"question-{slug}-table"][1:] for cell in row[1:]]
        assert any(cell.isdigit() and int(cell) > 0 for cell in cells), slug


# --- The answers in short: cells of the protected tables, as shown ----------------------------


def report_table(client, slug, params):
    return tables(client.get(reverse("companies:report", kwargs={"slug": slug}), params))[
        "report-table"
    ]


def short(response, slug):
    return next(a.summary for a in response.context["answers"] if a.section.slug == slug)


def short_answers_html(response):
    """The cards of the short answers, without their numbered titles."""
    content = response.content.decode()
    block = content.split('<ol class="short-answers">', 1)[1].split("</section>", 1)[0]
    return re.sub(r"<h4.*?</h4>", "", block, flags=re.S)


def shown(figures):
    return [(figure.label, str(figure.shown)) for figure in figures]


def test_each_short_answer_is_cells_of_its_reports_public_table(client, world):
    params = {"from": "2015", "to": "2016"}
    response = client.get(OVERVIEW, params)
    # (1) The total over the provinces of the last year, in any role and per role.
    header, *rows = report_table(client, "firms", params)
    total = [row for row in rows if row[1] == _("All provinces")][-1]
    answer = short(response, "firms")
    assert answer.year == total[0] == "2016"
    assert str(answer.lead.shown) == total[-1] == "8"
    assert shown(answer.figures) == list(zip(header[2:-1], total[2:-1], strict=True))
    # Two suppliers and one partner: hidden in the table, hidden here.
    assert [figure.hidden for figure in answer.figures] == [False, True, True]
    # (2) and (4) The first rows of the report, with their figure for all provinces.
    for slug in ("services", "channels"):
        _header, *rows = report_table(client, slug, params)
        ranked = [(row[0], row[-1]) for row in rows if row[-1].isdigit() and int(row[-1])]
        assert ranked, slug
        assert shown(short(response, slug).ranked) == ranked[: four_questions.TOP_IN_SUMMARY]
    # On the page: each figure as the table writes it, a hidden one as HIDDEN.
    cards = short_answers_html(response)
    assert '<strong class="short-answer__number">8</strong>' in cards
    assert f'<strong class="report-table__hidden">{reports.HIDDEN}</strong>' in cards
    assert "“x”" in response.content.decode()


def test_the_evaluation_in_short_is_the_last_rated_year_of_its_table(client, world):
    rated = Collaboration.objects.filter(confirmed_by_social_at__isnull=False).order_by("pk")[:6]
    for n, collaboration in enumerate(rated):
        rate(collaboration, "regular", 4, again=n != 0, year=2016)
    params = {"from": "2015", "to": "2016"}
    response = client.get(OVERVIEW, params)
    header, *rows = report_table(client, "evaluation", params)
    row = dict(zip(header, rows[-1], strict=True))
    answer = short(response, "evaluation")
    assert answer.year == row[_("Year")] == "2016"
    # One organisation said no: the share would tell which, so it is hidden, here too.
    assert answer.lead.hidden and answer.lead.shown == row[_("Would work together again (%)")]
    assert answer.lead.unit == ""
    assert [str(figure.shown) for figure in answer.figures] == [
        row[_("Ratings")],
        row[_("Lasted more than 1 year (%)")],
        row[_("Lasted more than 3 years (%)")],
    ]
    assert row[_("Ratings")] == "6"


def test_a_hidden_figure_stays_hidden_in_the_short_answers(client, world):
    # In Vlaams-Brabant one firm, Stad Leuven: every figure of 2016 rests on it.
    response = client.get(OVERVIEW, {"from": "2016", "to": "2016", "province": "vlaams-brabant"})
    answer = short(response, "firms")
    assert answer.lead.hidden and answer.lead.shown == reports.HIDDEN
    for slug in ("services", "channels"):
        assert short(response, slug).all_hidden and not short(response, slug).ranked
    cards = short_answers_html(response)
    assert _("Every figure of this choice is kept hidden to protect the firms behind it.") in cards
    # Only what the table shows: the year, the zeros of the roles nobody had, and "x".
    assert set(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", cards))) == {"2016", "0"}


def test_the_tables_are_folded_under_their_answers_and_the_method_comes_last(client, world):
    content = client.get(OVERVIEW).content.decode()
    for slug in ("firms", "services", "evaluation", "channels"):
        folded = content.split(f'id="question-{slug}-table"', 1)[0].rsplit("<details", 1)[1]
        assert 'class="four-questions__table"' in folded and "</details>" not in folded, slug
    summary = content.index('id="summary-title"')
    answers = content.index('id="question-1"')
    method = content.index('id="method"')
    coverage = content.index("four-questions__coverage")
    assert summary < answers < method < coverage < content.index(_("All reports"))
    # The protection is explained once, under the method, not under every chart.
    assert content.count('class="chart__note"') == 0
    assert "&lt;3" not in content


def test_the_filtered_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    params = {"province": "limburg", "recognition": "kringwinkel"}
    # Each valid choice is checked once; the chosen province spares three answers (firms,
    # services, channels) their list of provinces. The short answers cost none.
    with django_assert_num_queries(PAGE + BUILD + 2 - 3):
        assert client.get(OVERVIEW, params).status_code == 200
    with django_assert_num_queries(PAGE + 2):
        assert client.get(OVERVIEW, params).status_code == 200
    cache.clear()
