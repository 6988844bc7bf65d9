"""Who works with whom: the one way feature apps put a collaboration in the register.

Vacancies (an accepted offer) and, later, vouchers (a redeemed voucher) record what happened on
the portal through `record`; members' own declarations and imports come with the register's own
issue. A collaboration is always between a regular organisation (a firm, public body, school or
non-profit: anyone who buys from or works with the social economy) and a social-economy
enterprise.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Collaboration, Organisation


def _check_sides(*, regular, social):
    if not social.is_social:
        raise ValidationError(
            _("%(organisation)s is not a social-economy enterprise."),
            code="not_social",
            params={"organisation": social.name},
        )
    if regular.is_social:
        raise ValidationError(
            _(
                "%(organisation)s is a social-economy enterprise; a collaboration is recorded "
                "between a regular organisation and a social-economy enterprise."
            ),
            code="regular_is_social",
            params={"organisation": regular.name},
        )


def record(*, regular, social, role, category=None, started, channel, source):
    """Record a collaboration that the portal saw happen, confirmed by both sides.

    What the portal records is confirmed by the event itself: the firm accepted the offer, the
    enterprise made it. Recording is idempotent: the same pair with the same role, category,
    channel and source that is still running is the same collaboration, so accepting a second
    offer of the same kind (or the same offer again) returns the row already there, started at
    the earlier date. One that has ended does not match: working together again is a new
    collaboration, which the reports count in its own years.
    """
    _check_sides(regular=regular, social=social)
    with transaction.atomic():
        # Lock the regular side's row: two recordings for the same pair at the same moment
        # queue here, so the second finds the first's row instead of adding a twin. (There is
        # no unique constraint to lean on: declared and imported collaborations may repeat.)
        Organisation.objects.select_for_update().filter(pk=regular.pk).first()
        existing = (
            Collaboration.objects.select_for_update()
            .filter(
                regular=regular,
                social=social,
                role=role,
                category=category,
                channel=channel,
                source=source,
            )
            .filter(Q(ended__isnull=True) | Q(ended__gte=timezone.localdate()))
            .order_by("started", "pk")
            .first()
        )
        now = timezone.now()
        if existing is None:
            return Collaboration.objects.create(
                regular=regular,
                social=social,
                role=role,
                category=category,
                started=started,
                channel=channel,
                source=source,
                confirmed_by_regular_at=now,
                confirmed_by_social_at=now,
            )
        changed = []
        if started < existing.started:
            existing.started = started
            changed.append("started")
        for side in ("confirmed_by_regular_at", "confirmed_by_social_at"):
            if getattr(existing, side) is None:
                setattr(existing, side, now)
                changed.append(side)
        if changed:
            existing.save(update_fields=changed)
        return existing
