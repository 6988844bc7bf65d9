"""The admin of opportunities, responses, matches and saved searches.

Regisseurs need no model permissions here, as in companies/admin.py: they see the vacancies and
service requests of the posters in the regions they coordinate, read-only, and check those
waiting for a check (issue 19: the buttons on the change page and the list actions call
vacancies/lifecycle.approve and send_back, which decide who may). Administrators see and edit
everything.
"""

import re
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies import access
from companies.admin import RegionFilter
from companies.models import Organisation
from portal import workqueue
from portal.adminlists import ListCheckbox

from . import lifecycle, search
from .models import (
    Match,
    Placement,
    Response,
    SavedSearch,
    ServiceRequest,
    Status,
    Support,
    Vacancy,
)

# --- Opportunities (vacancies and service requests) ---------------------------------------------

POSTER_REGIONS = "organisation__municipality__regions"


class PosterRegionFilter(RegionFilter):
    """The opportunities of one region's posters (the work queue's links): by the region of the
    posting organisation, which is the one whose regie checks it, not by the place of work."""

    def queryset(self, request, queryset):
        value = self.value()
        if value == workqueue.NO_REGION:
            return queryset.filter(**{f"{POSTER_REGIONS}__isnull": True})
        if value and re.fullmatch(r"[0-9]{1,9}", value):
            return queryset.filter(**{POSTER_REGIONS: int(value)})
        return queryset


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the poster"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What to change before it can be published. The poster receives it by email."),
    )


class ApproveForm(forms.Form):
    """Nothing to fill in: the page asks to confirm."""


def _approved(count):
    return ngettext(
        "%(count)d approved and published.", "%(count)d approved and published.", count
    ) % {"count": count}


def _sent_back(count):
    return ngettext(
        "%(count)d sent back to its poster.", "%(count)d sent back to their posters.", count
    ) % {"count": count}


@dataclass(frozen=True)
class CheckStep:
    """A step of the regie's check: its form, its button and what it reports."""

    name: str
    form_class: type
    button: str
    title: str
    done: object  # count -> the message

    def take(self, opportunity, user, data):
        if self.name == "approve":
            return lifecycle.approve(opportunity, by=user)
        return lifecycle.send_back(opportunity, by=user, comment=data["comment"])


CHECKS = {
    "approve": CheckStep(
        "approve",
        ApproveForm,
        _("Approve and publish"),
        _("Approve and publish the selected ones"),
        _approved,
    ),
    "send_back": CheckStep(
        "send_back",
        SendBackForm,
        _("Send back with a comment"),
        _("Send the selected ones back to their posters, with a comment"),
        _sent_back,
    ),
}
NOT_FOUND = _("None of the selected ones was found.")


def checks_opportunities(request):
    """Administrators and regisseurs (staff who coordinate a region) check opportunities."""
    if not hasattr(request, "_checks_opportunities"):
        user = request.user
        request._checks_opportunities = bool(
            user.is_active and user.is_staff and (user.is_superuser or user.is_regisseur)
        )
    return request._checks_opportunities


class OpportunityAdmin(ListCheckbox, admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "closing_date", "municipality", "province"]
    # The closing date as a list filter, not a date hierarchy: the hierarchy reads the first and
    # last date and every year of the whole (scoped) table on each request (issue 20).
    list_filter = [
        "status",
        PosterRegionFilter,
        "province",
        ("closing_date", admin.DateFieldListFilter),
    ]
    list_select_related = ["organisation", "municipality", "province"]
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "postcode"]
    readonly_fields = [
        "code",
        "created_by",
        "published_at",
        "closed_at",
        "expired_at",
        "reminder_sent_for",
        "municipality",
        "province",
        "latitude",
        "longitude",
        "created_at",
        "updated_at",
    ]

    actions = ["approve", "send_back"]
    change_form_template = "admin/vacancies/opportunity/change_form.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The lists search what the admin may just have changed.
        search.index(form.instance)

    # --- what regisseurs see: their regions' posters, read-only ---------------------------------

    def has_module_permission(self, request):
        return super().has_module_permission(request) or checks_opportunities(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or checks_opportunities(request)

    def has_check_permission(self, request):
        return checks_opportunities(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or super().has_view_permission(request):
            return queryset
        # Subqueries, not joins: a municipality in two of the user's regions lists it once, and
        # the page is read in the order of the list's index (vacancy_admin_order), 100 rows,
        # each checked against the posters of the user's regions.
        mine = access.in_regions_of(Organisation.objects.all(), request.user)
        return queryset.filter(organisation__in=mine)

    # --- the check: approve, or send back with a comment ----------------------------------------

    def take(self, request, check, opportunities, data):
        """Take the check's step for each one through vacancies.lifecycle; say what happened."""
        done = 0
        for opportunity in opportunities:
            try:
                check.take(opportunity, request.user, data)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(opportunity)s: %(problem)s")
                    % {"opportunity": opportunity, "problem": " ".join(error.messages)},
                    messages.ERROR,
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(opportunity)s: its poster lies outside your regions.")
                    % {"opportunity": opportunity},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, check.done(done), messages.SUCCESS)
        return done

    def check_page(self, request, check, form, opportunities, *, action=False, opportunity=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{check.button}: {opportunity}" if opportunity else check.title,
            "check": check,
            "form": form,
            "media": self.media + form.media,
            "opportunities": opportunities,
            "opportunity": opportunity,
            "action": check.name if action else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vacancies/opportunity/check.html", context)

    def response_action(self, request, queryset):
        # Django filters by the posted ids as they come; a forged one that is not a number would
        # raise in that filter. Such a post selected nothing that exists.
        try:
            for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(pk)
        except ValidationError:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        return super().response_action(request, queryset)

    def _selected(self, request, queryset):
        """The selected ones, oldest submission first; None (with a message) when none is."""
        found = list(queryset.select_related("organisation").order_by("submitted_at", "pk"))
        if not found:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        return found

    @admin.action(description=_("Approve and publish the selected ones"), permissions=["check"])
    def approve(self, request, queryset):
        opportunities = self._selected(request, queryset)
        if opportunities:
            self.take(request, CHECKS["approve"], opportunities, {})

    @admin.action(
        description=_("Send the selected ones back to their posters, with a comment"),
        permissions=["check"],
    )
    def send_back(self, request, queryset):
        opportunities = self._selected(request, queryset)
        if not opportunities:
            return None
        check = CHECKS["send_back"]
        if "apply" in request.POST:
            form = check.form_class(request.POST)
            if form.is_valid():
                self.take(request, check, opportunities, form.cleaned_data)
                return None
        else:
            form = check.form_class()
        return self.check_page(request, check, form, opportunities, action=True)

    def check_view(self, request, object_id, check):
        """One opportunity's check, from the buttons on its page: a confirmation or a comment,
        then POST."""
        if not checks_opportunities(request):
            raise PermissionDenied
        opportunity = self.get_object(request, unquote(object_id))
        if opportunity is None:
            raise Http404
        if request.method == "POST":
            form = check.form_class(request.POST)
            if form.is_valid():
                self.take(request, check, [opportunity], form.cleaned_data)
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[opportunity.pk],
                    )
                )
        else:
            form = check.form_class()
        return self.check_page(request, check, form, [opportunity], opportunity=opportunity)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        opportunity = self.get_object(request, unquote(object_id))
        checks = (
            list(CHECKS.values())
            if opportunity is not None
            and opportunity.status == Status.AWAITING
            and checks_opportunities(request)
            else []
        )
        extra_context = {**(extra_context or {}), "opportunity_checks": checks}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        urls = [
            path(
                f"<path:object_id>/{check.name.replace('_', '-')}/",
                view(partial(self.check_view, check=check)),
                name=f"{prefix}_{check.name}",
            )
            for check in CHECKS.values()
        ]
        return urls + super().get_urls()


@admin.register(Vacancy)
class VacancyAdmin(OpportunityAdmin):
    list_display = [*OpportunityAdmin.list_display, "open_to_doorstroom"]
    list_filter = [*OpportunityAdmin.list_filter, "contract_type", "open_to_doorstroom"]
    readonly_fields = [*OpportunityAdmin.readonly_fields, "open_to_doorstroom"]
    filter_horizontal = ["supports"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Supports are saved after the vacancy; the doorstroom flag follows them.
        lifecycle.mark_open_to_doorstroom(form.instance)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(OpportunityAdmin):
    list_filter = [*OpportunityAdmin.list_filter, "category", "budget_band"]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_fr", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_nl"]}


# --- Responses and doorstroom placements: to look at, not to change ---------------------------
# States move only through vacancies/responses.py, which records collaborations and placements
# and notifies both sides; an edit here would skip all of that.


class ReadOnlyAdmin(ListCheckbox, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "vacancy", "service_request", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["enterprise", "vacancy", "service_request"]
    search_fields = ["enterprise__name", "vacancy__title", "service_request__title"]
    date_hierarchy = "created_at"


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ["vacancy", "employer", "enterprise", "placed_on"]
    list_select_related = ["vacancy", "employer", "enterprise"]
    search_fields = ["employer__name", "enterprise__name", "vacancy__title"]
    date_hierarchy = "placed_on"


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    """Which enterprises heard about which opportunity, and why (vacancies/matching.py)."""

    list_display = [
        "enterprise",
        "vacancy",
        "service_request",
        "score",
        "reasons_shown",
        "created_at",
    ]
    list_select_related = ["enterprise", "vacancy", "service_request"]
    search_fields = ["enterprise__name", "vacancy__title", "service_request__title"]
    date_hierarchy = "created_at"

    @admin.display(description=_("reasons"))
    def reasons_shown(self, match):
        return ", ".join(match.reason_texts())


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    """Users' saved searches, to look at (and delete); users change them on their own page."""

    list_display = ["name", "user", "target", "frequency", "last_sent_at", "created_at"]
    list_filter = ["target", "frequency"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email", "query"]
    date_hierarchy = "created_at"
    readonly_fields = ["search_link"]

    @admin.display(description=_("search"))
    def search_link(self, saved_search):
        return format_html('<a href="{0}">{0}</a>', saved_search.search_url())
