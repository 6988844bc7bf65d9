"""The buy-social guide: a directory search, every result of it, as CSV or as a brochure.

A province or regie publishes where to buy socially from a directory search; most open the file
in Excel, or print the guide. The file format (byte order mark, semicolons, every cell quoted,
defused formulas, streaming) is portal.csvexport's; this module says which columns an
organisation has. The printed guide (`printed`) holds the results up to PRINT_LIMIT, grouped by
service or by municipality as a brochure is. Both show the contact details a member has not
hidden (Organisation.public_*).
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import csvexport, maps, phones

from . import profiles
from .models import OrganisationKind


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


def labels():
    """The words every row repeats, translated once per file: the kinds, "yes" and "no".
    (get_kind_display() would translate every kind's label on every row: 50,000 rows made
    350,000 gettext calls, issue 20.)"""
    return {
        "kinds": {kind.value: str(kind.label) for kind in OrganisationKind},
        "yes": _("yes"),
        "no": _("no"),
    }


def row(organisation, *, with_distance, words=None):
    words = words or labels()
    cells = [
        organisation.name,
        words["kinds"].get(organisation.kind, organisation.kind),
        organisation.enterprise_number_display,
        organisation.public_street,
        organisation.postcode.code,
        organisation.municipality.name,
        organisation.province.name if organisation.province else "",
        ", ".join(service.category.name for service in organisation.service_list),
        ", ".join(recognition.name for recognition in organisation.recognition_list),
        organisation.public_website,
        phones.display(organisation.public_phone),
        organisation.public_email,
        words["yes"] if organisation.is_verified else words["no"],
    ]
    if with_distance:
        # In the page's language: a decimal comma in Dutch and French, as Excel there expects.
        cells.append(number_format(organisation.distance_km, 1))
    return cells


def lines(organisations, *, with_distance):
    """The CSV file line by line: the byte order mark and header, then one line per organisation.

    `organisations` is the directory's result set (Organisation.objects.for_directory(), with
    `distance_km` when searched from a postcode), read in chunks with its services and
    recognitions.
    """
    words = {}

    def header_once():
        # Read when the file starts, in the language of the request that streams it.
        words.update(labels())
        return header(with_distance=with_distance)

    return csvexport.lines(
        organisations,
        header=header_once,
        row=lambda organisation: row(organisation, with_distance=with_distance, words=words),
    )


def response(organisations, *, with_distance):
    return csvexport.response(lines(organisations, with_distance=with_distance))


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
