"""The admin in the user's language (issue 19, item 6): every word a regisseur reads in the
admin's lists and forms has a Dutch and a French translation; the admin offers the language
switch; the lists write dates in the portal's table format (portal/admintables.py)."""

import re
from datetime import date, datetime

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

from portal.admintables import table_date
from tests.factories import (
    InvitationFactory,
    JoinRequestFactory,
    ServiceRequestFactory,
    StaffFactory,
    VacancyFactory,
    VoucherFactory,
    log_in_as,
)
from vouchers.models import VoucherEvent, VoucherStatus

pytestmark = pytest.mark.django_db


# allauth names its Authenticator model without marking the name for translation, and giving it
# another would take a migration of allauth's app. Its admin (portal/admin.py) names everything
# else it shows.
UNNAMED_MODELS = {"mfa.Authenticator"}


def shown_fields(model_admin, request):
    """The model fields a ModelAdmin shows: in its form or read-only, as columns, as filters."""
    # The change page (an unsaved instance: some admins show other fields when adding).
    names = set(model_admin.get_fields(request, model_admin.model()))
    names |= {name for name in getattr(model_admin, "list_display", ()) if isinstance(name, str)}
    names |= {
        (list_filter[0] if isinstance(list_filter, tuple) else list_filter).split("__")[0]
        for list_filter in getattr(model_admin, "list_filter", ())
        if isinstance(list_filter, (str, tuple))
    }
    if hierarchy := getattr(model_admin, "date_hierarchy", None):
        names.add(hierarchy.split("__")[0])
    fields = []
    for name in sorted(names):
        try:
            fields.append(model_admin.model._meta.get_field(name))
        except FieldDoesNotExist:
            continue
    return fields


def admin_texts(request):
    """(where, text) of every label the registered ModelAdmins show: the models' names, the
    names and choices of the fields they show, the columns, the filters' titles, the actions,
    the fieldsets."""
    texts = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label not in UNNAMED_MODELS:
            texts += [(label, model._meta.verbose_name), (label, model._meta.verbose_name_plural)]
        for field in shown_fields(model_admin, request):
            if field.auto_created:
                continue
            texts.append((f"{label}.{field.name}", field.verbose_name))
            if field.help_text:
                texts.append((f"{label}.{field.name} help", field.help_text))
            texts += [
                (f"{label}.{field.name} choice", text) for _value, text in field.flatchoices or ()
            ]
        for inline in model_admin.get_inline_instances(request):
            inline_label = inline.model._meta.label
            for field in shown_fields(inline, request):
                texts.append((f"{inline_label}.{field.name}", field.verbose_name))
                texts += [
                    (f"{inline_label}.{field.name} choice", text)
                    for _value, text in field.flatchoices or ()
                ]
        for column in model_admin.list_display:
            if callable(column) or hasattr(model_admin, column):
                shown = column if callable(column) else getattr(model_admin, column)
                if description := getattr(shown, "short_description", None):
                    texts.append((f"{label} column {column}", description))
        for list_filter in model_admin.list_filter:
            if isinstance(list_filter, type) and issubclass(list_filter, SimpleListFilter):
                texts.append((f"{label} filter", list_filter.title))
        for action in model_admin.actions or ():
            _func, name, description = model_admin.get_action(action)
            texts.append((f"{label} action {name}", description))
        for title, _options in model_admin.fieldsets or ():
            if title:
                texts.append((f"{label} fieldset", title))
    return texts


def msgid_of(text):
    """The catalogue key of a lazily translated text, or None for a text never marked."""
    if not isinstance(text, Promise):
        return None
    args = text._args
    if len(args) == 2 and all(isinstance(arg, str) for arg in args):
        return f"{args[0]}\x04{args[1]}"  # pgettext_lazy(context, message)
    return args[0]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_label_of_the_admin_has_a_translation(rf, language):
    request = rf.get("/admin/")
    request.user = StaffFactory(is_superuser=True)
    catalogue = trans_real.translation(language)._catalog
    untranslated = sorted(
        {
            (where, str(text))
            for where, text in admin_texts(request)
            if (key := msgid_of(text)) is None or not catalogue.get(key)
        }
    )

    assert not untranslated, "\n".join(map(repr, untranslated))


# What Django's admin says itself, in English, on its lists and forms.
ADMIN_WORDS = [
    "Save and add another",
    "Save and continue editing",
    "Delete",
    "History",
    "Filter",
    "Home",
    "Change password",
    "Log out",
    "View site",
    "Welcome,",
    "Select all",
    "selected",
]


def english_labels(request, language):
    """The English labels of the admin whose translation differs from them."""
    labels = set(ADMIN_WORDS)
    with translation.override("en"):
        english = {(where, str(text)) for where, text in admin_texts(request)}
    with translation.override(language):
        translated = {str(text) for _where, text in admin_texts(request)}
    labels |= {text for _where, text in english if len(text) > 3} - translated
    return labels


def admin_world():
    """One object of most registered models, so that their change pages render too."""
    voucher = VoucherFactory()
    VoucherEvent.objects.create(voucher=voucher, to_status=VoucherStatus.SUBMITTED)
    VacancyFactory(organisation=voucher.applicant)
    ServiceRequestFactory(organisation=voucher.applicant)
    JoinRequestFactory(organisation=voucher.provider)
    InvitationFactory(organisation=voucher.provider)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_admin_list_and_change_page_reads_in_the_users_language(
    client, rf, reference_data, language
):
    administrator = StaffFactory(is_superuser=True)
    admin_world()
    log_in_as(client, administrator)
    request = rf.get("/admin/")
    request.user = administrator
    prefix = "/fr" if language == "fr" else ""
    labels = english_labels(request, language)
    english, inline = {}, []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = [reverse(f"{name}_changelist")]
        if first := model._default_manager.order_by("pk").first():
            pages.append(reverse(f"{name}_change", args=[first.pk]))
        for page in pages:
            response = client.get(prefix + page.removeprefix("/fr"))
            assert response.status_code == 200, page
            inline.extend(f"{page}: {code}" for code in inline_code(response))
            text = visible_text(response)
            found = [
                label for label in labels if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)
            ]
            if found:
                english[page] = [
                    text[max(0, m.start() - 30) : m.end() + 30]
                    for label in found
                    for m in re.finditer(rf"(?<!\w){re.escape(label)}(?!\w)", text)
                ]

    assert not english
    # Nothing the portal's Content-Security-Policy would block (no unsafe-inline).
    assert not inline


def inline_code(response):
    """Inline scripts, styles and event handlers of a page."""
    html = response.content.decode()
    return [
        *re.findall(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", html),
        *re.findall(r"<style\b[^>]*>|\sstyle=\"[^\"]*\"|\son[a-z]+=\"[^\"]*\"", html),
    ]


def visible_text(response):
    html = response.content.decode()
    # Not the language switcher, which names each language in that language.
    html = re.sub(r'(?s)<nav class="language-switcher".*?</nav>', " ", html)
    html = re.sub(r"(?s)<(script|style|select|textarea)\b.*?</\1>", " ", html)
    # Nor the data: the rows of a list and the read-only values of a change page.
    html = re.sub(r'(?s)(<table id="result_list">.*?)<tbody>.*?</tbody>', r"\1", html)
    html = re.sub(r'(?s)<div class="readonly">.*?</div>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_admin_offers_the_same_page_in_the_other_languages(client):
    log_in_as(client, StaffFactory(is_superuser=True))

    html = client.get("/fr/admin/vouchers/programme/").content.decode()

    links = dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', html))
    assert links == {"/admin/vouchers/programme/": "nl", "/en/admin/vouchers/programme/": "en"}
    assert '<span aria-current="true" lang="fr">' in html
    # "View site" opens the portal in the same language.
    assert re.search(r'<a href="/fr/">[^<]+</a>', html)


def test_the_admins_lists_write_dates_as_the_portals_tables_do(client, reference_data):
    """Django's changelist writes dates as in running text ("7 december 2026, 14:05"); the
    portal's tables write "07-12-2026" (nl) and "07/12/2026" (fr), with the time where the
    column holds one."""
    when = timezone.make_aware(datetime(2026, 12, 7, 14, 5))
    voucher = VoucherFactory(applicant__verified_at=when, expected_date=date(2027, 1, 15))
    log_in_as(client, StaffFactory(is_superuser=True))

    nl = client.get("/admin/companies/organisation/").content.decode()
    fr = client.get("/fr/admin/companies/organisation/").content.decode()
    vouchers_fr = client.get("/fr/admin/vouchers/voucher/").content.decode()

    assert "07-12-2026 14:05" in nl
    assert "7 december 2026" not in nl
    assert "07/12/2026 14:05" in fr
    assert "7 décembre 2026" not in fr
    with translation.override("fr"):
        assert table_date(voucher.created_at) in vouchers_fr
    with translation.override("nl"):
        assert table_date(date(2027, 1, 15)) == "15-01-2027"
    with translation.override("fr"):
        assert table_date(date(2027, 1, 15)) == "15/01/2027"
    assert table_date("2027-01-15") is None
