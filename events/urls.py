from django.urls import path

from . import meeting_views, outcome_views, views

app_name = "events"

urlpatterns = [
    # Events (issue 22, items 1-2): the list, an event's page and calendar, a region's feed,
    # registering and one's registration. The fixed paths come before the event's <slug>.
    path("events/", views.event_list, name="list"),
    path("events/regions/<slug:slug>.ics", views.region_feed, name="region_feed"),
    # The follow-up email's signed link (events/deals.py): no login, it can only answer.
    path(
        "events/deals/follow-up/<str:token>/",
        outcome_views.deal_follow_up,
        name="deal_follow_up",
    ),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/registration/", views.my_registration, name="registration"),
    # Meetings (issue 22, item 3): participants, requests and answers, schedules, the grid.
    path("events/<slug:slug>/participants/", meeting_views.participants, name="participants"),
    path("events/<slug:slug>/meetings/", meeting_views.my_meetings, name="meetings"),
    path(
        "events/<slug:slug>/meetings/request/",
        meeting_views.request_meeting,
        name="meeting_request",
    ),
    # Before the answers' pattern, which would take "held" for an answer.
    path(
        "events/<slug:slug>/meetings/<int:pk>/held/",
        meeting_views.meeting_held,
        name="meeting_held",
    ),
    path(
        "events/<slug:slug>/meetings/<int:pk>/<slug:answer>/",
        meeting_views.answer,
        name="meeting_answer",
    ),
    path("events/<slug:slug>/schedule.ics", meeting_views.schedule_ics, name="schedule_ics"),
    path(
        "events/<slug:slug>/schedule/print/",
        meeting_views.schedule_print,
        name="schedule_print",
    ),
    path("events/<slug:slug>/grid/", meeting_views.grid, name="grid"),
    # What came of an event (items 4-5: events/deals.py, attendance.py, event_report.py).
    path("events/<slug:slug>/deals/new/", outcome_views.deal_new, name="deal_new"),
    path("events/<slug:slug>/attendance/", outcome_views.attendance_list, name="attendance"),
    path("events/<slug:slug>/report/", outcome_views.report, name="report"),
]
