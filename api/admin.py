"""API tokens in the admin: for administrators, to look at and revoke; never the key's digest
(the model's fields are listed, `key_hash` is not among them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.adminlists import ListCheckbox

from . import tokens
from .models import ApiToken

SHOWN = ["name", "prefix", "user", "organisation", "created_at", "last_used_at", "revoked_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ListCheckbox, admin.ModelAdmin):
    list_display = SHOWN
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["name", "prefix", "user__email", "organisation__name"]
    fields = SHOWN
    readonly_fields = SHOWN
    actions = ["revoke"]

    def _administrator(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._administrator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # So that deleting a user in the admin takes their tokens along.
        return self._administrator(request)

    def has_revoke_permission(self, request):
        return self._administrator(request)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke(token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
