"""The regisseur's admin of events: create and edit the events of the regions they coordinate,
and see who registered.

Regisseurs need no model permissions, as in vouchers/admin.py: they see and edit the events of
their regions (`Event.objects.run_by`, `events.access`) and pick only those regions; another
region's events are not found. Registrations are read-only here: their status changes only
through events/registration.py (raising the capacity moves waiting ones up through it).

Cancelling is a step, as a voucher's are: an action on the list and a button on the event's
page, each with a page that says how many registrations will be told before anything happens;
events/cancellation.py does it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.models import Postcode, Region

from . import access, cancellation
from . import registration as steps
from .models import ACTIVE, Attendee, Event, Registration, RegistrationStatus

NOT_FOUND = _("None of the selected events was found.")


def manages_events(request):
    """Administrators and regisseurs (staff who coordinate a region) use this admin."""
    if not hasattr(request, "_manages_events"):
        user = request.user
        request._manages_events = bool(
            user.is_active and user.is_staff and (user.is_superuser or user.is_regisseur)
        )
    return request._manages_events


class EventForm(forms.ModelForm):
    """The event's form: its rules (Event.clean) and the capacity, each on its field, in one
    round."""

    # The postcode typed as the four digits, not picked among 1,100 or looked up by its id.
    postcode = forms.ModelChoiceField(
        label=_("postcode"),
        queryset=Postcode.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(attrs={"size": 6, "inputmode": "numeric", "maxlength": 4}),
        error_messages={"invalid_choice": _("There is no Belgian postcode %(value)s.")},
    )

    online_url = forms.URLField(
        label=_("link to join online"),
        assume_scheme="https",
        required=False,
        help_text=_("Shown only to registered participants."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "region",
            "description",
            "audience",
            "starts_at",
            "ends_at",
            "online",
            "address",
            "postcode",
            "online_url",
            "capacity",
            "people_per_registration",
            "registration_deadline",
            "published",
            "sector",
            "category",
            "meetings_from",
            "meetings_until",
            "slot_minutes",
            "tables",
        ]

    def clean(self):
        # The rules of a possible event (place, times, deadline, meetings) are Event.clean's,
        # said on their fields when the form validates the instance; the form adds the rule
        # that needs the registrations.
        data = super().clean()
        capacity = data.get("capacity")
        if capacity and self.instance.pk:
            registered = steps.registered_count(self.instance)
            if capacity < registered:
                self.add_error(
                    "capacity",
                    _(
                        "%(count)s organisations are registered already; the capacity cannot "
                        "be lower. Ask some to cancel first."
                    )
                    % {"count": registered},
                )
        return data


class ManagedByRegion:
    """Regisseurs see and change what belongs to the regions they coordinate."""

    def has_module_permission(self, request):
        return super().has_module_permission(request) or manages_events(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._manages(request, obj)

    def _manages(self, request, obj):
        if obj is None:
            return manages_events(request)
        event = obj if isinstance(obj, Event) else obj.event
        return access.is_event_manager(request.user, event)


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["organisation", "status", "people", "listed", "created_at", "promoted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["status", "created_at", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .prefetch_related("attendees")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return manages_events(request) or super().has_view_permission(request, obj)

    @admin.display(description=_("people"))
    def people(self, registration):
        return ", ".join(
            gettext("a guest (erased)") if a.erased_at else f"{a.name} <{a.email}>"
            for a in registration.attendees.all()
        )


@admin.register(Event)
class EventAdmin(ManagedByRegion, admin.ModelAdmin):
    form = EventForm
    list_display = [
        "title",
        "region",
        "kind",
        "starts_at",
        "registration_deadline",
        "capacity",
        "registered_column",
        "waiting_column",
        "published",
    ]
    list_filter = ["kind", "published", ("region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RegistrationInline]
    actions = ["cancel_events"]
    change_form_template = "admin/events/event/change_form.html"
    readonly_fields = ["created_by", "created_at", "updated_at", "cancelled_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "region", "description", "audience"]}),
        (
            _("Date and place"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "online",
                    "address",
                    "postcode",
                    "online_url",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "people_per_registration",
                    "registration_deadline",
                    "published",
                ]
            },
        ),
        (_("Theme"), {"fields": ["sector", "category"]}),
        (
            _("Meetings"),
            {"fields": ["meetings_from", "meetings_until", "slot_minutes", "tables"]},
        ),
        (None, {"fields": ["created_by", "created_at", "updated_at", "cancelled_at"]}),
    ]

    def get_queryset(self, request):
        run = Event.objects.run_by(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=run)
            .annotate(
                registered=Count(
                    "registrations",
                    filter=Q(registrations__status=RegistrationStatus.REGISTERED),
                ),
                waiting=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
                ),
            )
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._manages(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or manages_events(request)

    def has_delete_permission(self, request, obj=None):
        # An event with deals is protected by the database; the admin says so.
        return super().has_delete_permission(request, obj) or self._manages(request, obj)

    def has_manage_permission(self, request):
        return manages_events(request)

    # --- cancelling (events/cancellation.py) -----------------------------------------------------

    def response_action(self, request, queryset):
        # A forged id that is not a number would raise in Django's filter: it selects nothing.
        try:
            for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                Event._meta.pk.to_python(pk)
        except ValidationError:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        return super().response_action(request, queryset)

    def cancel_all(self, request, events):
        """Cancel each event and say what happened to it; returns how many were cancelled."""
        done = 0
        for event in events:
            try:
                told = cancellation.cancel(event, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("%(event)s: you may not cancel this event.") % {"event": event},
                    messages.ERROR,
                )
            else:
                if told is None:
                    self.message_user(
                        request,
                        gettext("%(event)s was cancelled already, on %(date)s: nothing changed.")
                        % {"event": event, "date": _when(event.cancelled_at)},
                        messages.WARNING,
                    )
                    continue
                done += 1
                self.message_user(
                    request,
                    ngettext(
                        "%(event)s is cancelled; %(count)d registration is told by email.",
                        "%(event)s is cancelled; %(count)d registrations are told by email.",
                        told,
                    )
                    % {"event": event, "count": told},
                    messages.SUCCESS,
                )
        return done

    def cancel_page(self, request, events, *, action=False):
        """The confirmation: each event with the registrations that will be told."""
        told = dict(
            Registration.objects.filter(event__in=events, status__in=ACTIVE)
            .values_list("event")
            .annotate(number=Count("pk"))
            .order_by()
        )
        now = timezone.now()
        rows = [
            (event, told.get(event.pk, 0), _why_not(event, now))
            for event in sorted(events, key=lambda event: (event.starts_at, event.pk))
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": (
                gettext("Cancel %(event)s") % {"event": events[0]}
                if not action
                else gettext("Cancel events")
            ),
            "rows": rows,
            "total": sum(number for _event, number, problem in rows if not problem),
            "possible": any(not problem for _event, _number, problem in rows),
            "event": None if action else events[0],
            "action": "cancel_events" if action else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/events/event/cancel.html", context)

    @admin.action(description=_("Cancel the selected events"), permissions=["manage"])
    def cancel_events(self, request, queryset):
        events = list(queryset.select_related("region"))
        if not events:
            self.message_user(request, NOT_FOUND, messages.ERROR)
            return None
        if "apply" in request.POST:
            self.cancel_all(request, events)
            return None
        return self.cancel_page(request, events, action=True)

    def cancel_view(self, request, object_id):
        """The button on an event's page: GET asks to confirm, POST cancels."""
        event = self.get_object(request, unquote(object_id))
        if event is None or not self._manages(request, event):
            raise Http404
        if request.method == "POST":
            self.cancel_all(request, [event])
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
        return self.cancel_page(request, [event])

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("<path:object_id>/cancel/", view(self.cancel_view), name="events_event_cancel")
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "may_cancel": event is not None and _why_not(event, timezone.now()) is None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = Region.objects.filter(regisseurs=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if change and "capacity" in form.changed_data:
            # The admin's view runs in one transaction: lock the row before the places count.
            Event.objects.select_for_update().filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            steps.fill_places(obj)

    @admin.display(description=_("registered"), ordering="registered")
    def registered_column(self, event):
        return event.registered

    @admin.display(description=_("waiting"), ordering="waiting")
    def waiting_column(self, event):
        return event.waiting


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _why_not(event, now):
    """Why `event` cannot be cancelled now (shown on the confirmation), or None."""
    if event.cancelled:
        return gettext("Cancelled already, on %(date)s.") % {"date": _when(event.cancelled_at)}
    if event.ends_at <= now:
        return gettext("It has taken place.")
    return None


class AttendeeInline(admin.TabularInline):
    model = Attendee
    fields = ["name", "email", "user", "erased_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return manages_events(request) or super().has_view_permission(request, obj)


@admin.register(Registration)
class RegistrationAdmin(ManagedByRegion, admin.ModelAdmin):
    """Who registered, for the regisseur's overview; read-only (events/registration.py)."""

    list_display = ["organisation", "event", "status", "people_count", "listed", "created_at"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation", "event"]
    search_fields = ["organisation__name", "event__title", "attendees__email"]
    inlines = [AttendeeInline]
    fields = [
        "event",
        "organisation",
        "status",
        "registered_by",
        "offers",
        "offered_categories",
        "seeks",
        "sought_categories",
        "listed",
        "attended",
        "created_at",
        "promoted_at",
        "cancelled_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        run = Event.objects.run_by(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(event__in=run)
            .annotate(people=Count("attendees", distinct=True))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("people"), ordering="people")
    def people_count(self, registration):
        return registration.people
