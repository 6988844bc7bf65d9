"""The buying helper (issue 23) fed with hostile input: a purchase typed in, a plan uploaded as a
file of any bytes or any cells, and the helper's and a saved plan's parameters.

Refused input: the page again with its errors (200), nothing kept; accepted input: the purchase
kept in the session and a redirect back (302); a file's bad lines listed with their numbers. Never
a 500, nothing reflected unescaped, CSV without formulas.
"""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from procurement.models import PlanLine, PurchasingPlan
from tests.factories import MembershipFactory, OrganisationFactory, log_in_as, postcode

from .properties import assert_csv
from .strategies import form, hostile, query

pytestmark = pytest.mark.django_db

PATH = "/buying/"
PURCHASE = {
    "action": "add",
    "purchase-subject": "Maaien van de schoolsite",
    "purchase-category": "groenonderhoud",
    "purchase-cpv": "",
    "purchase-postcode": "3700",
    "purchase-amount": "12.500,00",
    "purchase-period": "2027",
}
PURCHASE_VALUES = st.one_of(
    hostile,
    st.sampled_from(
        ["77310000-6", "7731", "79530000-8", "groenonderhoud", "-5", "1e9999", "NaN", "3700"]
    ),
)
CELLS = st.one_of(
    hostile,
    st.sampled_from(["77310000-6", "90911200-8", "groenonderhoud", "3500", "-1", "1.000,5"]),
)


@given(data=st.data())
@example(data="valid")
@example(data=None)
def test_add_a_purchase(fuzz, world, data):
    if data == "valid":
        pairs = list(PURCHASE.items())
    elif data is None:
        pairs = [*PURCHASE.items(), ("purchase-amount", "-1"), ("purchase-cpv", "\x00<xss-probe>")]
    else:
        pairs = data.draw(form(PURCHASE, values=PURCHASE_VALUES), label="pairs")
    client = world.clients.anonymous
    with fuzz.example():
        response = fuzz.post(client, PATH, pairs, allowed=(200, 302, 400))
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)
        assert data != "valid" or response.status_code == 302


def _csv_file(rows, separator):
    header = ["subject", "cpv", "category", "postcode", "amount", "period"]
    text = "\n".join(separator.join(str(cell) for cell in row) for row in [header, *rows])
    return text.encode("utf-8", "surrogatepass")


def _xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["subject", "cpv", "category", "postcode", "amount", "period"])
    for row in rows:
        # A worksheet holds no control characters: what openpyxl refuses stays out of the file.
        sheet.append(["".join(ch for ch in str(cell) if ch.isprintable())[:1000] for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@given(
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6),
    kind=st.sampled_from(["csv;", "csv,", "xlsx", "bytes"]),
    raw=st.binary(max_size=300),
)
@example(rows=[["Maaien", "77310000-6", "", "3700", "1000", "2027"]], kind="csv;", raw=b"")
@example(rows=[], kind="bytes", raw=b"PK\x03\x04\x00\x00")
def test_upload_a_plan(fuzz, world, rows, kind, raw):
    if kind == "bytes":
        content = raw
    elif kind == "xlsx":
        content = _xlsx_file(rows)
    else:
        content = _csv_file(rows, kind[-1])
    client = world.clients.anonymous
    with fuzz.example():
        response = client.post(
            PATH,
            {"action": "upload", "upload-file": SimpleUploadedFile("plan.csv", content)},
        )
        assert response.status_code == 200
        fuzz.check(response, [(None, str(cell)) for row in rows for cell in row], (200,))


@given(pairs=query(["format", "action", "line"]))
@example(pairs=[("format", "csv")])
@example(pairs=[("format", "print")])
def test_the_helper_with_any_parameters(fuzz, world, pairs):
    client = world.clients.anonymous
    client.post(PATH, dict(PURCHASE))
    with fuzz.example():
        response = fuzz.get(client, PATH, pairs, allowed=(200, 400))
        if response["Content-Type"].startswith("text/csv"):
            assert_csv(response)


@given(pairs=query(["format"]), code=st.one_of(hostile, st.just("matrix"), st.just("..")))
def test_a_saved_plan_with_any_parameters(fuzz, world, pairs, code):
    school = OrganisationFactory(kind="school", postcode=postcode("3700"))
    member = MembershipFactory(organisation=school).user
    plan = PurchasingPlan.objects.create(organisation=school, title="<xss-probe> plan")
    PlanLine.objects.create(
        plan=plan,
        position=1,
        subject="=1+1 maaien",
        category=world.category,
        postcode=postcode("3700"),
    )
    client = log_in_as(Client(), member)
    path = reverse("procurement:plan_detail", kwargs={"code": plan.code})
    with fuzz.example():
        response = fuzz.get(client, path, pairs, allowed=(200, 400))
        if response["Content-Type"].startswith("text/csv"):
            assert_csv(response)
        # Any other code: not found (or refused as a path), never a 500 nor another's plan.
        other = quote(str(code)[:80].encode("utf-8", "surrogatepass"), safe="")
        assert client.get(f"/buying/plans/{other}/").status_code in (404, 400)
