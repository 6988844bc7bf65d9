"""Work that employers publish for the social economy, and the answers it gets.

A Vacancy is a job that people from the social economy can move on to (doorstroom); a
ServiceRequest is an order a social enterprise can take on. Both are Opportunities: posted by an
organisation, drafted, published, closed or expired. Social enterprises answer with a Response.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal.models import Frequency, Located, Sector, ServiceCategory, Vocabulary
from portal.validators import MaxValueValidator, MinValueValidator


def new_code():
    """An unguessable public code: drafts must not be found by counting ids."""
    return secrets.token_urlsafe(8)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Published by an organisation that is not verified yet, in a region that checks such
    # opportunities first (vacancies/lifecycle.py): not public, not matched, until approved.
    AWAITING = "awaiting", _("Waiting for a check")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class ClosedReason(models.TextChoices):
    FILLED = "filled", _("Filled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        """What visitors may see: published, and expired ones (clearly marked, not deleted)."""
        return self.filter(status__in=[Status.PUBLISHED, Status.EXPIRED, Status.CLOSED])

    def due_to_expire(self, today=None):
        today = today or timezone.localdate()
        return self.published().filter(closing_date__lt=today)


class Opportunity(Located):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code, editable=False)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=10000)
    closing_date = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    closed_reason = models.CharField(
        _("reason for closing"), max_length=10, choices=ClosedReason.choices, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Moderation of new posters (issue 19): when it was submitted for a check (the work queue's
    # "since"), and the regie's comment when it sent it back to the poster as a draft.
    submitted_at = models.DateTimeField(_("submitted for a check at"), null=True, blank=True)
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    sent_back_comment = models.TextField(_("comment of the regie"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    # Set when matching has run for the current publication; the sweep (vacancies/tasks.py)
    # matches published opportunities without it, so a matching lost with the broker still runs.
    matched_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_for = models.DateField(
        _("expiry reminder sent for"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The closing date the expiry reminder was sent for (a new date, a new reminder)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The search index, as for organisations: the names of its sector or service category in
    # every language; on PostgreSQL also a weighted tsvector (vacancies/search.py).
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(editable=False, null=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == Status.PUBLISHED


class Support(Vocabulary):
    """What makes a vacancy open to people moving on from the social economy."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("support")
        verbose_name_plural = _("supports")


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent contract")
    FIXED_TERM = "fixed_term", _("Fixed-term contract")
    INTERIM = "interim", _("Temporary agency work")
    TRAINING = "training", _("Training on the job (IBO)")
    STUDENT = "student", _("Student job")
    FLEXI = "flexi", _("Flexi-job")


class HoursBand(models.TextChoices):
    PART_SMALL = "lt20", _("Under 20 hours")
    PART_LARGE = "20-29", _("20 to 29 hours")
    NEARLY_FULL = "30-35", _("30 to 35 hours")
    FULL = "36+", _("Full time (36 hours or more)")


class Vacancy(Opportunity):
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    contract_type = models.CharField(
        _("contract type"), max_length=12, choices=ContractType.choices
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    # Derived by the database, so that the hours facet is a plain grouped count.
    hours_band = models.GeneratedField(
        expression=models.Case(
            models.When(hours_per_week__lt=20, then=models.Value(HoursBand.PART_SMALL.value)),
            models.When(hours_per_week__lt=30, then=models.Value(HoursBand.PART_LARGE.value)),
            models.When(hours_per_week__lt=36, then=models.Value(HoursBand.NEARLY_FULL.value)),
            default=models.Value(HoursBand.FULL.value),
        ),
        output_field=models.CharField(max_length=8, choices=HoursBand.choices),
        db_persist=True,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    supports = models.ManyToManyField(
        Support, verbose_name=_("what makes it open to doorstroom"), blank=True
    )
    open_to_doorstroom = models.BooleanField(
        _("open to people from the social economy"), default=False, editable=False
    )

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=50),
                name="vacancy_hours_in_range",
            ),
        ]
        indexes = [
            # The list pages: published, newest first / closing soon.
            models.Index(fields=["status", "-published_at"], name="vacancy_newest"),
            models.Index(fields=["status", "closing_date"], name="vacancy_closing"),
            # The lists' distance search: published ones in a bounding box, longitude first
            # (Flanders is four times wider than it is high; see companies' organisation_box).
            models.Index(fields=["status", "longitude", "latitude"], name="vacancy_box"),
            # The admin's list in its default order (with Django's tie-breaker -pk).
            models.Index(
                fields=["-published_at", "-created_at", "-id"], name="vacancy_admin_order"
            ),
        ]

    @property
    def contract_type_label(self):
        """What get_contract_type_display() says, for a list of cards: it translates one label
        where get_contract_type_display() translates every contract type's to find one."""
        return ContractType(self.contract_type).label


class BudgetBand(models.TextChoices):
    UNDER_1000 = "lt1k", _("Under EUR 1,000")
    UP_TO_5000 = "1k-5k", _("EUR 1,000 to 5,000")
    UP_TO_25000 = "5k-25k", _("EUR 5,000 to 25,000")
    OVER_25000 = "gt25k", _("Over EUR 25,000")


class ServiceRequest(Opportunity):
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    volume = models.CharField(
        _("volume"),
        max_length=200,
        blank=True,
        help_text=_("How much work: e.g. 2,000 m² of lawn every two weeks, 5,000 boxes."),
    )
    budget_band = models.CharField(
        _("budget"), max_length=8, choices=BudgetBand.choices, blank=True
    )

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="service_request_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="request_newest"),
            models.Index(fields=["status", "closing_date"], name="request_closing"),
            # The list's distance search, as vacancy_box.
            models.Index(fields=["status", "longitude", "latitude"], name="request_box"),
            # The admin's list in its default order (with Django's tie-breaker -pk).
            models.Index(
                fields=["-published_at", "-created_at", "-id"], name="request_admin_order"
            ),
        ]

    @property
    def budget_band_label(self):
        """What get_budget_band_display() says (as Vacancy.contract_type_label); "" for none."""
        return BudgetBand(self.budget_band).label if self.budget_band else ""


class ResponseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_CONVERSATION = "in_conversation", _("In conversation")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Response(models.Model):
    """A social enterprise's answer: a candidate for a vacancy, or an offer on a request.

    A candidate profile is anonymous by design: no name, contact details or health data.
    """

    vacancy = models.ForeignKey(
        Vacancy,
        verbose_name=_("vacancy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
    )
    service_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("social enterprise"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=4000)
    experience = models.TextField(_("experience"), max_length=2000, blank=True)
    skills = models.TextField(_("skills"), max_length=2000, blank=True)
    availability = models.CharField(_("availability"), max_length=300, blank=True)
    support_needed = models.TextField(_("support needed"), max_length=2000, blank=True)
    price_indication = models.CharField(_("price indication"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.NEW
    )
    reply = models.TextField(_("reply"), max_length=4000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vacancy__isnull=False, service_request__isnull=True)
                | models.Q(vacancy__isnull=True, service_request__isnull=False),
                name="response_to_exactly_one_opportunity",
            ),
            models.UniqueConstraint(
                fields=["service_request", "enterprise"],
                condition=models.Q(service_request__isnull=False),
                name="response_one_offer_per_enterprise",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} → {self.opportunity}"

    @property
    def opportunity(self):
        return self.vacancy or self.service_request


class Placement(models.Model):
    """A doorstroom placement: a candidate from a social enterprise accepted for a vacancy."""

    response = models.OneToOneField(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="placement",
    )
    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.CASCADE, related_name="placements"
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="placements_as_employer",
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("social enterprise"),
        on_delete=models.CASCADE,
        related_name="placements_as_enterprise",
    )
    placed_on = models.DateField(_("placed on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("doorstroom placement")
        verbose_name_plural = _("doorstroom placements")
        ordering = ["-placed_on"]

    def __str__(self):
        return f"{self.enterprise} → {self.employer} ({self.placed_on})"


class MatchQuerySet(models.QuerySet):
    def for_opportunity(self, opportunity):
        field = "vacancy" if isinstance(opportunity, Vacancy) else "service_request"
        return self.filter(**{field: opportunity})


class Match(models.Model):
    """A social enterprise that fits a published opportunity, found by vacancies/matching.py.

    The reasons are kept as codes with their parameters, not as text, so that each reader sees
    them in their own language: {"code": "offers", "name": {"nl": ..., "fr": ..., "en": ...}},
    {"code": "distance", "km": 12}, {"code": "recognition", "name": {...}}, {"code": "sector",
    "name": {...}}, {"code": "verified"}. Names travel with the reason so that rendering needs
    no query per match.
    """

    vacancy = models.ForeignKey(
        Vacancy,
        verbose_name=_("vacancy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
    )
    service_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
    )
    enterprise = models.ForeignKey(
        Organisation,
        verbose_name=_("social enterprise"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vacancy__isnull=False, service_request__isnull=True)
                | models.Q(vacancy__isnull=True, service_request__isnull=False),
                name="match_to_exactly_one_opportunity",
            ),
            # What makes re-running matching harmless: a second insert of the same pair is
            # ignored (bulk_create with ignore_conflicts).
            models.UniqueConstraint(
                fields=["vacancy", "enterprise"],
                condition=models.Q(vacancy__isnull=False),
                name="match_once_per_vacancy",
            ),
            models.UniqueConstraint(
                fields=["service_request", "enterprise"],
                condition=models.Q(service_request__isnull=False),
                name="match_once_per_request",
            ),
        ]

    def __str__(self):
        return f"{self.opportunity} ~ {self.enterprise}"

    @property
    def opportunity(self):
        return self.vacancy or self.service_request

    def reason_texts(self):
        """The reasons in plain words, in the active language."""
        # Plain str: the join filter of a text email (autoescape off) cannot join lazy strings.
        return [str(text) for text in map(render_reason, self.reasons) if text]


def _name(names):
    """A name stored in every language, in the active one (Dutch when it has none)."""
    names = names or {}
    return names.get(get_language() or "nl") or names.get("nl") or ""


def render_reason(reason):
    code = reason.get("code")
    if code == "offers":
        return _("offers %(category)s") % {"category": _name(reason.get("name")).lower()}
    if code == "sector":
        return _("works in %(sector)s") % {"sector": _name(reason.get("name")).lower()}
    if code == "distance":
        return _("%(km)s km") % {"km": reason.get("km")}
    if code == "recognition":
        return _name(reason.get("name")).lower()
    if code == "verified":
        return _("verified")
    return ""


# --- Saved searches ------------------------------------------------------------------------------


class SavedSearchTarget(models.TextChoices):
    """The three search pages a search can be saved from."""

    DIRECTORY = "directory", _("Organisations")
    VACANCIES = "vacancies", _("Vacancies")
    REQUESTS = "requests", _("Service requests")


# Where each target's search page lives (the saved query string goes after its "?").
SEARCH_URL_NAMES = {
    SavedSearchTarget.DIRECTORY: "companies:directory",
    SavedSearchTarget.VACANCIES: "vacancies:vacancy_list",
    SavedSearchTarget.REQUESTS: "vacancies:request_list",
}


class SavedSearchFrequency(models.TextChoices):
    """How often the digest of a saved search comes: the outbox's values (portal.Frequency)."""

    DAILY = Frequency.DAILY.value, _("Daily")
    WEEKLY = Frequency.WEEKLY.value, _("Weekly")
    OFF = Frequency.OFF.value, _("Paused")


class SavedSearch(models.Model):
    """A search of the directory, the vacancies or the service requests that a user keeps, and
    that emails them (vacancies/saved_searches.py) what is new in its results, daily or weekly.

    `query` is the search's GET parameters in one canonical form (known parameters only, each
    value cleaned, sorted; no page, sort, CSV or page size), so that the same search is saved
    once per user (the unique constraint) whatever order its parameters came in.

    What "new" means: a high-water mark. `last_sent_at` is the moment up to which results have
    been dealt with; a digest lists the results of the search, run as the page runs it, that
    became part of the list after it and up to the digest's cut-off: opportunities published
    (`published_at`) and organisations added (`created_at`; for a search of verified ones only,
    verified: `verified_at`) in that window. The cut-off lies a few minutes before the run, so a
    publication whose transaction was still open when the digest looked is in the next one, not
    lost. A mark needs no memory of what was shown (a search of the whole directory has
    thousands of results); the price is that an old result that starts to match (an
    organisation that adds a service) is not announced as new. The mark starts at saving: what
    the user saw on the page is not sent again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    # The saved search's pages use this, not the sequential id.
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    target = models.CharField(_("search of"), max_length=12, choices=SavedSearchTarget.choices)
    query = models.CharField(_("search parameters"), max_length=2000, blank=True)
    name = models.CharField(_("name"), max_length=200)
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=SavedSearchFrequency.choices,
        default=SavedSearchFrequency.DAILY,
    )
    last_sent_at = models.DateTimeField(_("new results counted from"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target", "query"], name="saved_search_once_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(target__in=SavedSearchTarget.values),
                name="saved_search_known_target",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=SavedSearchFrequency.values),
                name="saved_search_known_frequency",
            ),
        ]
        indexes = [
            # The digest run: the searches of one frequency whose mark is old enough.
            models.Index(fields=["frequency", "last_sent_at"], name="saved_search_due"),
        ]

    def __str__(self):
        return self.name

    def search_url(self):
        """The search page with the saved parameters (in the active language)."""
        path = reverse(SEARCH_URL_NAMES[self.target])
        return f"{path}?{self.query}" if self.query else path
