"""Public buyers and the social economy (issue 23)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal.models import ServiceCategory

# Social spend


class SpendYear(models.Model):
    """A buyer's purchases of one year, as uploaded (procurement/spend_import.py): one row per
    buyer and year; uploading the year again replaces it and its lines. The amounts are the
    buyer's own: only its members and administrators see them (procurement/spend_views.py)."""

    buyer = models.ForeignKey(
        Organisation,
        verbose_name=_("buyer"),
        on_delete=models.CASCADE,
        related_name="spend_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # SHA-256 of the file's bytes: the page says when the same file came again.
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("spend year")
        verbose_name_plural = _("spend years")
        ordering = ["buyer", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "year"], name="spend_year_once_per_buyer"),
        ]

    def __str__(self):
        return f"{self.buyer} {self.year}"


class SpendLine(models.Model):
    """One purchase line of a spend year: the supplier's enterprise number (ten digits, as
    companies.enterprise_number normalises it), the amount in EUR excluding nothing (as the
    buyer gives it), and optionally the service category and a description. The supplier is
    matched to a listed organisation by its number when the figures are read, so a supplier
    listed after the upload counts from then on."""

    spend_year = models.ForeignKey(
        SpendYear, verbose_name=_("spend year"), on_delete=models.CASCADE, related_name="lines"
    )
    line_number = models.PositiveIntegerField(_("line"))
    supplier_number = models.CharField(_("supplier's enterprise number"), max_length=10)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spend line")
        verbose_name_plural = _("spend lines")
        ordering = ["spend_year", "line_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="spend_line_amount_not_negative"
            ),
            models.UniqueConstraint(
                fields=["spend_year", "line_number"], name="spend_line_number_once"
            ),
        ]
        indexes = [
            # The report and the page group a year's lines by supplier (spend.figures).
            models.Index(fields=["spend_year", "supplier_number"], name="spend_line_supplier"),
        ]

    def __str__(self):
        return f"{self.spend_year} #{self.line_number}"
