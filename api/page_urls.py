"""The API's and the open data's pages for people, in every language (portal/urls.py mounts
this inside i18n_patterns): /open-data/, the guide to the API, the pages that issue tokens."""

from django.urls import path

from . import guide, open_data_views, token_views

app_name = "open_data"

urlpatterns = [
    # The guide to the API (api/guide.py), and the complete client it shows, to download.
    path("open-data/api/", guide.guide, name="guide"),
    path(f"open-data/api/{guide.CLIENT.name}", guide.client_download, name="client"),
    # What is published, under which licence, the files of the last dump (issue 24, item 4).
    path("open-data/", open_data_views.index, name="index"),
    path("open-data/catalog.jsonld", open_data_views.catalog, name="catalog"),
    path("open-data/files/<str:name>", open_data_views.download, name="download"),
    # Tokens (api/token_views.py): a person's own, and an organisation's (its owners').
    path("open-data/tokens/", token_views.personal_tokens, name="tokens"),
    path(
        "open-data/tokens/<int:pk>/revoke/",
        token_views.personal_token_revoke,
        name="token_revoke",
    ),
    path(
        "organisations/<slug:slug>/api-tokens/",
        token_views.organisation_tokens,
        name="organisation_tokens",
    ),
    path(
        "organisations/<slug:slug>/api-tokens/<int:pk>/revoke/",
        token_views.organisation_token_revoke,
        name="organisation_token_revoke",
    ),
]
