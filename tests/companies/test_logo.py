"""Logos are checked by their content, limited in size and stored re-encoded under a random name."""

import contextlib
import io
import random
import sys
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from companies import logos
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


# Hostile files (issue 16): what decoding an upload costs is bounded before it is decoded.


def jpeg_segments(data):
    """(marker, start, end) of each segment, a scan (SOS) with its entropy-coded data."""
    segments, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF
        marker = data[position + 1]
        if marker == 0xD9:
            segments.append((marker, position, position + 2))
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:
            # The data runs to the next marker that is not a stuffed byte or a restart marker.
            while not (data[end] == 0xFF and data[end + 1] not in (0x00, *range(0xD0, 0xD8))):
                end += 1
        segments.append((marker, position, end))
        position = end
    return segments


def progressive_jpeg(size, scans):
    """A progressive JPEG of one colour whose last (tiny) refinement scan is repeated."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 87, 114)).save(buffer, format="JPEG", progressive=True)
    data = buffer.getvalue()
    segments = jpeg_segments(data)
    sos = [segment for segment in segments if segment[0] == 0xDA]
    _, start, end = sos[-1]
    repeated = data[start:end] * (scans - len(sos))
    return SimpleUploadedFile("logo.jpg", data[:end] + repeated + data[end:], "image/jpeg")


def animation(image_format, frames, size=(64, 64), name="logo.gif"):
    # Each frame a colour of its own, so that no encoder merges frames.
    colours = [((index * 37) % 256, (index * 11) % 256, index // 256) for index in range(frames)]
    images = [Image.new("RGB", size, colour) for colour in colours]
    buffer = io.BytesIO()
    images[0].save(buffer, format=image_format, save_all=True, append_images=images[1:])
    return SimpleUploadedFile(name, buffer.getvalue(), f"image/{image_format.lower()}")


def gif_with_frames(frames):
    """A GIF whose last frame (its graphic control extension and image) is repeated."""
    data = animation("GIF", 2).read()
    last = data.rindex(b"\x21\xf9\x04")
    assert data[-1:] == b"\x3b"
    repeated = data[last:-1] * (frames - 2)
    return SimpleUploadedFile("logo.gif", data[:-1] + repeated + data[-1:], "image/gif")


def png_claiming(width, height):
    """A real 40 × 40 PNG whose header (IHDR, with a correct checksum) claims another size."""
    data = bytearray(image_file(size=(40, 40)).read())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return SimpleUploadedFile("logo.png", bytes(data), "image/png")


def refused(response, message):
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    return True


def test_a_progressive_jpeg_with_thousands_of_scans_is_refused_before_it_is_decoded(
    client, world, media
):
    hostile = progressive_jpeg((1000, 1000), scans=3000)
    assert len(hostile) < 200_000

    response = upload(client, world, hostile)

    assert refused(response, "This JPEG is built up in 3000 scans; a logo may have at most 32.")
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


def test_a_progressive_jpeg_with_as_many_scans_as_allowed_is_stored(client, world, media):
    response = upload(client, world, progressive_jpeg((400, 300), scans=logos.MAX_SCANS))

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    with Image.open(media / world.organisation.logo.name) as stored:
        assert (stored.format, stored.size) == ("JPEG", (400, 300))


def test_a_gif_with_thousands_of_frames_is_refused(client, world, media):
    response = upload(client, world, gif_with_frames(3000))

    assert refused(response, "This image has 3000 frames; a logo may have at most 100.")
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


@pytest.mark.parametrize(("image_format", "name"), [("PNG", "logo.png"), ("WEBP", "logo.webp")])
def test_an_animated_png_or_webp_with_too_many_frames_is_refused(
    client, world, media, image_format, name
):
    response = upload(client, world, animation(image_format, 150, name=name))

    assert refused(response, "This image has 150 frames; a logo may have at most 100.")


def test_a_gif_frame_that_reaches_far_past_its_canvas_is_refused(client, world, media):
    data = bytearray(image_file("logo.gif", size=(40, 40), image_format="GIF").read())
    descriptor = data.index(b"\x2c\x00\x00\x00\x00")
    data[descriptor + 5 : descriptor + 9] = (60000).to_bytes(2, "little") * 2

    response = upload(client, world, SimpleUploadedFile("logo.gif", bytes(data), "image/gif"))

    assert refused(response, "The logo is 60000 × 60000 pixels; it may be at most 4000")


def test_a_png_whose_header_claims_a_huge_size_is_refused_for_its_size(client, world, media):
    response = upload(client, world, png_claiming(100_000, 100_000))

    assert refused(response, "The logo is 100000 × 100000 pixels; it may be at most 4000")


def test_a_png_that_decompresses_to_100_megapixels_is_refused_without_a_bomb_warning(
    client, world, media
):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    assert len(bomb) < 100_000

    # Pillow warns from 89 megapixels on (DecompressionBombWarning) and goes on: the limits
    # must refuse such an image before Pillow opens it.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = upload(client, world, bomb)

    assert refused(response, "The logo is 10000 × 10000 pixels; it may be at most 4000")


def test_another_format_that_pillow_calls_a_decompression_bomb_is_a_form_error(
    client, world, media
):
    data = bytearray(image_file("logo.bmp", size=(40, 40), image_format="BMP").read())
    data[18:26] = (50_000).to_bytes(4, "little") * 2

    response = upload(client, world, SimpleUploadedFile("logo.bmp", bytes(data), "image/bmp"))

    assert refused(response, "This image is far too large to open; a logo may be at most 4000")


def still(image_format, **save):
    return lambda: image_file(f"logo.{image_format.lower()}", image_format=image_format, **save)


@pytest.mark.parametrize(
    ("make", "stored_format"),
    [
        (still("JPEG"), "JPEG"),
        (still("JPEG", progressive=True), "JPEG"),
        (lambda: image_file("scan.jpg", size=(2400, 1800), image_format="JPEG"), "JPEG"),
        (still("PNG"), "PNG"),
        (still("GIF"), "PNG"),
        (still("WEBP"), "PNG"),
        (still("WEBP", lossless=True), "PNG"),
        (lambda: animation("GIF", 12), "PNG"),
        (lambda: animation("PNG", 12, name="logo.png"), "PNG"),
        (lambda: animation("WEBP", 12, name="logo.webp"), "PNG"),
    ],
    ids=[
        "jpeg",
        "progressive-jpeg",
        "large-jpeg",
        "png",
        "gif",
        "webp",
        "lossless-webp",
        "animated-gif",
        "animated-png",
        "animated-webp",
    ],
)
def test_ordinary_logos_are_stored(client, world, media, make, stored_format):
    response = upload(client, world, make())

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    with Image.open(media / world.organisation.logo.name) as stored:
        assert stored.format == stored_format


def valid_files():
    yield image_file(image_format="JPEG", progressive=True).read()
    yield image_file(image_format="PNG").read()
    yield image_file(image_format="WEBP").read()
    yield animation("GIF", 3).read()


def test_a_damaged_image_is_a_form_error_wherever_it_is_cut_or_changed():
    """No truncation or corrupted byte of a valid file makes the checks fail otherwise.

    (What passes them is drawn in a child process, which turns every failure into a refusal.)
    """
    chance = random.Random(16)
    for data in valid_files():
        damaged = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 60))]
        for _ in range(60):
            changed = bytearray(data)
            for _ in range(chance.randint(1, 4)):
                changed[chance.randrange(len(changed))] = chance.randrange(256)
            damaged.append(bytes(changed))
        for candidate in damaged:
            with contextlib.suppress(ValidationError):
                logos.check_content(candidate)


def test_the_refusal_is_in_the_language_of_the_page(client, world, media):
    client.force_login(world.owner)
    response = client.post(
        f"/organisations/{world.organisation.slug}/edit/",
        {**profile_data(world.organisation), "logo": gif_with_frames(500)},
    )

    assert refused(response, "Deze afbeelding heeft 500 beelden; een logo mag er hoogstens 100")


# The decoding itself runs in a child process with a CPU, memory and time limit: a backstop for
# whatever a file within the limits above might still make a decoder do.

COSTLY = "This image takes too much time or memory to open."


def test_a_hostile_jpeg_past_the_scan_limit_is_stopped_by_the_cpu_limit(
    client, world, media, monkeypatch
):
    monkeypatch.setattr(logos, "MAX_SCANS", 10_000)
    monkeypatch.setattr(logos, "DRAW_CPU_SECONDS", 1)

    response = upload(client, world, progressive_jpeg((2000, 2000), scans=3000))

    assert refused(response, COSTLY)
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


@pytest.mark.skipif(sys.platform != "linux", reason="the address-space limit is Linux's")
def test_an_image_that_needs_more_memory_than_allowed_is_refused(client, world, media, monkeypatch):
    monkeypatch.setattr(logos, "DRAW_MEMORY", 128 * 1024 * 1024)

    # 4000 × 4000 RGBA: 69 kB that decode into 64 MB, and as much again to convert.
    response = upload(client, world, image_file(size=(4000, 4000)))

    assert refused(response, COSTLY)
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


def test_drawing_that_takes_longer_than_allowed_is_refused(client, world, media, monkeypatch):
    monkeypatch.setattr(logos, "DRAW_TIMEOUT", 0.001)

    response = upload(client, world, image_file())

    assert refused(response, COSTLY)
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


def test_the_admin_checks_an_uploaded_logo_as_the_profile_page_does(rf, world):
    from django.contrib import admin

    from companies.models import Organisation
    from tests.factories import StaffFactory

    request = rf.get("/admin/")
    request.user = StaffFactory(is_superuser=True)
    form = admin.site._registry[Organisation].get_form(request, world.organisation)
    field = form.base_fields["logo"]

    with pytest.raises(ValidationError) as refusal:
        field.clean(progressive_jpeg((1000, 1000), scans=3000))
    ordinary = field.clean(image_file("logo.png"))

    assert "3000 scans" in " ".join(refusal.value.messages)
    assert ordinary.size > 0
