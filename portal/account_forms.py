"""allauth's forms as the portal uses them, with a limit on every text a person types (issue 18):
allauth leaves passwords and codes unlimited, and a megabyte of password costs a hash.

settings.ACCOUNT_FORMS and settings.MFA_FORMS name the classes below; each is allauth's own,
with `max_length` (and the widget's maxlength) on its text fields that have none."""

import copy

from allauth.account import forms as account
from allauth.mfa.base import forms as mfa_base
from allauth.mfa.totp import forms as mfa_totp
from django import forms
from django.core.validators import MaxLengthValidator

# Long enough for any passphrase a password manager makes; short enough to hash cheaply.
PASSWORD_MAX_LENGTH = 1000
# Authenticator codes (6 digits), recovery codes (8 characters), login codes: room to spare.
CODE_MAX_LENGTH = 64
# The rest: a user name allauth asks for only when configured to, a reset link's parts.
OTHER_MAX_LENGTH = 150


def limit_for(name, field):
    if isinstance(field.widget, forms.PasswordInput):
        return PASSWORD_MAX_LENGTH
    if name == "code":
        return CODE_MAX_LENGTH
    return OTHER_MAX_LENGTH


def with_text_limits(form_class):
    """A subclass of `form_class` whose text fields without a max_length have one."""
    limited = type(form_class.__name__, (form_class,), {"__module__": __name__})
    fields = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.CharField) and not field.max_length:
            field = copy.deepcopy(field)
            field.max_length = limit_for(name, field)
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.update(maxlength=str(field.max_length))
        fields[name] = field
    limited.base_fields = fields
    return limited


LoginForm = with_text_limits(account.LoginForm)
SignupForm = with_text_limits(account.SignupForm)
AddEmailForm = with_text_limits(account.AddEmailForm)
ChangePasswordForm = with_text_limits(account.ChangePasswordForm)
SetPasswordForm = with_text_limits(account.SetPasswordForm)
ResetPasswordForm = with_text_limits(account.ResetPasswordForm)
ResetPasswordKeyForm = with_text_limits(account.ResetPasswordKeyForm)
UserTokenForm = with_text_limits(account.UserTokenForm)
ReauthenticateForm = with_text_limits(account.ReauthenticateForm)
MFAAuthenticateForm = with_text_limits(mfa_base.AuthenticateForm)
MFAReauthenticateForm = with_text_limits(mfa_base.ReauthenticateForm)
ActivateTOTPForm = with_text_limits(mfa_totp.ActivateTOTPForm)
