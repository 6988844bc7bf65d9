"""The API's addresses, versioned: /api/v1/ (portal/urls.py mounts this without a language
prefix; labels follow Accept-Language or ?lang=)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .reference import ReferenceView

app_name = "api"

urlpatterns = [
    # The OpenAPI 3 schema, generated from the views themselves (drf-spectacular).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The reference page: Swagger UI over the schema, self-hosted (api/reference.py).
    path("docs/", ReferenceView.as_view(), name="docs"),
]
