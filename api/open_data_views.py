"""The open data pages (issue 24, items 3 and 4): /open-data/, its files, its DCAT catalogue.

Read-only and public: nothing here changes data or needs a login. The files are those the
worker wrote last (api/dumps.py); a portal where none was written yet says so.
"""

import json
from datetime import UTC, datetime

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_safe

from . import catalogue, dumps

# Browsers and harvesters may keep a file or the catalogue for an hour: they change nightly.
MAX_AGE = 3600

FILE_FORMATS = {
    dumps.CSV_FILE: _("CSV: semicolons, UTF-8 with a byte order mark, for spreadsheets"),
    dumps.JSON_FILE: _("JSON: the records under “organisations”, with the licence"),
}
# What each column of the files (api/dumps.py COLUMNS) holds, for the page.
COLUMN_DESCRIPTIONS = {
    "enterprise_number": _("The number in the Crossroads Bank for Enterprises (KBO), ten digits."),
    "name": _("The organisation's name."),
    "kind": _(
        "regular (a regular firm), social (a social-economy enterprise), public (a public body), "
        "school or nonprofit."
    ),
    "url": _("The address of its profile on the portal."),
    "street": _("Street and number, unless the organisation hides them."),
    "postcode": _("The postcode."),
    "municipality": _("The municipality (Dutch name)."),
    "municipality_nis": _("The municipality's NIS code (Statbel)."),
    "province_nis": _("The province's NIS code (Statbel); empty in Brussels."),
    "website": _("The website, unless the organisation hides it."),
    "email": _("The organisation's email address, unless it hides it."),
    "phone": _(
        "The organisation's phone number, unless it hides it: in JSON as +32…, in CSV as "
        "people write it."
    ),
    "services": _(
        "The services it offers (service category slugs) with the radius in km they are offered "
        "in; no radius means all of Flanders. In CSV: slug:km, separated by |."
    ),
    "recognitions": _("Its social-economy recognitions (slugs); in CSV separated by |."),
    "procurement_routes": _(
        "The ways public buyers may buy from it with social impact, following from its "
        "recognitions (reserved_contract, reserved_lot, execution_clause, award_criterion)."
    ),
    "verified": _("Whether a regisseur of the social economy checked the organisation."),
    "verified_on": _("The day it was checked (YYYY-MM-DD)."),
    "details_confirmed_on": _("The day its details were last confirmed (YYYY-MM-DD)."),
    "updated_at": _("When the listing last changed (ISO 8601)."),
}


@require_safe
def index(request):
    index_data, files = dumps.published()
    for item in files:
        item["format"] = FILE_FORMATS[item["name"]]
    records = index_data.get("records") if index_data else None
    context = {
        "files": files,
        "records": records if isinstance(records, int) else None,
        "generated_at": _moment(index_data.get("generated_at")) if index_data else None,
        "licence": dumps.LICENCE,
        "attribution": dumps.attribution(),
        "columns": [
            {"name": column, "description": COLUMN_DESCRIPTIONS[column]} for column in dumps.COLUMNS
        ],
        "catalog_url": reverse("open_data:catalog"),
    }
    return render(request, "api/open_data.html", context)


def _moment(text):
    try:
        return datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _file_modified(request, name):
    path = dumps.path_of(name)
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) if path else None


@require_safe
@condition(last_modified_func=_file_modified)
def download(request, name):
    """A file of the last dump, as an attachment with its media type; 404 for any other name
    or before the first dump. The open file is the one served, even if the next dump replaces
    it meanwhile."""
    path = dumps.path_of(name)
    if path is None:
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=dumps.FILES[name]
    )
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Link"] = f'<{dumps.LICENCE["url"]}>; rel="license"'
    return response


@require_safe
def catalog(request):
    """The DCAT-AP catalogue (JSON-LD) that data.vlaanderen.be and data.gov.be harvest."""
    body = json.dumps(catalogue.build(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
