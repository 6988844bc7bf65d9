from django.urls import path

from . import meeting_views

app_name = "events"

urlpatterns = [
    # Meetings (issue 22, item 3): participants, requests and answers, schedules, the grid.
    path("events/<slug:slug>/participants/", meeting_views.participants, name="participants"),
    path("events/<slug:slug>/meetings/", meeting_views.my_meetings, name="meetings"),
    path(
        "events/<slug:slug>/meetings/request/",
        meeting_views.request_meeting,
        name="meeting_request",
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
]
