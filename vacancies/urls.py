from django.urls import path

from . import views

app_name = "vacancies"

# Vacancies and service requests share their detail and action views; `kind` tells them apart.
VACANCY = {"kind": "vacancy"}
REQUEST = {"kind": "request"}

urlpatterns = [
    # The lists: search, facets, CSV.
    path("vacancies/", views.vacancy_list, name="vacancy_list"),
    path("requests/", views.request_list, name="request_list"),
    # Posting. The fixed paths come before the <code> paths, which would otherwise take "new".
    path("vacancies/new/", views.vacancy_create, name="vacancy_create"),
    path("requests/new/", views.request_create, name="request_create"),
    # Detail pages and the poster's actions. Codes are token_urlsafe, so the slug converter
    # refuses anything else before a lookup (PostgreSQL cannot compare a string with a NUL).
    path("vacancies/<slug:code>/", views.opportunity_detail, VACANCY, name="vacancy_detail"),
    path("vacancies/<slug:code>/edit/", views.opportunity_edit, VACANCY, name="vacancy_edit"),
    path(
        "vacancies/<slug:code>/publish/", views.opportunity_publish, VACANCY, name="vacancy_publish"
    ),
    path("vacancies/<slug:code>/close/", views.opportunity_close, VACANCY, name="vacancy_close"),
    path("vacancies/<slug:code>/extend/", views.opportunity_extend, VACANCY, name="vacancy_extend"),
    path("vacancies/<slug:code>/reopen/", views.opportunity_reopen, VACANCY, name="vacancy_reopen"),
    path(
        "vacancies/<slug:code>/withdraw/",
        views.opportunity_withdraw,
        VACANCY,
        name="vacancy_withdraw",
    ),
    path("requests/<slug:code>/", views.opportunity_detail, REQUEST, name="request_detail"),
    path("requests/<slug:code>/edit/", views.opportunity_edit, REQUEST, name="request_edit"),
    path(
        "requests/<slug:code>/publish/", views.opportunity_publish, REQUEST, name="request_publish"
    ),
    path("requests/<slug:code>/close/", views.opportunity_close, REQUEST, name="request_close"),
    path("requests/<slug:code>/extend/", views.opportunity_extend, REQUEST, name="request_extend"),
    path("requests/<slug:code>/reopen/", views.opportunity_reopen, REQUEST, name="request_reopen"),
    path(
        "requests/<slug:code>/withdraw/",
        views.opportunity_withdraw,
        REQUEST,
        name="request_withdraw",
    ),
    # Responses: a social enterprise answers, the poster moves the answers on.
    path("vacancies/<slug:code>/respond/", views.respond, VACANCY, name="vacancy_respond"),
    path("requests/<slug:code>/offer/", views.respond, REQUEST, name="request_offer"),
    path(
        "vacancies/<slug:code>/responses/<int:pk>/move/",
        views.move_response,
        VACANCY,
        name="vacancy_response_move",
    ),
    path(
        "requests/<slug:code>/responses/<int:pk>/move/",
        views.move_response,
        REQUEST,
        name="request_response_move",
    ),
    # Saved searches: the user's list, and the "Save this search" panel of the search pages.
    path("saved-searches/", views.saved_search_list, name="saved_searches"),
    path("saved-searches/new/", views.saved_search_create, name="saved_search_create"),
    path("saved-searches/<str:code>/", views.saved_search_update, name="saved_search_update"),
    path(
        "saved-searches/<str:code>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
]
