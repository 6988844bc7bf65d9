"""Keeping a candidate profile anonymous: what the server can catch before a response is saved.

A social enterprise proposes a candidate for a vacancy without naming them: the employer learns
who it is only when the two organisations talk. The form says so; this module checks the text of
the candidate fields and the message for what a person can be found or profiled by: an email
address, a phone number, a national register number, a street address with its postcode, and
words that point to health data (which the GDPR protects most: art. 9).

It cannot catch a name (any word may be one); it catches the usual shapes of contact details
and the usual words for diagnoses. Each finding is reported with the field and what to remove.

The employer reaches the candidate through the job coach, so the responding organisation's own
contact details are welcome (`OwnContacts`): its email address and phone number, addresses at
its website's domain, its members' verified addresses and the responding user's own address.
Any other email address or phone number is the candidate's, as far as the check can tell.

When a vacancy closes or expires (vacancies/lifecycle.py), `anonymise_candidates` replaces the
free text of its candidates with a neutral sentence; status and dates stay for the reports.
"""

import re
import unicodedata
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from stdnum.be import nn

from companies.models import phone_uri

from .models import Response

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Belgian phone numbers as people write them: a mobile 04xx xx xx xx (or 04xx xxx xxx), a
# landline 0x/xxx xx xx or 0xx xx xx xx, and both with +32 or 0032 instead of the leading 0,
# with spaces, dots, slashes or dashes between the groups, or none.
_SEP = r"[ ./-]?"
PHONE = re.compile(
    rf"""(?<![\d+])(?:
        (?:\+|00)\s?32{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{7,8}}   # +32 4xx xx xx xx
        |0\d{{1,3}}{_SEP}\d{{2,3}}(?:{_SEP}\d{{2,3}}){{1,2}}        # 04xx xx xx xx, 0x/xxx xx xx
    )(?!\d)""",
    re.VERBOSE,
)

# The national register number: birth date, serial number, check digits (yy.mm.dd-xxx.cc).
NATIONAL_NUMBER = re.compile(r"(?<!\d)\d{2}[. ]?\d{2}[. ]?\d{2}[ -]?\d{3}[. ]?\d{2}(?!\d)")
_NATIONAL_NUMBER_WRITTEN = re.compile(r"\d{2}\.\d{2}\.\d{2}[ -]\d{3}\.\d{2}")

# A street address with its postcode: a street (its name ending or starting with the usual
# words in Dutch, French and English), a house number, maybe a box, then four digits and a
# place name. A postcode alone ("lives near 3500") says too little to find anyone.
_STREET_SUFFIXES = (
    "straat|laan|weg|steenweg|baan|plein|dreef|lei|kaai|kade|markt|dijk|hof|pad|vest|wal|"
    "berg|singel|ring|veld|street|road|lane|avenue"
)
_STREET_PREFIXES = "rue|avenue|chaussée|chaussee|boulevard|place|chemin|square|quai|clos"
ADDRESS = re.compile(
    rf"""(?:\b\w*(?:{_STREET_SUFFIXES})|\b(?:{_STREET_PREFIXES})\s[\w' -]{{2,60}}?)
        \s\d{{1,4}}\s?[a-zA-Z]?                       # house number
        (?:\s*(?:bus|bte|boîte|box|b)\.?\s*\d{{1,4}})?  # box
        \s*,?\s*[1-9]\d{{3}}\s+[^\W\d_][\w'-]*         # postcode and place
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Words that name a diagnosis, an illness, a condition or its treatment, in Dutch, French and
# English (accents removed, as the text is before matching). A profile may and should say what
# support a candidate needs (a job coach, a quiet workplace, clear instructions, shorter days):
# that is what the employer must know, and none of these words is needed to say it. What the
# list leaves out on purpose: "begeleiding", "ondersteuning", "aangepast", "beperking",
# "arbeidshandicap" and "arbeidsbeperking" (the status that gives access to support in
# Flanders, which is what a maatwerkbedrijf's workers have in common, not a diagnosis), and
# short or ambiguous terms (ADD, ASS, "trouble", "traitement") that would refuse ordinary text.
# Matched at the start of a word, so that "depressief" and "autist" are found too; the Dutch
# stems also inside a compound word ("autismediagnose", "slaapmedicatie", "spierziekte").
HEALTH = re.compile(
    r"""
    \b(?:
        # Dutch
        diagnos|ziek|handicap|medicatie|medicijn|depressi|autis|adhd|psychos|psychot|psychiatr
        |schizo|bipola|borderline|burn-out|burnout|epilep|diabet|kanker|verslav|verslaafd|demen
        |stoornis|syndroom|hiv|revalidatie|invalid
        # French (the stems above already cover diagnostic, dépression, autisme, ...)
        |maladie|malade|medicament|cancer|toxicomanie|alcoolisme
        # English
        |illness|disease|disabilit|disabled|medication|addict|disorder|syndrome|alcoholism
    )[\w-]*
    # Dutch compounds
    |\b\w+?(?:
        diagnose|ziekte|medicatie|medicijn|depressie|autisme|psychose|stoornis|syndroom
        |verslaving|epilepsie|dementie
    )\w*
    """,
    re.VERBOSE,
)


class Finding(NamedTuple):
    kind: str
    found: str


def _plain(text):
    """Lower case without accents, so that "Dépression" meets "depressi" in the list.

    Also where each character of the result came from in `text`, to quote what was found.
    """
    plain, origins = [], []
    for position, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(part):
                plain.append(part)
                origins.append(position)
    return "".join(plain), origins


def _is_phone(match):
    digits = re.sub(r"\D", "", match)
    if match.lstrip().startswith(("+", "00")):
        digits = digits.removeprefix("00").removeprefix("32").removeprefix("0")
        return len(digits) == 8 or (len(digits) == 9 and digits[0] == "4")
    # 0 and eight digits is a landline; 0 and nine a mobile, whose numbers begin 045 to 049
    # (a ten-digit 0403.170.701 is an enterprise number). Fewer is a date like 01/09/2025.
    return len(digits) == 9 or (len(digits) == 10 and digits[:2] == "04" and digits[2] >= "5")


def _is_national_number(match):
    # Written the way the card prints it, it is one whatever its digits; a bare run of eleven
    # digits only when its check digits agree.
    return bool(_NATIONAL_NUMBER_WRITTEN.fullmatch(match)) or nn.is_valid(match)


class OwnContacts:
    """The contact details of the organisation that responds, which a candidate profile may
    carry: the employer is to reach the job coach, not the candidate.

    Allowed: the organisation's email address and phone number, any address at its website's
    domain (or a subdomain of it), the verified addresses of its members and the responding
    user's own address. Phone numbers are compared on their digits in international form
    (companies.models.phone_uri), so 0470 12 34 56, +32470123456 and 0470/12.34.56 are one.
    The members' addresses are read once, and only when an address is found.
    """

    def __init__(self, organisation, user=None):
        self.organisation = organisation
        self.user = user

    @cached_property
    def emails(self):
        emails = {self.organisation.email, getattr(self.user, "email", "")}
        emails |= set(
            EmailAddress.objects.filter(
                user__memberships__organisation=self.organisation, verified=True
            ).values_list("email", flat=True)
        )
        return {email.lower() for email in emails if email}

    @cached_property
    def domain(self):
        website = self.organisation.website or ""
        host = (urlsplit(website if "//" in website else f"//{website}").hostname or "").lower()
        return host.removeprefix("www.")

    @cached_property
    def phones(self):
        return {phone_uri(self.organisation.phone)} - {""}

    def permits(self, finding):
        if finding.kind == "email":
            email = finding.found.lower()
            domain = email.rpartition("@")[2]
            return email in self.emails or bool(
                self.domain and (domain == self.domain or domain.endswith(f".{self.domain}"))
            )
        if finding.kind == "phone":
            return phone_uri(finding.found) in self.phones
        return False


def find(text, *, allowed=None):
    """What in `text` would identify a candidate or reveal their health, in reading order.

    `allowed` (an OwnContacts) leaves out the responding organisation's own contact details.
    """
    if not text:
        return []
    findings = []
    for match in EMAIL.finditer(text):
        findings.append(Finding("email", match.group()))
    without_email = EMAIL.sub(" ", text)
    national_numbers = [
        m.group() for m in NATIONAL_NUMBER.finditer(without_email) if _is_national_number(m.group())
    ]
    findings += [Finding("national_number", found) for found in national_numbers]
    rest = NATIONAL_NUMBER.sub(" ", without_email) if national_numbers else without_email
    findings += [
        Finding("phone", m.group().strip()) for m in PHONE.finditer(rest) if _is_phone(m.group())
    ]
    findings += [Finding("address", " ".join(m.group().split())) for m in ADDRESS.finditer(rest)]
    plain, origins = _plain(rest)
    findings += [
        Finding("health", rest[origins[m.start()] : origins[m.end() - 1] + 1])
        for m in HEALTH.finditer(plain)
    ]
    if allowed is not None:
        findings = [finding for finding in findings if not allowed.permits(finding)]
    return findings


def _message(label, kind, found):
    params = {"field": capfirst(label), "found": found}
    if kind == "email":
        text = _('"%(field)s" contains an email address (%(found)s). Remove it.')
    elif kind == "phone":
        text = _('"%(field)s" contains a phone number (%(found)s). Remove it.')
    elif kind == "national_number":
        text = _('"%(field)s" contains a national register number (%(found)s). Remove it.')
    elif kind == "address":
        text = _('"%(field)s" contains an address (%(found)s). Remove it.')
    else:
        text = _(
            '"%(field)s" mentions %(found)s, which points to health data. Remove it and '
            "describe the support the candidate needs (a job coach, a quiet workplace, shorter "
            "days), not a diagnosis or condition."
        )
    return ValidationError(text, code=f"privacy_{kind}", params=params)


def check(text, *, label, allowed=None):
    """Raise ValidationError naming `label` and what to remove, if there is anything.

    One message per kind of finding; the health words found are named together, so that one
    correction clears them all. `allowed` as for `find`.
    """
    findings = find(text, allowed=allowed)
    if not findings:
        return
    errors = [_message(label, f.kind, f.found) for f in findings if f.kind != "health"]
    health = list(dict.fromkeys(f'"{f.found}"' for f in findings if f.kind == "health"))
    if health:
        errors.append(_message(label, "health", ", ".join(health)))
    raise ValidationError(errors)


def check_fields(fields, *, allowed=None):
    """Check several fields at once: {name: (label, text)} -> ValidationError by field name."""
    errors = {}
    for name, (label, text) in fields.items():
        try:
            check(text, label=label, allowed=allowed)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


# --- When the vacancy closes --------------------------------------------------------------------

# A candidate profile is needed while the employer chooses; once the vacancy closes or expires
# its text goes. Status and dates stay for the reports (placements, responses per vacancy).
CANDIDATE_TEXT_FIELDS = ("experience", "skills", "availability", "support_needed", "reply")


def anonymised_text():
    """What a closed vacancy's responses say instead, in the portal's language (the row has no
    language of its own; Dutch by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The candidate profile was removed when the vacancy closed: the portal keeps it "
            "only while the vacancy is open."
        )


def anonymise_candidates(vacancies):
    """Replace the free text of the candidates proposed for `vacancies` (a queryset or ids).

    One UPDATE; a response already anonymised is left alone, so running it again changes
    nothing. Returns the number of responses anonymised.
    """
    text = anonymised_text()
    return (
        Response.objects.filter(vacancy__in=vacancies)
        .exclude(message=text)
        .update(message=text, **dict.fromkeys(CANDIDATE_TEXT_FIELDS, ""), updated_at=timezone.now())
    )
