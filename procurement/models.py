"""Public buyers and the social economy (issue 23)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
