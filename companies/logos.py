"""Logos are checked by what they contain, not by their name, and stored re-encoded.

An upload must really be a PNG, JPEG, WebP or GIF of sane dimensions. Before any pixel is decoded,
the file's structure is read (a walk over its chunks, blocks or markers: cheap, linear in the
bytes) to learn what decoding it would cost: its dimensions, its frames and, for a JPEG, its scans.
A file over those limits is refused with a message; none of it reaches the decoder. This matters
because the decoder's work is not bounded by the file's size: a progressive JPEG of 200 kB whose
last scan is repeated 3000 times takes libjpeg half a minute of CPU, a PNG of 30 kB can claim
16 000 × 16 000 pixels, and a GIF can hold thousands of frames.

Only then is the image opened with Pillow (limited to the format its structure showed) and drawn
again into a fresh file, which drops metadata (camera, location) and anything smuggled in behind
the pixels, so that what we serve is only ever a plain image. The drawing runs in a child process
with a CPU, memory and time limit (draw()): a backstop for whatever a file within the limits might
still make a decoder do.
"""

import io
import logging
import re
import struct
import subprocess
import sys
from dataclasses import dataclass

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
# Each scan of a progressive JPEG makes libjpeg walk every block of the image again, so decoding
# costs (scans × pixels). Encoders write 1 scan (baseline), 3 (baseline, not interleaved), 10
# (libjpeg's and mozjpeg's progressive colour), 18 (progressive CMYK); this leaves room for others.
MAX_SCANS = 32
# Only the first frame of an animation is kept; more than this is not a logo.
MAX_FRAMES = 100
# The pixels are decoded in a child process with these limits (see draw()). The costliest logos
# the limits above let through take under half a second of CPU (a 4000 × 4000 PNG or lossless
# WebP, a JPEG of 32 scans) and up to 400 MB of address space (the WebP); these leave a margin.
DRAW_CPU_SECONDS = 3
DRAW_MEMORY = 768 * 1024 * 1024
DRAW_TIMEOUT = 10

logger = logging.getLogger(__name__)

TOO_LARGE = _("The logo may be at most %(limit)s; this file is %(size)s.")
NOT_AN_IMAGE = _("This file is not an image we can read. Upload a PNG, JPEG, WebP or GIF file.")
WRONG_FORMAT = _("Logos must be PNG, JPEG, WebP or GIF images; this one is %(format)s.")
TOO_SMALL = _("The logo is %(width)d × %(height)d pixels; it needs at least %(min)d on each side.")
TOO_BIG = _("The logo is %(width)d × %(height)d pixels; it may be at most %(max)d on each side.")
FAR_TOO_BIG = _(
    "This image is far too large to open; a logo may be at most %(max)d × %(max)d pixels."
)
TOO_MANY_SCANS = _(
    "This JPEG is built up in %(scans)d scans; a logo may have at most %(max)d. "
    "Save it again as an ordinary JPEG or as a PNG."
)
TOO_MANY_FRAMES = _(
    "This image has %(frames)d frames; a logo may have at most %(max)d. Upload a still image."
)
TOO_COSTLY = _(
    "This image takes too much time or memory to open. "
    "Save it again as an ordinary PNG or JPEG and upload that."
)


class Malformed(Exception):
    """The file starts like one of our formats, but its structure does not hold."""


@dataclass(frozen=True)
class Structure:
    """What decoding the file would cost, read from its structure without decoding it."""

    format: str  # Pillow's name for it
    width: int
    height: int
    frames: int = 1
    scans: int = 1


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
    data = upload.read(MAX_BYTES + 1)
    image_format = check_content(data)
    drawn = draw(data, image_format)
    # The name only carries the extension: Organisation.logo's upload_to picks a random name.
    if image_format == "JPEG":
        return SimpleUploadedFile("logo.jpg", drawn, content_type="image/jpeg")
    return SimpleUploadedFile("logo.png", drawn, content_type="image/png")


def check_content(data):
    """Return the format of an image that is worth decoding, or raise ValidationError.

    Nothing here decodes pixels: the file's structure gives what decoding would cost, and
    Pillow reads the headers and checks the chunks' checksums.
    """
    try:
        structure = structure_of(data)
    except Malformed:
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from None
    if structure is None:
        # Not one of ours: Pillow reads just its header, so that the message can name it.
        raise ValidationError(
            WRONG_FORMAT, code="logo_wrong_format", params={"format": _name(data)}
        )
    check_cost(structure)
    try:
        with Image.open(io.BytesIO(data), formats=[structure.format]) as probe:
            image_format = probe.format
            width, height = probe.size
            # verify() reads the whole file and notices truncated or malformed data.
            probe.verify()
    except Image.DecompressionBombError:
        raise ValidationError(FAR_TOO_BIG, code="logo_too_big", params={"max": MAX_SIDE}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from None
    # The structure and Pillow must agree on what this is, or the limits measured nothing.
    if image_format != structure.format:
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image")
    check_cost(Structure(image_format, width, height, structure.frames, structure.scans))
    return image_format


# Run by draw() as `python -I -c _DRAW cpu memory format side`, the file on stdin. The limits are
# set before anything else happens; exit status 3 means the image could not be read.
_DRAW = """
import io, resource, sys
cpu, memory, image_format, side = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
try:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
except (ValueError, OSError):
    pass  # not enforced on every system (macOS); the CPU limit and the timeout still hold
from PIL import Image
data = sys.stdin.buffer.read()
try:
    with Image.open(io.BytesIO(data), formats=[image_format]) as image:
        # thumbnail() before load(): a large JPEG is then decoded at 1/2, 1/4 or 1/8 scale.
        image.thumbnail((side, side))
        output = io.BytesIO()
        if image_format == "JPEG":
            image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
        else:
            image.convert("RGBA").save(output, format="PNG", optimize=True)
except MemoryError:
    sys.exit(4)
except Exception:
    sys.exit(3)
sys.stdout.buffer.write(output.getvalue())
"""


def draw(data, image_format):
    """The image drawn again at most STORED_SIDE on its longest side, as JPEG or PNG bytes.

    JPEG stays JPEG (photos); everything else becomes PNG, which keeps transparency. The drawing
    happens in a child process limited to DRAW_CPU_SECONDS of CPU and DRAW_MEMORY of address
    space, and waited for at most DRAW_TIMEOUT seconds: whatever a crafted file that passed the
    checks above makes the decoders do, it cannot hold a web worker longer or exhaust its memory.
    """
    command = [sys.executable, "-I", "-c", _DRAW]
    command += [str(DRAW_CPU_SECONDS), str(DRAW_MEMORY), image_format, str(STORED_SIDE)]
    try:
        # The command is fixed (our interpreter, our code); the upload only goes in on stdin.
        child = subprocess.run(  # noqa: S603
            command, input=data, capture_output=True, timeout=DRAW_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        logger.warning(
            "A %s logo took more than %s s to draw; refused.", image_format, DRAW_TIMEOUT
        )
        raise ValidationError(TOO_COSTLY, code="logo_too_costly") from None
    if child.returncode == 0 and child.stdout:
        return child.stdout
    if child.returncode == 3:
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image")
    # Killed for its CPU time (SIGXCPU, SIGKILL) or out of memory (4).
    logger.warning(
        "Drawing a %s logo stopped with status %s; refused. %s",
        image_format,
        child.returncode,
        child.stderr.decode(errors="replace")[-500:],
    )
    raise ValidationError(TOO_COSTLY, code="logo_too_costly")


def check_cost(structure):
    """Refuse an image whose decoding would cost more than a logo may."""
    width, height = structure.width, structure.height
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            TOO_BIG,
            code="logo_too_big",
            params={"width": width, "height": height, "max": MAX_SIDE},
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            TOO_SMALL,
            code="logo_too_small",
            params={"width": width, "height": height, "min": MIN_SIDE},
        )
    if structure.frames > MAX_FRAMES:
        raise ValidationError(
            TOO_MANY_FRAMES,
            code="logo_too_many_frames",
            params={"frames": structure.frames, "max": MAX_FRAMES},
        )
    if structure.scans > MAX_SCANS:
        raise ValidationError(
            TOO_MANY_SCANS,
            code="logo_too_many_scans",
            params={"scans": structure.scans, "max": MAX_SCANS},
        )


def _name(data):
    """The name of another image format, for the message; '?' if Pillow does not know it."""
    try:
        with Image.open(io.BytesIO(data)) as other:
            return other.format or "?"
    except Image.DecompressionBombError:
        raise ValidationError(FAR_TOO_BIG, code="logo_too_big", params={"max": MAX_SIDE}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from None


def structure_of(data):
    """The Structure of a PNG, JPEG, GIF or WebP file, None for anything else.

    Raises Malformed when the file has the signature of one of these but not its structure.
    """
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png(data)
        if data.startswith(b"\xff\xd8\xff"):
            return _jpeg(data)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return _gif(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
    except (struct.error, IndexError):
        raise Malformed from None
    return None


def _png(data):
    # The first chunk is IHDR (www.w3.org/TR/png-3/#11IHDR); an APNG has an fcTL chunk per frame.
    if data[12:16] != b"IHDR":
        raise Malformed
    width, height = struct.unpack_from(">II", data, 16)
    frames, position = 0, 8
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        if kind == b"fcTL":
            frames += 1
        if kind == b"IEND":
            break
        position += 12 + length
    return Structure("PNG", width, height, frames=max(frames, 1))


# A marker is 0xFF and a byte other than 0x00 (a stuffed 0xFF in entropy-coded data) and 0xFF
# (fill). As in libjpeg's next_marker(), bytes that are not a marker are skipped.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xff]")
# Markers without a length: TEM, RST0-7, SOI, EOI.
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xDA)}
# Start of frame: C0-CF, except DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_SOS, _JPEG_EOI = 0xDA, 0xD9


def _jpeg(data):
    """Walk the markers as libjpeg reads them (ITU T.81, B.1) and count the scans up to EOI.

    Segments with a length are skipped by their length; the entropy-coded data after a scan
    header (SOS) runs to the next marker that is not a restart marker, so one search for the
    next marker serves between segments and inside scans alike.
    """
    size = None
    scans, position = 0, 2
    while (match := _JPEG_MARKER.search(data, position)) is not None:
        marker, position = data[match.start() + 1], match.end()
        if marker == _JPEG_EOI:
            break
        if marker in _JPEG_STANDALONE:
            continue
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2:
            raise Malformed
        if marker in _JPEG_SOF:
            if size is not None:
                raise Malformed  # a second frame: hierarchical JPEG, which we do not take
            height, width = struct.unpack_from(">HH", data, position + 3)
            size = (width, height)
        elif marker == _JPEG_SOS:
            scans += 1
        position += length
    if size is None or not scans:
        raise Malformed
    return Structure("JPEG", *size, scans=scans)


def _gif(data):
    """Walk the blocks (www.w3.org/Graphics/GIF/spec-gif89a.txt) and count the images in it.

    Pillow grows the canvas to hold a frame that reaches past it, so the size is the union.
    """
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while position < len(data):
        block = data[position]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: a label, then data sub-blocks
            position += 2
        elif block == 0x2C:  # image: a descriptor, a colour table, the code size, sub-blocks
            frames += 1
            left, top, frame_width, frame_height, flags = struct.unpack_from(
                "<HHHHB", data, position + 1
            )
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        else:
            raise Malformed
        while (length := data[position]) != 0:
            position += 1 + length
        position += 1
    if not frames:
        raise Malformed
    return Structure("GIF", width, height, frames=frames)


def _webp(data):
    """The canvas from the first chunk, and the ANMF chunks (developers.google.com/speed/webp)."""
    kind = data[12:16]
    if kind == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise Malformed
        width, height = (side & 0x3FFF for side in struct.unpack_from("<HH", data, 26))
    elif kind == b"VP8L":
        if data[20] != 0x2F:
            raise Malformed
        (bits,) = struct.unpack_from("<I", data, 21)
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif kind == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
    else:
        raise Malformed
    frames, position = 0, 12
    while position + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        frames += kind == b"ANMF"
        position += 8 + length + (length & 1)
    return Structure("WEBP", width, height, frames=max(frames, 1))
