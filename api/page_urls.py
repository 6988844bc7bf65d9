"""The API's and the open data's pages for people, in every language (portal/urls.py mounts
this inside i18n_patterns): /open-data/, the guide to the API, the pages that issue tokens."""

from django.urls import path

from . import token_views

app_name = "open_data"

urlpatterns = [
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
