"""Template tags through which pages outside this app show opportunities.

The portal's dashboard loads these, so that `portal` needs no import from this app.
"""

from types import SimpleNamespace

from django import template
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.functional import SimpleLazyObject

from companies import access

from .. import fitting, lifecycle, responses, saved_searches
from ..forms import CandidateForm, MoveForm, OfferForm, SaveSearchForm
from ..models import ResponseStatus, ServiceRequest, Status, Vacancy

register = template.Library()

# Work waiting for the poster first: drafts, then what is open, then the past.
STATUS_ORDER = Case(
    When(status__in=[Status.DRAFT, Status.AWAITING], then=Value(0)),
    When(status=Status.PUBLISHED, then=Value(1)),
    When(status=Status.EXPIRED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def with_response_counts(queryset):
    """Each opportunity with its number of responses per state, in the one query."""
    counts = {
        f"responses_{status}": Count("responses", filter=Q(responses__status=status))
        for status in ResponseStatus.values
    }
    return queryset.annotate(status_order=STATUS_ORDER, **counts).order_by(
        "status_order", "closing_date", "pk"
    )


@register.inclusion_tag("vacancies/_dashboard.html", takes_context=True)
def my_opportunities(context):
    """The acting organisation's vacancies and service requests, drafts included, with the
    number of responses in each state: three queries however many there are."""
    request = context["request"]
    acting = access.acting_membership(request)
    if acting is None:
        return {"acting": None}
    organisation = acting.organisation
    return {
        "request": request,
        "acting": acting,
        "organisation": organisation,
        # Who checks the ones waiting for a check: asked only when the tables show one.
        "check": SimpleLazyObject(lambda: lifecycle.check_of(organisation)),
        "vacancies": with_response_counts(Vacancy.objects.filter(organisation=organisation)),
        "service_requests": with_response_counts(
            ServiceRequest.objects.filter(organisation=organisation)
        ),
    }


# --- Responses: the social enterprise's side, and the poster's list on the detail page --------


@register.inclusion_tag("vacancies/_enterprise_dashboard.html", takes_context=True)
def my_responses(context):
    """For a user acting for a social enterprise: its candidates and offers with their states,
    and the open opportunities that fit its services and region (vacancies/fitting.py). Six
    queries however many there are, five when the page already asked for the acting
    membership (tests/vacancies/test_enterprise_dashboard.py)."""
    request = context["request"]
    acting = access.acting_membership(request)
    if acting is None or not acting.organisation.is_social:
        return {"enterprise": None}
    enterprise = acting.organisation
    services = list(enterprise.services.select_related("category"))
    candidates, offers = responses.answers_of(enterprise)
    return {
        "request": request,
        "enterprise": enterprise,
        "candidates": candidates,
        "offers": offers,
        "services": services,
        "service_requests": fitting.requests_for(enterprise, services),
        "vacancies": fitting.vacancies_near(enterprise),
        "vacancy_radius_km": fitting.VACANCY_RADIUS_KM,
    }


@register.simple_tag(takes_context=True)
def respond_panel(context):
    """What an opportunity's page shows the social enterprise the user acts for: why it cannot
    answer, or what it sent and its state, or the form to send a candidate or an offer."""
    request, opportunity = context["request"], context["opportunity"]
    is_vacancy = isinstance(opportunity, Vacancy)
    acting = context.get("acting") or access.acting_membership(request)
    enterprise = acting.organisation if acting else None
    refusal = responses.refusal_to_respond(opportunity, enterprise=enterprise, user=request.user)
    answers = responses.answers_to(opportunity, enterprise) if refusal is None else []
    # One offer per request; a vacancy may get more candidates, from the respond page.
    show_form = refusal is None and opportunity.is_open and not answers
    form_class = CandidateForm if is_vacancy else OfferForm
    return SimpleNamespace(
        enterprise=enterprise,
        refusal=refusal,
        answers=answers,
        is_vacancy=is_vacancy,
        form=form_class() if show_form else None,
    )


@register.simple_tag(takes_context=True)
def responses_panel(context):
    """The answers to an opportunity for its poster, each with the form to move it on (which
    offers no move once an answer is accepted or declined)."""
    opportunity = context["opportunity"]
    rows = [
        (response, MoveForm(response=response, moves=responses.allowed_moves(response)))
        for response in responses.responses_to(opportunity)
    ]
    # Once an answer is accepted, an opportunity that still takes answers asks whether it is
    # now filled, with one button that closes it as filled (vacancies/_responses.html).
    accepted = next((r for r, _form in rows if r.status == ResponseStatus.ACCEPTED), None)
    return SimpleNamespace(
        rows=rows,
        is_vacancy=isinstance(opportunity, Vacancy),
        accepted=accepted if lifecycle.is_closable(opportunity) else None,
    )


# --- Saved searches -----------------------------------------------------------------------------


# The panel sits among the results, inside the page's search form (GET); its own form (POST)
# comes after that one, as forms cannot nest, and the panel's fields name it (form="...").
SAVE_SEARCH_FORM_ID = "save-search-form"


@register.inclusion_tag("vacancies/saved_searches_panel.html", takes_context=True)
def save_search_panel(context, part="panel"):
    """The "Save this search" panel of a search page (templates/portal/search_page.html).

    The page it is on says which search (the directory, vacancies or service requests); the
    search is the page's own FilterSet (`search`). A visitor gets a link to log in that comes
    back here; a user who saved this search already sees how often it comes. No query for a
    visitor, one for a user. `part`: "panel" (what people see, placed under the results'
    heading so that it never pushes the search box down) or "form" (the empty POST form its
    fields belong to, placed after the search form).
    """
    if part == "form":
        return {"part": part, "form_id": SAVE_SEARCH_FORM_ID, "request": context["request"]}
    request, search = context["request"], context.get("search")
    match = request.resolver_match
    target = saved_searches.TARGET_OF_VIEW.get(match.view_name if match else None)
    if target is None or search is None:
        return {"target": None}
    panel = {"part": part, "request": request, "target": target}
    if not request.user.is_authenticated:
        return panel
    query = saved_searches.canonical_query(search)
    saved = saved_searches.saved_for(request.user, target, query)
    panel["saved"] = saved
    if saved is not None:
        panel["when"] = saved_searches.FREQUENCY_WORDS[saved.frequency]
    else:
        form = SaveSearchForm(initial={"target": target, "query": query})
        for field in form.fields.values():
            field.widget.attrs["form"] = SAVE_SEARCH_FORM_ID
        panel.update(form=form, form_id=SAVE_SEARCH_FORM_ID)
    return panel
