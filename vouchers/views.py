"""The voucher pages: programmes (public), applying, the applicant's and the provider's vouchers.

Thin: each view parses the input, loads what the user may see (vouchers/access.py), calls
vouchers/lifecycle.py for every step and renders. The lifecycle decides what is allowed; its
refusals are shown where the user acted, with the input kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from companies import access as companies_access
from companies import contact
from companies import search as companies_search
from companies.models import OfferedService, Organisation
from portal import geography
from portal.templatetags.amounts import euros

from . import access, lifecycle
from .forms import (
    PROVIDER_CHOICES,
    ApplicationForm,
    FindVoucherForm,
    ProviderChoiceForm,
    ProviderSearchForm,
    RedeemForm,
    WithdrawForm,
    provider_place,
)
from .models import Programme, VoucherStatus

PAGE_SIZE = 25

# The pages that change data show their form on GET and act on POST; nothing else.
FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _posted(request):
    """A form's data: the POST, even an empty one (then every required field says so)."""
    return request.POST if request.method == "POST" else None


def _with_counts(programmes):
    """Each programme with `available`: the whole vouchers its budget still holds (never < 0)."""
    programmes = list(programmes)
    for programme in programmes:
        programme.available = max(int(programme.vouchers_left or 0), 0)
    return programmes


def _programme(slug):
    return get_object_or_404(
        Programme.objects.with_budget().select_related("region"), slug=slug[:220]
    )


# --- Programmes (public) ------------------------------------------------------------------------


def programme_list(request):
    """The programmes open now, those that open later this year and the closed ones of this
    year, each with what is left; one query whatever their number. For a member acting for an
    organisation, each programme also says whether it applies to that organisation and why not
    (lifecycle.eligibility_problems), those that apply first; three queries more (the
    eligibility facts and the regie to ask), whatever the number of programmes."""
    today = timezone.localdate()
    programmes = _with_counts(
        Programme.objects.with_budget()
        .select_related("region")
        .filter(Q(year=today.year) | Q(opens_on__lte=today, closes_on__gte=today))
        .order_by("closes_on", "name")
    )
    acting = companies_access.acting_membership(request)
    organisation = acting.organisation if acting else None
    if organisation is not None:
        facts = lifecycle.eligibility_facts(programmes, organisation)
        for programme in programmes:
            programme.problems = lifecycle.eligibility_problems(
                programme, organisation, today=today, facts=facts[programme.pk]
            )
        # Those that apply first; sorted() keeps the order by closing date within each.
        programmes = sorted(programmes, key=lambda programme: bool(programme.problems))
    by_state = {"open": [], "upcoming": [], "closed": []}
    for programme in programmes:
        by_state[_state(programme, today)].append(programme)
    applying = [p for p in by_state["open"] if organisation is not None and not p.problems]
    context = {
        "open_programmes": by_state["open"],
        "upcoming_programmes": by_state["upcoming"],
        "closed_programmes": by_state["closed"],
        "year": today.year,
        "usual_value": Programme._meta.get_field("voucher_value").default,
        "organisation": organisation,
        "applying": applying,
        "regie": contact.regie_for(organisation) if organisation is not None else None,
    }
    return render(request, "vouchers/programme_list.html", context)


def _state(programme, today):
    if programme.opens_on > today:
        return "upcoming"
    return "closed" if programme.closes_on < today else "open"


def _eligible_municipalities(programme):
    """The municipalities where applicants must be, by name, and whether they are the region's."""
    chosen = list(programme.municipalities.all())
    if chosen:
        return sorted(chosen, key=lambda m: m.name), False
    return sorted(programme.region.municipalities.all(), key=lambda m: m.name), True


def programme_detail(request, slug):
    programme = _programme(slug)
    [programme] = _with_counts([programme])
    municipalities, whole_region = _eligible_municipalities(programme)
    acting = companies_access.acting_membership(request)
    problems = None
    if acting:
        facts = lifecycle.eligibility_facts([programme], acting.organisation)[programme.pk]
        problems = lifecycle.eligibility_problems(programme, acting.organisation, facts=facts)
    context = {
        "programme": programme,
        "state": _state(programme, timezone.localdate()),
        "municipalities": municipalities,
        "whole_region": whole_region,
        "categories": list(programme.categories.all()),
        "acting": acting,
        "problems": problems,
    }
    return render(request, "vouchers/programme_detail.html", context)


# --- Applying (a member of a verified regular firm) ---------------------------------------------


def providers_for(categories, q="", *, near=None):
    """Verified social enterprises that offer one of `categories` (any service when empty),
    found by `q` (name, place, services); the nearest to `near` (an organisation or other
    point) first, each with its `distance_km`, or by name without `near`."""
    services = OfferedService.objects.filter(organisation=OuterRef("pk"))
    if categories:
        services = services.filter(category__in=categories)
    providers = Organisation.objects.social().verified().filter(Exists(services))
    if q:
        providers = companies_search.search(providers, q)
    order = ["name", "pk"]
    if near is not None:
        providers = geography.annotate_distance(providers, near)
        order = ["distance_km", *order]
    return (
        providers.select_related("municipality")
        .prefetch_related("services__category")
        .order_by(*order)
    )


# What an applicant typed in step 2 and keeps while choosing another provider (in the session).
DRAFT_FIELDS = {"category": 20, "intended_use": 2000, "expected_date": 20}


def _draft_key(programme):
    return f"vouchers:apply-draft:{programme.pk}"


def _apply_url(programme, **query):
    url = reverse("vouchers:apply", kwargs={"slug": programme.slug})
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@FORM_METHODS
def apply(request, slug):
    """Two steps, without script: choose the provider (GET, nearest first, with the search),
    then the rest of the form with only that provider's services (POST). Choosing another
    provider from step 2 keeps what was typed (a draft in the session)."""
    programme = _programme(slug)
    acting = companies_access.acting_membership(request)
    applicant = acting.organisation if acting else None
    problems = lifecycle.eligibility_problems(programme, applicant) if acting else None
    search = ProviderSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    chosen_categories = list(programme.categories.all())
    form = choice = None
    shown = []
    if request.method == "POST" and "change" in request.POST:
        request.session[_draft_key(programme)] = {
            name: str(request.POST.get(name, ""))[:limit] for name, limit in DRAFT_FIELDS.items()
        }
        previous = str(request.POST.get("provider", ""))[:20]
        return redirect(_apply_url(programme, q=q, previous=previous))
    if request.method == "POST":
        form = ApplicationForm(request.POST, programme=programme, applicant=applicant)
    else:
        # One more than shown tells whether the list was cut.
        shown = list(providers_for(chosen_categories, q, near=applicant)[: PROVIDER_CHOICES + 1])
        choice = ProviderChoiceForm(
            request.GET if "provider" in request.GET else None,
            providers=shown[:PROVIDER_CHOICES],
            initial={"provider": request.GET.get("previous", "")[:20]},
        )
        if choice.is_bound and choice.is_valid():
            draft = request.session.get(_draft_key(programme), {})
            chosen = next(p for p in shown if p.pk == choice.cleaned_data["provider"].pk)
            form = ApplicationForm(
                programme=programme, applicant=applicant, provider=chosen, initial=draft
            )
            choice = None
    if form is not None and request.method == "POST" and acting is not None and form.is_valid():
        data = form.cleaned_data
        try:
            voucher = lifecycle.apply(
                programme,
                applicant=applicant,
                provider=data["provider"],
                category=data["category"],
                intended_use=data["intended_use"],
                expected_date=data["expected_date"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(_draft_key(programme), None)
            messages.success(
                request,
                _(
                    "Your application for a voucher with %(provider)s was sent. The regisseur "
                    "decides on it; you will get an email."
                )
                % {"provider": voucher.provider.name},
            )
            return redirect(reverse("vouchers:my_vouchers") + f"#voucher-{voucher.pk}")
    chosen = form.chosen if form is not None else None
    if chosen is not None and applicant is not None and not hasattr(chosen, "distance_km"):
        chosen.distance_km = geography.haversine_km(applicant, chosen)
    # Without an organisation there is nobody to apply for. A page that can only explain why
    # one may not apply, with no input to keep, is refused; a posted form is shown again with
    # every refusal on its field or on top, so that nothing typed is lost.
    refused = acting is None or (request.method != "POST" and bool(problems))
    context = {
        "programme": programme,
        "acting": acting,
        "memberships": companies_access.memberships_of(request.user),
        "problems": problems,
        "form": form,
        "choice": choice,
        "chosen": chosen,
        "chosen_place": provider_place(chosen) if chosen is not None else "",
        "search": search,
        "q": q,
        "found": len(shown[:PROVIDER_CHOICES]),
        "cut": len(shown) > PROVIDER_CHOICES,
        "limit": PROVIDER_CHOICES,
        "show_form": not refused,
    }
    return render(request, "vouchers/apply.html", context, status=403 if refused else 200)


# --- The applicant's vouchers -------------------------------------------------------------------


@login_required
def my_vouchers(request):
    vouchers = (
        access.vouchers_of_applicant(request.user)
        .select_related("programme", "applicant", "provider", "category")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "vouchers": page.object_list,
        "several": companies_access.memberships_of(request.user).count() > 1,
        "withdrawable": {VoucherStatus.SUBMITTED, VoucherStatus.APPROVED},
    }
    return render(request, "vouchers/my_vouchers.html", context)


@login_required
@FORM_METHODS
def withdraw(request, pk):
    """GET asks for confirmation; POST withdraws. Only the applicant's members find it."""
    voucher = get_object_or_404(
        access.vouchers_of_applicant(request.user).select_related(
            "programme", "applicant", "provider", "category"
        ),
        pk=pk,
    )
    form = WithdrawForm(_posted(request), voucher=voucher)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.withdraw(voucher, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your voucher application with %(provider)s is withdrawn.")
                % {"provider": voucher.provider.name},
            )
            return redirect("vouchers:my_vouchers")
    return render(request, "vouchers/withdraw.html", {"voucher": voucher, "form": form})


# --- The provider's vouchers --------------------------------------------------------------------


def _providers_of(request):
    """The social enterprises the user is a member of, the one they act for first."""
    acting = companies_access.acting_membership(request)
    organisations = [
        m.organisation
        for m in companies_access.memberships_of(request.user)
        if m.organisation.is_social
    ]
    organisations.sort(key=lambda o: 0 if acting and o.pk == acting.organisation_id else 1)
    return organisations


def _find(code, providers):
    """The voucher with this code for one of these providers; the last refusal otherwise."""
    error = None
    for provider in providers:
        try:
            return lifecycle.find_by_code(code, provider=provider)
        except ValidationError as refusal:
            error = refusal
    raise error


# The provider's list: vouchers to redeem first (soonest to expire on top), then the rest.
PROVIDER_ORDER = Case(
    When(status=VoucherStatus.APPROVED, then=Value(0)),
    When(status=VoucherStatus.REDEEMED, then=Value(1)),
    When(status=VoucherStatus.PAID, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


@login_required
def to_redeem(request):
    providers = _providers_of(request)
    if not providers:
        return render(request, "vouchers/to_redeem.html", {"providers": []}, status=403)
    form = FindVoucherForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            voucher = _find(form.cleaned_data["code"], providers)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return redirect("vouchers:redeem", code=voucher.code)
    vouchers = (
        access.vouchers_of_provider(request.user)
        .filter(status__in=[VoucherStatus.APPROVED, VoucherStatus.REDEEMED, VoucherStatus.PAID])
        .select_related("programme", "applicant", "provider", "category")
        .annotate(status_order=PROVIDER_ORDER)
        .order_by("status_order", "valid_until", "-redeemed_at", "pk")
    )
    page = Paginator(vouchers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "providers": providers,
        "form": form,
        "page_obj": page,
        "vouchers": page.object_list,
    }
    return render(request, "vouchers/to_redeem.html", context)


@login_required
@FORM_METHODS
def redeem(request, code):
    voucher = (
        access.vouchers_of_provider(request.user)
        .select_related("programme", "applicant", "provider", "category")
        .filter(code=code[:40])
        .first()
    )
    if voucher is None:
        raise Http404
    form = RedeemForm(_posted(request), voucher=voucher)
    if request.method == "POST" and form.is_valid():
        try:
            voucher = lifecycle.redeem(voucher, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Voucher %(code)s is redeemed: the regie pays you %(amount)s. "
                    "Thank you for working with %(applicant)s."
                )
                % {
                    "code": voucher.code,
                    "amount": euros(voucher.amount),
                    "applicant": voucher.applicant.name,
                },
            )
            return redirect("vouchers:to_redeem")
    context = {
        "voucher": voucher,
        "form": form,
        "may_redeem": voucher.status == VoucherStatus.APPROVED,
    }
    return render(request, "vouchers/redeem.html", context)
