"""Applying for a voucher: who may, the provider list and its search, every refusal of the
lifecycle shown on the form with the input kept, and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from companies.access import ACTING_SESSION_KEY
from portal.models import ServiceCategory
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    VoucherFactory,
    in_days,
    postcode,
)
from vouchers import views
from vouchers.models import Voucher, VoucherEvent, VoucherStatus

pytestmark = pytest.mark.django_db

USE = "Maaien en snoeien rond ons magazijn, een seizoen lang."


def url(programme):
    return f"/en/vouchers/{programme.slug}/apply/"


def application(world, **changes):
    """The application form's fields, valid, with some changed (None leaves a field out)."""
    data = {
        "provider": str(world.provider.pk),
        "category": str(world.category.pk),
        "intended_use": USE,
        "expected_date": str(in_days(30)),
        "accept_terms": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    """The error summary at the top of the form."""
    html = response.content.decode()
    assert 'class="alert alert--error error-summary"' in html, html
    return html.split('class="alert alert--error error-summary"', 1)[1].split("</div>", 1)[0]


def select(html, name):
    """The options of one select of the form."""
    return html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]


def provider(name, *, category=None, verified=True, code="3700"):
    enterprise = SocialEnterpriseFactory(
        name=name, postcode=postcode(code), verified_at=timezone.now() if verified else None
    )
    if category is not None:
        OfferedServiceFactory(organisation=enterprise, category=category)
    return enterprise


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_applying_needs_a_login(client, world, method):
    response = getattr(client, method)(url(world.programme))

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert not Voucher.objects.exists()


def test_a_user_without_an_organisation_is_refused_and_told_what_to_do(client, world):
    client.force_login(world.stranger)

    for response in [
        client.get(url(world.programme)),
        client.post(url(world.programme), application(world)),
    ]:
        assert response.status_code == 403
        html = response.content.decode()
        assert 'href="/en/organisations/new/"' in html
        assert 'name="intended_use"' not in html
    assert not Voucher.objects.exists()


def test_a_member_of_an_eligible_firm_gets_the_form(client, world):
    client.force_login(world.employer)

    response = client.get(url(world.programme))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You apply for <strong>Drukkerij Peeters</strong>." in html
    assert (
        f'<option value="{world.provider.pk}">Groenwerk Tongeren '
        f"(Tongeren-Borgloon, less than 1 km): {world.category.name_en}</option>"
    ) in select(html, "provider")
    # Step 2: the rest of the form for the chosen provider.
    html = client.get(url(world.programme), {"provider": world.provider.pk}).content.decode()
    assert "<strong>Groenwerk Tongeren</strong> (Tongeren-Borgloon, less than 1 km)" in html
    assert 'name="accept_terms"' in html
    assert world.programme.terms in html


def test_a_member_of_a_firm_elsewhere_is_refused_with_the_reason(client, world):
    leuven = OrganisationFactory(name="Leuvense Drukkers", postcode=postcode("3000"))
    leuven.verified_at = timezone.now()
    leuven.save()
    client.force_login(OwnerFactory(organisation=leuven).user)

    response = client.get(url(world.programme))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Leuvense Drukkers cannot apply now" in html
    assert "which this programme does not cover" in html
    assert 'name="intended_use"' not in html


def test_a_member_of_the_provider_cannot_apply_for_it(client, world):
    client.force_login(world.provider_member)

    response = client.get(url(world.programme))

    assert response.status_code == 403
    assert "Introduction vouchers are for regular firms" in response.content.decode()

    response = client.post(url(world.programme), application(world))

    assert "Introduction vouchers are for regular firms" in errors_of(response)
    assert not Voucher.objects.exists()


def test_the_application_is_made_for_the_organisation_the_user_acts_for(client, world):
    second = OrganisationFactory(
        name="Hotel Tongeren", postcode=postcode("3700"), verified_at=timezone.now()
    )
    OwnerFactory(organisation=second, user=world.employer)
    client.force_login(world.employer)
    session = client.session
    session[ACTING_SESSION_KEY] = second.pk
    session.save()

    html = client.get(url(world.programme)).content.decode()
    assert "You apply for <strong>Hotel Tongeren</strong>." in html
    assert f"/en/organisations/{world.firm.slug}/act/" in html

    client.post(url(world.programme), application(world))

    assert Voucher.objects.get().applicant == second


# --- Success ----------------------------------------------------------------------------------


def test_a_member_applies_and_finds_the_application_in_my_vouchers(client, world):
    client.force_login(world.employer)

    response = client.post(url(world.programme), application(world), follow=True)

    voucher = Voucher.objects.get()
    assert response.redirect_chain[-1][0] == f"/en/vouchers/mine/#voucher-{voucher.pk}"
    assert "Your application for a voucher with Groenwerk Tongeren was sent." in (
        response.content.decode()
    )
    assert (voucher.applicant, voucher.provider, voucher.category) == (
        world.firm,
        world.provider,
        world.category,
    )
    assert (voucher.status, voucher.applied_by) == (VoucherStatus.SUBMITTED, world.employer)
    assert voucher.intended_use == USE
    assert voucher.expected_date == in_days(30)
    assert voucher.terms_accepted_at is not None
    assert VoucherEvent.objects.get(voucher=voucher).to_status == VoucherStatus.SUBMITTED


# --- The provider list ------------------------------------------------------------------------


def test_the_list_holds_verified_social_enterprises_offering_the_programmes_services(client, world):
    green = world.category
    cleaning = ServiceCategory.objects.exclude(pk=green.pk).first()
    world.programme.categories.set([green])
    offers_cleaning = provider("Poetsploeg", category=cleaning)
    unverified = provider("Nog Niet Geverifieerd", category=green, verified=False)
    no_services = provider("Zonder Diensten")
    regular = OrganisationFactory(name="Gewoon Bedrijf", verified_at=timezone.now())
    client.force_login(world.employer)

    html = client.get(url(world.programme)).content.decode()

    providers = select(html, "provider")
    assert f'value="{world.provider.pk}"' in providers
    for organisation in [offers_cleaning, unverified, no_services, regular]:
        assert f'value="{organisation.pk}"' not in providers
    # Step 2 offers only the programme's services that the chosen provider offers.
    OfferedServiceFactory(organisation=world.provider, category=cleaning)
    html = client.get(url(world.programme), {"provider": world.provider.pk}).content.decode()
    assert f'<option value="{green.pk}">' in select(html, "category")
    assert f'<option value="{cleaning.pk}">' not in select(html, "category")


def test_the_providers_are_searchable_by_name_without_javascript(client, world):
    kringwinkel = provider("Kringwinkel Tongeren", category=world.category)
    client.force_login(world.employer)

    html = client.get(url(world.programme), {"q": "kringwinkel"}).content.decode()

    assert f'value="{kringwinkel.pk}"' in select(html, "provider")
    assert f'value="{world.provider.pk}"' not in select(html, "provider")
    assert "1 social enterprise found for “kringwinkel”." in html
    # Choosing keeps the search, so that the list stays as it was.
    assert '<input type="hidden" name="q" value="kringwinkel">' in html


def test_a_chosen_provider_stays_chosen_when_the_search_no_longer_lists_it(client, world):
    client.force_login(world.employer)

    response = client.post(
        url(world.programme) + "?q=onbestaand", application(world, accept_terms=None)
    )

    html = response.content.decode()
    assert f'<input type="hidden" name="provider" value="{world.provider.pk}"' in html
    assert "<strong>Groenwerk Tongeren</strong>" in html
    assert "Accept the terms to apply." in errors_of(response)


def test_a_long_list_is_cut_and_says_so(client, world, monkeypatch):
    monkeypatch.setattr(views, "PROVIDER_CHOICES", 2)
    for n in range(3):
        provider(f"Sociale Onderneming {n}", category=world.category)
    client.force_login(world.employer)

    html = client.get(url(world.programme)).content.decode()

    assert "The list shows the first 2; search to find others." in html
    # Two providers after the empty choice.
    assert select(html, "provider").count("<option value=") == 3


@pytest.mark.parametrize("q", ["x" * 500, "' OR 1=1 --", "\x00", "-groen"])
def test_an_odd_search_never_breaks_the_page(client, world, q):
    client.force_login(world.employer)

    assert client.get(url(world.programme), {"q": q}).status_code == 200


# --- Every refusal of the lifecycle, at the top of the form, input kept -----------------------


def _closed(world):
    world.programme.closes_on = in_days(-1)
    world.programme.opens_on = in_days(-60)
    world.programme.save()
    return {}, "Applications for this programme closed on"


def _not_open_yet(world):
    world.programme.opens_on = in_days(3)
    world.programme.save()
    return {}, "Applications for this programme open on"


def _budget_used_up(world):
    world.programme.budget = 500
    world.programme.save()
    VoucherFactory(programme=world.programme, approved=True)
    return {}, "The budget of this programme is used up"


def _not_eligible(world):
    world.firm.postcode = postcode("3500")
    world.firm.save()
    return {}, "which this programme does not cover"


def _not_regular(world):
    world.firm.kind = "public"
    world.firm.save()
    return {}, "Introduction vouchers are for regular firms"


def _not_verified(world):
    world.firm.verified_at = None
    world.firm.save()
    return {}, "Drukkerij Peeters is not verified yet."


def _maximum_reached(world):
    VoucherFactory(programme=world.programme, applicant=world.firm, provider=world.provider)
    return {}, "already has 1 voucher in this programme"


def _provider_not_verified(world):
    unverified = provider("Wachtend Atelier", category=world.category, verified=False)
    return {"provider": str(unverified.pk)}, "Wachtend Atelier is not verified yet"


def _provider_not_social(world):
    firm = OrganisationFactory(name="Gewone Firma", verified_at=timezone.now())
    return {"provider": str(firm.pk)}, "Gewone Firma is not a social-economy enterprise"


def _category_not_eligible(world):
    other = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    world.programme.categories.set([world.category])
    return {"category": str(other.pk)}, "This programme does not cover the service"


def _provider_does_not_offer(world):
    other = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    return {"category": str(other.pk)}, "Groenwerk Tongeren does not offer the service"


def _expected_date_past(world):
    return {"expected_date": str(in_days(-1))}, "has passed; give today or a later date"


@pytest.mark.parametrize(
    "situation",
    [
        _closed,
        _not_open_yet,
        _budget_used_up,
        _not_eligible,
        _not_regular,
        _not_verified,
        _maximum_reached,
        _provider_not_verified,
        _provider_not_social,
        _category_not_eligible,
        _provider_does_not_offer,
        _expected_date_past,
    ],
)
def test_every_refusal_is_shown_at_the_top_of_the_form_with_the_input_kept(
    client, world, situation
):
    changes, message = situation(world)
    before = Voucher.objects.count()
    client.force_login(world.employer)

    response = client.post(url(world.programme), application(world, **changes))

    assert response.status_code == 200
    assert message in errors_of(response)
    html = response.content.decode()
    assert USE in html.split('name="intended_use"', 1)[1].split("</textarea>", 1)[0]
    assert 'name="accept_terms"' in html
    assert Voucher.objects.count() == before


@pytest.mark.parametrize(
    "situation", [_closed, _budget_used_up, _not_eligible, _not_verified, _maximum_reached]
)
def test_a_refusal_known_before_the_form_is_filled_in_is_said_on_arrival(client, world, situation):
    _changes, message = situation(world)
    client.force_login(world.employer)

    response = client.get(url(world.programme))

    assert response.status_code == 403
    html = response.content.decode()
    assert message in html
    assert 'name="intended_use"' not in html


def test_a_refusal_is_also_shown_when_the_fields_have_errors(client, world):
    _closed(world)
    client.force_login(world.employer)

    response = client.post(url(world.programme), application(world, intended_use=""))

    errors = errors_of(response)
    assert "Applications for this programme closed on" in errors
    assert "Describe the work you want to try." in errors


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_programme_slug_is_not_found(client, world, method):
    client.force_login(world.employer)

    response = getattr(client, method)("/en/vouchers/niet-bestaand/apply/", application(world))

    assert response.status_code == 404
    assert not Voucher.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"provider": "99999999"}, "Choose a social enterprise from the list."),
        ({"provider": "9" * 40}, "Choose a social enterprise from the list."),
        ({"provider": "abc"}, "Choose a social enterprise from the list."),
        # Digits to str.isdigit() that int() refuses.
        ({"provider": "²³"}, "Choose a social enterprise from the list."),
        ({"provider": "-1"}, "Choose a social enterprise from the list."),
        ({"provider": ""}, "Choose the social enterprise that will do the work."),
        ({"category": "99999999"}, "Choose a service from the list."),
        ({"category": "1; DROP TABLE"}, "Choose a service from the list."),
        ({"expected_date": "31-31-2026"}, "Give a date such as 2026-05-31."),
        ({"expected_date": "2026-02-30"}, "Give a date such as 2026-05-31."),
        ({"expected_date": "99999-01-01"}, "Give a date such as 2026-05-31."),
        ({"expected_date": "morgen"}, "Give a date such as 2026-05-31."),
        ({"expected_date": None}, "Give the date you expect the work to be done."),
        ({"intended_use": "x" * 2001}, "at most 2000 characters"),
        ({"intended_use": "x" * 100_000}, "at most 2000 characters"),
        ({"intended_use": "   "}, "Describe the work you want to try."),
        ({"accept_terms": None}, "Accept the terms to apply."),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(client, world, changes, message):
    client.force_login(world.employer)

    response = client.post(url(world.programme), application(world, **changes))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Voucher.objects.exists()


def test_an_empty_post_says_what_every_field_needs(client, world):
    client.force_login(world.employer)

    errors = errors_of(client.post(url(world.programme), {}))

    for message in [
        "Choose the social enterprise that will do the work.",
        "Choose the service you want to try.",
        "Describe the work you want to try.",
        "Give the date you expect the work to be done.",
        "Accept the terms to apply.",
    ]:
        assert message in errors


def test_markup_in_the_intended_use_is_kept_as_text(client, world):
    client.force_login(world.employer)

    client.post(url(world.programme), application(world, intended_use="<b>Maaien</b> & snoeien"))

    assert Voucher.objects.get().intended_use == "<b>Maaien</b> & snoeien"
    html = client.get("/en/vouchers/mine/").content.decode()
    assert "<b>Maaien</b>" not in html


def test_apply_takes_no_other_method(client, world):
    client.force_login(world.employer)

    assert client.put(url(world.programme)).status_code == 405
    assert client.delete(url(world.programme)).status_code == 405


# --- Queries ----------------------------------------------------------------------------------


def test_the_form_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.employer)
    with CaptureQueriesContext(connection) as few:
        client.get(url(world.programme))
    for n in range(15):
        enterprise = provider(f"Onderneming {n}", category=world.category)
        for category in ServiceCategory.objects.exclude(pk=world.category.pk)[:3]:
            OfferedServiceFactory(organisation=enterprise, category=category)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url(world.programme)).content.decode()
    assert html.count("Onderneming ") == 15


# --- Every problem in one round (issue 18, item 1) -------------------------------------------


def field_error(html, name):
    """The errors Django puts on one field (<ul class="errorlist" id="id_<name>_error">)."""
    marker = f'id="id_{name}_error"'
    assert marker in html, f"no error on {name}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def test_four_problems_are_said_at_once_on_their_fields_in_dutch(client, world):
    not_offered = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    client.force_login(world.employer)
    long_text = "Maaien. " * 300  # 2,400 characters

    response = client.post(
        f"/vouchers/{world.programme.slug}/apply/",
        application(
            world,
            accept_terms=None,
            expected_date=str(in_days(-1)),
            category=str(not_offered.pk),
            intended_use=long_text,
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    summary = errors_of(response)
    assert "Verbeter 4 fouten." in summary
    assert summary.count("<li>") == 4
    with translation.override("nl"):
        past = formats.date_format(in_days(-1))
    assert past in field_error(html, "expected_date")
    assert "Groenwerk Tongeren biedt de dienst" in field_error(html, "category")
    assert "2000" in field_error(html, "intended_use")
    assert field_error(html, "accept_terms")
    # Nothing typed is lost.
    assert long_text.strip() in html.split('name="intended_use"', 1)[1].split("</textarea>")[0]
    assert f'value="{in_days(-1)}"' in html
    assert f'<option value="{not_offered.pk}" selected>' not in html  # not the provider's
    assert not Voucher.objects.exists()


# --- The provider first, nearest first (issue 18, item 8) ------------------------------------


def test_a_tongeren_applicant_sees_the_nearest_providers_first_with_their_distance(client, world):
    from portal.geography import haversine_km

    kortrijk = provider("Atelier Kortrijk", category=world.category, code="8500")
    ronse = provider("Bos Ronse", category=world.category, code="9600")
    hasselt = provider("Zorgwerk Hasselt", category=world.category, code="3500")
    client.force_login(world.employer)

    html = client.get(url(world.programme)).content.decode()

    options = select(html, "provider")
    order = [options.index(f'value="{p.pk}"') for p in (world.provider, hasselt, ronse, kortrijk)]
    assert order == sorted(order)
    km = round(haversine_km(world.firm, hasselt))
    assert 5 < km < 40
    assert f"Zorgwerk Hasselt (Hasselt, {km} km)" in options


def test_step_two_offers_only_the_services_of_the_chosen_provider(client, world):
    cleaning = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    other = provider("Poetsploeg Tongeren", category=cleaning)
    client.force_login(world.employer)

    html = client.get(url(world.programme), {"provider": world.provider.pk}).content.decode()

    services = select(html, "category")
    assert f'<option value="{world.category.pk}">' in services
    assert f'<option value="{cleaning.pk}">' not in services
    html = client.get(url(world.programme), {"provider": other.pk}).content.decode()
    assert f'<option value="{cleaning.pk}">' in select(html, "category")
    assert f'<option value="{world.category.pk}">' not in select(html, "category")


def test_a_forged_service_of_another_provider_is_refused_on_its_field(client, world):
    cleaning = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    provider("Poetsploeg Tongeren", category=cleaning)
    client.force_login(world.employer)

    response = client.post(url(world.programme), application(world, category=str(cleaning.pk)))

    assert response.status_code == 200
    error = field_error(response.content.decode(), "category")
    assert "Groenwerk Tongeren does not offer the service" in error
    assert not Voucher.objects.exists()


def test_choosing_another_provider_keeps_what_was_typed(client, world):
    other = provider("Kringwinkel Tongeren", category=world.category)
    client.force_login(world.employer)
    typed = application(world, accept_terms=None)

    response = client.post(url(world.programme) + "?q=tongeren", {**typed, "change": "1"})

    assert response.status_code == 302
    step_one = response["Location"]
    assert "q=tongeren" in step_one
    html = client.get(step_one).content.decode()
    assert f'<option value="{world.provider.pk}" selected>' in select(html, "provider")
    assert 'name="intended_use"' not in html
    html = client.get(url(world.programme), {"provider": other.pk}).content.decode()
    assert "<strong>Kringwinkel Tongeren</strong>" in html
    assert USE in html.split('name="intended_use"', 1)[1].split("</textarea>", 1)[0]
    assert f'value="{in_days(30)}"' in html
    assert not Voucher.objects.exists()


@pytest.mark.parametrize("chosen", ["abc", "99999999", "9" * 40, "-1", ""])
def test_a_bad_provider_in_step_one_gets_a_clear_error(client, world, chosen):
    client.force_login(world.employer)

    response = client.get(url(world.programme), {"provider": chosen})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="intended_use"' not in html
    assert "Choose " in field_error(html, "provider")


def test_a_provider_outside_the_list_cannot_be_chosen_in_step_one(client, world):
    unverified = provider("Wachtend Atelier", category=world.category, verified=False)
    client.force_login(world.employer)

    html = client.get(url(world.programme), {"provider": unverified.pk}).content.decode()

    assert "Choose a social enterprise from the list." in field_error(html, "provider")


def test_step_two_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.employer)
    step_two = {"provider": world.provider.pk}
    with CaptureQueriesContext(connection) as few:
        client.get(url(world.programme), step_two)
    for category in ServiceCategory.objects.exclude(pk=world.category.pk)[:6]:
        OfferedServiceFactory(organisation=world.provider, category=category)
    for n in range(10):
        provider(f"Onderneming {n}", category=world.category)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url(world.programme), step_two).content.decode()
    assert select(html, "category").count("<option value=") == 8
