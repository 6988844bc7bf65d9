from django.urls import path

from . import report_views, views

app_name = "companies"

urlpatterns = [
    path("organisations/", views.directory, name="directory"),
    # Onboarding and members. The fixed paths come before the profile's organisations/<slug>/.
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/join/", views.join, name="join"),
    path("organisations/claims/", views.claims_to_decide, name="claims"),
    path("organisations/claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path(
        "organisations/claims/join-requests/<int:pk>/decide/",
        views.escalated_join_request_decide,
        name="escalated_join_request_decide",
    ),
    # Tokens are token_urlsafe: the slug converter refuses anything else (a NUL, for one).
    path("organisations/invitations/<slug:token>/", views.invitation, name="invitation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    # The yearly email's signed link (companies/freshness.py): no login, it can only confirm.
    path(
        "organisations/<slug:slug>/confirm/<str:token>/",
        views.confirm_details,
        name="confirm_details",
    ),
    # The rating email's signed link (companies/ratings.py): no login, it can only rate.
    path(
        "collaborations/rate/<str:token>/",
        views.collaboration_rate,
        name="collaboration_rate",
    ),
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
    path("organisations/<slug:slug>/bank-account/", views.bank_account, name="bank_account"),
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
    path(
        "organisations/<slug:slug>/collaborations/",
        views.collaboration_list,
        name="collaborations",
    ),
    path(
        "organisations/<slug:slug>/collaborations/declare/",
        views.collaboration_declare,
        name="collaboration_declare",
    ),
    path(
        "organisations/<slug:slug>/collaborations/<int:pk>/confirm/",
        views.collaboration_confirm,
        name="collaboration_confirm",
    ),
    path(
        "organisations/<slug:slug>/collaborations/<int:pk>/dispute/",
        views.collaboration_dispute,
        name="collaboration_dispute",
    ),
    path(
        "organisations/<slug:slug>/collaborations/<int:pk>/end/",
        views.collaboration_end,
        name="collaboration_end",
    ),
    path(
        "organisations/<slug:slug>/collaborations/<int:pk>/withdraw/",
        views.collaboration_withdraw,
        name="collaboration_withdraw",
    ),
    path("organisations/<slug:slug>/contact/", views.contact_organisation, name="contact"),
    path("organisations/<slug:slug>/claim/", views.claim, name="claim"),
    path("reports/", report_views.overview, name="reports"),
    path("reports/<slug:slug>/", report_views.report, name="report"),
    # Last: a profile's <slug> would otherwise swallow the fixed paths above (new/, join/).
    path("organisations/<slug:slug>/", views.profile, name="profile"),
]
