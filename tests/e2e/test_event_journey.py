"""A network event from creation to a lasting collaboration (issue 22, "done when").

The regisseur of Zuidoost-Limburg creates an event in the admin; a firm and a social enterprise
register (each its member, in a browser of its own) and book a meeting (the firm requests, the
enterprise accepts); on the day, the regisseur ticks who came; the firm records the deal; the
enterprise confirms it on its collaborations page; the collaboration then shows on both profiles
with channel "network event" and the event named, and with that channel in both registers; the
event's report counts it.

Time cannot pass in a browser test: registering and booking need the event ahead, ticking who
came and recording a deal need it begun. Between the two the test moves the event to today (it
began an hour ago), as the clock would. The steps rely on addresses, names of fields and the
data, not on interface texts.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Collaboration, CollaborationChannel
from events.models import Event, Meeting, MeetingStatus, Registration
from portal.models import ServiceCategory
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    in_days,
    postcode,
    region,
)

from .test_voucher_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUG = "netwerkmoment-tongeren"


def create_event(admin, live_server):
    """The regisseur fills in the admin's form: tomorrow in Tongeren, meetings at tables."""
    day = in_days(1).isoformat()
    admin.goto(f"{live_server.url}/admin/events/event/add/")
    admin.locator("#id_title").fill("Netwerkmoment Tongeren")
    admin.locator("#id_title").dispatch_event("change")
    # The admin fills the slug in from the title.
    expect(admin.locator("#id_slug")).to_have_value(SLUG)
    admin.locator("#id_kind").select_option("networking")
    admin.locator("#id_region").select_option(str(region("zuidoost-limburg").pk))
    admin.locator("#id_description").fill(
        "Werkgevers en sociale ondernemingen leren elkaar kennen."
    )
    admin.locator("#id_starts_at_0").fill(day)
    admin.locator("#id_starts_at_1").fill("14:00")
    admin.locator("#id_ends_at_0").fill(day)
    admin.locator("#id_ends_at_1").fill("18:00")
    admin.locator("#id_address").fill("Grote Markt 1")
    admin.locator("#id_postcode").fill("3700")
    admin.locator("#id_capacity").fill("30")
    admin.locator("#id_registration_deadline_0").fill(day)
    admin.locator("#id_registration_deadline_1").fill("09:00")
    admin.locator("#id_meetings_from").fill("14:30")
    admin.locator("#id_meetings_until").fill("17:00")
    admin.locator("#id_tables").fill("5")
    admin.locator("input[name=_save]").click()
    # Saved: back on the list of events.
    expect(admin).to_have_url(re.compile(r"/admin/events/event/$"))
    return Event.objects.get(slug=SLUG)


def register(page, live_server, *, offers, seeks):
    page.goto(f"{live_server.url}/events/{SLUG}/register/")
    page.locator("textarea[name=offers]").fill(offers)
    page.locator("textarea[name=seeks]").fill(seeks)
    page.locator("input[name=listed]").check()
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/events/{SLUG}/registration/"))


def test_a_network_event_leads_to_a_confirmed_collaboration(live_server, browser):
    green = ServiceCategory.objects.get(slug="groenonderhoud")
    firm = OrganisationFactory(name="Drukkerij Mergelland", postcode=postcode("3700"))
    employer = UserFactory(email="erik.employer@example.be", name="Erik Employer")
    OwnerFactory(organisation=firm, user=employer)
    enterprise = SocialEnterpriseFactory(name="Groenploeg Haspengouw", postcode=postcode("3700"))
    member = UserFactory(email="sara.sociaal@example.be", name="Sara Sociaal")
    OwnerFactory(organisation=enterprise, user=member)
    regisseur = StaffFactory(email="rita.regisseur@example.be", name="Rita Regisseur")
    region("zuidoost-limburg").regisseurs.add(regisseur)

    # The regisseur creates the event.
    admin = log_in(browser, live_server, regisseur)
    event = create_event(admin, live_server)
    assert event.created_by == regisseur and len(event.slots()) == 10

    # The firm and the enterprise register, each in its own browser.
    firm_page = log_in(browser, live_server, employer)
    register(firm_page, live_server, offers="Drukwerk.", seeks="Groenonderhoud van ons terrein.")
    social_page = log_in(browser, live_server, member)
    register(social_page, live_server, offers="Groenonderhoud.", seeks="Vaste opdrachtgevers.")
    theirs = Registration.objects.get(event=event, organisation=enterprise)

    # The firm asks the enterprise for a meeting at the first time; the enterprise accepts.
    firm_page.goto(f"{live_server.url}/events/{SLUG}/participants/")
    row = firm_page.locator(f"#participant-{theirs.pk}")
    row.locator("details.participant__request > summary").click()
    row.locator("select[name=slot]").select_option(index=0)
    row.locator("details.participant__message > summary").click()
    row.locator("textarea[name=message]").fill("Graag over het groen van ons terrein.")
    row.locator("button[type=submit]").click()
    expect(firm_page).to_have_url(re.compile(rf"/events/{SLUG}/meetings/$"))
    meeting = Meeting.objects.get(event=event)
    assert meeting.status == MeetingStatus.REQUESTED
    assert meeting.message == "Graag over het groen van ons terrein."
    social_page.goto(f"{live_server.url}/events/{SLUG}/meetings/")
    social_page.locator(f'form[action$="/meetings/{meeting.pk}/accept/"] button').click()
    expect(social_page.locator(f'form[action$="/meetings/{meeting.pk}/accept/"]')).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ACCEPTED

    # The day of the event: it began an hour ago.
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        registration_deadline=now - timedelta(days=1),
    )

    # The regisseur ticks both organisations on the sign-in list.
    admin.goto(f"{live_server.url}/events/{SLUG}/attendance/")
    for registration in Registration.objects.filter(event=event):
        admin.locator(f"#attended-{registration.pk}").check()
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator(f"#attended-{theirs.pk}")).to_be_checked()
    assert Registration.objects.filter(event=event, attended=True).count() == 2

    # The firm records the deal that came out of the meeting.
    firm_page.goto(f"{live_server.url}/events/{SLUG}/deals/new/")
    firm_page.locator(f"input[name=meeting][value='{meeting.pk}']").check()
    firm_page.locator("textarea[name=what]").fill("Maandelijks onderhoud van het groen.")
    firm_page.locator("input[name=role][value=client]").check()
    firm_page.locator("select[name=category]").select_option(str(green.pk))
    firm_page.locator("input[name=expected_start]").fill(timezone.localdate().isoformat())
    firm_page.locator("main form.form button[type=submit]").click()
    expect(firm_page).not_to_have_url(re.compile(r"/deals/new/$"))
    collaboration = Collaboration.objects.get(regular=firm, social=enterprise)
    assert collaboration.channel == CollaborationChannel.NETWORK_EVENT
    assert collaboration.confirmed_by_social_at is None

    # The enterprise confirms it in its register.
    social_page.goto(f"{live_server.url}/organisations/{enterprise.slug}/collaborations/")
    social_page.locator(
        f"#collaboration-{collaboration.pk} "
        f'form[action$="/collaborations/{collaboration.pk}/confirm/"] button'
    ).click()
    expect(social_page.locator(f"tr#collaboration-{collaboration.pk}")).to_be_visible()
    collaboration.refresh_from_db()
    assert collaboration.confirmed_by_social_at is not None

    # On both profiles, each names the other, how they met (the channel) and the event, linked;
    # both registers give the channel.
    for page, mine, other in [(firm_page, firm, enterprise), (social_page, enterprise, firm)]:
        page.goto(f"{live_server.url}/organisations/{mine.slug}/")
        partners = page.locator("#collaborations-title ~ ul")
        expect(partners).to_contain_text(other.name)
        expect(partners.locator(".collaboration-list__channel")).to_contain_text("Netwerkevenement")
        expect(
            partners.locator(f'.collaboration-list__channel a[href="/events/{SLUG}/"]')
        ).to_have_text("Netwerkmoment Tongeren")
        page.goto(f"{live_server.url}/organisations/{mine.slug}/collaborations/")
        expect(page.locator(f"tr#collaboration-{collaboration.pk}")).to_contain_text(
            "Netwerkevenement"
        )

    # The event's report counts the deal, confirmed.
    admin.goto(f"{live_server.url}/events/{SLUG}/report/")
    funnel = admin.locator("table").first.locator("tbody tr")
    numbers = [int(funnel.nth(i).locator("td").first.inner_text()) for i in range(6)]
    # Requested, accepted, held, deals, confirmed, carried out (not asked yet).
    assert numbers == [1, 1, 1, 1, 1, 0]
