"""The portal's URLs plus the reference page, for the page benchmarks only.

measure_pages.py installs this URLconf with override_settings(ROOT_URLCONF=...); the portal
itself never serves the reference page.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    *portal_urlpatterns,
    *i18n_patterns(
        path("benchmark/reference/", views.reference, name="benchmark_reference"),
        prefix_default_language=False,
    ),
]
