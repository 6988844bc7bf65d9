"""Procurement in the admin: the administrators keep which recognition qualifies for which
route, with its legal source, and the model clauses in three languages; they read the buyers'
spend years (read only)."""

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import Eligibility, ModelClause, SpendYear


@admin.register(Eligibility)
class EligibilityAdmin(admin.ModelAdmin):
    list_display = ["recognition", "route", "legal_source", "source_date"]
    list_filter = ["route", "recognition"]
    list_select_related = ["recognition"]
    search_fields = ["legal_source", "recognition__name_nl"]


@admin.register(ModelClause)
class ModelClauseAdmin(admin.ModelAdmin):
    list_display = ["route", "source"]


# Social spend


@admin.register(SpendYear)
class SpendYearAdmin(admin.ModelAdmin):
    """A buyer's uploaded years, read-only and for administrators only: the amounts are the
    buyer's (procurement/spend.py). Regisseurs have no permission on it; members upload and
    remove years on the buyer's spend page."""

    list_display = ("buyer", "year", "lines", "total", "uploaded_at")
    list_filter = ("year",)
    search_fields = ("buyer__name", "buyer__enterprise_number")
    list_select_related = ("buyer",)
    fields = ("buyer", "year", "uploaded_at", "uploaded_by", "file_name", "lines", "total")
    readonly_fields = fields
    ordering = ("buyer__name", "-year")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(line_count=Count("lines"), amount=Sum("lines__amount"))
        )

    @admin.display(description=_("lines"), ordering="line_count")
    def lines(self, obj):
        return obj.line_count

    @admin.display(description=_("total (EUR)"), ordering="amount")
    def total(self, obj):
        return obj.amount

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
