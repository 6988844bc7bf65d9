"""The shared kernel: accounts and the reference data every feature app stands on."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .validators import MaxValueValidator, MinValueValidator


class UserManager(DjangoUserManager):
    """Users are known by their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the emails the portal sends you."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email.split("@")[0]

    @cached_property
    def is_regisseur(self):
        """Staff who coordinate at least one region (companies.admin and access rely on it).

        Kept on the instance: the admin asks it for every app and model on a page, and a
        request loads its user afresh."""
        return self.is_active and self.is_staff and self.regions.exists()


class BelgianRegion(models.TextChoices):
    """The three Belgian regions (gewesten), not to be confused with a Region of regisseurs."""

    FLANDERS = "flanders", _("Flemish Region")
    WALLONIA = "wallonia", _("Walloon Region")
    BRUSSELS = "brussels", _("Brussels-Capital Region")


class TranslatedName(models.Model):
    """Labels kept in Dutch, French and English; `name` answers in the active language."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"name_{language}", "") or self.name_nl


class Province(TranslatedName):
    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    region = models.CharField(_("region"), max_length=10, choices=BelgianRegion.choices)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_nl"]


class MunicipalityQuerySet(models.QuerySet):
    def current(self):
        """Municipalities as they are since the mergers of 1 January 2025."""
        return self.filter(merged_into__isnull=True)

    def flemish(self):
        return self.filter(region=BelgianRegion.FLANDERS)


class Municipality(models.Model):
    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        help_text=_("Empty for the 19 municipalities of Brussels, which lie in no province."),
    )
    region = models.CharField(_("region"), max_length=10, choices=BelgianRegion.choices)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_nl"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """French where French is read, and in Wallonia also for English; Dutch otherwise."""
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if language == "fr" or (language == "en" and self.region == BelgianRegion.WALLONIA):
            return self.name_fr or self.name_nl
        return self.name_nl or self.name_fr


class Postcode(models.Model):
    code = models.CharField(_("postcode"), max_length=4, unique=True)
    name = models.CharField(_("place"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="postcodes",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="postcode_inside_belgium",
                condition=models.Q(latitude__range=(49.4, 51.6), longitude__range=(2.5, 6.5)),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class RegionKind(models.TextChoices):
    REGIE = "regie", _("Regie sociale economie")
    CLUSTER = "cluster", _("Cluster")
    PROVINCE = "province", _("Province")


class RunByRegionQuerySet(models.QuerySet):
    """Rows that belong to a `region` and are run by its regisseurs (programmes, events)."""

    def run_by(self, user):
        """Those a user manages: all for administrators, their regions' for regisseurs."""
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(region__regisseurs=user)


class Region(models.Model):
    """A regie sociale economie, a cluster or a province: the area a regisseur looks after."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities"),
        related_name="regions",
        limit_choices_to={"merged_into__isnull": True},
    )
    regisseurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("regisseurs"),
        related_name="regions",
        blank=True,
        limit_choices_to={"is_staff": True},
        help_text=_("Staff members who coordinate this region."),
    )
    # Issue 17, item 2 (claims and contact to unclaimed listings: companies/claims.py).
    contact_email = models.EmailField(
        _("contact address"),
        blank=True,
        help_text=_(
            "Messages to organisations of the region that nobody holds on the portal yet go "
            "here. Left empty, the portal does not offer to write to them."
        ),
    )
    claims_by_domain_accepted_at_once = models.BooleanField(
        _("accept claims by domain at once"),
        default=False,
        help_text=_(
            "A claim made with a verified address at the organisation's own web domain makes "
            "the claimant owner without waiting for a regisseur."
        ),
    )
    # Issue 19, item 3 (moderation of new posters: vacancies/lifecycle.py).
    checks_unverified_posters = models.BooleanField(
        _("check opportunities of unverified organisations before they are published"),
        default=True,
        help_text=_(
            "A vacancy or service request of an organisation of this region that is not "
            "verified yet waits for a regisseur's check before it is published and sent to "
            "the matching social enterprises."
        ),
    )
    check_working_days = models.PositiveSmallIntegerField(
        _("usual time of a check (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("What the poster is told about how long a check usually takes."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sector(TranslatedName):
    """A section of NACE-BEL 2025, the Belgian classification of economic activities."""

    code = models.CharField(_("code"), max_length=1, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Vocabulary(TranslatedName):
    """A short curated list in three languages, named by slug in URLs and kept in its order."""

    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]


class ServiceCategory(Vocabulary):
    """A kind of service social enterprises offer; the curated taxonomy of the directory."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class Located(models.Model):
    """A thing with a place: a postcode, and what follows from it.

    Municipality, province and coordinates are copied from the postcode on save, so that
    filters by province or region and distance searches need no joins through the postcode.
    """

    postcode = models.ForeignKey(
        Postcode, verbose_name=_("postcode"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "postcode" in update_fields:
            self.locate()
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "municipality",
                    "province",
                    "latitude",
                    "longitude",
                }
        super().save(*args, **kwargs)

    def locate(self):
        """Copy municipality, province and coordinates from the postcode."""
        self.municipality = self.postcode.municipality
        self.province_id = self.municipality.province_id
        self.latitude, self.longitude = self.postcode.latitude, self.postcode.longitude


class SearchWord(models.Model):
    """A word of a name or title that the text search knows (portal/textsearch.py).

    A query word spelled nearly like one of these (a typo, or a part of a compound word:
    "magazijn" in "magazijnmedewerker") also finds the names and titles with that word. Looking
    near spellings up in this short list, rather than in every title of every row, keeps a
    search as fast with 200,000 opportunities as with 20,000 (issue 9). Words are added as rows
    are indexed and are never removed: a word no row has any more finds nothing.
    """

    word = models.CharField(_("word"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    OFF = "off", _("Off")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    HELD = "held", _("Held for a digest")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DIGESTED = "digested", _("Sent in a digest")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One email in the outbox, written in the same transaction as the event that causes it.

    portal/notifications.py writes, claims, sends, retries and sweeps these rows.
    """

    key = models.CharField(
        _("dedupe key"),
        max_length=200,
        unique=True,
        help_text=_("Names the event; the same event never makes a second email."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(_("email address"))
    kind = models.CharField(_("kind"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    context = models.JSONField(
        _("context"), default=dict, blank=True, help_text=_("What a digest lists of it.")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    claim = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The sender's claim: pending rows that are due, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            # The digests: held rows per recipient.
            models.Index(fields=["recipient", "status"], name="notification_held"),
            # The admin's list in its default order (with Django's tie-breaker -pk).
            models.Index(fields=["-created_at", "-id"], name="notification_admin_order"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.email} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """How often a user wants to hear about one kind of notification (default: immediately)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}: {self.get_frequency_display()}"


class AuditEntry(models.Model):
    """Who changed what: one row per change to a voucher, a verification or a membership.

    Written by portal.audit.record(). The actor's label (their email address at the time) is kept
    when their account is deleted, so the history of decisions on public money and on who may act
    for an organisation stays readable; the privacy page says so.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the portal acted (a scheduled task) or the account is gone."),
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            # The admin's list, newest first; and the retention clean-up by date.
            models.Index(fields=["-at"], name="audit_newest"),
            # The history of one object (the admin's search by type and id).
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        who = self.actor_label or "–"
        return f"{self.at:%Y-%m-%d %H:%M} {who}: {self.action} {self.object_label}"


class DataChange(models.Model):
    """The change log behind the data version (portal/datachanges.py): database triggers add a
    row for every write to a table the reports read. Nothing else writes here but the prune."""

    id = models.BigAutoField(primary_key=True)
    changes = models.BigIntegerField(
        _("changes"),
        db_default=1,
        help_text=_("How many writes this row stands for: one, or those folded in by the prune."),
    )
    at = models.DateTimeField(_("when"), db_default=Now())

    class Meta:
        verbose_name = _("data change")
        verbose_name_plural = _("data changes")

    def __str__(self):
        return f"{self.pk}: {self.changes} at {self.at}"
