"""Logos are checked by their content, limited in size and stored re-encoded under a random name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.companies.conftest import profile_data

pytestmark = pytest.mark.django_db


def image_file(name="logo.png", size=(120, 80), image_format="PNG", **save):
    buffer = io.BytesIO()
    Image.new("RGBA" if image_format == "PNG" else "RGB", size, (11, 87, 114)).save(
        buffer, format=image_format, **save
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def upload(client, world, logo):
    client.force_login(world.owner)
    return client.post(
        f"/en/organisations/{world.organisation.slug}/edit/",
        {**profile_data(world.organisation), "logo": logo},
    )


def test_a_real_png_is_stored_under_a_random_name(client, world, media):
    response = upload(client, world, image_file("Ons Logo (definitief).png"))

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    name = world.organisation.logo.name
    assert name.startswith("logos/")
    assert name.endswith(".png")
    assert "Ons Logo" not in name
    assert len(name.removeprefix("logos/").removesuffix(".png")) == 32
    with Image.open(media / name) as stored:
        assert stored.format == "PNG"
        assert stored.size == (120, 80)


def test_a_jpeg_stays_a_jpeg_without_its_metadata(client, world, media):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    upload(client, world, image_file("foto.jpeg", image_format="JPEG", exif=exif))

    world.organisation.refresh_from_db()
    assert world.organisation.logo.name.endswith(".jpg")
    with Image.open(media / world.organisation.logo.name) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()


def test_a_large_logo_is_stored_smaller(client, world, media):
    upload(client, world, image_file(size=(2400, 1200)))

    world.organisation.refresh_from_db()
    with Image.open(media / world.organisation.logo.name) as stored:
        assert stored.size == (800, 400)


def test_a_text_file_named_png_is_refused(client, world, media):
    fake = SimpleUploadedFile("logo.png", b"Dit is geen afbeelding.\n" * 20, "image/png")

    response = upload(client, world, fake)

    assert response.status_code == 200
    assert "This file is not an image we can read." in response.content.decode()
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


def test_an_image_of_absurd_dimensions_is_refused(client, world, media):
    response = upload(client, world, image_file(size=(5000, 40)))

    assert response.status_code == 200
    assert "it may be at most 4000 on each side" in response.content.decode()


def test_a_tiny_image_is_refused(client, world, media):
    response = upload(client, world, image_file(size=(10, 10)))

    assert "it needs at least 32 on each side" in response.content.decode()


def test_a_file_of_3_mb_is_refused_for_its_size(client, world, media):
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024), "image/png")

    response = upload(client, world, big)

    assert response.status_code == 200
    assert "The logo may be at most 2.0\xa0MB; this file is 3.0\xa0MB." in (
        response.content.decode()
    )


def test_another_image_format_is_refused(client, world, media):
    response = upload(client, world, image_file("logo.bmp", image_format="BMP"))

    assert response.status_code == 200
    assert "Logos must be PNG, JPEG, WebP or GIF images; this one is BMP." in (
        response.content.decode()
    )


def test_a_new_logo_replaces_the_old_file(client, world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, image_file())
    world.organisation.refresh_from_db()
    first = media / world.organisation.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, image_file(size=(64, 64)))

    world.organisation.refresh_from_db()
    assert (media / world.organisation.logo.name).exists()
    assert not first.exists()
