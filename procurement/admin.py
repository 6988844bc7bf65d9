"""Procurement's reference data in the admin: the administrators keep which recognition
qualifies for which route, with its legal source, and the model clauses in three languages."""

from django.contrib import admin

from .models import Eligibility, ModelClause


@admin.register(Eligibility)
class EligibilityAdmin(admin.ModelAdmin):
    list_display = ["recognition", "route", "legal_source", "source_date"]
    list_filter = ["route", "recognition"]
    list_select_related = ["recognition"]
    search_fields = ["legal_source", "recognition__name_nl"]


@admin.register(ModelClause)
class ModelClauseAdmin(admin.ModelAdmin):
    list_display = ["route", "source"]
