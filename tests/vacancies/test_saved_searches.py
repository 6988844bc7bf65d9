"""Saved searches: saved from the three search pages, kept on the user's own page, and the digest
that emails only what is new since the last one (vacancies/saved_searches.py)."""

import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Notification, NotificationPreference, NotificationStatus, Sector
from tests.factories import (
    PASSWORD,
    StaffFactory,
    UserFactory,
    listed_organisation,
    listed_vacancy,
    log_in_as,
    reference_rows_in_memory,
)
from tests.factories import listed_request as listed_service_request
from vacancies import saved_searches, tasks
from vacancies.models import SavedSearch

pytestmark = pytest.mark.django_db

SAVE_URL = reverse("vacancies:saved_search_create")
LIST_URL = reverse("vacancies:saved_searches")
# Tests of wording read the English pages and emails: the Dutch ones change with every
# translation.
EN = "/en"
PAGES = {
    "directory": reverse("companies:directory"),
    "vacancies": reverse("vacancies:vacancy_list"),
    "requests": reverse("vacancies:request_list"),
}
# A search of each page as a user might send it (noise, spaces, any order), and the same search
# as it is saved.
SEARCHES = {
    "directory": (
        {"service": "groenonderhoud", "postcode": "3700", "km": "25", "sort": "name", "page": "2"},
        "km=25&postcode=3700&service=groenonderhoud",
    ),
    "vacancies": (
        {"sector": "H", "q": "  magazijn   Tongeren ", "doorstroom": "on", "per_page": "50"},
        # A query that ends in a place searches near it (portal/places.py).
        "doorstroom=1&postcode=Tongeren&q=magazijn&sector=H",
    ),
    "requests": (
        {"budget": ["5k-25k", "1k-5k", "5k-25k"], "service": "groenonderhoud", "format": "html"},
        "budget=1k-5k&budget=5k-25k&service=groenonderhoud",
    ),
}


@pytest.fixture
def member(reference_data):
    return UserFactory(name="Sam Zoeker")


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


def saved(user, target="vacancies", query="", **fields):
    """A saved search made as the save function makes it, then with `fields` changed."""
    row, _created = saved_searches.save(user=user, target=target, data=query, frequency="daily")
    if fields:
        SavedSearch.objects.filter(pk=row.pk).update(**fields)
        row.refresh_from_db()
    return row


def panel(page):
    """The "Save this search" panel of a page, as text."""
    match = re.search(r'<section class="save-search.*?</section>', page, re.S)
    assert match, "the page has no save-search panel"
    return match.group(0)


def hidden(page, name):
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Saving from the search pages ----------------------------------------------------------


@pytest.mark.parametrize("target", PAGES)
def test_a_visitor_is_asked_to_log_in_and_comes_back_to_the_search(client, reference_data, target):
    params, _query = SEARCHES[target]

    response = client.get(PAGES[target], params)
    text = panel(response.content.decode())

    assert "<form" not in text
    next_path = response.wsgi_request.get_full_path()
    assert f'href="/accounts/login/?next={quote(next_path, safe="/")}"' in html.unescape(text)

    login = client.post(
        "/accounts/login/",
        {"login": UserFactory().email, "password": PASSWORD, "next": next_path},
    )
    assert login.status_code == 302
    assert login.url == next_path


@pytest.mark.parametrize("target", PAGES)
def test_a_search_is_saved_from_each_page_as_its_parameters_without_noise(
    logged_in, member, target
):
    params, query = SEARCHES[target]
    page = logged_in.get(EN + PAGES[target], params)
    form = panel(page.content.decode())
    assert hidden(form, "target") == target
    assert hidden(form, "query") == query

    response = logged_in.post(
        EN + SAVE_URL,
        {"target": target, "query": hidden(form, "query"), "frequency": "weekly"},
        follow=True,
    )

    row = SavedSearch.objects.get(user=member)
    assert (row.target, row.query, row.frequency) == (target, query, "weekly")
    # Its name is the page's own description of the search (as saved: spaces are tidied).
    assert row.name == response.context["description"]
    assert row.name.startswith(page.context["description"][:10])
    assert response.redirect_chain[-1][0] == f"{EN}{PAGES[target]}?{query}"
    assert "The search is saved: its new results come to you by email every week." in (
        messages_of(response)
    )
    assert "You saved this search as" in panel(response.content.decode())


def test_the_same_search_in_another_order_is_saved_once_with_the_new_frequency(logged_in, member):
    first = logged_in.post(
        EN + SAVE_URL,
        {
            "target": "vacancies",
            "query": "sector=H&q=magazijn&page=3&sort=newest",
            "frequency": "daily",
        },
        follow=True,
    )
    assert first.status_code == 200
    again = logged_in.post(
        EN + SAVE_URL,
        {"target": "vacancies", "query": "q=%20magazijn&sector=H", "frequency": "weekly"},
        follow=True,
    )

    row = SavedSearch.objects.get(user=member)
    assert row.query == "q=magazijn&sector=H"
    assert row.frequency == "weekly"
    assert "You had saved this search before: its new results come to you every week." in (
        messages_of(again)
    )


def test_two_users_may_save_the_same_search(logged_in, member):
    other = UserFactory()
    saved(other, query="sector=H")

    logged_in.post(SAVE_URL, {"target": "vacancies", "query": "sector=H", "frequency": "daily"})

    assert SavedSearch.objects.filter(query="sector=H").count() == 2


def test_the_page_offers_the_form_again_for_another_search(logged_in, member):
    saved(member, query="sector=H")

    text = panel(logged_in.get(PAGES["vacancies"], {"sector": "C"}).content.decode())

    assert hidden(text, "query") == "sector=C"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"target": "vouchers", "query": "", "frequency": "daily"},
            "Only a search of organisations, vacancies or service requests can be saved.",
        ),
        (
            {"query": "q=x", "frequency": "daily"},
            "Only a search of organisations, vacancies or service requests can be saved.",
        ),
        ({"target": "vacancies", "query": "", "frequency": "hourly"}, "Choose daily or weekly."),
        ({"target": "vacancies", "query": "", "frequency": "off"}, "Choose daily or weekly."),
        ({"target": "vacancies", "query": ""}, "Choose daily or weekly."),
        (
            {"target": "vacancies", "query": "q=a\x00b", "frequency": "daily"},
            "Null characters are not allowed.",
        ),
        (
            {"target": "vacancies", "query": "q=" + "x" * 5000, "frequency": "daily"},
            "This search is too long to be saved; leave some filters out.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_saves_nothing(
    logged_in, member, data, error
):
    response = logged_in.post(EN + SAVE_URL, data, follow=True)

    assert response.status_code == 200
    assert error in messages_of(response)
    assert not SavedSearch.objects.exists()


def test_garbage_parameters_are_left_out_as_the_page_leaves_them_out(logged_in, member):
    garbage = (
        "service=%3Cscript%3E&service=groenonderhoud&km=99999&postcode=abcd&unknown=1"
        "&q=%00&sector=ZZ&kind=spy&verified=yes&page=-1&per_page=10000000000"
    )

    response = logged_in.post(
        SAVE_URL, {"target": "directory", "query": garbage, "frequency": "daily"}, follow=True
    )

    assert response.status_code == 200
    # Every bad value and unknown parameter is gone; what the page used is kept.
    assert SavedSearch.objects.get(user=member).query == "verified=1"


def test_a_search_too_long_to_keep_is_refused(member, monkeypatch):
    monkeypatch.setattr(saved_searches, "MAX_QUERY_LENGTH", 12)

    with translation.override("en"), pytest.raises(Exception, match="too many filters"):
        saved(member, query="q=een+lange+zoekopdracht")
    assert not SavedSearch.objects.exists()


def test_a_user_keeps_at_most_fifty_saved_searches(logged_in, member):
    for number in range(saved_searches.MAX_PER_USER):
        saved(member, query=f"q=woord{number}")

    response = logged_in.post(
        EN + SAVE_URL,
        {"target": "vacancies", "query": "q=nog+een", "frequency": "daily"},
        follow=True,
    )

    assert SavedSearch.objects.filter(user=member).count() == saved_searches.MAX_PER_USER
    assert (
        "You can keep up to 50 saved searches. Delete one you no longer need first."
        in messages_of(response)
    )


def test_saving_is_post_only_and_for_logged_in_users(client, logged_in, reference_data):
    assert logged_in.get(SAVE_URL).status_code == 405

    client.logout()
    response = client.post(SAVE_URL, {"target": "vacancies", "query": "", "frequency": "daily"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not SavedSearch.objects.exists()


def test_the_panel_costs_a_user_one_query_and_a_visitor_none(
    client, member, django_assert_num_queries
):
    for number in range(3):
        listed_vacancy(title=f"Magazijnmedewerker {number}")
    url = PAGES["vacancies"]
    client.get(url)  # anything cached per process is cached now
    with CaptureQueriesContext(connection) as visitor:
        client.get(url)
    client.force_login(member)
    with CaptureQueriesContext(connection) as user:
        client.get(url)

    # A logged-in page also reads the session and the user: 2 queries, the panel's one, and
    # the acting membership for the call to post (templates/vacancies/_post_action.html).
    assert len(user.captured_queries) == len(visitor.captured_queries) + 4


# --- The user's saved searches --------------------------------------------------------------


def test_the_list_shows_the_users_own_saved_searches_only(logged_in, member):
    mine = saved(member, target="requests", query="service=groenonderhoud", name="Groen werk")
    theirs = saved(UserFactory(), query="sector=H", name="Andermans zoektocht")

    page = logged_in.get(LIST_URL).content.decode()

    assert "Groen werk" in page
    assert f'href="{PAGES["requests"]}?service=groenonderhoud"' in page
    assert "Andermans zoektocht" not in page
    assert theirs.code not in page
    assert mine.code in page


def test_an_empty_list_says_how_to_save_a_search(logged_in):
    page = logged_in.get(EN + LIST_URL).content.decode()

    assert "You have not saved a search yet" in page
    for url in PAGES.values():
        assert f'href="{EN}{url}"' in page


def test_the_list_asks_a_visitor_to_log_in(client, reference_data):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_runs_the_same_queries_for_1_or_12_saved_searches(
    logged_in, member, count, django_assert_num_queries
):
    for number in range(count):
        saved(member, query=f"q=woord{number}")
    logged_in.get(LIST_URL)  # the session settles on the first request

    # Session and user (2), the saved searches (1).
    with django_assert_num_queries(3):
        page = logged_in.get(LIST_URL).content.decode()

    assert page.count('class="saved-search__form"') == count


def test_the_dashboard_links_to_the_saved_searches(logged_in):
    page = logged_in.get(reverse("dashboard")).content.decode()

    assert f'href="{LIST_URL}"' in page


def update_url(row):
    return reverse("vacancies:saved_search_update", kwargs={"code": row.code})


def delete_url(row):
    return reverse("vacancies:saved_search_delete", kwargs={"code": row.code})


def test_the_owner_renames_a_search_and_changes_its_frequency(logged_in, member):
    row = saved(member, query="sector=H")

    response = logged_in.post(
        EN + update_url(row), {"name": "Magazijnwerk", "frequency": "weekly"}, follow=True
    )

    row.refresh_from_db()
    assert (row.name, row.frequency) == ("Magazijnwerk", "weekly")
    assert "“Magazijnwerk” is saved: new results come every week." in messages_of(response)


def test_a_paused_search_switched_on_again_counts_from_then(logged_in, member):
    long_ago = timezone.now() - timedelta(days=40)
    row = saved(member, query="sector=H", frequency="off", last_sent_at=long_ago)

    logged_in.post(update_url(row), {"name": row.name, "frequency": "daily"})

    row.refresh_from_db()
    assert row.frequency == "daily"
    assert row.last_sent_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "frequency": "daily"}, "Name: This field is required."),
        ({"name": "Mijn zoektocht", "frequency": "hourly"}, "Choose daily, weekly or paused."),
        ({"name": "x" * 201, "frequency": "daily"}, "Name: Ensure this value has at most 200"),
    ],
)
def test_a_bad_change_is_shown_again_with_its_error_and_changes_nothing(
    logged_in, member, data, error
):
    row = saved(member, query="sector=H", name="Magazijn")

    response = logged_in.post(EN + update_url(row), data)

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert error in page
    # What was typed is still there.
    assert f'value="{data["name"]}"' in page or data["name"] == ""
    row.refresh_from_db()
    assert (row.name, row.frequency) == ("Magazijn", "daily")


def test_the_owner_deletes_a_saved_search(logged_in, member):
    row = saved(member, query="sector=H", name="Magazijn")

    response = logged_in.post(EN + delete_url(row), follow=True)

    assert not SavedSearch.objects.exists()
    assert "“Magazijn” is deleted." in messages_of(response)


@pytest.mark.parametrize("url", [update_url, delete_url])
def test_someone_elses_saved_search_is_not_found(logged_in, url):
    row = saved(UserFactory(), query="sector=H", name="Van iemand anders")

    response = logged_in.post(url(row), {"name": "Van mij", "frequency": "weekly"})

    assert response.status_code == 404
    row.refresh_from_db()
    assert (row.name, row.frequency) == ("Van iemand anders", "daily")


@pytest.mark.parametrize("code", ["onbekend", "x" * 500, "%00", "1"])
def test_unknown_or_forged_codes_are_not_found(logged_in, member, code):
    saved(member, query="sector=H")

    assert logged_in.post(f"/saved-searches/{code}/delete/").status_code == 404
    assert SavedSearch.objects.count() == 1


@pytest.mark.parametrize("url", [update_url, delete_url])
def test_changing_is_post_only_and_for_logged_in_users(client, member, url):
    row = saved(member, query="sector=H")
    client.force_login(member)
    assert client.get(url(row)).status_code == 405

    client.logout()
    response = client.post(url(row), {"name": "Anders", "frequency": "weekly"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    row.refresh_from_db()
    assert row.name != "Anders"


def test_the_admin_shows_saved_searches_read_only(client, member):
    saved(member, query="sector=H", name="Magazijn")
    log_in_as(client, StaffFactory(is_superuser=True))
    row = SavedSearch.objects.get()

    listing = client.get("/en/admin/vacancies/savedsearch/").content.decode()
    detail = client.get(f"/en/admin/vacancies/savedsearch/{row.pk}/change/").content.decode()

    assert "Magazijn" in listing
    assert "/vacancies/?sector=H" in detail
    assert 'name="_save"' not in detail
    assert client.get("/en/admin/vacancies/savedsearch/add/").status_code == 403


# --- The digest -----------------------------------------------------------------------------


@pytest.fixture
def now():
    return timezone.now()


def outbox():
    return list(Notification.objects.filter(kind="saved_search").order_by("pk"))


def run(frequency="daily", *, at):
    return saved_searches.send_saved_search_digests(frequency, now=at)


def test_the_digest_lists_only_results_new_since_the_last_one(member, now):
    row = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    listed_vacancy(title="Oude heftruckvacature", sector="H", published_at=now - timedelta(days=2))
    listed_vacancy(title="Nieuwe magazijnier", sector="H", published_at=now - timedelta(hours=20))
    listed_vacancy(title="Nieuwe chauffeur", sector="H", published_at=now - timedelta(hours=2))
    listed_vacancy(title="Nieuwe kok", sector="I", published_at=now - timedelta(hours=2))
    listed_vacancy(title="Ontwerp", sector="H", status="draft", published_at=None)

    assert run(at=now) == 1

    [email] = outbox()
    assert email.recipient == member
    assert email.status == NotificationStatus.PENDING
    assert "Nieuwe magazijnier" in email.body and "Nieuwe chauffeur" in email.body
    for other in ["Oude heftruckvacature", "Nieuwe kok", "Ontwerp"]:
        assert other not in email.body and other not in email.html
    assert email.key == (f"saved_search:{row.pk}:daily:{row.last_sent_at:%Y%m%dT%H%M%S%f}")
    row.refresh_from_db()
    assert row.last_sent_at == now - saved_searches.SETTLE


def test_a_second_run_sends_nothing_and_the_next_one_only_what_came_since(member, now):
    row = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    listed_vacancy(title="Eerste magazijnier", sector="H", published_at=now - timedelta(hours=3))
    run(at=now)

    assert run(at=now) == 0
    assert run(at=now + timedelta(hours=1)) == 0  # not due again within the day

    tomorrow = now + timedelta(days=1)
    assert run(at=tomorrow) == 0  # due, but nothing is new: no email
    row.refresh_from_db()
    assert row.last_sent_at == tomorrow - saved_searches.SETTLE

    listed_vacancy(title="Tweede magazijnier", sector="H", published_at=tomorrow)
    assert run(at=tomorrow + timedelta(days=1)) == 1
    first, second = outbox()
    assert "Tweede magazijnier" in second.body
    assert "Eerste magazijnier" not in second.body


def test_a_publication_in_the_last_minutes_before_a_run_is_in_the_next_one(member, now):
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    listed_vacancy(title="Net gepubliceerd", sector="H", published_at=now - timedelta(minutes=1))

    assert run(at=now) == 0
    assert run(at=now + timedelta(days=1)) == 1
    assert "Net gepubliceerd" in outbox()[0].body


def test_each_frequency_has_its_own_run_and_rhythm(member, now):
    daily = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    weekly = saved(
        member, query="sector=C", frequency="weekly", last_sent_at=now - timedelta(days=1)
    )
    saved(member, query="sector=I", frequency="off", last_sent_at=now - timedelta(days=30))
    for code in ["H", "C", "I"]:
        listed_vacancy(sector=code, published_at=now - timedelta(hours=5))

    assert run("daily", at=now) == 1
    # A weekly search one day after its last email is not due yet; a week later it is.
    assert run("weekly", at=now) == 0
    assert run("weekly", at=now + timedelta(days=6)) == 1

    assert [email.key.split(":")[1] for email in outbox()] == [str(daily.pk), str(weekly.pk)]


def test_a_search_saved_in_the_evening_comes_the_next_morning_with_what_is_new(member, now):
    evening = now - timedelta(hours=11)
    row = saved(member, query="sector=H", last_sent_at=evening)
    listed_vacancy(title="Nachtploeg", sector="H", published_at=now - timedelta(hours=10))

    assert run(at=now - timedelta(hours=1)) == 0  # ten hours after saving: not yet
    assert run(at=now + timedelta(hours=2)) == 1
    row.refresh_from_db()
    assert "Nachtploeg" in outbox()[0].body


def test_the_digest_lists_what_the_page_lists(client, member, now):
    """A directory search with a service, a recognition and a distance: the email's results are
    the page's results (all created after the mark here), in the page's order."""
    query = "km=25&postcode=3700&recognition=maatwerkbedrijf&service=groenonderhoud"
    saved(member, target="directory", query=query, last_sent_at=now - timedelta(days=1))
    for name, code, services, recognitions in [
        ("Groen Tongeren", "3700", ["groenonderhoud"], ["maatwerkbedrijf"]),
        ("Groen Bilzen", "3740", ["groenonderhoud", "catering"], ["maatwerkbedrijf"]),
        ("Groen Leuven", "3000", ["groenonderhoud"], ["maatwerkbedrijf"]),
        ("Keuken Tongeren", "3700", ["catering"], ["maatwerkbedrijf"]),
        ("Groen zonder erkenning", "3700", ["groenonderhoud"], []),
    ]:
        listed_organisation(name=name, code=code, services=services, recognitions=recognitions)

    page = client.get(PAGES["directory"] + "?" + query)
    run(at=now + timedelta(minutes=10))

    expected = [organisation.name for organisation in page.context["organisations"]]
    assert expected == ["Groen Tongeren", "Groen Bilzen"]
    [email] = outbox()
    listed = re.findall(r"^- (.+)$", email.body, re.M)
    assert listed == expected


def test_a_search_of_verified_organisations_counts_from_their_verification(member, now):
    saved(member, target="directory", query="verified=1", last_sent_at=now - timedelta(days=1))
    listed_organisation(name="Lang gekend, net geverifieerd", verified_at=now - timedelta(hours=3))
    listed_organisation(name="Nieuw, niet geverifieerd")
    old = listed_organisation(name="Lang geverifieerd", verified_at=now - timedelta(days=9))
    type(old).objects.filter(pk=old.pk).update(created_at=now - timedelta(days=10))

    run(at=now + timedelta(minutes=10))

    [email] = outbox()
    assert re.findall(r"^- (.+)$", email.body, re.M) == ["Lang gekend, net geverifieerd"]


def test_the_service_request_digest_links_each_request(member, now):
    saved(
        member,
        target="requests",
        query="service=groenonderhoud",
        last_sent_at=now - timedelta(days=1),
    )
    request_ = listed_service_request(
        title="Maaien rond de loodsen",
        category="groenonderhoud",
        published_at=now - timedelta(hours=4),
    )

    run(at=now)

    [email] = outbox()
    detail = reverse("vacancies:request_detail", kwargs={"code": request_.code})
    assert f"{settings.SITE_URL}{detail}" in email.body
    assert "Maaien rond de loodsen" in email.html


def test_every_link_in_the_email_is_absolute(member, now):
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    vacancy = listed_vacancy(sector="H", published_at=now - timedelta(hours=1))

    run(at=now + timedelta(minutes=10))

    [email] = outbox()
    hrefs = re.findall(r'href="([^"]+)"', email.html)
    assert hrefs
    assert all(href.startswith(settings.SITE_URL + "/") for href in hrefs)
    for url in re.findall(r"https?://\S+", email.body):
        assert url.startswith(settings.SITE_URL + "/")
    detail = reverse("vacancies:vacancy_detail", kwargs={"code": vacancy.code})
    assert f"{settings.SITE_URL}{detail}" in email.body
    assert f"{settings.SITE_URL}/vacancies/?sector=H" in email.body
    assert f"{settings.SITE_URL}{LIST_URL}" in email.body
    assert "/notifications/unsubscribe/" in email.body


def test_the_email_is_in_the_recipients_language(member, now):
    member.language = "fr"
    member.save()
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    vacancy = listed_vacancy(sector="H", published_at=now - timedelta(hours=1))

    run(at=now + timedelta(minutes=10))

    [email] = outbox()
    assert email.language == "fr"
    # The search described with the French names of what it filters on, French links.
    assert Sector.objects.get(code="H").name_fr in email.body
    with translation.override("fr"):
        detail = reverse("vacancies:vacancy_detail", kwargs={"code": vacancy.code})
    assert detail.startswith("/fr/")
    assert f"{settings.SITE_URL}{detail}" in email.body
    assert f"{settings.SITE_URL}/fr{LIST_URL}" in email.body


def test_a_user_who_switched_saved_search_emails_off_gets_nothing(member, now):
    row = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    NotificationPreference.objects.create(user=member, kind="saved_search", frequency="off")
    listed_vacancy(sector="H", published_at=now - timedelta(hours=1))

    assert run(at=now + timedelta(minutes=10)) == 0

    assert not Notification.objects.exists()
    # Nothing piles up for the day they switch it on again.
    row.refresh_from_db()
    assert row.last_sent_at == now + timedelta(minutes=5)


def test_a_user_who_chose_a_digest_gets_it_bundled(member, now):
    member.language = "en"
    member.save()
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    NotificationPreference.objects.create(user=member, kind="saved_search", frequency="weekly")
    listed_vacancy(sector="H", published_at=now - timedelta(hours=1))

    run(at=now + timedelta(minutes=10))

    [email] = outbox()
    assert email.status == NotificationStatus.HELD
    assert email.context["summary"].startswith("1 new result for")


def test_an_inactive_users_searches_are_not_run(member, now):
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    listed_vacancy(sector="H", published_at=now - timedelta(hours=1))
    member.is_active = False
    member.save()

    assert run(at=now + timedelta(minutes=10)) == 0
    assert not Notification.objects.exists()


def test_an_email_lists_twenty_and_links_to_the_rest(member, now):
    member.language = "en"
    member.save()
    saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    for number in range(23):
        listed_vacancy(
            title=f"Vacature {number:02d}", sector="H", published_at=now - timedelta(hours=1)
        )

    run(at=now + timedelta(minutes=10))

    [email] = outbox()
    assert len(re.findall(r"^- Vacature", email.body, re.M)) == 20
    assert "23 new results" in email.subject
    assert "And 3 more:" in email.body
    assert "And 3 more: see them all" in email.html


def test_the_digest_run_does_not_grow_with_the_number_of_results(member, now):
    few = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    many = saved(member, query="sector=C", last_sent_at=now - timedelta(days=1))
    for _ in range(2):
        listed_vacancy(sector="H", published_at=now - timedelta(hours=1))
    for _ in range(30):
        listed_vacancy(sector="C", published_at=now - timedelta(hours=1))
    [few, many] = saved_searches.due("daily", now + timedelta(minutes=10))
    cutoff = now + timedelta(minutes=5)
    reference_rows_in_memory()

    with CaptureQueriesContext(connection) as for_few:
        assert saved_searches.send_digest(few, cutoff=cutoff) == 1
    with CaptureQueriesContext(connection) as for_many:
        assert saved_searches.send_digest(many, cutoff=cutoff) == 1

    assert len(for_few.captured_queries) == len(for_many.captured_queries)


def test_the_email_goes_out_through_the_outbox_with_a_one_click_unsubscribe(member, now, committed):
    member.language = "en"
    member.save()
    saved(member, query="sector=H", name="Magazijnwerk", last_sent_at=now - timedelta(days=1))
    listed_vacancy(title="Orderpicker", sector="H", published_at=now - timedelta(hours=1))

    committed(run, at=now + timedelta(minutes=10))

    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "1 new result for your search “Magazijnwerk”"
    assert "Orderpicker" in message.body
    assert "Orderpicker" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_beat_tasks_run_the_digests(member, settings):
    saved(member, query="sector=H", last_sent_at=timezone.now() - timedelta(days=1))
    listed_vacancy(sector="H", published_at=timezone.now() - timedelta(hours=1))

    assert tasks.send_weekly_saved_searches.delay().get() == 0
    assert tasks.send_daily_saved_searches.delay().get() == 1
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "vacancies.tasks.send_daily_saved_searches" in schedule
    assert "vacancies.tasks.send_weekly_saved_searches" in schedule


def test_a_search_saved_with_a_facet_option_that_is_gone_runs_without_it(member, now):
    """As on the page: a value that no longer exists is left out (the search widens)."""
    row = saved(member, query="sector=H", last_sent_at=now - timedelta(days=1))
    SavedSearch.objects.filter(pk=row.pk).update(query="sector=H&region=verdwenen-regio")
    listed_vacancy(title="Magazijnier", sector="H", published_at=now - timedelta(hours=1))

    assert run(at=now + timedelta(minutes=10)) == 1
    assert "Magazijnier" in outbox()[0].body
