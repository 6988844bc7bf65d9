"""Organisations of both economies, who works for them, and what social enterprises offer."""

import uuid
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal import names, reference
from portal.models import Located, Sector, ServiceCategory, Vocabulary

from . import bank_accounts, enterprise_number, search


class OrganisationKind(models.TextChoices):
    REGULAR = "regular", _("Regular firm")
    SOCIAL = "social", _("Social-economy enterprise")
    PUBLIC = "public", _("Public body")
    SCHOOL = "school", _("School")
    NONPROFIT = "nonprofit", _("Non-profit organisation")


class OrganisationSize(models.TextChoices):
    MICRO = "1-9", _("1 to 9 employees")
    SMALL = "10-49", _("10 to 49 employees")
    MEDIUM = "50-249", _("50 to 249 employees")
    LARGE = "250+", _("250 employees or more")


class Recognition(Vocabulary):
    """A recognition or form of the social economy: maatwerkbedrijf, LDE, kringwinkel, ..."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")


class TargetGroup(Vocabulary):
    """A group of people a social enterprise employs or supports."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


def logo_path(instance, filename):
    """Store logos under a random name; the extension comes from the checked image format."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"logos/{uuid.uuid4().hex}.{extension}"


# Paths under /organisations/ that are pages of their own, not profiles.
RESERVED_SLUGS = {"new", "join", "invitations"}


class OrganisationQuerySet(models.QuerySet):
    def social(self):
        return self.filter(kind=OrganisationKind.SOCIAL)

    def buyers(self):
        """Everybody who buys from or employs through the social economy."""
        return self.exclude(kind=OrganisationKind.SOCIAL)

    def verified(self):
        return self.filter(verified_at__isnull=False)

    def awaiting_verification(self):
        """Organisations a regisseur still has to look at: not verified, and not rejected (a
        rejection holds until the members change their profile: companies/profiles.py). The
        work queue counts these and its link lists them (companies/workqueue.py, the admin's
        RegionScopeFilter)."""
        return self.filter(verified_at__isnull=True, rejected_at__isnull=True)

    def named(self, query):
        """Found by a part of their name or by their enterprise number in any spelling."""
        query = (query or "").strip()
        if not query:
            return self.none()
        condition = models.Q(name__icontains=query)
        # A query that is not an enterprise number is a name, or part of one.
        with suppress(ValidationError):
            condition |= models.Q(enterprise_number=enterprise_number.normalise(query))
        return self.filter(condition)

    def looking_like(self, name, *, excluding=None):
        """Organisations whose name looks like `name` (the same skeleton, portal.names),
        other than `excluding`: one lookup in the index on name_skeleton."""
        skeleton = names.skeleton(name)
        if not skeleton:
            return self.none()
        found = self.filter(name_skeleton=skeleton)
        return found.exclude(pk=excluding.pk) if excluding and excluding.pk else found

    def with_look_alike(self):
        """Each organisation with `has_look_alike`: another organisation's name looks like it."""
        return self.annotate(
            has_look_alike=models.Exists(
                Organisation.objects.filter(name_skeleton=models.OuterRef("name_skeleton"))
                .exclude(name_skeleton="")
                .exclude(pk=models.OuterRef("pk"))
            )
        )

    def not_stopped(self, *, today=None):
        """Leaves out organisations the KBO reported stopped more than
        settings.KBO_STOPPED_GRACE_DAYS ago (issue 17, item 4); the directory's base."""
        today = today or timezone.localdate()
        since = today - timedelta(days=settings.KBO_STOPPED_GRACE_DAYS)
        return self.filter(
            models.Q(kbo_stopped_on__isnull=True) | models.Q(kbo_stopped_on__gt=since)
        )

    def in_directory(self):
        """The directory's base: not reported stopped by the KBO for longer than the grace
        period, and confirmed within DIRECTORY_STALE_MONTHS, judged at the end of today. The
        directory, its CSV and printed guide, the API's list and the open-data files start
        from it."""
        from . import freshness

        return self.not_stopped().fresh_enough(now=freshness.end_of_today())

    def for_directory(self):
        """What a directory card and the CSV guide show, in a fixed number of queries: the
        services (with their category) as `service_list` and the recognitions as
        `recognition_list`, plain lists (quicker to fill than a related manager per row)."""
        return reference.with_reference(
            self, "postcode", "municipality", "province"
        ).prefetch_related(
            models.Prefetch(
                "services",
                reference.with_reference(OfferedService.objects.all(), "category"),
                to_attr="service_list",
            ),
            models.Prefetch("recognitions", to_attr="recognition_list"),
        )

    # --- Issue 17, items 6 and 7 (freshness and completeness): companies/freshness.py --------

    def fresh_enough(self, *, now=None):
        """Leaves out organisations whose details nobody confirmed for DIRECTORY_STALE_MONTHS
        (the default directory and its search); an owner's confirmation brings them back."""
        from . import freshness

        return self.filter(freshness.fresh_enough_condition(now=now))

    def not_confirmed_since(self, cutoff):
        """Organisations whose details were last confirmed (or created) at `cutoff` or before."""
        return self.filter(
            models.Q(details_confirmed_at__lte=cutoff)
            | models.Q(details_confirmed_at__isnull=True, created_at__lte=cutoff)
        )

    def for_profile(self):
        """What a public profile shows, in a fixed number of queries."""
        return self.for_directory().prefetch_related(
            "target_groups", "sectors", "municipality__regions"
        )


def phone_uri(number):
    """`number` as people write it ("012 34 56 78", "+32 (0)12/34.56.78") as a tel: address
    (RFC 3966), or "" when it holds no digits. A national number (0...) is Belgian: +32."""
    # "(0)" is the trunk prefix that is not dialled after a country code.
    number = (number or "").replace("(0)", "").strip()
    digits = "".join(character for character in number if "0" <= character <= "9")
    if not digits:
        return ""
    if number.startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("00"):
        return f"tel:+{digits[2:]}"
    if digits.startswith("0"):
        return f"tel:+32{digits[1:]}"
    return f"tel:{digits}"


class Organisation(Located):
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    # What the name looks like, folded for comparison (portal.names.skeleton); never shown.
    name_skeleton = models.CharField(max_length=names.SKELETON_LENGTH, editable=False, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        validators=[enterprise_number.validate],
        help_text=_("The number in the Crossroads Bank for Enterprises (KBO/BCE)."),
    )
    street = models.CharField(_("street and number"), max_length=200)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    size = models.CharField(_("size"), max_length=8, choices=OrganisationSize.choices, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Shown on the profile and in the guides unless you hide it."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_path, blank=True)
    recognitions = models.ManyToManyField(
        Recognition, verbose_name=_("recognitions"), blank=True, related_name="organisations"
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="organisations"
    )
    show_collaborations = models.BooleanField(
        _("show collaborations on the profile"),
        default=True,
        help_text=_("Confirmed collaborations appear on both profiles when both sides allow it."),
    )
    # The directory's search index: the text of the services and recognitions, kept next to the
    # row so that searching needs no joins; on PostgreSQL also a weighted tsvector over it
    # (companies/search.py keeps both up to date).
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(editable=False, null=True)
    # --- Issue 17, public contact details (part p): what the profile and the guides show ---
    # Organisations are businesses: their contact details are public unless a member hides
    # one (the public_* properties below read these).
    show_address = models.BooleanField(_("show the street address publicly"), default=True)
    show_phone = models.BooleanField(_("show the phone number publicly"), default=True)
    show_email = models.BooleanField(_("show the email address publicly"), default=True)
    show_website = models.BooleanField(_("show the website publicly"), default=True)
    # --- end of part p's fields ---
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # --- Issue 19, item 2: a regisseur's rejection (companies/verification.py). Cleared when
    # the members change their profile (it then waits for a check again) or when it is verified.
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True, editable=False)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    rejection_reason = models.TextField(
        _("reason for the rejection"), blank=True, max_length=2000, editable=False
    )
    # Who made the listing on the portal (companies.membership.create_organisation); empty for
    # imported listings (see source) and for those made before issue 19.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # --- Issue 17, item 4: the KBO register (companies/kbo.py) ---
    # The day load_kbo first found the enterprise stopped in the KBO; cleared when it is active
    # again. After settings.KBO_STOPPED_GRACE_DAYS the profile leaves the directory.
    kbo_stopped_on = models.DateField(
        _("stopped according to the KBO on"), null=True, blank=True, editable=False
    )
    # --- end of issue 17, item 4 ---

    # --- Issue 17, items 6 and 7: freshness and completeness (companies/freshness.py,
    # companies/completeness.py) ---
    # When an owner last said the details are right; null means "since it was created", so the
    # clock runs from created_at (an imported listing's import date).
    details_confirmed_at = models.DateTimeField(_("details confirmed at"), null=True, blank=True)
    # When the yearly "is this still correct?" email may go out next: the reminder task claims
    # it with a conditional UPDATE, so a second run sends nothing.
    next_freshness_reminder_at = models.DateTimeField(
        _("next freshness reminder at"), null=True, blank=True, editable=False
    )
    # The profile checklist's score, 0 to 100 (companies/completeness.py keeps it up to date).
    completeness = models.PositiveSmallIntegerField(_("completeness"), default=0, editable=False)

    # --- Imported listings (issue 17, item 3: companies/organisation_import.py) ---
    # The official list an unclaimed listing was imported from, and when; empty for
    # organisations that members created. The profile shows them as "from the <source>, <month>".
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_(
            "The official list this listing was imported from, e.g. "
            "“lijst erkende maatwerkbedrijven”."
        ),
    )
    source_date = models.DateField(_("source date"), null=True, blank=True)
    # --- end of imported listings ---

    # --- Issue 19, item 5: the account the regie pays vouchers to (companies/bank_accounts.py).
    # Compact and upper case; seen by members, the region's regisseurs and administrators only.
    iban = models.CharField(
        _("IBAN"),
        max_length=bank_accounts.MAX_LENGTH,
        blank=True,
        validators=[bank_accounts.validate],
        help_text=_("The bank account to which the regie pays redeemed vouchers."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"], name="organisation_unique_enterprise_number"
            ),
        ]
        indexes = [
            # The directory's sort orders: newest first and by name.
            models.Index(fields=["-created_at"], name="organisation_newest"),
            # The admin's list: its default order (the name, then Django's tie-breaker -pk), so
            # that a page is read from the index, 100 rows, instead of sorting the table.
            models.Index(fields=["name", "-id"], name="organisation_admin_order"),
            # The regisseur's scope (companies.access.in_regions_of, the admin's lists): the ids
            # of their municipalities' organisations from the index alone, not 16,000 rows of
            # the table at the large size.
            models.Index(fields=["municipality", "id"], name="organisation_in_municipality"),
            # Distance search narrows to a bounding box before computing distances
            # (portal.geography.within). Longitude first: Flanders is four times wider than it
            # is high, so a band of latitude holds most organisations and an index led by it
            # was not worth scanning; a band of longitude narrows well.
            models.Index(fields=["longitude", "latitude"], name="organisation_box"),
            # Matching (vacancies.matching.candidates) and the directory's kind facet: social
            # enterprises in a bounding box, from the index alone.
            models.Index(fields=["kind", "longitude", "latitude"], name="organisation_kind_box"),
            # Look-alike names: OrganisationQuerySet.looking_like (the organisation form's
            # warning) and with_look_alike (the admin's flag and filter).
            models.Index(fields=["name_skeleton"], name="organisation_name_skeleton"),
            # The work queue (portal/workqueue.py) counts per region without reading the wide
            # table (on PostgreSQL, an index-only scan: at 50,000 organisations 108 -> 15 ms,
            # 92 -> 11 ms and 58 -> 3 ms): organisations to verify (awaiting_verification),
            # profiles gone stale, and those the KBO reports stopped (few rows).
            models.Index(
                fields=["municipality", "created_at"],
                condition=models.Q(verified_at__isnull=True, rejected_at__isnull=True),
                name="organisation_unverified",
            ),
            models.Index(
                fields=["municipality", "details_confirmed_at", "created_at"],
                name="organisation_confirmed",
            ),
            models.Index(
                fields=["kbo_stopped_on"],
                condition=models.Q(kbo_stopped_on__isnull=False),
                name="organisation_kbo_stopped",
            ),
            # The GIN indexes on search_vector and on name (trigram) are PostgreSQL-only and made
            # in migration 0002.
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.enterprise_number = enterprise_number.normalise(self.enterprise_number)
        if self.iban:
            self.iban = bank_accounts.normalise(self.iban)
        # Forms normalise the name already (portal.names.NameField); this covers every other
        # way in (the admin, imports, demo data) and keeps the skeleton in step with the name.
        self.name = names.normalise(self.name)
        self.name_skeleton = names.skeleton(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_skeleton"}
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        # Saves that touch neither name nor description (verification, for one) leave the
        # search index as it is; services and recognitions are re-indexed where they change.
        if update_fields is None or {"name", "description"} & set(update_fields):
            search.index(self)

    @property
    def is_social(self):
        return self.kind == OrganisationKind.SOCIAL

    @property
    def kind_label(self):
        """What get_kind_display() says, for a list of cards: it translates one label where
        get_kind_display() translates every kind's to find one."""
        return OrganisationKind(self.kind).label

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def enterprise_number_display(self):
        return enterprise_number.display(self.enterprise_number)

    @property
    def iban_display(self):
        """The IBAN in groups of four (BE68 5390 0754 7034); "" when none was given."""
        return bank_accounts.display(self.iban)

    # What visitors see of the contact details (profile, CSV and printed guide): a hidden or
    # empty field is "". The postcode and municipality stay public: the directory places the
    # organisation by them.
    @property
    def public_street(self):
        return self.street if self.show_address else ""

    @property
    def public_phone(self):
        return self.phone if self.show_phone else ""

    @property
    def public_email(self):
        return self.email if self.show_email else ""

    @property
    def public_website(self):
        return self.website if self.show_website else ""

    @property
    def public_phone_uri(self):
        """The public phone number as a tel: address (RFC 3966): digits and a leading +;
        a Belgian national number (0...) gets the country code +32."""
        return phone_uri(self.public_phone)

    def _unique_slug(self):
        base = slugify(self.name)[:200] or "organisatie"
        if base in RESERVED_SLUGS:
            base = f"{base}-organisatie"
        slug, counter = base, 2
        while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


class OfferedService(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    radius_km = models.PositiveSmallIntegerField(
        _("service radius (km)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when you work in all of Flanders."),
    )
    # What the buying helper (procurement/advice.py) reads as the enterprise's capacity for
    # this service: a purchase larger than this is not carried alone. Empty: not limiting.
    max_order_amount = models.DecimalField(
        _("largest order we can take on (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Optional: the largest purchase of this service you can carry on your own, in euro "
            "excluding VAT. Buyers then see you in joint answers for larger ones."
        ),
    )

    class Meta:
        verbose_name = _("offered service")
        verbose_name_plural = _("offered services")
        ordering = ["category__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "category"], name="offered_service_once_per_category"
            ),
            models.CheckConstraint(
                condition=models.Q(radius_km__isnull=True) | models.Q(radius_km__gt=0),
                name="offered_service_radius_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(max_order_amount__isnull=True)
                | models.Q(max_order_amount__gt=0),
                name="offered_service_capacity_positive",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.category}"


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_once_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """A user asks to become a member of an existing organisation; an owner decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Issue 17, item 2 (claims): when the request went to the region's regisseurs, because the
    # organisation has no owner or its owners did not answer in time (companies/claims.py).
    escalated_at = models.DateTimeField(_("sent to the regisseurs at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class Invitation(models.Model):
    """An owner invites someone by email; the link in the email carries an unguessable token."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class CollaborationRole(models.TextChoices):
    """What the regular side is to the social enterprise."""

    CLIENT = "client", _("Client")
    SUPPLIER = "supplier", _("Supplier")
    PARTNER = "partner", _("Partner")


class CollaborationChannel(models.TextChoices):
    """How the two organisations met."""

    DIRECTORY = "directory", _("Directory")
    SERVICE_REQUEST = "service_request", _("Service request")
    VOUCHER = "voucher", _("Introduction voucher")
    NETWORK_EVENT = "network_event", _("Network event")
    REGIE = "regie", _("Regie or cluster")
    # Issue 23, item 4: a public buyer awarded a contract (procurement/outcomes.py).
    PUBLIC_PROCUREMENT = "public_procurement", _("Public procurement")
    OTHER = "other", _("Other")


class CollaborationSource(models.TextChoices):
    MANUAL = "manual", _("Declared by a member")
    VOUCHER = "voucher", _("Redeemed voucher")
    SERVICE_REQUEST = "service_request", _("Accepted offer")
    IMPORT = "import", _("Imported")
    # Issue 22: a deal recorded after a meeting at a network event (events/deals.py); declared
    # by one side like MANUAL and confirmed by the other.
    EVENT = "event", _("Deal at a network event")
    # Issue 23, item 4: an award recorded by a public buyer on its purchasing plan
    # (procurement/outcomes.py); declared by the buyer and confirmed by the supplier.
    PROCUREMENT = "procurement", _("Award recorded by a public buyer")


class CollaborationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(
            confirmed_by_regular_at__isnull=False, confirmed_by_social_at__isnull=False
        )

    def shown_on_profile_of(self, organisation):
        """The organisation's confirmed collaborations that both sides allow to be shown."""
        return (
            self.confirmed()
            .filter(models.Q(regular=organisation) | models.Q(social=organisation))
            .filter(regular__show_collaborations=True, social__show_collaborations=True)
            .select_related("regular", "social", "category")
        )


class Collaboration(models.Model):
    """Who buys from or supplies whom, since when, and how they met."""

    regular = models.ForeignKey(
        Organisation,
        verbose_name=_("regular organisation"),
        on_delete=models.PROTECT,
        related_name="collaborations_as_regular",
    )
    social = models.ForeignKey(
        Organisation,
        verbose_name=_("social enterprise"),
        on_delete=models.PROTECT,
        related_name="collaborations_as_social",
    )
    role = models.CharField(
        _("role of the regular side"), max_length=10, choices=CollaborationRole.choices
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started = models.DateField(_("started"))
    ended = models.DateField(_("ended"), null=True, blank=True)
    channel = models.CharField(
        _("how they met"), max_length=20, choices=CollaborationChannel.choices
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=CollaborationSource.choices,
        default=CollaborationSource.MANUAL,
    )
    confirmed_by_regular_at = models.DateTimeField(
        _("confirmed by the regular organisation at"), null=True, blank=True
    )
    confirmed_by_social_at = models.DateTimeField(
        _("confirmed by the social enterprise at"), null=True, blank=True
    )
    # A declaration by hand: who declared it, and the other side's answer when it disputes it.
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    dispute_note = models.TextField(_("why it was disputed"), blank=True, max_length=2000)
    # An imported line's fingerprint: importing the same file again adds nothing twice.
    import_key = models.CharField(
        _("import key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        ordering = ["-started"]
        indexes = [
            models.Index(fields=["started", "ended"], name="collaboration_period"),
            # The admin's list in its default order (with Django's tie-breaker -pk).
            models.Index(fields=["-started", "-id"], name="collaboration_admin_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended__isnull=True) | models.Q(ended__gte=models.F("started")),
                name="collaboration_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(regular=models.F("social")),
                name="collaboration_between_two_organisations",
            ),
            # A collaboration is its pair, the regular side's role, the service and the start,
            # whoever put it in the register (declared, recorded or imported). No category is a
            # value like any other here: COALESCE makes two collaborations without one equal,
            # on SQLite as on PostgreSQL (where NULLs would otherwise differ).
            models.UniqueConstraint(
                "regular",
                "social",
                "role",
                Coalesce("category", 0, output_field=models.BigIntegerField()),
                "started",
                name="one_collaboration_per_pair_role_category_start",
                violation_error_message=_(
                    "This collaboration is already in the register: the same organisations, "
                    "role, service and start."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.regular} – {self.social} ({self.get_role_display()})"


# --- Issue 21, item 3: how each side rates a collaboration (companies/ratings.py) -------------


class RatingSide(models.TextChoices):
    REGULAR = "regular", _("regular organisation")
    SOCIAL = "social", _("social enterprise")


class CollaborationRating(models.Model):
    """One side's rating of a collaboration for one period: when it was confirmed
    ("on_confirmation"), a year while it runs ("year-1", "year-2", ...) or when it ended
    ("at_end"). Given through a signed link (companies/ratings.py), once per side and period.

    The note is private: the reports never read it and the other side never sees it; only
    administrators do, in the admin."""

    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("collaboration"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    side = models.CharField(_("side"), max_length=10, choices=RatingSide.choices)
    period = models.CharField(_("period"), max_length=20)
    score = models.PositiveSmallIntegerField(_("score"))
    would_work_again = models.BooleanField(_("would work together again"))
    note = models.TextField(_("private note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collaboration rating")
        verbose_name_plural = _("collaboration ratings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=["regular", "social"]), name="rating_side_known"
            ),
            # One use per period: a second rating of the same side for the same period is
            # refused by the database, whichever request gets there second.
            models.UniqueConstraint(
                "collaboration", "side", "period", name="one_rating_per_side_and_period"
            ),
        ]

    def __str__(self):
        return f"{self.collaboration} · {self.get_side_display()} · {self.period}: {self.score}"


# --- Issue 17, item 4: the KBO register (companies/kbo.py, manage.py load_kbo) ---------------


class KboEnterprise(models.Model):
    """An enterprise of the Crossroads Bank for Enterprises, as its Open Data extract gives it.

    Filled in bulk by load_kbo (companies/kbo.py); never edited by hand. One row per enterprise
    (establishment units are left out).
    """

    # Ten digits, as companies.enterprise_number.normalise writes them.
    number = models.CharField(_("enterprise number"), max_length=10, primary_key=True)
    status = models.CharField(_("status"), max_length=2)
    juridical_situation = models.CharField(_("juridical situation"), max_length=3, blank=True)
    juridical_form = models.CharField(_("legal form"), max_length=3, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    # Status other than "AC", or a juridical situation that code.csv describes as a closing
    # (companies.kbo.stopped_situations).
    stopped = models.BooleanField(_("stopped"), default=False)
    # The official name (TypeOfDenomination 001): one primary name (Dutch, else French, else
    # any) and the names per language, {"nl": ..., "fr": ...}.
    name = models.CharField(_("name"), max_length=320, blank=True)
    names = models.JSONField(_("names"), default=dict, blank=True)
    # The registered seat (TypeOfAddress REGO).
    postcode = models.CharField(_("postcode"), max_length=15, blank=True)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("number"), max_length=40, blank=True)
    # The main NACE codes of the newest NACE version the enterprise has, e.g. ["88101"].
    nace_codes = models.JSONField(_("NACE codes"), default=list, blank=True)
    nace_version = models.CharField(_("NACE version"), max_length=4, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("KBO enterprise")
        verbose_name_plural = _("KBO enterprises")

    def __str__(self):
        return f"{enterprise_number.display(self.number)} {self.name}"


# --- end of issue 17, item 4 ---


# --- Claims of listings (issue 17, items 2 and 5: companies/claims.py) ----------------------------


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Claim(models.Model):
    """Someone asks to be made owner of a listing: one nobody holds, or one they say is theirs
    although others registered it. A regisseur of its region decides."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimant"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    email = models.EmailField(_("verified address used"))
    domain_matches = models.BooleanField(_("address matches the organisation's domain"))
    role = models.CharField(_("role in the organisation"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "organisation"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.claimant} → {self.organisation}"


# --- Issue 19, item 4: regie notes -------------------------------------------------------------


class RegieNote(models.Model):
    """A regisseur's dated internal note on an organisation (a call, a visit, a promise).

    About the organisation, not about a person: read and written only by the regisseurs of its
    region and administrators, on its admin page (companies/admin.py); never shown to members,
    on public pages or in anyone's personal-data export."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="regie_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("regie note")
        verbose_name_plural = _("regie notes")
        ordering = ["-written_on", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.organisation} ({self.written_on})"


# --- Issue 17, item 7: the stored completeness score follows what it counts -------------------


# What a save of the organisation itself can change in the score.
COMPLETENESS_FIELDS = {"logo", "description", "phone", "email", "website", "kind"}


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A save of verification or search fields alone changes nothing the checklist counts.
    if raw or (update_fields is not None and not COMPLETENESS_FIELDS & set(update_fields)):
        return
    from . import completeness

    completeness.refresh(instance)


@receiver(post_save, sender=OfferedService)
@receiver(post_delete, sender=OfferedService)
def _service_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from . import completeness

    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    if organisation is not None:
        completeness.refresh(organisation)


@receiver(m2m_changed, sender=Organisation.recognitions.through)
def _recognitions_changed(sender, instance, action, reverse=False, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    from . import completeness

    # The row as saved: the instance in hand may be older than the profile.
    completeness.refresh(Organisation.objects.get(pk=instance.pk))


@receiver(post_save, sender=Collaboration)
@receiver(post_delete, sender=Collaboration)
def _collaboration_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from . import completeness

    sides = [instance.regular_id, instance.social_id]
    for organisation in Organisation.objects.filter(pk__in=sides):
        completeness.refresh(organisation)
