"""A buyer's spend (issue 23, item 5), fed with hostile input: the upload's year and file (cells
of every kind, broken bytes, workbooks that are no workbooks), and the page's parameters.

Refused input: the form again (200) with its errors, and nothing stored. Accepted input: a
redirect to the page, and the year's lines all there. The page and its CSV answer whatever the
parameters, without a 500 and without formulas.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from procurement.models import SpendLine, SpendYear

from .properties import assert_csv, assert_escaped
from .strategies import enterprise_numbers, hostile, invalid_bytes, numbers, query, random_text

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
HEADER = b"supplier_enterprise_number;amount;category;description"


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def _encodable(value):
    """A file name a browser can send: UTF-8, and a name once its folders are taken off (the
    test's own SimpleUploadedFile refuses "/" or "..", before any request)."""
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return os.path.basename(value) not in {".", ".."} and not value.endswith("/")


cells = st.one_of(hostile, enterprise_numbers, numbers, st.just("0403170701"), st.just("1.234,56"))
files = st.one_of(
    st.lists(st.lists(cells, min_size=1, max_size=5), max_size=6).map(
        lambda rows: b"\n".join(
            [HEADER, *(b";".join(_bytes(cell) for cell in row) for row in rows)]
        )
    ),
    st.binary(max_size=200),
    st.binary(max_size=200).map(lambda data: b"PK\x03\x04" + data),
    invalid_bytes.map(lambda data: HEADER + b"\n0403170701;" + data),
)
years = st.one_of(
    st.just(str(LAST_YEAR)),
    numbers.filter(_encodable),
    random_text.filter(_encodable),
)


@given(year=years, data=files, name=random_text.filter(_encodable))
@example(year=str(LAST_YEAR), data=HEADER + b"\n0403170701;=1+2;;=HYPERLINK()", name="a.csv")
@example(year=str(LAST_YEAR + 1), data=HEADER + b"\n0403170701;1;;", name="a.csv")
@example(year=str(LAST_YEAR), data=b"PK\x03\x04", name="a.xlsx")
def test_the_upload_refuses_what_is_wrong_and_stores_all_or_nothing(world, fuzz, year, data, name):
    client = world.clients.employer
    path = reverse("procurement:spend_upload", kwargs={"slug": world.firm.slug})
    with fuzz.example():
        upload = SimpleUploadedFile(name or "f.csv", data)
        response = client.post(path, {"year": year, "file": upload})
        # 400: Django's multipart parser refused a request it cannot read (a file name with a
        # control character breaks the part's headers), before the view: nothing stored.
        assert response.status_code in (200, 302, 400), response.status_code
        stored = SpendYear.objects.filter(buyer=world.firm)
        if response.status_code == 400:
            assert not stored.exists()
        elif response.status_code == 200:
            assert not stored.exists()
            # Line errors quote the cells: escaped like everything else.
            texts = [year, name, data.decode("utf-8", "replace")]
            assert_escaped(response.content.decode(), texts)
        else:
            (spend_year,) = stored
            assert SpendLine.objects.filter(spend_year=spend_year).exists()


@given(pairs=query(["year", "format"]))
@example(pairs=[("year", "99999999999999999999"), ("format", "csv")])
@example(pairs=[("year", "\x00"), ("format", "csv")])
@example(pairs=[("year", "²⁰²⁵")])  # digits to str.isdigit, not to int()
def test_the_page_and_its_csv_answer_whatever_the_parameters(world, fuzz, pairs):
    path = reverse("procurement:spend", kwargs={"slug": world.firm.slug})
    client = world.clients.employer
    with fuzz.example():
        SpendYear.objects.create(buyer=world.firm, year=LAST_YEAR, uploaded_at=timezone.now())
        response = fuzz.get(client, path, pairs, allowed=(200, 400))
        if response.get("Content-Type", "").startswith("text/csv"):
            assert_csv(response)
