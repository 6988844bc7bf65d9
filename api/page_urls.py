"""The API's and the open data's pages for people, in every language (portal/urls.py mounts
this inside i18n_patterns): /open-data/, the guide to the API, the pages that issue tokens."""

app_name = "open_data"

urlpatterns = []
