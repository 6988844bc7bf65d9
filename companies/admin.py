from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import access, verification
from .models import (
    Collaboration,
    Invitation,
    JoinRequest,
    Membership,
    OfferedService,
    Organisation,
)


class RegionScopeFilter(admin.SimpleListFilter):
    """The regisseur's work list: organisations of their regions that still wait for a check."""

    title = _("verification")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [
            ("unverified-mine", _("Unverified, in my regions")),
            ("mine", _("In my regions")),
            ("unverified", _("Unverified, everywhere")),
        ]

    def queryset(self, request, queryset):
        if self.value() in {"unverified-mine", "unverified"}:
            queryset = queryset.filter(verified_at__isnull=True)
        if self.value() in {"unverified-mine", "mine"}:
            queryset = access.in_regions_of(queryset, request.user)
        return queryset


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
    list_filter = [RegionScopeFilter, "kind", "province", "recognitions"]
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
    filter_horizontal = ["sectors", "recognitions", "target_groups"]
    inlines = [OfferedServiceInline, MembershipInline]
    actions = ["verify"]

    # Regisseurs need no model permissions here: what they may do follows from their regions
    # (companies/access.py), so it cannot drift from what the portal itself allows.
    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.is_regisseur

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.is_regisseur

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        if obj is None:
            return request.user.is_regisseur
        return access.can_verify(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and not super().has_change_permission(request, obj):
            # A regisseur checks and verifies; the members keep their own profile.
            fields += [f.name for f in self.model._meta.fields if f.name not in fields]
            fields += ["sectors", "recognitions", "target_groups"]
        return fields

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request, queryset):
        done, refused = 0, 0
        for organisation in queryset.select_related("municipality"):
            if access.can_verify(request.user, organisation):
                verification.verify(organisation, by=request.user)
                done += 1
            else:
                refused += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d organisation verified.",
                    "%(count)d organisations verified.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d organisation lies outside your regions and was not verified.",
                    "%(count)d organisations lie outside your regions and were not verified.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "organisation", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    exclude = ["token"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["regular", "social", "role", "category", "started", "ended", "channel"]
    list_filter = ["role", "channel", "source"]
    raw_id_fields = ["regular", "social"]
