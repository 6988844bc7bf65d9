"""Kennismakingscheques: programmes on a yearly budget, the vouchers they give, and their history.

A Programme is run by the regisseurs of its region. A Voucher is a regular firm's application to
try a verified social enterprise's service; `vouchers/lifecycle.py` is the one place where its
status changes, and every change is written down as a VoucherEvent.

Money: `Voucher.amount` is what the voucher holds against the programme's budget. It is set to
the programme's voucher value on approval and lowered to the invoice amount on redemption when
the invoice is smaller (a voucher pays at most its value). Approved, redeemed and paid vouchers
hold their amount; the other statuses hold nothing, so expiry and withdrawal free the budget.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from companies import bank_accounts
from companies.models import Collaboration, Organisation
from portal.models import Municipality, Region, RunByRegionQuerySet, ServiceCategory
from portal.validators import MinValueValidator


class VoucherStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REDEEMED = "redeemed", _("Redeemed")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses whose amount counts against the budget.
HOLDING = (VoucherStatus.APPROVED, VoucherStatus.REDEEMED, VoucherStatus.PAID)
# The statuses that count towards a firm's maximum number of vouchers in a programme.
COUNTING = (
    VoucherStatus.SUBMITTED,
    VoucherStatus.APPROVED,
    VoucherStatus.REDEEMED,
    VoucherStatus.PAID,
)


# Paths under /vouchers/ that are pages of their own, not programmes.
RESERVED_SLUGS = {"mine", "redeem"}


class ProgrammeQuerySet(RunByRegionQuerySet):
    def open(self, on=None):
        """Programmes whose application window includes the day `on` (default today)."""
        on = on or timezone.localdate()
        return self.filter(opens_on__lte=on, closes_on__gte=on)

    def covering(self, municipality_id):
        """Programmes whose eligible municipalities (the chosen ones, or the region's when none
        were chosen) include this one."""
        return self.filter(
            Q(municipalities=municipality_id)
            | Q(municipalities__isnull=True, region__municipalities=municipality_id)
        ).distinct()

    def with_budget(self):
        """Annotate the budget panel in one grouped query.

        `reserved` (approved, not yet redeemed), `redeemed` (declared delivered, not yet paid),
        `paid`, `held` (their sum: what can no longer be given), `left` (budget minus held) and
        `vouchers_left` (how many more vouchers of the programme's value fit in what is left).
        """

        def total(*statuses):
            return Sum(
                "vouchers__amount", filter=Q(vouchers__status__in=statuses), default=Decimal(0)
            )

        F = models.F
        return self.annotate(
            reserved=total(VoucherStatus.APPROVED),
            redeemed=total(VoucherStatus.REDEEMED),
            paid=total(VoucherStatus.PAID),
            held=total(*HOLDING),
        ).annotate(
            left=F("budget") - F("held"),
            vouchers_left=Floor((F("budget") - F("held")) / F("voucher_value")),
        )


class Programme(models.Model):
    """A voucher scheme of one region for one year, with its budget and its rules."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="voucher_programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=5000,
        help_text=_("What the programme is for, in plain language, shown on its page."),
    )
    budget = models.DecimalField(
        _("total budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    voucher_value = models.DecimalField(
        _("voucher value (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(500),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    vouchers_per_firm = models.PositiveSmallIntegerField(
        _("vouchers per firm"), default=1, validators=[MinValueValidator(1)]
    )
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    validity_days = models.PositiveSmallIntegerField(
        _("validity after approval (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_("An approved voucher must be redeemed within this many days."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("eligible municipalities"),
        blank=True,
        related_name="+",
        limit_choices_to={"merged_into__isnull": True},
        help_text=_("Leave empty for all municipalities of the region."),
    )
    categories = models.ManyToManyField(
        ServiceCategory,
        verbose_name=_("eligible service categories"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every service category."),
    )
    terms = models.TextField(
        _("terms"),
        max_length=10000,
        help_text=_("The conditions an applicant accepts when applying."),
    )
    # The regie's account the payouts leave from: the debtor of the SEPA credit-transfer file
    # (vouchers/sepa.py). Optional: without it the programme has the payouts CSV only.
    payer_name = models.CharField(
        _("paying account holder"),
        max_length=70,
        blank=True,
        help_text=_("The name on the regie's account from which the vouchers are paid."),
    )
    payer_iban = models.CharField(
        _("paying IBAN"),
        max_length=bank_accounts.MAX_LENGTH,
        blank=True,
        validators=[bank_accounts.validate],
        help_text=_(
            "The regie's account from which the vouchers are paid; with it the payouts can be "
            "downloaded as a SEPA credit-transfer file for the bank."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="programme_window_in_order",
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_positive"),
            models.CheckConstraint(
                condition=Q(voucher_value__gt=0), name="programme_voucher_value_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def save(self, *args, **kwargs):
        if self.payer_iban:
            self.payer_iban = bank_accounts.normalise(self.payer_iban)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vouchers:programme_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is the address of another page.") % {"slug": self.slug}}
            )

    def eligible_municipalities(self):
        """The chosen municipalities, or the region's when none were chosen."""
        if self.municipalities.exists():
            return self.municipalities.all()
        return self.region.municipalities.all()

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class Voucher(models.Model):
    """A regular firm's introduction voucher for one social enterprise's service."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="vouchers_applied",
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="vouchers_provided",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    intended_use = models.TextField(_("intended use"), max_length=2000)
    expected_date = models.DateField(_("expected date of the service"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VoucherStatus.choices,
        default=VoucherStatus.SUBMITTED,
    )
    # Given on approval: unguessable, shown to the applicant and the provider.
    code = models.CharField(_("code"), max_length=20, unique=True, null=True, blank=True)
    amount = models.DecimalField(
        _("amount held (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("What the voucher holds against the programme’s budget."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, max_length=2000)
    delivered_on = models.DateField(_("service delivered on"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True)
    invoice_amount = models.DecimalField(
        _("invoice amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=50, blank=True)
    collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("collaboration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vouchers",
    )
    # When the applicant was asked, twelve months after redemption, whether the work goes on.
    follow_up_sent_at = models.DateTimeField(_("follow-up sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["programme", "status"], name="voucher_programme_status"),
            models.Index(fields=["applicant", "programme"], name="voucher_applicant"),
            models.Index(fields=["provider", "status"], name="voucher_provider"),
            models.Index(fields=["status", "valid_until"], name="voucher_status_valid"),
            # The admin's list in its default order (with Django's tie-breaker -pk).
            models.Index(fields=["-created_at", "-id"], name="voucher_admin_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="voucher_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(applicant=models.F("provider")),
                name="voucher_applicant_is_not_provider",
            ),
        ]

    def __str__(self):
        return self.code or _("Voucher application %(number)s") % {"number": self.pk}

    @property
    def holds_budget(self):
        return self.status in HOLDING


# A voucher event in words (VoucherEvent.description): taken by someone, or by nobody known (the
# portal's expiry, an account deleted since).
EVENT_BY = {
    VoucherStatus.SUBMITTED: _("Submitted by %(actor)s on %(date)s"),
    VoucherStatus.APPROVED: _("Approved by %(actor)s on %(date)s"),
    VoucherStatus.REJECTED: _("Rejected by %(actor)s on %(date)s"),
    VoucherStatus.WITHDRAWN: _("Withdrawn by %(actor)s on %(date)s"),
    VoucherStatus.REDEEMED: _("Redeemed by %(actor)s on %(date)s"),
    VoucherStatus.PAID: _("Marked as paid by %(actor)s on %(date)s"),
}
EVENT_ON = {
    VoucherStatus.SUBMITTED: _("Submitted on %(date)s"),
    VoucherStatus.APPROVED: _("Approved on %(date)s"),
    VoucherStatus.REJECTED: _("Rejected on %(date)s"),
    VoucherStatus.WITHDRAWN: _("Withdrawn on %(date)s"),
    VoucherStatus.REDEEMED: _("Redeemed on %(date)s"),
    VoucherStatus.PAID: _("Marked as paid on %(date)s"),
    VoucherStatus.EXPIRED: _("Expired on %(date)s"),
    "": _("%(status)s on %(date)s"),
}


class VoucherEvent(models.Model):
    """One step in a voucher's life: from which status to which, who took it, when, and why."""

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=VoucherStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=VoucherStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the portal took the step (expiry)."),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("voucher event")
        verbose_name_plural = _("voucher events")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.description

    @property
    def description(self):
        """The step in words, in the active language: "Approved by Rita Regisseur on
        3 December 2026" (without "by" when the portal took it or the account is gone)."""
        day = formats.date_format(timezone.localtime(self.at), "DATE_FORMAT")
        if self.actor_id is not None and self.to_status in EVENT_BY:
            return EVENT_BY[self.to_status] % {"actor": self.actor.get_full_name(), "date": day}
        return EVENT_ON.get(self.to_status, EVENT_ON[""]) % {
            "date": day,
            "status": self.get_to_status_display(),
        }
