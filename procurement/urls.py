from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("buying/", views.helper, name="helper"),
    path("buying/plans/", views.plan_list, name="plan_list"),
    path("buying/plans/<str:code>/", views.plan_detail, name="plan_detail"),
    path(
        "buying/plans/<str:code>/lines/<int:position>/outcome/",
        views.record_outcome,
        name="record_outcome",
    ),
]
