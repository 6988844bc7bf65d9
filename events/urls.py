from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    # Engineer A (issue 22, items 1-2): the list, an event's page and calendar, a region's feed,
    # registering and one's registration. The fixed paths come before the event's <slug>.
    path("events/", views.event_list, name="list"),
    path("events/regions/<slug:slug>.ics", views.region_feed, name="region_feed"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/registration/", views.my_registration, name="registration"),
]
