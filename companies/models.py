"""Organisations of both economies, who works for them, and what social enterprises offer."""

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, Postcode, Province, Sector, ServiceCategory

from . import enterprise_number


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


class OrganisationQuerySet(models.QuerySet):
    def social(self):
        return self.filter(kind=OrganisationKind.SOCIAL)

    def buyers(self):
        """Everybody who buys from or employs through the social economy."""
        return self.exclude(kind=OrganisationKind.SOCIAL)

    def verified(self):
        return self.filter(verified_at__isnull=False)


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        validators=[enterprise_number.validate],
        help_text=_("The number in the Crossroads Bank for Enterprises (KBO/BCE)."),
    )
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.ForeignKey(
        Postcode, verbose_name=_("postcode"), on_delete=models.PROTECT, related_name="+"
    )
    # Derived from the postcode on save, so that directory filters need no joins through it.
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
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    size = models.CharField(_("size"), max_length=8, choices=OrganisationSize.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
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

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.enterprise_number = enterprise_number.normalise(self.enterprise_number)
        self.municipality = self.postcode.municipality
        self.province_id = self.municipality.province_id
        self.latitude, self.longitude = self.postcode.latitude, self.postcode.longitude
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    @property
    def is_social(self):
        return self.kind == OrganisationKind.SOCIAL

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def enterprise_number_display(self):
        return enterprise_number.display(self.enterprise_number)

    def _unique_slug(self):
        base = slugify(self.name)[:200] or "organisatie"
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
