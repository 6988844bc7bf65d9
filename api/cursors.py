"""Cursor pagination over a list's own sort orders (keyset pagination).

A list endpoint sorts exactly as its page does (the FilterSet's order in effect, which always
ends in the primary key, so no two rows tie). A page is the first `per_page` rows after the
cursor in that order; the cursor holds the sort keys of the row it follows (or precedes, going
back), so a row written or removed elsewhere in the list moves no other row from one page to
the next, and page 1000 costs what page 1 does where an index serves the order.

Each key of the order is annotated on the rows (`cursor_0`, `cursor_1`, ...) and the rows after
the cursor are those whose keys come later lexicographically: (k0 after v0) or (k0 = v0 and k1
after v1) or ... A key ordered with nulls last (a relevance of a row never indexed) treats NULL
as coming after every value. Floats (a relevance, a distance) are read and compared in double
precision, the very value the database computed for the cursor's row, which JSON carries exactly.

A browsed list (no text query) has every result's primary key in order at hand already, in the
cache the page keeps (portal/facets.py FacetedSearch.browsing()): its pages are slices of that
order, and its cursor holds the row it follows (positions_page()), so no page sorts the whole
list again.

The cursor is signed (django.core.signing, its own salt) and names the order it was made for:
a cursor that was tampered with, or given with another `sort` than it was made for, is a 400
problem, not a query that compares a date with a string.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core import signing
from django.db.models import F, FloatField, Q
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.utils.urls import remove_query_param, replace_query_param

SALT = "api.cursors"
# Without a timestamp (signing.dumps has one): the same page has the same links, so its body and
# ETag stay the same until the data change.
SIGNER = signing.Signer(salt=SALT)
PARAMETER = "cursor"
PAGE_SIZE_PARAMETER = "per_page"


@dataclass(frozen=True)
class Key:
    expression: object
    descending: bool
    nulls_last: bool


def keys(ordering, model):
    """The Keys of order_by() arguments `ordering` ("-created_at", Lower("name"), F(...).desc())."""
    found = []
    for term in ordering:
        if isinstance(term, str):
            name = term.removeprefix("-")
            name = model._meta.pk.name if name == "pk" else name
            found.append(Key(F(name), term.startswith("-"), False))
        elif isinstance(term, OrderBy):
            found.append(Key(term.expression, term.descending, bool(term.nulls_last)))
        else:
            found.append(Key(term, False, False))
    return found


def _encode(value):
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, Decimal):
        return ["dec", str(value)]
    return value


def _decode(value):
    if isinstance(value, list) and len(value) == 2:
        kind, text = value
        parsed = {"dt": parse_datetime, "d": parse_date, "dec": Decimal}[kind](text)
        if parsed is None:
            raise ValueError(text)
        return parsed
    return value


def _after(name, key, value, backwards):
    """The rows whose key `name` comes after `value` (before it, going backwards)."""
    later = key.descending != backwards  # descending: later rows have smaller values
    if value is None:
        # NULL comes last where a key sorts nulls last: nothing after it, everything before.
        if key.nulls_last and backwards:
            return Q(**{f"{name}__isnull": False})
        return Q(pk__in=[])
    condition = Q(**{f"{name}__{'lt' if later else 'gt'}": value})
    if key.nulls_last and not backwards:
        condition |= Q(**{f"{name}__isnull": True})
    return condition


def _equal(name, value):
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


@dataclass
class Page:
    rows: list
    next: str | None
    previous: str | None


class CursorPaginator:
    """Pages of a queryset in the order `ordering`, named `order` in the cursors."""

    def __init__(self, request, *, default_size, max_size):
        self.request = request
        asked = request.query_params.get(PAGE_SIZE_PARAMETER)
        self.size = self._size(asked, default_size, max_size)

    @staticmethod
    def _size(value, default, maximum):
        if value in (None, ""):
            return default
        try:
            # int() rather than isdigit(): "²³" is digits that int() refuses.
            size = int(value) if len(value) <= 6 else 0
        except ValueError:
            size = 0
        if not 1 <= size <= maximum:
            raise exceptions.ValidationError(
                {
                    PAGE_SIZE_PARAMETER: [
                        gettext("Enter a whole number from 1 to %(maximum)s.")
                        % {"maximum": maximum}
                    ]
                }
            )
        return size

    def _cursor(self, order, count):
        """(values, backwards) of the cursor given, or None for the first page; `count`: the
        number of keys the order has."""
        token = self.request.query_params.get(PARAMETER)
        if not token:
            return None
        try:
            payload = SIGNER.unsign_object(token)
            if payload["o"] != order or len(payload["k"]) != count:
                raise ValueError(payload["o"])
            return [_decode(value) for value in payload["k"]], bool(payload["b"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise exceptions.ValidationError(
                {
                    PARAMETER: [
                        gettext(
                            "This cursor is not valid for this list and order: follow the "
                            "next and previous links as given."
                        )
                    ]
                }
            ) from None

    def _position_cursor(self, order):
        """(primary key, backwards) of the row cursor given (positions_page()), or None for the
        first page."""
        token = self.request.query_params.get(PARAMETER)
        if not token:
            return None
        try:
            payload = SIGNER.unsign_object(token)
            if payload["o"] != order or not isinstance(payload["r"], int | str):
                raise ValueError(payload["o"])
            return payload["r"], bool(payload["b"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise exceptions.ValidationError(
                {
                    PARAMETER: [
                        gettext(
                            "This cursor is not valid for this list and order: follow the "
                            "next and previous links as given."
                        )
                    ]
                }
            ) from None

    def _position_link(self, order, pk, backwards):
        token = SIGNER.sign_object({"o": order, "r": pk, "b": backwards}, compress=True)
        return replace_query_param(self.request.build_absolute_uri(), PARAMETER, token)

    def positions_page(self, ordered, *, order):
        """(primary keys of the page in order, next link, previous link) of a list whose every
        primary key is at hand in order (`ordered`: a browse's, from the cache): no query.

        The cursor holds only the row it follows (or precedes, going back): the page goes on
        from wherever that row is in the order as it is now, so a cursor stays valid when the
        order changed since (a new data version, another day: another cached order), as a
        keyset page goes on from its row's keys, and the same page has the same links. Finding
        the row is a scan of the order in C (under a millisecond for 50,000 rows). A row no
        longer in the list is a 400 problem: start again from the first page."""
        cursor = self._position_cursor(order)
        backwards = False
        if cursor is None:
            start = 0
        else:
            pk, backwards = cursor
            here = _locate(ordered, pk)
            start = max(0, here - self.size) if backwards else here + 1
        end = here if backwards else start + self.size
        ids = list(ordered[start:end])
        if cursor is not None and not ids:
            # Past the end (or before the start): the way back is the first page.
            first_page = remove_query_param(self.request.build_absolute_uri(), PARAMETER)
            return ([], first_page, None) if backwards else ([], None, first_page)
        last = start + len(ids) - 1
        next_link = self._position_link(order, ids[-1], False) if last + 1 < len(ordered) else None
        previous_link = self._position_link(order, ids[0], True) if start > 0 else None
        return ids, next_link, previous_link

    def _link(self, order, values, backwards):
        token = SIGNER.sign_object(
            {"o": order, "k": [_encode(value) for value in values], "b": backwards},
            compress=True,
        )
        return replace_query_param(self.request.build_absolute_uri(), PARAMETER, token)

    def keys_page(self, queryset, ordering, *, order):
        """(primary keys of the page in order, next link, previous link): one query.

        `queryset` must not be sliced; `ordering` are its order_by() arguments, the last of
        which makes every row's place unique (the primary key)."""
        found = keys(ordering, queryset.model)
        names = [f"cursor_{index}" for index in range(len(found))]
        annotated = queryset.annotate(
            **{name: key.expression for name, key in zip(names, found, strict=True)}
        )
        # A float key is read and compared in double precision: PostgreSQL's ts_rank is a
        # real, whose value read back as text would not compare equal to itself.
        floats = {
            name
            for name in names
            if annotated.query.annotations[name].output_field.get_internal_type() == "FloatField"
        }
        queryset = queryset.annotate(
            **{
                name: Cast(key.expression, FloatField()) if name in floats else key.expression
                for name, key in zip(names, found, strict=True)
            }
        )
        cursor = self._cursor(order, len(found))
        backwards = False
        if cursor is not None:
            values, backwards = cursor
            condition = Q(pk__in=[])
            for index, (name, key) in enumerate(zip(names, found, strict=True)):
                step = _after(name, key, values[index], backwards)
                for earlier, value in zip(names[:index], values[:index], strict=True):
                    step &= _equal(earlier, value)
                condition |= step
            queryset = queryset.filter(condition)
        terms = [
            OrderBy(
                F(name),
                descending=key.descending != backwards,
                # Nulls last going forwards are nulls first going back.
                nulls_last=True if key.nulls_last and not backwards else None,
                nulls_first=True if key.nulls_last and backwards else None,
            )
            for name, key in zip(names, found, strict=True)
        ]
        rows = list(queryset.order_by(*terms).values_list("pk", *names)[: self.size + 1])
        more = len(rows) > self.size
        rows = rows[: self.size]
        if backwards:
            rows.reverse()
        ids = [row[0] for row in rows]
        first, last = (rows[0][1:], rows[-1][1:]) if rows else (None, None)
        if backwards:
            next_link = self._link(order, last, False) if rows else None
            previous_link = self._link(order, first, True) if more else None
        else:
            next_link = self._link(order, last, False) if more else None
            previous_link = self._link(order, first, True) if cursor is not None and rows else None
        if cursor is not None and not rows:
            # Past the end (or before the start): the way back is the first page.
            first_page = remove_query_param(self.request.build_absolute_uri(), PARAMETER)
            next_link, previous_link = (None, first_page) if not backwards else (first_page, None)
        return ids, next_link, previous_link


def _locate(ordered, pk):
    """Where the row `pk` is in `ordered` (a 400 problem when it is not there any more)."""
    try:
        return ordered.index(pk)
    except (ValueError, TypeError, OverflowError):
        raise exceptions.ValidationError(
            {
                PARAMETER: [
                    gettext(
                        "The list changed since this cursor was made: start again from the "
                        "first page."
                    )
                ]
            }
        ) from None


def parameters(*, default_size, max_size):
    """The pagination parameters, for the schema."""
    return [
        OpenApiParameter(
            PARAMETER,
            OpenApiTypes.STR,
            description="Where the page starts: take it from the next or previous link.",
        ),
        OpenApiParameter(
            PAGE_SIZE_PARAMETER,
            OpenApiTypes.INT,
            description=f"Results per page, 1 to {max_size} (default {default_size}).",
        ),
    ]


_pages = {}


def page_of(serializer_class):
    """The serializer of a page of `serializer_class` rows, for the schema:
    {"next": url|null, "previous": url|null, "results": [...]}."""
    name = serializer_class.__name__.removesuffix("Serializer")
    if name not in _pages:
        _pages[name] = type(
            f"{name}PageSerializer",
            (serializers.Serializer,),
            {
                "__module__": __name__,
                # api/privacy.py classifies the envelope once, as "Page.<field>".
                "privacy_name": "Page",
                "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
                "previous": serializers.URLField(
                    allow_null=True, help_text="The previous page, if any."
                ),
                "results": serializer_class(many=True),
            },
        )
    return _pages[name]
