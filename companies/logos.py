"""Logos are checked by what they contain, not by their name, and stored re-encoded.

An upload is opened with Pillow: it must really be a PNG, JPEG, WebP or GIF of sane dimensions.
It is then drawn again into a fresh file, which drops metadata (camera, location) and anything
smuggled in behind the pixels, so that what we serve is only ever a plain image.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE = 32
MAX_SIDE = 4000
# Logos are shown small; a stored logo never needs more than this on its longest side.
STORED_SIDE = 800
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}

TOO_LARGE = _("The logo may be at most %(limit)s; this file is %(size)s.")
NOT_AN_IMAGE = _("This file is not an image we can read. Upload a PNG, JPEG, WebP or GIF file.")
WRONG_FORMAT = _("Logos must be PNG, JPEG, WebP or GIF images; this one is %(format)s.")
TOO_SMALL = _("The logo is %(width)d × %(height)d pixels; it needs at least %(min)d on each side.")
TOO_BIG = _("The logo is %(width)d × %(height)d pixels; it may be at most %(max)d on each side.")


def check_size(upload):
    if upload.size > MAX_BYTES:
        raise ValidationError(
            TOO_LARGE,
            code="logo_too_large",
            params={"limit": filesizeformat(MAX_BYTES), "size": filesizeformat(upload.size)},
        )


def checked_logo(upload):
    """Return the upload as a freshly encoded image file, or raise ValidationError.

    JPEG stays JPEG (photos); everything else becomes PNG, which keeps transparency.
    """
    check_size(upload)
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            # verify() reads the whole file and notices truncated or malformed data.
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            WRONG_FORMAT, code="logo_wrong_format", params={"format": image_format or "?"}
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            TOO_SMALL,
            code="logo_too_small",
            params={"width": width, "height": height, "min": MIN_SIDE},
        )
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            TOO_BIG,
            code="logo_too_big",
            params={"width": width, "height": height, "max": MAX_SIDE},
        )

    upload.seek(0)
    try:
        # verify() leaves the image unusable, so it is opened a second time to draw it.
        with Image.open(upload) as image:
            image.load()
            image.thumbnail((STORED_SIDE, STORED_SIDE))
            if image_format == "JPEG":
                drawn, extension, content_type = image.convert("RGB"), "jpg", "image/jpeg"
            else:
                drawn, extension, content_type = image.convert("RGBA"), "png", "image/png"
            output = io.BytesIO()
            if extension == "jpg":
                drawn.save(output, format="JPEG", quality=88, optimize=True)
            else:
                drawn.save(output, format="PNG", optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from None
    # The name only carries the extension: Organisation.logo's upload_to picks a random name.
    return SimpleUploadedFile(f"logo.{extension}", output.getvalue(), content_type=content_type)
