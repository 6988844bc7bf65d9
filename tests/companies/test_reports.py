"""/reports/: the register's reports (a firms, b services, c channels, g blind spots), the
framework they share with the vacancies and vouchers reports, suppression, who sees what, the
exports, the filters and the number of queries.

The world: regular organisations in Antwerpen (2000), Tongeren (3700, in the region
Zuidoost-Limburg), Hasselt (3500, Limburg but outside that region) and Leuven (3000), working
with two social enterprises between 2014 and today; see `world` for every collaboration and the
figures it makes.
"""

import csv
import io
import json
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import reports
from companies.models import Collaboration, Recognition
from portal import geography
from portal.models import Municipality, Postcode, Province, Region, ServiceCategory
from tests.factories import (
    PASSWORD,
    STAFF_TOTP_SECRET,
    MembershipFactory,
    OfferedServiceFactory,
    OrganisationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    log_in_as,
    postcode,
    totp_code,
)

THIS_YEAR = date.today().year

# --- Reading a report: the page's table, the CSV and the JSON ---------------------------------


class _TableParser(HTMLParser):
    """The texts of the cells of <table id="report-table">, row by row (header first). A long
    text is folded under a <summary> that repeats its start: the summary is left out."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.inside, self.summary = [], None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "report-table") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []
        elif tag == "summary":
            self.summary = True

    def handle_endtag(self, tag):
        if tag == "summary":
            self.summary = False
        elif tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.summary:
            self.cell.append(data)


def page_table(response):
    assert response.status_code == 200
    parser = _TableParser()
    parser.feed(response.content.decode())
    return parser.rows


def csv_table(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def json_table(response):
    assert response.status_code == 200
    data = json.loads(response.content)
    header = [*data["row_headers"], *(column["label"] for column in data["columns"])]
    rows = [
        [*row["labels"], row["note"]]
        if "note" in row
        else [*row["labels"], *(str(row["cells"][column["key"]]) for column in data["columns"])]
        for row in data["rows"]
    ]
    return [header, *rows]


def figures(client, slug, **params):
    """{row key: {column key: figure}} from the JSON of a report."""
    response = client.get(url(slug), {**params, "format": "json"})
    assert response.status_code == 200
    return {row["key"]: row["cells"] for row in response.json()["rows"]}


def not_used():
    return _("Part of your choice could not be used; the figures leave it out:")


def url(slug):
    return reverse("companies:report", kwargs={"slug": slug})


def collaborate(
    regular,
    social,
    *,
    started,
    ended=None,
    role="client",
    category=None,
    channel="directory",
    confirmed=True,
):
    now = timezone.now()
    return Collaboration.objects.create(
        regular=regular,
        social=social,
        role=role,
        category=ServiceCategory.objects.get(slug=category) if category else None,
        started=started,
        ended=ended,
        channel=channel,
        source="import",
        confirmed_by_regular_at=now,
        confirmed_by_social_at=now if confirmed else None,
    )


def zeros(*keys):
    return dict.fromkeys(keys, 0)


ROLES = ("client", "supplier", "partner", "any")


@pytest.fixture
def world(reference_data, db):
    def regular(name, code, kind="regular"):
        return OrganisationFactory(name=name, postcode=postcode(code), kind=kind)

    a1, a2, a3, a4, a5 = (regular(f"Antwerpse firma {n}", "2000") for n in range(1, 6))
    l1, l2 = regular("Tongerse firma 1", "3700"), regular("Tongerse firma 2", "3700")
    l3 = regular("Hasseltse firma", "3500")
    v1 = regular("Stad Leuven", "3000", kind="public")
    s1 = SocialEnterpriseFactory(name="Maatwerk Tongeren", postcode=postcode("3700"))
    s2 = SocialEnterpriseFactory(name="Maatwerk Antwerpen", postcode=postcode("2000"))
    collaborate(
        a1, s2, started=date(2015, 3, 1), ended=date(2016, 6, 30), category="groenonderhoud"
    )
    collaborate(a2, s2, started=date(2016, 1, 1), category="catering", channel="service_request")
    # One day, the last of 2016: it counts in 2016.
    collaborate(
        a3, s2, started=date(2016, 12, 31), ended=date(2016, 12, 31), category="groenonderhoud"
    )
    collaborate(
        a4,
        s2,
        started=date(2016, 1, 1),
        ended=date(2016, 12, 31),
        role="supplier",
        channel="network_event",
    )
    # a1 is a client and, for a month, a supplier too.
    collaborate(
        a1,
        s1,
        started=date(2016, 2, 1),
        ended=date(2016, 3, 1),
        role="supplier",
        category="catering",
        channel="regie",
    )
    # Ended on the first day of 2016: it counts in 2016.
    collaborate(
        l1,
        s1,
        started=date(2014, 5, 1),
        ended=date(2016, 1, 1),
        category="groenonderhoud",
        channel="voucher",
    )
    collaborate(l2, s1, started=date(2016, 6, 1), category="groenonderhoud", channel="voucher")
    collaborate(l3, s1, started=date(2016, 7, 1), ended=date(2017, 1, 31), category="schoonmaak")
    collaborate(
        v1,
        s1,
        started=date(2016, 1, 1),
        ended=date(2016, 12, 31),
        role="partner",
        category="schoonmaak",
        channel="regie",
    )
    # Not confirmed by one side (declared, or disputed): never counted.
    collaborate(a5, s2, started=date(2016, 1, 1), confirmed=False)
    disputed = collaborate(a5, s1, started=date(2016, 1, 1), confirmed=False)
    Collaboration.objects.filter(pk=disputed.pk).update(disputed_at=timezone.now())
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    Region.objects.get(slug="vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        a1=a1,
        a2=a2,
        a3=a3,
        a4=a4,
        a5=a5,
        l1=l1,
        l2=l2,
        l3=l3,
        v1=v1,
        s1=s1,
        s2=s2,
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
    )


OTHER_FLEMISH = ("oost-vlaanderen", "west-vlaanderen")


# --- The overview and the pages ------------------------------------------------------------------


def test_a_chart_with_nothing_to_draw_says_so(client, world):
    # In public every services figure of 2015 is small (two firms in all).
    response = client.get(url("services"), {"from": "2015", "to": "2015"})
    content = response.content.decode()
    assert response.context["chart"] is None and 'role="img"' not in content
    assert _("No chart: every figure of this choice is zero or hidden.") in content
    assert "style=" not in content


def test_the_overview_lists_every_report_in_order(client, world):
    response = client.get(reverse("companies:reports"))
    assert response.status_code == 200
    assert [section.letter for section in response.context["sections"]] == list("abcdefghij")
    for section in response.context["sections"]:
        assert url(section.slug) in response.content.decode()


def test_the_navigation_links_the_reports(client, world):
    response = client.get(reverse("home"))
    assert reverse("companies:reports") in response.content.decode()


def test_an_unknown_report_is_not_found(client, world):
    assert client.get("/reports/nothing-here/").status_code == 404


@pytest.mark.parametrize("slug", ["firms", "services", "channels", "blind-spots"])
@pytest.mark.parametrize("prefix", ["", "/fr", "/en"])
def test_every_report_answers_in_every_language_with_a_chart_and_no_inline_style(
    client, world, slug, prefix
):
    log_in_as(client, world.administrator)
    response = client.get(prefix + url(slug))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="img"' in content and 'id="chart-title"' in content
    assert "style=" not in content
    assert 'id="report-table"' in content and "<caption>" in content


# --- (a) Firms per province and year: exact figures --------------------------------------------


def test_firms_per_province_and_year_in_full_for_an_administrator(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **{"from": "2015", "to": "2016"})
    assert found == {
        "2015:antwerpen": {"client": 1, "supplier": 0, "partner": 0, "any": 1},
        "2015:limburg": {"client": 1, "supplier": 0, "partner": 0, "any": 1},
        **{f"2015:{slug}": zeros(*ROLES) for slug in (*OTHER_FLEMISH, "vlaams-brabant")},
        "2015:all": {"client": 2, "supplier": 0, "partner": 0, "any": 2},
        # a1 is a client and a supplier: once in any role.
        "2016:antwerpen": {"client": 3, "supplier": 2, "partner": 0, "any": 4},
        "2016:limburg": {"client": 3, "supplier": 0, "partner": 0, "any": 3},
        "2016:vlaams-brabant": {"client": 0, "supplier": 0, "partner": 1, "any": 1},
        **{f"2016:{slug}": zeros(*ROLES) for slug in OTHER_FLEMISH},
        "2016:all": {"client": 6, "supplier": 2, "partner": 1, "any": 8},
    }


@pytest.mark.postgres
def test_firms_per_year_gathered_in_bits_agree_with_counting_per_year(world, monkeypatch):
    """PostgreSQL gathers each firm's years into bits first; the portable query counts distinct
    firms per year and role. Both must agree, also for gaps, overlaps and several roles."""
    social = SocialEnterpriseFactory(postcode=postcode("9000"))
    for n in range(30):
        firm = OrganisationFactory(postcode=postcode(("2000", "3000", "3500", "9000")[n % 4]))
        started = date(2012 + n % 12, 1 + n % 12, 1)
        collaborate(
            firm,
            social,
            started=started,
            role=ROLES[n % 3],
            ended=(None if n % 4 == 0 else date(started.year + n % 3, 12, 31)),
        )
        # A second stint after a gap, in another role.
        collaborate(firm, social, started=date(started.year + 4, 6, 1), role=ROLES[(n + 1) % 3])
    choices = [
        reports.Filters(),
        reports.Filters(year_from=2016, year_to=2016),
        reports.Filters(
            year_from=2013, year_to=2019, province=Province.objects.get(slug="limburg")
        ),
        reports.Filters(region=Region.objects.get(slug="zuidoost-limburg")),
        reports.Filters(category=ServiceCategory.objects.get(slug="groenonderhoud")),
    ]
    by_bits = [reports.firms_per_year(filters) for filters in choices]
    monkeypatch.setattr(reports, "_MASK_YEARS", 0)  # too few bits: the portable query
    counted = [reports.firms_per_year(filters) for filters in choices]
    assert by_bits == counted
    assert by_bits[0][(2016, Province.objects.get(slug="antwerpen").pk)]["any"] > 0


def test_the_rows_come_per_year_then_province(client, world):
    log_in_as(client, world.administrator)
    response = client.get(url("firms"), {"from": "2016", "to": "2016"})
    rows = page_table(response)
    assert [row[:2] for row in rows[1:]] == [
        ["2016", "Antwerpen"],
        ["2016", "Limburg"],
        ["2016", "Oost-Vlaanderen"],
        ["2016", "Vlaams-Brabant"],
        ["2016", "West-Vlaanderen"],
        ["2016", _("All provinces")],
    ]


def test_a_collaboration_counts_in_every_year_it_runs(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **{"from": "2016", "to": "2018"})
    # a2 and l2 run from 2016 without end; l3 from July 2016 to January 2017.
    assert found["2017:antwerpen"]["client"] == 1
    assert found["2017:limburg"]["client"] == 2
    assert found["2018:antwerpen"]["client"] == 1
    assert found["2018:limburg"]["client"] == 1
    found = figures(client, "firms", **{"from": str(THIS_YEAR), "to": str(THIS_YEAR)})
    assert found[f"{THIS_YEAR}:all"]["client"] == 2  # a2 and l2, still running


def test_unconfirmed_and_disputed_collaborations_are_not_counted(client, world):
    log_in_as(client, world.administrator)
    response = client.get(
        url("firms"), {"from": "2016", "to": "2016", "row": "2016:antwerpen", "column": "client"}
    )
    names = [organisation.name for organisation in response.context["behind"].organisations]
    assert names == ["Antwerpse firma 1", "Antwerpse firma 2", "Antwerpse firma 3"]
    # Once the enterprise confirms the declared one, it counts.
    Collaboration.objects.filter(regular=world.a5, disputed_at__isnull=True).update(
        confirmed_by_social_at=timezone.now()
    )
    assert (
        figures(client, "firms", **{"from": "2016", "to": "2016"})["2016:antwerpen"]["client"] == 4
    )


def test_public_figures_hide_small_cells_and_as_few_others_as_keep_them_hidden(client, world):
    found = figures(client, "firms", **{"from": "2015", "to": "2016"})
    assert found == {
        # One firm in each: the total of 2 is small too, so nothing more is needed.
        "2015:antwerpen": {"client": "x", "supplier": 0, "partner": 0, "any": "x"},
        "2015:limburg": {"client": "x", "supplier": 0, "partner": 0, "any": "x"},
        **{f"2015:{slug}": zeros(*ROLES) for slug in (*OTHER_FLEMISH, "vlaams-brabant")},
        "2015:all": {"client": "x", "supplier": 0, "partner": 0, "any": "x"},
        # The suppliers (2) and the partner (1) are small, and each province's firms in any
        # role are hidden with them; the "any role" column then has two hidden cells.
        "2016:antwerpen": {"client": 3, "supplier": "x", "partner": 0, "any": "x"},
        "2016:limburg": {"client": 3, "supplier": 0, "partner": 0, "any": 3},
        "2016:vlaams-brabant": {"client": 0, "supplier": 0, "partner": "x", "any": "x"},
        **{f"2016:{slug}": zeros(*ROLES) for slug in OTHER_FLEMISH},
        # The totals of 3 firms or more are shown: Flanders' firms in any role above all.
        "2016:all": {"client": 6, "supplier": "x", "partner": "x", "any": 8},
    }


def test_a_year_is_protected_on_its_own_figures_whatever_the_range(client, world):
    one = figures(client, "firms", **{"from": "2016", "to": "2016"})
    several = figures(client, "firms", **{"from": "2014", "to": "2018"})
    assert {key: cells for key, cells in several.items() if key.startswith("2016:")} == one


def test_the_page_says_which_figures_the_viewer_sees(client, world):
    assert _("Public figures.") in client.get(url("firms")).content.decode()
    log_in_as(client, world.administrator)
    assert _("All figures in full.") in client.get(url("firms")).content.decode()
    log_in_as(client, world.regisseur)
    response = client.get(url("firms"), {"region": "zuidoost-limburg"})
    expected = _("Figures for %(region)s in full.") % {"region": "Zuidoost-Limburg"}
    assert expected in response.content.decode()
    assert response.context["mode"] == reports.Mode.REGIONAL


# --- Who sees what ---------------------------------------------------------------------------


def test_a_regisseur_sees_their_own_region_in_full_and_the_organisations_behind(client, world):
    log_in_as(client, world.regisseur)
    params = {"from": "2015", "to": "2016", "region": "zuidoost-limburg"}
    # Only the firms of the region (Tongeren), not Hasselt's: one province, no total row.
    assert figures(client, "firms", **params) == {
        "2015:limburg": {"client": 1, "supplier": 0, "partner": 0, "any": 1},
        "2016:limburg": {"client": 2, "supplier": 0, "partner": 0, "any": 2},
    }
    response = client.get(url("firms"), {**params, "row": "2016:limburg", "column": "client"})
    content = response.content.decode()
    assert _("Behind the figure") in content
    assert "Tongerse firma 1" in content and "Tongerse firma 2" in content
    assert "Hasseltse firma" not in content
    assert reverse("companies:profile", kwargs={"slug": world.l1.slug}) in content


def test_a_regisseur_sees_public_figures_of_a_region_they_do_not_coordinate(client, world):
    log_in_as(client, world.other_regisseur)
    params = {"from": "2016", "to": "2016", "region": "zuidoost-limburg"}
    assert figures(client, "firms", **params) == {
        "2016:limburg": {"client": "x", "supplier": 0, "partner": 0, "any": "x"},
    }
    response = client.get(url("firms"), {**params, "row": "2016:limburg", "column": "client"})
    assert response.context["behind"] is None
    assert "Tongerse firma" not in response.content.decode()


def test_a_regisseur_without_a_region_chosen_sees_public_figures_and_is_offered_theirs(
    client, world
):
    log_in_as(client, world.regisseur)
    response = client.get(url("firms"), {"from": "2016", "to": "2016"})
    assert response.context["mode"] == reports.Mode.PUBLIC
    assert (
        figures(client, "firms", **{"from": "2016", "to": "2016"})["2016:antwerpen"]["any"] == "x"
    )
    assert "region=zuidoost-limburg" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "member", "staff without regions"])
def test_others_see_public_figures_and_never_the_organisations_behind(client, world, who):
    if who == "member":
        client.force_login(MembershipFactory().user)
    elif who == "staff without regions":
        log_in_as(client, StaffFactory())
    params = {"from": "2016", "to": "2016", "region": "zuidoost-limburg"}
    response = client.get(url("firms"), {**params, "row": "2016:limburg", "column": "client"})
    assert response.context["mode"] == reports.Mode.PUBLIC
    assert response.context["behind"] is None
    assert "Tongerse firma" not in response.content.decode()
    assert figures(client, "firms", **params)["2016:limburg"]["client"] == "x"


# --- More than the public figures only after the second factor (portal/twofactor.py) ---------

REGIONAL = {"from": "2016", "to": "2016", "region": "zuidoost-limburg"}
BEHIND = {**REGIONAL, "row": "2016:limburg", "column": "client"}


def log_in_with_password_only(client, staff):
    """A session that never passed the second factor: the password login of a staff member
    who had no app yet, then an app activated (e.g. on another device)."""
    Authenticator.objects.filter(user=staff).delete()
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    TOTP.activate(staff, STAFF_TOTP_SECRET)


def test_a_regisseur_without_the_code_in_this_session_is_sent_to_it_and_sees_no_figures(
    client, world
):
    log_in_with_password_only(client, world.regisseur)

    for params in (BEHIND, {**REGIONAL, "format": "json"}, {**REGIONAL, "format": "csv"}):
        response = client.get(url("firms"), params)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")
        assert b"Tongerse firma" not in response.content
    step = client.get(client.get(url("firms"), BEHIND)["Location"])
    assert (
        _(
            "Staff members see this page only with two-factor authentication. Enter the code of "
            "your authenticator app to continue."
        )
        in step.content.decode()
    )


def test_after_the_code_the_regisseur_is_back_on_the_figure_and_sees_who_is_behind(client, world):
    log_in_with_password_only(client, world.regisseur)
    to_code = client.get(url("firms"), BEHIND)["Location"]

    back = client.post(to_code, {"code": totp_code()})

    assert back.status_code == 302
    assert back["Location"].startswith(url("firms") + "?")
    response = client.get(back["Location"])
    assert response.context["mode"] == reports.Mode.REGIONAL
    content = response.content.decode()
    assert _("Behind the figure") in content
    assert "Tongerse firma 1" in content and "Tongerse firma 2" in content


def test_a_regisseur_who_logged_in_with_password_and_code_sees_the_region_at_once(client, world):
    client.post("/accounts/login/", {"login": world.regisseur.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    response = client.get(url("firms"), BEHIND)

    assert response.status_code == 200
    assert "Tongerse firma 1" in response.content.decode()


def test_a_regisseur_without_an_authenticator_is_sent_to_set_one_up(client, world):
    Authenticator.objects.filter(user=world.regisseur).delete()
    client.post("/accounts/login/", {"login": world.regisseur.email, "password": PASSWORD})

    response = client.get(url("firms"), BEHIND)

    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert (
        _(
            "Staff members see this page only with two-factor authentication. Activate an "
            "authenticator app first."
        )
        in client.get(response["Location"], follow=True).content.decode()
    )


def test_an_administrator_without_the_code_in_this_session_sees_no_full_figures(client, world):
    log_in_with_password_only(client, world.administrator)

    response = client.get(url("firms"), {"from": "2016", "to": "2016", "format": "json"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_a_regisseur_without_the_code_still_sees_the_public_figures(client, world):
    log_in_with_password_only(client, world.regisseur)

    response = client.get(url("firms"), {"from": "2016", "to": "2016"})

    assert response.status_code == 200
    assert response.context["mode"] == reports.Mode.PUBLIC
    assert (
        figures(client, "firms", **{"from": "2016", "to": "2016"})["2016:antwerpen"]["any"] == "x"
    )


def test_an_administrator_sees_the_organisations_behind_any_figure(client, world):
    log_in_as(client, world.administrator)
    response = client.get(
        url("firms"), {"from": "2016", "to": "2016", "row": "2016:all", "column": "supplier"}
    )
    behind = response.context["behind"]
    assert [organisation.name for organisation in behind.organisations] == [
        "Antwerpse firma 1",
        "Antwerpse firma 4",
    ]
    assert behind.count == 2


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2016:atlantis", "client"),
        ("1999:limburg", "client"),
        ("2016:limburg", "nothing"),
        ("2016:limburg", "x" * 5000),
        ("\x00", "client"),
    ],
)
def test_a_figure_that_is_not_in_the_table_is_said_so(client, world, row, column):
    log_in_as(client, world.administrator)
    response = client.get(
        url("firms"), {"from": "2016", "to": "2016", "row": row, "column": column}
    )
    assert response.status_code == 200
    assert _("This table has no such figure; choose one of its figures.") in (
        response.content.decode()
    )


# --- Exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["firms", "services", "channels", "blind-spots"])
@pytest.mark.parametrize("who", ["anonymous", "regisseur", "administrator"])
def test_the_csv_and_the_json_say_exactly_what_the_page_says(client, world, slug, who):
    if who != "anonymous":
        log_in_as(client, getattr(world, who))
    params = {"from": "2015", "to": "2016"}
    if who == "regisseur":
        params["region"] = "zuidoost-limburg"
    page = page_table(client.get(url(slug), params))
    assert len(page) > 2
    assert csv_table(client.get(url(slug), {**params, "format": "csv"})) == page
    assert json_table(client.get(url(slug), {**params, "format": "json"})) == page


def test_the_json_names_the_mode_and_the_filters(client, world):
    data = client.get(url("firms"), {"from": "2016", "to": "2016", "format": "json"}).json()
    assert data["mode"] == "public" and data["threshold"] == 3
    assert data["filters"] == {
        "from": 2016,
        "to": 2016,
        "province": None,
        "region": None,
        "category": None,
        "recognition": None,
    }
    log_in_as(client, world.administrator)
    data = client.get(url("firms"), {"from": "2016", "to": "2016", "format": "json"}).json()
    assert data["mode"] == "full" and data["threshold"] is None


def test_the_csv_is_named_after_the_report(client, world):
    response = client.get(url("services"), {"format": "csv"})
    assert "report-services" in response["Content-Disposition"]


# --- Filters ---------------------------------------------------------------------------------


def test_the_province_and_category_filters_narrow_the_figures(client, world):
    log_in_as(client, world.administrator)
    params = {"from": "2016", "to": "2016", "province": "antwerpen"}
    assert figures(client, "firms", **params) == {
        "2016:antwerpen": {"client": 3, "supplier": 2, "partner": 0, "any": 4},
    }
    params["category"] = "groenonderhoud"
    assert figures(client, "firms", **params) == {
        "2016:antwerpen": {"client": 2, "supplier": 0, "partner": 0, "any": 2},
    }


def test_the_region_filter_narrows_to_the_regions_municipalities(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **{"from": "2016", "to": "2016", "region": "vlaams-brabant"})
    assert found == {"2016:vlaams-brabant": {"client": 0, "supplier": 0, "partner": 1, "any": 1}}


def test_the_recognition_filter_narrows_to_collaborations_with_such_enterprises(client, world):
    # Only Maatwerk Tongeren (s1) is a maatwerkbedrijf: a1 supplied it, l1, l2 and l3 bought
    # from it, Stad Leuven was its partner.
    world.s1.recognitions.add(Recognition.objects.get(slug="maatwerkbedrijf"))
    log_in_as(client, world.administrator)
    params = {"from": "2016", "to": "2016"}
    everyone = figures(client, "firms", **params)
    found = figures(client, "firms", **params, recognition="maatwerkbedrijf")
    assert everyone["2016:all"] == {"client": 6, "supplier": 2, "partner": 1, "any": 8}
    assert found["2016:all"] == {"client": 3, "supplier": 1, "partner": 1, "any": 5}
    assert found["2016:antwerpen"] == {"client": 0, "supplier": 1, "partner": 0, "any": 1}
    # The register's other sections narrow alike; a recognition nobody holds leaves nothing.
    services = figures(client, "services", **params, recognition="maatwerkbedrijf")
    assert services["catering"]["all"] == 1 and services["groenonderhoud"]["all"] == 2
    channels = figures(client, "channels", **params, recognition="lokale-diensteneconomie")
    assert all(row["all"] == 0 for row in channels.values())
    evaluation = figures(client, "evaluation", **params, recognition="lokale-diensteneconomie")
    assert evaluation["2016"]["collaborations"] == 0


def test_the_recognition_is_part_of_the_cache_key_and_of_the_description(world):
    recognition = Recognition.objects.get(slug="maatwerkbedrijf")
    section = reports.get("firms")
    plain = reports.Filters(year_from=2016, year_to=2016)
    narrowed = reports.Filters(year_from=2016, year_to=2016, recognition=recognition)
    assert narrowed.as_params()["recognition"] == "maatwerkbedrijf"
    assert section.cache_key(plain) != section.cache_key(narrowed)
    assert str(recognition) in narrowed.describe(section.filters)


def test_the_recognition_filter_is_offered_where_collaborations_are_counted(client, world):
    for slug in ("firms", "services", "channels", "evaluation", "blind-spots"):
        assert "recognition" in client.get(url(slug)).context["form"].fields, slug
    # Vacancies, requests and vouchers count no collaborations: a recognition there is ignored.
    for slug in ("vacancies", "requests", "vouchers"):
        response = client.get(url(slug), {"recognition": "atlantis"})
        assert "recognition" not in response.context["form"].fields, slug
        assert not_used() not in response.content.decode()


def test_blind_spots_of_one_recognition_count_only_its_enterprises(client, services_in_limburg):
    services_in_limburg.recognitions.add(Recognition.objects.get(slug="maatwerkbedrijf"))
    everyone = figures(client, "blind-spots", region="zuidoost-limburg")
    found = figures(client, "blind-spots", region="zuidoost-limburg", recognition="maatwerkbedrijf")
    # Tongeren's green maintenance is a maatwerkbedrijf's; the cleaning everywhere is not.
    assert found["groenonderhoud"] == everyone["groenonderhoud"]
    assert everyone["schoonmaak"]["missing"] == 0
    assert found["schoonmaak"]["missing"] == found["schoonmaak"]["of"] == 4


@pytest.mark.parametrize(
    ("params", "same_as"),
    [
        ({"from": "abc"}, {}),
        ({"from": "1990"}, {}),
        ({"to": "2011"}, {}),
        ({"to": "99999999999999999999999"}, {}),
        ({"from": "2020", "to": "2015"}, {"from": "2020"}),
        ({"province": "atlantis"}, {}),
        ({"province": "lim\x00burg"}, {}),
        ({"region": "<script>alert(1)</script>"}, {}),
        ({"category": "' OR 1=1 --"}, {}),
        ({"category": "x" * 5000}, {}),
        ({"recognition": "atlantis"}, {}),
        ({"recognition": "maatwerk bedrijf"}, {}),
    ],
)
def test_a_bad_filter_is_reported_and_the_figures_leave_it_out(client, world, params, same_as):
    response = client.get(url("firms"), params)
    assert response.status_code == 200
    content = response.content.decode()
    assert not_used() in content
    assert "<script>alert" not in content
    assert page_table(response) == page_table(client.get(url("firms"), same_as))


def test_filters_a_report_does_not_honour_are_ignored(client, world):
    # Blind spots know no years: a bad year there is no error.
    response = client.get(url("blind-spots"), {"from": "abc", "category": "schoonmaak"})
    assert response.status_code == 200
    assert not_used() not in response.content.decode()
    assert "from" not in response.context["form"].fields


# --- (b) services and (c) channels ----------------------------------------------------------


def test_services_most_used_first_overall_and_per_province(client, world):
    log_in_as(client, world.administrator)
    response = client.get(url("services"), {"from": "2016", "to": "2016", "format": "json"})
    rows = response.json()["rows"]
    assert [row["key"] for row in rows[:4]] == ["groenonderhoud", "schoonmaak", "catering", "none"]
    found = {row["key"]: row["cells"] for row in rows}
    assert found["groenonderhoud"] == {
        "antwerpen": 2,
        "limburg": 2,
        "vlaams-brabant": 0,
        "all": 4,
        **zeros(*OTHER_FLEMISH),
    }
    assert found["catering"] == {
        "antwerpen": 2,
        "limburg": 0,
        "vlaams-brabant": 0,
        "all": 2,
        **zeros(*OTHER_FLEMISH),
    }
    assert found["schoonmaak"]["limburg"] == 1 and found["schoonmaak"]["vlaams-brabant"] == 1
    assert found["none"]["antwerpen"] == 1
    assert found["logistiek-opslag"]["all"] == 0


def test_services_in_public_hide_what_is_small_and_sort_by_what_is_shown(client, world):
    s3 = SocialEnterpriseFactory(postcode=postcode("2000"))
    for n in range(3):
        firm = OrganisationFactory(name=f"Extra {n}", postcode=postcode("2000"))
        collaborate(firm, s3, started=date(2016, 5, 1), category="verpakking-assemblage")
    response = client.get(url("services"), {"from": "2016", "to": "2016", "format": "json"})
    rows = response.json()["rows"]
    # Green maintenance's total of 4 is shown (its parts, 2 and 2, are not), and comes first.
    assert [row["key"] for row in rows[:2]] == ["groenonderhoud", "verpakking-assemblage"]
    assert rows[1]["cells"]["antwerpen"] == 3 and rows[1]["cells"]["all"] == 3
    found = {row["key"]: row["cells"] for row in rows}
    # 2 and 2: both small, and the total of 4 firms is shown.
    assert found["groenonderhoud"]["antwerpen"] == "x" and found["groenonderhoud"]["limburg"] == "x"
    assert found["groenonderhoud"]["all"] == 4


def test_channels_count_collaborations_hidden_when_fewer_than_3_firms(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "channels", **{"from": "2016", "to": "2016"})
    assert found["directory"]["antwerpen"] == 2 and found["directory"]["limburg"] == 1
    assert found["directory"]["all"] == 3
    assert found["voucher"]["limburg"] == 2
    assert found["regie"]["all"] == 2
    assert found["other"]["all"] == 0
    # One firm with three collaborations through a network event: 3, but one firm.
    s3 = SocialEnterpriseFactory(postcode=postcode("2000"))
    for month in (2, 3, 4):
        collaborate(world.a2, s3, started=date(2016, month, 1), channel="network_event")
    client.logout()
    found = figures(client, "channels", **{"from": "2016", "to": "2016"})
    assert found["network_event"]["antwerpen"] == "x"  # 4 collaborations of 2 firms


def test_channels_hide_a_figure_one_firm_makes_up_almost_entirely(client, world):
    # Other, in Antwerpen, 2018: three firms, but 20 of the 22 collaborations are a2's.
    s3 = SocialEnterpriseFactory(postcode=postcode("2000"))
    for day in range(1, 21):
        collaborate(world.a2, s3, started=date(2018, 1, day), channel="other")
    for firm in (world.a3, world.a4):
        collaborate(firm, s3, started=date(2018, 2, 1), channel="other")
    found = figures(client, "channels", **{"from": "2018", "to": "2018"})
    assert found["other"]["antwerpen"] == "x" and found["other"]["all"] == "x"
    # Spread over the three (8, 7, 7), the figure is shown.
    Collaboration.objects.filter(regular=world.a2, channel="other", started__day__gt=8).delete()
    for firm in (world.a3, world.a4):
        for day in range(2, 8):
            collaborate(firm, s3, started=date(2018, 3, day), channel="other")
    found = figures(client, "channels", **{"from": "2018", "to": "2018"})
    assert found["other"]["antwerpen"] == 22 and found["other"]["all"] == 22


# --- (g) blind spots ---------------------------------------------------------------------------


@pytest.fixture
def services_in_limburg(reference_data, db):
    """Green maintenance from Tongeren within 8 km (verified), and from nowhere else; cleaning
    everywhere (verified, no radius); catering only by an unverified enterprise."""
    now = timezone.now()
    tongeren = SocialEnterpriseFactory(postcode=postcode("3700"), verified_at=now)
    OfferedServiceFactory(
        organisation=tongeren,
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        radius_km=8,
    )
    everywhere = SocialEnterpriseFactory(postcode=postcode("9000"), verified_at=now)
    OfferedServiceFactory(
        organisation=everywhere,
        category=ServiceCategory.objects.get(slug="schoonmaak"),
        radius_km=None,
    )
    unverified = SocialEnterpriseFactory(postcode=postcode("3700"))
    OfferedServiceFactory(
        organisation=unverified,
        category=ServiceCategory.objects.get(slug="catering"),
        radius_km=None,
    )
    return tongeren


def test_blind_spots_are_the_municipalities_no_verified_enterprise_reaches(
    client, services_in_limburg
):
    region = Region.objects.get(slug="zuidoost-limburg")
    municipalities = list(region.municipalities.order_by("name_nl"))
    # What the database must find, worked out here in Python from the postcodes.
    reached = {
        municipality.name_nl
        for municipality in municipalities
        if any(
            geography.haversine_km(services_in_limburg, place) <= 8
            for place in Postcode.objects.filter(municipality=municipality)
        )
    }
    assert 0 < len(reached) < len(municipalities)  # the fixture tests something
    found = figures(client, "blind-spots", region="zuidoost-limburg")
    assert found["groenonderhoud"]["missing"] == len(municipalities) - len(reached)
    assert found["groenonderhoud"]["of"] == 4
    assert found["groenonderhoud"]["municipalities"] == ", ".join(
        m.name_nl for m in municipalities if m.name_nl not in reached
    )
    assert found["schoonmaak"] == {"missing": 0, "of": 4, "municipalities": ""}
    # An unverified enterprise reaches nobody.
    assert found["catering"]["missing"] == 4


def test_blind_spots_of_all_flanders_and_of_a_province(client, services_in_limburg):
    flemish = Municipality.objects.current().flemish()
    found = figures(client, "blind-spots")
    assert found["catering"]["of"] == flemish.count() == found["catering"]["missing"]
    assert found["schoonmaak"]["missing"] == 0
    limburg = figures(client, "blind-spots", province="limburg", category="groenonderhoud")
    assert list(limburg) == ["groenonderhoud"]
    assert limburg["groenonderhoud"]["of"] == flemish.filter(province__slug="limburg").count()


def test_blind_spots_are_the_same_for_everyone(client, services_in_limburg):
    public = client.get(url("blind-spots"), {"format": "json"}).json()
    log_in_as(client, StaffFactory(is_superuser=True))
    full = client.get(url("blind-spots"), {"format": "json"}).json()
    assert public["rows"] == full["rows"]
    assert public["threshold"] is None


# --- Suppression: the rule on its own ---------------------------------------------------------


def _table(*cells):
    return reports.Table(
        row_headers=["r"],
        columns=[reports.Column(str(i), str(i)) for i in range(len(cells))],
        rows=[reports.Row("r", ["r"], {str(i): cell for i, cell in enumerate(cells)})],
    )


def test_a_cell_of_fewer_than_3_firms_is_hidden_and_zero_is_shown():
    one, two, three, zero = (reports.Cell.count(n) for n in (1, 2, 3, 0))
    reports.protect(_table(one, two, three, zero))
    assert [cell.shown for cell in (one, two, three, zero)] == ["x", "x", 3, 0]


def test_the_firms_decide_not_the_value():
    many_of_two = reports.Cell.count(40, firms=2)
    few_of_three = reports.Cell.count(3, firms=3)
    reports.protect(_table(many_of_two, few_of_three))
    assert many_of_two.shown == "x" and few_of_three.shown == 3


def test_a_figure_one_firm_dominates_is_hidden():
    dominated = reports.Cell.count(40, firms=5)
    dominated.largest = 35
    spread = reports.Cell.count(40, firms=5)
    spread.largest = 20
    reports.protect(_table(dominated, spread))
    assert dominated.shown == "x" and spread.shown == 40


def test_a_safe_total_stays_and_the_smallest_other_part_is_hidden_instead():
    shown, small, other = reports.Cell.count(5), reports.Cell.count(1), reports.Cell.count(4)
    total = reports.Cell.total([shown, small, other])
    reports.protect(_table(shown, small, other, total))
    assert (shown.shown, small.shown, other.shown, total.shown) == (5, "x", "x", 10)


def test_two_hidden_parts_that_could_only_be_1_each_get_a_third():
    # 1 + 1 + 10 = 12: with 10 shown, the two would be 2 between them, so 1 each.
    parts = [reports.Cell.count(1), reports.Cell.count(1), reports.Cell.count(10)]
    total = reports.Cell.total(parts)
    reports.protect(_table(*parts, total))
    assert [part.shown for part in parts] == ["x", "x", "x"] and total.shown == 12


def test_a_small_total_hides_with_its_parts():
    parts = [reports.Cell.count(1), reports.Cell.count(1), reports.Cell.count(0)]
    total = reports.Cell.total(parts)
    reports.protect(_table(*parts, total))
    assert [cell.shown for cell in (*parts, total)] == ["x", "x", 0, "x"]


def test_a_count_of_distinct_firms_that_would_pin_a_hidden_one_gets_company():
    # Any role (12) between the largest role and their sum: with 10 clients shown, the 2
    # suppliers would be 12 - 10. The clients are hidden with them, not the 12.
    # A province whose firms are all clients: any role (3) is its clients (3). When the
    # clients are hidden to protect another province, the 3 would give them away.
    clients = [reports.Cell.count(3), reports.Cell.count(1)]
    anyrole = [reports.Cell.count(3), reports.Cell.count(1)]
    for client_cell, any_cell in zip(clients, anyrole, strict=True):
        any_cell.bounds = [client_cell]
    total_clients, total_any = reports.Cell.total(clients), reports.Cell.total(anyrole)
    total_any.bounds = [total_clients]
    table = reports.Table(
        row_headers=["r"],
        columns=[reports.Column("client", "client"), reports.Column("any", "any")],
        rows=[
            reports.Row(str(n), [str(n)], {"client": c, "any": a})
            for n, (c, a) in enumerate(
                [*zip(clients, anyrole, strict=True), (total_clients, total_any)]
            )
        ],
    )
    reports.protect(table)
    assert [cell.shown for cell in (*clients, *anyrole)] == ["x", "x", "x", "x"]
    assert (total_clients.shown, total_any.shown) == (4, 4)


def test_totals_of_shown_figures_are_shown():
    parts = [reports.Cell.count(3), reports.Cell.count(0), reports.Cell.count(8)]
    total = reports.Cell.total(parts)
    reports.protect(_table(*parts, total))
    assert total.shown == 11


def test_public_columns_are_never_hidden_nor_used_to_hide():
    public = reports.Column("published", "published", confidential=False)
    secret = reports.Column("placed", "placed")
    rows = [
        reports.Row(str(n), [str(n)], {"published": reports.Cell.count(n), "placed": cell})
        for n, cell in enumerate([reports.Cell.count(1), reports.Cell.count(7)])
    ]
    table = reports.Table(row_headers=["r"], columns=[public, secret], rows=rows)
    reports.protect(table)
    assert [row.cells["published"].shown for row in rows] == [0, 1]
    assert [row.cells["placed"].shown for row in rows] == ["x", 7]


# --- Cost: a fixed number of queries, whatever the data ----------------------------------------

# Anonymous: the four choices of the form (provinces, regions, categories, recognitions) and the
# data version (portal/datachanges.py). Then, unless the table is cached for that version, each
# report's own: firms: the provinces + one grouped query; services: + the categories; channels:
# the provinces + one; blind spots: the categories, the municipalities, the places reached and
# the verified enterprises per municipality (its second map; issue 21). The exports render no
# form.
FORM_QUERIES = 4
VERSION = 1
# The reports with years ask, once per data version, for the years that hold data (the form's
# default range): one more query for firms, services and channels.
BUILD = {"firms": 2 + 1, "services": 3 + 1, "channels": 2 + 1, "blind-spots": 4}


@pytest.mark.parametrize("slug", sorted(BUILD))
def test_each_report_runs_a_fixed_number_of_queries_whatever_the_data(
    client, world, django_assert_num_queries, slug
):
    with django_assert_num_queries(FORM_QUERIES + VERSION + BUILD[slug]):
        assert client.get(url(slug)).status_code == 200
    s3 = SocialEnterpriseFactory(postcode=postcode("9000"), verified_at=timezone.now())
    OfferedServiceFactory(organisation=s3, radius_km=30)
    for n in range(40):
        firm = OrganisationFactory(postcode=postcode(("2000", "3000", "3500", "9000")[n % 4]))
        collaborate(
            firm,
            s3,
            started=date(2012 + n % 10, 1 + n % 12, 1),
            role=ROLES[n % 3],
            category="groenonderhoud",
            channel="directory",
        )
    # The data changed: computed again, with as many queries.
    with django_assert_num_queries(FORM_QUERIES + VERSION + BUILD[slug]):
        assert client.get(url(slug)).status_code == 200
    # Then cached: only the version is asked.
    with django_assert_num_queries(FORM_QUERIES + VERSION):
        assert client.get(url(slug)).status_code == 200
    for export in ("csv", "json"):
        with django_assert_num_queries(VERSION):
            assert client.get(url(slug), {"format": export}).status_code == 200
    cache.clear()
    with django_assert_num_queries(VERSION + BUILD[slug]):
        assert client.get(url(slug), {"format": "csv"}).status_code == 200


def test_a_valid_filter_adds_one_query_to_check_it(client, world, django_assert_num_queries):
    # One to check each, and the chosen province spares the list of provinces.
    with django_assert_num_queries(FORM_QUERIES + VERSION + BUILD["firms"] + 2 - 1):
        client.get(url("firms"), {"province": "limburg", "category": "catering"})


def test_the_regional_view_and_its_list_run_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    log_in_as(client, world.regisseur)
    params = {"region": "zuidoost-limburg", "row": "2016:limburg", "column": "client"}
    # session, user, the region's check, the mode (is this regisseur one of the region's?),
    # the page's own (form, version, report), the organisations behind.
    page = FORM_QUERIES + VERSION + BUILD["firms"]
    with django_assert_num_queries(2 + 1 + 1 + page + 1):
        response = client.get(url("firms"), params)
    assert len(response.context["behind"].organisations) == 2
    # The table is cached; the organisations behind a figure are always looked up.
    with django_assert_num_queries(2 + 1 + 1 + page - BUILD["firms"] + 1):
        response = client.get(url("firms"), params)
    assert len(response.context["behind"].organisations) == 2


# --- The default range, the provinces, years without data (issue 21, item 4) --------------------


def test_the_default_range_is_the_years_that_hold_data(client, world):
    # The first confirmed collaboration started in 2014 (l1); a2 and l2 still run.
    response = client.get(url("firms"))
    form = response.context["form"]
    assert form.default_years == (2014, THIS_YEAR)
    filters = response.context["filters"]
    assert (filters.year_from, filters.year_to) == (2014, THIS_YEAR)
    # Once they ended, the range ends with the last year something ran.
    Collaboration.objects.update(ended=date(2019, 6, 30))
    filters = client.get(url("firms")).context["filters"]
    assert (filters.year_from, filters.year_to) == (2014, 2019)
    # One end chosen: the other is the default, never running backwards.
    filters = client.get(url("firms"), {"to": "2013"}).context["filters"]
    assert (filters.year_from, filters.year_to) == (2013, 2013)


def test_without_data_the_default_range_is_every_year(client, reference_data, db):
    filters = client.get(url("firms")).context["filters"]
    assert (filters.year_from, filters.year_to) == (reports.FIRST_YEAR, THIS_YEAR)


def test_the_province_filter_offers_the_flemish_provinces_and_brussels(client, world):
    field = client.get(url("firms")).context["form"].fields["province"]
    assert [value for value, _label in field.choices][1:] == [
        *Province.objects.filter(region="flanders")
        .order_by("name_nl")
        .values_list("slug", flat=True),
        "brussels",
    ]
    assert "namur" not in str(field.choices)


def test_brussels_is_the_organisations_without_a_province(client, world):
    brussels = OrganisationFactory(name="Brusselse firma", postcode=postcode("1000"))
    assert brussels.province is None
    collaborate(brussels, world.s1, started=date(2016, 1, 1))
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **{"from": "2016", "to": "2016", "province": "brussels"})
    assert found == {"2016:none": {"client": 1, "supplier": 0, "partner": 0, "any": 1}}


def test_a_year_without_data_says_so_once_on_the_page_and_in_the_exports(client, world):
    params = {"from": "2013", "to": "2015"}
    page = page_table(client.get(url("firms"), params))
    note = _("No data for %(year)s") % {"year": 2013}
    assert page[1] == ["2013", note]
    assert [row[0] for row in page[1:]].count("2013") == 1
    assert page[2][0] == "2014" and len(page[2]) == len(page[0])
    assert csv_table(client.get(url("firms"), {**params, "format": "csv"})) == page
    data = client.get(url("firms"), {**params, "format": "json"}).json()
    assert data["rows"][0] == {
        "key": "2013:all",
        "labels": ["2013"],
        "total": True,
        "note": note,
        "cells": {},
    }
    assert json_table(client.get(url("firms"), {**params, "format": "json"})) == page
