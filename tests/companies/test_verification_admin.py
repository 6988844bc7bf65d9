"""Regisseurs verify the organisations of their regions in the admin; administrators anywhere."""

import pytest
from django.utils import timezone

from companies.models import Membership, Organisation
from portal.models import Region
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/companies/organisation/"


@pytest.fixture
def organisations(reference_data):
    return {
        "mine": OrganisationFactory(name="Ongecontroleerd Tongeren", postcode=postcode("3700")),
        "mine_verified": OrganisationFactory(
            name="Gecontroleerd Tongeren", postcode=postcode("3700"), verified_at=timezone.now()
        ),
        "elsewhere": OrganisationFactory(name="Ongecontroleerd Gent", postcode=postcode("9000")),
    }


@pytest.fixture
def regisseur(reference_data):
    user = StaffFactory()
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(user)
    return user


def listed(response):
    return {organisation.name for organisation in response.context["cl"].result_list}


def test_the_filter_lists_the_unverified_organisations_of_my_regions(
    client, organisations, regisseur
):
    log_in_as(client, regisseur)

    response = client.get(CHANGELIST, {"scope": "unverified-mine"})

    assert response.status_code == 200
    assert listed(response) == {"Ongecontroleerd Tongeren"}
    assert "To verify, in my regions" in response.content.decode()


def verify(client, *organisations):
    return client.post(
        CHANGELIST,
        {"action": "verify", "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


def test_a_regisseur_verifies_in_their_regions_and_is_refused_elsewhere(
    client, organisations, regisseur
):
    log_in_as(client, regisseur)

    response = verify(client, organisations["mine"], organisations["elsewhere"])

    page = response.content.decode()
    mine = Organisation.objects.get(pk=organisations["mine"].pk)
    assert mine.is_verified
    assert mine.verified_by == regisseur
    assert not Organisation.objects.get(pk=organisations["elsewhere"].pk).is_verified
    assert "1 organisation verified." in page
    assert "1 organisation lies outside your regions and was not verified." in page


def test_an_administrator_verifies_anywhere(client, organisations):
    administrator = StaffFactory(is_superuser=True)
    log_in_as(client, administrator)

    verify(client, organisations["mine"], organisations["elsewhere"])

    assert Organisation.objects.filter(verified_at__isnull=False).count() == 3


def test_a_staff_member_without_regions_sees_no_organisations(client, organisations):
    log_in_as(client, StaffFactory())

    index = client.get("/en/admin/")
    changelist = client.get(CHANGELIST)

    assert "/admin/companies/organisation/" not in index.content.decode()
    assert changelist.status_code == 403


def test_a_regisseur_cannot_change_a_profile_in_the_admin(client, organisations, regisseur):
    organisation = organisations["mine"]
    log_in_as(client, regisseur)

    client.post(
        f"{CHANGELIST}{organisation.pk}/change/",
        {"name": "Door de regisseur hernoemd", "kind": "regular"},
    )

    organisation.refresh_from_db()
    assert organisation.name == "Ongecontroleerd Tongeren"


def test_verifying_tells_the_members_in_their_language(django_capture_on_commit_callbacks):
    from django.core import mail

    from companies import verification
    from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory

    organisation = OrganisationFactory(verified_at=None)
    member = MembershipFactory(organisation=organisation, user__language="fr").user
    admin = StaffFactory(is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        verification.verify(organisation, by=admin)
        verification.verify(organisation, by=admin)  # already verified: no second email

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert organisation.name in mail.outbox[0].subject


def test_a_regisseur_sees_an_organisation_in_the_admin_without_its_people(
    client, organisations, regisseur
):
    # Regisseurs have no model permissions on memberships: the change page of an organisation,
    # in their regions or not, shows no member names or addresses.
    log_in_as(client, regisseur)

    for organisation in (organisations["mine"], organisations["elsewhere"]):
        MembershipFactory(organisation=organisation, user__email=f"lid{organisation.pk}@x.be")
        response = client.get(f"{CHANGELIST}{organisation.pk}/change/")
        assert response.status_code == 200
        shown = {formset.opts.model for formset in response.context["inline_admin_formsets"]}
        assert Membership not in shown
    # Only the members panel of an organisation of their regions names them (issue 19).
    mine = client.get(f"{CHANGELIST}{organisations['mine'].pk}/change/").content.decode()
    elsewhere = client.get(f"{CHANGELIST}{organisations['elsewhere'].pk}/change/")
    assert f"lid{organisations['mine'].pk}@x.be" in mine
    assert f"lid{organisations['elsewhere'].pk}@x.be" not in elsewhere.content.decode()


# --- Issue 19: deciding with the facts at hand ---------------------------------------------------

from datetime import date  # noqa: E402

from allauth.account.models import EmailAddress  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from companies import profiles, verification  # noqa: E402
from companies.models import KboEnterprise, Recognition, RegieNote  # noqa: E402
from portal import workqueue  # noqa: E402
from portal.models import AuditEntry  # noqa: E402
from tests.factories import OwnerFactory, UserFactory, region  # noqa: E402


def change_url(organisation):
    return f"{CHANGELIST}{organisation.pk}/change/"


def page_url(organisation, name):
    return f"{CHANGELIST}{organisation.pk}/{name}/"


@pytest.fixture
def people(organisations, regisseur):
    organisation = organisations["mine"]
    owner = OwnerFactory(
        organisation=organisation, user__name="Olga Eigenaar", user__email="olga@example.be"
    ).user
    editor = MembershipFactory(
        organisation=organisation,
        user__name="Eddy Nieuw",
        user__email="eddy@example.be",
        user__verified=False,
    ).user
    other = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other)
    return {
        "regisseur": regisseur,
        "other_regisseur": other,
        "staff": StaffFactory(name="Stijn Zonder Regio"),
        "admin": StaffFactory(name="Ada Admin", is_superuser=True),
        "owner": owner,
        "editor": editor,
    }


def kbo_entry(organisation, **fields):
    return KboEnterprise.objects.create(
        number=organisation.enterprise_number,
        status="AC",
        juridical_form="014",
        name="Ongecontroleerd Tongeren NV",
        names={"nl": "Ongecontroleerd Tongeren NV", "fr": "Tongres Non Contrôlé SA"},
        postcode="3700",
        municipality="Tongeren",
        street="Grote Markt",
        house_number="1",
        nace_codes=["88101", "81300"],
        nace_version="2025",
        start_date=date(2010, 3, 1),
        loaded_at=timezone.now(),
        **fields,
    )


def test_the_regisseur_sees_the_facts_to_decide_on(client, organisations, people):
    organisation = organisations["mine"]
    organisation.created_by = people["owner"]
    organisation.save()
    organisation.recognitions.add(Recognition.objects.order_by("pk").first())
    kbo_entry(organisation)
    log_in_as(client, people["regisseur"])

    response = client.get(change_url(organisation))

    assert response.status_code == 200
    html = response.content.decode()
    assert "To decide on" in html
    assert "Created on" in html and "Olga Eigenaar (olga@example.be)" in html
    assert "olga@example.be&gt;, Owner, address verified" in html
    assert "eddy@example.be&gt;, Editor, address not verified" in html
    assert "Tongres Non Contrôlé SA (fr)" in html
    assert "Grote Markt 1 3700 Tongeren" in html
    assert "88101, 81300" in html
    assert "014" in html
    number = organisation.enterprise_number
    assert (
        f"https://kbopub.economie.fgov.be/kbopub/toonondernemingps.html?ondernemingsnummer={number}"
    ) in html
    assert str(Recognition.objects.order_by("pk").first()) in html
    assert 'id="organisation-verify"' in html
    assert 'id="organisation-reject"' in html


def test_without_the_register_the_page_says_so_and_still_links_to_the_kbo(
    client, organisations, people
):
    log_in_as(client, people["regisseur"])

    html = client.get(change_url(organisations["mine"])).content.decode()

    assert "The KBO register is not loaded here." in html
    assert "kbopub.economie.fgov.be" in html


def test_the_regisseurs_page_is_view_only_without_save_buttons(client, organisations, people):
    log_in_as(client, people["regisseur"])

    html = client.get(change_url(organisations["mine"])).content.decode()

    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert "Search text" not in html and "Search vector" not in html


def test_a_regisseur_of_another_region_sees_no_facts_buttons_or_notes(
    client, organisations, people
):
    RegieNote.objects.create(
        organisation=organisations["mine"], author=people["regisseur"], text="Geheim bezoek"
    )
    log_in_as(client, people["other_regisseur"])

    response = client.get(change_url(organisations["mine"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "olga@example.be" not in html
    assert "organisation-verify" not in html
    assert "Geheim bezoek" not in html
    assert 'name="_save"' not in html


ROLES_404 = ["other_regisseur", "staff"]


@pytest.mark.parametrize("name", ["verify", "reject", "notes"])
@pytest.mark.parametrize("role", ROLES_404)
def test_others_get_404_on_the_decision_pages_and_change_nothing(
    client, organisations, people, name, role
):
    organisation = organisations["mine"]
    log_in_as(client, people[role])

    got = client.get(page_url(organisation, name))
    posted = client.post(page_url(organisation, name), {"reason": "Nee", "text": "Nota"})

    assert (got.status_code, posted.status_code) == (404, 404)
    organisation.refresh_from_db()
    assert organisation.verified_at is None and organisation.rejected_at is None
    assert not RegieNote.objects.exists()


@pytest.mark.parametrize("name", ["verify", "reject", "notes"])
@pytest.mark.parametrize("role", ["owner", None])
def test_members_and_visitors_are_sent_to_log_in(client, organisations, people, name, role):
    organisation = organisations["mine"]
    if role:
        client.force_login(people[role])

    got = client.get(page_url(organisation, name))
    posted = client.post(page_url(organisation, name), {"reason": "Nee", "text": "Nota"})

    assert got.status_code == posted.status_code == 302
    assert "/login/" in got["Location"]
    organisation.refresh_from_db()
    assert organisation.verified_at is None and organisation.rejected_at is None
    assert not RegieNote.objects.exists()


@pytest.mark.parametrize("role", ["regisseur", "admin"])
def test_verify_from_the_page_asks_then_verifies_with_audit_and_email(
    client, organisations, people, role, django_capture_on_commit_callbacks
):
    organisation = organisations["mine"]
    log_in_as(client, people[role])

    asked = client.get(page_url(organisation, "verify"))
    organisation.refresh_from_db()
    assert asked.status_code == 200 and organisation.verified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(page_url(organisation, "verify"))

    assert done.status_code == 302 and done["Location"] == change_url(organisation)
    organisation.refresh_from_db()
    assert organisation.verified_by == people[role]
    assert AuditEntry.objects.filter(action="organisation.verified").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["eddy@example.be", "olga@example.be"]


def test_reject_needs_a_reason(client, organisations, people):
    organisation = organisations["mine"]
    log_in_as(client, people["regisseur"])

    response = client.post(page_url(organisation, "reject"), {"reason": "   "})

    assert response.status_code == 200
    assert "Give the reason for the rejection." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.rejected_at is None


def test_a_reason_longer_than_allowed_is_refused_clearly(client, organisations, people):
    log_in_as(client, people["regisseur"])

    response = client.post(page_url(organisations["mine"], "reject"), {"reason": "x" * 2001})

    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()


def test_rejecting_records_tells_the_members_and_leaves_the_queue(
    client, organisations, people, django_capture_on_commit_callbacks
):
    organisation = organisations["mine"]
    log_in_as(client, people["regisseur"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page_url(organisation, "reject"), {"reason": "Geen activiteit in Vlaanderen."}
        )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.rejected_by == people["regisseur"]
    assert organisation.rejection_reason == "Geen activiteit in Vlaanderen."
    entry = AuditEntry.objects.get(action="organisation.rejected")
    assert entry.changes["reason"] == "Geen activiteit in Vlaanderen."
    assert len(mail.outbox) == 2
    assert "Geen activiteit in Vlaanderen." in mail.outbox[0].body
    assert f"/organisations/{organisation.slug}/edit/" in mail.outbox[0].body
    assert organisation not in Organisation.objects.awaiting_verification()
    # The queue no longer counts it, and its link no longer lists it.
    queue = workqueue.queue_for(people["regisseur"])
    counted = {item.section.slug: item.count for queued in queue.regions for item in queued.items}
    assert "organisations-to-verify" not in counted
    listed_now = client.get(CHANGELIST, {"scope": "unverified"})
    assert organisation not in listed_now.context["cl"].result_list
    rejected = client.get(CHANGELIST, {"scope": "rejected"})
    assert list(rejected.context["cl"].result_list) == [organisation]
    # The page says so, and offers only Verify.
    html = client.get(change_url(organisation)).content.decode()
    assert "Reason: Geen activiteit in Vlaanderen." in html
    assert 'id="organisation-reject"' not in html
    assert 'id="organisation-verify"' in html


def test_members_who_switched_verification_emails_off_still_learn_why_it_was_rejected(
    organisations, people, django_capture_on_commit_callbacks
):
    from portal.models import Frequency, NotificationPreference

    NotificationPreference.objects.create(
        user=people["owner"], kind="organisation_verified", frequency=Frequency.OFF
    )

    with django_capture_on_commit_callbacks(execute=True):
        verification.reject(organisations["mine"], by=people["regisseur"], reason="Onvolledig.")

    assert people["owner"].email in {address for message in mail.outbox for address in message.to}


def test_a_rejected_organisation_waits_again_when_its_members_change_the_profile(
    organisations, people
):
    organisation = organisations["mine"]
    verification.reject(organisation, by=people["regisseur"], reason="Adres klopt niet.")

    profiles.update_profile(organisation, by=people["owner"], data={"street": "Nieuwstraat 2"})

    organisation.refresh_from_db()
    assert organisation.rejected_at is None
    assert organisation in Organisation.objects.awaiting_verification()
    assert AuditEntry.objects.filter(action="organisation.rejected").exists()


def test_verifying_a_rejected_organisation_clears_the_rejection(organisations, people):
    organisation = organisations["mine"]
    verification.reject(organisation, by=people["regisseur"], reason="Twijfel.")

    verification.verify(organisation, by=people["admin"])

    organisation.refresh_from_db()
    assert organisation.is_verified
    assert (organisation.rejected_at, organisation.rejected_by, organisation.rejection_reason) == (
        None,
        None,
        "",
    )


def test_the_business_functions_refuse_whoever_may_not_decide(organisations, people):
    from django.core.exceptions import PermissionDenied

    organisation = organisations["mine"]
    for who in (people["other_regisseur"], people["staff"], people["owner"]):
        with pytest.raises(PermissionDenied):
            verification.reject(organisation, by=who, reason="Nee")
        with pytest.raises(PermissionDenied):
            verification.verify(organisation, by=who)


def test_the_verify_list_action_stays(client, organisations, people):
    log_in_as(client, people["regisseur"])

    page = client.get(CHANGELIST).content.decode()

    assert 'value="verify"' in page


# --- Regie notes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["regisseur", "admin"])
def test_regisseurs_and_administrators_add_and_read_notes_newest_first(
    client, organisations, people, role
):
    organisation = organisations["mine"]
    RegieNote.objects.create(
        organisation=organisation,
        author=people["regisseur"],
        written_on=date(2026, 1, 5),
        text="Eerste bezoek",
    )
    log_in_as(client, people[role])

    response = client.post(
        page_url(organisation, "notes"), {"written_on": "2026-03-02", "text": "Belafspraak"}
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(organisation) + "#regie-notes"
    note = RegieNote.objects.get(text="Belafspraak")
    assert (note.author, note.written_on) == (people[role], date(2026, 3, 2))
    html = client.get(change_url(organisation)).content.decode()
    assert html.index("Belafspraak") < html.index("Eerste bezoek")
    assert people[role].get_full_name() in html


def test_a_note_needs_text_and_a_date_and_at_most_2000_characters(client, organisations, people):
    log_in_as(client, people["regisseur"])
    url = page_url(organisations["mine"], "notes")

    empty = client.post(url, {"written_on": "", "text": ""})
    long = client.post(url, {"written_on": "2026-03-02", "text": "x" * 2001})
    bad_date = client.post(url, {"written_on": "2026-02-31", "text": "Nota"})

    assert empty.status_code == long.status_code == bad_date.status_code == 200
    assert "Write the note." in empty.content.decode()
    assert "at most 2000 characters" in long.content.decode()
    assert "Enter a valid date." in bad_date.content.decode()
    assert not RegieNote.objects.exists()


def test_notes_appear_nowhere_for_the_members(client, organisations, people):
    organisation = organisations["mine"]
    RegieNote.objects.create(
        organisation=organisation, author=people["regisseur"], text="Beloofde een offerte"
    )
    client.force_login(people["owner"])

    pages = [
        f"/en/organisations/{organisation.slug}/",
        f"/en/organisations/{organisation.slug}/edit/",
        "/en/dashboard/",
        "/en/account/privacy/",
        "/account/privacy/export/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Beloofde een offerte" not in response.content, url
    client.logout()
    public = client.get(f"/en/organisations/{organisation.slug}/")
    assert b"Beloofde een offerte" not in public.content


def test_the_privacy_page_says_regie_notes_exist_and_who_sees_them(client, db):
    english = client.get("/en/privacy/").content.decode()
    dutch = client.get("/privacy/").content.decode()
    french = client.get("/fr/privacy/").content.decode()

    assert "Regie notes" in english
    assert "Only the regisseurs of the organisation's region and administrators" in english
    assert "Regienotities" in dutch
    assert "Notes de la régie" in french


def test_a_deleted_authors_notes_stay_without_their_name(organisations, people):
    note = RegieNote.objects.create(
        organisation=organisations["mine"], author=people["regisseur"], text="Bezoek"
    )

    people["regisseur"].delete()

    note.refresh_from_db()
    assert note.author is None


# --- Query counts --------------------------------------------------------------------------------


def change_page_queries(client, organisation):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(organisation))
    assert response.status_code == 200
    return len(queries)


def test_the_change_page_costs_the_same_with_1_and_10_members(
    client, organisations, people, django_assert_num_queries
):
    organisation = organisations["mine"]
    Membership.objects.filter(organisation=organisation).exclude(user=people["owner"]).delete()
    RegieNote.objects.create(organisation=organisation, author=people["regisseur"], text="Een")
    log_in_as(client, people["regisseur"])
    client.get(change_url(organisation))  # warm the caches (sessions, reference data)

    with_one = change_page_queries(client, organisation)
    for n in range(9):
        user = UserFactory(email=f"lid{n}@example.be")
        MembershipFactory(organisation=organisation, user=user)
        RegieNote.objects.create(organisation=organisation, author=user, text=f"Nota {n}")
    assert EmailAddress.objects.filter(user__memberships__organisation=organisation).count() == 10

    with django_assert_num_queries(with_one):
        client.get(change_url(organisation))
    print(f"organisation change page, regisseur: {with_one} queries with 1 and 10 members")
