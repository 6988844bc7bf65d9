import re
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import workqueue
from portal.forms import PhoneField, WebsiteField
from portal.models import Region

from . import access, enterprise_number, freshness, kbo, verification
from .forms import LogoField
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


class RegionFilter(admin.SimpleListFilter):
    """One region's organisations (the work queue's links, portal/workqueue.py): those the user
    coordinates, all for administrators, and "No region" for organisations outside every one."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = Region.objects.all() if request.user.is_superuser else request.user.regions.all()
        choices = [(str(region.pk), region.name) for region in regions]
        if request.user.is_superuser:
            choices.append((workqueue.NO_REGION, _("No region")))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == workqueue.NO_REGION:
            return queryset.filter(municipality__regions__isnull=True)
        if value and re.fullmatch(r"[0-9]{1,9}", value):
            # Any region's id narrows the list; one the user cannot pick simply is not offered.
            # (Other values, "x" or a number beyond the column's range, are ignored.)
            return queryset.filter(municipality__regions=int(value))
        return queryset


class DetailsConfirmedFilter(admin.SimpleListFilter):
    """Issue 17: the regisseur's stale listings (companies/freshness.py)."""

    title = _("details confirmed")
    parameter_name = "unconfirmed"

    def lookups(self, request, model_admin):
        return [
            ("13", _("Not confirmed for 13 months")),
            (
                "stale",
                _("Not confirmed for %(months)s months: out of the directory")
                % {"months": settings.DIRECTORY_STALE_MONTHS},
            ),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "13":
            cutoff = freshness.months_before(now, freshness.OUTDATED_MONTHS)
            return queryset.not_confirmed_since(cutoff)
        if self.value() == "stale":
            return queryset.exclude(freshness.fresh_enough_condition(now=now))
        return queryset


class LookAlikeFilter(admin.SimpleListFilter):
    """Organisations whose name looks like another's (the same skeleton, portal.names)."""

    title = _("look-alike names")
    parameter_name = "look_alike"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Look-alike of another organisation")),
            ("no", _("No look-alike")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_look_alike=True)
        if self.value() == "no":
            return queryset.filter(has_look_alike=False)
        return queryset


class KboStoppedFilter(admin.SimpleListFilter):
    """Organisations whose enterprise the KBO register reports stopped (companies/kbo.py)."""

    title = _("KBO register")
    parameter_name = "kbo_stopped"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Stopped according to the KBO")),
            ("no", _("Not stopped according to the KBO")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(kbo_stopped_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(kbo_stopped_on__isnull=True)
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
    list_display = [
        "name",
        "look_alike_column",
        "kind",
        "enterprise_number",
        "municipality",
        "province",
        "verified_at",
    ]
    list_filter = [
        RegionScopeFilter,
        RegionFilter,
        DetailsConfirmedFilter,
        LookAlikeFilter,
        KboStoppedFilter,
        "kind",
        "province",
        "recognitions",
    ]
    list_select_related = ["municipality", "province"]
    search_fields = ["name", "enterprise_number"]
    raw_id_fields = ["postcode"]
    readonly_fields = [
        "look_alikes",
        "kbo_status",
        "municipality",
        "province",
        "latitude",
        "longitude",
        "verified_at",
        "verified_by",
        "created_at",
        "updated_at",
        "details_confirmed_at",
    ]
    filter_horizontal = ["sectors", "recognitions", "target_groups"]
    inlines = [OfferedServiceInline, MembershipInline]
    actions = ["verify"]
    # A logo uploaded here is checked and re-encoded as on the profile page (companies/logos.py).
    formfield_overrides = {models.ImageField: {"form_class": LogoField}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Phone and website checked and stored as on the profile page (portal/forms.py).
        form_class = {"phone": PhoneField, "website": WebsiteField}.get(db_field.name)
        if form_class:
            kwargs["form_class"] = form_class
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).with_look_alike()

    @admin.display(description=_("look-alike"), boolean=True, ordering="has_look_alike")
    def look_alike_column(self, organisation):
        return organisation.has_look_alike

    @admin.display(description=_("organisations with a look-alike name"))
    def look_alikes(self, organisation):
        others = []
        if organisation.pk:
            others = list(
                Organisation.objects.looking_like(organisation.name, excluding=organisation)
                .select_related("municipality")
                .order_by("created_at")
            )
        if not others:
            return self.get_empty_value_display()
        return format_html(
            '<ul class="look-alikes">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {}, {})</li>',
                (
                    (
                        reverse("admin:companies_organisation_change", args=[other.pk]),
                        other.name,
                        other.municipality,
                        other.enterprise_number_display,
                        date_format(timezone.localtime(other.created_at)),
                    )
                    for other in others
                ),
            ),
        )

    @admin.display(description=_("KBO register"))
    def kbo_status(self, organisation):
        if organisation.kbo_stopped_on is None:
            return self.get_empty_value_display()
        leaves = organisation.kbo_stopped_on + timedelta(days=settings.KBO_STOPPED_GRACE_DAYS)
        return format_html(
            '<strong class="kbo-stopped">{}</strong>',
            _(
                "Stopped according to the KBO since %(since)s; the profile leaves the "
                "directory on %(leaves)s."
            )
            % {"since": date_format(organisation.kbo_stopped_on), "leaves": date_format(leaves)},
        )

    def changelist_view(self, request, extra_context=None):
        note = kbo.register_note()
        if note:
            self.message_user(request, note, messages.WARNING)
        return super().changelist_view(request, extra_context)

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

    def get_fields(self, request, obj=None):
        # The look-alikes right under the name, where the regisseur reads it.
        fields = [field for field in super().get_fields(request, obj) if field != "look_alikes"]
        fields.insert(fields.index("name") + 1 if "name" in fields else 0, "look_alikes")
        # The KBO's stop, if any, next to the number it is about.
        fields.remove("kbo_status")
        if "enterprise_number" in fields:
            fields.insert(fields.index("enterprise_number") + 1, "kbo_status")
        else:
            fields.insert(0, "kbo_status")
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and not super().has_change_permission(request, obj):
            # A regisseur checks and verifies; the members keep their own profile. (Fields
            # that are not editable are the portal's own: the search index, the skeleton.)
            fields += [
                f.name for f in self.model._meta.fields if f.editable and f.name not in fields
            ]
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


class CollaborationStateFilter(admin.SimpleListFilter):
    """Only collaborations confirmed by both sides count; the others wait or are disputed."""

    title = _("confirmation")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("Confirmed by both sides")),
            ("waiting", _("Waiting for a side")),
            ("disputed", _("Disputed")),
        ]

    def queryset(self, request, queryset):
        both = Q(confirmed_by_regular_at__isnull=False, confirmed_by_social_at__isnull=False)
        if self.value() == "confirmed":
            return queryset.filter(both)
        if self.value() == "waiting":
            return queryset.exclude(both).filter(disputed_at__isnull=True)
        if self.value() == "disputed":
            return queryset.filter(disputed_at__isnull=False)
        return queryset


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = [
        "regular",
        "social",
        "role",
        "category",
        "started",
        "ended",
        "channel",
        "source",
        "is_confirmed",
    ]
    list_filter = [CollaborationStateFilter, "channel", "source", "role", "category"]
    list_select_related = ["regular", "social", "category"]
    search_fields = ["regular__name", "social__name"]
    date_hierarchy = "started"
    raw_id_fields = ["regular", "social", "declared_by"]
    readonly_fields = ["import_key", "created_at"]

    @admin.display(description=_("confirmed"), boolean=True)
    def is_confirmed(self, collaboration):
        return bool(collaboration.confirmed_by_regular_at and collaboration.confirmed_by_social_at)

    # Regisseurs see the collaborations of their regions' organisations (either side), read
    # only: a collaboration is the two sides' to declare, confirm and end.
    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.is_regisseur

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.is_regisseur

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if super().has_view_permission(request):
            return queryset
        mine = access.in_regions_of(Organisation.objects.all(), request.user)
        return queryset.filter(Q(regular__in=mine) | Q(social__in=mine))

    def get_search_results(self, request, queryset, search_term):
        """A search for an enterprise number in any spelling finds either side by it."""
        try:
            number = enterprise_number.normalise(search_term.strip())
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return (
            queryset.filter(
                Q(regular__enterprise_number=number) | Q(social__enterprise_number=number)
            ),
            False,
        )
