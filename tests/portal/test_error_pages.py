import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_page_answers_404_in_the_portal_layout(client):
    response = client.get("/fr/bestaat-niet/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#main"' in html


@pytest.mark.django_db
def test_a_server_error_shows_a_page_of_its_own(settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", boom)]})
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
