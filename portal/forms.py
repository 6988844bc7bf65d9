from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import notifications, phones, validators
from .account_forms import PASSWORD_MAX_LENGTH
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
        max_length=PASSWORD_MAX_LENGTH,
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


# --- Fields every form of the portal uses (issue 18) ---------------------------------------------


class LocalisedLimits:
    """Mixin for number fields: the limits in their messages are written the language's way
    ("at least 0,01" in Dutch and French), through portal.validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [validators.localise(validator) for validator in self.validators]


class IntegerField(LocalisedLimits, forms.IntegerField):
    """Django's IntegerField; min_value, max_value and step_size say their limits localised."""


class DecimalField(LocalisedLimits, forms.DecimalField):
    """Django's DecimalField; min_value, max_value and step_size say their limits localised
    (use it for every amount: "Ensure this value is greater than or equal to 0,01")."""


class PhoneField(forms.CharField):
    """A phone number: Belgian by default (0470 12 34 56, 011 23 45 67), international allowed
    (+31 20 123 4567); cleaned to E.164 ("+3211234567", portal/phones.py) and shown for editing
    as people write it."""

    widget = forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", phones.MAX_TYPED_LENGTH)
        # A model's formfield() passes its own (empty) help text.
        kwargs["help_text"] = kwargs.get("help_text") or _(
            "A Belgian number, or another country's with its code (+31 …)."
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return phones.display(value)

    def to_python(self, value):
        return phones.normalise(super().to_python(value))


class WebsiteField(forms.URLField):
    """A web address: "www.example.be" becomes "https://www.example.be" (the scheme a browser
    would guess) and the host is written in lower case, so one site is stored one way."""

    default_assume_scheme = "https"

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            parts = urlsplit(value)
        except ValueError:  # "[": an IPv6 host never closed, which URLField let through
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


# --- How every form field is rendered (settings.FORM_RENDERER) -----------------------------------

# A one-line text input this long or longer is "long": its limit is stated like a text area's.
LONG_TEXT_INPUT = 500


class BoundField(forms.BoundField):
    """Django's BoundField, with the limit of a text area or a long text input stated once for
    every form (templates/allauth/includes/field.html shows it with the help text, and the
    widget is described by it), so that no help text repeats a limit by hand."""

    @property
    def stated_limit(self):
        """ "At most 2,000 characters." in the active language, or "" where no limit is said."""
        limit = getattr(self.field, "max_length", None)
        if not limit or self.is_hidden or not isinstance(self.field, forms.CharField):
            return ""
        if not isinstance(self.field.widget, forms.Textarea) and limit < LONG_TEXT_INPUT:
            return ""
        return ngettext("At most %(count)s character.", "At most %(count)s characters.", limit) % {
            "count": number_format(limit, force_grouping=True)
        }

    @property
    def aria_describedby(self):
        described_by = super().aria_describedby
        if described_by is not None and not self.help_text and self.stated_limit and self.auto_id:
            # The limit sits where the help text would (the id <auto_id>_helptext).
            described_by = " ".join([f"{self.auto_id}_helptext", described_by]).strip()
        return described_by


class FormRenderer(DjangoTemplates):
    """Django's renderer, with the portal's BoundField for every form."""

    bound_field_class = BoundField
