"""Organisations of both economies, who works for them, and what social enterprises offer."""

import uuid
from contextlib import suppress

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal import names, reference
from portal.models import Located, Sector, ServiceCategory, Vocabulary

from . import enterprise_number, search


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

    def for_profile(self):
        """What a public profile shows, in a fixed number of queries."""
        return self.for_directory().prefetch_related(
            "target_groups", "sectors", "municipality__regions"
        )


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
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Not published; used by the portal to reach you."),
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
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
            # The GIN indexes on search_vector and on name (trigram) are PostgreSQL-only and made
            # in migration 0002.
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.enterprise_number = enterprise_number.normalise(self.enterprise_number)
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
    description = models.TextField(_("description"), blank=True)
    radius_km = models.PositiveSmallIntegerField(
        _("service radius (km)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when you work in all of Flanders."),
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
    OTHER = "other", _("Other")


class CollaborationSource(models.TextChoices):
    MANUAL = "manual", _("Declared by a member")
    VOUCHER = "voucher", _("Redeemed voucher")
    SERVICE_REQUEST = "service_request", _("Accepted offer")
    IMPORT = "import", _("Imported")


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
    dispute_note = models.TextField(_("why it was disputed"), blank=True)
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
        indexes = [models.Index(fields=["started", "ended"], name="collaboration_period")]
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
