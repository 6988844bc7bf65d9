"""The open data's DCAT-AP catalogue (issue 24, item 4), as JSON-LD at /open-data/catalog.jsonld.

DCAT-AP (the EU application profile of W3C's DCAT, which DCAT-AP Vlaanderen and DCAT-AP BE
extend) is what data.vlaanderen.be and data.gov.be harvest. The catalogue holds one dataset, the
organisations of the directory, with a distribution per file of the last dump (CSV, JSON) and
one for the API, whose data service points at the OpenAPI schema. Controlled values come from
the EU's vocabularies (languages, file types, licences, frequencies, data themes), as DCAT-AP
asks; titles and descriptions are given in every language of the portal.

Mandatory in DCAT-AP and always present: the catalogue's title, description, publisher and
dataset; the dataset's title and description; each distribution's access URL; the data
service's title and endpoint URL; the agent's name. Recommended and present: contact point,
keywords, theme, licence, language, modification date, format, media type, byte size.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.notifications import absolute, reverse_in

from . import dumps

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority"
LANGUAGES = {"nl": f"{EU}/language/NLD", "fr": f"{EU}/language/FRA", "en": f"{EU}/language/ENG"}
FILE_TYPES = {dumps.CSV_FILE: f"{EU}/file-type/CSV", dumps.JSON_FILE: f"{EU}/file-type/JSON"}
MEDIA_TYPES = {
    dumps.CSV_FILE: "http://www.iana.org/assignments/media-types/text/csv",
    dumps.JSON_FILE: "http://www.iana.org/assignments/media-types/application/json",
}
DAILY = f"{EU}/frequency/DAILY"
ECONOMY = f"{EU}/data-theme/ECON"
BELGIUM = f"{EU}/country/BEL"
OPENAPI = "https://spec.openapis.org/oas/v3.0.3"


def _link(address):
    return {"@id": address}


def _in_every_language(text):
    """[{"@value", "@language"}, ...] of a translatable text, in each language of the portal."""
    values = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values.append({"@value": str(text()), "@language": code})
    return values


def _datetime(moment):
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _page():
    return absolute(reverse_in("open_data:index", None))


def build():
    """The catalogue as a JSON-LD document (a dict)."""
    page = _page()
    licence = _link(dumps.LICENCE["uri"])
    languages = [_link(address) for address in LANGUAGES.values()]
    publisher = {
        "@id": f"{settings.SITE_URL}/#publisher",
        "@type": "foaf:Agent",
        "foaf:name": settings.PORTAL_NAME,
        "foaf:homepage": _link(f"{settings.SITE_URL}/"),
    }
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": settings.PORTAL_NAME,
        "vcard:hasEmail": _link(f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}"),
        "vcard:hasURL": _link(page),
    }
    _index, files = dumps.published()
    dataset_id = f"{page}#organisations"
    schema = absolute(reverse("api:schema"))
    service = {
        "@id": f"{page}#api",
        "@type": "dcat:DataService",
        "dct:title": _in_every_language(lambda: _("%(name)s API") % {"name": settings.PORTAL_NAME}),
        "dct:description": _in_every_language(
            lambda: _(
                "The directory, opportunities, events and public figures as JSON, searched "
                "with the same parameters as the portal's pages."
            )
        ),
        # The API's root: the schema's address without its last step.
        "dcat:endpointURL": _link(schema.removesuffix("schema/")),
        "dcat:endpointDescription": _link(schema),
        "dct:conformsTo": _link(OPENAPI),
        "dcat:servesDataset": _link(dataset_id),
        "dct:license": licence,
        "dct:publisher": _link(publisher["@id"]),
        "dcat:contactPoint": contact,
    }
    distributions = [_file_distribution(item, page, licence) for item in files]
    distributions.append(
        {
            "@id": f"{page}#distribution-api",
            "@type": "dcat:Distribution",
            "dct:title": _in_every_language(lambda: _("The organisations through the API")),
            "dcat:accessURL": _link(schema.removesuffix("schema/")),
            "dcat:accessService": _link(service["@id"]),
            "dct:format": _link(f"{EU}/file-type/JSON"),
            "dct:license": licence,
        }
    )
    dataset = {
        "@id": dataset_id,
        "@type": "dcat:Dataset",
        "dct:title": _in_every_language(
            lambda: _("Organisations of the regular and the social economy in Flanders")
        ),
        "dct:description": _in_every_language(
            lambda: _(
                "Every organisation in the directory: social-economy enterprises with their "
                "services, the area they serve and their recognitions, and the firms, public "
                "bodies, schools and non-profits that work with them. Contact details only where "
                "the organisation publishes them; a last-update date per record."
            )
        ),
        "dcat:keyword": [
            {"@value": word, "@language": code}
            for code, words in KEYWORDS.items()
            for word in words
        ],
        "dcat:theme": _link(ECONOMY),
        "dct:spatial": _link(BELGIUM),
        "dct:language": languages,
        "dct:publisher": _link(publisher["@id"]),
        "dcat:contactPoint": contact,
        "dcat:landingPage": _link(page),
        "dct:accrualPeriodicity": _link(DAILY),
        "dct:license": licence,
        "dcat:distribution": distributions,
    }
    catalogue = {
        "@context": CONTEXT,
        "@id": f"{page}#catalog",
        "@type": "dcat:Catalog",
        "dct:title": _in_every_language(
            lambda: _("%(name)s open data") % {"name": settings.PORTAL_NAME}
        ),
        "dct:description": _in_every_language(
            lambda: (
                _(
                    "Open data of %(name)s, the shared databank of the regular and the social "
                    "economy in Flanders."
                )
                % {"name": settings.PORTAL_NAME}
            )
        ),
        "dct:publisher": publisher,
        "foaf:homepage": _link(page),
        "dct:language": languages,
        "dct:license": licence,
        "dcat:themeTaxonomy": _link(f"{EU}/data-theme"),
        "dcat:dataset": [dataset],
        "dcat:service": [service],
    }
    if files:
        modified = _datetime(max(item["modified"] for item in files))
        catalogue["dct:modified"] = dataset["dct:modified"] = modified
    return catalogue


# Words a search on a data portal uses, per language (not translated: they are data).
KEYWORDS = {
    "nl": ["sociale economie", "maatwerkbedrijf", "organisaties", "Vlaanderen"],
    "fr": ["économie sociale", "entreprises", "Flandre"],
    "en": ["social economy", "social enterprises", "organisations", "Flanders"],
}


def _file_distribution(item, page, licence):
    name = item["name"]
    with translation.override(settings.LANGUAGE_CODE):
        download = absolute(reverse("open_data:download", kwargs={"name": name}))
    return {
        "@id": f"{page}#distribution-{name.replace('.', '-')}",
        "@type": "dcat:Distribution",
        "dct:title": {"@value": name, "@language": "en"},
        "dcat:accessURL": _link(page),
        "dcat:downloadURL": _link(download),
        "dct:format": _link(FILE_TYPES[name]),
        "dcat:mediaType": _link(MEDIA_TYPES[name]),
        "dcat:byteSize": {"@value": str(item["size"]), "@type": "xsd:nonNegativeInteger"},
        "dct:modified": _datetime(item["modified"]),
        "dct:license": licence,
    }
