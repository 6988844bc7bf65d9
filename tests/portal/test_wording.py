"""One register and one word for each thing (issue 18): "je" in Dutch, "vous" in French; in Dutch
inloggen/ingelogd/uitloggen, e-mailadres, bevestigingsmail, tweestapsverificatie.

The portal's own strings are in locale/; the strings allauth and Django translate themselves are
reworded in locale_overrides/ (settings.LOCALE_PATHS), which `make messages` does not rewrite.
"""

import gettext
import json
import re
from pathlib import Path

import allauth
import django
import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.http import int_to_base36

from tests.factories import PASSWORD, StaffFactory, UserFactory, log_in_as

pytestmark = pytest.mark.django_db

# What the Dutch of the portal never says: the formal register, and the words it does not use
# for logging in and out ("aanmelden", "afmelden") or the split spellings of one thing.
FORMAL_OR_OTHER_WORDING = re.compile(
    r"\b[Uu]w?\b|alstublieft|a\.u\.b\.|gelieve|aan(?:ge)?meld|af(?:ge)?meld|\bmeld (?:je|u)\b"
    r"|e-mail adres|(?:verificatie|bevestigings)[ -]e-mail(?!adres)|e-mail[ -]verificatie"
    r"|twee-factor|e-emailadres",
    re.IGNORECASE,
)
# "tu" and its forms, where French says "vous".
FRENCH_INFORMAL = re.compile(r"\b(?:tu|toi|ton|ta|tes)\b|\bt['’]", re.IGNORECASE)

ROOT = Path(settings.BASE_DIR)
OVERRIDES = ROOT / "locale_overrides"
# The catalogues whose msgids the overrides reword.
UPSTREAM = {
    "allauth": Path(allauth.__file__).parent / "locale",
    "django.contrib.auth": Path(django.__file__).parent / "contrib" / "auth" / "locale",
    "django.contrib.admin": Path(django.__file__).parent / "contrib" / "admin" / "locale",
}


# Strings of allauth and Django, looked up under other names so that makemessages does not copy
# them into the portal's own catalogue (where they would shadow locale_overrides/).
upstream_gettext = translation.gettext
upstream_ngettext = translation.ngettext


def po_entries(path):
    """(msgctxt, msgid, msgid_plural, [msgstr...]) of each entry of a .po file but the header and
    the obsolete ones."""

    def text(block, keyword):
        found = re.search(rf'(?m)^{re.escape(keyword)} ((?:".*"\n?)+)', block)
        if not found:
            return None
        raw = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1)))
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), raw)

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        block = "\n".join(line for line in block.splitlines() if not line.startswith("#")) + "\n"
        msgid = text(block, "msgid")
        if not msgid:
            continue
        plural = text(block, "msgid_plural")
        msgstrs = (
            [text(block, f"msgstr[{n}]") for n in range(2)] if plural else [text(block, "msgstr")]
        )
        entries.append((text(block, "msgctxt"), msgid, plural, [s for s in msgstrs if s]))
    return entries


def upstream_msgids(language):
    """(msgctxt, msgid) of allauth's and Django's catalogues, translated or not; with those of
    their English catalogue, which has every msgid (Django's nl lacks some of the admin's)."""
    return set().union(
        *(
            catalogue_msgids(folder / code / "LC_MESSAGES" / "django.po")
            for folder in UPSTREAM.values()
            for code in {language, "en"}
        )
    )


def upstream_catalogue(language):
    catalogue = {}
    for folder in UPSTREAM.values():
        with open(folder / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
            catalogue.update(gettext.GNUTranslations(mo)._catalog)
    return catalogue


def catalogue_msgids(path):
    return {(ctx, msgid) for ctx, msgid, _plural, _strs in po_entries(path)}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_override_rewords_a_string_allauth_or_django_still_has(language):
    """An upgrade that renames or drops a string shows here, instead of our wording silently no
    longer applying."""
    overrides = catalogue_msgids(OVERRIDES / language / "LC_MESSAGES" / "django.po")

    assert overrides
    assert not overrides - upstream_msgids(language)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_overrides_hold_no_msgid_of_the_portals_own_catalogue(language):
    """One place for each string: one the portal's sources use is translated in locale/."""
    own = catalogue_msgids(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    overrides = catalogue_msgids(OVERRIDES / language / "LC_MESSAGES" / "django.po")

    assert not own & overrides


def test_the_overrides_apply():
    msgid = (
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for '
        "user %(user_display)s."
    )
    with translation.override("nl"):
        assert upstream_gettext("Sign In") == "Inloggen"
        assert upstream_gettext("Confirmation email sent to %(email)s.") == (
            "Bevestigingsmail verstuurd naar %(email)s."
        )
        assert "jouw e-mailadres" in translation.gettext(msgid)
    with translation.override("fr"):
        assert "votre adresse e-mail" in translation.gettext(msgid)
    with translation.override("en"):
        assert "is your email address" in translation.gettext(msgid)


def test_the_portals_dutch_catalogue_is_in_one_register_and_wording():
    offending = [
        (msgid, msgstr)
        for _ctx, msgid, _plural, msgstrs in po_entries(ROOT / "locale/nl/LC_MESSAGES/django.po")
        for msgstr in msgstrs
        if FORMAL_OR_OTHER_WORDING.search(msgstr)
    ]

    assert not offending


def test_the_portals_french_catalogue_says_vous():
    offending = [
        msgstr
        for _ctx, _msgid, _plural, msgstrs in po_entries(ROOT / "locale/fr/LC_MESSAGES/django.po")
        for msgstr in msgstrs
        if FRENCH_INFORMAL.search(msgstr)
    ]

    assert not offending


def test_every_dutch_string_of_allauth_and_django_auth_and_admin_reads_in_our_register():
    """All of allauth's catalogue, Django's auth (password rules) and admin, as the portal
    translates them: with our overrides and our own catalogue on top."""
    offending = []
    with translation.override("nl"):
        for key in upstream_catalogue("nl"):
            if isinstance(key, tuple):
                if key[1]:
                    continue
                key = key[0]
            if not key:
                continue
            context, _, msgid = key.rpartition("\x04")
            text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if FORMAL_OR_OTHER_WORDING.search(text):
                offending.append((msgid, text))
        for count in (1, 8):
            text = upstream_ngettext(
                "Your password must contain at least %(min_length)d character.",
                "Your password must contain at least %(min_length)d characters.",
                count,
            )
            if FORMAL_OR_OTHER_WORDING.search(text):
                offending.append(("min_length", text))

    assert not offending


def offences(text):
    """Each word of FORMAL_OR_OTHER_WORDING in `text`, with the words around it."""
    return [
        text[max(0, m.start() - 40) : m.end() + 40] for m in FORMAL_OR_OTHER_WORDING.finditer(text)
    ]


def visible_text(response):
    html = response.content.decode()
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pages_for(client, user):
    """Every allauth page the portal uses, for a visitor and for a logged-in member."""
    address = EmailAddress.objects.get(user=user)
    confirmation = EmailConfirmationHMAC(address)
    token = default_token_generator.make_token(user)
    visitor = [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/confirm-email/",
        f"/accounts/confirm-email/{confirmation.key}/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        f"/accounts/password/reset/key/{int_to_base36(user.pk)}-{token}/",
        "/accounts/password/reset/key/done/",
        "/accounts/inactive/",
    ]
    member = [
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/reauthenticate/",
        "/accounts/reauthenticate/code/",
        "/accounts/logout/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/dashboard/",
    ]
    return visitor, member


def test_allauths_pages_in_dutch_read_in_our_register_and_wording(client):
    user = UserFactory(email="lid@example.be", verified=False)
    visitor, member = pages_for(client, user)
    offending = {}

    for path in visitor:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        if found := offences(visible_text(response)):
            offending[path] = found
    # Wrong password and a short new one: the errors and the password rules read the same.
    failed = client.post("/accounts/login/", {"login": user.email, "password": "fout"})
    short = client.post(
        "/accounts/signup/", {"email": "nieuw@example.be", "password1": "123", "password2": "123"}
    )
    for name, response in (("failed login", failed), ("short password", short)):
        assert response.status_code == 200
        if found := offences(visible_text(response)):
            offending[name] = found
    EmailAddress.objects.filter(user=user).update(verified=True)
    log_in_as(client, user)
    for path in member:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        if found := offences(visible_text(response)):
            offending[path] = found

    assert not offending


def test_the_confirmation_page_asks_whether_the_address_is_yours(client):
    user = UserFactory(email="an@example.be", verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key

    nl = visible_text(client.get(f"/accounts/confirm-email/{key}/"))
    fr = visible_text(client.get(f"/fr/accounts/confirm-email/{key}/"))
    en = visible_text(client.get(f"/en/accounts/confirm-email/{key}/"))

    assert "Bevestig dat an@example.be jouw e-mailadres is." in nl
    assert "Confirmez que an@example.be est bien votre adresse e-mail." in fr
    assert "Please confirm that an@example.be is your email address." in en
    assert "gebruiker" not in nl


def test_the_two_factor_and_admin_pages_staff_see_in_dutch_read_in_our_register(client):
    """The pages of allauth.mfa with an app active (the code step, the recovery codes, turning
    the app off) and the admin's own pages (home, password change): "je", inloggen."""
    staff = StaffFactory(is_superuser=True)
    RecoveryCodes.activate(staff)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    pages = {"/accounts/2fa/authenticate/": client.get("/accounts/2fa/authenticate/")}
    log_in_as(client, staff)
    for path in [
        "/accounts/2fa/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/admin/",
        "/admin/password_change/",
        "/admin/password_change/done/",
        "/admin/vouchers/programme/",
    ]:
        pages[path] = client.get(path, follow=True)
    offending = {}
    for path, response in pages.items():
        assert response.status_code == 200, path
        if found := offences(visible_text(response)):
            offending[path] = found

    assert not offending
    assert "Wachtwoord wijzigen" in visible_text(pages["/admin/password_change/"])


def admin_script_msgids():
    """(context, msgid) of every string the admin's own scripts translate."""
    scripts = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    call = re.compile(
        r"\b(n?gettext|pgettext)\(\s*(['\"])((?:\\.|(?!\2).)*)\2"
        r"(?:\s*,\s*(['\"])((?:\\.|(?!\4).)*)\4)?"
    )
    found = set()
    for script in scripts.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for kind, _q, first, _q2, second in call.findall(script.read_text(encoding="utf-8")):
            found.add((first, second) if kind == "pgettext" else ("", first))
    return found


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_admins_javascript_catalogue_translates_every_string_of_its_scripts(client, language):
    """The filter_horizontal pickers, calendar and clock and the action bar read their words
    from admin:jsi18n (a script file, so the CSP allows it); Django 5.2's own nl catalogue
    lacks the pickers' strings, locale_overrides/nl/LC_MESSAGES/djangojs.po adds them."""
    log_in_as(client, StaffFactory(is_superuser=True))
    prefix = "" if language == "nl" else f"/{language}"
    script = client.get(f"{prefix}/admin/jsi18n/").content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])

    assert script.count("Choose all %s") == 1
    missing = [
        (context, msgid)
        for context, msgid in admin_script_msgids()
        if not catalogue.get(f"{context}\x04{msgid}" if context else msgid)
    ]
    assert not missing
    if language == "nl":
        texts = [
            t for text in catalogue.values() for t in ([text] if isinstance(text, str) else text)
        ]
        assert not [text for text in texts if FORMAL_OR_OTHER_WORDING.search(text)]
        assert catalogue["Choose all %s"] == "Alle %s kiezen"


def test_every_javascript_override_rewords_a_string_of_the_admin():
    """locale_overrides/nl/LC_MESSAGES/djangojs.po holds only strings of Django's admin scripts
    and of its nl catalogue, which the JavaScript catalogue serves (an upgrade that renames one
    shows here)."""
    django_js = Path(django.__file__).parent / "contrib" / "admin" / "locale"
    upstream = catalogue_msgids(django_js / "en" / "LC_MESSAGES" / "djangojs.po")
    upstream |= catalogue_msgids(django_js / "nl" / "LC_MESSAGES" / "djangojs.po")
    overrides = catalogue_msgids(OVERRIDES / "nl" / "LC_MESSAGES" / "djangojs.po")

    assert overrides
    assert not overrides - upstream - {(None, msgid) for _ctx, msgid in admin_script_msgids()}
