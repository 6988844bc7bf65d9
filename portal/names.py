"""Names and titles as people see them: one normal form, and a skeleton to find look-alikes.

Free text that names someone or something publicly (an organisation, a person, a vacancy or a
service request, a voucher programme) goes through `normalise`, through `NameField` in forms:
Unicode NFKC (full-width and mathematical letters, ligatures become plain letters),
invisible characters removed (formatting characters such as zero-width spaces and joiners,
bidirectional controls, the byte order mark, soft hyphens; control characters but NUL, which
Django's fields refuse; the other default-ignorable code points such as variation selectors and
Hangul fillers), and every run of whitespace one space. What is removed shows nothing on screen,
so nothing a reader sees is lost.

`skeleton` folds a name further, for comparison only (it is never shown): case, and every
character that Unicode's confusables (UTS #39, through confusable-homoglyphs) say looks like an
ASCII letter, digit or sign becomes that character, so "Brugwеrk" with a Cyrillic "е" and
"BRUGWERK" share the skeleton "brugwerk". Two names with one skeleton look alike.
"""

import unicodedata

from confusable_homoglyphs.confusables import confusables_data
from django import forms

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt) beyond the categories Cf
# and Cc that `_invisible` removes as a whole: combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian variation selectors, variation selectors, and code points kept
# ignorable for the future. https://www.unicode.org/reports/tr44/#Default_Ignorable_Code_Point
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)
# The length the skeleton column holds; a longer skeleton (folding can lengthen a name) is cut,
# which only makes two names alike in their first 400 folded characters compare equal.
SKELETON_LENGTH = 400


def _invisible(char):
    if char == "\x00":
        # Left to Django's own check, which refuses it with a message: nobody types a NUL.
        return False
    if unicodedata.category(char) in {"Cf", "Cc"}:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def normalise(text):
    """`text` as it should be stored: NFKC, no invisible characters, single spaces, trimmed."""
    if not text:
        return text
    if text.isascii() and text.isprintable():
        # Most names: nothing to fold, nothing invisible.
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    # Whitespace first (tabs and line breaks are control characters too), then what is invisible.
    text = "".join(" " if char.isspace() else char for char in text)
    text = "".join(char for char in text if not _invisible(char))
    # Removing a character may bring a letter and a combining mark together again.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _ascii_look_alike(char):
    """The ASCII text that `char` looks like according to Unicode's confusables, else `char`.

    confusable-homoglyphs keeps each pair of confusables.txt in both directions; for every
    non-ASCII character that looks like ASCII text there is exactly one such text.
    """
    if char.isascii():
        return char
    for homoglyph in confusables_data.get(char, ()):
        # The data marks right-to-left characters with U+200E; they are no ASCII text anyway.
        candidate = homoglyph["c"]
        if candidate.isascii() and candidate.isprintable() and not candidate.isspace():
            return candidate
    return char


def skeleton(text):
    """What `text` looks like, folded for comparison: equal skeletons, look-alike names."""
    folded = normalise(text or "")
    # Folded before and after casefolding: a Greek capital beta looks like B, its small letter
    # like no Latin letter; a Cyrillic capital and its small letter both look like Latin ones.
    for _round in range(2):
        folded = "".join(_ascii_look_alike(char) for char in folded).casefold()
    return folded[:SKELETON_LENGTH]


class NameField(forms.CharField):
    """A name or title, normalised (`normalise`) before it is validated and stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value

    def prepare_value(self, value):
        # A form shown again shows the name as it would be stored.
        return normalise(value) if isinstance(value, str) else value
