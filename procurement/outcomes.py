"""What a buyer did with a line of its plan (issue 23, item 4): the route it used and, where a
listed social enterprise won, the supplier. An award enters the collaboration register as a
declaration by the buyer (channel "public procurement", the buyer as client) that the supplier
confirms or disputes like every declaration (companies/collaborations.py tells its members).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import collaborations
from companies.models import CollaborationChannel, CollaborationSource

from .models import NO_SOCIAL_ROUTE, PlanLine


@transaction.atomic
def record(line, *, outcome, by, supplier=None, started=None):
    """Record `outcome` (a Route value or NO_SOCIAL_ROUTE) for `line`, with the `supplier` (a
    social-economy Organisation) that won it, if any. `by` must be a member of the plan's
    organisation. Raises ValidationError: recorded already, a supplier without a social route,
    a supplier that is no social enterprise, a start in the future."""
    line = PlanLine.objects.select_for_update().select_related("plan__organisation").get(pk=line.pk)
    if line.outcome:
        raise ValidationError(
            _("The outcome of this purchase is already recorded."), code="already_recorded"
        )
    if supplier is not None and outcome == NO_SOCIAL_ROUTE:
        raise ValidationError(
            _("A supplier is recorded with the social route it won; choose the route."),
            code="supplier_without_route",
        )
    if supplier is not None:
        collaboration, _created = collaborations.declare(
            organisation=line.plan.organisation,
            other=supplier,
            role="client",
            category=line.category,
            started=started or timezone.localdate(),
            channel=CollaborationChannel.PUBLIC_PROCUREMENT,
            source=CollaborationSource.PROCUREMENT,
            by=by,
        )
        line.supplier, line.collaboration = supplier, collaboration
    line.outcome = outcome
    line.outcome_recorded_at = timezone.now()
    line.outcome_recorded_by = by
    line.save(
        update_fields=[
            "outcome",
            "supplier",
            "collaboration",
            "outcome_recorded_at",
            "outcome_recorded_by",
        ]
    )
    return line
