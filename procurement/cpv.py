"""CPV codes (the EU's Common Procurement Vocabulary, Regulation (EC) No 213/2008) read as the
portal's service categories (issue 23, item 3).

A CPV code is eight digits, a hyphen and a check digit (77310000-6); its digits form a tree:
division (2 digits), group (3), class (4), category (5 to 8). data/cpv_service_categories.csv
maps parts of that tree to service categories, and a code is understood by its longest mapped
prefix. The check digit is accepted as written and not recomputed (the mapping needs only the
eight digits), and a code may come without it ("77310000").
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

FILENAME = "cpv_service_categories.csv"
_CODE = re.compile(r"(\d{8})(?:-(\d))?")


class CpvError(ValueError):
    """A code that is not a CPV code, or one the portal has no service category for."""


@dataclass(frozen=True)
class Mapping:
    prefix: str
    category: str  # the service category's slug
    label_nl: str
    label_fr: str
    label_en: str

    @property
    def label(self):
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"label_{language}", "") or self.label_nl


@functools.cache
def mappings(directory=None):
    """{prefix: Mapping}, read once from data/cpv_service_categories.csv."""
    path = Path(directory or Path(settings.BASE_DIR) / "data") / FILENAME
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["prefix"]: Mapping(**row) for row in csv.DictReader(handle)}


def digits(code):
    """The eight digits of a CPV code as people write it ("77310000-6", " 77310000 ");
    CpvError when it is not one."""
    text = (code or "").strip().replace(" ", "")
    found = _CODE.fullmatch(text)
    if not found:
        raise CpvError(
            _(
                "“%(code)s” is not a CPV code (eight digits, a hyphen and a check digit, "
                "e.g. 77310000-6)"
            )
            % {"code": (code or "").strip()[:40]}
        )
    return found.group(1)


def lookup(code):
    """The Mapping of `code` by its longest mapped prefix; CpvError for a malformed code or one
    without a mapped prefix (the "unknown CPV code" of a plan line)."""
    eight = digits(code)
    known = mappings()
    for length in range(8, 1, -1):
        found = known.get(eight[:length])
        if found:
            return found
    raise CpvError(
        _("unknown CPV code %(code)s: it matches none of the portal's service categories")
        % {"code": (code or "").strip()}
    )
