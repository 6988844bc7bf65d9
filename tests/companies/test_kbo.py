"""The KBO register (issue 17, item 4): load_kbo on files in the published format, the
organisation form's check and lookup, stopped enterprises flagged and leaving the directory."""

import csv
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from companies import kbo
from companies.models import KboEnterprise, Organisation
from portal.models import Notification, Region, Sector
from tests.factories import (
    MembershipFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    log_in_as,
    postcode,
)

pytestmark = pytest.mark.django_db

CREATE = "/en/organisations/new/"
CHANGELIST = "/en/admin/companies/organisation/"

ACTIVE = "0403.170.701"  # Groenwerk Tongeren, active
STOPPED = "0882.000.016"  # dissolved: a closing juridical situation
STRUCK = "0450.000.024"  # status other than AC
REORGANISING = "0700.000.005"  # judicial reorganisation: not stopped
FRENCH = "0751.000.031"  # a French name only, no seat
UNKNOWN = "0899.000.057"  # a valid number the KBO does not know
ESTABLISHMENT = "2.100.000.001"


@pytest.fixture(autouse=True)
def english():
    """Messages made outside a request (the command, refusal_for) in the English source."""
    with translation.override("en"):
        yield


def write(directory, name, header, rows):
    with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def extract(directory, *, without=()):
    """A small full extract in the published format (headers and code values as the FPS
    Economy publishes them); the enterprises in `without` are left out."""
    directory.mkdir(exist_ok=True)
    enterprises = [
        [ACTIVE, "AC", "000", "2", "017", "", "09-01-1996"],
        [STOPPED, "AC", "012", "2", "014", "", "15-03-2004"],
        [STRUCK, "ST", "000", "2", "014", "", "01-06-1990"],
        [REORGANISING, "AC", "020", "2", "610", "", "23-11-2011"],
        [FRENCH, "AC", "000", "1", "", "", "02-02-2002"],
    ]
    write(
        directory,
        "enterprise",
        kbo.FILES["enterprise"],
        [row for row in enterprises if row[0] not in without],
    )
    write(
        directory,
        "denomination",
        kbo.FILES["denomination"],
        [
            [ACTIVE, "2", "001", "Groenwerk Tongeren"],
            [ACTIVE, "1", "001", "Groenwerk Tongres"],
            [ACTIVE, "2", "002", "GWT"],
            [ACTIVE, "2", "003", "De Groene Hand"],
            [STOPPED, "2", "001", "Gesloten Bakkerij"],
            [STRUCK, "2", "001", "Oude Drukkerij"],
            [REORGANISING, "2", "001", "Herstart Logistiek"],
            [FRENCH, "1", "001", "Atelier Solidaire"],
            [ESTABLISHMENT, "2", "003", "Winkel Groenwerk"],
        ],
    )
    write(
        directory,
        "address",
        kbo.FILES["address"],
        [
            [
                ACTIVE,
                "REGO",
                "",
                "",
                "3700",
                "Tongeren-Borgloon",
                "Tongres-Looz",
                "Maastrichterstraat",
                "Rue de Maastricht",
                "12",
                "A",
                "",
                "",
            ],
            [
                STOPPED,
                "REGO",
                "",
                "",
                "3500",
                "Hasselt",
                "Hasselt",
                "Grote Markt",
                "Grand-Place",
                "1",
                "",
                "",
                "",
            ],
            [
                ESTABLISHMENT,
                "BAET",
                "",
                "",
                "3000",
                "Leuven",
                "Louvain",
                "Bondgenotenlaan",
                "Boulevard des Alliés",
                "5",
                "",
                "",
                "",
            ],
        ],
    )
    write(
        directory,
        "contact",
        ["EntityNumber", "EntityContact", "ContactType", "Value"],
        [
            [ACTIVE, "ENT", "TEL", "012 34 56 78"],
        ],
    )
    write(
        directory,
        "activity",
        kbo.FILES["activity"],
        [
            [ACTIVE, "001", "2008", "81300", "MAIN"],
            [ACTIVE, "001", "2025", "81300", "MAIN"],
            [ACTIVE, "001", "2025", "88991", "MAIN"],
            [ACTIVE, "001", "2025", "47110", "SECO"],
            [STOPPED, "001", "2008", "10711", "MAIN"],
            [ESTABLISHMENT, "001", "2025", "47190", "MAIN"],
        ],
    )
    write(
        directory,
        "code",
        kbo.FILES["code"],
        [
            ["Status", "AC", "NL", "Actief"],
            ["Status", "AC", "FR", "Actif"],
            ["JuridicalSituation", "000", "NL", "Normale toestand"],
            ["JuridicalSituation", "000", "FR", "Situation normale"],
            ["JuridicalSituation", "012", "NL", "Ontbinding van rechtswege"],
            ["JuridicalSituation", "012", "FR", "Dissolution de plein droit"],
            ["JuridicalSituation", "020", "NL", "Gerechtelijke reorganisatie"],
            ["JuridicalSituation", "020", "FR", "Réorganisation judiciaire"],
            ["Language", "1", "NL", "Frans"],
            ["Language", "2", "NL", "Nederlands"],
            ["TypeOfDenomination", "001", "NL", "Naam"],
        ],
    )
    write(
        directory,
        "meta",
        ["Variable", "Value"],
        [
            ["SnapshotDate", "01-12-2026"],
            ["ExtractTimestamp", "02-12-2026 06:00:00"],
            ["ExtractType", "full"],
            ["ExtractNumber", "150"],
            ["Version", "1.0.0"],
        ],
    )
    return directory


@pytest.fixture
def register(tmp_path, reference_data):
    call_command("load_kbo", str(extract(tmp_path / "kbo")), verbosity=0)
    return tmp_path / "kbo"


# --- Loading --------------------------------------------------------------------------------


def test_load_builds_one_row_per_enterprise_with_names_seat_and_main_nace(register):
    assert KboEnterprise.objects.count() == 5
    entry = KboEnterprise.objects.get(number="0403170701")
    assert entry.name == "Groenwerk Tongeren"
    assert entry.names == {"nl": "Groenwerk Tongeren", "fr": "Groenwerk Tongres"}
    assert (entry.postcode, entry.municipality, entry.street, entry.house_number) == (
        "3700",
        "Tongeren-Borgloon",
        "Maastrichterstraat",
        "12 bus A",
    )
    assert sorted(entry.nace_codes) == ["81300", "88991"]
    assert entry.nace_version == "2025"
    assert entry.start_date.isoformat() == "1996-01-09"
    assert (entry.status, entry.juridical_form, entry.stopped) == ("AC", "017", False)


def test_load_keeps_a_french_name_as_primary_when_there_is_no_dutch_one(register):
    entry = KboEnterprise.objects.get(number="0751000031")
    assert entry.name == "Atelier Solidaire"
    assert (entry.postcode, entry.nace_codes) == ("", [])


def test_load_skips_establishment_units(register):
    assert not KboEnterprise.objects.filter(number__startswith="2").exists()
    assert not KboEnterprise.objects.filter(name="Winkel Groenwerk").exists()


def test_load_marks_stopped_by_status_or_closing_situation_from_code_csv(register):
    stopped = set(KboEnterprise.objects.filter(stopped=True).values_list("number", flat=True))
    assert stopped == {"0882000016", "0450000024"}
    # "Gerechtelijke reorganisatie" is not a closing.
    assert not KboEnterprise.objects.get(number="0700000005").stopped


def test_reloading_is_idempotent_and_drops_enterprises_gone_from_the_extract(register):
    call_command("load_kbo", str(register), verbosity=0)
    assert KboEnterprise.objects.count() == 5
    call_command("load_kbo", str(extract(register, without={FRENCH})), verbosity=0)
    assert KboEnterprise.objects.count() == 4
    assert not KboEnterprise.objects.filter(number="0751000031").exists()


def test_a_file_with_other_columns_is_refused_and_the_register_is_unchanged(register):
    write(register, "address", ["EntityNumber", "Zipcode"], [[ACTIVE, "3700"]])
    with pytest.raises(CommandError, match="does not have the published columns"):
        call_command("load_kbo", str(register), verbosity=0)
    assert KboEnterprise.objects.count() == 5


def test_a_missing_file_is_refused(tmp_path, reference_data):
    directory = extract(tmp_path / "kbo")
    (directory / "activity.csv").unlink()
    with pytest.raises(CommandError, match="activity.csv is missing"):
        call_command("load_kbo", str(directory), verbosity=0)
    assert not KboEnterprise.objects.exists()


def test_a_broken_csv_is_refused_with_a_message_and_loads_nothing(tmp_path, reference_data):
    directory = extract(tmp_path / "kbo")
    with (directory / "enterprise.csv").open("a", encoding="utf-8") as file:
        file.write('"0403.170.701","AC","000\r\n')
    with pytest.raises(CommandError):
        call_command("load_kbo", str(directory), verbosity=0)
    assert not KboEnterprise.objects.exists()


# --- refusal_for and the organisation form -----------------------------------------------------


def form_data(**changes):
    data = {
        "kind": "social",
        "name": "Groenwerk Tongeren",
        "enterprise_number": ACTIVE,
        "street": "Maastrichterstraat 12",
        "postcode": "3700",
        "show_collaborations": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def founder(client, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = UserFactory(name="Fien Founder")
    client.force_login(user)
    return user


def test_without_the_register_any_valid_number_is_accepted(client, founder):
    assert kbo.refusal_for(UNKNOWN) is None
    response = client.post(CREATE, form_data(enterprise_number=UNKNOWN))
    assert response.status_code == 302
    assert Organisation.objects.filter(enterprise_number="0899000057").exists()


def test_refusal_for_says_why_with_the_register_loaded(register):
    assert kbo.refusal_for(ACTIVE) is None
    assert kbo.refusal_for("BE0700000005") is None
    assert "does not know the enterprise number 0899.000.057" in kbo.refusal_for(UNKNOWN)
    assert "0882.000.016 has stopped" in kbo.refusal_for(STOPPED)
    assert "has stopped" in kbo.refusal_for(STRUCK)
    with translation.override("nl"):
        assert "kent het ondernemingsnummer 0899.000.057 niet" in kbo.refusal_for(UNKNOWN)
    with translation.override("fr"):
        assert "l’entreprise 0882.000.016 a cessé ses activités" in kbo.refusal_for(STOPPED)


def test_an_unknown_number_is_refused_on_the_create_form_and_the_input_kept(
    client, founder, register
):
    response = client.post(CREATE, form_data(enterprise_number=UNKNOWN, name="Nieuw Atelier"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "does not know the enterprise number 0899.000.057" in page
    assert 'value="Nieuw Atelier"' in page
    assert not Organisation.objects.exists()


def test_a_stopped_number_is_refused_on_the_create_form(client, founder, register):
    response = client.post(CREATE, form_data(enterprise_number=STOPPED))
    assert response.status_code == 200
    assert "has stopped. A stopped enterprise cannot be registered." in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_known_active_number_is_accepted(client, founder, register):
    response = client.post(CREATE, form_data())
    assert response.status_code == 302
    assert Organisation.objects.get().enterprise_number == "0403170701"


def test_a_stopped_organisation_may_still_edit_its_profile_with_its_own_number(
    client, reference_data, register
):
    organisation = SocialEnterpriseFactory(
        enterprise_number="0882000016", postcode=postcode("3500")
    )
    owner = OwnerFactory(organisation=organisation).user
    client.force_login(owner)
    url = f"/en/organisations/{organisation.slug}/edit/"
    data = form_data(name="Gesloten Bakkerij", enterprise_number=STOPPED, postcode="3500")
    assert client.post(url, data).status_code == 302
    # Moving to another stopped number is refused.
    response = client.post(url, {**data, "enterprise_number": STRUCK})
    assert response.status_code == 200
    assert "has stopped" in response.content.decode()


def test_the_lookup_fills_the_empty_fields_and_keeps_what_was_typed(client, founder, register):
    response = client.post(
        CREATE,
        {
            "kbo_lookup": "1",
            "kind": "social",
            "enterprise_number": "BE0403170701",
            "name": "",
            "street": "Mijn eigen straat 5",
            "postcode": "",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    page = response.content.decode()
    assert 'value="Groenwerk Tongeren"' in page
    assert 'value="Mijn eigen straat 5"' in page  # typed: not overwritten
    assert 'value="3700"' in page
    ticked = {str(pk) for pk in form.initial["sectors"]}
    expected = Sector.objects.filter(code__in=["O", "R"]).values_list("pk", flat=True)
    assert ticked == {str(pk) for pk in expected}
    assert "Filled in from the KBO" in page
    assert not Organisation.objects.exists()


def test_the_lookup_of_an_unknown_number_says_so_and_keeps_the_input(client, founder, register):
    response = client.post(
        CREATE,
        {
            "kbo_lookup": "1",
            "kind": "regular",
            "enterprise_number": UNKNOWN,
            "name": "Mijn Atelier",
        },
    )
    page = response.content.decode()
    assert "does not know the enterprise number" in page
    assert 'value="Mijn Atelier"' in page


def test_the_lookup_without_the_register_says_it_is_not_loaded(client, founder):
    response = client.post(
        CREATE, {"kbo_lookup": "1", "kind": "regular", "enterprise_number": ACTIVE}
    )
    assert "The KBO register is not loaded on this portal" in response.content.decode()


def test_the_lookup_needs_a_member_of_the_organisation(client, reference_data, register):
    organisation = SocialEnterpriseFactory(enterprise_number="0403170701")
    url = f"/en/organisations/{organisation.slug}/edit/"
    data = {"kbo_lookup": "1", "enterprise_number": ACTIVE}
    assert client.post(CREATE, data).status_code == 302  # anonymous: to the login page
    assert client.post(url, data).status_code == 302
    client.force_login(UserFactory())
    assert client.post(url, data).status_code == 404  # a stranger
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    response = client.post(url, {**data, "name": ""})
    assert response.status_code == 200
    assert 'value="Groenwerk Tongeren"' in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.street != "Maastrichterstraat 12 bus A"  # nothing saved


# --- Stopped organisations on the portal ---------------------------------------------------------


@pytest.fixture
def stopped_organisation(reference_data):
    organisation = SocialEnterpriseFactory(
        name="Gesloten Bakkerij", enterprise_number="0882000016", postcode=postcode("3700")
    )
    owner = OwnerFactory(organisation=organisation, user__language="nl").user
    MembershipFactory(organisation=organisation)  # an editor: not emailed
    return organisation, owner


def test_loading_flags_a_stopped_organisation_and_tells_its_owners_once(
    tmp_path, stopped_organisation, django_capture_on_commit_callbacks
):
    organisation, owner = stopped_organisation
    active = SocialEnterpriseFactory(enterprise_number="0403170701")
    directory = extract(tmp_path / "kbo")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_kbo", str(directory), verbosity=0)
        call_command("load_kbo", str(directory), verbosity=0)

    organisation.refresh_from_db()
    active.refresh_from_db()
    assert organisation.kbo_stopped_on == timezone.localdate()
    assert active.kbo_stopped_on is None
    rows = Notification.objects.filter(kind="organisation_status")
    assert [row.recipient for row in rows] == [owner]
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "Gesloten Bakkerij" in mail.outbox[0].subject


def test_an_organisation_active_again_loses_the_flag(tmp_path, stopped_organisation):
    organisation, _owner = stopped_organisation
    directory = extract(tmp_path / "kbo")
    call_command("load_kbo", str(directory), verbosity=0)
    (directory / "enterprise.csv").write_text(
        (directory / "enterprise.csv").read_text().replace('"AC","012"', '"AC","000"')
    )
    call_command("load_kbo", str(directory), verbosity=0)
    organisation.refresh_from_db()
    assert organisation.kbo_stopped_on is None


def directory_names(client):
    response = client.get("/en/organisations/")
    return {organisation.name for organisation in response.context["organisations"]}


def test_a_stopped_organisation_leaves_the_directory_after_the_grace_period(
    client, tmp_path, stopped_organisation, monkeypatch, settings
):
    settings.KBO_STOPPED_GRACE_DAYS = 90
    call_command("load_kbo", str(extract(tmp_path / "kbo")), verbosity=0)
    today = timezone.localdate()
    assert "Gesloten Bakkerij" in directory_names(client)

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=89))
    assert "Gesloten Bakkerij" in directory_names(client)

    # It leaves on the day the email and the admin announced: 90 days after the stop.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=90))
    assert "Gesloten Bakkerij" not in directory_names(client)
    # Its profile stays reachable for its owners and the regisseur.
    assert client.get(f"/en/organisations/{stopped_organisation[0].slug}/").status_code == 200


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def regisseur(reference_data):
    user = StaffFactory()
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(user)
    return user


def test_the_admin_filters_and_flags_organisations_stopped_according_to_the_kbo(
    client, tmp_path, stopped_organisation, regisseur
):
    organisation, _owner = stopped_organisation
    SocialEnterpriseFactory(name="Levend Atelier", postcode=postcode("3700"))
    call_command("load_kbo", str(extract(tmp_path / "kbo")), verbosity=0)
    log_in_as(client, regisseur)

    response = client.get(CHANGELIST, {"kbo_stopped": "yes"})
    assert [o.name for o in response.context["cl"].result_list] == ["Gesloten Bakkerij"]
    assert "Stopped according to the KBO" in response.content.decode()

    page = client.get(f"{CHANGELIST}{organisation.pk}/change/").content.decode()
    assert "Stopped according to the KBO since" in page


def test_the_admin_says_when_the_register_is_not_loaded(client, regisseur, tmp_path):
    log_in_as(client, regisseur)
    assert "The KBO register is not loaded" in client.get(CHANGELIST).content.decode()
    call_command("load_kbo", str(extract(tmp_path / "kbo")), verbosity=0)
    assert "The KBO register is not loaded" not in client.get(CHANGELIST).content.decode()
