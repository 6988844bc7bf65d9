from django import forms
from django.utils.translation import gettext_lazy as _

from . import notifications
from .models import Frequency, NotificationPreference

# The largest primary key the databases hold: a signed 64-bit integer.
MAX_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with a primary key beyond any database integer refused as an invalid
    choice: Django looks the chosen keys up with `pk__in`, which SQLite cannot even run with
    such a number ("Python int too large to convert to SQLite INTEGER": a 500)."""

    def _check_values(self, value):
        if not self.to_field_name:
            for key in value:
                try:
                    too_large = abs(int(str(key))) > MAX_ID
                except ValueError:
                    continue  # Django's own check says it is no key.
                if too_large:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(key)[:30]},
                    )
        return super()._check_values(value)


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of email: immediately, in a daily or weekly digest, or off."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        chosen = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "frequency")
        )
        for name, kind in notifications.configurable_kinds().items():
            self.fields[name] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=chosen.get(name, Frequency.IMMEDIATE),
                widget=forms.RadioSelect,
            )

    def save(self):
        for name, frequency in self.cleaned_data.items():
            NotificationPreference.objects.update_or_create(
                user=self.user, kind=name, defaults={"frequency": frequency}
            )


class AccountDeletionForm(forms.Form):
    """Deleting one's account: the password confirms it is the account holder who asks."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Deleting cannot be undone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your password. Nothing was deleted."), code="wrong_password"
            )
        return password
