from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The sections of the portal, in the order of the main navigation. A section shows up once its
# app has put its URL in place, so the navigation never leads to a page that is not there.
SECTIONS = [
    ("companies:directory", _("Organisations")),
    ("vacancies:vacancy_list", _("Vacancies")),
    ("vacancies:request_list", _("Service requests")),
    ("vouchers:programme_list", _("Vouchers")),
    ("events:list", _("Events")),
    ("companies:reports", _("Reports")),
]


def _navigation(path):
    items = []
    for url_name, label in SECTIONS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        # aria-current: "page" on the section's own page, "true" anywhere inside the section.
        current = "page" if path == url else "true" if path.startswith(url) else ""
        items.append({"url": url, "label": label, "current": current})
    return items


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "navigation": _navigation(request.path),
    }
