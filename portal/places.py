"""Places by name: the place field of every list page and a place at the end of a text query.

A visitor names a place as they know it: a municipality ("Hasselt", "Tongeren-Borgloon", the
merged municipality of 2025, or in French "Gand"), a part of one by the name its postcode
carries ("Sint-Amandsberg"), a postcode ("3700") or a suggestion of the list as you type
("3700 Tongeren"). Case, accents, hyphens and spaces do not matter.

A name is looked up in this order, and the first that knows it decides:
1. a current municipality's Dutch or French name: the municipality, searched from its postcode
   of the same name (the lowest code), else from its lowest postcode;
2. the name of one or more postcodes: when they all lie in one municipality, the lowest of
   them; in several municipalities the name is ambiguous and the visitor is shown the choices
   ("Beveren": 8791 in Waregem, 9130 in Beveren-Kruibeke-Zwijndrecht);
3. the name of a municipality merged away (1 January 2025): what it was merged into.

Everything is looked up in memory, in an index built from the reference rows
(portal.reference) once per generation of them: no query, and nothing a visitor types ever
reaches the database.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import reference
from .models import BelgianRegion, Municipality, Postcode

# Words that may stand between a text and the place it ends in ("groenonderhoud in gent").
# Compared normalised: "à" is "a".
CONNECTORS = {"in", "te", "bij", "rond", "near", "around", "a"}
# Place names that are more often a word of the text than the place ("fruit peer", "en meer",
# "boom snoeien"): at the end of a query they stay text; the place field still takes them.
COMMON_WORDS = {
    "arbre", "as", "bande", "boom", "dour", "ham", "hal", "heer", "hour", "lens", "lint", "lot",
    "meer", "outer", "paal", "peer", "roux", "silly", "spa", "ways",
}  # fmt: skip
# The longest place name in words, once hyphens count as spaces ("Sint-Martens-Lennik").
MAX_WORDS = 4
MAX_LENGTH = 100
_CODE = re.compile(r"(\d{4})(?:\s+\S.*)?")

ERRORS = {
    "invalid": _("Enter a place or a Belgian postcode of four digits, such as Hasselt or 3700."),
    "unknown_code": _("There is no Belgian postcode %(code)s."),
    "unknown": _(
        "We do not know the place “%(place)s”. Enter a municipality, a part of one or a postcode."
    ),
    "ambiguous": _("There is more than one “%(place)s”: %(choices)s. Choose one."),
}


@dataclass(frozen=True)
class Place:
    """A place searched from: its postcode (which gives the point) and the name it was asked by
    (empty when asked by its postcode, which then names it: "3700 Tongeren")."""

    postcode: Postcode
    name: str = ""

    @property
    def latitude(self):
        return self.postcode.latitude

    @property
    def longitude(self):
        return self.postcode.longitude

    @property
    def code(self):
        return self.postcode.code

    def __str__(self):
        return self.name or str(self.postcode)


def normalise(text):
    """A name as it is compared: no accents, case folded, every run of other characters than
    letters and digits one space ("Sint-Amandsberg" and "sint amandsberg" are one)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.split(r"[^\w]+|_", text)).strip()


_lock = threading.Lock()
_held = {"generation": object(), "index": None}


@dataclass(frozen=True)
class _Index:
    municipalities: dict  # normalised name -> {municipality pk: (postcode pk, name)}
    postcodes: dict  # normalised name -> {municipality pk: (postcode pk, name)}
    merged: dict  # normalised name -> {municipality pk: (postcode pk, name)}
    municipality_names: dict  # municipality pk -> name_nl
    suggestions: str  # the <option>s of the datalist
    postcode_rows: tuple  # (attnames, {pk: values}) of the postcodes (reference.rows)
    codes: dict  # code -> postcode pk

    def postcode(self, pk):
        """A new Postcode instance for `pk` (every use builds its own, as reference.find)."""
        attnames, rows = self.postcode_rows
        return Postcode.from_db("default", attnames, rows[pk])


def _index():
    """The index as of the reference rows' generation now (one round trip to the cache)."""
    current = reference.GENERATION.current()
    with _lock:
        if _held["index"] is None or current is None or current != _held["generation"]:
            _held["index"] = _build(current)
            _held["generation"] = current
        return _held["index"]


def _build(current):
    post_names, posts = reference.rows(Postcode, current)
    town_names, towns = reference.rows(Municipality, current)
    post = {name: post_names.index(name) for name in ("id", "code", "name", "municipality_id")}
    town = {
        name: town_names.index(name)
        for name in ("id", "name_nl", "name_fr", "region", "merged_into_id")
    }
    by_code = sorted(posts.values(), key=lambda row: row[post["code"]])

    postcodes, first_of = {}, {}
    for row in by_code:
        municipality = row[post["municipality_id"]]
        first_of.setdefault(municipality, row[post["id"]])
        found = postcodes.setdefault(normalise(row[post["name"]]), {})
        found.setdefault(municipality, (row[post["id"]], row[post["name"]]))

    municipalities, merged, names = {}, {}, {}
    for row in towns.values():
        pk, merged_into = row[town["id"]], row[town["merged_into_id"]]
        names[pk] = row[town["name_nl"]]
        target = merged_into or pk
        for name in dict.fromkeys([row[town["name_nl"]], row[town["name_fr"]]]):
            if not name:
                continue
            key = normalise(name)
            # The municipality's own postcode of that name, else its first postcode.
            same = postcodes.get(key, {}).get(target)
            point = same[0] if same else first_of.get(target)
            if point is None:
                continue
            (merged if merged_into else municipalities).setdefault(key, {})[target] = (point, name)

    flemish = {
        row[town["id"]] for row in towns.values() if row[town["region"]] == BelgianRegion.FLANDERS
    }
    options = [
        f"{row[post['code']]} {row[post['name']]}"
        for row in by_code
        if row[post["municipality_id"]] in flemish
    ]
    known = {normalise(option.partition(" ")[2]) for option in options}
    for key, found in sorted(municipalities.items()):
        for pk, (_point, name) in found.items():
            if pk in flemish and key not in known:
                options.append(name)
                known.add(key)
    suggestions = format_html_join("", '<option value="{}">', ((option,) for option in options))
    codes = {row[post["code"]]: row[post["id"]] for row in by_code}
    return _Index(municipalities, postcodes, merged, names, suggestions, (post_names, posts), codes)


def _choices(found, index):
    """The candidates of an ambiguous name, as the visitor can tell them apart."""
    choices = []
    for municipality, (point, name) in found.items():
        code = index.postcode(point).code
        choices.append(f"{code} {name} ({index.municipality_names.get(municipality, '')})")
    return sorted(choices)


def find(text, *, index=None):
    """The Place that `text` names: raises forms.ValidationError (translated) when it names none
    or more than one. `index`: the index got already (split_query tries several names)."""
    text = " ".join(str(text).split())
    if not text:
        return None
    if len(text) > MAX_LENGTH or "\x00" in text:
        raise forms.ValidationError(ERRORS["invalid"], code="invalid")
    index = index or _index()
    code = _CODE.fullmatch(text)
    if code:
        if code.group(1) not in index.codes:
            raise forms.ValidationError(
                ERRORS["unknown_code"], code="unknown", params={"code": code.group(1)}
            )
        return Place(index.postcode(index.codes[code.group(1)]))
    if re.fullmatch(r"[\d\s]+", text):
        raise forms.ValidationError(ERRORS["invalid"], code="invalid")
    key = normalise(text)
    for level in (index.municipalities, index.postcodes, index.merged):
        found = level.get(key)
        if not found:
            continue
        if len(found) > 1:
            raise forms.ValidationError(
                ERRORS["ambiguous"],
                code="ambiguous",
                params={"place": text, "choices": "; ".join(_choices(found, index))},
            )
        ((point, name),) = found.values()
        return Place(index.postcode(point), name)
    raise forms.ValidationError(ERRORS["unknown"], code="unknown", params={"place": text})


def split_query(query):
    """(text, Place) when a text query ends in the name of one place ("schoonmaak hasselt",
    "groenonderhoud in gent") and some text is left before it; else (query, None).

    Only the end of the query counts, the longest name first; a word in between such as "in"
    goes with the place ("in hasselt" alone stays text). A name of more than one place, and a
    place that is a common word (COMMON_WORDS: "peer", "boom"), are left as text.
    """
    words = (query or "").split()
    index = _index() if len(words) > 1 else None
    for size in range(min(MAX_WORDS, len(words) - 1), 0, -1):
        name = " ".join(words[-size:])
        if _CODE.fullmatch(name) or normalise(name) in COMMON_WORDS:
            continue  # a number in a text is no postcode; a common word is text
        try:
            place = find(name, index=index)
        except forms.ValidationError:
            continue
        rest = words[:-size]
        if normalise(rest[-1]) in CONNECTORS:
            rest = rest[:-1]
        return (" ".join(rest), place) if rest else (query, None)
    return query, None


def suggestions():
    """The <option>s of the place field's datalist: every Flemish postcode with its name ("3700
    Tongeren"), then the municipalities that no postcode is named after ("Tongeren-Borgloon")."""
    return format_html("{}", _index().suggestions)
