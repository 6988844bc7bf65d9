"""The world the access matrix walks: one object for every kind of URL argument, and a user for
each of the seven roles.

Two organisations in Tongeren (3700, region Zuidoost-Limburg): a regular firm, `employer`, and a
social enterprise, `enterprise`, each with an owner and an editor. A row of the matrix names the
organisation it is about; its "member" and "owner" are that organisation's editor and owner.
Pages that belong to a user rather than an organisation (a saved search) belong to the owner.
The regisseur coordinates Zuidoost-Limburg, the other regisseur Vlaams-Brabant. The events
(issue 22) are Zuidoost-Limburg's: one ahead for which both organisations registered and met, one
of yesterday with a deal between them, and one not published yet (`_events`).
"""

from datetime import timedelta
from types import SimpleNamespace

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from api import tokens
from companies import collaborations, freshness, ratings
from companies.models import Collaboration, JoinRequest, Membership
from companies.reports import sections
from events import deals
from events.models import Deal, Meeting, MeetingSeat, Registration
from portal import audit, notifications
from portal.models import Notification
from procurement import spend_import
from procurement.models import PlanLine, PurchasingPlan, SpendYear
from tests.factories import (
    CandidateFactory,
    EventFactory,
    InvitationFactory,
    MembershipFactory,
    OfferedServiceFactory,
    OfferFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
    VoucherFactory,
    at,
    first_service_category,
    in_days,
    postcode,
    region,
)
from vacancies.models import Match, Placement, SavedSearch

ROLES = ("anonymous", "stranger", "member", "owner", "regisseur", "other_regisseur", "admin")

# A 1x1 PNG: the media view serves uploaded logos.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def build(media_root):
    now = timezone.now()
    category = first_service_category()
    employer = OrganisationFactory(
        name="Drukkerij Matrix", postcode=postcode("3700"), verified_at=now
    )
    enterprise = SocialEnterpriseFactory(
        name="Groenwerk Matrix", postcode=postcode("3700"), verified_at=now
    )
    service = OfferedServiceFactory(organisation=enterprise, category=category)
    people = {
        "employer": SimpleNamespace(
            owner=OwnerFactory(organisation=employer, user__name="Olga Owner").user,
            member=MembershipFactory(organisation=employer, user__name="Eddy Editor").user,
        ),
        "enterprise": SimpleNamespace(
            owner=OwnerFactory(organisation=enterprise, user__name="Sara Sociaal").user,
            member=MembershipFactory(organisation=enterprise, user__name="Sem Sociaal").user,
        ),
    }
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)

    vacancy = VacancyFactory(organisation=employer, status="published", published_at=now)
    service_request = ServiceRequestFactory(
        organisation=employer, status="published", published_at=now
    )
    draft_vacancy = VacancyFactory(organisation=employer)
    draft_request = ServiceRequestFactory(organisation=employer)
    # Submitted before the employer was verified: they wait for the regie's check (issue 19).
    awaiting_vacancy = VacancyFactory(organisation=employer, status="awaiting", submitted_at=now)
    awaiting_request = ServiceRequestFactory(
        organisation=employer, status="awaiting", submitted_at=now
    )
    candidate = CandidateFactory(vacancy=vacancy, enterprise=enterprise)
    offer = OfferFactory(service_request=service_request, enterprise=enterprise)
    Placement.objects.create(
        response=candidate, vacancy=vacancy, employer=employer, enterprise=enterprise
    )
    Match.objects.create(vacancy=vacancy, enterprise=enterprise, score=1.0)

    collaboration, _ = collaborations.declare(
        organisation=enterprise,
        other=employer,
        role="client",
        category=category,
        started=timezone.localdate() - timedelta(days=30),
        channel="directory",
        by=people["enterprise"].owner,
    )
    # One confirmed by both sides, for the rating email's link (companies/ratings.py).
    rated = Collaboration.objects.create(
        regular=employer,
        social=enterprise,
        role="supplier",
        category=category,
        started=timezone.localdate() - timedelta(days=400),
        channel="directory",
        confirmed_by_regular_at=timezone.now(),
        confirmed_by_social_at=timezone.now(),
    )
    applicant = UserFactory(name="Jan Kandidaat")
    join_request = JoinRequest.objects.create(user=applicant, organisation=employer)
    invitation = InvitationFactory(organisation=employer, invited_by=people["employer"].owner)
    saved_search = SavedSearch.objects.create(
        user=people["employer"].owner, target="vacancies", query="q=keuken", name="Keuken"
    )

    # Room for more vouchers than the world's three, so that the employer may still apply.
    programme = ProgrammeFactory(
        name="Kennismakingscheques Matrix", slug="matrix-cheques", vouchers_per_firm=10
    )
    voucher_fields = {
        "programme": programme,
        "applicant": employer,
        "provider": enterprise,
        "category": category,
    }
    submitted = VoucherFactory(**voucher_fields)
    approved = VoucherFactory(approved=True, **voucher_fields)
    redeemed = VoucherFactory(redeemed=True, **voucher_fields)

    Notification.objects.create(
        key="matrix:1",
        recipient=people["employer"].owner,
        email=people["employer"].owner.email,
        kind="saved_search",
        language="nl",
        subject="Nieuwe resultaten",
        body="Er is iets nieuws.",
    )
    # A purchasing plan (procurement): its organisation's members see it, nobody else.
    purchasing_plan = PurchasingPlan.objects.create(
        organisation=employer, title="Aankoopplan Matrix", created_by=people["employer"].owner
    )
    PlanLine.objects.create(
        plan=purchasing_plan,
        position=1,
        subject="Groenonderhoud",
        category=category,
        postcode=postcode("3700"),
    )
    group = Group.objects.create(name="Matrix")
    audit.record(regisseur, "verified", employer)

    (media_root / "logos").mkdir(parents=True, exist_ok=True)
    (media_root / "logos" / "matrix.png").write_bytes(PNG)

    events = _events(employer, enterprise, people, category)
    # Social spend (issue 23, item 5): the employer bought from the enterprise last year.
    spend_year = spend_import.import_spend(
        f"supplier_enterprise_number;amount\n{enterprise.enterprise_number};1.250,00\n".encode(),
        buyer=employer,
        year=timezone.localdate().year - 1,
        by=people["employer"].owner,
    ) and SpendYear.objects.get(buyer=employer)

    # API tokens (api/tokens.py): the employer's owner's own, and one for the employer.
    personal_token = tokens.issue(by=people["employer"].owner, name="Matrix script")[0]
    organisation_token = tokens.issue(
        by=people["employer"].owner, name="Matrix HR", organisation=employer
    )[0]
    newcomer = UserFactory(name="Nina Nieuw", verified=False)
    administrator = StaffFactory(name="Ada Admin", is_superuser=True)
    stranger = UserFactory(name="Stan Stranger")
    return SimpleNamespace(
        employer=employer,
        enterprise=enterprise,
        people=people,
        users=SimpleNamespace(
            stranger=stranger,
            regisseur=regisseur,
            other_regisseur=other_regisseur,
            admin=administrator,
        ),
        service=service,
        vacancy=vacancy,
        service_request=service_request,
        draft_vacancy=draft_vacancy,
        draft_request=draft_request,
        awaiting_vacancy=awaiting_vacancy,
        awaiting_request=awaiting_request,
        candidate=candidate,
        offer=offer,
        collaboration=collaboration,
        join_request=join_request,
        invitation=invitation,
        saved_search=saved_search,
        purchasing_plan=purchasing_plan,
        programme=programme,
        submitted_voucher=submitted,
        approved_voucher=approved,
        redeemed_voucher=redeemed,
        group=group,
        email_address=EmailAddress.objects.get(user=stranger),
        # The link in a newcomer's verification email.
        confirmation_key=EmailConfirmationHMAC(EmailAddress.objects.get(user=newcomer)).key,
        unsubscribe_token=notifications.unsubscribe_token(people["employer"].owner, "saved_search"),
        # The yearly "is this still correct?" email's link (companies/freshness.py).
        confirm_details_token=freshness.confirmation_token(employer),
        rating_token=ratings.token(rated, "regular", ratings.ON_CONFIRMATION),
        media_path="logos/matrix.png",
        report_slug=sections()[0].slug,
        programme_type=ContentType.objects.get_for_model(programme).pk,
        member_membership=Membership.objects.get(
            organisation=employer, user=people["employer"].member
        ),
        spend_year=spend_year,
        personal_token=personal_token,
        organisation_token=organisation_token,
        **events,
    )


def _events(employer, enterprise, people, category):
    """Three events of Zuidoost-Limburg (the regisseur's region), made without the steps of
    events/ (no emails, no locks: the world only needs the rows).

    `event`, in two weeks and open for registration: the employer and the enterprise are
    registered and on the participant list, with an accepted meeting (the employer asked) and
    a requested one (waiting for the enterprise's answer). `past_event`, yesterday: the same
    two met, and the employer recorded a deal, whose 3-month follow-up link is
    `follow_up_token`. `draft_event`: not published yet.
    """
    event = EventFactory(title="Netwerkmoment Matrix", slug="matrix-netwerkmoment")
    past_event = EventFactory(
        title="Kennismakingsbeurs Matrix",
        slug="matrix-beurs",
        kind="fair",
        starts_at=at(in_days(-1), 14),
    )
    draft_event = EventFactory(title="Rondetafel Matrix", slug="matrix-ontwerp", published=False)

    def registrations(event):
        return [
            Registration.objects.create(
                event=event,
                organisation=organisation,
                registered_by=people[side].owner,
                listed=True,
                offers=offers,
                seeks=seeks,
            )
            for side, organisation, offers, seeks in (
                ("employer", employer, "Drukwerk", "Groenonderhoud"),
                ("enterprise", enterprise, "Groenonderhoud", "Drukwerk"),
            )
        ]

    def meet(event, one, other, slot, status):
        starts_at = event.slots()[slot]
        found = Meeting.objects.create(
            event=event,
            requester=one,
            invitee=other,
            starts_at=starts_at,
            table=slot + 1,
            status=status,
        )
        MeetingSeat.objects.bulk_create(
            MeetingSeat(meeting=found, registration=side, starts_at=starts_at)
            for side in (one, other)
        )
        return found

    firm, social = registrations(event)
    past_meeting = meet(past_event, *registrations(past_event), 0, "accepted")
    deal = Deal.objects.create(
        event=past_event,
        meeting=past_meeting,
        regular=employer,
        social=enterprise,
        what="Groenonderhoud van de parking.",
        role="client",
        category=category,
        expected_start=timezone.localdate(),
        recorded_by=people["employer"].owner,
    )
    return {
        "event": event,
        "past_event": past_event,
        "draft_event": draft_event,
        "registration": firm,
        "accepted_meeting": meet(event, firm, social, 0, "accepted"),
        "requested_meeting": meet(event, firm, social, 1, "requested"),
        "deal": deal,
        "follow_up_token": deals.token(deal, employer, 3),
    }


def user_for(world, role, organisation):
    """The user who plays `role` on a row about `organisation` ("employer" or "enterprise")."""
    if role == "anonymous":
        return None
    if role in ("member", "owner"):
        return getattr(world.people[organisation], role)
    return getattr(world.users, role)
