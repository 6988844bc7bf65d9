"""The pages' searches, run for the API: one implementation of the search contract, not two.

A list endpoint builds the very FilterSet its page builds (companies.filters.DirectoryFilter,
vacancies.filters.VacancyFilter and ServiceRequestFilter, events.filters.EventFilter), on the
page's base queryset, with the request's parameters. Where the page reports a bad parameter
and searches without it, the API answers 400 with the form's own messages (api/problems.py).
The rows are those the page counts, in the order the page shows them: the FilterSet's order in
effect, ranked as its paginate() ranks (relevance with the page's social-first rule, distance
from the place), then cut into pages by api/cursors.py.

`parameters(filterset_class)` documents the FilterSet's parameters in the schema from its
filters, so the documentation cannot drift from what the pages accept.
"""

import hashlib
import json

import django_filters
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from portal import geography
from portal.facets import CheckboxFilter, PlaceFilter, WholeNumberFilter

from . import cursors

# What the page reads itself or the API adds: not search parameters, so not part of the
# cursor's search either.
NOT_SEARCH = {"page", "per_page", "format", "group", cursors.PARAMETER, "lang"}


def checked(search):
    """`search`, once its form is valid; else a 400 with the form's messages, per parameter."""
    if search.is_bound and not search.form.is_valid():
        raise exceptions.ValidationError(form_errors(search.form))
    return search


def order_name(request, order):
    """The order in effect together with the search's parameters, as a cursor names it: a
    cursor is valid only for the search and order it was made in."""
    params = sorted(
        (name, value)
        for name, values in request.query_params.lists()
        if name not in NOT_SEARCH
        for value in values
    )
    digest = hashlib.sha256(json.dumps(params).encode()).hexdigest()[:16]
    return f"{order}:{digest}"


def faceted_page(request, search, paginator, *, cards):
    """(rows, next, previous) of a faceted search (portal.facets.FacetedSearch): the rows its
    page would count, ranked as its paginate() ranks them, loaded by `cards(queryset)` (what
    the serializer shows). Two queries and the cards' prefetches, whatever the page's length.

    A browse (no text query: search.browsing()) pages through the order the page keeps in the
    cache (FacetedSearch.browsed_ids(), by data version and day), by position in it, rather
    than sorting every result again for each page (api/cursors.py positions_page()); a text
    search, counted afresh by the page too, pages by its sort keys (keys_page())."""
    checked(search)
    if search.browsing():
        ids, next_link, previous_link = paginator.positions_page(
            search.browsed_ids(), order=f"browse:{order_name(request, search.ordering)}"
        )
    else:
        filtered = search.filter_queryset(search.queryset)
        ordered = search.sort_keys(search.queryset.filter(pk__in=filtered.values("pk")))
        ids, next_link, previous_link = paginator.keys_page(
            ordered, list(ordered.query.order_by), order=order_name(request, search.ordering)
        )
    rows = {row.pk: row for row in cards(search.queryset.filter(pk__in=ids))} if ids else {}
    page = [rows[pk] for pk in ids if pk in rows]
    if search.point:
        # The page's few distances, worked out as the database does (as paginate() does).
        for row in page:
            row.distance_km = geography.haversine_km(search.point, row)
    return page, next_link, previous_link


def ordered_page(request, queryset, paginator, *, order, rows=None):
    """(rows, next, previous) of an ordered queryset (the events' FilterSet's qs): the page's
    keys in one query, then its rows from `rows` (a queryset with what the cards show), or
    from `queryset` itself."""
    ids, next_link, previous_link = paginator.keys_page(
        queryset, list(queryset.query.order_by), order=order_name(request, order)
    )
    source = queryset if rows is None else rows
    found = {row.pk: row for row in source.filter(pk__in=ids)} if ids else {}
    return [found[pk] for pk in ids if pk in found], next_link, previous_link


def parameters(filterset_class):
    """The FilterSet's parameters as OpenAPI parameters: name, type, choices, label."""
    found = []
    for name, declared in filterset_class.base_filters.items():
        # The schema is written in English, as the API's names are.
        with translation.override("en"):
            description = str(declared.label or name)
        choices = declared.extra.get("choices")
        values = [str(value) for value, _label in choices] if choices else None
        if isinstance(
            declared,
            django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter,
        ):
            found.append(
                OpenApiParameter(
                    name,
                    {
                        "type": "array",
                        "items": {"type": "string", **({"enum": values} if values else {})},
                    },
                    description=f"{description} (repeat the parameter for several: OR).",
                    explode=True,
                )
            )
        elif isinstance(declared, CheckboxFilter):
            found.append(OpenApiParameter(name, OpenApiTypes.BOOL, description=description))
        elif isinstance(declared, WholeNumberFilter):
            found.append(OpenApiParameter(name, OpenApiTypes.INT, description=description))
        elif isinstance(declared, PlaceFilter):
            found.append(
                OpenApiParameter(
                    name,
                    OpenApiTypes.STR,
                    description=f"{description}: a postcode or a place name.",
                )
            )
        else:
            found.append(
                OpenApiParameter(name, OpenApiTypes.STR, enum=values, description=description)
            )
    return found


def form_errors(form):
    """A form's errors as REST framework's ValidationError detail."""
    return {name: [str(message) for message in errors] for name, errors in form.errors.items()}
