"""The API's addresses, versioned: /api/v1/ (portal/urls.py mounts this without a language
prefix; labels follow Accept-Language or ?lang=)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import posting

app_name = "api"

# Vacancies and service requests: the HR systems' writes (api/posting.py).
router = SimpleRouter()
router.register("vacancies", posting.VacancyViewSet, basename="vacancy")
router.register("service-requests", posting.ServiceRequestViewSet, basename="service-request")

urlpatterns = [
    # The OpenAPI 3 schema, generated from the views themselves (drf-spectacular).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
