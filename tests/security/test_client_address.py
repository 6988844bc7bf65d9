"""The visitor's address by which the rate limits count, behind a TLS proxy and without one.

Behind a proxy every request arrives from the proxy's address (REMOTE_ADDR); the visitor's own
is the entry the proxy appends to X-Forwarded-For. Counting by the proxy's address made ten
failed logins a minute from anybody lock everybody out. These tests log in through the test
client with the settings that portal/settings.py makes of the environment.
"""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "portal" / "settings.py"
PROXY_VARIABLES = (
    "DJANGO_BEHIND_PROXY",
    "DJANGO_TRUSTED_PROXY_COUNT",
    "DJANGO_TRUSTED_CLIENT_IP_HEADER",
)
CLIENT_ADDRESS_SETTINGS = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")

PROXY = "10.0.0.2"  # the TLS proxy: every request behind it comes from here
ATTACKER = "203.0.113.5"
VISITOR = "198.51.100.7"
TOO_MANY = "Too many failed login attempts"  # allauth's message (English pages: /en/)


def configured(monkeypatch, **env):
    """The client-address settings that portal/settings.py makes of this environment."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    return {name: values.get(name) for name in CLIENT_ADDRESS_SETTINGS}


@pytest.fixture
def deployed(settings, monkeypatch):
    """Apply the client-address settings of an environment to the running portal."""

    def apply(**env):
        values = configured(monkeypatch, **env)
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = values["ALLAUTH_TRUSTED_PROXY_COUNT"] or 0
        settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = values["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"]

    return apply


def log_in(client, email, password, *, remote, forwarded=None, **headers):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    meta.update(
        {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    )
    return client.post("/en/accounts/login/", {"login": email, "password": password}, **meta)


def logged_in(client):
    return "_auth_user_id" in client.session


def fail_ten_logins_from(client, **where):
    """The "10/m/ip" allowance of failed logins, each on another unknown account."""
    for index in range(10):
        response = log_in(client, f"gok{index}@example.be", "fout", **where)
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()


def test_behind_a_proxy_one_visitors_failed_logins_do_not_block_another_visitor(
    client, deployed, user
):
    deployed(DJANGO_BEHIND_PROXY="true")
    fail_ten_logins_from(client, remote=PROXY, forwarded=ATTACKER)

    # The attacker's address is used up...
    blocked = log_in(client, "gok99@example.be", "fout", remote=PROXY, forwarded=ATTACKER)
    assert TOO_MANY in blocked.content.decode()
    # ...and somebody else behind the same proxy logs in.
    response = log_in(client, user.email, PASSWORD, remote=PROXY, forwarded=VISITOR)
    assert response.status_code == 302
    assert logged_in(client)


def test_behind_a_proxy_an_account_stays_locked_whichever_address_tries(client, deployed, user):
    deployed(DJANGO_BEHIND_PROXY="true")
    for index in range(5):  # "5/5m/key": per account, whatever the address
        log_in(client, user.email, "fout", remote=PROXY, forwarded=f"203.0.113.{10 + index}")

    response = log_in(client, user.email, PASSWORD, remote=PROXY, forwarded=VISITOR)

    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    # Another account, from the same address, is not locked.
    other = UserFactory()
    log_in(client, other.email, PASSWORD, remote=PROXY, forwarded=VISITOR)
    assert logged_in(client)


def test_behind_a_proxy_the_entries_a_visitor_forges_do_not_change_the_address(
    client, deployed, user
):
    deployed(DJANGO_BEHIND_PROXY="true")
    # The visitor sends X-Forwarded-For of its own; the proxy appends the address it saw.
    for index in range(10):
        log_in(
            client,
            f"gok{index}@example.be",
            "fout",
            remote=PROXY,
            forwarded=f"192.0.2.{index}, {ATTACKER}",
        )

    response = log_in(
        client, user.email, PASSWORD, remote=PROXY, forwarded=f"192.0.2.99, {ATTACKER}"
    )

    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def test_without_the_proxy_setting_a_forged_forwarded_for_does_not_change_the_address(
    client, deployed, user
):
    deployed()  # no DJANGO_BEHIND_PROXY: the visitor connects straight to the portal
    for index in range(10):
        log_in(
            client, f"gok{index}@example.be", "fout", remote=ATTACKER, forwarded=f"192.0.2.{index}"
        )

    response = log_in(client, user.email, PASSWORD, remote=ATTACKER, forwarded=VISITOR)

    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def test_a_forwarded_for_shorter_than_the_chain_of_proxies_counts_by_the_connecting_address(
    client, deployed, user
):
    # Two proxies are trusted, but this request came by one: allauth would raise
    # ImproperlyConfigured (a 500); the portal counts it by the address that connected.
    deployed(DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_PROXY_COUNT="2")
    fail_ten_logins_from(client, remote=PROXY, forwarded=ATTACKER)

    response = log_in(client, user.email, PASSWORD, remote=PROXY, forwarded=VISITOR)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    # Through both proxies, the visitor is counted by its own address.
    response = log_in(client, user.email, PASSWORD, remote=PROXY, forwarded=f"{VISITOR}, 10.0.0.3")
    assert logged_in(client)


def test_a_trusted_client_ip_header_separates_visitors_behind_the_proxy(client, deployed, user):
    deployed(DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    fail_ten_logins_from(client, remote=PROXY, x_real_ip=ATTACKER)

    response = log_in(client, user.email, PASSWORD, remote=PROXY, x_real_ip=VISITOR)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_request_without_the_trusted_header_counts_by_the_connecting_address(
    client, deployed, user
):
    deployed(DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")

    # allauth refuses such a request (403); it came straight to the portal, not through the proxy.
    response = log_in(client, user.email, PASSWORD, remote=VISITOR)

    assert response.status_code == 302
    assert logged_in(client)


# --- The environment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"ALLAUTH_TRUSTED_PROXY_COUNT": 0, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None}),
        (
            {"DJANGO_BEHIND_PROXY": "true"},
            {"ALLAUTH_TRUSTED_PROXY_COUNT": 1, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None},
        ),
        (
            {"DJANGO_BEHIND_PROXY": "true", "DJANGO_TRUSTED_PROXY_COUNT": "2"},
            {"ALLAUTH_TRUSTED_PROXY_COUNT": 2, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None},
        ),
        (
            {"DJANGO_BEHIND_PROXY": "true", "DJANGO_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            {"ALLAUTH_TRUSTED_PROXY_COUNT": 1, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
        ),
    ],
)
def test_the_proxy_settings_follow_the_environment(monkeypatch, env, expected):
    assert configured(monkeypatch, **env) == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_TRUSTED_PROXY_COUNT", "two", "DJANGO_TRUSTED_PROXY_COUNT must be a whole number"),
        (
            "DJANGO_TRUSTED_PROXY_COUNT",
            "-1",
            "DJANGO_TRUSTED_PROXY_COUNT must be a whole number, 0",
        ),
        ("DJANGO_TRUSTED_CLIENT_IP_HEADER", "X Real IP", "DJANGO_TRUSTED_CLIENT_IP_HEADER must be"),
        ("DJANGO_BEHIND_PROXY", "perhaps", "DJANGO_BEHIND_PROXY must be true or false"),
    ],
)
def test_a_bad_proxy_setting_stops_the_start_naming_the_variable(
    monkeypatch, variable, value, message
):
    with pytest.raises(ImproperlyConfigured, match=message):
        configured(monkeypatch, **{"DJANGO_BEHIND_PROXY": "true", variable: value})
