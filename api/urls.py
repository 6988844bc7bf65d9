"""The API's addresses, versioned: /api/v1/ (portal/urls.py mounts this without a language
prefix; labels follow Accept-Language or ?lang=)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from .conventions import Unmatched

app_name = "api"

urlpatterns = [
    # The OpenAPI 3 schema, generated from the views themselves (drf-spectacular).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Last: any other address under /api/v1/ is a 404 problem (api/problems.py).
    re_path(r"^.*$", Unmatched.as_view(), name="unmatched"),
]
