"""Public buyers and the social economy (issue 23)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from portal.models import ServiceCategory

# --- Eligibility, CPV and purchasing plans (issue 23, items 1 to 3) ---------------------------


class Route(models.TextChoices):
    """The ways a public buyer can buy with social impact (Flemish practical guide, 2018)."""

    RESERVED_CONTRACT = "reserved_contract", _("Reserved contract")
    RESERVED_LOT = "reserved_lot", _("Reserved lot")
    EXECUTION_CLAUSE = "execution_clause", _("Social clause in the execution")
    AWARD_CRITERION = "award_criterion", _("Social award criterion")


class Eligibility(models.Model):
    """That enterprises holding `recognition` may take part in `route`, and on what legal basis.

    Curated reference data (data/procurement_eligibility.csv, loaded by load_reference_data);
    administrators correct it in the admin, and a later load leaves their rows alone."""

    recognition = models.ForeignKey(
        "companies.Recognition",
        verbose_name=_("recognition"),
        on_delete=models.CASCADE,
        related_name="procurement_eligibilities",
    )
    route = models.CharField(_("procurement route"), max_length=20, choices=Route.choices)
    legal_source = models.CharField(_("legal source"), max_length=300)
    source_date = models.DateField(_("date of the source"))

    class Meta:
        verbose_name = _("procurement eligibility")
        verbose_name_plural = _("procurement eligibilities")
        ordering = ["recognition__position", "route"]
        constraints = [
            models.UniqueConstraint(
                fields=["recognition", "route"], name="eligibility_once_per_recognition_and_route"
            )
        ]

    def __str__(self):
        return f"{self.recognition} – {self.get_route_display()}"


class ModelClause(models.Model):
    """The model text a buyer can copy into the tender documents for a route, in three
    languages; reference text the administrators keep (data/procurement_clauses.csv)."""

    route = models.CharField(
        _("procurement route"), max_length=20, choices=Route.choices, unique=True
    )
    text_nl = models.TextField(_("text (Dutch)"), max_length=4000)
    text_fr = models.TextField(_("text (French)"), max_length=4000)
    text_en = models.TextField(_("text (English)"), max_length=4000, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("model clause")
        verbose_name_plural = _("model clauses")
        ordering = ["route"]

    def __str__(self):
        return self.get_route_display()

    @property
    def text(self):
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"text_{language}", "") or self.text_nl


def new_plan_code():
    return secrets.token_urlsafe(12)


class PurchasingPlan(models.Model):
    """A buyer's purchasing plan, kept for its organisation (a public body, school or
    non-profit); the advice is worked out afresh each time it is shown (procurement/advice.py)."""

    code = models.CharField(_("code"), max_length=24, unique=True, default=new_plan_code)
    organisation = models.ForeignKey(
        "companies.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="purchasing_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchasing plan")
        verbose_name_plural = _("purchasing plans")
        # The organisation's list of plans, newest first.
        indexes = [models.Index(fields=["organisation", "-created_at"], name="plan_by_buyer")]

    def __str__(self):
        return self.title


NO_SOCIAL_ROUTE = "nothing"
OUTCOME_CHOICES = [*Route.choices, (NO_SOCIAL_ROUTE, _("No social route"))]


class PlanLine(models.Model):
    """One purchase of a plan: what, in which service category (maybe given as a CPV code),
    delivered where, for about how much, when; and, once the buyer records it, what it did
    (procurement/outcomes.py): the route used and the supplier, whose award enters the
    collaboration register as `collaboration`."""

    plan = models.ForeignKey(
        PurchasingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"))
    subject = models.CharField(_("subject"), max_length=200)
    category = models.ForeignKey(
        "portal.ServiceCategory",
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cpv_code = models.CharField(_("CPV code"), max_length=10, blank=True)
    postcode = models.ForeignKey(
        "portal.Postcode",
        verbose_name=_("place of delivery"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A purchase delivered at several sites (a school group, a municipality's buildings): the
    # postcodes of the places after the first, which is `postcode` (procurement/plans.py).
    further_places = models.JSONField(_("further places of delivery"), default=list, blank=True)
    amount = models.DecimalField(
        _("estimated amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("period"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOME_CHOICES, blank=True)
    supplier = models.ForeignKey(
        "companies.Organisation",
        verbose_name=_("supplier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    collaboration = models.ForeignKey(
        "companies.Collaboration",
        verbose_name=_("collaboration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_line_position_once"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="plan_line_amount_not_negative",
            ),
        ]

    def __str__(self):
        return self.subject


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
