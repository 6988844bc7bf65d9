"""The buying helper at /buying/ (issue 23, item 2): purchases typed one by one or uploaded as a
plan, each with the eligible enterprises that reach it and the advised route; an advice sheet to
print and a CSV. Members of public bodies, schools and non-profits keep their plans."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import contact
from companies.forms import ContactForm
from portal import csvexport, reference

from . import access, advice, outcomes, plans
from .forms import OutcomeForm, PlanUploadForm, PurchaseForm, SavePlanForm
from .models import OUTCOME_CHOICES, ModelClause, PlanLine, PurchasingPlan, Route

# The draft plan of a visitor (or of a buyer before saving): the lines' cells in the session.
DRAFT_KEY = "buying_draft"


def _draft(request):
    return list(request.session.get(DRAFT_KEY, []))


def _draft_entries(request):
    """The draft's entries (its cells checked again: the reference data may have moved)."""
    entries = []
    for position, cells in enumerate(_draft(request), start=1):
        entry, _errors = plans.check(cells, position)
        if entry is not None:
            entries.append(entry)
    return entries


def _keep_draft(request, cells_list):
    request.session[DRAFT_KEY] = cells_list[: plans.MAX_LINES]


def service_request_url(entry):
    """The service request form (vacancies), prefilled to sound out the market for `entry`
    (at its first place of delivery: a request has one)."""
    query = {
        "title": entry.subject,
        "category": entry.category.slug,
        "postcode": entry.postcode.code,
    }
    return f"{reverse('vacancies:request_create')}?{urlencode(query)}"


def _save(*, organisation, by, title, entries):
    with transaction.atomic():
        plan = PurchasingPlan.objects.create(organisation=organisation, created_by=by, title=title)
        PlanLine.objects.bulk_create(
            PlanLine(
                plan=plan,
                position=position,
                subject=entry.subject,
                category=entry.category,
                cpv_code=entry.cpv_code,
                postcode=entry.postcode,
                further_places=[place.code for place in entry.places[1:]],
                amount=entry.amount,
                period=entry.period,
            )
            for position, entry in enumerate(entries, start=1)
        )
    return plan


def _output(request, *, entries, title, plan=None, context=None):
    """The advice as a page, as the printable sheet (format=print) or as CSV (format=csv)."""
    lines = advice.analyse(entries)
    for line in lines:
        line.request_url = service_request_url(line.entry) if line.no_capacity else ""
    fmt = request.GET.get("format")
    if fmt == "csv":
        return _csv(lines, title=title)
    context = {
        "title": title,
        "plan": plan,
        "lines": lines,
        "summary": advice.summarise(lines),
        "outcome_choices": OUTCOME_CHOICES,
        **(context or {}),
    }
    if fmt == "print":
        used = {line.route for line in lines}
        context["clauses"] = [
            clause for clause in ModelClause.objects.all() if clause.route in used
        ]
        return render(request, "procurement/advice_sheet.html", context)
    template = "procurement/plan_detail.html" if plan else "procurement/helper.html"
    return render(request, template, context)


def _csv(lines, *, title):
    routes = Route.choices

    def header():
        return [
            _("Line"),
            _("Subject"),
            _("Service category"),
            _("CPV code"),
            _("Postcode"),
            _("Place"),
            _("Estimated amount (EUR)"),
            _("Period"),
            _("Advice"),
            _("Reason"),
            *[
                label
                for _value, name in routes
                for label in (
                    _("%(route)s: enterprises") % {"route": name},
                    _("%(route)s: verified") % {"route": name},
                )
            ],
            _("Eligible enterprises (public contact details)"),
            _("Joint answers (enterprises that carry it together)"),
        ]

    def row(line):
        entry = line.entry
        return [
            entry.position,
            entry.subject,
            entry.category.name,
            entry.cpv_code,
            "; ".join(place.code for place in entry.places),
            "; ".join(place.name for place in entry.places),
            "" if entry.amount is None else entry.amount,
            entry.period,
            line.route_label,
            line.reason,
            *[count for value, _name in routes for count in line.counts[value]],
            " | ".join(_contact(found) for found in line.enterprises),
            " | ".join(_joint_text(joint) for joint in line.joints),
        ]

    return csvexport.response(
        csvexport.lines(lines, header=header, row=row), topic=title or _("buying advice")
    )


def _contact(found):
    organisation = found.organisation
    parts = [organisation.name, found.municipality]
    parts += [
        value
        for value in (
            organisation.public_email,
            organisation.public_phone,
            organisation.public_website,
        )
        if value
    ]
    return ", ".join(part for part in parts if part)


def _joint_text(joint):
    """A joint answer in a CSV cell: each member with the places it reaches and its public
    contact details ("A, Hasselt, info@a.be (3500, 3600) + B, ...")."""
    return " + ".join(
        f"{_contact(member)} ({', '.join(place.code for place in member.places)})"
        for member in joint.members
    )


def helper(request):
    buyer = access.buyer_membership(request)
    purchase_form = PurchaseForm(prefix="purchase")
    upload_form = PlanUploadForm(prefix="upload")
    save_form = SavePlanForm(prefix="save")
    file_errors = []
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "add":
        purchase_form = PurchaseForm(request.POST, prefix="purchase")
        if purchase_form.is_valid():
            draft = _draft(request)
            if len(draft) >= plans.MAX_LINES:
                purchase_form.add_error(
                    None,
                    _("A plan holds at most %(lines)d purchases.") % {"lines": plans.MAX_LINES},
                )
            else:
                _keep_draft(request, [*draft, purchase_form.cleaned_data["entry"].as_cells()])
                return redirect(f"{reverse('procurement:helper')}#advice")
    elif action == "remove":
        draft = _draft(request)
        try:
            del draft[int(request.POST.get("line", "")) - 1]
        except (ValueError, IndexError):
            messages.error(request, _("That purchase is no longer in the plan."))
        else:
            _keep_draft(request, draft)
        return redirect(f"{reverse('procurement:helper')}#advice")
    elif action == "clear":
        _keep_draft(request, [])
        return redirect("procurement:helper")
    elif action == "upload":
        upload_form = PlanUploadForm(request.POST, request.FILES, prefix="upload")
        if upload_form.is_valid():
            checked = upload_form.checked
            title = upload_form.cleaned_data["title"] or upload_form.cleaned_data["file"].name
            if buyer and not checked.errors:
                plan = _save(
                    organisation=buyer.organisation,
                    by=request.user,
                    title=title[:200],
                    entries=checked.entries,
                )
                messages.success(
                    request,
                    _("The plan is saved for %(name)s.") % {"name": buyer.organisation.name},
                )
                return redirect("procurement:plan_detail", code=plan.code)
            # The lines without problems are analysed (and kept as the draft); the others are
            # listed with their line numbers, to be corrected in the file.
            _keep_draft(request, [entry.as_cells() for entry in checked.entries])
            file_errors = checked.errors
    elif action == "save":
        save_form = SavePlanForm(request.POST, prefix="save")
        entries = _draft_entries(request)
        if buyer is None:
            # No save form is shown to them: the message says why nothing was saved.
            messages.error(
                request, _("Plans are kept for members of a public body, school or non-profit.")
            )
        elif not entries:
            save_form.add_error(None, _("Add a purchase before you save the plan."))
        elif save_form.is_valid():
            plan = _save(
                organisation=buyer.organisation,
                by=request.user,
                title=save_form.cleaned_data["title"],
                entries=entries,
            )
            _keep_draft(request, [])
            messages.success(
                request, _("The plan is saved for %(name)s.") % {"name": buyer.organisation.name}
            )
            return redirect("procurement:plan_detail", code=plan.code)

    return _output(
        request,
        entries=_draft_entries(request),
        title=_("Buying advice"),
        context={
            "buyer": buyer,
            "purchase_form": purchase_form,
            "upload_form": upload_form,
            "save_form": save_form,
            "file_errors": file_errors,
            "max_lines": plans.MAX_LINES,
        },
    )


@login_required
def plan_list(request):
    buying_plans = (
        access.plans_of(request.user).select_related("organisation").order_by("-created_at", "-pk")
    )
    return render(
        request,
        "procurement/plan_list.html",
        {"plans": buying_plans, "buyer": access.buyer_membership(request)},
    )


@login_required
def plan_detail(request, code):
    plan = access.plan_for(request, code)
    rows = reference.with_reference(
        plan.lines.select_related("supplier", "collaboration").order_by("position"),
        "category",
        "postcode",
    )
    return _output(request, entries=plans.entries_of(rows), title=plan.title, plan=plan)


@login_required
@require_POST
def record_outcome(request, code, position):
    """The buyer records what it did with a line; an award to a listed social enterprise is
    declared in the collaboration register for the supplier to confirm."""
    plan = access.plan_for(request, code)
    line = get_object_or_404(plan.lines, position=position)
    back = f"{reverse('procurement:plan_detail', kwargs={'code': plan.code})}#line-{position}"
    form = OutcomeForm(request.POST, prefix=f"outcome-{position}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        outcomes.record(
            line,
            outcome=form.cleaned_data["outcome"],
            supplier=form.cleaned_data["supplier"],
            started=form.cleaned_data["started"],
            by=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    if form.cleaned_data["supplier"]:
        messages.success(
            request,
            _(
                "The award is recorded and declared in the collaboration register; "
                "%(supplier)s is asked to confirm it."
            )
            % {"supplier": form.cleaned_data["supplier"].name},
        )
    else:
        messages.success(request, _("The outcome is recorded."))
    return redirect(back)


@login_required
def contact_together(request, code, position):
    """One message from the buyer to every member of a joint answer the advice suggests for a
    line, each seeing the others' names (so that they can form a temporary association). Only
    the plan's members (access.plan_for), as for recording an outcome; the message goes
    through the portal's contact form (companies/contact.py), counted against the sender's
    allowance once per enterprise."""
    plan = access.plan_for(request, code)
    line = get_object_or_404(plan.lines, position=position)
    back = f"{reverse('procurement:plan_detail', kwargs={'code': plan.code})}#line-{position}"
    rows = reference.with_reference(plan.lines.filter(pk=line.pk), "category", "postcode")
    [advised] = advice.analyse(plans.entries_of(rows))
    wanted = (request.POST if request.method == "POST" else request.GET).get("members", "")
    joint = next((joint for joint in advised.joints if joint.slugs == wanted), None)
    if joint is None:
        # The directory moved since the page was read, or the link was made up.
        messages.error(
            request,
            _("These enterprises are no longer suggested together for this purchase."),
        )
        return redirect(back)
    organisations = [member.organisation for member in joint.members]
    names = ", ".join(organisation.name for organisation in organisations)
    initial = {"subject": (_("Joint answer: %(subject)s") % {"subject": line.subject})[:150]}
    form = ContactForm(
        request.POST if request.method == "POST" else None, sender=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact.send_joint_message(
                organisations,
                sender=request.user,
                on_behalf_of=plan.organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your message was sent to %(names)s together.") % {"names": names}
            )
            return redirect(back)
    return render(
        request,
        "procurement/contact_together.html",
        {"plan": plan, "line": advised, "joint": joint, "form": form, "back": back},
    )
