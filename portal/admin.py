from allauth.mfa import admin as mfa_admin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import notifications
from .adminlists import ListCheckbox
from .models import (
    AuditEntry,
    Municipality,
    Notification,
    Postcode,
    Province,
    Region,
    Sector,
    ServiceCategory,
    User,
)
from .names import NameField

# Fields the portal keeps for itself, never shown on an admin page: search indexes, name
# skeletons, tokens, dedupe and import keys, worker claims, secrets, reminder bookkeeping.
# hide_internal_fields (applied in portal/urls.py, once every app and library has registered
# its ModelAdmins) takes them out of every change page;
# tests/security/test_admin_internal_fields.py walks every registered model to hold it so.
INTERNAL_FIELDS = frozenset(
    {
        "search_text",
        "search_vector",
        "name_skeleton",
        "token",
        "import_key",
        "key",
        "claim",
        "data",
        "next_freshness_reminder_at",
        "reminder_sent_for",
    }
)


def hide_internal_fields(site):
    """Exclude INTERNAL_FIELDS from the forms and read-only fields of every registered
    ModelAdmin, the portal's and the libraries' (allauth's authenticators keep their secret in
    `data`)."""
    for model, model_admin in site._registry.items():
        internal = {field.name for field in model._meta.get_fields()} & INTERNAL_FIELDS
        if not internal:
            continue
        excluded = list(model_admin.exclude or ())
        model_admin.exclude = excluded + sorted(internal - set(excluded))
        model_admin.readonly_fields = [
            name for name in model_admin.readonly_fields if name not in internal
        ]


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {"name": NameField}


@admin.register(User)
class UserAdmin(ListCheckbox, DjangoUserAdmin):
    form = UserForm
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "name"]
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "name_en", "region"]
    list_filter = ["region"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "province", "region", "merged_into"]
    list_filter = ["region", "province", ("merged_into", admin.EmptyFieldListFilter)]
    list_select_related = ["province", "merged_into"]
    search_fields = ["nis_code", "name_nl", "name_fr"]
    raw_id_fields = ["merged_into"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality", "latitude", "longitude"]
    list_select_related = ["municipality"]
    search_fields = ["code", "name", "municipality__name_nl", "municipality__name_fr"]
    raw_id_fields = ["municipality"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "checks_unverified_posters"]
    list_filter = ["kind", "checks_unverified_posters"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities", "regisseurs"]
    search_fields = ["name"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_fr", "name_en"]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl", "name_fr", "name_en", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_nl"]}


class NotificationKindFilter(admin.SimpleListFilter):
    """The kinds the portal sends (portal/notifications.KINDS), by their names: not the distinct
    values of the whole outbox, which Django's filter for a plain field reads on every page."""

    title = _("kind")
    parameter_name = "kind__exact"  # as Django's filter named it: links stay valid

    def lookups(self, request, model_admin):
        return [(name, kind.label) for name, kind in notifications.KINDS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ListCheckbox, admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "status", "attempts", "sent_at"]
    list_filter = ["status", NotificationKindFilter, "language"]
    search_fields = ["email", "key", "subject"]
    # At volume (issue 20): no second count of the whole table beside the filtered one.
    show_full_result_count = False
    # Not "claim": the sender's internal token (portal/notifications.py).
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "claim"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected notifications again"))
    def resend(self, request, queryset):
        count = notifications.resend(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification is queued again.",
                "%(count)d notifications are queued again.",
                count,
            )
            % {"count": count},
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only and for administrators only (portal/audit.py says why)."""

    list_display = ["at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# allauth's own admin for authenticators shows its field names, which allauth does not mark for
# translation, and the encrypted secret. This one shows whose app or codes, of which kind and
# when, in the reader's language; an administrator deletes the app of someone who lost their
# phone (they then activate a new one). Nobody adds or edits one here.
admin.site.unregister(mfa_admin.Authenticator)


class AuthenticatorKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return Authenticator.Type.choices

    def queryset(self, request, queryset):
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind", "added", "last_used"]
    list_filter = [AuthenticatorKindFilter]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = readonly_fields = ["owner", "kind", "added", "last_used"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("user"), ordering="user__email")
    def owner(self, authenticator):
        return authenticator.user

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, authenticator):
        return authenticator.get_type_display()

    @admin.display(description=_("created at"), ordering="created_at")
    def added(self, authenticator):
        return authenticator.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, authenticator):
        return authenticator.last_used_at
