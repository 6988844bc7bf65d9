import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal import workqueue
from portal.adminlists import ListCheckbox
from portal.forms import PhoneField, WebsiteField
from portal.models import Region

from . import access, enterprise_number, freshness, kbo, regie_notes, verification
from .forms import LogoField, OrganisationRejectionForm, RegieNoteForm
from .models import (
    Collaboration,
    CollaborationRating,
    Invitation,
    JoinRequest,
    Membership,
    OfferedService,
    Organisation,
)

# The public search of the KBO (Crossroads Bank for Enterprises), by the ten digits.
KBO_PUBLIC_PAGE = "https://kbopub.economie.fgov.be/kbopub/toonondernemingps.html"


class RegionScopeFilter(admin.SimpleListFilter):
    """The regisseur's work list: organisations of their regions that still wait for a check."""

    title = _("verification")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [
            ("unverified-mine", _("To verify, in my regions")),
            ("mine", _("In my regions")),
            ("unverified", _("To verify, everywhere")),
            ("rejected", _("Rejected")),
        ]

    def queryset(self, request, queryset):
        # "To verify" is what the work queue counts (companies/workqueue.py): not verified and
        # not rejected (until the members change the profile).
        if self.value() in {"unverified-mine", "unverified"}:
            queryset = queryset.awaiting_verification()
        if self.value() == "rejected":
            queryset = queryset.filter(rejected_at__isnull=False)
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
    fields = ["category", "description", "radius_km", "max_order_amount"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ListCheckbox, admin.ModelAdmin):
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
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    search_fields = ["name", "enterprise_number"]
    raw_id_fields = ["postcode"]
    readonly_fields = [
        "look_alikes",
        "kbo_status",
        "decision_panel",
        "listing_panel",
        "members_panel",
        "kbo_panel",
        "recognitions_panel",
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
    # (companies/access.py), so it cannot drift from what the portal itself allows. They see
    # every organisation's page read-only (Django's view-only page: no Save buttons); the
    # members keep the profile. Those of their regions they verify or reject with the buttons
    # on that page (verify_view, reject_view) and keep regie notes on (notes_view).
    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.is_regisseur

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.is_regisseur

    def has_verify_permission(self, request):
        """The list action: a regisseur or an administrator; each organisation is checked
        again (access.can_verify) in the action."""
        return request.user.is_superuser or request.user.is_regisseur

    def get_fields(self, request, obj=None):
        fields = [
            field
            for field in super().get_fields(request, obj)
            if field not in {"look_alikes", *self.FACTS}
        ]
        # The look-alikes right under the name, where the regisseur reads it.
        fields.insert(fields.index("name") + 1 if "name" in fields else 0, "look_alikes")
        # The KBO's stop, if any, next to the number it is about.
        fields.remove("kbo_status")
        if "enterprise_number" in fields:
            fields.insert(fields.index("enterprise_number") + 1, "kbo_status")
        else:
            fields.insert(0, "kbo_status")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(_("Profile"), {"fields": self.get_fields(request, obj)})]
        if obj is not None and access.can_verify(request.user, obj):
            # What a regisseur decides on, first: the people behind the listing and the
            # register's facts (issue 19).
            fieldsets.insert(0, (_("To decide on"), {"fields": self.FACTS}))
        return fieldsets

    # --- the facts to decide on (read-only panels, for who may verify) -------------------------

    FACTS = ["decision_panel", "listing_panel", "members_panel", "kbo_panel", "recognitions_panel"]

    @staticmethod
    def _person(user):
        if user is None:
            return gettext("a deleted account")
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email

    @admin.display(description=_("verification"))
    def decision_panel(self, organisation):
        if organisation.verified_at:
            return gettext("Verified on %(date)s by %(who)s.") % {
                "date": date_format(timezone.localtime(organisation.verified_at)),
                "who": self._person(organisation.verified_by),
            }
        if organisation.rejected_at:
            return format_html(
                "<strong>{}</strong><br>{}",
                gettext(
                    "Rejected on %(date)s by %(who)s; waits until the members change the profile."
                )
                % {
                    "date": date_format(timezone.localtime(organisation.rejected_at)),
                    "who": self._person(organisation.rejected_by),
                },
                gettext("Reason: %(reason)s") % {"reason": organisation.rejection_reason},
            )
        return gettext("Waits for a check since %(date)s.") % {
            "date": date_format(timezone.localtime(organisation.created_at))
        }

    @admin.display(description=_("listing"))
    def listing_panel(self, organisation):
        created = date_format(timezone.localtime(organisation.created_at))
        if organisation.source:
            text = gettext("Imported on %(date)s from the %(source)s") % {
                "date": created,
                "source": organisation.source,
            }
            if organisation.source_date:
                text += f" ({date_format(organisation.source_date)})"
            return text + "."
        if organisation.created_by_id:
            return gettext("Created on %(date)s by %(who)s.") % {
                "date": created,
                "who": self._person(organisation.created_by),
            }
        return gettext("Created on %(date)s.") % {"date": created}

    @admin.display(description=_("members"))
    def members_panel(self, organisation):
        """The members, their role and whether their address is verified: two queries."""
        memberships = list(
            organisation.memberships.select_related("user").order_by("created_at", "pk")
        )
        if not memberships:
            return gettext("None: nobody holds this listing.")
        verified = {
            (user_id, email.lower())
            for user_id, email in EmailAddress.objects.filter(
                user__in=[m.user_id for m in memberships], verified=True
            ).values_list("user_id", "email")
        }
        yes, no = gettext("address verified"), gettext("address not verified")
        return format_html(
            '<ul class="members">{}</ul>',
            format_html_join(
                "",
                "<li>{} &lt;{}&gt;, {}, {}, {}</li>",
                (
                    (
                        m.user.get_full_name() or "-",
                        m.user.email,
                        m.get_role_display(),
                        yes if (m.user_id, m.user.email.lower()) in verified else no,
                        gettext("since %(date)s")
                        % {"date": date_format(timezone.localtime(m.created_at))},
                    )
                    for m in memberships
                ),
            ),
        )

    @admin.display(description=_("KBO register"))
    def kbo_panel(self, organisation):
        number = organisation.enterprise_number
        link = format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>',
            f"{KBO_PUBLIC_PAGE}?{urlencode({'ondernemingsnummer': number})}",
            gettext("%(number)s in the public KBO search")
            % {"number": organisation.enterprise_number_display},
        )
        entry = kbo.find(number)
        if entry is None:
            note = (
                gettext("Not in the KBO register.")
                if kbo.is_loaded()
                else gettext("The KBO register is not loaded here.")
            )
            return format_html("{} {}", note, link)
        names = (
            ", ".join(f"{name} ({language})" for language, name in sorted(entry.names.items()))
            or entry.name
        )
        address = " ".join(
            part
            for part in (entry.street, entry.house_number, entry.postcode, entry.municipality)
            if part
        )
        facts = [
            (
                gettext("Status"),
                gettext("stopped") if entry.stopped else gettext("active"),
            ),
            (gettext("Legal form (KBO code)"), entry.juridical_form or "-"),
            (gettext("Names"), names or "-"),
            (gettext("Registered address"), address or "-"),
            (
                gettext("NACE codes"),
                ", ".join(entry.nace_codes)
                + (f" (NACE {entry.nace_version})" if entry.nace_version else "")
                if entry.nace_codes
                else "-",
            ),
            (
                gettext("Start date"),
                date_format(entry.start_date) if entry.start_date else "-",
            ),
        ]
        return format_html(
            '<dl class="kbo-facts">{}</dl>{}',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
            link,
        )

    @admin.display(description=_("recognitions claimed"))
    def recognitions_panel(self, organisation):
        recognitions = [str(recognition) for recognition in organisation.recognitions.all()]
        return ", ".join(recognitions) if recognitions else gettext("None")

    # --- the regisseur's decisions and notes (issue 19) -----------------------------------------

    change_form_template = "admin/companies/organisation/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        organisation = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if organisation is not None and access.can_verify(request.user, organisation):
            extra_context.update(
                may_decide=True,
                regie_notes=list(regie_notes.notes_on(organisation, request.user)),
                note_form=RegieNoteForm(),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _decided_object(self, request, object_id):
        """The organisation, for who may decide on it; 404 for everyone else (a regisseur of
        another region may view the page, but this is not theirs)."""
        organisation = self.get_object(request, unquote(object_id))
        if organisation is None or not access.can_verify(request.user, organisation):
            raise Http404
        return organisation

    def _page(self, request, organisation, *, title, template, form=None, **context):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            f"admin/companies/organisation/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "original": organisation,
                "form": form,
                "media": self.media + (form.media if form else forms.Media()),
                **context,
            },
        )

    def _back(self, organisation, anchor=""):
        url = reverse("admin:companies_organisation_change", args=[organisation.pk])
        return HttpResponseRedirect(url + anchor)

    def verify_view(self, request, object_id):
        organisation = self._decided_object(request, object_id)
        if request.method == "POST":
            verification.verify(organisation, by=request.user)
            self.message_user(
                request,
                gettext("%(organisation)s is verified; its members are told by email.")
                % {"organisation": organisation},
                messages.SUCCESS,
            )
            return self._back(organisation)
        return self._page(
            request,
            organisation,
            title=gettext("Verify %(organisation)s") % {"organisation": organisation},
            template="verify.html",
        )

    def reject_view(self, request, object_id):
        organisation = self._decided_object(request, object_id)
        form = OrganisationRejectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            verification.reject(organisation, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(
                request,
                gettext(
                    "%(organisation)s is rejected; its members are told why by email. It waits "
                    "for a check again when they change the profile."
                )
                % {"organisation": organisation},
                messages.SUCCESS,
            )
            return self._back(organisation)
        return self._page(
            request,
            organisation,
            title=gettext("Reject %(organisation)s") % {"organisation": organisation},
            template="reject.html",
            form=form,
        )

    def notes_view(self, request, object_id):
        organisation = self._decided_object(request, object_id)
        form = RegieNoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            regie_notes.add(organisation, by=request.user, **form.cleaned_data)
            self.message_user(request, gettext("The note is saved."), messages.SUCCESS)
            return self._back(organisation, "#regie-notes")
        return self._page(
            request,
            organisation,
            title=gettext("Regie notes on %(organisation)s") % {"organisation": organisation},
            template="notes.html",
            form=form,
            regie_notes=list(regie_notes.notes_on(organisation, request.user)),
        )

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/verify/", view(self.verify_view), name=f"{prefix}_verify"),
            path("<path:object_id>/reject/", view(self.reject_view), name=f"{prefix}_reject"),
            path("<path:object_id>/notes/", view(self.notes_view), name=f"{prefix}_notes"),
        ] + super().get_urls()

    @admin.action(description=_("Verify the selected organisations"), permissions=["verify"])
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


class CollaborationRatingInline(admin.TabularInline):
    """The sides' ratings (companies/ratings.py), read only: given through the emailed link,
    never in the admin. Only administrators see them, since the note is private."""

    model = CollaborationRating
    fields = ["side", "period", "score", "would_work_again", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Collaboration)
class CollaborationAdmin(ListCheckbox, admin.ModelAdmin):
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
    # The start as a list filter, not a date hierarchy: the hierarchy reads the first and last
    # date and every year of the whole (scoped) table on each request (issue 20).
    list_filter = [
        CollaborationStateFilter,
        "channel",
        "source",
        "role",
        "category",
        ("started", admin.DateFieldListFilter),
    ]
    list_select_related = ["regular", "social", "category"]
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    search_fields = ["regular__name", "social__name"]
    raw_id_fields = ["regular", "social", "declared_by"]
    readonly_fields = ["import_key", "created_at"]

    def get_inlines(self, request, obj):
        # The ratings' notes are for administrators only, not for the regisseurs.
        return [CollaborationRatingInline] if request.user.is_superuser else []

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
