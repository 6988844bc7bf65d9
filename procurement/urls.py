from django.urls import path

from . import spend_views, views

app_name = "procurement"

urlpatterns = [
    # Social spend (item 5): a buyer's purchases of a year and its spend in the social economy,
    # private to its members (procurement/spend.py).
    path("organisations/<slug:slug>/spend/", spend_views.spend_page, name="spend"),
    path("organisations/<slug:slug>/spend/upload/", spend_views.spend_upload, name="spend_upload"),
    path(
        "organisations/<slug:slug>/spend/<int:year>/remove/",
        spend_views.spend_remove,
        name="spend_remove",
    ),
    # The buying helper (items 2-4): plans, their advice and what the buyer did with a line.
    path("buying/", views.helper, name="helper"),
    path("buying/plans/", views.plan_list, name="plan_list"),
    path("buying/plans/<str:code>/", views.plan_detail, name="plan_detail"),
    path(
        "buying/plans/<str:code>/lines/<int:position>/outcome/",
        views.record_outcome,
        name="record_outcome",
    ),
    # Joint answers (item 6): one message to the enterprises that carry a line together.
    path(
        "buying/plans/<str:code>/lines/<int:position>/together/",
        views.contact_together,
        name="contact_together",
    ),
]
