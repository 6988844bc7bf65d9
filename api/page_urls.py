"""The API's and the open data's pages for people, in every language (portal/urls.py mounts
this inside i18n_patterns): /open-data/, the guide to the API, the pages that issue tokens."""

from django.urls import path

from . import guide

app_name = "open_data"

urlpatterns = [
    # The guide to the API (api/guide.py), and the complete client it shows, to download.
    path("open-data/api/", guide.guide, name="guide"),
    path(f"open-data/api/{guide.CLIENT.name}", guide.client_download, name="client"),
]
