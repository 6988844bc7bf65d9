"""A public profile at /organisations/<slug>/."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from companies.models import Collaboration, OfferedService, TargetGroup, phone_uri
from portal.models import Sector, ServiceCategory
from tests.companies.conftest import profile_data
from tests.factories import (
    MembershipFactory,
    OwnerFactory,
    UserFactory,
    listed_organisation,
    reference_rows_in_memory,
)

pytestmark = pytest.mark.django_db


def url(organisation):
    return reverse("companies:profile", kwargs={"slug": organisation.slug})


@pytest.fixture
def enterprise(reference_data):
    organisation = listed_organisation(
        name="Groenwerk Haspengouw",
        code="3700",
        services={"groenonderhoud": "Maaien en snoeien van bedrijfsterreinen"},
        recognitions=["maatwerkbedrijf"],
        description="Maatwerkbedrijf voor groenonderhoud.",
        website="https://groenwerk.example",
        verified_at=timezone.now(),
    )
    OfferedService.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(slug="digitalisering"),
        radius_km=None,
    )
    organisation.target_groups.set(TargetGroup.objects.filter(slug="arbeidshandicap"))
    organisation.sectors.set(Sector.objects.filter(code="A"))
    return organisation


def collaborate(regular, social, **fields):
    now = timezone.now()
    values = {
        "role": "client",
        "started": date(2023, 3, 1),
        "channel": "directory",
        "confirmed_by_regular_at": now,
        "confirmed_by_social_at": now,
        **fields,
    }
    return Collaboration.objects.create(regular=regular, social=social, **values)


def test_shows_what_the_organisation_offers_and_where(client, enterprise):
    response = client.get(url(enterprise))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Groenwerk Haspengouw</h1>" in html
    assert "Maatwerkbedrijf voor groenonderhoud." in html
    # Services, with their radius or all of Flanders.
    assert "Groenonderhoud" in html
    assert "Maaien en snoeien van bedrijfsterreinen" in html
    assert "25 km" in html  # the factory's radius, around the postcode's place
    assert "Scanning, digitalisering en data-invoer" in html
    assert html.count('class="service-list__item"') == 2
    # Recognitions, target groups, sectors, region, municipality, province, website.
    assert "Maatwerkbedrijf" in html
    assert "Personen met een arbeidshandicap" in html
    assert "Landbouw, bosbouw en visserij" in html
    assert "Zuidoost-Limburg" in html
    assert "Tongeren-Borgloon" in html
    assert "Limburg" in html
    assert 'href="https://groenwerk.example"' in html
    assert enterprise.enterprise_number_display in html
    assert "badge--verified" in html
    assert "badge--warning" not in html


def test_an_unverified_organisation_is_marked(client, reference_data):
    organisation = listed_organisation(name="Nieuw Atelier")

    html = client.get(url(organisation)).content.decode()

    assert "badge--warning" in html
    assert "badge--verified" not in html


def test_shows_the_logo_when_there_is_one(client, enterprise, media):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(buffer, format="PNG")
    enterprise.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    enterprise.save()

    html = client.get(url(enterprise)).content.decode()

    assert f'src="{enterprise.logo.url}"' in html
    assert 'class="profile__logo"' in html


def test_confirmed_collaborations_show_on_both_profiles(client, enterprise, reference_data):
    school = listed_organisation(name="Basisschool De Linde", kind="school")
    collaborate(school, enterprise, category=ServiceCategory.objects.get(slug="groenonderhoud"))

    for organisation, partner in [(enterprise, school), (school, enterprise)]:
        html = client.get(url(organisation)).content.decode()
        assert "collaboration-list" in html
        assert f'href="{url(partner)}">{partner.name}</a>' in html
        assert "2023" in html


def test_each_partner_is_listed_once_with_its_roles_and_services(
    client, enterprise, reference_data, django_assert_num_queries
):
    """Issue 18, item 12: two collaborations in both directions and two services between the
    same pair make one entry on each profile, in the same number of queries."""
    firm = listed_organisation(name="Kunststoffen Genk", kind="regular")
    green, catering, cleaning = (
        ServiceCategory.objects.get(slug=slug)
        for slug in ("groenonderhoud", "catering", "schoonmaak")
    )
    collaborate(firm, enterprise, role="client", category=green, started=date(2019, 5, 1))
    collaborate(firm, enterprise, role="client", category=catering, ended=date(2024, 1, 1))
    collaborate(firm, enterprise, role="supplier", category=cleaning, started=date(2021, 1, 1))

    reference_rows_in_memory()
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        on_enterprise = client.get(url(enterprise)).content.decode()
    on_firm = client.get(url(firm)).content.decode()

    for html, partner in [(on_enterprise, firm), (on_firm, enterprise)]:
        assert html.count(f'href="{url(partner)}">{partner.name}</a>') == 1
    entry = on_enterprise.split('class="link-list collaboration-list"')[1].split("</section>")[0]
    # The firm buys green maintenance and catering from the enterprise and supplies cleaning.
    client_row, supplier_row = entry.split('class="collaboration-list__role">')[1:]
    assert client_row.startswith("Klant</span>")
    assert "Groenonderhoud (sinds 2019)" in client_row
    assert "Catering en maaltijden (2023–2024)" in client_row
    assert supplier_row.startswith("Leverancier</span>")
    assert "Schoonmaak (sinds 2021)" in supplier_row
    # Seen from the firm: the enterprise is its supplier of two services and its client of one.
    entry = on_firm.split('class="link-list collaboration-list"')[1].split("</section>")[0]
    client_row, supplier_row = entry.split('class="collaboration-list__role">')[1:]
    assert client_row.startswith("Klant</span>") and "sinds 2021" in client_row
    assert supplier_row.startswith("Leverancier</span>") and "sinds 2019" in supplier_row


def test_each_collaboration_says_how_the_two_met(client, enterprise, reference_data):
    firm = listed_organisation(name="Kunststoffen Genk", kind="regular")
    green, catering = (
        ServiceCategory.objects.get(slug=slug) for slug in ("groenonderhoud", "catering")
    )
    collaborate(firm, enterprise, category=green, channel="voucher")
    collaborate(firm, enterprise, category=catering, channel="regie")

    for prefix, texts in [
        ("", ["Kennismaking via: Kennismakingscheque", "Kennismaking via: Regie of cluster"]),
        ("/fr", ["Rencontre via : Chèque découverte", "Rencontre via : Régie ou cluster"]),
    ]:
        html = client.get(prefix + url(firm)).content.decode()
        entry = html.split('class="link-list collaboration-list"')[1].split("</section>")[0]
        for text in texts:
            assert text in entry


def test_collaborations_confirmed_by_one_side_only_are_not_shown(client, enterprise):
    school = listed_organisation(name="Basisschool De Linde", kind="school")
    collaborate(school, enterprise, confirmed_by_social_at=None)

    for organisation in [enterprise, school]:
        assert "collaboration-list" not in client.get(url(organisation)).content.decode()


@pytest.mark.parametrize("hidden_by", ["regular", "social"])
def test_collaborations_are_not_shown_when_either_side_keeps_them_private(
    client, enterprise, hidden_by
):
    school = listed_organisation(name="Basisschool De Linde", kind="school")
    collaborate(school, enterprise)
    private = school if hidden_by == "regular" else enterprise
    private.show_collaborations = False
    private.save()

    for organisation in [enterprise, school]:
        assert "collaboration-list" not in client.get(url(organisation)).content.decode()


def test_an_unknown_slug_is_404(client, reference_data):
    assert client.get("/organisations/bestaat-niet/").status_code == 404


def test_a_visitor_is_asked_to_log_in_to_send_a_message(client, enterprise):
    # A listing its members hold (one nobody holds: test_claims).
    OwnerFactory(organisation=enterprise)
    html = client.get(url(enterprise)).content.decode()

    assert f"{reverse('account_login')}?next={url(enterprise)}" in html
    assert reverse("companies:contact", kwargs={"slug": enterprise.slug}) not in html


def test_a_logged_in_user_gets_the_contact_form(client, enterprise):
    # To its members: a listing nobody holds offers the form only through its regie (test_claims).
    OwnerFactory(organisation=enterprise)
    client.force_login(UserFactory())

    html = client.get(url(enterprise)).content.decode()

    assert f'action="{reverse("companies:contact", kwargs={"slug": enterprise.slug})}"' in html


def test_members_get_links_to_keep_the_profile_and_owners_to_the_members(client, enterprise):
    edit = reverse("companies:organisation_edit", kwargs={"slug": enterprise.slug})
    services = reverse("companies:services", kwargs={"slug": enterprise.slug})
    members = reverse("companies:members", kwargs={"slug": enterprise.slug})

    client.force_login(MembershipFactory(organisation=enterprise).user)
    html = client.get(url(enterprise)).content.decode()
    assert f'href="{edit}"' in html
    assert f'href="{services}"' in html
    assert f'href="{members}"' not in html

    client.force_login(OwnerFactory(organisation=enterprise).user)
    assert f'href="{members}"' in client.get(url(enterprise)).content.decode()

    client.force_login(UserFactory())
    assert f'href="{edit}"' not in client.get(url(enterprise)).content.decode()


def test_a_firm_has_no_services_page_to_link_to(client, reference_data):
    firm = listed_organisation(name="Bakkerij", kind="regular")
    client.force_login(OwnerFactory(organisation=firm).user)

    html = client.get(url(firm)).content.decode()

    assert reverse("companies:services", kwargs={"slug": firm.slug}) not in html


# Anonymous: the organisation with municipality, province and postcode; services (with their
# categories), recognitions, target groups, sectors, regions; collaborations; whether a
# recognition opens a reserved contract (procurement's badge, for a recognised enterprise).
ANONYMOUS_QUERIES = 8
# Logged in: + the session and the user, + is the user a member (the contact form reuses it).
LOGGED_IN_QUERIES = ANONYMOUS_QUERIES + 3


def test_the_profile_runs_a_fixed_number_of_queries(client, enterprise, django_assert_num_queries):
    reference_rows_in_memory()
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        client.get(url(enterprise))

    # Twenty more services, recognitions and confirmed collaborations change nothing.
    for category in ServiceCategory.objects.exclude(offers__organisation=enterprise):
        OfferedService.objects.create(organisation=enterprise, category=category, radius_km=10)
    for n in range(20):
        collaborate(listed_organisation(name=f"Klant {n}", kind="regular"), enterprise)
    enterprise.target_groups.set(TargetGroup.objects.all())
    enterprise.sectors.set(Sector.objects.all())

    reference_rows_in_memory()
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(url(enterprise))
    assert response.content.decode().count('class="service-list__item"') == 20

    client.force_login(UserFactory())
    with django_assert_num_queries(LOGGED_IN_QUERIES):
        client.get(url(enterprise))


# --- Public contact details (issue 17) ------------------------------------------------------

CONTACT = {
    "street": "Mergelweg 12",
    "phone": "012 34 56 78",
    "email": "info@groenwerk.example",
    "website": "https://groenwerk.example",
}


def contact_details(response):
    """The profile's contact-details block, as rendered."""
    html = response.content.decode()
    start = html.index('class="panel profile__contact"')
    return html[start : html.index("</section>", start)]


def test_a_visitor_sees_the_address_phone_email_and_website(client, enterprise):
    enterprise.__dict__.update(CONTACT)
    enterprise.save()

    block = contact_details(client.get(url(enterprise)))

    assert "Mergelweg 12" in block
    assert "3700 Tongeren" in block
    assert '<a href="tel:+3212345678">012 34 56 78</a>' in block
    assert '<a href="mailto:info@groenwerk.example">info@groenwerk.example</a>' in block
    assert 'href="https://groenwerk.example"' in block


@pytest.mark.parametrize(
    ("hidden", "gone"),
    [
        ("show_address", "Mergelweg 12"),
        ("show_phone", "012 34 56 78"),
        ("show_email", "info@groenwerk.example"),
        ("show_website", 'href="https://groenwerk.example"'),
    ],
)
def test_a_hidden_contact_detail_is_not_on_the_profile(client, enterprise, hidden, gone):
    enterprise.__dict__.update(CONTACT, **{hidden: False})
    enterprise.save()

    html = client.get(url(enterprise)).content.decode()

    assert gone not in html
    # The other details still show, and the place the directory finds it by.
    block = contact_details(client.get(url(enterprise)))
    assert "3700 Tongeren" in block
    shown = {"show_address": "Mergelweg 12", "show_phone": "tel:+3212345678"}
    shown |= {"show_email": "mailto:info@groenwerk.example", "show_website": "https://groen"}
    for field, text in shown.items():
        if field != hidden:
            assert text in block


def test_an_organisation_without_public_contact_details_says_so(client, enterprise):
    enterprise.__dict__.update(CONTACT, show_phone=False, show_email=False, show_website=False)
    enterprise.save()

    block = contact_details(client.get(url(enterprise)))

    assert "publiceert geen telefoonnummer, e-mailadres of website" in block


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("012 34 56 78", "tel:+3212345678"),
        ("+32 (0)12/34.56.78", "tel:+3212345678"),
        ("0032 470 12 34 56", "tel:+32470123456"),
        ("+31 20 123 4567", "tel:+31201234567"),
        ("bel ons", ""),
    ],
)
def test_a_phone_number_becomes_a_tel_link_as_written(written, uri):
    assert phone_uri(written) == uri


# --- Who may hide them ------------------------------------------------------------------------

HIDE_ALL = dict.fromkeys(("show_address", "show_phone", "show_email", "show_website"), "")


def edit_url(organisation):
    return reverse("companies:organisation_edit", kwargs={"slug": organisation.slug})


def hide_everything(client, organisation):
    return client.post(edit_url(organisation), profile_data(organisation, **HIDE_ALL))


def shown_fields(organisation):
    organisation.refresh_from_db()
    return [
        organisation.show_address,
        organisation.show_phone,
        organisation.show_email,
        organisation.show_website,
    ]


def test_new_organisations_show_every_contact_detail(world):
    assert shown_fields(world.organisation) == [True, True, True, True]


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_a_member_hides_each_contact_detail_in_the_edit_form(client, world, who):
    client.force_login(getattr(world, who))
    form = client.get(edit_url(world.organisation)).content.decode()
    for name in HIDE_ALL:
        assert f'name="{name}"' in form

    response = hide_everything(client, world.organisation)

    assert response.status_code == 302
    assert shown_fields(world.organisation) == [False, False, False, False]


def test_a_member_shows_them_again(client, world):
    world.organisation.__dict__.update(show_phone=False, show_email=False)
    world.organisation.save()
    client.force_login(world.editor)
    data = profile_data(world.organisation, show_phone="on", show_email="on")
    assert client.post(edit_url(world.organisation), data).status_code == 302

    assert shown_fields(world.organisation) == [True, True, True, True]


@pytest.mark.parametrize("who", ["stranger", "regisseur", "other_regisseur"])
def test_a_non_member_cannot_hide_contact_details(client, world, who):
    # Regisseurs keep organisations through the admin, not through the members' form.
    client.force_login(getattr(world, who))

    assert hide_everything(client, world.organisation).status_code == 404
    assert shown_fields(world.organisation) == [True, True, True, True]


def test_a_visitor_is_sent_to_log_in_to_hide_contact_details(client, world):
    response = hide_everything(client, world.organisation)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert shown_fields(world.organisation) == [True, True, True, True]
