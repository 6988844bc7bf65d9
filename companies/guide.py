"""The buy-social guide: a directory search, every result of it, as CSV or as a brochure.

A province or regie publishes where to buy socially from a directory search; most open the file
in Excel, or print the guide. The file format (byte order mark, semicolons, every cell quoted,
defused formulas, streaming) is portal.csvexport's; this module says which columns an
organisation has. The printed guide (`printed`) holds the results up to PRINT_LIMIT, grouped by
service or by municipality as a brochure is. Both show the contact details a member has not
hidden (Organisation.public_*).
"""

from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import csvexport, maps, phones, reference
from portal.models import Municipality, Postcode, Province, ServiceCategory

from . import enterprise_number, profiles
from .models import OfferedService, Organisation, OrganisationKind, Recognition

# What a line of the file reads of an organisation, as plain values (a model instance per row
# cost more than the rest of the line); the rest of the row (descriptions, the search columns)
# stays in the database, and the search's order is the database's.
FIELDS = (
    "id",
    "name",
    "kind",
    "enterprise_number",
    "street",
    "show_address",
    "postcode_id",
    "municipality_id",
    "province_id",
    "website",
    "show_website",
    "phone",
    "show_phone",
    "email",
    "show_email",
)


def header(*, with_distance):
    columns = [
        _("Name"),
        _("Kind"),
        _("Enterprise number"),
        _("Address"),
        _("Postcode"),
        _("Municipality"),
        _("Province"),
        _("Services"),
        _("Recognitions"),
        _("Website"),
        _("Phone"),
        _("Email"),
        _("Verified"),
    ]
    if with_distance:
        columns.append(_("Distance (km)"))
    return columns


def _names(model, attribute="name"):
    """{pk: name} of a reference table, from the rows each process holds (portal/reference.py)."""
    return {row.pk: getattr(row, attribute) for row in reference.instances(model)}


def labels():
    """The words rows repeat, read and translated once per file: the kinds, "yes" and "no",
    the places (from the reference rows in memory), the service categories and the
    recognitions with their order. (get_kind_display() translated every kind's label on every
    row: 50,000 rows made 350,000 gettext calls, issue 20.)"""
    return {
        "kinds": {kind.value: str(kind.label) for kind in OrganisationKind},
        "yes": _("yes"),
        "no": _("no"),
        "postcodes": _names(Postcode, "code"),
        "municipalities": _names(Municipality),
        "provinces": _names(Province),
        # A profile lists them in the order of the vocabulary: (position, slug).
        "categories": {
            category.pk: ((category.position, category.slug), category.name)
            for category in reference.instances(ServiceCategory)
        },
        "recognitions": {
            recognition.pk: ((recognition.position, recognition.slug), recognition.name)
            for recognition in Recognition.objects.all()
        },
    }


def _in_order(keys, known):
    return [name for _order, name in sorted(known[key] for key in keys)]


def rows(organisations, *, with_distance):
    """The values a line shows of each organisation of the queryset `organisations` (dicts),
    with `service_ids` and `recognition_ids`.

    On PostgreSQL both lists come with the row, each an array of a subquery on an index: the
    whole file is one statement, whatever the number of rows. Elsewhere (SQLite, tests) they
    are read per chunk (`related`).
    """
    fields = [*FIELDS, "distance_km"] if with_distance else FIELDS
    # Whether verified, not when: no date to read per row (Organisation.is_verified).
    is_verified = ExpressionWrapper(Q(verified_at__isnull=False), output_field=BooleanField())
    organisations = organisations.prefetch_related(None)
    if connections[organisations.db].vendor != "postgresql":
        return organisations.values(*fields, is_verified=is_verified)
    return organisations.values(
        *fields,
        is_verified=is_verified,
        service_ids=ArraySubquery(
            OfferedService.objects.filter(organisation=OuterRef("pk"))
            .order_by()
            .values("category_id")
        ),
        recognition_ids=ArraySubquery(
            Organisation.recognitions.through.objects.filter(organisation=OuterRef("pk"))
            .order_by()
            .values("recognition_id")
        ),
    )


def related(chunk):
    """`service_ids` and `recognition_ids` of each row of a chunk, a query for each (without
    PostgreSQL's arrays, `rows`)."""
    if not chunk or "service_ids" in chunk[0]:
        return
    ids = [values["id"] for values in chunk]
    services, recognitions = defaultdict(list), defaultdict(list)
    offered = OfferedService.objects.filter(organisation_id__in=ids).order_by()
    for organisation_id, category_id in offered.values_list("organisation_id", "category_id"):
        services[organisation_id].append(category_id)
    held = Organisation.recognitions.through.objects.filter(organisation_id__in=ids)
    for organisation_id, recognition_id in held.values_list("organisation_id", "recognition_id"):
        recognitions[organisation_id].append(recognition_id)
    for values in chunk:
        values["service_ids"] = services.get(values["id"], [])
        values["recognition_ids"] = recognitions.get(values["id"], [])


def row(values, *, with_distance, words):
    """The cells of one organisation (a dict of `rows`). The contact details are those a
    member has not hidden, as Organisation.public_* give them."""
    categories = words["categories"]
    for key in values["service_ids"]:
        if key not in categories:  # a category added since the file started
            category = ServiceCategory.objects.get(pk=key)
            categories[key] = ((category.position, category.slug), category.name)
    province = values["province_id"]
    cells = [
        values["name"],
        words["kinds"].get(values["kind"], values["kind"]),
        enterprise_number.display(values["enterprise_number"]),
        values["street"] if values["show_address"] else "",
        words["postcodes"][values["postcode_id"]],
        words["municipalities"][values["municipality_id"]],
        words["provinces"][province] if province else "",
        ", ".join(_in_order(values["service_ids"], categories)),
        ", ".join(_in_order(values["recognition_ids"], words["recognitions"])),
        values["website"] if values["show_website"] else "",
        phones.display(values["phone"] if values["show_phone"] else ""),
        values["email"] if values["show_email"] else "",
        words["yes"] if values["is_verified"] else words["no"],
    ]
    if with_distance:
        # In the page's language: a decimal comma in Dutch and French, as Excel there expects.
        cells.append(number_format(values["distance_km"], 1))
    return cells


def lines(organisations, *, with_distance):
    """The CSV file line by line: the byte order mark and header, then one line per organisation.

    `organisations` is the directory's result set (a queryset of Organisation, with
    `distance_km` when searched from a postcode, in the search's order), read in chunks as the
    plain values of `rows`.
    """
    words = {}

    def header_once():
        # Read when the file starts, in the language of the request that streams it.
        words.update(labels())
        return header(with_distance=with_distance)

    return csvexport.lines(
        rows(organisations, with_distance=with_distance),
        header=header_once,
        row=lambda values: row(values, with_distance=with_distance, words=words),
        related=related,
    )


def response(request, organisations, *, with_distance):
    """The download, once an export slot is free (portal/csvexport.py)."""
    return csvexport.limited_response(
        request, lines(organisations, with_distance=with_distance), rows=organisations
    )


# --- The printed guide ----------------------------------------------------------------------

# The most organisations a printed guide holds: about 60 pages of A4. A longer search prints
# the first PRINT_LIMIT and says so.
PRINT_LIMIT = 500


class Grouping:
    SERVICE = "service"
    MUNICIPALITY = "municipality"

    CHOICES = [
        (SERVICE, gettext_lazy("By service")),
        (MUNICIPALITY, gettext_lazy("By municipality")),
    ]
    DEFAULT = SERVICE


def grouping(value):
    """The `group` parameter as (grouping, error): an unknown value falls back to the default,
    with a message that says so."""
    if not value or value in dict(Grouping.CHOICES):
        return value or Grouping.DEFAULT, None
    return Grouping.DEFAULT, _(
        "The guide cannot be grouped that way; it is grouped by service instead."
    )


def _by_service(organisations, chosen):
    """Groups of (service category, entries), in the categories' order; an organisation is in
    the group of each service it offers (only those searched for, when the search names
    services), and those without one come last."""
    groups, others = {}, []
    for organisation in organisations:
        services = [
            service
            for service in organisation.service_list
            if not chosen or service.category_id in chosen
        ]
        if not services:
            others.append({"organisation": organisation, "services": []})
        for service in services:
            groups.setdefault(service.category, []).append(
                {"organisation": organisation, "services": [service]}
            )
    ordered = [
        {"title": category.name, "entries": entries}
        for category, entries in sorted(
            groups.items(), key=lambda item: (item[0].position, item[0].name)
        )
    ]
    if others:
        ordered.append({"title": _("Other organisations"), "entries": others})
    return ordered


def _by_municipality(organisations):
    """Groups of (municipality, entries) in alphabetical order, each entry with every service."""
    groups = {}
    for organisation in organisations:
        groups.setdefault(organisation.municipality, []).append(
            {"organisation": organisation, "services": organisation.service_list}
        )
    return [
        {"title": municipality.name, "entries": entries}
        for municipality, entries in sorted(
            groups.items(), key=lambda item: (item[0].name.casefold(), item[0].pk)
        )
    ]


def printed(search, *, group):
    """The printed guide of a directory search (a companies.filters.DirectoryFilter): the
    results up to PRINT_LIMIT, in the search's order within each group.

    The directory's own statement counts the results and finds them (FacetedSearch.paginate),
    then the rows come with their services and recognitions: a fixed number of queries,
    whatever the number of results.
    """
    page = search.paginate(1, PRINT_LIMIT)
    organisations = list(page.object_list)
    if group == Grouping.MUNICIPALITY:
        groups = _by_municipality(organisations)
    else:
        chosen = {category.pk for category in (search.form.cleaned_data.get("service") or [])}
        groups = _by_service(organisations, chosen)
    return {
        "groups": groups,
        "total": page.paginator.count,
        "shown": len(organisations),
        "limit": PRINT_LIMIT,
        "limited": page.paginator.count > len(organisations),
        # The same map as the directory's, of every organisation the guide prints.
        "results_map": maps.results_map(
            organisations, url=profiles.profile_url, point=search.point, km=search.radius_km
        ),
    }
