"""Applying for a voucher, redeeming one, the email preferences and the unsubscribe link, fed
with hostile input: a clear error or the expected result, nothing stored from bad input."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from portal import notifications
from portal.models import NotificationPreference
from vouchers.models import Voucher

from .strategies import dates, encode, form, hostile, numbers, random_text

pytestmark = pytest.mark.django_db

FORM = (200, 302)

APPLY_VALUES = st.one_of(hostile, dates, numbers, st.sampled_from(["on", "1", "0", "-1"]))


@given(data=st.data(), q=st.one_of(st.just(""), hostile))
@example(data=None, q="groen\x00")
def test_apply_for_a_voucher(fuzz, world, data, q):
    valid = {
        "provider": str(world.enterprise.pk),
        "category": str(world.category.pk),
        "intended_use": "Groenonderhoud rond ons bedrijfsgebouw uitproberen.",
        "expected_date": str(timezone.localdate() + timedelta(days=30)),
        "accept_terms": "on",
    }
    pairs = (
        [*valid.items(), ("provider", "1\x00"), ("expected_date", "9999-12-31")]
        if data is None
        else data.draw(form(valid, values=APPLY_VALUES), label="pairs")
    )
    client = world.clients.employer
    path = reverse("vouchers:apply", kwargs={"slug": world.programme.slug})
    if q:
        path += "?" + encode([("q", q)])
    with fuzz.example():
        before = Voucher.objects.count()
        response = fuzz.post(client, path, [*pairs, ("q", q)], allowed=FORM)
        if response.status_code == 302:
            assert Voucher.objects.count() == before + 1
            fuzz.follow(client, response, pairs)
        else:
            assert Voucher.objects.count() == before


REDEEM_VALUES = st.one_of(
    hostile,
    dates,
    numbers,
    st.sampled_from(["500", "500.00", "500.01", "0.01", "0.001", "1e3", "-0", "12345678901"]),
)


@given(data=st.data())
@example(data=None)
@example(data="３７００")
def test_redeem_a_voucher(fuzz, world, data):
    voucher = world.voucher
    valid = {
        "delivered_on": str(timezone.localdate()),
        "invoice_number": "F2025-0042",
        "invoice_amount": "420.00",
    }
    if data is None:
        pairs = [
            ("delivered_on", "9999-12-31"),
            ("invoice_number", "F\x00"),
            ("invoice_amount", "NaN"),
        ]
    elif isinstance(data, str):
        # An invoice larger than the voucher, in full-width digits (Decimal reads them).
        pairs = [*valid.items(), ("invoice_amount", data)]
    else:
        pairs = data.draw(form(valid, values=REDEEM_VALUES), label="pairs")
    client = world.clients.provider
    path = reverse("vouchers:redeem", kwargs={"code": voucher.code})
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        voucher.refresh_from_db()
        if response.status_code == 302:
            assert voucher.status == "redeemed"
            # The voucher pays at most its value, whatever the invoice says.
            assert 0 < voucher.amount <= voucher.programme.voucher_value
            fuzz.follow(client, response, pairs)
        else:
            assert voucher.status == "approved"
        # The code search on the provider's page, with the same input.
        fuzz.get(
            client,
            reverse("vouchers:to_redeem"),
            [("code", value) for _name, value in pairs],
            allowed=(200, 302, 400),
        )


FREQUENCY_VALUES = st.one_of(
    hostile, st.sampled_from(["immediate", "daily", "weekly", "off", "IMMEDIATE"])
)


@given(data=st.data())
def test_notification_preferences(fuzz, world, data):
    kinds = list(notifications.configurable_kinds())
    valid = dict.fromkeys(kinds, "daily")
    pairs = data.draw(form(valid, values=FREQUENCY_VALUES), label="pairs")
    client = world.clients.employer
    with fuzz.example():
        response = fuzz.post(client, reverse("notification_preferences"), pairs, allowed=FORM)
        stored = NotificationPreference.objects.filter(user=world.employer)
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)
            assert stored.count() == len(kinds)
        else:
            assert not stored.exists()


@given(
    token=st.one_of(hostile, random_text, st.just("VALID")),
    method=st.sampled_from(["GET", "POST"]),
)
@example(token="\x00", method="POST")
@example(token=":" * 300, method="GET")
def test_unsubscribe_token(fuzz, world, token, method):
    kind = next(iter(notifications.configurable_kinds()))
    if token == "VALID":
        token = notifications.unsubscribe_token(world.employer, kind)
    raw = token if isinstance(token, bytes) else token.encode("utf-8", "surrogatepass")
    path = reverse("notification_unsubscribe", kwargs={"token": "T"}).replace(
        "/T/", f"/{quote(raw, safe='')}/"
    )
    client = world.clients.anonymous
    with fuzz.example():
        response = client.get(path) if method == "GET" else client.post(path)
        fuzz.check(response, [("token", token)], allowed=(200, 404))
        changed = NotificationPreference.objects.filter(user=world.employer, frequency="off")
        if response.status_code == 404 or method == "GET":
            assert not changed.exists()
