from django.urls import path

from . import outcome_views

app_name = "events"

urlpatterns = [
    # What came of an event (events/deals.py, attendance.py, event_report.py): engineer C.
    # The follow-up email's signed link: no login, it can only answer.
    path(
        "events/deals/follow-up/<str:token>/",
        outcome_views.deal_follow_up,
        name="deal_follow_up",
    ),
    path("events/<slug:slug>/deals/new/", outcome_views.deal_new, name="deal_new"),
    path("events/<slug:slug>/attendance/", outcome_views.attendance_list, name="attendance"),
    path("events/<slug:slug>/report/", outcome_views.report, name="report"),
]
