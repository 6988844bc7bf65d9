"""Saved searches: a user keeps a search of the directory, the vacancies or the service requests
and gets, daily or weekly, an email with the results that are new since the last one.

A search is saved as its GET parameters in one canonical form (`canonical_query`): only the
parameters the page knows, each as cleaned by the page's own FilterSet, sorted; the page, sort,
page size and CSV parameters are left out and an invalid value is dropped, as the page drops
it. The digest (`send_saved_search_digests`, run by beat) runs that same FilterSet, so an email
lists what the page would list, restricted to what is new since the saved search's mark (see
SavedSearch for what "new" means).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.filters import DirectoryFilter
from companies.models import Organisation
from portal import emails
from portal.models import Frequency, NotificationPreference
from portal.notifications import absolute
from portal.places import Place

from .filters import ServiceRequestFilter, VacancyFilter
from .models import (
    SEARCH_URL_NAMES,
    SavedSearch,
    SavedSearchFrequency,
    SavedSearchTarget,
    ServiceRequest,
    Vacancy,
)

KIND = "saved_search"  # portal.notifications.KINDS
# Parameters that change how a page shows its results, not which results: never saved.
PRESENTATION = {"page", "per_page", "format", "sort"}
# The longest query string a search may have (the model field's length).
MAX_QUERY_LENGTH = 2000
# What a user may keep: enough for every sensible search, not a way to flood the worker.
MAX_PER_USER = 50
# An email lists this many new results; the rest are counted and one link shows them all.
RESULTS_PER_EMAIL = 20
# The cut-off of a digest lies this long before its run: a publication whose transaction had
# not committed when the digest looked carries an earlier timestamp than its commit, and would
# otherwise fall behind the mark unseen. No transaction of the portal takes minutes.
SETTLE = timedelta(minutes=5)
# Beat sets the rhythm (daily at 06:30, weekly on Mondays); a search is due when its mark is at
# least this old, so a re-run, or a late run followed by the regular one, sends nothing twice
# while a search saved in the evening is in the next morning's run.
DUE_AFTER = {
    SavedSearchFrequency.DAILY: timedelta(hours=12),
    SavedSearchFrequency.WEEKLY: timedelta(days=3),
}


@dataclass(frozen=True)
class Target:
    """What a saved search needs to know of the page it was saved from."""

    filterset: type
    model: type
    detail_url_name: str
    detail_kwarg: str  # the field that names a result in its URL
    new_field: str  # the moment a result became part of the list (see SavedSearch)


TARGETS = {
    SavedSearchTarget.DIRECTORY: Target(
        DirectoryFilter, Organisation, "companies:profile", "slug", "created_at"
    ),
    SavedSearchTarget.VACANCIES: Target(
        VacancyFilter, Vacancy, "vacancies:vacancy_detail", "code", "published_at"
    ),
    SavedSearchTarget.REQUESTS: Target(
        ServiceRequestFilter, ServiceRequest, "vacancies:request_detail", "code", "published_at"
    ),
}

# The search page a view name belongs to (the "Save this search" panel finds its target so).
TARGET_OF_VIEW = {url_name: target for target, url_name in SEARCH_URL_NAMES.items()}

FREQUENCY_WORDS = {
    SavedSearchFrequency.DAILY: gettext_lazy("every day"),
    SavedSearchFrequency.WEEKLY: gettext_lazy("every week"),
    SavedSearchFrequency.OFF: gettext_lazy("not at the moment (paused)"),
}


# --- The search as saved ---------------------------------------------------------------------


def search_for(target, data):
    """The page's FilterSet for `target`, bound to `data` (a QueryDict or a query string)."""
    if isinstance(data, str):
        data = QueryDict(data)
    spec = TARGETS[target]
    return spec.filterset(data, queryset=spec.model.objects.all())


def _values(field, value):
    """A cleaned value as the strings of its GET parameter."""
    if isinstance(value, bool):
        return ["1"] if value else []
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, str):
        return [" ".join(value.split())] if value.strip() else []
    if isinstance(value, Place):
        # As asked: a place's name ("Hasselt") or its postcode.
        return [value.name or value.code]
    # Several values: choices, or rows named in the URL by the field's to_field_name.
    key = getattr(field, "to_field_name", None)
    return sorted({str(getattr(item, key)) if key else str(item) for item in value})


def canonical_query(search):
    """The query string that stands for a bound search: valid parameters only, sorted.

    Uses what the form has cleaned (the page's search has done so already, so this asks the
    database nothing more).
    """
    form = search.form
    form.is_valid()
    pairs = []
    for name in sorted(form.fields):
        if name in PRESENTATION or name in form.errors:
            continue
        value = form.cleaned_data.get(name)
        if value is None:
            continue
        pairs.extend((name, item) for item in _values(form.fields[name], value))
    if not any(name == "postcode" for name, _item in pairs):
        # A distance without a postcode is ignored by the page: not part of the search.
        pairs = [(name, item) for name, item in pairs if name != "km"]
    query = QueryDict(mutable=True)
    for name, item in pairs:
        query.appendlist(name, item)
    return query.urlencode()


def name_for(search):
    """The default name of a saved search: the page's own description of it."""
    return Truncator(search.describe()).chars(SavedSearch._meta.get_field("name").max_length)


# --- Saving, changing, deleting ----------------------------------------------------------------


def save(*, user, target, data, frequency):
    """Save the search `data` of the page `target` for `user`; returns (saved search, created).

    The same search saved again is the same row, with the frequency now asked.
    """
    if target not in TARGETS:
        raise ValidationError(
            _("Only a search of organisations, vacancies or service requests can be saved."),
            code="target",
        )
    if frequency not in (SavedSearchFrequency.DAILY, SavedSearchFrequency.WEEKLY):
        raise ValidationError(_("Choose daily or weekly."), code="frequency")
    search = search_for(target, data)
    query = canonical_query(search)
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("This search has too many filters to be saved; leave some out."), code="too_long"
        )
    with transaction.atomic():
        saved = SavedSearch.objects.filter(user=user, target=target, query=query).first()
        if saved is not None:
            if saved.frequency != frequency:
                change(saved, name=saved.name, frequency=frequency)
            return saved, False
        if SavedSearch.objects.filter(user=user).count() >= MAX_PER_USER:
            raise ValidationError(
                _(
                    "You can keep up to %(count)s saved searches. Delete one you no longer "
                    "need first."
                ),
                code="too_many",
                params={"count": MAX_PER_USER},
            )
        # get_or_create: a double click that races this one finds the row it made.
        return SavedSearch.objects.get_or_create(
            user=user,
            target=target,
            query=query,
            defaults={"name": name_for(search), "frequency": frequency},
        )


def change(saved, *, name, frequency):
    """Rename a saved search or change how often it comes.

    A paused search that is switched on again starts counting from now: the user paused it so
    as not to hear of those results.
    """
    fields = {"name": name, "frequency": frequency}
    if saved.frequency == SavedSearchFrequency.OFF and frequency != SavedSearchFrequency.OFF:
        fields["last_sent_at"] = timezone.now()
    SavedSearch.objects.filter(pk=saved.pk).update(**fields)
    for field, value in fields.items():
        setattr(saved, field, value)
    return saved


def delete(saved):
    saved.delete()


def owned(user, code):
    """The user's saved search with this code; 404 for anyone else's or for none."""
    # A code is token_urlsafe: anything else (PostgreSQL refuses a NUL) is no code of ours.
    if not re.fullmatch(r"[-\w]{1,16}", code):
        raise Http404("No such saved search.")
    saved = SavedSearch.objects.filter(user=user, code=code).first()
    if saved is None:
        raise Http404("No such saved search.")
    return saved


def saved_for(user, target, query):
    """The user's saved search of `target` with this canonical query, if any (one query)."""
    return SavedSearch.objects.filter(user=user, target=target, query=query).first()


# --- The digests ------------------------------------------------------------------------------


def due(frequency, now):
    """The searches of `frequency` whose mark is old enough, with their users and, in the same
    query, the users' choice for this kind of email."""
    preference = NotificationPreference.objects.filter(user=OuterRef("user"), kind=KIND)
    return (
        SavedSearch.objects.filter(
            frequency=frequency,
            last_sent_at__lte=now - DUE_AFTER[frequency],
            user__is_active=True,
        )
        .select_related("user")
        .annotate(email_preference=Subquery(preference.values("frequency")[:1]))
        .order_by("pk")
    )


def send_saved_search_digests(frequency, now=None):
    """Email every due saved search of `frequency` its new results; returns how many emails.

    One outbox row per saved search and run, none when nothing is new; the mark moves on in
    either case. Each search is claimed with a conditional UPDATE of its mark, in the same
    transaction as its email, so two runs at once never send one twice (and the dedupe key,
    which names the search and the start of its period, makes a repeat write nothing).
    """
    now = now or timezone.now()
    cutoff = now - SETTLE
    written = 0
    for saved in due(frequency, now):
        written += send_digest(saved, cutoff=cutoff)
    return written


def new_results(saved, search, start, cutoff):
    """The search's results that became part of the list in (start, cutoff], as the page
    orders them, with what the email shows selected in the same query."""
    spec = TARGETS[saved.target]
    field = spec.new_field
    search.form.is_valid()
    if saved.target == SavedSearchTarget.DIRECTORY and search.form.cleaned_data.get("verified"):
        field = "verified_at"
    return search.qs.filter(**{f"{field}__gt": start, f"{field}__lte": cutoff}).prefetch_related(
        None
    )


def send_digest(saved, *, cutoff):
    """One saved search's email, when anything is new; returns 1 when it wrote one, else 0."""
    start = saved.last_sent_at
    if cutoff <= start:
        return 0
    user = saved.user
    wanted = getattr(saved, "email_preference", None) != Frequency.OFF
    total, context = 0, None
    if wanted:
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            search = search_for(saved.target, saved.query)
            results = new_results(saved, search, start, cutoff)
            total = results.count()
            if total:
                context = digest_context(saved, search, list(results[:RESULTS_PER_EMAIL]), total)
    with transaction.atomic():
        claimed = SavedSearch.objects.filter(pk=saved.pk, last_sent_at=start).update(
            last_sent_at=cutoff
        )
        if not claimed or not total:
            return 0
        emails.send_to_user(
            user,
            template="saved_search",
            kind=KIND,
            key=f"saved_search:{saved.pk}:{saved.frequency}:{start:%Y%m%dT%H%M%S%f}",
            context=context,
            summary=context["summary"],
        )
    return 1


def digest_context(saved, search, results, total):
    """What the email shows, in the active language (the recipient's)."""
    spec = TARGETS[saved.target]
    return {
        "saved_search": saved,
        "description": search.describe(),
        "frequency_words": str(FREQUENCY_WORDS[saved.frequency]),
        "results": [
            {
                "title": str(result),
                "url": absolute(
                    reverse(
                        spec.detail_url_name,
                        kwargs={spec.detail_kwarg: getattr(result, spec.detail_kwarg)},
                    )
                ),
                "details": details_of(result),
            }
            for result in results
        ],
        "total": total,
        "more": total - len(results),
        "search_url": absolute(saved.search_url()),
        "manage_url": absolute(reverse("vacancies:saved_searches")),
        "summary": ngettext(
            "%(count)s new result for “%(name)s”",
            "%(count)s new results for “%(name)s”",
            total,
        )
        % {"count": total, "name": saved.name},
    }


def details_of(result):
    """The short facts an email lists under a result (nothing that needs another query)."""
    if isinstance(result, Organisation):
        facts = [result.get_kind_display(), result.municipality.name]
        if result.is_verified:
            facts.append(_("verified"))
    else:
        facts = [result.organisation.name, result.municipality.name]
        if isinstance(result, Vacancy):
            facts.append(result.get_contract_type_display())
        else:
            facts.append(result.category.name)
        facts.append(_("closes on %(date)s") % {"date": formats.date_format(result.closing_date)})
    distance = getattr(result, "distance_km", None)
    if distance is not None:
        facts.append(_("%(km)s km away") % {"km": formats.number_format(distance, 1)})
    return [str(fact) for fact in facts]
