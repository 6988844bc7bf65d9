from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import maps, twofactor
from portal.accounts import verified_addresses

from . import (
    access,
    bank_accounts,
    claims,
    collaborations,
    completeness,
    contact,
    freshness,
    guide,
    linked_data,
    membership,
    profiles,
    ratings,
)
from .filters import DirectoryFilter, page_size
from .forms import (
    BankAccountForm,
    ClaimDecisionForm,
    ClaimForm,
    CollaborationForm,
    ContactForm,
    DecisionForm,
    DisputeForm,
    EndForm,
    InvitationForm,
    JoinRequestForm,
    JoinSearchForm,
    KindForm,
    OrganisationForm,
    PartnerSearchForm,
    RatingForm,
    RoleForm,
    ServiceForm,
)
from .models import (
    Claim,
    ClaimStatus,
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    OfferedService,
    Organisation,
)

# --- Directory and public profile ------------------------------------------------------------


def directory(request):
    # The directory's one base: profiles the KBO reported stopped leave after a grace period,
    # and those not confirmed for DIRECTORY_STALE_MONTHS until someone confirms them.
    search = DirectoryFilter(request.GET, queryset=Organisation.objects.in_directory())
    if request.GET.get("format") == "csv":
        return guide.response(request, search.qs, with_distance=search.point is not None)
    if request.GET.get("format") == "print":
        return _printed_guide(request, search)
    page = search.paginate(request.GET.get("page"), page_size(request.GET.get("per_page")))
    context = {
        "search": search,
        "form": search.form,
        "page_obj": page,
        "organisations": page.object_list,
        "facets": search.facets(),
        "active_filters": search.active_filters(),
        "description": search.describe(),
        "print_limit": guide.PRINT_LIMIT,
        "results_map": maps.results_map(
            page.object_list, url=profiles.profile_url, point=search.point, km=search.radius_km
        ),
    }
    return render(request, "companies/directory.html", context)


def _printed_guide(request, search):
    """The directory search as a brochure to print: every result up to guide.PRINT_LIMIT."""
    group, group_error = guide.grouping(request.GET.get("group"))
    context = {
        "search": search,
        "description": search.describe(),
        "group": group,
        "group_error": group_error,
        "groupings": guide.Grouping.CHOICES,
        # The profiles' addresses are printed whole: paper has no links.
        "site": request.build_absolute_uri("/").rstrip("/"),
        **guide.printed(search, group=group),
    }
    return render(request, "companies/guide.html", context)


def profile(request, slug):
    organisation = get_object_or_404(
        # Whether anyone holds the listing, in the same statement: the claim button and the
        # contact form say which (companies/claims.py, companies/contact.py).
        Organisation.objects.for_profile().annotate(
            has_members=Exists(
                Membership.objects.filter(organisation=OuterRef("pk"), user__is_active=True)
            )
        ),
        slug=slug,
    )
    membership = access.memberships_of(request.user).filter(organisation=organisation).first()
    context = {
        "organisation": organisation,
        # Each partner once, with its roles and services (companies/collaborations.py).
        "collaborations": collaborations.partners_on_profile(organisation),
        "membership": membership,
        "is_member": membership is not None,
        "has_members": organisation.has_members,
        "details_outdated": freshness.is_outdated(organisation),
        "details_confirmed_on": freshness.confirmed_on(organisation),
        "checklist": completeness.checklist(organisation) if membership else None,
        "badges": profiles.badges(organisation),
        # schema.org and OSLO JSON-LD in the head, from what is loaded already (issue 24).
        "linked_data": linked_data.profile_script(organisation),
    }
    return render(request, "companies/profile.html", context)


def confirm_details(request, slug, token):
    """The yearly email's one-click confirmation: no login, since all it can do is confirm.

    GET shows the organisation and a button; only the POST confirms (no GET changes a row, so
    a mail scanner that follows links confirms nothing)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    problem = None
    try:
        freshness.check_token(organisation, token)
    except freshness.LinkExpired:
        problem = _("This link has expired. Sign in and save the profile to confirm its details.")
    except freshness.LinkUsed:
        problem = _("The details of this organisation have already been confirmed.")
    except freshness.LinkInvalid:
        problem = _("This link is not valid. Sign in and save the profile to confirm its details.")
    if problem is None and request.method == "POST":
        freshness.confirm(organisation)
        messages.success(request, _("Thank you: the details are confirmed."))
        return redirect(_profile_url(organisation))
    context = {"organisation": organisation, "problem": problem, "token": token}
    return render(
        request, "companies/confirm_details.html", context, status=400 if problem else 200
    )


# --- Onboarding, profile editing and members ----------------------------------------------------


def _next_or(request, default):
    """The `next` address of the request when it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    # Only a path: redirect() would take any other word for a URL name and fail on it.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _posted(request):
    """A form's data: the POST, even an empty one (then every required field says so)."""
    return request.POST if request.method == "POST" else None


def _profile_url(organisation):
    return reverse("companies:profile", kwargs={"slug": organisation.slug})


def _refused(request, error):
    for text in error.messages:
        messages.error(request, text)


@login_required
def organisation_create(request):
    # Verified email is guaranteed here: allauth lets nobody log in before verifying.
    # First the kind (?kind=social), which decides what the form asks; then the form, which
    # carries the kind in a hidden field.
    kind_form = KindForm(request.POST if request.method == "POST" else request.GET or None)
    if not kind_form.is_valid():
        if request.method == "POST":
            kind_form = KindForm()  # a POST without a kind: start again at the first step
        return render(request, "companies/organisation_kind.html", {"kind_form": kind_form})
    kind = kind_form.cleaned_data["kind"]
    if request.method == "POST" and "kbo_lookup" in request.POST:
        form = OrganisationForm.looked_up(request.POST, kind=kind)
        return render(request, "companies/organisation_form.html", {"form": form, "creating": True})
    form = OrganisationForm(_posted(request), request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = membership.create_organisation(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            access.act_for(request, access.membership_for(request, organisation.slug))
            messages.success(
                request,
                _("%(organisation)s is on the portal. You are its owner.")
                % {"organisation": organisation.name},
            )
            if organisation.is_social:
                messages.info(request, _("Now tell buyers what you offer."))
                return redirect("companies:services", slug=organisation.slug)
            return redirect(_profile_url(organisation))
    return render(request, "companies/organisation_form.html", {"form": form, "creating": True})


@login_required
def join(request):
    search_form = JoinSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    join_form, join_form_for = None, None
    if request.method == "POST":
        slug = request.POST.get("organisation", "")
        # Only a slug can name one (PostgreSQL cannot even compare a string with a NUL in it).
        organisation = get_object_or_404(Organisation, slug=slug if slug_re.match(slug) else None)
        join_form = JoinRequestForm(request.POST)
        if join_form.is_valid():
            try:
                join_request = membership.request_to_join(
                    organisation, user=request.user, message=join_form.cleaned_data["message"]
                )
            except ValidationError as error:
                # Shown on the page with the message as typed, under the organisation asked.
                join_form.add_error(None, error)
            else:
                if join_request.escalated_at:
                    text = _(
                        "%(organisation)s has no owner on the portal yet: your request to join "
                        "was sent to the regisseurs of its region, who decide."
                    )
                else:
                    text = _("Your request to join %(organisation)s was sent to its owners.")
                messages.success(request, text % {"organisation": organisation.name})
                return redirect("dashboard")
        join_form_for = organisation.pk
    results = membership.organisations_to_join(query)
    if join_form_for and join_form_for not in {found.pk for found in results}:
        # The organisation asked is listed even when the search does not find it (any more).
        results = [organisation, *results]
    context = {
        "search_form": search_form,
        "query": query,
        "results": membership.with_status_for(results, request.user),
        "join_form": join_form,
        "join_form_for": join_form_for,
    }
    return render(request, "companies/join.html", context)


@login_required
def invitation(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    refusal = membership.invitation_refusal(invitation, user=request.user)
    if request.method == "POST" and refusal is None:
        try:
            accepted = membership.accept_invitation(invitation, user=request.user)
        except ValidationError as error:
            refusal = error
        else:
            access.act_for(request, accepted)
            messages.success(
                request,
                _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation.name},
            )
            return redirect("dashboard")
    context = {
        "invitation": invitation,
        "refusal": refusal,
        "expires_at": membership.invitation_expires_at(invitation),
    }
    return render(request, "companies/invitation.html", context)


@login_required
def organisation_edit(request, slug):
    member = access.membership_for(request, slug)
    organisation = member.organisation
    # The form works on a copy: a model form writes the input into its instance even when the
    # input is invalid, and the page must keep showing the saved profile until it is saved.
    copy = Organisation.objects.get(pk=organisation.pk)
    if request.method == "POST" and "kbo_lookup" in request.POST:
        form = OrganisationForm.looked_up(request.POST, instance=copy)
        context = {"form": form, "organisation": organisation, "member": member, "creating": False}
        return render(request, "companies/organisation_form.html", context)
    form = OrganisationForm(_posted(request), request.FILES or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        was_social = organisation.is_social
        try:
            profiles.update_profile(organisation, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # An owner's save confirms the details as they now stand (companies/freshness.py).
            freshness.confirm(organisation)
            messages.success(request, _("The profile was saved."))
            if organisation.is_social and not was_social:
                # The form asks a social-economy enterprise's details once it is one.
                messages.info(request, _("Now give your recognitions and target groups."))
                return redirect("companies:organisation_edit", slug=organisation.slug)
            return redirect(_profile_url(organisation))
    context = {"form": form, "organisation": organisation, "member": member, "creating": False}
    return render(request, "companies/organisation_form.html", context)


def _social_enterprise_of(request, slug):
    member = access.membership_for(request, slug)
    if not member.organisation.is_social:
        # Offered services are what social enterprises list; other kinds have no such page.
        raise Http404
    return member


def _services_page(request, member, *, add_form=None, bound=None):
    organisation = member.organisation
    rows = []
    for service in organisation.services.select_related("category"):
        if bound is not None and bound.instance.pk == service.pk:
            rows.append((service, bound))
        else:
            form = ServiceForm(
                instance=service, organisation=organisation, prefix=f"service-{service.pk}"
            )
            rows.append((service, form))
    context = {
        "organisation": organisation,
        "member": member,
        "rows": rows,
        "add_form": add_form or ServiceForm(organisation=organisation, prefix="new"),
    }
    return render(request, "companies/services.html", context)


@login_required
def services(request, slug):
    member = _social_enterprise_of(request, slug)
    organisation = member.organisation
    form = ServiceForm(_posted(request), organisation=organisation, prefix="new")
    if request.method == "POST" and form.is_valid():
        service = profiles.add_service(organisation, by=request.user, **form.data_for_service)
        messages.success(
            request, _("%(category)s was added.") % {"category": service.category.name}
        )
        return redirect("companies:services", slug=organisation.slug)
    return _services_page(request, member, add_form=form)


@login_required
@require_POST
def service_edit(request, slug, pk):
    member = _social_enterprise_of(request, slug)
    organisation = member.organisation
    service = get_object_or_404(OfferedService, pk=pk, organisation=organisation)
    form = ServiceForm(
        request.POST, instance=service, organisation=organisation, prefix=f"service-{pk}"
    )
    if not form.is_valid():
        return _services_page(request, member, bound=form)
    profiles.change_service(service, by=request.user, **form.data_for_service)
    messages.success(request, _("%(category)s was saved.") % {"category": service.category.name})
    return redirect("companies:services", slug=organisation.slug)


@login_required
@require_POST
def service_remove(request, slug, pk):
    organisation = _social_enterprise_of(request, slug).organisation
    service = get_object_or_404(
        OfferedService.objects.select_related("category"), pk=pk, organisation=organisation
    )
    profiles.remove_service(service, by=request.user)
    messages.success(request, _("%(category)s was removed.") % {"category": service.category.name})
    return redirect("companies:services", slug=organisation.slug)


@login_required
def bank_account(request, slug):
    """The account the regie pays vouchers to: every member sees it, owners change it."""
    member = _social_enterprise_of(request, slug)
    organisation = member.organisation
    may_change = member.role == MembershipRole.OWNER
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = BankAccountForm(_posted(request), initial={"iban": organisation.iban_display})
    if request.method == "POST" and form.is_valid():
        changed = bank_accounts.set_iban(
            organisation, by=request.user, number=form.cleaned_data["iban"]
        )
        if changed:
            messages.success(request, _("The bank account was saved."))
        return redirect("companies:bank_account", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "member": member,
        "form": form,
        "may_change": may_change,
    }
    return render(request, "companies/bank_account.html", context)


@login_required
def members(request, slug):
    member = access.membership_for(request, slug, owner=True)
    organisation = member.organisation
    form = InvitationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation, emailed = membership.invite(
                organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if emailed:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.") % {"email": invitation.email},
                )
            else:
                messages.info(
                    request,
                    _(
                        "%(email)s was invited less than a day ago, so we sent no new email. "
                        "The link in the first one still works, for the role chosen now."
                    )
                    % {"email": invitation.email},
                )
            return redirect("companies:members", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "member": member,
        "memberships": organisation.memberships.select_related("user").order_by(
            "-role", "user__name", "user__email"
        ),
        "join_requests": membership.pending_join_requests(organisation),
        "invitations": membership.open_invitations(organisation).select_related("invited_by"),
        "invitation_form": form,
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    return render(request, "companies/members.html", context)


@login_required
@require_POST
def member_role(request, slug, pk):
    organisation = access.membership_for(request, slug, owner=True).organisation
    target = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner or editor."))
    else:
        try:
            membership.change_role(target, role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": target.user.get_full_name(), "role": target.get_role_display().lower()},
            )
    return redirect("companies:members", slug=organisation.slug)


@login_required
@require_POST
def member_remove(request, slug, pk):
    own = access.membership_for(request, slug)
    organisation = own.organisation
    target = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    leaving = target.pk == own.pk
    if not leaving:
        # Removing somebody else is for owners (an editor gets 403).
        access.membership_for(request, slug, owner=True)
    try:
        membership.remove_member(target, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_next_or(request, reverse("dashboard")))
    if leaving:
        messages.success(
            request, _("You left %(organisation)s.") % {"organisation": organisation.name}
        )
        return redirect("dashboard")
    messages.success(
        request,
        _("%(name)s is no longer a member.") % {"name": target.user.get_full_name()},
    )
    return redirect("companies:members", slug=organisation.slug)


@login_required
@require_POST
def join_request_decide(request, slug, pk):
    organisation = access.membership_for(request, slug, owner=True).organisation
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, organisation=organisation
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the request."))
        return redirect("companies:members", slug=organisation.slug)
    decide = (
        membership.accept_join_request
        if form.cleaned_data["decision"] == "accept"
        else membership.decline_join_request
    )
    try:
        decide(join_request, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        name = join_request.user.get_full_name()
        if form.cleaned_data["decision"] == "accept":
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        else:
            messages.success(request, _("The request of %(name)s was declined.") % {"name": name})
    return redirect(_next_or(request, reverse("companies:members", args=[organisation.slug])))


@login_required
@require_POST
def invitation_cancel(request, slug, pk):
    organisation = access.membership_for(request, slug, owner=True).organisation
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    membership.cancel_invitation(invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s was cancelled.") % {"email": invitation.email}
    )
    return redirect("companies:members", slug=organisation.slug)


@login_required
@require_POST
def act(request, slug):
    chosen = access.membership_for(request, slug)
    access.act_for(request, chosen)
    messages.success(
        request,
        _("You now act for %(organisation)s.") % {"organisation": chosen.organisation.name},
    )
    return redirect(_next_or(request, reverse("dashboard")))


@login_required
def contact_organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    form = ContactForm(_posted(request), sender=request.user)
    if request.method == "POST" and form.is_valid():
        acting = access.acting_membership(request)
        try:
            contact.send_contact_message(
                organisation,
                sender=request.user,
                on_behalf_of=acting.organisation if acting else None,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your message was sent to %(organisation)s.")
                % {"organisation": organisation.name},
            )
            return redirect(_next_or(request, _profile_url(organisation)))
    context = {"organisation": organisation, "contact_form": form}
    return render(request, "companies/contact.html", context)


# --- Collaborations: the organisation's register, declarations and answers ---------------------

COLLABORATIONS_PER_PAGE = 50


def _collaborations_page(request, member, *, bound=None):
    """The organisation's collaborations by state; `bound` is (pk, form) of a row's form that
    came back with errors, shown in place of an empty one."""
    organisation = member.organisation
    sections = collaborations.sections(organisation)
    confirmed = Paginator(
        sections["confirmed"].order_by("-started", "-pk"), COLLABORATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "member": member,
        "awaiting_us": sections["awaiting_us"].order_by("-created_at", "-pk"),
        "awaiting_them": sections["awaiting_them"].order_by("-created_at", "-pk"),
        "disputed": sections["disputed"].order_by("-disputed_at", "-pk"),
        "page_obj": confirmed,
        "confirmed": confirmed.object_list,
        "today": timezone.localdate(),
        "bound_pk": bound[0] if bound else None,
        "bound_form": bound[1] if bound else None,
    }
    return render(request, "companies/collaborations.html", context)


@login_required
def collaboration_list(request, slug):
    return _collaborations_page(request, access.membership_for(request, slug))


@login_required
def collaboration_declare(request, slug):
    member = access.membership_for(request, slug)
    organisation = member.organisation
    search_form = PartnerSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    form = CollaborationForm(
        _posted(request),
        organisation=organisation,
        initial={"partner": request.GET.get("partner", "")},
    )
    partner = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                collaboration, created = collaborations.declare(
                    organisation=organisation,
                    other=data["partner"],
                    role=data["role"],
                    category=data["category"],
                    started=data["started"],
                    ended=data["ended"],
                    channel=data["channel"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if created:
                    messages.success(
                        request,
                        _(
                            "The collaboration with %(organisation)s is declared. Its members "
                            "are asked to confirm it."
                        )
                        % {"organisation": data["partner"].name},
                    )
                else:
                    messages.info(
                        request,
                        _("This collaboration with %(organisation)s was already in the register.")
                        % {"organisation": data["partner"].name},
                    )
                url = reverse("companies:collaborations", kwargs={"slug": organisation.slug})
                return redirect(f"{url}#collaboration-{collaboration.pk}")
        partner = form.cleaned_data.get("partner")
        for error in form.errors.get("partner", []):
            # Without a valid partner the form is not shown: say why above the search.
            messages.error(request, error)
    elif request.GET.get("partner"):
        # The organisation chosen in the search, checked as the form checks it when posted.
        try:
            partner = form.find_partner(request.GET["partner"])
        except ValidationError as error:
            _refused(request, error)
    context = {
        "organisation": organisation,
        "member": member,
        "search_form": search_form,
        "query": query,
        "results": collaborations.partners_for(organisation, query),
        "partner": partner,
        "form": form,
    }
    return render(request, "companies/collaboration_declare.html", context)


def _collaboration_of(request, slug, pk):
    """The member's organisation and one of its collaborations (404 for any other)."""
    member = access.membership_for(request, slug)
    collaboration = get_object_or_404(
        collaborations.of(member.organisation).select_related("regular", "social"), pk=pk
    )
    return member, collaboration


def _collaborations_url(organisation, collaboration=None):
    url = reverse("companies:collaborations", kwargs={"slug": organisation.slug})
    return f"{url}#collaboration-{collaboration.pk}" if collaboration else url


@login_required
@require_POST
def collaboration_confirm(request, slug, pk):
    member, collaboration = _collaboration_of(request, slug, pk)
    organisation = member.organisation
    try:
        collaborations.confirm(collaboration, organisation=organisation, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("You confirmed the collaboration with %(organisation)s.")
            % {"organisation": _partner_name(collaboration, organisation)},
        )
    return redirect(_next_or(request, _collaborations_url(organisation, collaboration)))


@login_required
@require_POST
def collaboration_dispute(request, slug, pk):
    member, collaboration = _collaboration_of(request, slug, pk)
    organisation = member.organisation
    form = DisputeForm(request.POST, auto_id=f"%s-{pk}")
    if not form.is_valid():
        return _collaborations_page(request, member, bound=(pk, form))
    try:
        collaborations.dispute(
            collaboration, organisation=organisation, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("You disputed the collaboration with %(organisation)s; its members are told.")
            % {"organisation": _partner_name(collaboration, organisation)},
        )
    return redirect(_collaborations_url(organisation, collaboration))


@login_required
@require_POST
def collaboration_end(request, slug, pk):
    member, collaboration = _collaboration_of(request, slug, pk)
    organisation = member.organisation
    form = EndForm(request.POST, auto_id=f"%s-{pk}")
    if form.is_valid():
        try:
            collaborations.end(
                collaboration, organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about the date given: this collaboration cannot be ended (any more).
                _refused(request, error)
                return redirect(_collaborations_url(organisation, collaboration))
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The collaboration with %(organisation)s ended on %(date)s.")
                % {
                    "organisation": _partner_name(collaboration, organisation),
                    "date": date_format(form.cleaned_data["ended"]),
                },
            )
            return redirect(_collaborations_url(organisation, collaboration))
    return _collaborations_page(request, member, bound=(pk, form))


@login_required
@require_POST
def collaboration_withdraw(request, slug, pk):
    member, collaboration = _collaboration_of(request, slug, pk)
    organisation = member.organisation
    name = _partner_name(collaboration, organisation)
    try:
        collaborations.withdraw(collaboration, organisation=organisation, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_collaborations_url(organisation, collaboration))
    messages.success(
        request,
        _("Your declaration of a collaboration with %(organisation)s was withdrawn.")
        % {"organisation": name},
    )
    return redirect(_collaborations_url(organisation))


def _partner_name(collaboration, organisation):
    side = collaborations.side_of(collaboration, organisation)
    return collaboration.social.name if side == "regular" else collaboration.regular.name


def _already_rated(request):
    message = _(
        "Your organisation has already rated this collaboration for this period. Thank you!"
    )
    return render(request, "companies/collaboration_rate.html", {"message": message})


def collaboration_rate(request, token):
    """The rating email's link (companies/ratings.py): no login, since all it can do is record
    the rating of the side it was sent to, for its period, once.

    GET shows the collaboration and the form and writes nothing; only a valid POST rates. A
    used link thanks (it did its work); an expired or changed one says so in words (status
    400), never an error page."""
    problem = None
    try:
        collaboration, side, period = ratings.read(token)
    except ratings.LinkUsed:
        return _already_rated(request)
    except ratings.LinkExpired:
        problem = _(
            "This link has expired. You will get a new one at the next anniversary of the "
            "collaboration or when it ends."
        )
    except ratings.LinkInvalid:
        problem = _(
            "This link is not valid: it may have been cut off or changed. Open it again from the "
            "email, in full."
        )
    if problem:
        return render(
            request, "companies/collaboration_rate.html", {"problem": problem}, status=400
        )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rate(collaboration=collaboration, side=side, period=period, **form.cleaned_data)
        except ratings.LinkUsed:  # another member of the side was first
            return _already_rated(request)
        message = _("Thank you: your rating is recorded.")
        return render(request, "companies/collaboration_rate.html", {"message": message})
    organisation, other = (
        (collaboration.regular, collaboration.social)
        if side == "regular"
        else (collaboration.social, collaboration.regular)
    )
    context = {
        "form": form,
        "collaboration": collaboration,
        "organisation": organisation,
        "other": other,
        "at_end": period == ratings.AT_END,
        "years": ratings.years_of(period),
    }
    return render(request, "companies/collaboration_rate.html", context)


# --- Claims of listings (issue 17: companies/claims.py) ------------------------------------------


@login_required
def claim(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    refusal = claims.claim_refusal(organisation, user=request.user)
    if refusal:
        _refused(request, refusal)
        return redirect(_profile_url(organisation))
    form = ClaimForm(_posted(request), addresses=verified_addresses(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            filed = claims.submit(organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if filed.status == ClaimStatus.ACCEPTED:
                text = _(
                    "Your address is at the domain of %(organisation)s: you are now its owner."
                )
            else:
                text = _(
                    "Your claim of %(organisation)s was sent to the regisseurs of its region. "
                    "You will hear from them by email."
                )
            messages.success(request, text % {"organisation": organisation.name})
            return redirect(_profile_url(organisation))
    context = {
        "organisation": organisation,
        "form": form,
        "has_members": claims.has_members(organisation),
    }
    return render(request, "companies/claim.html", context)


def _decider_step(request):
    """Claims are decided by staff only, in a session that passed the second factor."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    return twofactor.second_factor_step(request)


@login_required
def claims_to_decide(request):
    if step := _decider_step(request):
        return step
    # One region's claims and requests (?region=<id>, the work queue's link), or all.
    region = claims.region_asked(request.GET.get("region"))
    context = {
        "claims": claims.with_history(claims.pending_claims_for(request.user, region=region)),
        "join_requests": claims.escalated_join_requests_for(request.user, region=region),
        "decision_form": ClaimDecisionForm(),
        "region": region,
        "region_name": claims.region_name(region),
    }
    return render(request, "companies/claims.html", context)


@login_required
@require_POST
def claim_decide(request, pk):
    if step := _decider_step(request):
        return step
    # Only claims of the decider's regions: any other id is not confirmed to exist.
    found = get_object_or_404(
        Claim.objects.filter(claims.decided_by_user(request.user)).distinct(), pk=pk
    )
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("companies:claims")
    try:
        if form.cleaned_data["decision"] == "accept":
            claims.accept(found, by=request.user)
            text = _("%(name)s is now an owner of %(organisation)s.")
        else:
            claims.refuse(found, by=request.user, reason=form.cleaned_data["reason"])
            text = _("You refused the claim of %(name)s to %(organisation)s.")
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            text % {"name": found.claimant.get_full_name(), "organisation": found.organisation},
        )
    return redirect("companies:claims")


@login_required
@require_POST
def escalated_join_request_decide(request, pk):
    if step := _decider_step(request):
        return step
    found = get_object_or_404(
        JoinRequest.objects.filter(
            claims.decided_by_user(request.user), escalated_at__isnull=False
        ).distinct(),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or decline the request."))
        return redirect("companies:claims")
    try:
        claims.decide_join_request(
            found, by=request.user, accept=form.cleaned_data["decision"] == "accept"
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The request was answered."))
    return redirect("companies:claims")
