"""The API's addresses, versioned: /api/v1/ (portal/urls.py mounts this without a language
prefix; labels follow Accept-Language or ?lang=)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import posting, views
from .conventions import Unmatched
from .reference import ReferenceView

app_name = "api"

urlpatterns = [
    # The OpenAPI 3 schema, generated from the views themselves (drf-spectacular).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The reference page: Swagger UI over the schema, self-hosted (api/reference.py).
    path("docs/", ReferenceView.as_view(), name="docs"),
    path("organisations/", views.OrganisationList.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationDetail.as_view(), name="organisation"),
    path("organisation-kinds/", views.OrganisationKindList.as_view(), name="organisation_kinds"),
    path("service-categories/", views.ServiceCategoryList.as_view(), name="service_categories"),
    path("sectors/", views.SectorList.as_view(), name="sectors"),
    path("recognition-types/", views.RecognitionList.as_view(), name="recognition_types"),
    path("provinces/", views.ProvinceList.as_view(), name="provinces"),
    path("regions/", views.RegionList.as_view(), name="regions"),
    path("vacancies/", views.VacancyList.as_view(), name="vacancies"),
    path("vacancies/<slug:code>/", views.VacancyDetail.as_view(), name="vacancy"),
    path("service-requests/", views.ServiceRequestList.as_view(), name="service_requests"),
    path(
        "service-requests/<slug:code>/",
        views.ServiceRequestDetail.as_view(),
        name="service_request",
    ),
    # An HR system's steps with an organisation's token (api/posting.py); POST and PATCH of
    # the two lists and details above are its drafts and changes.
    *views.step_patterns("vacancies/", posting.VacancyPosting, "vacancy"),
    *views.step_patterns("service-requests/", posting.ServiceRequestPosting, "service_request"),
    path("events/", views.EventList.as_view(), name="events"),
    path("reports/", views.ReportList.as_view(), name="reports"),
    path("reports/<slug:slug>/", views.ReportTable.as_view(), name="report"),
    # Last: any other address under /api/v1/ is a 404 problem (api/problems.py).
    re_path(r"^.*$", Unmatched.as_view(), name="unmatched"),
]
