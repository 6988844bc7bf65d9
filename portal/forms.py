from django import forms

from . import notifications
from .models import Frequency, NotificationPreference


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
