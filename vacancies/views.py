from datetime import date, timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from companies import access as companies_access
from portal import geography, names, reference
from portal.models import ServiceCategory

from . import access, export, lifecycle, responses, saved_searches
from .filters import ServiceRequestFilter, VacancyFilter, page_size
from .forms import (
    CandidateForm,
    CloseForm,
    MoveForm,
    NewClosingDateForm,
    OfferForm,
    SavedSearchForm,
    SaveSearchForm,
    ServiceRequestForm,
    VacancyForm,
)
from .models import (
    SEARCH_URL_NAMES,
    Match,
    Response,
    SavedSearch,
    SavedSearchTarget,
    ServiceRequest,
    Status,
    Vacancy,
)

# --- Posting and managing opportunities (poster side) ----------------------------------------

# Vacancies and service requests share their pages; the URL's `kind` says which one.
KINDS = {
    "vacancy": SimpleNamespace(
        model=Vacancy,
        form=VacancyForm,
        create=lifecycle.create_vacancy,
        url_prefix="vacancies:vacancy",
        posted=gettext_lazy("The vacancy was saved as a draft."),
        published=gettext_lazy("The vacancy is published."),
    ),
    "request": SimpleNamespace(
        model=ServiceRequest,
        form=ServiceRequestForm,
        create=lifecycle.create_service_request,
        url_prefix="vacancies:request",
        posted=gettext_lazy("The service request was saved as a draft."),
        published=gettext_lazy("The service request is published."),
    ),
}


TWO_WEEKS = timedelta(days=14)


def _posted(request):
    """A form's data: the POST, even an empty one (then every required field says so)."""
    return request.POST if request.method == "POST" else None


def _detail_url(kind, opportunity):
    return reverse(f"{KINDS[kind].url_prefix}_detail", kwargs={"code": opportunity.code})


def _published_message(spec, opportunity):
    """What the poster is told after publishing: published, or waiting for the regie's check."""
    if opportunity.status == Status.AWAITING:
        return _(
            "Thank you. Because your organisation is not verified yet, a regisseur checks it "
            "before it is published."
        )
    return spec.published


def _urls(kind, opportunity):
    """The addresses of the opportunity's page and its poster's actions, for the templates."""
    names = ["detail", "edit", "publish", "close", "extend", "reopen", "withdraw"]
    prefix = KINDS[kind].url_prefix
    return {name: reverse(f"{prefix}_{name}", kwargs={"code": opportunity.code}) for name in names}


def _refused(request, error):
    for text in error.messages:
        messages.error(request, text)


def _prefilled(request):
    """Initial values of a service request from the link that opened the form: `title`,
    `category` (slug) and `postcode`, as the buying helper (procurement) links a purchase that
    no enterprise can take yet. Only suggestions: what is posted is checked as always, and a
    value that is not valid is left out."""
    found = {}
    title = names.normalise(request.GET.get("title") or "")[:200]
    if title:
        found["title"] = title
    category = reference.find(ServiceCategory, "slug", (request.GET.get("category") or "")[:60])
    if category is not None:
        found["category"] = category
    postcode = geography.point_for_postcode(request.GET.get("postcode"))
    if postcode is not None:
        found["postcode"] = postcode
    return found


def _create(request, kind):
    spec = KINDS[kind]
    acting = companies_access.acting_membership(request)
    if acting is None:
        messages.info(
            request,
            _("To post, first add your organisation to the portal or join it."),
        )
        return redirect("dashboard")
    initial = {"postcode": acting.organisation.postcode}
    if kind == "request":
        initial.update(_prefilled(request))
    form = spec.form(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        publishing = request.POST.get("action") == "publish"
        try:
            # Publishing at once is one step: refused, it leaves no draft behind.
            with transaction.atomic():
                opportunity = spec.create(
                    organisation=acting.organisation, by=request.user, data=form.cleaned_data
                )
                if publishing:
                    lifecycle.publish(opportunity, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _published_message(spec, opportunity) if publishing else spec.posted
            )
            return redirect(_detail_url(kind, opportunity))
    context = {
        "form": form,
        "kind": kind,
        "acting": acting,
        "memberships": companies_access.memberships_of(request.user),
    }
    return render(request, "vacancies/opportunity_form.html", context)


@login_required
def vacancy_create(request):
    return _create(request, "vacancy")


@login_required
def request_create(request):
    return _create(request, "request")


def opportunity_detail(request, kind, code):
    opportunity, is_member = access.opportunity_to_view(request, KINDS[kind].model, code)
    # Extending or reopening suggests two weeks more (never past the calendar's last day).
    suggested = max(opportunity.closing_date, timezone.localdate())
    context = {
        "opportunity": opportunity,
        "kind": kind,
        "is_member": is_member,
        # Only the poster learns how far it reached; a draft (or one waiting for a check) has
        # reached nobody yet.
        "matched": (
            Match.objects.for_opportunity(opportunity).count()
            if is_member and opportunity.status not in {Status.DRAFT, Status.AWAITING}
            else None
        ),
        "check": (
            lifecycle.check_of(opportunity.organisation)
            if opportunity.status == Status.AWAITING
            else None
        ),
        "urls": _urls(kind, opportunity),
        "acting": companies_access.acting_membership(request),
        "close_form": CloseForm(auto_id="close_%s"),
        "date_form": NewClosingDateForm(
            auto_id="date_%s",
            initial={"closing_date": suggested + min(TWO_WEEKS, date.max - suggested)},
        ),
    }
    return render(request, "vacancies/opportunity_detail.html", context)


@login_required
def opportunity_edit(request, kind, code):
    spec = KINDS[kind]
    opportunity = access.opportunity_to_manage(request, spec.model, code)
    try:
        lifecycle.check_editable(opportunity)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_detail_url(kind, opportunity))
    # The form works on a copy: a model form writes its input into its instance even when the
    # input is invalid, and the page must keep showing what is saved until it is saved.
    form = spec.form(_posted(request), instance=spec.model.objects.get(pk=opportunity.pk))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.update(opportunity, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_detail_url(kind, opportunity))
    context = {
        "form": form,
        "kind": kind,
        "opportunity": opportunity,
        "urls": _urls(kind, opportunity),
    }
    return render(request, "vacancies/opportunity_form.html", context)


def _take_step(request, kind, code, step, *, form_class=None, done):
    """`done`: the message on success, or a function of the opportunity that returns it."""
    """Load the opportunity for a member, validate the step's form, take the step, go back."""
    opportunity = access.opportunity_to_manage(request, KINDS[kind].model, code)
    values = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            # The small forms on the page have one field each; its label gives the context.
            for name, errors in form.errors.items():
                for text in errors:
                    messages.error(request, f"{form.fields[name].label}: {text}")
            return redirect(_detail_url(kind, opportunity))
        values = form.cleaned_data
    try:
        step(opportunity, by=request.user, **values)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done(opportunity) if callable(done) else done)
    return redirect(_detail_url(kind, opportunity))


@login_required
@require_POST
def opportunity_publish(request, kind, code):
    spec = KINDS[kind]
    return _take_step(
        request,
        kind,
        code,
        lifecycle.publish,
        done=lambda opportunity: _published_message(spec, opportunity),
    )


@login_required
@require_POST
def opportunity_withdraw(request, kind, code):
    return _take_step(
        request,
        kind,
        code,
        lifecycle.withdraw,
        done=_("It no longer waits for a check: it is a draft again."),
    )


@login_required
@require_POST
def opportunity_close(request, kind, code):
    return _take_step(
        request,
        kind,
        code,
        lifecycle.close,
        form_class=CloseForm,
        done=_("It is closed: it stays visible, marked as closed, and takes no more answers."),
    )


@login_required
@require_POST
def opportunity_extend(request, kind, code):
    return _take_step(
        request,
        kind,
        code,
        lifecycle.extend,
        form_class=NewClosingDateForm,
        done=_("The closing date was moved; it is published until then."),
    )


@login_required
@require_POST
def opportunity_reopen(request, kind, code):
    return _take_step(
        request,
        kind,
        code,
        lifecycle.reopen,
        form_class=NewClosingDateForm,
        done=_("It is published again."),
    )


# --- The lists: search, facets, CSV (public) ---------------------------------------------------


def _opportunity_list(request, search, template):
    if request.GET.get("format") == "csv":
        return export.response(search.qs, request=request, with_distance=search.point is not None)
    page = search.paginate(request.GET.get("page"), page_size(request.GET.get("per_page")))
    context = {
        "search": search,
        "form": search.form,
        "page_obj": page,
        "opportunities": page.object_list,
        "facets": search.facets(),
        "active_filters": search.active_filters(),
        "description": search.describe(),
        # Who sees which call to post (templates/vacancies/_post_action.html).
        "acting": (
            companies_access.acting_membership(request) if request.user.is_authenticated else None
        ),
    }
    return render(request, template, context)


def vacancy_list(request):
    search = VacancyFilter(request.GET, queryset=Vacancy.objects.all())
    return _opportunity_list(request, search, "vacancies/vacancy_list.html")


def request_list(request):
    search = ServiceRequestFilter(request.GET, queryset=ServiceRequest.objects.all())
    return _opportunity_list(request, search, "vacancies/request_list.html")


# --- Responses: social enterprises answer, the poster moves the answers on --------------------

RESPONDING = {
    "vacancy": SimpleNamespace(
        form=CandidateForm,
        send=responses.respond_to_vacancy,
        field="vacancy",
        sent=gettext_lazy("Your candidate was sent to the employer."),
    ),
    "request": SimpleNamespace(
        form=OfferForm,
        send=responses.offer,
        field="service_request",
        sent=gettext_lazy("Your offer was sent."),
    ),
}


@login_required
def respond(request, kind, code):
    """A social enterprise's candidate (vacancy) or offer (service request).

    The detail page shows the form and posts here; this page shows it again with the input and
    its errors, or says why the user cannot respond (403).
    """
    spec = RESPONDING[kind]
    opportunity, _is_member = access.opportunity_to_view(request, KINDS[kind].model, code)
    acting = companies_access.acting_membership(request)
    enterprise = acting.organisation if acting else None
    refusal = responses.refusal_to_respond(opportunity, enterprise=enterprise, user=request.user)
    form = spec.form(_posted(request), enterprise=enterprise, user=request.user)
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            spec.send(opportunity, enterprise=enterprise, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, spec.sent)
            return redirect(_detail_url(kind, opportunity) + "#respond")
    context = {
        "opportunity": opportunity,
        "kind": kind,
        "form": form,
        "enterprise": enterprise,
        "refusal": refusal,
        "answers": responses.answers_to(opportunity, enterprise) if refusal is None else [],
    }
    return render(request, "vacancies/respond.html", context, status=403 if refusal else 200)


@login_required
def move_response(request, kind, code, pk):
    """The poster moves one response on; the page shows the form again when it has errors."""
    opportunity = access.opportunity_to_manage(request, KINDS[kind].model, code)
    response = get_object_or_404(
        Response.objects.select_related("enterprise"),
        pk=pk,
        **{RESPONDING[kind].field: opportunity},
    )
    form = MoveForm(_posted(request), response=response, moves=responses.allowed_moves(response))
    if request.method == "POST" and form.is_valid():
        try:
            responses.move(response, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(enterprise)s's response is now: %(status)s.")
                % {"enterprise": response.enterprise.name, "status": response.get_status_display()},
            )
            return redirect(_detail_url(kind, opportunity) + "#responses")
    context = {"opportunity": opportunity, "kind": kind, "response": response, "form": form}
    return render(request, "vacancies/move_response.html", context)


# --- Saved searches: the user's own; saved from the three search pages ----------------------


def _search_page(target, query=""):
    """The search page of `target` with `query`, re-encoded (input never reaches a header raw)."""
    path = reverse(SEARCH_URL_NAMES[target])
    query = QueryDict(query).urlencode()
    return f"{path}?{query}" if query else path


@login_required
@require_POST
def saved_search_create(request):
    """The "Save this search" panel posts here; back to the search, saying what happened."""
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        target = form.cleaned_data.get("target")
        return redirect(_search_page(target) if target else "vacancies:saved_searches")
    target, query = form.cleaned_data["target"], form.cleaned_data["query"]
    try:
        saved, created = saved_searches.save(
            user=request.user,
            target=target,
            data=query,
            frequency=form.cleaned_data["frequency"],
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect(_search_page(target, query))
    when = saved_searches.FREQUENCY_WORDS[saved.frequency]
    if created:
        messages.success(
            request,
            _("The search is saved: its new results come to you by email %(when)s.")
            % {"when": when},
        )
    else:
        messages.info(
            request,
            _("You had saved this search before: its new results come to you %(when)s.")
            % {"when": when},
        )
    return redirect(saved.search_url())


def _saved_search_page(request, failed=None):
    """The user's saved searches, each with its form; `failed` is a form shown with errors."""
    rows = []
    for saved in SavedSearch.objects.filter(user=request.user):
        if failed is not None and failed.saved_search.pk == saved.pk:
            rows.append((saved, failed))
        else:
            rows.append((saved, SavedSearchForm(saved_search=saved)))
    context = {
        "rows": rows,
        "max_saved_searches": saved_searches.MAX_PER_USER,
        "search_pages": [
            (label, reverse(SEARCH_URL_NAMES[value])) for value, label in SavedSearchTarget.choices
        ],
    }
    return render(request, "vacancies/saved_searches.html", context)


@login_required
def saved_search_list(request):
    return _saved_search_page(request)


@login_required
@require_POST
def saved_search_update(request, code):
    saved = saved_searches.owned(request.user, code)
    form = SavedSearchForm(request.POST, saved_search=saved)
    if not form.is_valid():
        return _saved_search_page(request, failed=form)
    saved_searches.change(saved, **form.cleaned_data)
    messages.success(
        request,
        _("“%(name)s” is saved: new results come %(when)s.")
        % {"name": saved.name, "when": saved_searches.FREQUENCY_WORDS[saved.frequency]},
    )
    return redirect("vacancies:saved_searches")


@login_required
@require_POST
def saved_search_delete(request, code):
    saved = saved_searches.owned(request.user, code)
    saved_searches.delete(saved)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": saved.name})
    return redirect("vacancies:saved_searches")
