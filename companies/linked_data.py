"""An organisation's profile as linked data (issue 24, item 4): JSON-LD in the profile's head.

Search engines read schema.org; the Flemish and Belgian governments describe organisations with
OSLO Organisatie, which reuses W3C's Registered Organization (regorg), ADMS identifiers and
LOCN addresses, and OSLO's own terms where those have none (the structured identifier of
`generiek`, a site's address by `organisatie:bestaatUit`). One node carries both: schema.org
terms by the context's @vocab, OSLO's by their prefixes, all in an inline @context, so the
document is valid JSON-LD without fetching anything.

It says only what the profile shows to a visitor: the contact details a member has not hidden
(Organisation.public_*), the services with their area, the recognitions. It reads only what
`Organisation.objects.for_profile()` has loaded (the reference rows come from memory), so the
profile runs no extra query for it.

The enterprise number is the KBO's: the identifier names the register, and the organisation is
`sameAs` the Belgian government's URI for the registered entity (org.belgif.be).
"""

import json

from django.utils.safestring import mark_safe

from portal.notifications import absolute, reverse_in

SCHEMA = "https://schema.org/"
CONTEXT = {
    "@vocab": SCHEMA,
    "regorg": "http://www.w3.org/ns/regorg#",
    "org": "http://www.w3.org/ns/org#",
    "adms": "http://www.w3.org/ns/adms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "locn": "http://www.w3.org/ns/locn#",
    "generiek": "https://data.vlaanderen.be/ns/generiek#",
    "organisatie": "https://data.vlaanderen.be/ns/organisatie#",
    # Values of these are addresses, not text.
    "url": {"@id": f"{SCHEMA}url", "@type": "@id"},
    "sameAs": {"@id": f"{SCHEMA}sameAs", "@type": "@id"},
    "logo": {"@id": f"{SCHEMA}logo", "@type": "@id"},
    "generiek:naamruimte": {"@type": "@id"},
}
# The Belgian federal government's URIs of registered entities (the ICEG URI standard), which
# OSLO's structured identifier composes from a namespace and the local number.
KBO_NAMESPACE = "https://org.belgif.be/id/CbeRegisteredEntity/"
KBO_AGENCY = "Kruispuntbank van Ondernemingen (KBO)"
# What a service without a radius covers (the profile: "In all of Flanders").
FLANDERS = {"@type": "AdministrativeArea", "name": "Vlaanderen"}

# What would end a <script> element or open a comment in it, written as JSON escapes (as
# Django's json_script does): the data stays the same JSON, the HTML cannot be broken out of.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def profile_address(organisation, language=None):
    """The absolute address of the organisation's profile, in `language` (Dutch, the portal's
    first language, by default: one address per organisation for its @id)."""
    path = reverse_in("companies:profile", language, slug=organisation.slug)
    return absolute(path)


def _area(service, organisation):
    """Where a service is offered: a circle around the organisation's postcode, or Flanders."""
    postcode = organisation.postcode
    if not service.radius_km or postcode is None:
        return FLANDERS
    return {
        "@type": "GeoCircle",
        "geoMidpoint": {
            "@type": "GeoCoordinates",
            "latitude": float(postcode.latitude),
            "longitude": float(postcode.longitude),
        },
        # A number is metres (schema.org, geoRadius).
        "geoRadius": service.radius_km * 1000,
    }


def _offers(organisation):
    services = getattr(organisation, "service_list", None) or []
    if not services:
        return {}
    offers = [
        {
            "@type": "Offer",
            "itemOffered": {
                "@type": "Service",
                "name": service.category.name,
                "serviceType": service.category.name,
                **({"description": service.description} if service.description else {}),
                "areaServed": _area(service, organisation),
            },
        }
        for service in services
    ]
    # The organisation serves the widest of its services' areas: they share one centre, so the
    # largest circle holds the others, and Flanders holds every circle.
    areas = [offer["itemOffered"]["areaServed"] for offer in offers]
    widest = max(areas, key=lambda area: area.get("geoRadius", float("inf")))
    return {
        "areaServed": widest,
        "hasOfferCatalog": {"@type": "OfferCatalog", "itemListElement": offers},
    }


def _address(organisation):
    postcode, municipality = organisation.postcode, organisation.municipality
    address = {"@type": "PostalAddress", "addressCountry": "BE"}
    if organisation.public_street:
        address["streetAddress"] = organisation.public_street
    if postcode is not None:
        address["postalCode"] = postcode.code
        address["addressLocality"] = postcode.name
    if organisation.province is not None:
        address["addressRegion"] = organisation.province.name
    # OSLO: the primary site (org:Site) consists of (organisatie:bestaatUit) a LOCN address.
    full = ", ".join(
        part
        for part in [
            organisation.public_street,
            f"{postcode.code} {postcode.name}" if postcode is not None else "",
        ]
        if part
    )
    locn = {"@type": "locn:Address", "locn:adminUnitL1": "BE", "locn:fullAddress": full}
    if postcode is not None:
        locn["locn:postCode"] = postcode.code
        locn["locn:postName"] = postcode.name
    if municipality is not None:
        locn["locn:adminUnitL2"] = municipality.name
    return {
        "address": address,
        "org:hasPrimarySite": {"@type": "org:Site", "organisatie:bestaatUit": locn},
    }


def _identifier(organisation):
    number = organisation.enterprise_number
    return {
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "KBO",
            "value": organisation.enterprise_number_display,
        },
        # OSLO Organisatie: the registration of a registered organisation, an ADMS identifier
        # with its structured form (namespace and local identifier).
        "regorg:registration": {
            "@type": "adms:Identifier",
            "skos:notation": number,
            "adms:schemaAgency": KBO_AGENCY,
            "generiek:gestructureerdeIdentificator": {
                "@type": "generiek:GestructureerdeIdentificator",
                "generiek:naamruimte": KBO_NAMESPACE,
                "generiek:lokaleIdentificator": number,
            },
        },
    }


def _contact(organisation):
    contact = {}
    if organisation.public_phone:
        contact["telephone"] = organisation.public_phone
    if organisation.public_email:
        contact["email"] = organisation.public_email
    if not contact:
        return {}
    # schema.org reads them on the organisation; OSLO as its contact point (Contactinfo).
    return {**contact, "contactPoint": {"@type": "ContactPoint", **contact}}


def organisation_data(organisation):
    """The JSON-LD document (a dict) of a public profile. `organisation` is loaded with
    `Organisation.objects.for_profile()`."""
    url = profile_address(organisation)
    data = {
        "@context": CONTEXT,
        "@id": f"{url}#organisation",
        "@type": ["Organization", "regorg:RegisteredOrganization"],
        "name": organisation.name,
        "skos:prefLabel": organisation.name,
        "url": url,
    }
    if organisation.description:
        data["description"] = organisation.description
    if organisation.logo:
        data["logo"] = absolute(organisation.logo.url)
    data |= _address(organisation)
    data |= _contact(organisation)
    data |= _identifier(organisation)
    same_as = [f"{KBO_NAMESPACE}{organisation.enterprise_number}"]
    if organisation.public_website:
        same_as.insert(0, organisation.public_website)
    data["sameAs"] = same_as
    recognitions = getattr(organisation, "recognition_list", None) or []
    if recognitions:
        data["hasCertification"] = [
            {"@type": "Certification", "name": recognition.name} for recognition in recognitions
        ]
    data |= _offers(organisation)
    return data


def script(data):
    """`data` as a <script type="application/ld+json"> element, safe inside HTML.

    A data block is not run by the browser, so the Content-Security-Policy's script-src does
    not apply to it; `<`, `>` and `&` are written as JSON escapes, so no value can close the
    element (the escaping of Django's json_script)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def profile_script(organisation):
    """The profile's JSON-LD element."""
    return script(organisation_data(organisation))
