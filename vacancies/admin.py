from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import lifecycle, search
from .models import Match, Placement, Response, SavedSearch, ServiceRequest, Support, Vacancy

# --- Opportunities (vacancies and service requests) ---------------------------------------------


class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "closing_date", "municipality", "province"]
    list_filter = ["status", "province"]
    list_select_related = ["organisation", "municipality", "province"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "postcode"]
    date_hierarchy = "closing_date"
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The lists search what the admin may just have changed.
        search.index(form.instance)


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


class ReadOnlyAdmin(admin.ModelAdmin):
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
