import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "abc.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (tmp_path / "logos" / "abc.html").write_text("<script>alert(1)</script>")
    (tmp_path / "secret.txt").write_text("no")
    return tmp_path


def test_a_logo_is_served_as_an_image_under_a_strict_policy(client, media_root):
    response = client.get("/media/logos/abc.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize(
    "path",
    [
        "/media/logos/abc.html",
        "/media/secret.txt",
        "/media/logos/../secret.txt",
        "/media/logos/missing.png",
    ],
)
def test_nothing_else_is_served_from_media(client, media_root, path):
    assert client.get(path).status_code == 404
