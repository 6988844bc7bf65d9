from django.contrib import admin

from .models import Membership, OfferedService, Organisation


class OfferedServiceInline(admin.TabularInline):
    model = OfferedService
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enterprise_number", "municipality", "province", "verified_at"]
    list_filter = ["kind", "province", ("verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["municipality", "province"]
    search_fields = ["name", "enterprise_number"]
    raw_id_fields = ["postcode"]
    readonly_fields = [
        "municipality",
        "province",
        "latitude",
        "longitude",
        "verified_at",
        "verified_by",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["sectors"]
    inlines = [OfferedServiceInline, MembershipInline]
