"""Social enterprises answer opportunities; the poster follows the answers up.

    new ──> in conversation ──> accepted
     │            │
     │            └──────────> declined
     ├──────────────────────> accepted
     └──────────────────────> declined

A member of a social-economy enterprise answers a published vacancy with an anonymous candidate
(vacancies/privacy.py keeps it anonymous) or a published service request with an offer, one per
enterprise. Members of the poster move each answer on, with a message; accepted and declined are
final. Accepting an offer records a collaboration in the register (companies.collaborations);
accepting a candidate records a doorstroom placement. Both sides hear of each step by email.

Who may is checked here, whatever the view: PermissionDenied for the wrong person, and a
ValidationError with a message for the user for a step that does not fit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import collaborations
from companies.access import is_member
from companies.models import CollaborationChannel, CollaborationRole, CollaborationSource
from portal import emails
from portal.models import User

from . import privacy
from .lifecycle import DETAIL_URL_NAMES
from .models import Placement, Response, ResponseStatus, ServiceRequest, Vacancy

TRANSITIONS = {
    ResponseStatus.NEW: (
        ResponseStatus.IN_CONVERSATION,
        ResponseStatus.ACCEPTED,
        ResponseStatus.DECLINED,
    ),
    ResponseStatus.IN_CONVERSATION: (ResponseStatus.ACCEPTED, ResponseStatus.DECLINED),
}
FINAL = (ResponseStatus.ACCEPTED, ResponseStatus.DECLINED)

# The fields of a candidate profile, with the message: what the privacy check reads.
CANDIDATE_FIELDS = ("experience", "skills", "availability", "support_needed", "message")
OFFER_FIELDS = ("message", "availability", "price_indication")
DASHBOARD_LIMIT = 10


def answers_of(enterprise, limit=DASHBOARD_LIMIT):
    """The enterprise's newest candidates and its newest offers, at most `limit` of each, in
    one query: each row is numbered within its kind, newest first, and the first `limit` of
    each kind are kept. Returns (candidates, offers)."""
    kind = Case(
        When(vacancy__isnull=True, then=Value("offer")),
        default=Value("candidate"),
        output_field=CharField(),
    )
    rows = (
        Response.objects.filter(enterprise=enterprise)
        .annotate(
            number=Window(
                RowNumber(),
                partition_by=[kind],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(number__lte=limit)
        .select_related("vacancy__organisation", "service_request__organisation")
        .order_by("-created_at", "-pk")
    )
    candidates, offers = [], []
    for response in rows:
        (candidates if response.vacancy_id else offers).append(response)
    return candidates, offers


def answers_to(opportunity, enterprise):
    """What the enterprise sent in answer to this opportunity, newest first."""
    return list(opportunity.responses.filter(enterprise=enterprise).order_by("-created_at", "-pk"))


def responses_to(opportunity):
    """Every answer to the opportunity, for its poster, newest first."""
    return list(
        opportunity.responses.select_related("enterprise", "enterprise__municipality").order_by(
            "-created_at", "-pk"
        )
    )


def allowed_moves(response):
    """The states the poster can move this response to from where it is."""
    return TRANSITIONS.get(response.status, ())


def refusal_to_respond(opportunity, *, enterprise, user):
    """Why `user`, acting for `enterprise`, may not answer `opportunity`; None when they may.

    A ValidationError with a message for the user, so that a page can say it.
    """
    if enterprise is None or not enterprise.is_social:
        return ValidationError(
            _("Only members of a social-economy enterprise can respond."), code="not_social"
        )
    if enterprise.pk == opportunity.organisation_id or is_member(user, opportunity.organisation_id):
        return ValidationError(
            _("Your own organisation posted this: others respond to it, not you."),
            code="own_opportunity",
        )
    return None


def _require_responder(opportunity, *, enterprise, by):
    if enterprise is None or not is_member(by, enterprise.pk):
        raise PermissionDenied("Only members answer for an organisation.")
    refusal = refusal_to_respond(opportunity, enterprise=enterprise, user=by)
    if refusal is not None:
        raise PermissionDenied(refusal.messages[0])


def _require_open(opportunity):
    """The opportunity's row, locked, when it still takes answers."""
    locked = type(opportunity).objects.select_for_update().get(pk=opportunity.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This one no longer takes responses: it is %(status)s."),
            code="not_open",
            params={"status": locked.get_status_display().lower()},
        )
    return locked


def _members(organisation_id):
    return User.objects.filter(memberships__organisation=organisation_id, is_active=True)


def _context(response, opportunity):
    return {
        "response": response,
        "opportunity": opportunity,
        "organisation": opportunity.organisation,
        "enterprise": response.enterprise,
        "is_vacancy": isinstance(opportunity, Vacancy),
        "detail_url_name": DETAIL_URL_NAMES[type(opportunity)],
    }


def _tell_poster(response, opportunity):
    for user in _members(opportunity.organisation_id):
        emails.send_to_user(
            user,
            template="response_received",
            context=_context(response, opportunity),
            kind="new_response",
            key=f"response_received:{response.pk}:{user.pk}",
        )


def _tell_enterprise(response, opportunity):
    # One email per step: the key names the state the response reached.
    for user in _members(response.enterprise_id):
        emails.send_to_user(
            user,
            template="response_moved",
            context=_context(response, opportunity),
            kind="response_update",
            key=f"response_moved:{response.pk}:{response.status}:{user.pk}",
        )


def _cleaned(data, fields):
    return {name: (data.get(name) or "").strip() for name in fields}


@transaction.atomic
def respond_to_vacancy(vacancy, *, enterprise, by, data):
    """Propose an anonymous candidate for a published vacancy.

    `data` holds the candidate profile (experience, skills, availability, support_needed) and a
    message. An enterprise may propose more than one candidate for the same vacancy.
    """
    _require_responder(vacancy, enterprise=enterprise, by=by)
    vacancy = _require_open(vacancy)
    fields = _cleaned(data, CANDIDATE_FIELDS)
    if not fields["message"]:
        raise ValidationError({"message": _("Write a message to the employer.")})
    # Also checked by the form; checked here again so that no other way in skips it.
    privacy.check_fields(
        {name: (Response._meta.get_field(name).verbose_name, fields[name]) for name in fields},
        allowed=privacy.OwnContacts(enterprise, by),
    )
    response = Response.objects.create(
        vacancy=vacancy, enterprise=enterprise, created_by=by, **fields
    )
    _tell_poster(response, vacancy)
    return response


def already_offered(service_request, enterprise):
    return Response.objects.filter(service_request=service_request, enterprise=enterprise).exists()


def _already_offered_error(enterprise):
    return ValidationError(
        _(
            "%(organisation)s already made an offer on this request. You find it on the "
            "request's page and on your dashboard."
        ),
        code="already_offered",
        params={"organisation": enterprise.name},
    )


def offer(service_request, *, enterprise, by, data):
    """Make the enterprise's one offer on a published service request.

    `data` holds a message, the availability and an optional price indication.
    """
    _require_responder(service_request, enterprise=enterprise, by=by)
    fields = _cleaned(data, OFFER_FIELDS)
    if not fields["message"]:
        raise ValidationError({"message": _("Write a message to the requester.")})
    try:
        with transaction.atomic():
            service_request = _require_open(service_request)
            if already_offered(service_request, enterprise):
                raise _already_offered_error(enterprise)
            response = Response.objects.create(
                service_request=service_request, enterprise=enterprise, created_by=by, **fields
            )
            _tell_poster(response, service_request)
    except IntegrityError:
        # Two clicks at once: the one-offer-per-enterprise constraint let only one through.
        raise _already_offered_error(enterprise) from None
    return response


def _record_outcome(response, opportunity, today):
    if isinstance(opportunity, ServiceRequest):
        # A social enterprise may post a request and buy from another one; the register counts
        # collaborations between the two economies only, so such an order is not recorded.
        if not opportunity.organisation.is_social:
            collaborations.record(
                regular=opportunity.organisation,
                social=response.enterprise,
                role=CollaborationRole.CLIENT,
                category=opportunity.category,
                started=today,
                channel=CollaborationChannel.SERVICE_REQUEST,
                source=CollaborationSource.SERVICE_REQUEST,
            )
    else:
        Placement.objects.get_or_create(
            response=response,
            defaults={
                "vacancy": opportunity,
                "employer": opportunity.organisation,
                "enterprise": response.enterprise,
                "placed_on": today,
            },
        )


def check_move(response, status):
    """Refuse, with a message for the user, a move that does not fit where `response` is.

    `move` asks again with the response's row locked; the form asks first, so that a move that
    no longer fits is reported with the form's other problems in one round.
    """
    if status not in allowed_moves(response):
        if response.status in FINAL:
            message = _("This response was already %(status)s; that is final.")
        else:
            message = _("A response that is %(status)s cannot be moved there.")
        raise ValidationError(
            message,
            code="illegal_move",
            params={"status": response.get_status_display().lower()},
        )


@transaction.atomic
def move(response, *, status, reply, by):
    """The poster moves a response on (in conversation, accepted, declined) with a message."""
    opportunity = response.opportunity
    if not is_member(by, opportunity.organisation_id):
        raise PermissionDenied("Only members of the poster move its responses.")
    # Locked: two members answering at once take one step, and a final state stays final.
    locked = (
        # Only the response's row: PostgreSQL locks no row on the nullable side of a join.
        Response.objects.select_for_update(of=("self",))
        .select_related("enterprise", "vacancy__organisation", "service_request__organisation")
        .get(pk=response.pk)
    )
    check_move(locked, status)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write a message to the social enterprise.")})
    locked.status = status
    locked.reply = reply
    fields = ["status", "reply", "updated_at"]
    if status in FINAL:
        locked.decided_at = timezone.now()
        fields.append("decided_at")
    locked.save(update_fields=fields)
    opportunity = locked.opportunity
    if status == ResponseStatus.ACCEPTED:
        _record_outcome(locked, opportunity, timezone.localdate())
    _tell_enterprise(locked, opportunity)
    for name in ("status", "reply", "decided_at"):
        setattr(response, name, getattr(locked, name))
    return locked
