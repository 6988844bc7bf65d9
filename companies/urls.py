from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("organisations/", views.directory, name="directory"),
    # Onboarding and members. The fixed paths come before the profile's organisations/<slug>/.
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/join/", views.join, name="join"),
    path("organisations/invitations/<str:token>/", views.invitation, name="invitation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/services/", views.services, name="services"),
    path(
        "organisations/<slug:slug>/services/<int:pk>/",
        views.service_edit,
        name="service_edit",
    ),
    path(
        "organisations/<slug:slug>/services/<int:pk>/remove/",
        views.service_remove,
        name="service_remove",
    ),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<slug:slug>/join-requests/<int:pk>/decide/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("organisations/<slug:slug>/act/", views.act, name="act"),
    path("organisations/<slug:slug>/contact/", views.contact_organisation, name="contact"),
    # Last: a profile's <slug> would otherwise swallow the fixed paths above (new/, join/).
    path("organisations/<slug:slug>/", views.profile, name="profile"),
]
