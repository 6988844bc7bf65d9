"""An organisation's profile carries its JSON-LD (companies/linked_data.py, issue 24 item 4):
schema.org and OSLO terms, only what the profile shows, safe inside the page, no extra query."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import linked_data
from companies.models import OfferedService, Organisation
from portal.models import ServiceCategory
from tests.factories import listed_organisation, reference_rows_in_memory

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# The profile's statements for a visitor (tests/companies/test_profile.py ANONYMOUS_QUERIES):
# the JSON-LD reads only what the page loads anyway.
PROFILE_QUERIES = 8


@pytest.fixture
def enterprise(reference_data):
    organisation = listed_organisation(
        name="Groenwerk Haspengouw",
        code="3700",
        services={"groenonderhoud": "Maaien en snoeien"},
        recognitions=["maatwerkbedrijf"],
        description="Maatwerkbedrijf voor groenonderhoud.",
        website="https://groenwerk.example",
        email="info@groenwerk.example",
        phone="+3212345678",
        street="Mergelweg 12",
        verified_at=timezone.now(),
    )
    OfferedService.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(slug="digitalisering"),
        radius_km=None,
    )
    OfferedService.objects.filter(organisation=organisation, radius_km__isnull=False).update(
        radius_km=30
    )
    return organisation


def document(response):
    found = SCRIPT.findall(response.content.decode())
    assert len(found) == 1, "one JSON-LD element in the profile"
    return json.loads(found[0])


def profile(client, organisation):
    return client.get(reverse("companies:profile", kwargs={"slug": organisation.slug}))


def test_the_profile_describes_the_organisation_in_schema_org_and_oslo(client, enterprise):
    data = document(profile(client, enterprise))

    assert data["@type"] == ["Organization", "regorg:RegisteredOrganization"]
    assert data["name"] == data["skos:prefLabel"] == "Groenwerk Haspengouw"
    assert data["url"].endswith(f"/organisations/{enterprise.slug}/")
    assert data["@id"] == f"{data['url']}#organisation"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "BE",
        "streetAddress": "Mergelweg 12",
        "postalCode": "3700",
        "addressLocality": enterprise.postcode.name,
        "addressRegion": "Limburg",
    }
    site = data["org:hasPrimarySite"]["organisatie:bestaatUit"]
    assert site["locn:postCode"] == "3700" and site["@type"] == "locn:Address"
    assert data["telephone"] == data["contactPoint"]["telephone"] == "+3212345678"
    assert data["email"] == "info@groenwerk.example"
    # The enterprise number: schema.org's identifier and OSLO's registration.
    number = enterprise.enterprise_number
    assert data["identifier"]["value"] == enterprise.enterprise_number_display
    registration = data["regorg:registration"]
    assert registration["skos:notation"] == number
    structured = registration["generiek:gestructureerdeIdentificator"]
    assert structured["generiek:lokaleIdentificator"] == number
    assert data["sameAs"] == [
        "https://groenwerk.example",
        f"https://org.belgif.be/id/CbeRegisteredEntity/{number}",
    ]
    assert [item["name"] for item in data["hasCertification"]] == ["Maatwerkbedrijf"]


def test_services_are_offers_with_the_area_they_are_offered_in(client, enterprise):
    data = document(profile(client, enterprise))

    offers = data["hasOfferCatalog"]["itemListElement"]
    areas = {offer["itemOffered"]["name"]: offer["itemOffered"]["areaServed"] for offer in offers}
    green = ServiceCategory.objects.get(slug="groenonderhoud").name
    digital = ServiceCategory.objects.get(slug="digitalisering").name
    assert areas[green]["@type"] == "GeoCircle"
    assert areas[green]["geoRadius"] == 30_000
    assert areas[green]["geoMidpoint"]["latitude"] == pytest.approx(enterprise.postcode.latitude)
    assert areas[digital] == {"@type": "AdministrativeArea", "name": "Vlaanderen"}
    # The organisation serves the widest area of its services.
    assert data["areaServed"] == areas[digital]


def test_the_widest_circle_is_the_area_served_when_every_service_has_a_radius(client, enterprise):
    OfferedService.objects.filter(organisation=enterprise, radius_km__isnull=True).update(
        radius_km=60
    )

    data = document(profile(client, enterprise))

    assert data["areaServed"]["geoRadius"] == 60_000


def test_hidden_contact_details_are_not_in_the_linked_data(client, enterprise):
    Organisation.objects.filter(pk=enterprise.pk).update(
        show_phone=False, show_email=False, show_address=False, show_website=False
    )

    response = profile(client, enterprise)
    data = document(response)

    text = json.dumps(data)
    for hidden in ("+3212345678", "info@groenwerk.example", "Mergelweg", "groenwerk.example"):
        assert hidden not in text
    assert "contactPoint" not in data and "telephone" not in data
    assert data["sameAs"] == [
        f"https://org.belgif.be/id/CbeRegisteredEntity/{enterprise.enterprise_number}"
    ]


def test_a_firm_without_services_has_no_offer_catalogue(client, reference_data):
    firm = listed_organisation(name="Bouw Peeters", kind="regular", description="")

    data = document(profile(client, firm))

    assert "hasOfferCatalog" not in data and "areaServed" not in data
    assert "description" not in data and "hasCertification" not in data


def test_text_cannot_break_out_of_the_script_element(client, enterprise):
    Organisation.objects.filter(pk=enterprise.pk).update(
        description="</script><script>alert(1)</script> & <!-- more"
    )

    response = profile(client, enterprise)

    html = response.content.decode()
    head = html[: html.index("</head>")]
    assert "<script>alert" not in html
    assert "\\u003C/script\\u003E" in head
    # The same text, once the JSON is read.
    assert document(response)["description"].startswith("</script><script>alert(1)")


def test_the_content_security_policy_stays_without_inline_scripts(client, enterprise):
    """A JSON-LD element is a data block: the browser runs nothing, so script-src 'self' holds
    and the policy needs no 'unsafe-inline' or hash for it."""
    response = profile(client, enterprise)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts == [' type="application/ld+json"']


def test_the_linked_data_costs_the_profile_no_query(client, enterprise, django_assert_num_queries):
    reference_rows_in_memory()
    with django_assert_num_queries(PROFILE_QUERIES):
        response = profile(client, enterprise)
    assert document(response)["hasOfferCatalog"]


def _terms(node):
    """Every property name used in a JSON-LD node and the nodes inside it."""
    if isinstance(node, list):
        for item in node:
            yield from _terms(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield key
                yield from _terms(value)


def test_every_term_is_defined_by_the_context(enterprise):
    """Valid JSON-LD: each key is a keyword, a term of the context, a compact IRI with a prefix
    the context defines, or a schema.org term by @vocab (a plain word, no colon)."""
    organisation = Organisation.objects.for_profile().get(pk=enterprise.pk)
    data = linked_data.organisation_data(organisation)

    context = data["@context"]
    assert context["@vocab"] == "https://schema.org/"
    for term in set(_terms(data)):
        if term.startswith("@") or term in context:
            continue
        prefix, colon, _rest = term.partition(":")
        if colon:
            assert prefix in context, f"{term}: prefix {prefix} not in the context"
        else:
            assert re.fullmatch(r"[a-zA-Z]+", term), term
    # Types are schema.org names or compact IRIs with known prefixes, too.
    types = re.findall(r'"@type": "([^"]+)"', json.dumps(data))
    for name in types:
        prefix, colon, _rest = name.partition(":")
        assert not colon or prefix in context, name
