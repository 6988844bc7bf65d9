"""Completeness (issue 17, item 7): the owners' checklist, the stored score kept up to date where
what it counts changes, and the directory's recommended order."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from companies import collaborations, completeness
from companies.models import Organisation, Recognition
from portal.models import ServiceCategory
from tests.companies.conftest import profile_data
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    UserFactory,
    listed_organisation,
)

DIRECTORY = "/organisations/"


def url(name, **kwargs):
    """The English address of a page: the tests read the English texts."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def stored(organisation):
    return Organisation.objects.get(pk=organisation.pk).completeness


def logo():
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 80), (11, 87, 114)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def bare(reference_data, db, media):
    """A social enterprise with nothing but its name and address, and its owner."""
    organisation = OrganisationFactory(kind="social", name="Kaal Bedrijf")
    owner = OwnerFactory(organisation=organisation).user
    return organisation, owner


def test_a_bare_social_enterprise_scores_nothing(bare):
    organisation, _ = bare

    assert completeness.score(organisation) == 0
    assert stored(organisation) == 0


def test_each_step_raises_the_stored_score_where_it_changes(client, bare):
    organisation, owner = bare
    client.force_login(owner)
    edit = url("companies:organisation_edit", slug=organisation.slug)

    # The profile: a description and a way to reach it (20 + 20 points of 100).
    client.post(
        edit,
        profile_data(organisation, description="Wij onderhouden groen.", phone="011 12 34 56"),
    )
    assert stored(organisation) == 40

    # A logo (10).
    organisation.refresh_from_db()
    client.post(edit, {**profile_data(organisation), "logo": logo()})
    assert stored(organisation) == 50

    # A service with its radius, through the services page (20).
    category = ServiceCategory.objects.order_by("position").first()
    client.post(
        url("companies:services", slug=organisation.slug),
        {"new-category": category.pk, "new-scope": "radius", "new-radius_km": "25"},
    )
    assert stored(organisation) == 70

    # Recognitions (15).
    organisation.recognitions.set(Recognition.objects.all()[:1])
    assert stored(organisation) == 85

    # A collaboration counts once both sides confirmed it (15).
    firm = OrganisationFactory(kind="regular", name="Klant")
    firm_owner = OwnerFactory(organisation=firm).user
    collaboration, _ = collaborations.declare(
        organisation=firm,
        other=organisation,
        role="client",
        category=category,
        started=date(2025, 3, 1),
        channel="directory",
        by=firm_owner,
    )
    assert stored(organisation) == 85
    collaborations.confirm(collaboration, organisation=organisation, by=owner)
    assert stored(organisation) == 100

    # Removing the service takes its points away again.
    organisation.services.get().delete()
    assert stored(organisation) == 80


def test_recognitions_do_not_count_for_a_regular_firm(reference_data, db):
    firm = OrganisationFactory(
        kind="regular", description="Bakkerij.", website="https://bakkerij.example"
    )

    steps = completeness.checklist(firm)["steps"]

    assert "recognitions" not in [step["key"] for step in steps]
    assert abs(sum(step["percent"] for step in steps) - 100) <= len(steps)
    # Description 20 and contact 20 of the 85 points that apply.
    assert completeness.score(firm) == stored(firm) == round(100 * 40 / 85)


# --- The checklist on the profile -------------------------------------------------------------


def test_members_see_the_checklist_with_the_score_and_what_each_step_adds(client, bare):
    organisation, owner = bare
    client.force_login(owner)

    response = client.get(url("companies:profile", slug=organisation.slug))

    text = response.content.decode()
    assert "Your profile is 0 % complete" in text
    for step in completeness.STEPS:
        assert str(step.label) in text
        assert str(step.adds) in text


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_visitors_do_not_see_the_checklist(client, bare, who):
    organisation, _ = bare
    if who == "stranger":
        client.force_login(UserFactory())

    response = client.get(url("companies:profile", slug=organisation.slug))

    assert response.status_code == 200
    assert "Your profile is" not in response.content.decode()
    assert str(completeness.STEPS[0].adds) not in response.content.decode()


def test_the_checklist_is_shown_in_the_owners_language(client, bare):
    organisation, owner = bare
    client.force_login(owner)

    response = client.get(f"/fr/organisations/{organisation.slug}/")

    assert "Votre profil est complet à 0 %" in response.content.decode()


# --- The recommended order --------------------------------------------------------------------


def test_a_more_complete_profile_ranks_first_among_equally_fresh_ones(client, reference_data, db):
    listed_organisation(name="Aa Kaal")
    full = listed_organisation(
        name="Zz Volledig",
        services=["groenonderhoud"],
        description="Groenonderhoud in Limburg.",
        phone="011 12 34 56",
    )

    names = [o.name for o in client.get(DIRECTORY).context["organisations"]]

    assert stored(full) > 0
    assert names == ["Zz Volledig", "Aa Kaal"]


def test_verification_outranks_completeness(client, reference_data, db):
    verified = listed_organisation(name="Mm Geverifieerd", verified_at=timezone.now())
    listed_organisation(
        name="Aa Volledig",
        services=["groenonderhoud"],
        description="Groenonderhoud.",
        phone="011 12 34 56",
    )

    names = [o.name for o in client.get(DIRECTORY).context["organisations"]]

    assert names[0] == verified.name


def test_the_migration_fills_the_score_of_existing_organisations(reference_data, db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("companies.migrations.0014_organisation_freshness_and_completeness")
    organisation = listed_organisation(name="Bestaand", services=["groenonderhoud"])
    expected = stored(organisation)
    Organisation.objects.update(completeness=0)

    migration.fill_completeness(apps, None)

    assert expected == 20
    assert stored(organisation) == expected


def test_refreshing_every_score_at_once_gives_what_each_profile_scores(reference_data, db):
    """refresh_all (one UPDATE, for bulk writes) and score (per profile) count alike."""
    from companies import completeness
    from companies.models import Organisation
    from tests.factories import OrganisationFactory, listed_organisation

    bare = OrganisationFactory(description="", phone="", email="", website="")
    firm = OrganisationFactory(description="Bakkerij", phone="011 22 33 44", logo="logos/x.png")
    enterprise = listed_organisation(services=["groenonderhoud"])
    partner = listed_organisation(services=["catering"])
    collaborations.record(
        regular=firm,
        social=partner,
        role="client",
        started=date(2025, 3, 1),
        channel="directory",
        source="service_request",
    )
    organisations = [bare, firm, enterprise, partner]
    Organisation.objects.update(completeness=0)

    completeness.refresh_all()

    stored = dict(Organisation.objects.values_list("pk", "completeness"))
    assert {o.pk: stored[o.pk] for o in organisations} == {
        o.pk: completeness.score(o) for o in organisations
    }
    assert len({stored[o.pk] for o in organisations}) > 2
