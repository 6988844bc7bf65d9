"""Dates: one way to write a day in text and one in tables, per language (portal/formats/).

In text (sentences, facts, ranges, emails, messages) DATE_FORMAT: "13 december 2026",
"13 décembre 2026", "13 December 2026". In tables SHORT_DATE_FORMAT: "13-12-2026" in Dutch,
"13/12/2026" in French and English. Templates name the format (`|date`, `|date:"DATE_FORMAT"`,
`|date:"SHORT_DATE_FORMAT"`, ...) and never spell one out; Python goes through
django.utils.formats.date_format and never strftime.
"""

import re
from datetime import date, datetime

import pytest
from django.utils import formats, timezone, translation

from companies import collaborations
from portal.models import ServiceCategory
from tests.conftest import ROOT
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    VacancyFactory,
    VoucherFactory,
    postcode,
)

NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
}
# A literal format is allowed only here, with its reason.
ALLOWED_LITERALS = {
    # The register counts collaborations per year: "2019–2023", "since 2019".
    ("companies/_collaboration_period.html", "Y"),
}
pytestmark = pytest.mark.django_db

APPS = ["api", "companies", "events", "portal", "procurement", "vacancies", "vouchers"]

DAY = date(2031, 12, 13)
TEXT = {"nl": "13 december 2031", "fr": "13 décembre 2031", "en": "13 December 2031"}
TABLE = {"nl": "13-12-2031", "fr": "13/12/2031", "en": "13/12/2031"}
PREFIX = {"nl": "", "fr": "/fr", "en": "/en"}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_each_language_writes_a_day_one_way_in_text_and_one_way_in_tables(language):
    with translation.override(language):
        assert formats.date_format(DAY) == TEXT[language]
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == TABLE[language]
        moment = datetime(2031, 12, 13, 9, 5)
        assert formats.date_format(moment, "DATETIME_FORMAT") == f"{TEXT[language]}, 09:05"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == f"{TABLE[language]} 09:05"


def test_templates_name_their_date_format_and_never_spell_one_out():
    found = []
    pattern = re.compile(r"""\|date:\s*["']([^"']*)["']|\{%\s*now\s+["']([^"']*)["']""")
    for path in sorted((ROOT / "templates").rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(ROOT / "templates").as_posix()
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            value = match.group(1) or match.group(2)
            if value not in NAMED and (name, value) not in ALLOWED_LITERALS:
                found.append(f"{name}: {match.group(0)}")
    assert not found, "templates with a date format of their own:\n" + "\n".join(found)


def test_the_code_writes_no_date_by_hand():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".strftime(" in line
    ]
    assert not found, "use django.utils.formats.date_format:\n" + "\n".join(found)


# --- Pages ------------------------------------------------------------------------------------

LANGUAGES = ["nl", "fr", "en"]


def assert_text_dates(html, language):
    assert TEXT[language] in html
    assert TABLE[language] not in html, "a day written as in a table, in a text"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_vacancy_writes_its_closing_date_in_words(client, reference_data, language):
    vacancy = VacancyFactory(status="published", published_at=timezone.now())
    type(vacancy).objects.filter(pk=vacancy.pk).update(closing_date=DAY)

    response = client.get(f"{PREFIX[language]}/vacancies/{vacancy.code}/")

    assert response.status_code == 200
    assert_text_dates(response.content.decode(), language)


@pytest.fixture
def vouchers(reference_data):
    """An approved voucher valid until DAY: its applicant's owner and its provider's owner."""
    voucher = VoucherFactory(approved=True, valid_until=DAY)
    return (
        voucher,
        OwnerFactory(organisation=voucher.applicant).user,
        OwnerFactory(organisation=voucher.provider).user,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_vouchers_write_the_validity_in_words(client, vouchers, language):
    _voucher, applicant, _provider = vouchers
    client.force_login(applicant)

    response = client.get(f"{PREFIX[language]}/vouchers/mine/")

    assert response.status_code == 200
    assert_text_dates(response.content.decode(), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_vouchers_to_redeem_table_writes_days_in_digits(client, vouchers, language):
    voucher, _applicant, provider = vouchers
    client.force_login(provider)

    response = client.get(f"{PREFIX[language]}/vouchers/redeem/")

    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf"<tr>(?:(?!</tr>).)*{voucher.code}.*?</tr>", html, re.S)
    assert row, "the voucher is not in the table"
    assert TABLE[language] in row.group(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_collaboration_register_writes_its_periods_in_words(client, reference_data, language):
    firm = OrganisationFactory(postcode=postcode("3700"))
    enterprise = SocialEnterpriseFactory(postcode=postcode("3000"))
    owner = OwnerFactory(organisation=firm).user
    collaborations.declare(
        organisation=firm,
        other=enterprise,
        role="client",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        started=date(2020, 4, 1),
        ended=date(2021, 6, 30),
        channel="directory",
        by=owner,
    )
    client.force_login(owner)

    response = client.get(f"{PREFIX[language]}/organisations/{firm.slug}/collaborations/")

    assert response.status_code == 200
    html = response.content.decode()
    started = {"nl": "1 april 2020", "fr": "1 avril 2020", "en": "1 April 2020"}[language]
    ended = {"nl": "30 juni 2021", "fr": "30 juin 2021", "en": "30 June 2021"}[language]
    assert started in html and ended in html
