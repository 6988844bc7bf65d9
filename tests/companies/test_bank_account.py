"""The account the regie pays vouchers to (companies/bank_accounts.py): checked with
python-stdnum, stored compact, shown grouped, seen by the members (owners change it), never public.

`world` (tests/companies/conftest.py): a social enterprise in Tongeren with an owner, an editor
and a colleague (editor); the social enterprise factory gives it BE71 0961 2345 6769.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies import bank_accounts
from companies.models import Organisation
from portal.models import AuditEntry
from tests.factories import OrganisationFactory, OwnerFactory

pytestmark = pytest.mark.django_db

VALID = "BE68 5390 0754 7034"
COMPACT = "BE68539007547034"


def url(organisation, language="en"):
    prefix = "" if language == "nl" else f"/{language}"
    return f"{prefix}/organisations/{organisation.slug}/bank-account/"


def iban_of(organisation):
    return Organisation.objects.get(pk=organisation.pk).iban


# --- the check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["BE68 5390 0754 7034", "be68539007547034", " BE68-5390-0754-7034 ", "BE68.5390.0754.7034"],
)
def test_an_iban_is_stored_compact_and_upper_case(spelling):
    assert bank_accounts.normalise(spelling) == COMPACT


def test_a_foreign_iban_passes_its_own_country_rules():
    assert bank_accounts.normalise("NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"


def test_an_iban_is_shown_in_groups_of_four():
    assert bank_accounts.display(COMPACT) == VALID
    assert Organisation(iban=COMPACT).iban_display == VALID
    assert Organisation().iban_display == ""


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (
            "BE69 5390 0754 7034",
            "iban_checksum",
            "The check digits of this IBAN do not match the rest: look for a typing error.",
        ),
        (
            "BE68 5390 0754 703",
            "iban_length",
            "A Belgian IBAN has 16 characters (BE and 14 digits); this one has 15.",
        ),
        (
            "BE68 5390 0754 70AB",
            "iban_format",
            "A Belgian IBAN has digits only after BE, e.g. BE68 5390 0754 7034.",
        ),
        (
            "5390 0754 7034",
            "iban_format",
            "An IBAN starts with two letters and two digits, followed by letters and digits "
            "only, e.g. BE68 5390 0754 7034.",
        ),
        (
            "BE68 5390 0754 7034!",
            "iban_format",
            "An IBAN starts with two letters and two digits, followed by letters and digits "
            "only, e.g. BE68 5390 0754 7034.",
        ),
        ("NL91 ABNA 0417 1643 01", "iban_checksum", None),
        ("XX09 1234 5678", "iban_country", "XX is not the code of a country that uses IBANs."),
    ],
)
def test_a_bad_iban_says_what_is_wrong(value, code, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            bank_accounts.normalise(value)
        said = raised.value.messages

    assert raised.value.code == code
    if message:
        assert said == [message]


def test_the_model_refuses_a_bad_iban_and_stores_a_good_one_compact(reference_data):
    organisation = OrganisationFactory(iban="be68 5390 0754 7034")
    assert iban_of(organisation) == COMPACT

    organisation.iban = "BE69539007547034"
    with pytest.raises(ValidationError) as raised:
        organisation.full_clean()
    assert "iban" in raised.value.message_dict


# --- the page: who may ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(url(world.organisation))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["stranger", "regisseur", "other_regisseur", "administrator"])
def test_who_is_not_a_member_does_not_find_the_page(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get(url(world.organisation)).status_code == 404
    assert client.post(url(world.organisation), {"iban": VALID}).status_code == 404
    assert iban_of(world.organisation) == "BE71096123456769"


def test_a_member_of_another_organisation_does_not_find_it(client, world, other_world):
    client.force_login(other_world.owner)

    assert client.get(url(world.organisation)).status_code == 404


def test_an_editor_sees_the_account_but_may_not_change_it(client, world):
    client.force_login(world.editor)

    page = client.get(url(world.organisation))
    refused = client.post(url(world.organisation), {"iban": VALID})

    assert page.status_code == 200
    text = page.content.decode()
    assert "BE71 0961 2345 6769" in text
    assert "Only the owners of the organisation can change the bank account" in text
    assert 'name="iban"' not in text
    assert refused.status_code == 403
    assert iban_of(world.organisation) == "BE71096123456769"


def test_an_owner_changes_the_account_and_the_audit_log_keeps_both(client, world):
    client.force_login(world.owner)

    response = client.post(url(world.organisation), {"iban": "be68-5390-0754-7034"})

    assert response.status_code == 302
    assert response["Location"] == url(world.organisation)
    assert iban_of(world.organisation) == COMPACT
    entry = AuditEntry.objects.get(action="organisation.bank_account_changed")
    assert entry.actor == world.owner
    assert entry.object_id == str(world.organisation.pk)
    assert entry.changes == {"before": "BE71096123456769", "after": COMPACT}
    page = client.get(response["Location"]).content.decode()
    assert VALID in page
    assert "The bank account was saved." in page


def test_every_owner_hears_of_a_new_account_in_their_language_and_the_editor_does_not(
    client, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    second = OwnerFactory(organisation=world.organisation, user__language="fr").user
    client.force_login(world.owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.organisation), {"iban": "be68-5390-0754-7034"})

    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {world.owner.email, second.email}
    dutch, french = sent[world.owner.email], sent[second.email]
    assert "De bankrekening van" in dutch.subject
    assert "Olga Owner heeft de bankrekening gewijzigd" in dutch.body
    assert "Voorheen: BE … 6769" in dutch.body and "Nu: BE … 7034" in dutch.body
    assert "Le compte bancaire de" in french.subject
    # The whole number is in no email: the owner looks it up on the page.
    assert COMPACT not in dutch.body + french.body
    assert f"/organisations/{world.organisation.slug}/bank-account/" in dutch.body


def test_a_notice_of_a_new_account_cannot_be_switched_off(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from portal.models import Frequency, NotificationPreference
    from portal.notifications import configurable_kinds

    assert "bank_account" not in configurable_kinds()
    NotificationPreference.objects.create(
        user=world.owner, kind="bank_account", frequency=Frequency.OFF
    )

    with django_capture_on_commit_callbacks(execute=True):
        bank_accounts.set_iban(world.organisation, by=world.editor, number=COMPACT)

    assert [message.to for message in mail.outbox] == [[world.owner.email]]


def test_saving_the_same_account_writes_no_audit_entry(client, world):
    client.force_login(world.owner)

    client.post(url(world.organisation), {"iban": "BE71 0961 2345 6769"})

    assert not AuditEntry.objects.filter(action="organisation.bank_account_changed").exists()


@pytest.mark.parametrize(
    ("language", "value", "message"),
    [
        ("en", "", "Give the IBAN of the account."),
        (
            "en",
            "BE69 5390 0754 7034",
            "The check digits of this IBAN do not match the rest: look for a typing error.",
        ),
        (
            "nl",
            "BE68 5390 0754 703",
            "Een Belgisch IBAN heeft 16 tekens (BE en 14 cijfers); dit heeft er 15.",
        ),
        (
            "fr",
            "BE68 5390 0754 70AB",
            "Un IBAN belge ne contient que des chiffres après BE, p. ex. BE68 5390 0754 7034.",
        ),
    ],
)
def test_a_bad_iban_comes_back_with_a_translated_error_and_changes_nothing(
    client, world, language, value, message
):
    client.force_login(world.owner)

    response = client.post(url(world.organisation, language), {"iban": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert iban_of(world.organisation) == "BE71096123456769"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("value", ["BE68\x005390", "𝟗" * 40, "x" * 5000, "<script>"])
def test_hostile_input_is_refused_without_an_error_page(client, world, value):
    client.force_login(world.owner)

    response = client.post(url(world.organisation), {"iban": value})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert iban_of(world.organisation) == "BE71096123456769"


def test_an_organisation_that_is_not_a_social_enterprise_has_no_such_page(client, world):
    firm = OrganisationFactory()
    client.force_login(OwnerFactory(organisation=firm).user)

    assert client.get(url(firm)).status_code == 404


def test_the_organisation_pages_link_to_it(client, world):
    client.force_login(world.editor)

    page = client.get(f"/en/organisations/{world.organisation.slug}/edit/").content.decode()

    assert f'href="{url(world.organisation)}"' in page


# --- never public ---------------------------------------------------------------------------------


def test_the_account_is_never_on_the_public_profile_or_in_the_directory_csv(client, world):
    world.organisation.verified_at = world.organisation.created_at
    world.organisation.save()

    profile = client.get(f"/en/organisations/{world.organisation.slug}/").content.decode()
    listing = client.get("/en/organisations/", {"format": "csv"})
    csv_text = b"".join(listing.streaming_content).decode() if listing.streaming else ""
    csv_text = csv_text or listing.content.decode()

    assert world.organisation.name in csv_text
    for spelling in ("BE71096123456769", "BE71 0961 2345 6769"):
        assert spelling not in profile
        assert spelling not in csv_text
