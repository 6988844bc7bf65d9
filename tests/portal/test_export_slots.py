"""How many large CSV downloads build at once (portal/csvexport.py, issue 20): a download
takes one of settings.EXPORT_CONCURRENCY slots in the shared cache, waits a few seconds for one
when all are taken and then gets a page that says so, gives it back when its response is closed,
and is not refused when Redis is down."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal import csvexport

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"
LISTS = [
    "/en" + reverse("companies:directory"),
    "/en" + reverse("vacancies:vacancy_list"),
    "/en" + reverse("vacancies:request_list"),
]


@pytest.fixture
def one_slot(settings, reference_data):
    settings.EXPORT_CONCURRENCY = 1
    settings.EXPORT_WAIT_SECONDS = 0
    settings.EXPORT_SMALL_ROWS = 0  # every list here is small
    cache.clear()
    yield
    cache.clear()


def download(client, url, **params):
    return client.get(url, {"format": "csv", **params})


@pytest.mark.parametrize("url", LISTS)
def test_a_second_download_while_the_slot_is_held_gets_a_busy_page(client, one_slot, url):
    first = download(client, url)
    assert first.status_code == 200  # streaming, not yet read: the slot is held

    second = download(client, url, kind="social")

    assert second.status_code == 503
    assert second["Retry-After"] == str(csvexport.RETRY_AFTER)
    html = second.content.decode()
    assert "Downloads are busy" in html
    # The way back is the same search as a page, without the CSV.
    assert f'href="{url}?kind=social"' in html
    first.close()


def test_the_slot_comes_free_when_the_file_is_read(client, one_slot):
    url = LISTS[0]
    first = download(client, url)
    b"".join(first.streaming_content)  # the test client closes the response after the last line

    assert download(client, url).status_code == 200


def test_the_slot_comes_free_when_the_download_is_broken_off(client, one_slot):
    url = LISTS[1]
    first = download(client, url)
    first.close()  # what the server does when the client goes away

    assert download(client, url).status_code == 200


def test_a_download_waits_for_a_slot_that_comes_free(client, one_slot, settings, monkeypatch):
    settings.EXPORT_WAIT_SECONDS = 5
    url = LISTS[0]
    first = download(client, url)
    waited = []

    def sleep(seconds):
        # While the second waits, the first download ends.
        waited.append(seconds)
        first.close()

    monkeypatch.setattr(csvexport, "sleep", sleep)

    assert download(client, url).status_code == 200
    assert waited == [csvexport.SLOT_POLL]


def test_a_crashed_process_frees_its_slot_when_the_lease_runs_out(client, one_slot):
    url = LISTS[0]
    download(client, url)  # never read nor closed: the process died
    assert download(client, url).status_code == 503

    cache.delete("csvexport:slot:0")  # what the lease's timeout does

    assert download(client, url).status_code == 200


def test_as_many_downloads_at_once_as_the_setting_allows(client, one_slot, settings):
    settings.EXPORT_CONCURRENCY = 2
    url = LISTS[2]
    held = [download(client, url), download(client, url)]

    assert [response.status_code for response in held] == [200, 200]
    assert download(client, url).status_code == 503
    held[0].close()
    assert download(client, url).status_code == 200


def test_with_redis_down_every_download_is_served(client, one_slot, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    url = LISTS[0]
    responses = [download(client, url) for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    text = b"".join(responses[1].streaming_content).decode()
    assert text.startswith(csvexport.BOM)


@pytest.mark.parametrize("url", LISTS)
def test_a_small_download_needs_no_slot(client, one_slot, settings, url):
    first = download(client, url)  # holds the slot
    settings.EXPORT_SMALL_ROWS = 1_000

    assert download(client, url, kind="social").status_code == 200
    first.close()


def test_a_long_download_renews_its_lease(client, one_slot, settings, monkeypatch):
    """A download that streams longer than the lease keeps its slot: the lease is renewed when
    a third of it has passed."""
    from itertools import count

    settings.EXPORT_SLOT_SECONDS = 6
    clock = count(step=1.5)  # each look at the clock 1.5 s later
    monkeypatch.setattr(csvexport, "monotonic", lambda: next(clock))
    renewed = []
    monkeypatch.setattr(csvexport.Slot, "renew", lambda slot: renewed.append(slot.key))
    lines = csvexport._renewing(iter(["a\r\n"] * 4), csvexport.Slot("csvexport:slot:0"))

    assert list(lines) == ["a\r\n"] * 4
    assert renewed == ["csvexport:slot:0"] * 2
